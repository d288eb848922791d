"""When sources disagree: figures of the same scope, metric and period whose values differ beyond what
their qualifiers allow.

"gần 224 triệu USD" and "223,7 triệu USD" agree ("nearly" allows a little below); "khoảng 230 triệu
USD" and "hơn 233 triệu USD" do not. Used by answers, which then cite both sides, and by the figures
table (:func:`disagreements`), which marks both.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from ingest.models import Fact
from vntext.metrics import SPECIFIC

# How far each qualifier lets the true value lie from the written one, as a share of it: (below, above).
_ROOM = {
    None: (0.005, 0.005),  # rounding
    "about": (0.012, 0.012),
    "nearly": (0.03, 0.0),
    "more than": (0.0, 0.03),
    "less than": (0.03, 0.0),
    "at least": (0.0, 0.03),
    "at most": (0.03, 0.0),
}


def interval(fact: Fact) -> tuple[float, float]:
    below, above = _ROOM.get(fact.qualifier, (0.01, 0.01))
    return fact.value * (1 - below), fact.value * (1 + above)


def agree(a: Fact, b: Fact) -> bool:
    """The two figures can be the same quantity, written with their qualifiers."""
    if a.unit != b.unit:
        return True  # different currencies or units cannot be compared here
    low_a, high_a = interval(a)
    low_b, high_b = interval(b)
    return low_a <= high_b and low_b <= high_a


def same_scope(a: Fact, b: Fact) -> bool:
    """Same place, district, organisation and period, and metrics that can name the same thing."""
    if (a.place, a.district, a.organization) != (b.place, b.district, b.organization):
        return False
    if a.period is None or b.period is None or (a.period.start, a.period.end) != (b.period.start, b.period.end):
        return False
    if a.metric in SPECIFIC and b.metric in SPECIFIC and a.metric != b.metric:
        return False
    return bool(a.change) == bool(b.change) and a.part_of_total == b.part_of_total


def conflicting(fact: Fact, others: Iterable[Fact]) -> list[Fact]:
    """Figures of other documents about the same thing that disagree with ``fact``, one per document."""
    found: dict[str, Fact] = {}
    for other in others:
        if other.doc_id == fact.doc_id or other.doc_id in found:
            continue
        if other.unit == fact.unit and same_scope(fact, other) and not agree(fact, other):
            found[other.doc_id] = other
    return list(found.values())


def corroborating(fact: Fact, others: Iterable[Fact]) -> list[Fact]:
    """Figures of other documents that state the same value for the same thing, one per document."""
    found: dict[str, Fact] = {}
    for other in others:
        if other.doc_id == fact.doc_id or other.doc_id in found:
            continue
        if other.unit == fact.unit and other.value == fact.value and same_scope(fact, other):
            found[other.doc_id] = other
    return list(found.values())


RIVAL_WINDOW = 3.0  # a candidate scoring this close to the chosen figure may be named as disagreeing with it


def rivals(picked, ranked) -> list[Fact]:
    """Figures among a question's ranked candidates (``.fact``, ``.score``) that disagree with the
    picked one: those scoring close to it, and any that measures something (aid, disbursed) when the
    picked figure does too. Two reports' totals for one year often rank apart on wording alone
    ("giá trị viện trợ" vs "giải ngân"); a figure that measures nothing named rarely is a total."""
    both_measured = picked.fact.metric is not None
    close = [s.fact for s in ranked if s.score >= picked.score - RIVAL_WINDOW or (both_measured and s.fact.metric is not None)]
    found = conflicting(picked.fact, close)
    # and what the figures table flags among the same candidates (running totals "to date" included)
    named = {f.doc_id for f in found} | {picked.fact.doc_id}
    by_id = {f.fact_id: f for f in close}
    for other_id in disagreements([picked.fact, *close]).get(picked.fact.fact_id, []):
        other = by_id.get(other_id)
        if other is not None and other.doc_id not in named:
            found.append(other)
            named.add(other.doc_id)
    return found


def groups(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts grouped by scope, metric and period, keeping only the groups whose sources disagree."""
    buckets: dict[tuple, list[Fact]] = {}
    for fact in facts:
        if fact.period is None or fact.change:
            continue
        key = (fact.unit, fact.place, fact.district, fact.organization, fact.period.start, fact.period.end, fact.part_of_total)
        buckets.setdefault(key, []).append(fact)
    out = []
    for bucket in buckets.values():
        if len({f.doc_id for f in bucket}) < 2:
            continue
        if any(not agree(a, b) and same_scope(a, b) for i, a in enumerate(bucket) for b in bucket[i + 1 :] if a.doc_id != b.doc_id):
            out.append(bucket)
    return out


def scope_key(fact: Fact) -> tuple | None:
    """What a figure is about, for setting reports side by side: unit, subject, sector and period, a
    running total "to date" ("từ năm 2003 đến nay") as one period whatever its start. None for a
    figure that cannot be set beside another: no period, a stated change, a duration, or a sum or
    share whose measure the sentence does not name."""
    if fact.period is None or fact.change or fact.unit == "years":
        return None
    if fact.unit in ("USD", "VND", "EUR", "percent", "fraction") and fact.metric is None:
        return None
    when = ("to date",) if fact.period.end is None else (fact.period.start, fact.period.end)
    return (fact.unit, fact.place, fact.district, fact.organization, fact.sector, fact.part_of_total, *when)


def disagreements(facts: Iterable[Fact]) -> dict[str, list[str]]:
    """For each figure another report contradicts, the IDs of the figures contradicting it.

    Two reports contradict each other when each states one figure for a scope (see :func:`scope_key`)
    and measures that can name the same thing, and the figures are apart beyond what their qualifiers
    allow. A report that gives several different figures for one scope is giving parts or different
    things (a total and its sectors), and is not set against another report for it."""
    buckets: dict[tuple, list[Fact]] = {}
    for fact in facts:
        key = scope_key(fact)
        if key is not None:
            buckets.setdefault(key, []).append(fact)
    found: dict[str, list[str]] = {}
    for bucket in buckets.values():
        by_doc: dict[str, list[Fact]] = {}
        for fact in bucket:
            by_doc.setdefault(fact.doc_id, []).append(fact)
        single = [f for doc in by_doc.values() if _one_figure(doc) for f in doc]
        if len(by_doc) > 1:
            _contradictions(single, found)
    return found


MAX_NAMED = 5  # contradicting figures named per figure: the nearest in value, below and above


def _contradictions(facts: list[Fact], found: dict[str, list[str]]) -> None:
    """Record, for each figure, up to ``MAX_NAMED`` figures of other documents whose interval lies
    wholly below or above its own. Sorted by the intervals' ends, so that a scope that hundreds of
    reports give costs n log n, not n squared."""
    spans = {f.fact_id: interval(f) for f in facts}
    by_high = sorted(facts, key=lambda f: spans[f.fact_id][1])
    by_low = sorted(facts, key=lambda f: spans[f.fact_id][0])
    highs = [spans[f.fact_id][1] for f in by_high]
    lows = [spans[f.fact_id][0] for f in by_low]
    for fact in facts:
        low, high = spans[fact.fact_id]
        below = (by_high[i] for i in range(bisect_left(highs, low) - 1, -1, -1))  # nearest first
        above = (by_low[i] for i in range(bisect_right(lows, high), len(by_low)))
        named = []
        for side in (below, above):
            for other in side:
                if len(named) >= MAX_NAMED:
                    break
                if other.doc_id != fact.doc_id and _measures_alike(fact, other):
                    named.append(other.fact_id)
        if named:
            found[fact.fact_id] = named


def _one_figure(facts: list[Fact]) -> bool:
    return all(agree(a, b) for i, a in enumerate(facts) for b in facts[i + 1 :])


def _measures_alike(a: Fact, b: Fact) -> bool:
    return not (a.metric in SPECIFIC and b.metric in SPECIFIC and a.metric != b.metric)
