"""Figures side by side and figures computed from others: comparisons over periods, places,
programmes or sources, differences and sums, and a figure derived from a change the user states.

Every computed value comes from cited figures; the calculation is returned with them so the answer
can show it. No wording here (see :mod:`assistant.phrasing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from assistant.conflicts import rivals
from assistant.features import Scored
from assistant.figures import Figures
from assistant.question import MONEY, Ask, Question, Side
from ingest.models import Fact
from vntext.numbers import Quantity

MARGIN = 2.0  # a candidate this close to the best of its side may be chosen to share a unit with the other side


@dataclass
class SideFigures:
    side: Side
    facts: list[Fact]  # the figures of this side, one per measure asked


@dataclass
class Calculation:
    result: float
    operands: list[Fact]  # the cited figures, in the order of the calculation
    operation: str  # "difference", "sum" or "change"
    like: Fact  # the figure whose unit and scale the result is written in
    given: Quantity | None = None  # a change the user states ("nếu ... tăng 4,9 triệu")


def measures(q: Question) -> list[Ask]:
    """What each side is measured by: the asks, or every headline measure for "quy mô" (scale)."""
    if q.every_measure and all(a.unit in (None, MONEY) for a in q.asks):
        base = q.asks[0] if q.asks else Ask(None, 0)
        return [replace(base, unit="projects", noun=None), replace(base, unit=MONEY, noun=None)]
    return q.asks


def side_by_side(figures: Figures, q: Question, rank_of: dict[str, int]) -> list[SideFigures]:
    """The best figures of each side, a common unit preferred so that the sides can be compared."""
    asks = measures(q)
    out = []
    ranked_sides = []
    for side in q.sides:
        narrowed = replace(q, asks=asks).narrowed(side)
        ranked_sides.append([figures.ranked(narrowed, ask, rank_of) for ask in narrowed.asks])
    for n, side in enumerate(q.sides):
        facts = []
        for m, ranked in enumerate(ranked_sides[n]):
            ranked = [s for s in ranked if not _of_another_side(s.fact, side, q.sides)]
            if not ranked:
                continue
            others = [r[m] for k, r in enumerate(ranked_sides) if k != n and r[m]]
            picked = _shared_unit(ranked, others)
            facts.append(figures.prefer_body(picked.fact))
            # another source giving another figure for the same side is shown beside it
            facts.extend(rivals(picked, ranked)[:1])
        out.append(SideFigures(side, facts))
    return out


def _of_another_side(fact: Fact, side: Side, sides: list[Side]) -> bool:
    """The figure's period is exactly the one another side names and not one this side names: it
    answers that side ("năm 2011" vs "giai đoạn 2019-2025": a 2019-2025 figure is not 2011's)."""
    if fact.period is None:
        return False
    own = {(p.start, p.end) for p in side.periods}
    key = (fact.period.start, fact.period.end)
    return key not in own and any(key in {(p.start, p.end) for p in other.periods} for other in sides if other is not side)


def _shared_unit(ranked: list[Scored], others: list[list[Scored]]) -> Scored:
    """The best candidate, or a close one whose unit the other sides' best figures use."""
    best = ranked[0]
    if not others:
        return best
    wanted = {o[0].fact.unit for o in others}
    if best.fact.unit in wanted:
        return best
    close = [s for s in ranked if s.score >= best.score - MARGIN and s.fact.unit in wanted]
    return close[0] if close else best


def by_source(figures: Figures, q: Question, rank_of: dict[str, int]) -> list[Fact]:
    """ "Các nguồn ... có thống nhất không?": the best figure of each document that answers, best first."""
    if not q.asks:
        return []
    ranked = figures.ranked(q, q.asks[0], rank_of)
    if not ranked:
        return []
    top = ranked[0].score
    picked: dict[str, Fact] = {}
    measured = ranked[0].fact.metric is not None
    for s in ranked:
        if s.score < top - 2 * MARGIN:
            break
        if measured and s.fact.metric is None:
            continue  # the best says what it measures; a bare amount elsewhere (a fine) is not its version
        picked.setdefault(s.fact.doc_id, s.fact)
    return list(picked.values())[:4]


def difference(sides: list[SideFigures]) -> Calculation | None:
    """The gap between two sides' figures of the same unit (the larger minus the smaller)."""
    if len(sides) != 2 or not sides[0].facts or not sides[1].facts:
        return None
    for a in sides[0].facts:
        for b in sides[1].facts:
            if a.unit == b.unit:
                big, small = (a, b) if a.value >= b.value else (b, a)
                result = big.value - small.value
                if math.isfinite(result):
                    return Calculation(result, [big, small], "difference", like=big)
    return None


def stated_figures(figures: Figures, q: Question) -> list[Fact] | None:
    """The documents' figures for the values the question itself states ("hơn 233 triệu USD ... và
    khoảng 230 triệu USD chênh nhau bao nhiêu?"), the best-supported one for each; None if any is
    in no document."""
    found = []
    for side in q.sides:
        given = side.figure
        if given is None:
            return None
        candidates = [
            f for f in figures.sources.facts((given.unit,)) if given.unit and abs(f.value - given.value) <= 0.005 * abs(given.value)
        ]
        if not candidates:
            return None
        words = q.keywords
        bonus = figures.source_bonus(q, near=side.label)
        candidates.sort(key=lambda f: (-(bonus(f) if bonus else 0.0), -len(words & figures.sources.words(f).sentence)))
        found.append(figures.prefer_body(candidates[0]))
    return found


def sum_of(facts: list[Fact]) -> Calculation | None:
    total = sum(f.value for f in facts)
    if not math.isfinite(total):
        return None
    return Calculation(total, facts, "sum", like=facts[0])


def undo_change(base: Fact, change_value: float, direction: str, change_fact: Fact | None = None) -> Calculation | None:
    """The figure before a change: 228,7 triệu USD after an increase of 4,9 triệu -> 223,8 triệu."""
    result = base.value - change_value if direction == "increase" else base.value + change_value
    if not math.isfinite(result):  # figures near the float limit; no report states such a sum
        return None
    operands = [base] + ([change_fact] if change_fact else [])
    return Calculation(result, operands, "change", like=base)
