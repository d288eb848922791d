"""Which figures lead a draft: the headline figures of one place and period, chosen by importance.

A speech about a province (or the whole country) in a period opens with what people ask first: the
money disbursed, committed and mobilised, then how many projects and organisations. A headline figure
has exactly the draft's scope: the place itself (no district, organisation or sector figure, no part
of a total, no stated change) and a year inside the period asked; the latest such year leads. The
change from the year before is computed here from two headline figures of the same measure, so that
every number of it traces to a cited figure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.models import Fact
from vntext.periods import Period
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
    year: int | None  # the latest year with headline figures
    figures: tuple[Fact, ...]  # one per measure, as a speech states them (SPOKEN_ORDER)
    changes: tuple[Change, ...]


def measure_of(fact: Fact) -> str | None:
    """The headline measure a figure states, or None when it is not one."""
    if fact.unit in MONEY:
        return fact.metric if fact.metric in MEASURES else None
    return fact.unit if fact.unit in ("projects", "organizations") else None


# Counts of what is new in a year ("36 dự án mới", "newly registered") are a flow, not the number
# at work: not a headline count, and not comparable with one.
_NEW = re.compile(r"\b(?:moi|new|newly)\b")


def in_scope(fact: Fact, scope: Scope) -> bool:
    """The figure is about the scope itself, for one year inside the period asked."""
    if fact.place != scope.place or fact.district or fact.organization or fact.sector:
        return False
    if fact.part_of_total or fact.change or fact.qualifier in ("less than", "at most"):
        return False
    if fact.unit not in MONEY and _NEW.search(fold(f"{fact.descriptor} {fact.trailing}".lower())):
        return False
    if fact.period is None or not fact.period.is_single_year:
        return False
    return scope.period is None or scope.period.covers(fact.period)


def _year(fact: Fact) -> int:
    assert fact.period is not None
    return int(fact.period.start[:4])


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


def headlines(facts: Iterable[Fact], scope: Scope) -> Headlines:
    """The headline figures of the latest year of ``scope`` that has any, and their changes from the
    year before when the sources give that year's figure of the same measure and unit."""
    chosen = [f for f in facts if in_scope(f, scope) and measure_of(f) is not None]
    # a year stated with the figure outranks one taken from the report as a whole
    dated = [f for f in chosen if f.period_source != "document"]
    by_year: dict[int, list[Fact]] = defaultdict(list)
    for fact in dated or chosen:
        by_year[_year(fact)].append(fact)
    if not by_year:
        return Headlines(None, (), ())
    year = max(by_year)
    latest = _best_by_measure(by_year[year])
    before = _best_by_measure(by_year.get(year - 1, ()))
    figures = tuple(latest[m] for m in SPOKEN_ORDER if m in latest)
    changes = tuple(
        Change(m, latest[m], before[m])
        for m in MEASURES
        if m in latest and m in before and latest[m].unit == before[m].unit and before[m].value > 0
    )
    return Headlines(year, figures, changes)
