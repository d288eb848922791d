"""The catalog: documents and passages in SQLite, the record every other store is checked against.

A document is in the index exactly when its row is here. Vectors (Chroma) and the keyword index
are derived from these rows and repaired from them after a crash (see :mod:`index.store`). The
diacritic lexicon's counts (see :mod:`index.lexicon`) are kept here too, changed in the same
transaction as the document they come from, so they cannot drift from the passages.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pydantic_core import to_jsonable_python

from index.lexicon import gram_counts
from ingest.figure_words import FigureWords, figure_words
from ingest.frame import DocumentFrame
from ingest.instructions import instruction_in
from ingest.models import Document, Fact, Passage, Span
from vntext.periods import Period

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    title TEXT,
    published TEXT,
    provinces TEXT NOT NULL,
    years TEXT NOT NULL,
    text TEXT NOT NULL,
    n_passages INTEGER NOT NULL,
    pipeline_version INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    reference_year INTEGER,
    frame TEXT
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_name ON documents(name);
CREATE TABLE IF NOT EXISTS passages (
    passage_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    text TEXT NOT NULL,
    sentences TEXT NOT NULL,
    provinces TEXT NOT NULL,
    years TEXT NOT NULL,
    context TEXT,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS facts (
    fact_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    passage_id TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    unit_text TEXT,
    text TEXT NOT NULL,
    qualifier TEXT,
    change TEXT,
    metric TEXT,
    place TEXT,
    district TEXT,
    organization TEXT,
    period TEXT,
    compared_to TEXT,
    part_of_total INTEGER NOT NULL,
    descriptor TEXT NOT NULL,
    context TEXT NOT NULL,
    subject_source TEXT NOT NULL,
    trailing TEXT NOT NULL DEFAULT '',
    period_source TEXT,
    sector TEXT
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id);
CREATE INDEX IF NOT EXISTS facts_unit_place ON facts(unit, place);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0');
"""


@dataclass
class CatalogIntegrity:
    """What the catalog alone can tell about its own consistency (see :meth:`Catalog.integrity`)."""

    sqlite: str  # "ok", or what SQLite's own check found
    documents: int
    passages: int
    facts: int
    partial_documents: list[str]  # doc IDs whose stored passages differ from the count recorded
    passages_without_document: list[str]
    facts_without_passage: list[str]  # no such passage, or a passage of another document
    misplaced_facts: list[str]  # the figure's text is not in its passage at its offsets


@dataclass(frozen=True)
class DocumentInfo:
    """A catalog row without the text: what listings show."""

    doc_id: str
    name: str
    source: str
    file_type: str
    size_bytes: int
    title: str | None
    published: str | None
    provinces: list[str]
    years: list[int]
    n_passages: int
    pipeline_version: int
    ingested_at: str
    reference_year: int | None = None
    frame: DocumentFrame | None = None  # what the document is about as a whole (see ingest.frame)
    # the first phrase addressing an AI assistant, if the text has one (ingest.instructions): answers
    # and drafts set such a document aside
    instruction: str | None = None

    @property
    def main_place(self) -> str | None:
        return self.frame.main_place if self.frame else None

    @property
    def published_year(self) -> int | None:
        """The year of publication (ingest stores the frame's date here when the page gives one)."""
        published = self.published
        return int(published[:4]) if published and published[:4].isdigit() else None

    def as_dict(self) -> dict[str, object]:
        return to_jsonable_python(self)


_INFO_COLUMNS = (
    "doc_id, name, source, file_type, size_bytes, title, published, provinces, years, n_passages, "
    "pipeline_version, ingested_at, reference_year, frame, instruction"
)


def _same_row(info: DocumentInfo | None, key: tuple) -> bool:
    """Whether ``info`` was read from the row whose (ingested_at, source, name, pipeline_version) is ``key``."""
    return info is not None and key == (info.ingested_at, info.source, info.name, info.pipeline_version)


def _info(row: sqlite3.Row) -> DocumentInfo:
    return DocumentInfo(
        doc_id=row["doc_id"],
        name=row["name"],
        source=row["source"],
        file_type=row["file_type"],
        size_bytes=row["size_bytes"],
        title=row["title"],
        published=row["published"],
        provinces=json.loads(row["provinces"]),
        years=json.loads(row["years"]),
        n_passages=row["n_passages"],
        pipeline_version=row["pipeline_version"],
        ingested_at=row["ingested_at"],
        reference_year=row["reference_year"],
        frame=DocumentFrame.from_dict(json.loads(row["frame"])) if row["frame"] else None,
        instruction=row["instruction"],
    )


def _passage(row: sqlite3.Row) -> Passage:
    return Passage(
        passage_id=row["passage_id"],
        doc_id=row["doc_id"],
        ordinal=row["ordinal"],
        text=row["text"],
        start=row["start_char"],
        end=row["end_char"],
        sentences=[Span(s, e) for s, e in json.loads(row["sentences"])],
        provinces=json.loads(row["provinces"]),
        years=json.loads(row["years"]),
        context=row["context"],
    )


class CatalogTooNew(RuntimeError):
    """The catalog was written by a newer version of ngoaid than this one."""


def _v1_schema(conn: sqlite3.Connection) -> None:
    """The schema as it stood when migrations were first numbered. A catalog from before then has
    the tables already, perhaps without the columns added over versions: those are added (its
    documents keep their old pipeline version and are reprocessed the next time they are ingested)."""
    for statement in _SCHEMA.split(";"):  # not executescript: it would commit the migration's transaction
        if statement.strip():
            conn.execute(statement)
    expected = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", _SCHEMA, re.S)
    for table, body in expected:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for line in body.split(",\n"):
            column = line.strip().split()[0]
            if column not in have and column.isidentifier():
                definition = line.strip().replace("NOT NULL", "").rstrip(",")
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")


# Numbered migrations: migration n takes a catalog from version n-1 (SQLite's user_version) to n.
# One that has shipped is never edited; a change to the schema is a new function appended here,
# written as the SQL that changes the previous version (ALTER TABLE ..., CREATE INDEX ...).
def _v2_lexicon(conn: sqlite3.Connection) -> None:
    """The lexicon's counts: (folded key, spelling) -> occurrences in the passages, for syllables and
    pairs of adjacent syllables. Filled from the passages already stored, a few thousand at a time
    (a catalog of 100,000 passages takes minutes, once)."""
    conn.execute(
        "CREATE TABLE lexicon (key TEXT NOT NULL, spelling TEXT NOT NULL, count INTEGER NOT NULL, "
        "PRIMARY KEY (key, spelling)) WITHOUT ROWID"
    )
    last = -1
    while True:
        rows = conn.execute("SELECT rowid, text FROM passages WHERE rowid > ? ORDER BY rowid LIMIT 5000", (last,)).fetchall()
        if not rows:
            return
        _change_lexicon(conn, gram_counts(r[1] for r in rows))
        last = rows[-1][0]


def _v3_instructions(conn: sqlite3.Connection) -> None:
    """Whether each document addresses an AI assistant, found once when it is stored rather than by
    every process at its first answer (reading every text of 6,255 documents for it was part of an
    11 s first answer at 100,000 passages)."""
    if "instruction" not in {row[1] for row in conn.execute("PRAGMA table_info(documents)")}:
        conn.execute("ALTER TABLE documents ADD COLUMN instruction TEXT")
    last = -1
    while True:
        rows = conn.execute("SELECT rowid, text FROM documents WHERE rowid > ? ORDER BY rowid LIMIT 500", (last,)).fetchall()
        if not rows:
            return
        found = [(instruction_in(text or ""), rowid) for rowid, text in rows]
        conn.executemany("UPDATE documents SET instruction = ? WHERE rowid = ?", [f for f in found if f[0]])
        last = rows[-1][0]


def _v4_figure_words(conn: sqlite3.Connection) -> None:
    """The words around each figure that scoring compares with a question (``ingest.figure_words``),
    as JSON, worked out when a document is stored rather than by every process at its first answer.
    Figures stored before have none and are worked out when first scored, as before: filling them
    here would hold the catalog's write lock while every figure's document is read and normalised
    (0.15 ms a figure on a quiet machine: some 21 s for the 140,749 figures of 100,000 passages, and
    more under load) in whatever command first opens the catalog. At ingest it is about 1% of the
    time a passage takes (0.2 of 21 ms); the catalog grows by about 0.6 KB a figure."""
    if "words" not in {row[1] for row in conn.execute("PRAGMA table_info(facts)")}:
        conn.execute("ALTER TABLE facts ADD COLUMN words TEXT")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_schema, _v2_lexicon, _v3_instructions, _v4_figure_words,
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations the catalog has not had, each in a transaction of its own (a crash leaves
    the catalog at the last version reached; two processes opening it at once apply each migration
    once). Returns the version reached."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                path = conn.execute("PRAGMA database_list").fetchone()[2]
                raise CatalogTooNew(
                    f"the index in {Path(path).parent} was made by a newer version of ngoaid (catalog version "
                    f"{version}; this one reads up to {SCHEMA_VERSION}): upgrade ngoaid to open it"
                )
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if version >= SCHEMA_VERSION:
            return version


# the columns a figures table may filter on by equality
FACT_FILTERS = frozenset({"unit", "place", "district", "organization", "sector", "metric", "doc_id", "passage_id"})


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, object]) -> None:
    """Insert by column name: a catalog whose columns were added over versions keeps working."""
    columns = ", ".join(row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def _change_lexicon(conn: sqlite3.Connection, delta: Mapping[tuple[str, str], int]) -> None:
    """Add ``delta`` (negative for text taken out) to the lexicon's counts; spellings no passage has
    any more are removed."""
    changes = [(key, spelling, n) for (key, spelling), n in delta.items() if n]
    conn.executemany(
        "INSERT INTO lexicon (key, spelling, count) VALUES (?, ?, ?) "
        "ON CONFLICT (key, spelling) DO UPDATE SET count = count + excluded.count",
        changes,
    )
    conn.executemany(
        "DELETE FROM lexicon WHERE key = ? AND spelling = ? AND count <= 0",
        [(key, spelling) for key, spelling, n in changes if n < 0],
    )


def _lexicon_delta(conn: sqlite3.Connection, removed: Iterable[str], added: Iterable[str]) -> Counter[tuple[str, str]]:
    """How the lexicon's counts change when the passages of documents ``removed`` go and the passage
    texts ``added`` come (a document replaced by a version of itself mostly cancels out)."""
    delta = gram_counts(added)
    for doc_id in removed:
        delta.subtract(gram_counts(r[0] for r in conn.execute("SELECT text FROM passages WHERE doc_id=?", (doc_id,))))
    return delta


def _period_json(period: Period | None) -> str | None:
    return json.dumps([period.start, period.end, period.label]) if period else None


def _period(raw: str | None) -> Period | None:
    if not raw:
        return None
    start, end, label = json.loads(raw)
    return Period(start, end, label)


def _fact(row: sqlite3.Row) -> Fact:
    return Fact(
        fact_id=row["fact_id"],
        doc_id=row["doc_id"],
        passage_id=row["passage_id"],
        sentence=Span(row["sentence_start"], row["sentence_end"]),
        span=Span(row["span_start"], row["span_end"]),
        value=row["value"],
        unit=row["unit"],
        unit_text=row["unit_text"],
        text=row["text"],
        qualifier=row["qualifier"],
        change=row["change"],
        metric=row["metric"],
        place=row["place"],
        district=row["district"],
        organization=row["organization"],
        period=_period(row["period"]),
        part_of_total=bool(row["part_of_total"]),
        descriptor=row["descriptor"],
        context=[Span(s, e) for s, e in json.loads(row["context"])],
        subject_source=row["subject_source"],
        compared_to=_period(row["compared_to"]),
        trailing=row["trailing"],
        period_source=row["period_source"],
        sector=row["sector"],
    )


CATALOG_FILE = "catalog.sqlite3"  # in the data folder


class Catalog:
    """SQLite catalog. Each call opens its own connection, so one object serves many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # each thread's connection for generation()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            migrate(conn)
            # the facts table's columns (a newer process may add some later: these stay readable)
            self._facts_table = tuple(row[1] for row in conn.execute("PRAGMA table_info(facts)"))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
            conn.execute("COMMIT")

    # --- reads ----------------------------------------------------------------------------------

    def generation(self) -> int:
        """A counter bumped by every change; derived indexes record the one they reflect.

        Read several times per answer (a fresh connection costs 0.5 ms, about 3 ms an answer), so each
        thread keeps one connection for it. The statement is closed before returning: a statement left
        open would keep the connection on an old snapshot of the catalog."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=True)
        cursor = conn.execute("SELECT value FROM meta WHERE key='generation'")
        try:
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def documents(self) -> list[DocumentInfo]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents ORDER BY name, doc_id").fetchall()
        return [_info(r) for r in rows]

    def documents_since(self, known: Mapping[str, DocumentInfo]) -> dict[str, DocumentInfo]:
        """Every document, by ID, reusing the ``known`` ones that have not changed: only new or
        re-stored rows are read whole (parsing 6,255 rows took 0.13 s, after every upload)."""
        with self._connect() as conn:
            keys = conn.execute(
                "SELECT doc_id, ingested_at, source, name, pipeline_version FROM documents ORDER BY name, doc_id"
            ).fetchall()
            fresh = [k[0] for k in keys if not _same_row(known.get(k[0]), tuple(k[1:]))]
            rows = []
            for start in range(0, len(fresh), 500):
                chunk = fresh[start : start + 500]
                where = f"doc_id IN ({','.join('?' * len(chunk))})"
                rows += conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE {where}", chunk).fetchall()
        found = {r["doc_id"]: _info(r) for r in rows}
        return {k[0]: found.get(k[0]) or known[k[0]] for k in keys}

    def document(self, doc_id: str) -> DocumentInfo | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _info(row) if row else None

    def document_text(self, doc_id: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document_texts(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc_id -> cleaned text, of several documents on one connection."""
        ids, found = list(dict.fromkeys(doc_ids)), {}
        with self._connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                found.update(conn.execute(f"SELECT doc_id, text FROM documents WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def documents_from_source(self, source: str) -> list[DocumentInfo]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE source=?", (source,)).fetchall()
        return [_info(r) for r in rows]

    def find_documents(self, ref: str) -> list[DocumentInfo]:
        """Documents matching an ID, a unique ID prefix (6+ characters) or a file name."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE doc_id=?", (ref,)).fetchall()
            if not rows:
                rows = conn.execute(f"SELECT {_INFO_COLUMNS} FROM documents WHERE name=?", (ref,)).fetchall()
            if not rows and len(ref) >= 6:
                escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = conn.execute(
                    f"SELECT {_INFO_COLUMNS} FROM documents WHERE doc_id LIKE ? ESCAPE '\\'",
                    (escaped + "%",),
                ).fetchall()
        return [_info(r) for r in rows]

    def passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        ids = list(dict.fromkeys(ids))
        found: dict[str, Passage] = {}
        with self._connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(f"SELECT * FROM passages WHERE passage_id IN ({marks})", chunk):
                    found[row["passage_id"]] = _passage(row)
        return found

    def passages_of(self, doc_id: str) -> list[Passage]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM passages WHERE doc_id=? ORDER BY ordinal", (doc_id,)).fetchall()
        return [_passage(r) for r in rows]

    def passage_ids(self) -> set[str]:
        with self._connect() as conn:
            return {r[0] for r in conn.execute("SELECT passage_id FROM passages")}

    def keyword_entries(self, doc_ids: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
        """(doc_id, passage_id, keyword tokens) of every passage, or of some documents' passages, in
        the order they were stored: what the keyword index holds."""
        with self._connect() as conn:
            if doc_ids is None:
                return [tuple(r) for r in conn.execute("SELECT doc_id, passage_id, tokens FROM passages ORDER BY rowid")]
            found, ids = [], list(dict.fromkeys(doc_ids))
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                found += conn.execute(
                    f"SELECT doc_id, passage_id, tokens FROM passages WHERE doc_id IN ({','.join('?' * len(chunk))}) ORDER BY rowid",
                    chunk,
                ).fetchall()
            return [tuple(r) for r in found]

    def lexicon_counts(self, keys: Iterable[str]) -> dict[str, dict[str, int]]:
        """Folded key -> {spelling: occurrences in the passages}, most frequent first, for some keys."""
        keys, found = list(dict.fromkeys(keys)), {}
        with self._connect() as conn:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                rows = conn.execute(
                    f"SELECT key, spelling, count FROM lexicon WHERE key IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY key, count DESC, spelling",
                    chunk,
                )
                for key, spelling, count in rows:
                    found.setdefault(key, {})[spelling] = count
        return found

    def lexicon_size(self) -> int:
        """How many distinct keys the lexicon's counts hold (reads the whole table)."""
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(DISTINCT key) FROM lexicon").fetchone()[0])

    def facts(
        self,
        units: Iterable[str] | None = None,
        doc_ids: Iterable[str] | None = None,
        passage_ids: Iterable[str] | None = None,
    ) -> list[Fact]:
        """Facts, optionally only of some units, documents or passages."""
        return [fact for fact, _ in self._read_facts(units, doc_ids, passage_ids, words=False)]

    def facts_with_words(
        self, units: Iterable[str] | None = None, doc_ids: Iterable[str] | None = None
    ) -> list[tuple[Fact, FigureWords | None]]:
        """Facts as :meth:`facts` gives them, each with the words stored for it (None for a figure
        stored before they were, see ``_v4_figure_words``)."""
        return self._read_facts(units, doc_ids, None, words=True)

    def fill_figure_words(self, documents_at_a_time: int = 200) -> int:
        """Work out and store the words of the figures stored before the catalog kept them (see
        ``_v4_figure_words``), a few documents per transaction; how many figures got them. The
        caller holds the data folder's write lock."""
        with self._connect() as conn:
            doc_ids = [row[0] for row in conn.execute("SELECT DISTINCT doc_id FROM facts WHERE words IS NULL")]
        filled = 0
        for i in range(0, len(doc_ids), documents_at_a_time):
            chunk = doc_ids[i : i + documents_at_a_time]
            texts = self.document_texts(chunk)
            with self._connect() as conn:
                marks = ",".join("?" * len(chunk))
                titles = dict(conn.execute(f"SELECT doc_id, title FROM documents WHERE doc_id IN ({marks})", chunk).fetchall())
            rows = [
                (figure_words(fact, texts[fact.doc_id], titles.get(fact.doc_id)).to_json(), fact.fact_id)
                for fact, words in self.facts_with_words(doc_ids=chunk)
                if words is None and fact.doc_id in texts
            ]
            with self._transaction() as conn:
                conn.executemany("UPDATE facts SET words = ? WHERE fact_id = ? AND words IS NULL", rows)
            filled += len(rows)
        return filled

    def _read_facts(
        self, units: Iterable[str] | None, doc_ids: Iterable[str] | None, passage_ids: Iterable[str] | None, words: bool
    ) -> list[tuple[Fact, FigureWords | None]]:
        clauses, params = [], []
        for column, values in (("unit", units), ("doc_id", doc_ids), ("passage_id", passage_ids)):
            if values is not None:
                values = list(values)
                if not values:
                    return []
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        columns = self._fact_columns(light=False) + (", words" if words else "")
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {columns} FROM facts {where} ORDER BY rowid", params).fetchall()
        return [(_fact(r), FigureWords.from_json(r["words"]) if words and r["words"] else None) for r in rows]

    def _fact_columns(self, light: bool) -> str:
        """The facts table's columns for a SELECT, without the stored words (see
        :meth:`facts_with_words`); ``light``: without the words around each figure either
        (``descriptor``, ``trailing`` and ``context`` come back empty), which a table or a comparison
        of figures does not need and which cost most of the reading."""
        heavy = {"descriptor": "''", "trailing": "''", "context": "'[]'"} if light else {}
        return ", ".join(f"{heavy[c]} AS {c}" if c in heavy else c for c in self._facts_table if c != "words")

    def iter_facts(self, equal: Mapping[str, object] | None = None, batch: int = 1000, light: bool = False) -> Iterator[Fact]:
        """Facts whose columns equal the given values, in document order, ``batch`` rows at a time so
        that a table of any size streams. Columns: those of ``FACT_FILTERS``; ``light``: see
        :meth:`_fact_columns`. Each batch is read on a connection of its own (by the position the
        last one ended at), so the iterator may be advanced from any thread, as a streaming HTTP
        response does."""
        equal = dict(equal or {})
        unknown = set(equal) - FACT_FILTERS
        if unknown:
            raise ValueError(f"cannot filter facts by {', '.join(sorted(unknown))}")
        where = "".join(f" AND {column} = ?" for column in equal)
        columns = self._fact_columns(light)
        sql = f"SELECT rowid AS row_number, {columns} FROM facts WHERE (doc_id, rowid) > (?, ?){where} ORDER BY doc_id, rowid LIMIT ?"
        after: tuple[str, int] = ("", -1)
        while True:
            with self._connect() as conn:
                rows = conn.execute(sql, (*after, *equal.values(), batch)).fetchall()
            yield from (_fact(r) for r in rows)
            if len(rows) < batch:
                return
            after = (rows[-1]["doc_id"], rows[-1]["row_number"])

    def facts_by_id(self, fact_ids: Iterable[str]) -> list[Fact]:
        ids, found = list(fact_ids), []
        with self._connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                found += conn.execute(f"SELECT {self._fact_columns(light=False)} FROM facts WHERE fact_id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        return [_fact(r) for r in found]

    def facts_in_shared_scopes(self) -> list[Fact]:
        """Facts whose unit, place, district, organisation, sector, period (any running total "to
        date" counting as one) and part-of-total flag another document states too, with another
        value: the only ones that can disagree with another source (see
        ``assistant.conflicts``). Found by SQL grouping, so only those facts are loaded, without the
        words around them (``descriptor``, ``trailing`` and ``context`` are empty)."""
        key = (
            "unit, IFNULL(place, ''), IFNULL(district, ''), IFNULL(organization, ''), IFNULL(sector, ''), "
            "CASE WHEN json_extract(period, '$[1]') IS NULL THEN 'to date' "
            "ELSE json_extract(period, '$[0]') || json_extract(period, '$[1]') END, part_of_total"
        )
        scoped = "change IS NULL AND period IS NOT NULL"
        sql = (
            f"SELECT {self._fact_columns(light=True)} FROM facts WHERE {scoped} AND ({key}) IN "
            f"(SELECT {key} FROM facts WHERE {scoped} GROUP BY {key} "
            "HAVING COUNT(DISTINCT doc_id) > 1 AND MIN(value) < MAX(value)) ORDER BY rowid"
        )
        with self._connect() as conn:
            return [_fact(r) for r in conn.execute(sql).fetchall()]

    def facts_stating(self, unit: str, place: str | None, value: float) -> list[Fact]:
        """Facts of one unit and place that state exactly this value (by the unit-and-place index)."""
        columns = self._fact_columns(light=False)
        with self._connect() as conn:
            rows = conn.execute(
                f"SELECT {columns} FROM facts WHERE unit = ? AND place IS ? AND value = ? ORDER BY rowid", (unit, place, value)
            ).fetchall()
        return [_fact(r) for r in rows]

    def passage_texts(self, doc_ids: Iterable[str] | None = None) -> dict[str, str]:
        """passage_id -> text, of every passage or of some documents' passages."""
        with self._connect() as conn:
            if doc_ids is None:
                return dict(conn.execute("SELECT passage_id, text FROM passages"))
            found: dict[str, str] = {}
            ids = list(doc_ids)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                found.update(conn.execute(f"SELECT passage_id, text FROM passages WHERE doc_id IN ({marks})", chunk))
            return found

    def outdated_documents(self, pipeline_version: int) -> list[str]:
        """Documents made by an earlier pipeline: the only ones whose passage texts can change
        under the same passage IDs when they are processed again."""
        with self._connect() as conn:
            rows = conn.execute("SELECT doc_id FROM documents WHERE pipeline_version != ?", (pipeline_version,))
            return [r[0] for r in rows]

    def integrity(self) -> CatalogIntegrity:
        """Check that documents are whole and facts sit where they say, without changing anything."""
        with self._connect() as conn:
            sqlite_says = "; ".join(r[0] for r in conn.execute("PRAGMA quick_check"))
            partial = [
                r[0]
                for r in conn.execute(
                    "SELECT d.doc_id FROM documents d LEFT JOIN "
                    "(SELECT doc_id, COUNT(*) AS n FROM passages GROUP BY doc_id) p ON p.doc_id = d.doc_id "
                    "WHERE COALESCE(p.n, 0) != d.n_passages ORDER BY d.doc_id"
                )
            ]
            homeless = [
                r[0]
                for r in conn.execute(
                    "SELECT passage_id FROM passages WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
                )
            ]
            orphans, misplaced, n_facts = [], [], 0
            rows = conn.execute(
                "SELECT f.fact_id, f.doc_id AS fact_doc, f.text AS figure, f.span_start, f.span_end, "
                "p.doc_id AS passage_doc, p.text AS passage, p.start_char "
                "FROM facts f LEFT JOIN passages p ON p.passage_id = f.passage_id"
            )
            for row in rows:
                n_facts += 1
                if row["passage_doc"] is None or row["passage_doc"] != row["fact_doc"]:
                    orphans.append(row["fact_id"])
                    continue
                start, end = row["span_start"] - row["start_char"], row["span_end"] - row["start_char"]
                if start < 0 or row["passage"][start:end] != row["figure"]:
                    misplaced.append(row["fact_id"])
            docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return CatalogIntegrity(
            sqlite=sqlite_says, documents=int(docs), passages=int(passages), facts=n_facts,
            partial_documents=partial, passages_without_document=homeless,
            facts_without_passage=orphans, misplaced_facts=misplaced,
        )  # fmt: skip

    def counts(self) -> tuple[int, int]:
        with self._connect() as conn:
            docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        return int(docs), int(passages)

    # --- writes ---------------------------------------------------------------------------------

    def passage_engines(self) -> dict[str, float | None]:
        """What embedded this index's passages: each engine's name with its lowest cosine to the
        reference engine on the check texts (None for the reference itself)."""
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key='passage_engines'").fetchone()
        return json.loads(row[0]) if row else {}

    def note_passage_engine(self, name: str, agreement: float | None) -> None:
        """Record that ``name`` embedded passages here (no new generation: nothing searchable changed)."""
        engines = {**self.passage_engines(), name: agreement}
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('passage_engines', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (json.dumps(engines, sort_keys=True),),
            )

    def put_document(self, doc: Document, tokens: list[str], replaces: Iterable[str] = ()) -> None:
        """Insert a document and its passages, removing ``replaces`` (and any older copy of the same
        document) in the same transaction: readers see the old state or the new, never a mix."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        words = [figure_words(f, doc.text, doc.title).to_json() for f in doc.facts]  # before taking the write lock
        with self._transaction() as conn:
            removed = {*replaces, doc.doc_id}
            _change_lexicon(conn, _lexicon_delta(conn, removed, (p.text for p in doc.passages)))
            for old in removed:
                conn.execute("DELETE FROM documents WHERE doc_id=?", (old,))
            _insert(conn, "documents", {
                "doc_id": doc.doc_id, "name": doc.name, "source": doc.source, "file_type": doc.file_type,
                "size_bytes": doc.size_bytes, "title": doc.title, "published": doc.published,
                "provinces": json.dumps(doc.provinces, ensure_ascii=False), "years": json.dumps(doc.years),
                "text": doc.text, "n_passages": len(doc.passages), "pipeline_version": doc.pipeline_version,
                "ingested_at": now, "reference_year": doc.reference_year,
                "frame": json.dumps(doc.frame.as_dict(), ensure_ascii=False) if doc.frame else None,
                "instruction": instruction_in(doc.text),
            })  # fmt: skip
            for p, toks in zip(doc.passages, tokens, strict=True):
                _insert(conn, "passages", {
                    "passage_id": p.passage_id, "doc_id": p.doc_id, "ordinal": p.ordinal, "start_char": p.start,
                    "end_char": p.end, "text": p.text, "sentences": json.dumps([[s.start, s.end] for s in p.sentences]),
                    "provinces": json.dumps(p.provinces, ensure_ascii=False), "years": json.dumps(p.years),
                    "context": p.context, "tokens": toks,
                })  # fmt: skip
            for f, fact_words in zip(doc.facts, words, strict=True):
                _insert(conn, "facts", {
                    "fact_id": f.fact_id, "doc_id": f.doc_id, "passage_id": f.passage_id,
                    "sentence_start": f.sentence.start, "sentence_end": f.sentence.end, "span_start": f.span.start,
                    "span_end": f.span.end, "value": f.value, "unit": f.unit, "unit_text": f.unit_text,
                    "text": f.text, "qualifier": f.qualifier, "change": f.change, "metric": f.metric,
                    "place": f.place, "district": f.district, "organization": f.organization,
                    "period": _period_json(f.period), "compared_to": _period_json(f.compared_to),
                    "part_of_total": int(f.part_of_total), "descriptor": f.descriptor,
                    "context": json.dumps([[c.start, c.end] for c in f.context]),
                    "subject_source": f.subject_source, "trailing": f.trailing, "period_source": f.period_source,
                    "sector": f.sector, "words": fact_words,
                })  # fmt: skip

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        doc_ids = list(dict.fromkeys(doc_ids))
        with self._transaction() as conn:
            _change_lexicon(conn, _lexicon_delta(conn, doc_ids, ()))
            for doc_id in doc_ids:
                conn.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
