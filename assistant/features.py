"""How well a figure answers what a question asks: every feature in one place.

Each feature is a pure function of a candidate figure and a target (one ask of one question). It
returns a score, or None when the figure cannot answer at all (another province, another year,
commitments when the question asks for disbursements). The weights are set once, in ``WEIGHTS``; the
score of a candidate is their weighted sum. What a figure is about (its place, district,
organisation, period) was worked out at ingest, from its sentence, its paragraph and its document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.question import MONEY, MONEY_UNITS, Ask, Question, content_words
from assistant.sources import FactWords, Sources
from ingest.models import Fact
from vntext.entities import NATIONAL
from vntext.metrics import SPECIFIC
from vntext.periods import Period
from vntext.vietnamese import fold

# Concepts nearly every sentence of these reports shares: they cannot tell figures apart.
GENERIC_CONCEPTS = frozenset({
    "pcpnn", "ngo", "national", "aid", "organisation", "project", "programme", "province", "how_many",
    "who", "million", "billion", "thousand", "usd", "vnd", "total", "year", "operating", "new",
    "district", "commune", "country", "conference", "online", "period",
    # what happened at an event (who attended, reviewed, spoke, signed): words for a "who" clause,
    # not the topic of a figure
    "attended", "reviewed", "achievement", "channelled", "spoke", "signed",
})  # fmt: skip

WEIGHTS = {
    "place": 3.0,  # the province (or the whole country) asked about
    "subscope": 3.0,  # the district or organisation asked about, or none when none is asked
    "period": 3.0,  # the period asked about
    "metric": 2.0,  # disbursed / committed / mobilised / rate
    "change": 2.0,  # a change ("tăng 4,9 triệu") only when one is asked
    "noun": 2.0,  # the counted thing the question names ("bao nhiêu trường hợp")
    "words": 3.0,  # question words around the figure, weighted by how rare they are among candidates
    "sentence": 1.0,  # question words anywhere in the figure's sentence
    "concepts": 1.0,  # topics named in both ("giáo dục" / "education")
    "rank": 1.0,  # how high retrieval ranked the figure's passage
    "part": 0.5,  # a part of a total ("trong đó ...") only when the question names the part
    "source": 1.5,  # the source the question names ("theo PACCOM", "according to Vietnam Times")
    "headline": 1.0,  # the title restates a figure; its sentence in the body says what it is
    "recent": 0.5,  # no period asked: of one report's figures, those of its latest period
    "honoured": 3.0,  # a count of award recipients, only for a question about awards
    "per_year": 2.0,  # a rate per year ("a year", "/năm") when one is asked
}
# A place, period or metric named only by the document (its title, masthead, publication year),
# not by the figure's sentence or paragraph, counts this much of a stated one.
FROM_DOCUMENT = 0.6
MIN_SUPPORT = 0.2  # share of the question's distinctive words a figure's sentence must hold, when
# neither a place nor a period ties the figure to the question


@dataclass
class Target:
    """What one ask of a question wants, with the question's scope resolved for that ask."""

    q: Question
    ask: Ask
    places: list[str]
    periods: list[Period]
    metrics: set[str]
    keywords: set[str]
    rank_of: dict[str, int]
    weights: dict[str, float] = field(default_factory=dict)  # IDF of each keyword among candidates
    latest: dict[str, str] = field(default_factory=dict)  # per document, the latest period end among candidates

    @classmethod
    def of(cls, q: Question, ask: Ask, rank_of: dict[str, int]) -> Target:
        places = list(ask.places) or q.places
        provinces = [p for p in places if p != NATIONAL]
        other_clauses = {w for a in q.asks if a is not ask for w in content_words(a.clause)}
        own = content_words(ask.clause) if ask.clause else set()
        keywords = (q.keywords - (other_clauses - own)) | (own & q.keywords)
        return cls(
            q=q,
            ask=ask,
            places=provinces or ([NATIONAL] if NATIONAL in places else []),
            periods=list(ask.periods) or q.periods,
            metrics=set(ask.metrics & SPECIFIC) or (q.metrics & SPECIFIC),
            keywords=keywords,
            rank_of=rank_of,
        )


Feature = Callable[[Fact, FactWords, Target], "float | None"]


def unit_fits(ask: Ask, fact: Fact) -> bool:
    if ask.unit is None:
        return True
    if ask.unit == MONEY:
        return fact.unit in MONEY_UNITS
    if ask.unit == "percent":
        return fact.unit in ("percent", "fraction")
    return fold(fact.unit.lower()) == fold(ask.unit.lower())


def change(fact: Fact, words: FactWords, t: Target) -> float | None:
    """A change ("tăng 4,9 triệu USD") answers only a question about change."""
    if fact.change and not t.q.asks_change:
        return None
    if t.q.asks_change:
        return 1.0 if fact.change else -0.5
    return 0.0


def place(fact: Fact, words: FactWords, t: Target) -> float | None:
    """The province asked about (or the whole country): the figure's own, from its sentence, its
    paragraph or, weaker, its document. A figure of another province never answers."""
    strength = {"sentence": 1.0, "paragraph": 0.9}.get(fact.subject_source, FROM_DOCUMENT)
    if t.places == [NATIONAL]:
        if fact.place == NATIONAL:
            return strength
        return -0.15 if fact.place is None else None
    if t.places:
        if fact.place in t.places:
            return strength
        return None
    return {NATIONAL: 0.3, None: 0.15}.get(fact.place, -0.3)  # no place asked: the whole country first


def subscope(fact: Fact, words: FactWords, t: Target) -> float | None:
    """A district or an organisation asked about must be the figure's; a figure about one district
    or one organisation does not answer a question about the whole province."""
    score = 0.0
    for wanted, have, gate in ((t.q.districts, fact.district, True), (t.q.organizations, fact.organization, False)):
        if wanted:
            folded = {fold(w.lower()) for w in wanted}
            if have is not None and fold(have.lower()) in folded:
                score += 1.0
            elif any(w in words.folded_sentence for w in folded):
                score += 0.6  # named in the sentence, though not as the figure's own subject
            elif have is not None and gate:
                return None
            else:
                score -= 0.5
        elif have is not None:
            score -= 0.5
    return score


def period(fact: Fact, words: FactWords, t: Target) -> float | None:
    """The period asked about: the same period, or (much weaker) a part of it. A figure over a longer
    or another period does not answer. The period of an event or source the question names ("tại
    hội nghị năm 2020") only adds weight to figures of that period."""
    if not t.periods:
        soft = [_period_match(fact.period, p) for p in t.q.soft_periods]
        reported = any(p.is_single_year and int(p.start[:4]) == words.published_year for p in t.q.soft_periods)
        return 0.3 if reported or any(m is not None and m > 0 for m in soft) else 0.0
    matches = [_period_match(fact.period, p) for p in t.periods]
    if all(m is None for m in matches):
        return None
    match = max(m for m in matches if m is not None)
    if fact.period_source == "document" and match > 0:
        match *= FROM_DOCUMENT
    return match


def _period_match(have: Period | None, wanted: Period) -> float | None:
    if have is None:
        return -0.5
    if have.start == wanted.start and (have.end == wanted.end or have.end is None or wanted.end is None):
        return 1.0
    if wanted.covers(have):
        return 0.3
    return None


_DISBURSED_WORDS = re.compile(r"\b(giai ngan|disburs\w*)\b")
_FUNDING_WORDS = re.compile(r"\b(von|kinh phi|ngan sach|funding|budget|cost|capital|worth)\b")


def metric(fact: Fact, words: FactWords, t: Target) -> float | None:
    """Disbursed, committed, mobilised: the metric asked about. Disbursement is never answered with
    a commitment or a total value: only a figure the source calls disbursed will do."""
    if not t.metrics:
        return 0.2 if fact.metric in ("aid", "value") else 0.0
    if fact.metric in t.metrics:
        return 1.0
    if "disbursed" in t.metrics and not (t.metrics - {"disbursed", "rate"}):
        if fact.metric in SPECIFIC:
            return None
        if _DISBURSED_WORDS.search(words.folded_sentence):
            return 0.3
        if words.sentence_metrics & {"committed", "mobilised"} or _FUNDING_WORDS.search(words.folded_near):
            # "thu hút 15 dự án với tổng vốn tài trợ ...": attracted funds or a programme's
            # capital, not money disbursed
            return None
        return -0.3  # "giá trị viện trợ đạt ...": an aid value, often the disbursed one
    if fact.metric in SPECIFIC:
        return -1.0
    return 0.0


def noun(fact: Fact, words: FactWords, t: Target) -> float | None:
    """ "bao nhiêu trường hợp": the very thing counted."""
    if t.ask.noun and fold(t.ask.noun.lower()) in words.folded_near:
        return 1.0
    if fact.unit_text and fact.unit not in MONEY_UNITS and fold(fact.unit_text.lower()) in t.q.folded:
        return 0.5
    return 0.0


def lexical(fact: Fact, words: FactWords, t: Target) -> float | None:
    """Question words around the figure, each weighted by how rare it is among the candidates. Across
    languages (a Vietnamese question, an English report) words cannot match: the concepts they
    name stand in for them ("giải ngân" / "disbursement")."""
    if words.language != t.q.language:
        return _shared_concepts(words, t)
    total = sum(t.weights.values())
    if not total:
        return 0.0
    return sum(w * words.near.get(word, 0.0) for word, w in t.weights.items()) / total


def sentence(fact: Fact, words: FactWords, t: Target) -> float | None:
    if words.language != t.q.language:
        return _shared_concepts(words, t)
    if not t.keywords:
        return 0.0
    return len(t.keywords & words.sentence) / len(t.keywords)


def _shared_concepts(words: FactWords, t: Target) -> float:
    asked = t.q.concepts - {"how_many", "who"}
    if not asked:
        return 0.0
    return len(asked & words.concepts) / len(asked)


def concepts(fact: Fact, words: FactWords, t: Target) -> float | None:
    topics = t.q.concepts - GENERIC_CONCEPTS
    if not topics:
        return 0.0
    return len(topics & words.concepts) / len(topics)


def rank(fact: Fact, words: FactWords, t: Target) -> float | None:
    position = t.rank_of.get(fact.passage_id)
    return 1.0 / position**0.5 if position is not None else 0.0


def part(fact: Fact, words: FactWords, t: Target) -> float | None:
    if not fact.part_of_total:
        return 0.0
    own = content_words(fact.descriptor)
    return 0.5 if own & t.keywords else -1.0


def headline(fact: Fact, words: FactWords, t: Target) -> float | None:
    return -0.5 if words.headline else 0.0


def recent(fact: Fact, words: FactWords, t: Target) -> float | None:
    """A question that names no period ("How many foreign NGOs operate in Hà Tĩnh?") wants the
    figure as it stands now: of one report's figures (a table's rows, a series of years), those of
    its latest period. A tie-breaker, weaker than any word or scope the question names."""
    if t.periods or t.q.soft_periods or fact.period is None or not fact.period.end:
        return 0.0  # a period of the event or source asked about ("hội nghị năm 2020") sets the time
    return 1.0 if fact.period.end == t.latest.get(fact.doc_id) else 0.0


# Words of an award: "trao bằng chứng nhận cho 109 tổ chức", "Fifty NGOs have been honoured with
# certificates of merit"
_AWARD = re.compile(
    r"\b(?:bang khen|giay khen|khen thuong|(?:bang|giay) chung nhan|ky niem chuong|huan chuong|huy chuong|"
    r"tuyen duong|vinh danh|honou?red|certificates? of merit|awards?|awarded)\b"
)


def honoured(fact: Fact, words: FactWords, t: Target) -> float | None:
    """A count of those honoured or awarded counts the recipients, not the organisations at work:
    it answers a question about awards, and another only when nothing else does. On dev2 such counts
    ("109 tổ chức" given certificates, "Fifty" NGOs honoured) answered how many were operating."""
    if fact.unit in MONEY_UNITS or not _AWARD.search(words.folded_near):
        return 0.0
    return 1.0 if _AWARD.search(t.q.folded) else -1.0


# A rate per year: "14 billion VND a year", "20 triệu USD/năm", "mỗi năm", "hằng năm", "annually"
_PER_YEAR = re.compile(
    r"/\s*nam\b|\b(?:moi|hang|mot) nam\b|\bper (?:year|annum)\b|\b(?:a|each|every) year\b|\bannual(?:ly)?\b|\byearly\b"
)


PER_YEAR_WORDS = 6  # a rate's "a year" sits next to its figure; further off it is another figure's


def per_year(fact: Fact, words: FactWords, t: Target) -> float | None:
    """A question that asks how much a year ("mỗi năm", "annually") wants the figure stated as a
    rate per year; a question that does not ask so is rarely answered by one ("20 triệu USD/năm" is
    not a total)."""
    close = " ".join(fact.descriptor.split()[-PER_YEAR_WORDS:] + [fact.unit_text or ""] + fact.trailing.split()[:PER_YEAR_WORDS])
    has = bool(_PER_YEAR.search(fold(close.lower())))
    if _PER_YEAR.search(t.q.folded):
        return 1.0 if has else 0.0
    return -0.5 if has else 0.0


FEATURES: dict[str, Feature] = {
    "change": change, "place": place, "subscope": subscope, "period": period, "metric": metric,
    "noun": noun, "words": lexical, "sentence": sentence, "concepts": concepts, "rank": rank, "part": part,
    "headline": headline, "recent": recent, "honoured": honoured, "per_year": per_year,
}  # fmt: skip
GATES = ("change", "place", "period", "metric", "subscope")  # checked first: they can rule a figure out


@dataclass(frozen=True)
class Scored:
    fact: Fact
    score: float
    parts: dict[str, float]
    supported: bool  # enough of the question is in the figure's sentence, or its scope is asked


def score_fact(fact: Fact, words: FactWords, t: Target, source_bonus: float = 0.0) -> Scored | None:
    parts: dict[str, float] = {}
    for name in GATES:
        value = FEATURES[name](fact, words, t)
        if value is None:
            return None
        parts[name] = value
    for name, feature in FEATURES.items():
        if name not in parts:
            parts[name] = feature(fact, words, t) or 0.0
    parts["source"] = source_bonus
    total = sum(WEIGHTS.get(name, 1.0) * value for name, value in parts.items())
    tied = (t.places and parts["place"] > 0) or (t.periods and parts["period"] > 0)
    supported = bool(tied) or parts["sentence"] >= MIN_SUPPORT or parts["words"] >= MIN_SUPPORT
    return Scored(fact, total, parts, supported)


def keyword_weights(t: Target, candidates: list[tuple[Fact, FactWords]]) -> dict[str, float]:
    """How well each question word tells the candidate figures apart (an IDF over them): a word
    every candidate shares counts little, one only the right figure has counts much."""
    n = len(candidates)
    weights = {}
    for word in t.keywords:
        df = sum(1 for _, words in candidates if word in words.near)
        weights[word] = math.log(1.0 + (n + 1) / (df + 1))
    return weights


def rank_facts(sources: Sources, t: Target, facts: list[Fact], source_bonus: Callable[[Fact], float] | None = None) -> list[Scored]:
    """Every figure that can answer the target, best first."""
    candidates = [(f, sources.words(f)) for f in facts if unit_fits(t.ask, f)]
    t.weights = keyword_weights(t, candidates)
    for fact, _ in candidates:
        if fact.period is not None and fact.period.end and fact.period.end > t.latest.get(fact.doc_id, ""):
            t.latest[fact.doc_id] = fact.period.end
    scored = []
    for fact, words in candidates:
        result = score_fact(fact, words, t, source_bonus(fact) if source_bonus else 0.0)
        if result is not None:
            scored.append(result)
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored
