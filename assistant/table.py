"""The figures table: every figure the reports state, by place, measure and period, with its source.

A row is one extracted figure as written and as parsed, what it is about (place, district,
organisation, sector), when, what it measures, and the sentence it came from with exact offsets.
Rows are filtered by a :class:`FactFilter`, which the API, the CLI and the chat page share, and the
figures other reports contradict are marked (see :mod:`assistant.conflicts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.conflicts import disagreements
from index.catalog import Catalog
from ingest.models import Fact
from vntext.entities import NATIONAL
from vntext.gazetteer import get_province
from vntext.periods import Period, year_range
from vntext.vietnamese import fold

SortKey = Literal["period", "place", "value", "document"]
MAX_PAGE = 1000
_NATIONAL_NAMES = {"viet nam", "vietnam", "ca nuoc", "toan quoc", "national"}


class TableError(ValueError):
    """A filter that cannot be applied (an unknown province, years that do not parse)."""


class FactFilter(BaseModel):
    """Which figures to list. Every field is optional; text fields match exactly, after the place is
    resolved to its canonical name ("quang tri" -> "Quảng Trị", "cả nước" -> the whole country)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    place: str | None = Field(None, max_length=100, description="province or city, or 'Việt Nam' / 'cả nước' for the whole country")
    district: str | None = Field(None, max_length=100)
    organisation: str | None = Field(None, max_length=200)
    sector: str | None = Field(None, max_length=50, description="health, education, uxo, ...")
    measure: str | None = Field(None, max_length=50, description="disbursed, committed, mobilised, aid, value, rate")
    unit: str | None = Field(None, max_length=50, description="USD, VND, projects, organizations, ...")
    years: str | None = Field(None, max_length=20, description="a year or a range, 2019-2024: figures whose period lies inside")
    doc: str | None = Field(None, max_length=64, description="a document's ID")
    conflicts: Literal["any", "only"] = Field("any", description="'only': figures another report contradicts")

    def equalities(self) -> dict[str, object]:
        """The catalog columns this filter fixes."""
        columns = {
            "place": resolve_place(self.place), "district": self.district, "organization": self.organisation,
            "sector": self.sector, "metric": self.measure, "unit": self.unit, "doc_id": self.doc,
        }  # fmt: skip
        return {k: v for k, v in columns.items() if v}

    def period(self) -> Period | None:
        try:
            return year_range(self.years)
        except ValueError as exc:
            raise TableError(str(exc)) from None


class FactQuery(FactFilter):
    """A filter with the order and the page of rows wanted."""

    sort: SortKey = "period"
    descending: bool = False
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class FactRow(BaseModel):
    """One figure of the table."""

    id: str
    text: str = Field(description="the figure as written, qualifier included")
    value: float
    unit: str
    qualifier: str | None
    measure: str | None
    change: str | None = Field(description="'increase' or 'decrease' for a stated change, else empty")
    place: str | None
    district: str | None
    organisation: str | None
    sector: str | None
    period: str | None
    period_start: str | None
    period_end: str | None
    part_of_total: bool
    doc_id: str
    doc: str
    passage_id: str
    sentence: str
    sentence_start: int
    sentence_end: int
    span_start: int
    span_end: int
    conflicts_with: list[str] = Field(default_factory=list, description="IDs of figures other reports give for the same scope")


class FactPage(BaseModel):
    total: int
    offset: int
    rows: list[FactRow]


def resolve_place(name: str | None) -> str | None:
    if not name:
        return None
    if fold(name.strip().lower()) in _NATIONAL_NAMES:
        return NATIONAL
    province = get_province(name)
    if province is None:
        raise TableError(f"unknown province or city: {name!r}")
    return province.name


_CONFLICTS: dict[str, tuple[int, dict[str, list[str]]]] = {}  # catalog path -> (generation, found)


def conflicts_by_fact(catalog: Catalog) -> dict[str, list[str]]:
    """For each figure another report contradicts, the IDs of the figures contradicting it (see
    :func:`assistant.conflicts.disagreements`); only figures of scopes several documents share are read,
    and only again once the catalog has changed (every page of the table needs them)."""
    generation = catalog.generation()  # read first: a change during the reading only makes the entry stale
    cached = _CONFLICTS.get(str(catalog.path))
    if cached is not None and cached[0] == generation:
        return cached[1]
    found = disagreements(catalog.facts_in_shared_scopes())
    _CONFLICTS[str(catalog.path)] = (generation, found)
    return found


def iter_rows(catalog: Catalog, wanted: FactFilter) -> Iterator[FactRow]:
    """Every row the filter selects, in document order, streamed (sorting and paging aside). A filter
    that cannot be applied raises :class:`TableError` here, before any row is asked for."""
    selection = _Selection(catalog, wanted)
    return selection.rows(selection.facts())


def page(catalog: Catalog, wanted: FactQuery) -> FactPage:
    """One sorted page of the rows the filter selects, and how many there are in all. Only a sort
    key and an ID are kept per figure; rows are made for the page alone."""
    selection = _Selection(catalog, wanted)
    key = _SORT_KEYS[wanted.sort]
    keyed = sorted(((key(f, selection.names.get(f.doc_id, "")), f.fact_id) for f in selection.facts()), reverse=wanted.descending)
    ids = [fact_id for _, fact_id in keyed[wanted.offset : wanted.offset + wanted.limit]]
    found = {f.fact_id: f for f in catalog.facts_by_id(ids)}
    rows = {row.id: row for row in selection.rows(found[i] for i in ids)}
    return FactPage(total=len(keyed), offset=wanted.offset, rows=[rows[i] for i in ids])


class _Selection:
    """The figures a filter selects, and how to make them rows."""

    def __init__(self, catalog: Catalog, wanted: FactFilter) -> None:
        self.catalog = catalog
        self.period, self.equal = wanted.period(), wanted.equalities()  # a bad filter fails here
        self.only_conflicts = wanted.conflicts == "only"
        self.contradicted = conflicts_by_fact(catalog)
        self.names = {d.doc_id: d.name for d in catalog.documents()}

    def facts(self) -> Iterator[Fact]:
        for fact in self.catalog.iter_facts(self.equal, light=True):
            if self.period is not None and (fact.period is None or not self.period.covers(fact.period)):
                continue
            if self.only_conflicts and fact.fact_id not in self.contradicted:
                continue
            yield fact

    def rows(self, facts: Iterable[Fact], batch: int = 1000) -> Iterator[FactRow]:
        """The rows of ``facts``, the texts of their documents read a batch at a time."""
        iterator = iter(facts)
        while chunk := list(islice(iterator, batch)):
            texts = self.catalog.document_texts(f.doc_id for f in chunk)
            for fact in chunk:
                name = self.names.get(fact.doc_id, fact.doc_id)
                yield _row(fact, name, texts.get(fact.doc_id, ""), self.contradicted.get(fact.fact_id, []))


def _period_key(fact: Fact) -> tuple[str, str]:
    return (fact.period.start, fact.period.end or "9999") if fact.period else ("9999", "9999")


_SORT_KEYS = {
    "period": lambda f, doc: (*_period_key(f), f.place or "", doc, f.span.start),
    "place": lambda f, doc: (f.place or "", *_period_key(f), doc, f.span.start),
    "value": lambda f, doc: (f.unit, f.value, doc, f.span.start),
    "document": lambda f, doc: (doc, f.span.start),
}


def _row(fact: Fact, doc: str, text: str, conflicts: list[str]) -> FactRow:
    period = fact.period
    return FactRow(
        id=fact.fact_id, text=fact.text, value=fact.value, unit=fact.unit, qualifier=fact.qualifier,
        measure=fact.metric, change=fact.change, place=fact.place, district=fact.district,
        organisation=fact.organization, sector=fact.sector, period=period.label if period else None,
        period_start=period.start if period else None, period_end=period.end if period else None,
        part_of_total=fact.part_of_total, doc_id=fact.doc_id, doc=doc, passage_id=fact.passage_id,
        sentence=fact.sentence.of(text), sentence_start=fact.sentence.start, sentence_end=fact.sentence.end,
        span_start=fact.span.start, span_end=fact.span.end, conflicts_with=conflicts,
    )  # fmt: skip
