"""Which figures lead a draft: the headline figures of one place and period, chosen by importance.

A speech about a province (or the whole country) in a period opens with what people ask first: the
money disbursed, committed and mobilised, then how many projects and organisations. A headline figure
has exactly the draft's scope: the place itself (no district, organisation or sector figure, no part
of a total, no stated change) and a period inside the one asked; the latest period leads (a year
before a span of years ending with it). The change from the year before is computed here from two headline figures of the same measure, so that
every number of it traces to a cited figure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.models import Fact
from vntext.periods import OPEN_START, Period
from vntext.vietnamese import fold

MONEY = ("USD", "VND", "EUR")
# What a headline figure measures, most important first: the order of a speech's results.
MEASURES = ("disbursed", "committed", "mobilised", "aid", "projects", "organizations")
# The order a speech states them in: who works there and on how much, then the money.
SPOKEN_ORDER = ("organizations", "projects", "disbursed", "committed", "mobilised", "aid")
# Sources of a figure's year and subject, most trustworthy first (see ingest.models.Fact).
_SOURCE_RANK = {"sentence": 0, "paragraph": 1, "document": 2, None: 3}


@dataclass(frozen=True)
class Scope:
    """What a draft is about: a canonical province or ``NATIONAL``, and the years asked (None: any)."""

    place: str
    period: Period | None = None


@dataclass(frozen=True)
class Change:
    """A headline figure against the same measure a year before, computed from the two."""

    measure: str
    current: Fact
    previous: Fact

    @property
    def ratio(self) -> float | None:
        return self.current.value / self.previous.value - 1 if self.previous.value else None


@dataclass(frozen=True)
class Headlines:
    period: Period | None  # the latest period with headline figures
    figures: tuple[Fact, ...]  # one per measure, as a speech states them (SPOKEN_ORDER)
    changes: tuple[Change, ...]

    @property
    def year(self) -> int | None:
        return int(self.period.start[:4]) if self.period is not None and self.period.is_single_year else None


def measure_of(fact: Fact) -> str | None:
    """The headline measure a figure states, or None when it is not one."""
    if fact.unit in MONEY:
        return fact.metric if fact.metric in MEASURES else None
    return fact.unit if fact.unit in ("projects", "organizations") else None


# Figures of what is new in a year ("36 dự án mới", "the commitment of the new projects", "newly
# registered") are a flow, not the number at work or the year's total: not headline figures.
_NEW = re.compile(r"\b(?:moi|new|newly)\b")


def in_scope(fact: Fact, scope: Scope) -> bool:
    """The figure is about the scope itself, for a period inside the one asked."""
    if fact.place != scope.place or fact.district or fact.organization or fact.sector:
        return False
    if fact.part_of_total or fact.change or fact.qualifier in ("less than", "at most"):
        return False
    if _NEW.search(fold(f"{fact.descriptor} {fact.trailing}".lower())):
        return False
    if fact.period is None or fact.period.start == OPEN_START:
        return False
    return scope.period is None or scope.period.covers(fact.period)


def _preference(fact: Fact) -> tuple[int, int, float]:
    """How far to trust a figure: its year and subject stated in its own sentence first, then the
    larger of two readings of the same measure (a total over a part the sentence did not mark)."""
    return (_SOURCE_RANK.get(fact.period_source, 3), _SOURCE_RANK.get(fact.subject_source, 3), -fact.value)


def _best_by_measure(facts: Iterable[Fact]) -> dict[str, Fact]:
    found: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        measure = measure_of(fact)
        if measure is not None:
            found[measure].append(fact)
    return {m: min(candidates, key=_preference) for m, candidates in found.items()}


def headlines(facts: Iterable[Fact], scope: Scope, rank: int = 0) -> Headlines:
    """The headline figures of the latest period of ``scope`` that has any (``rank`` 1: the one
    before it, by end date), and, for a year, their changes from the year before when the sources give
    that year's figure of the same measure and unit."""
    chosen = [f for f in facts if in_scope(f, scope) and measure_of(f) is not None]
    # a year stated with the figure outranks one taken from the report as a whole
    dated = [f for f in chosen if f.period_source != "document"]
    by_dates: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in dated or chosen:
        assert fact.period is not None
        # "từ 2019 đến nay" ends when its report was written, which a figure does not tell: such a
        # period leads only where no closed one does
        by_dates[(fact.period.end or "0000", fact.period.start)].append(fact)
    ordered = sorted(by_dates, reverse=True)  # the latest end first; of two ending together, the shorter
    if len(ordered) <= rank:
        return Headlines(None, (), ())
    group = by_dates[ordered[rank]]
    period = group[0].period
    assert period is not None
    latest = _best_by_measure(group)
    before: dict[str, Fact] = {}
    if period.is_single_year:
        year_before = Period.year(int(period.start[:4]) - 1)
        before = _best_by_measure(by_dates.get((year_before.end or "", year_before.start), ()))
    figures = tuple(latest[m] for m in SPOKEN_ORDER if m in latest)
    changes = tuple(
        Change(m, latest[m], before[m])
        for m in MEASURES
        if m in latest and m in before and latest[m].unit == before[m].unit and before[m].value > 0
    )
    return Headlines(period, figures, changes)


def yearly(facts: Iterable[Fact], place: str, measure: str, unit: str | None = None) -> dict[int, Fact]:
    """The headline figure of one measure for each year the sources give one for ``place`` (one
    whole calendar year; the most trustworthy reading when several reports give it): the points of a
    chart of that measure over the years. ``unit``: only figures in it (a chart has one scale)."""
    by_year: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        if measure_of(fact) != measure or (unit is not None and fact.unit != unit):
            continue
        if in_scope(fact, Scope(place)) and fact.period is not None and fact.period.is_single_year:
            by_year[int(fact.period.start[:4])].append(fact)
    return {year: min(found, key=_preference) for year, found in sorted(by_year.items())}
