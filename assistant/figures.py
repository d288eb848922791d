"""Choosing the figures that answer a question: one per ask, chosen together, with the sources that
disagree and the figures the documents give only as parts (years to add up, a change to undo).

No wording here: :mod:`assistant.phrasing` writes the sentences, :mod:`assistant.answering` puts the
answer together.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace

from assistant.conflicts import rivals
from assistant.features import Scored, Target, rank_facts
from assistant.question import MONEY, MONEY_UNITS, Ask, Question
from assistant.sources import Sources
from ingest.models import Fact
from vntext.periods import Period
from vntext.vietnamese import fold

SAME_SENTENCE = 1.5  # figures asked together are usually stated together
SAME_DOCUMENT = 0.5
LEADS = 5  # first-ask candidates tried as the anchor of a joint choice


@dataclass
class Choice:
    """The figures chosen for a question, one per ask (None where the documents have none)."""

    asks: list[Ask]
    chosen: list[Scored | None]
    conflicts: dict[str, list[Fact]] = field(default_factory=dict)  # fact_id -> disagreeing figures

    @property
    def facts(self) -> list[Fact]:
        out: list[Fact] = []
        for s in self.chosen:
            if s is not None and s.fact not in out:
                out.append(s.fact)
        return out


def units_of(ask: Ask) -> tuple[str, ...] | None:
    if ask.unit == MONEY:
        return MONEY_UNITS
    if ask.unit == "percent":
        return ("percent", "fraction")
    return None if ask.unit is None else (ask.unit,)


RANKED_MEMO = 64  # rankings kept: a question's retrieval ranks the figures its answer ranks again


class Figures:
    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self._memo: dict[tuple, list[Scored]] = {}
        self._memo_lock = threading.Lock()

    def ranked(self, q: Question, ask: Ask, rank_of: dict[str, int]) -> list[Scored]:
        """Figures that can answer one ask, best first; only those the question's words support.
        The same question, ask and search ranks (and catalog generation) give the same list, so the
        last few are kept: the retrieval stage and the answer both rank them."""
        key = (self.sources.generation, repr(q), ask, tuple(sorted(rank_of.items())))
        with self._memo_lock:
            found = self._memo.get(key)
        if found is not None:
            return list(found)
        scored = self._ranked(q, ask, rank_of)
        with self._memo_lock:
            if len(self._memo) >= RANKED_MEMO:
                self._memo.pop(next(iter(self._memo)))
            self._memo[key] = scored
        return list(scored)

    def _ranked(self, q: Question, ask: Ask, rank_of: dict[str, int]) -> list[Scored]:
        facts = self.sources.facts(units_of(ask))
        scored = [s for s in rank_facts(self.sources, Target.of(q, ask, rank_of), facts, self._source_bonus(q)) if s.supported]
        if not scored and ask.periods_inherited:
            # "... năm 2010 đạt bao nhiêu, và có bao nhiêu tổ chức hoạt động?": the second ask may
            # not be about the first one's year
            unbound = replace(ask, periods=(), periods_inherited=False)
            free = replace(q, periods=[p for p in q.periods if p not in ask.periods])
            scored = [s for s in rank_facts(self.sources, Target.of(free, unbound, rank_of), facts, self._source_bonus(q)) if s.supported]
        return scored

    def choose(self, q: Question, rank_of: dict[str, int]) -> Choice:
        """One figure per ask, chosen together: figures stated in the same sentence (or at least the
        same document) as the first one are preferred, and no figure answers two asks."""
        ranked = [self.ranked(q, ask, rank_of) for ask in q.asks]
        if not ranked or not ranked[0]:
            chosen: list[Scored | None] = [None] + [r[0] if r else None for r in ranked[1:]]
            return self._with_conflicts(Choice(q.asks, chosen), ranked)
        best_total, best = float("-inf"), list[Scored | None]()
        for lead in ranked[0][:LEADS]:
            total, picks = lead.score, [lead]
            for others in ranked[1:]:
                pick = _partner(lead.fact, others, [p.fact for p in picks if p is not None])
                picks.append(pick[0] if pick else None)
                total += pick[1] if pick else 0.0
            if total > best_total:
                best_total, best = total, picks
        return self._with_conflicts(Choice(q.asks, best), ranked)

    def prefer_body(self, fact: Fact) -> Fact:
        """A figure from a document's title, swapped for the same figure in the body, whose sentence
        says what it is (and is the one to cite)."""
        if not self.sources.words(fact).headline:
            return fact
        for other in self.sources.facts((fact.unit,)):
            if other.doc_id == fact.doc_id and other.value == fact.value and not self.sources.words(other).headline:
                return other
        return fact

    def _with_conflicts(self, choice: Choice, ranked: list[list[Scored]]) -> Choice:
        choice.chosen = [replace(s, fact=self.prefer_body(s.fact)) if s is not None else None for s in choice.chosen]
        for picked, candidates in zip(choice.chosen, ranked, strict=False):
            if picked is None:
                continue
            others = rivals(picked, candidates)
            if others:
                choice.conflicts[picked.fact.fact_id] = others
        return choice

    def _source_bonus(self, q: Question):
        return self.source_bonus(q)

    def source_bonus(self, q: Question, near: str | None = None):
        """A figure from the source the question names ("theo PACCOM", "according to Vietnam Times");
        with ``near``, only the source named right after that part of the question ("khoảng 230
        triệu USD theo Vietnam Times")."""
        sources = q.sources
        if near is not None:
            at = q.text.find(near)
            after = q.text[at + len(near) : at + len(near) + 80] if at >= 0 else ""
            m = re.match(r"\s*(?:theo|according to|per|của)\s+([^,;?()]{2,60}?)(?=\s*(?:và|and|\)|,|;|\?|$))", after, re.IGNORECASE)
            sources = [m.group(1)] if m else []
        if not sources:
            return None
        wanted = [_source_words(s) for s in sources]
        signatures: dict[str, str] = {}

        def bonus(fact: Fact) -> float:
            signature = signatures.get(fact.doc_id)
            if signature is None:
                info = self.sources.documents().get(fact.doc_id)
                head = self.sources.text(fact.doc_id)[:400]
                frame = info.frame if info else None
                parts = [info.name, info.source, info.title] if info else []
                parts += [frame.source_url, frame.masthead] if frame else []
                signature = fold(" ".join(filter(None, [*parts, head])).lower())
                signatures[fact.doc_id] = signature
            words = self.sources.words(fact)
            here = signature + " " + words.folded_sentence
            return 1.0 if any(_names_source(named, years, here, words.published_year) for named, years in wanted) else 0.0

        return bonus

    # --- figures the documents give only in parts -------------------------------------------------

    def yearly_sum(self, q: Question, ask: Ask, rank_of: dict[str, int]) -> list[Fact] | None:
        """ "giai đoạn 2017-2019" with no figure for the whole period: one figure per year, each from
        the same document and of the same scope, to be added up."""
        span = next((p for p in (ask.periods or tuple(q.periods)) if not p.is_single_year and p.end and not p.start.startswith("0001")), None)
        if span is None or ask.unit not in (MONEY, None) and ask.unit not in ("projects", "organizations"):
            return None
        first, last = int(span.start[:4]), int(span.end[:4])  # type: ignore[index]
        if not 1 < last - first + 1 <= 12:
            return None
        per_year: list[list[Scored]] = []
        for year in range(first, last + 1):
            one = Ask(ask.unit, ask.position, ask.noun, ask.clause, ask.metrics, (Period.year(year),), ask.places)
            per_year.append(self.ranked(q, one, rank_of))
        if not all(per_year):
            return None
        # the same document and unit for every year, the best-scoring such set
        by_doc: dict[tuple[str, str], list[Fact]] = {}
        for scored in per_year[0]:
            key = (scored.fact.doc_id, scored.fact.unit)
            picks = [scored.fact]
            for others in per_year[1:]:
                match = next((s.fact for s in others if (s.fact.doc_id, s.fact.unit) == key), None)
                if match is None:
                    break
                picks.append(match)
            if len(picks) == len(per_year):
                by_doc.setdefault(key, picks)
        return next(iter(by_doc.values()), None)

    def from_change(self, q: Question, ask: Ask, rank_of: dict[str, int]) -> tuple[Fact, Fact, Period] | None:
        """A figure for period P that no sentence states, but one gives as a change against P:
        "228,7 triệu USD, tăng 4,9 triệu USD so với năm 2022" -> (the 228,7 figure, the change, 2022)."""
        if ask.unit not in (MONEY, None):
            return None
        for wanted in ask.periods or tuple(q.periods):
            for fact in self.sources.facts(units_of(ask)):
                if not fact.change or fact.compared_to is None:
                    continue
                if (fact.compared_to.start, fact.compared_to.end) != (wanted.start, wanted.end):
                    continue
                base = self._base_of(fact)
                if base is None:
                    continue
                unscoped = Ask(ask.unit, ask.position, ask.noun, ask.clause, ask.metrics, (), ask.places)
                if any(s.fact.fact_id == base.fact_id for s in self.ranked(replace(q, periods=[]), unscoped, rank_of)):
                    return base, fact, wanted
        return None

    def _base_of(self, change: Fact) -> Fact | None:
        """The figure a change refers to: the nearest earlier figure of the same sentence and unit."""
        same = [
            f
            for f in self.sources.store.catalog.facts(passage_ids=[change.passage_id])
            if f.sentence == change.sentence and f.unit == change.unit and not f.change and f.span.start < change.span.start
        ]
        return same[-1] if same else None


def _partner(lead: Fact, candidates: list[Scored], taken: list[Fact]) -> tuple[Scored, float] | None:
    best: tuple[Scored, float] | None = None
    for s in candidates[:50]:
        if s.fact in taken or s.fact.span == lead.span and s.fact.doc_id == lead.doc_id:
            continue
        bonus = 0.0
        if s.fact.doc_id == lead.doc_id:
            bonus += SAME_DOCUMENT
            if s.fact.sentence == lead.sentence:
                bonus += SAME_SENTENCE
        if best is None or s.score + bonus > best[1]:
            best = (s, s.score + bonus)
    return best


# Words of a named source that name no one: "theo hội nghị năm 2020", "according to the 2018 report"
# are told apart by their year; "năm", "hội nghị" and "báo cáo" are in every report.
_GENERIC_SOURCE_WORDS = frozenset(
    "nam hoi nghi thao le buoi bao cao tong ket so the of a an year report conference meeting event".split()
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _source_words(source: str) -> tuple[frozenset[str], frozenset[int]]:
    """(the words that name a source, the years it names), folded."""
    words = re.findall(r"[\w&]+", fold(source.lower()))
    years = frozenset(int(w) for w in words if _YEAR.fullmatch(w))
    return frozenset(w for w in words if w not in _GENERIC_SOURCE_WORDS and not _YEAR.fullmatch(w)), years


def _names_source(named: frozenset[str], years: frozenset[int], here: str, published: int | None) -> bool:
    """A document (its name, address, title, masthead, head and the figure's sentence, folded in
    ``here``) is the source named: its years agree and most of its naming words are there, whole
    (a short word inside another, "nam" in "viet nam", does not count) or, when long, inside an
    address ("vietnamtimes")."""
    present = set(re.findall(r"[\w&]+", here))
    if years and not (published in years or {str(y) for y in years} <= present):
        return False
    if not named:
        return bool(years)
    found = sum(1 for w in named if w in present or (len(w) >= 4 and w in here))
    return found / len(named) >= 0.6

