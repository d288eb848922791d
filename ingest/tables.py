"""Tables pasted as text: their rows, cells, header and caption, found in a document's text.

Reports copied from web pages carry tables flattened to text, in two shapes:

* one cell per line (cells often separated by blank lines), the header cells first, then the rows:
  "Năm" / "Số lượng dự án" / "Giá trị (USD)" / "2017" / "31" / "1.682.941" / "2018" / ...;
* one row per line, the cells separated by "|" (Markdown), tabs, runs of spaces, or single spaces
  when every cell is a number ("2018 18 18 1.536.781").

The number of columns comes from the rows: the repeating pattern of cell kinds (a year followed by
numbers, a label followed by numbers) or, when every cell is a number, the count of header cells.
Header lines that start in lower case continue the header cell before them ("Số lượng tổ chức PCPNN"
/ "cùng nhà tài trợ"). A false table corrupts the sentences it swallows, so anything doubtful is
left alone: no table without a column of figures, none in prose, bullet lists or lone headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.models import Span

MAX_COLUMNS = 12
_MAX_CELL_WORDS = 15
_MAX_CELL_CHARS = 120
_MAX_ROW_CHARS = 2000  # longer lines are prose (or noise), never a row
_MAX_CAPTION_WORDS = 40

_YEAR = re.compile(r"(?:19|20)[0-9]{2}(?:\s*[-–]\s*(?:19|20)[0-9]{2})?")
_NUMBER = re.compile(
    r"[<>≈~]?\s*[-+]?[0-9]+(?:[.,][0-9]+)*\s*%?"
    r"(?:\s*(?:triệu|tỷ|tỉ|nghìn|ngàn|million|billion))?(?:\s*(?:USD|VNĐ|VND|đồng|EUR|euro))?",
    re.IGNORECASE,
)
_EMPTY = frozenset({"-", "–", "—", "x", "...", "…", "n/a"})
_NUMBER_START = frozenset("0123456789<>≈~+-")
_WORD = re.compile(r"\w+")
_NAME = re.compile(r"[^\W\d_]{2}")  # a column name has a word of two letters or more
# Lines that are list items or numbered headings, never a cell: "- Diện tích: ...", "2.1. Giá trị".
_LIST_ITEM = re.compile(r"(?:[-–•*+]|[0-9]+(?:\.[0-9]+)*[.)])\s")
_TOTAL = re.compile(r"(?:tổng|cộng|total)\b", re.IGNORECASE)
_RULE = re.compile(r"\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?")
_GAP = re.compile(r"\t[ \t]*|  +")
_SPACED_NUMBERS = re.compile(r"\S+(?: \S+)+")
Y, N, T = "Y", "N", "T"  # cell kinds: a year, a figure (or an empty mark), short text


@dataclass(frozen=True)
class Row:
    span: Span  # from the first cell to the last
    cells: tuple[Span, ...]
    key: str | None  # the cell that names the row: a year or a label


@dataclass(frozen=True)
class Table:
    span: Span  # from the header (or the first row) to the last row
    caption: Span | None  # the line that introduces the table ("2.1. Giá trị viện trợ ...:")
    header: tuple[str, ...]  # one name per column; the header line whole when it cannot be split
    header_span: Span | None
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def find_tables(text: str) -> list[Table]:
    """The tables of a text, in order, none overlapping another."""
    return list(_find_tables(text))


def table_context(table: Table, text: str) -> str:
    """The caption and the column names of a table, as retrieval should see them next to its rows."""
    parts = [table.caption.of(text)] if table.caption else []
    if table.header:
        parts.append(" | ".join(table.header))
    return " ".join(parts)


def labelled_cells(table: Table, row: Row) -> list[tuple[str | None, Span]]:
    """Each cell of a row with the name of its column (None when the header does not say)."""
    named = len(table.header) == max(len(r.cells) for r in table.rows)
    return [(table.header[i] if named and i < len(table.header) else None, cell) for i, cell in enumerate(row.cells)]


@lru_cache(maxsize=4)
def _find_tables(text: str) -> tuple[Table, ...]:
    # Cached: segmentation asks for the tables of the same text twice (sentences, then passages).
    lines = _lines(text)
    found = _row_tables(lines) + _cell_tables(lines)
    found.sort(key=lambda t: t.span.start)
    kept: list[Table] = []
    for table in found:
        if not kept or table.span.start >= kept[-1].span.end:
            kept.append(table)
    return tuple(kept)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + raw.index(stripped)
            out.append(_Line(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return out


# --------------------------------------------------------------------------- cells


def cell_kind(cell: str) -> str | None:
    """Y (a year or a span of years), N (a figure or an empty mark), T (a short label), else None."""
    if not cell:
        return N
    if len(cell) <= 40:
        if cell[0] in _NUMBER_START:
            if _YEAR.fullmatch(cell):
                return Y
            if _NUMBER.fullmatch(cell):
                return N
        if cell.casefold() in _EMPTY:
            return N
    return T if _is_label(cell) else None


def _is_label(cell: str) -> bool:
    if len(cell) > _MAX_CELL_CHARS or cell[-1] in ".!?:;,":
        return False
    if "|" in cell or "\t" in cell or "  " in cell or "://" in cell or _LIST_ITEM.match(cell):
        return False
    # words as the spaces count them: cheaper than a regex on every line of a long text
    return len(cell.split(" ")) <= _MAX_CELL_WORDS and any(c.isalpha() for c in cell)


def _numeric(kind: str | None) -> bool:
    return kind in (Y, N)


def _fits(kind: str | None, wanted: str | None, column: int) -> bool:
    """Whether a cell of ``kind`` can sit in a column whose first cell is of kind ``wanted``. The key
    column must agree exactly (a year row is not a figure row); the others only as figure or text,
    since a count column can hold a "2000"."""
    if column == 0:
        return kind == wanted
    return kind == wanted or (_numeric(kind) and _numeric(wanted))


def _row_fits(kinds: list[str | None], pattern: list[str | None]) -> bool:
    return len(kinds) == len(pattern) and all(_fits(k, p, c) for c, (k, p) in enumerate(zip(kinds, pattern)))


def _key(texts: list[str], kinds: list[str | None]) -> str | None:
    return next((t for t, k in zip(texts, kinds) if k in (Y, T) and t), None)


def _is_total(cell: str) -> bool:
    return bool(_TOTAL.match(cell))


def _is_caption(line: str) -> bool:
    words = len(_WORD.findall(line))
    return 1 <= words <= _MAX_CAPTION_WORDS and (line.endswith(":") or line[-1] not in ".!?;,")


def _merge_continuations(lines: list[_Line]) -> list[list[_Line]]:
    """Header lines grouped into cells: a line starting in lower case continues the one before."""
    cells: list[list[_Line]] = []
    for line in lines:
        if cells and (line.text[0].islower() or line.text[0] == "("):
            cells[-1].append(line)
        else:
            cells.append([line])
    return cells


# --------------------------------------------------------------------------- one row per line


@dataclass(frozen=True)
class _Split:
    sep: str  # "pipe", "gap" (tabs or runs of spaces) or "space" (single spaces, figures only)
    cells: tuple[Span, ...]
    kinds: tuple[str | None, ...]


def _split_line(line: _Line) -> _Split | None:
    """The cells of a line written as a table row, when it is one."""
    if len(line.text) > _MAX_ROW_CHARS or " " not in line.text and "|" not in line.text and "\t" not in line.text:
        return None
    if "|" in line.text:
        body = line.text
        lead = len(body) - len(body.lstrip("|"))
        body = body.strip("|")
        pieces, sep = _pieces(body, line.start + lead, re.compile(r"\|")), "pipe"
    elif _GAP.search(line.text):
        pieces, sep = _pieces(line.text, line.start, _GAP), "gap"
    elif _SPACED_NUMBERS.fullmatch(line.text):
        pieces, sep = _pieces(line.text, line.start, re.compile(" ")), "space"
        if not all(_numeric(cell_kind(text)) for _, text in pieces):
            return None
    else:
        return None
    if len(pieces) < 2 or len(pieces) > MAX_COLUMNS:
        return None
    kinds = tuple(cell_kind(text) for _, text in pieces)
    if None in kinds or not any(_numeric(k) and text for k, (_, text) in zip(kinds, pieces)):
        return None
    return _Split(sep, tuple(span for span, _ in pieces), kinds)


def _pieces(body: str, offset: int, separator: re.Pattern[str]) -> list[tuple[Span, str]]:
    out: list[tuple[Span, str]] = []
    pos = 0
    for m in [*separator.finditer(body), None]:
        end = m.start() if m else len(body)
        raw = body[pos:end]
        stripped = raw.strip()
        start = offset + pos + (raw.index(stripped) if stripped else 0)
        out.append((Span(start, start + len(stripped)), stripped))
        pos = m.end() if m else len(body)
    return out


def _header_split(line: _Line, like: _Split) -> tuple[str, ...] | None:
    """The column names of the line above a row, when it reads as their header."""
    if like.sep == "space":
        if len(_WORD.findall(line.text)) > 30 or line.text[-1] in ".!?;:":
            return None
        # written on one line, its cells start with a capital ("Năm Số dự án Giá trị (USD)"); an
        # all-capitals word ("PCPNN", "USD") does not start a cell
        starts = [m.start() for m in re.finditer(r"\S+", line.text) if m[0][0].isupper() and not m[0].isupper()]
        if len(starts) != len(like.cells) or starts[0] != 0:
            return None
        bounds = [*starts, len(line.text)]
        return tuple(line.text[a:b].strip() for a, b in zip(bounds, bounds[1:]))
    if "|" in line.text:
        pieces = _pieces(line.text.strip("|"), 0, re.compile(r"\|"))
        sep = "pipe"
    else:
        pieces, sep = _pieces(line.text, 0, _GAP), "gap"
    if sep != like.sep or len(pieces) != len(like.cells):
        return None
    kinds = [cell_kind(text) for _, text in pieces]
    if None in kinds or N in kinds[1:] or not any(k == T for k in kinds):
        return None
    return tuple(text for _, text in pieces)


def _row_tables(lines: list[_Line]) -> list[Table]:
    rules = [line.text[0] in "|:-" and "-" in line.text and bool(_RULE.fullmatch(line.text)) for line in lines]
    splits = [None if rule else _split_line(line) for line, rule in zip(lines, rules)]
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        first = splits[i]
        if first is None:
            i += 1
            continue
        members = [i]
        j = i + 1
        while j < len(lines):
            if rules[j]:
                j += 1
                continue
            split = splits[j]
            if split is None or split.sep != first.sep or not _horizontal_fits(lines[j], split, first):
                break
            members.append(j)
            j += 1
        table = _row_table(lines, splits, rules, members)
        if table is not None:
            tables.append(table)
        i = members[-1] + 1
    return tables


def _horizontal_fits(line: _Line, split: _Split, first: _Split) -> bool:
    if len(split.cells) != len(first.cells):
        return False
    kinds, pattern = list(split.kinds), list(first.kinds)
    if kinds[0] == T and pattern[0] != T and _is_total(_cell_texts(line, split)[0]):
        kinds[0] = pattern[0]  # a total ("Tổng cộng | 49 | 3.219.722") under year rows
    return _row_fits(kinds, pattern)


def _row_table(lines: list[_Line], splits: list[_Split | None], rules: list[bool], members: list[int]) -> Table | None:
    first = splits[members[0]]
    assert first is not None
    rows_of = [(lines[m], split) for m in members if (split := splits[m]) is not None]
    header: tuple[str, ...] = ()
    header_line: _Line | None = None
    if _years_over_figures(first, rows_of[1][1] if len(rows_of) > 1 else None):
        # a first row of years over rows of figures names the columns ("Chỉ tiêu | 2017 | 2018")
        header_line, header = lines[members[0]], tuple(_cell_texts(lines[members[0]], first))
        rows_of = rows_of[1:]
    above = members[0] - 1
    while above >= 0 and rules[above]:
        above -= 1
    if header_line is None and above >= 0 and splits[above] is None:
        named = _header_split(lines[above], first)
        if named is not None:
            header, header_line = named, lines[above]
            above -= 1
    explicit = first.sep != "space"
    if len(rows_of) < 2 and not (explicit and header_line is not None):
        return None
    if first.sep == "space" and len(first.cells) < 3 and header_line is None:
        return None
    caption = None
    if above >= 0 and splits[above] is None and not rules[above] and _is_caption(lines[above].text):
        caption = Span(lines[above].start, lines[above].end)
    rows = [_make_row(line, split) for line, split in rows_of]
    return Table(
        span=Span(header_line.start if header_line else rows[0].span.start, rows[-1].span.end),
        caption=caption,
        header=header,
        header_span=Span(header_line.start, header_line.end) if header_line else None,
        rows=tuple(rows),
    )


def _years_over_figures(first: _Split, second: _Split | None) -> bool:
    return second is not None and all(k == Y for k in first.kinds[1:]) and N in second.kinds[1:]


def _cell_texts(line: _Line, split: _Split) -> list[str]:
    return [line.text[c.start - line.start : c.end - line.start] for c in split.cells]


def _make_row(line: _Line, split: _Split) -> Row:
    filled = [c for c in split.cells if c.end > c.start]
    return Row(
        span=Span(filled[0].start, filled[-1].end),
        cells=split.cells,
        key=_key(_cell_texts(line, split), list(split.kinds)),
    )


# --------------------------------------------------------------------------- one cell per line


@dataclass(frozen=True)
class _Block:
    """Rows found in a run of cell lines: (first line, end line) of each, and the column count."""

    rows: list[tuple[int, int]]
    columns: int


def _cell_tables(lines: list[_Line]) -> list[Table]:
    kinds = [cell_kind(line.text) for line in lines]
    tables: list[Table] = []
    floor = 0  # lines before this one belong to an earlier table
    a = 0
    while a < len(lines):
        if kinds[a] is None:
            a += 1
            continue
        b = a
        while b < len(lines) and kinds[b] is not None:
            b += 1
        nxt = _next_same(kinds, a, b)
        i = a
        while i < b:
            table, end = _table_at(lines, kinds, nxt, a, b, i, floor)
            if table is not None:
                tables.append(table)
                floor = end
            # rows refused (no header) are skipped whole: no table starts inside them, and
            # retrying from each of their lines made 100,000 header-less rows quadratic
            i = max(end, i + 1)
        a = b
    return tables


def _next_same(kinds: list[str | None], a: int, b: int) -> list[int]:
    """For each line of the run [a, b), the next line of the run with the same kind (b if none)."""
    nxt = [b] * (b - a)
    last: dict[str | None, int] = {}
    for i in range(b - 1, a - 1, -1):
        nxt[i - a] = last.get(kinds[i], b)
        last[kinds[i]] = i
    return nxt


def _table_at(
    lines: list[_Line], kinds: list[str | None], nxt: list[int], a: int, b: int, i: int, floor: int
) -> tuple[Table | None, int]:
    """The table whose first row starts at line i of the run [a, b), if any, and the line after
    the rows found there (i when none)."""
    low = max(a, floor)
    block = _keyed_rows(lines, kinds, nxt, a, b, i) if i >= low else None
    if block is None and i > low and _numeric(kinds[i]) and kinds[i - 1] == T:
        block = _header_led_rows(lines, kinds, i, low, b)
    if block is None:
        return None, i
    return _cell_table(lines, kinds, block, i, low, floor), block.rows[-1][1]


def _keyed_rows(
    lines: list[_Line], kinds: list[str | None], nxt: list[int], a: int, b: int, i: int
) -> _Block | None:
    """Rows starting at line i whose length is the distance between two cells of the key's kind:
    the key kind ("2017", "2018") occurs once per row, at its start."""
    k = nxt[i - a] - i
    if not 2 <= k <= MAX_COLUMNS or i + 2 * k > b:
        return None
    pattern = kinds[i : i + k]
    if not any(_numeric(kind) for kind in pattern):
        return None
    rows: list[tuple[int, int]] = []
    r = i
    while r + k <= b and _row_fits(kinds[r : r + k], pattern) and nxt[r - a] >= r + k:
        rows.append((r, r + k))
        r += k
    if len(rows) < 2:
        return None
    return _Block(rows + _closing_row(lines, kinds, pattern, r, b), k)


def _closing_row(
    lines: list[_Line], kinds: list[str | None], pattern: list[str | None], r: int, b: int
) -> list[tuple[int, int]]:
    """A last row that breaks the pattern but belongs to the table: a total ("Tổng cộng") under
    year rows, or a row cut short by the end of the text."""
    k = len(pattern)
    if r + k <= b and kinds[r] == T and pattern[0] != T and _is_total(lines[r].text):
        if _row_fits([pattern[0], *kinds[r + 1 : r + k]], pattern):
            return [(r, r + k)]
    if b == len(lines) and 2 <= b - r < k and _row_fits(kinds[r:b], pattern[: b - r]):
        return [(r, b)]
    return []


def _header_top(kinds: list[str | None], i: int, low: int) -> int:
    """The first of the label lines right above line i."""
    top = i
    while top > low and kinds[top - 1] == T:
        top -= 1
    return top


def _header_led_rows(lines: list[_Line], kinds: list[str | None], i: int, low: int, b: int) -> _Block | None:
    """Rows counted by the header: the data alone cannot tell the columns apart (all figures), or
    there is a single row. The label lines above must be exactly the header (the run starts with
    them) and the figures must fill whole rows."""
    top = _header_top(kinds, i, low)
    k = len(_merge_continuations(lines[top:i]))
    if top != low or not 2 <= k <= MAX_COLUMNS:
        return None
    pattern = kinds[i : i + k]
    rows: list[tuple[int, int]] = []
    r = i
    while r + k <= b and _row_fits(kinds[r : r + k], pattern):
        rows.append((r, r + k))
        r += k
    at_end = b == len(lines)
    if len(rows) >= 2:
        if T in pattern:
            return None  # a text column would have made the rows countable: the count disagrees
        if r < b and _numeric(kinds[r]) and not at_end:
            return None  # figures left over: the header count does not divide them
        return _Block(rows + _closing_row(lines, kinds, pattern, r, b), k)
    # A single row, whole or cut by the end of the text, only under a caption that announces it
    # ("... giai đoạn 2017-2019 (tính bằng USD):"), with three or more header cells and a year key.
    cells = min(b, i + k) - i
    caption = lines[top - 1].text if top > 0 else ""
    if k < 3 or kinds[i] != Y or not caption.endswith(":") or i + cells != b or cells < k - 1:
        return None
    if cells < k and not at_end:
        return None
    return _Block([(i, i + cells)], k)


def _cell_table(
    lines: list[_Line], kinds: list[str | None], block: _Block, i: int, low: int, floor: int
) -> Table | None:
    groups = _merge_continuations(lines[_header_top(kinds, i, low) : i])[-block.columns :]
    header = tuple(" ".join(line.text for line in g) for g in groups)
    if len(header) < block.columns or not all(_NAME.search(name) for name in header):
        # Without column names, label and figure lines ("Hà Nội" / "5" / "Huế" / "6") are as
        # likely a list as a table, and the rows could not be described anyway.
        return None
    header_span = Span(groups[0][0].start, groups[-1][-1].end)
    top = i - sum(len(g) for g in groups)
    caption = None
    if floor <= top - 1 and _is_caption(lines[top - 1].text):
        caption = Span(lines[top - 1].start, lines[top - 1].end)
    rows = []
    for s, e in block.rows:
        cells = tuple(Span(line.start, line.end) for line in lines[s:e])
        rows.append(Row(Span(cells[0].start, cells[-1].end), cells, _key([x.text for x in lines[s:e]], kinds[s:e])))
    return Table(Span(header_span.start, rows[-1].span.end), caption, header, header_span, tuple(rows))
