"""The deterministic answerer: exact figures from extracted facts, extractive answers otherwise.

Quantity questions are answered from facts (figure, metric, subject, period) scored against what
the question asks; a figure is never generated. Other questions get the best supporting sentence.
Every answer is checked before it is returned: each number in it must appear in a cited sentence.
When the documents do not hold the answer, the answer says so and names what they do cover.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass, replace

from assistant.grounding import numbers_in, ungrounded_numbers
from assistant.llm import LLMPhraser, LLMUnavailable, SourcePassage, check_phrasing
from assistant.models import Answer, Citation, FactRef
from assistant.phrasing import (
    METRIC_EN,
    METRIC_VI,
    amount_in_scale,
    period_en,
    period_vi,
    statement_en,
    statement_vi,
    undated,
)
from assistant.question import MONEY, MONEY_UNITS, Ask, Question, analyze, content_words
from assistant.settings import MAX_QUESTION_CHARS
from index.hybrid import SearchResults
from index.store import IndexStore
from vntext.entities import NATIONAL
from vntext.gazetteer import find_provinces
from vntext.glossary import concepts_in
from ingest.instructions import instruction_in
from ingest.models import Fact, Span
from vntext.periods import Period
from vntext.vietnamese import fold

NEAR_WORDS = 12  # syllables either side of a figure that describe it most closely (about five words)
# Concepts nearly every sentence of these reports shares: they cannot tell figures apart.
GENERIC_CONCEPTS = {
    "pcpnn", "ngo", "national", "aid", "organisation", "project", "programme", "province", "how_many",
    "who", "million", "billion", "thousand", "usd", "vnd", "total", "year", "operating", "new",
    "district", "commune", "country", "conference", "online", "period",
}  # fmt: skip
# Specific metrics that contradict each other; "aid" and "value" are generic and fit any.
_SPECIFIC = {"disbursed", "committed", "mobilised", "rate"}


@dataclass(frozen=True)
class _FactWords:
    """What the scoring compares with a question, worked out once per fact: Vietnamese word
    normalisation is too slow to repeat for every fact of every question in a large index."""

    near: dict[str, float]  # content words describing the figure, weighted by closeness
    sentence: frozenset[str]  # content words of the whole sentence
    concepts: frozenset[str]  # concepts named around the figure
    folded_near: str  # the words around the figure, folded and lower-cased


class QuestionError(ValueError):
    """A question that cannot be asked (empty or too long)."""


@dataclass
class _Scored:
    fact: Fact
    score: float
    acceptable: bool  # subject and period agree with the question


class Answerer:
    def __init__(self, store: IndexStore, llm: LLMPhraser | None = None) -> None:
        self.store = store
        self.llm = llm
        # Facts, document texts and names change only when the catalog does: cache them per
        # catalog generation instead of reading them again for every fact of every question.
        self._cache_lock = threading.Lock()
        self._cache_generation = -1
        self._facts_cache: dict[str, list[Fact]] = {}
        self._texts_cache: dict[str, str] = {}
        self._names_cache: dict[str, str] = {}
        self._words_cache: dict[str, _FactWords] = {}
        self._instructions_cache: dict[str, str | None] = {}

    def _fresh_cache(self) -> None:
        generation = self.store.catalog.generation()
        with self._cache_lock:
            if generation != self._cache_generation:
                self._facts_cache, self._texts_cache, self._words_cache = {}, {}, {}
                self._instructions_cache = {}
                self._names_cache = {d.doc_id: d.name for d in self.store.documents()}
                self._cache_generation = generation

    def _doc_text(self, doc_id: str) -> str:
        text = self._texts_cache.get(doc_id)
        if text is None:
            text = self.store.catalog.document_text(doc_id) or ""
            self._texts_cache[doc_id] = text
        return text

    def _instruction(self, doc_id: str) -> str | None:
        """The text in a document that addresses an assistant, if any: such a document is set aside."""
        if doc_id not in self._instructions_cache:
            self._instructions_cache[doc_id] = instruction_in(self._doc_text(doc_id))
        return self._instructions_cache[doc_id]

    def _set_aside(self, search: SearchResults) -> tuple[SearchResults, list[str]]:
        """The search without passages of documents that carry instructions to an assistant (ranked
        anew), and the names of those documents. Such a document's other sentences may hold the
        figures the instruction promotes, so none of it is used; the facts skip it too (_facts_for)."""
        kept, names = [], []
        for hit in search.hits:
            if self._instruction(hit.passage.doc_id) is None:
                kept.append(hit)
            elif hit.doc_name not in names:
                names.append(hit.doc_name)
        if not names:
            return search, []
        return replace(search, hits=[replace(h, rank=n) for n, h in enumerate(kept, 1)]), names

    # --- entry point ----------------------------------------------------------------------------

    def ask(self, question: str, top_k: int = 5) -> Answer:
        question = (question or "").strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}")
        timings: dict[str, float] = {}
        started = time.perf_counter()
        self._fresh_cache()
        q = analyze(question, self.store.keywords().lexicon)
        timings["analyse"] = _ms(started)
        t = time.perf_counter()
        depth = max(top_k, 10)
        found = self.store.search(q.text, top_k=depth)
        search, set_aside = self._set_aside(found)
        if set_aside:  # look deeper, so that the answer still weighs as many usable passages
            found = self.store.search(q.text, top_k=depth + len(found.hits) - len(search.hits))
            search, set_aside = self._set_aside(found)
        timings["retrieve"] = _ms(t)
        t = time.perf_counter()
        if q.kind in ("quantity", "comparison", "derived") and q.asks:
            answer = {"comparison": self._comparison, "derived": self._derived}.get(q.kind, self._quantity)(q, search)
        else:
            answer = self._extractive(q, search)
        timings["answer"] = _ms(t)
        answer = self._checked(answer, q)
        if self.llm is not None and not answer.abstained:
            t = time.perf_counter()
            answer = self._phrased(answer, q, search)
            timings["llm"] = _ms(t)
        answer.question = question
        if set_aside:
            answer.notes.append(
                f"not used: {', '.join(set_aside)}, which contains text addressed to an AI assistant "
                "(such as telling it to ignore its instructions) rather than to a reader"
            )
        answer.language = q.language
        answer.kind = q.kind
        answer.interpreted = q.text if q.typed_without_diacritics else None
        timings["total"] = _ms(started)
        answer.timings_ms = timings
        return answer

    # --- quantities -----------------------------------------------------------------------------

    def _quantity(self, q: Question, search: SearchResults) -> Answer:
        rank_of = {h.passage.passage_id: h.rank for h in search.hits}
        first = [s for s in self._score_all(q, q.asks[0], rank_of) if s.acceptable]
        if not first:
            return self._derive_from_change(q, q.asks[0], rank_of) or self._abstain(q, q.asks[0])
        # Several asks ("bao nhiêu tổ chức ... của bao nhiêu quốc gia"): choose the figures together,
        # preferring ones stated in the same sentence.
        best_total, best_facts = float("-inf"), [first[0].fact]
        for lead in first[:5]:
            total, facts = lead.score, [lead.fact]
            for ask in q.asks[1:]:
                others = [s for s in self._score_all(q, ask, rank_of, same_sentence_as=lead.fact) if s.acceptable]
                others = [s for s in others if s.fact not in facts]
                if others:
                    total += others[0].score
                    facts.append(others[0].fact)
            if total > best_total:
                best_total, best_facts = total, facts
        return self._facts_answer(q, best_facts)

    def _score_all(self, q: Question, ask: Ask, rank_of: dict[str, int], same_sentence_as: Fact | None = None) -> list[_Scored]:
        survivors = []
        for fact in self._facts_for(ask):
            result = self._score(fact, q, ask, rank_of)
            if result is not None:
                survivors.append((fact, *result))
        weights = self._word_weights(q, [fact for fact, _, _ in survivors])
        scored = []
        for fact, score, acceptable in survivors:
            score += self._lexical(fact, q, ask, weights)
            if same_sentence_as is not None and fact.sentence == same_sentence_as.sentence and fact.doc_id == same_sentence_as.doc_id:
                score += 1.5
            scored.append(_Scored(fact, score, acceptable))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def _words(self, fact: Fact) -> _FactWords:
        words = self._words_cache.get(fact.fact_id)
        if words is None:
            before = fact.descriptor.split()
            close = " ".join(before[-NEAR_WORDS:] + [fact.unit_text or ""] + fact.trailing.split()[:NEAR_WORDS])
            # the last words before the figure, its noun and the first words after it count
            # fully; words further back count half
            near = {w: 0.5 for w in content_words(" ".join(before[:-NEAR_WORDS]))}
            near.update({w: 1.0 for w in content_words(close)})
            around = f"{fact.descriptor} {fact.unit_text or ''} {fact.trailing}"
            words = _FactWords(
                near=near,
                sentence=frozenset(content_words(self._sentence(fact))),
                concepts=frozenset(concepts_in(around)),
                folded_near=fold(around.lower()),
            )
            self._words_cache[fact.fact_id] = words
        return words

    def _word_weights(self, q: Question, candidates: list[Fact]) -> dict[str, float]:
        """How well each question word tells the candidate figures apart (an IDF over them): a word
        every candidate shares ("nạn nhân") counts little, one only the right figure has counts much."""
        n = len(candidates)
        weights = {}
        for word in q.keywords:
            df = sum(1 for f in candidates if word in self._words(f).near)
            weights[word] = math.log(1.0 + (n + 1) / (df + 1))
        return weights

    def _lexical(self, fact: Fact, q: Question, ask: Ask, weights: dict[str, float]) -> float:
        score = 0.0
        words = self._words(fact)
        total = sum(weights.values())
        if total:
            score += 3.0 * sum(w * words.near.get(word, 0.0) for word, w in weights.items()) / total
            score += 1.0 * len(q.keywords & words.sentence) / len(q.keywords)
        topics = q.concepts - GENERIC_CONCEPTS
        if topics:
            # concepts carry across wordings and languages: "giáo dục" / "GD&ĐT" / "education"
            score += 1.0 * len(topics & words.concepts) / len(topics)
        if ask.noun and fold(ask.noun.lower()) in words.folded_near:
            score += 2.0  # "bao nhiêu trường hợp": the very thing counted
        elif fact.unit_text and fold(fact.unit_text.lower()) in q.folded:
            score += 1.0  # the question names the counted thing as the sentence does
        return score

    def _facts_for(self, ask: Ask) -> list[Fact]:
        key = ask.unit or ""
        if key not in self._facts_cache:
            units = MONEY_UNITS if ask.unit == MONEY else None if ask.unit is None else [ask.unit]
            facts = self.store.catalog.facts(units=units)
            self._facts_cache[key] = [f for f in facts if self._instruction(f.doc_id) is None]
        return self._facts_cache[key]

    def _score(self, fact: Fact, q: Question, ask: Ask, rank_of: dict[str, int]) -> tuple[float, bool] | None:
        """How well a fact answers one ask of the question, or None when it cannot."""
        if fact.change and not q.asks_change:
            return None
        score, acceptable = 0.0, True
        if q.asks_change:
            score += 2.0 if fact.change else -1.0

        provinces = [p for p in q.places if p != NATIONAL]
        wanted_places = provinces or ([NATIONAL] if NATIONAL in q.places else [])
        strength = {"sentence": 3.0, "paragraph": 2.75, "document": 1.5}[fact.subject_source]
        if wanted_places:
            if fact.place in wanted_places:
                score += strength
            elif fact.place is None and wanted_places == [NATIONAL]:
                score -= 0.5
            else:
                return None
        else:
            score += {NATIONAL: 1.0, None: 0.5}.get(fact.place, -1.0)

        for wanted, have in ((q.districts, fact.district), (q.organizations, fact.organization)):
            if wanted:
                if have is not None and fold(have.lower()) in {fold(w.lower()) for w in wanted}:
                    score += 3.0
                elif have is None:
                    score -= 1.0
                    if wanted is q.districts:
                        acceptable = False
                else:
                    return None
            elif have is not None:
                score -= 1.5

        if q.periods:
            matches = [_period_match(fact.period, p) for p in q.periods]
            if all(m is None for m in matches):
                return None
            match = max(m for m in matches if m is not None)
            if fact.period_source == "document":
                # only the report's year, not the sentence's: weaker, and only for that very year
                match = 1.5 if match == 3.0 else min(match, 0.5)
            score += match
            acceptable = acceptable and match >= 1.5
        elif fact.period is not None:
            score -= 0.25

        if q.metrics:
            if fact.metric in q.metrics:
                score += 2.0
            elif fact.metric in _SPECIFIC and q.metrics & _SPECIFIC:
                score -= 2.0
            elif fact.metric is not None:
                score += 0.5
        if fact.part_of_total:
            score -= 0.5  # a tie-breaker towards the total, when the question names no part

        rank = rank_of.get(fact.passage_id)
        if rank is not None:
            score += 1.0 / rank**0.5
        return score, acceptable

    def _derive_from_change(self, q: Question, ask: Ask, rank_of: dict[str, int]) -> Answer | None:
        """A figure for period P that no sentence states, but one gives as a change against P:
        "228,7 triệu USD, tăng 4,9 triệu USD so với năm 2022" -> 2022: 228,7 - 4,9 = 223,8 triệu USD."""
        if not q.periods or ask.unit not in (MONEY, None):
            return None
        for period in q.periods:
            for fact in self._facts_for(ask):
                if not fact.change or fact.compared_to is None or _period_match(fact.compared_to, period) != 3.0:
                    continue
                base = self._base_of(fact)
                if base is None or self._score(base, _without_periods(q), ask, rank_of) is None:
                    continue
                return self._calculated(q, base, fact.value, fact.change, period, given=False, change_fact=fact)
        return None

    def _base_of(self, change: Fact) -> Fact | None:
        """The figure a change refers to: the nearest earlier figure of the same sentence and unit."""
        same = [
            f
            for f in self.store.catalog.facts(passage_ids=[change.passage_id])
            if f.sentence == change.sentence and f.unit == change.unit and not f.change and f.span.start < change.span.start
        ]
        return same[-1] if same else None

    def _derived(self, q: Question, search: SearchResults) -> Answer:
        """ "Năm 2022 là bao nhiêu nếu năm 2023 tăng 4,9 triệu so với năm 2022?": computed from the
        cited 2023 figure and the change the user states."""
        assert q.given_change is not None
        value, direction = q.given_change
        rank_of = {h.passage.passage_id: h.rank for h in search.hits}
        ask = q.asks[0]
        position = fold(q.text.lower()).find("tang" if direction == "increase" else "giam")
        base_periods = sorted(q.periods, key=lambda p: abs(fold(q.text.lower()).find(p.label) - position))
        if len(base_periods) < 2:
            return self._quantity(q, search)
        base_period, target = base_periods[0], base_periods[1]
        base_question = _with_periods(q, [base_period])
        scored = self._score_all(base_question, ask, rank_of)
        best = next((s for s in scored if s.acceptable), None)
        if best is None:
            return self._abstain(base_question, ask)
        return self._calculated(q, best.fact, value, direction, target, given=True)

    def _calculated(
        self, q: Question, base: Fact, change: float, direction: str, target: Period, given: bool, change_fact: Fact | None = None
    ) -> Answer:
        result = base.value - change if direction == "increase" else base.value + change
        if not math.isfinite(result):  # figures near the float limit; no report states such a sum
            return self._no_answer(q)
        sign = "−" if direction == "increase" else "+"
        change_like = change_fact or base
        calculation = f"{amount_in_scale(base.value, base)} {sign} {amount_in_scale(change, change_like)} = {amount_in_scale(result, base)}"
        if q.language == "en":
            text = (
                f"{_cap(period_en(target) or '')}, the figure would be {amount_in_scale(result, base)}: "
                f"{calculation}, from the {period_en(base.period) or ''} figure “{base.text}”"
                + (" and the stated change." if given else f" and the change “{change_fact.text}” the report gives.")  # type: ignore[union-attr]
            )
        else:
            text = (
                f"{_cap(period_vi(target) or '')} là {amount_in_scale(result, base)}, tính từ số liệu "
                f"{period_vi(base.period) or ''} “{base.text}”: {calculation}."
            )
        facts = [base] + ([change_fact] if change_fact else [])
        answer = self._facts_answer(q, facts, text=text)
        answer.calculation = calculation
        return answer

    def _comparison(self, q: Question, search: SearchResults) -> Answer:
        rank_of = {h.passage.passage_id: h.rank for h in search.hits}
        ask = q.asks[0]
        provinces = [p for p in q.places if p != NATIONAL]
        items: list[tuple[str, Question]] = []
        if len(q.periods) > 1 or not provinces or len(provinces) == 1:
            for period in q.periods or [None]:
                items.append((period.label if period else "", _with_periods(q, [period] if period else [])))
        else:
            for place in provinces:
                items.append((place, _with_places(q, [place])))
        lines, facts = [], []
        by_place = bool(items) and items[0][1].periods == q.periods and len(provinces) > 1
        for label, sub in items:
            scored = self._score_all(sub, ask, rank_of)
            best = next((s for s in scored if s.acceptable), None)
            if best is None and by_place:
                # a place without a figure for the period asked: its figure for another period,
                # labelled with that period, is still worth listing side by side
                best = next((s for s in self._score_all(_without_periods(sub), ask, rank_of) if s.acceptable), None)
                if best is not None:
                    period = best.fact.period.label if best.fact.period and best.fact.period_source != "document" else None
                    when = f" ({period})" if period else (" (year not stated)" if q.language == "en" else " (không ghi năm)")
                    facts.append(best.fact)
                    lines.append(f"{label}{when}: {best.fact.text}")
                    continue
            if best is None:
                lines.append(f"{label}: {'not in the documents' if q.language == 'en' else 'không có trong tài liệu'}")
                continue
            facts.append(best.fact)
            lines.append(f"{label}: {best.fact.text}")
        if not facts:
            return self._abstain(q, ask)
        what = _what(facts[0], q.language)
        lead = f"{_cap(what)} — " if what else ""
        return self._facts_answer(q, facts, text=lead + "; ".join(lines) + ".")

    def _facts_answer(self, q: Question, facts: list[Fact], text: str | None = None) -> Answer:
        if text is None:
            # the report's year matters only when the question asks about a period
            shown = [f if q.periods or f.period_source != "document" else undated(f) for f in facts]
            statements = [statement_en(f) if q.language == "en" else statement_vi(f) for f in shown]
            quote = self._quote(facts[0])
            lead = "The report says" if q.language == "en" else "Theo tài liệu"
            text = " ".join(statements) + f" {lead}: “{quote}”"
        citations: list[Citation] = []
        for fact in facts:
            for span in [*fact.context, fact.sentence]:
                citation = self._citation(fact.doc_id, fact.passage_id, span)
                if citation not in citations:
                    citations.append(citation)
        names = self._names()
        refs = [
            FactRef(
                value=f.value, unit=f.unit, qualifier=f.qualifier, text=f.text, subject=f.subject,
                period=f.period.label if f.period else None, doc=names.get(f.doc_id, f.doc_id), metric=f.metric,
            )
            for f in facts
        ]  # fmt: skip
        return Answer(question=q.original, answer=text, abstained=False, citations=citations, facts=refs)

    def _abstain(self, q: Question, ask: Ask) -> Answer:
        """Say plainly that the documents do not hold the figure, and what they do hold."""
        facts = self._facts_for(ask)
        provinces = [p for p in q.places if p != NATIONAL]
        places = provinces or ([NATIONAL] if NATIONAL in q.places else [])
        subject = [f for f in facts if not places or f.place in places]
        if q.districts:
            wanted = {fold(d.lower()) for d in q.districts}
            subject = [f for f in subject if f.district and fold(f.district.lower()) in wanted]
        specific = q.metrics & _SPECIFIC
        on_metric = [f for f in subject if f.metric in specific] if specific else subject
        covered = sorted({f.period.label for f in (on_metric or subject) if f.period}, key=_period_sort_key)
        en = q.language == "en"
        who = ", ".join(places + q.districts + q.organizations) or None
        when = ", ".join((period_en if en else period_vi)(p) or "" for p in q.periods) or None
        metric = next(iter(specific), None)
        if en:
            what = METRIC_EN.get(metric or "", "figures")
            asked = " ".join(x for x in (what, f"for {who}" if who else None, when) if x)
            text = f"The documents do not give the {asked}."
            if not subject and who:
                text = f"The documents contain no figures about {who}."
            elif covered:
                text += f" They give {what} for {who or 'this subject'} for: {'; '.join(covered)}."
        else:
            what = METRIC_VI.get(metric or "", "số liệu")
            asked = " ".join(x for x in (what, f"của {who}" if who else None, when) if x)
            text = f"Tài liệu không có {asked}."
            if not subject and who:
                text = f"Tài liệu không có số liệu nào về {who}."
            elif covered:
                text += f" Tài liệu có {what} {'của ' + who if who else ''} cho: {'; '.join(covered)}."
        return Answer(question=q.original, answer=re.sub(r"\s+", " ", text), abstained=True)

    # --- everything else: the best supporting sentence ------------------------------------------

    def _extractive(self, q: Question, search: SearchResults) -> Answer:
        best: tuple[float, str, Span, str, str] | None = None  # score, doc_id, span, passage_id, text
        candidates: list[tuple[float, str, Span, str, str]] = []
        wanted = q.keywords
        if not (wanted or q.concepts) or not search.hits:
            return self._no_answer(q)
        for hit in search.hits[:10]:
            doc_text = self._doc_text(hit.passage.doc_id)
            sentences = hit.passage.sentences
            for i, span in enumerate(sentences):
                sentence = span.of(doc_text)
                words = content_words(sentence)
                neighbours = set()
                for j in (i - 1, i + 1):
                    if 0 <= j < len(sentences):
                        neighbours |= content_words(sentences[j].of(doc_text))
                score = (3.0 * len(wanted & words) + 1.0 * len(wanted & neighbours)) / max(len(wanted), 1)
                if q.concepts:
                    score += 2.0 * len(q.concepts & set(concepts_in(sentence))) / len(q.concepts)
                score += _year_agreement(q, " ".join(s.of(doc_text) for s in sentences), doc_text)
                score += _place_agreement(q, sentence, hit.passage.provinces)
                score += _cue_bonus(q, sentence) + 0.5 / hit.rank
                score += 0.5 * len(set(re.findall(r"\d+/\d+(?:/\d+)?", q.text)) & set(re.findall(r"\d+/\d+(?:/\d+)?", " ".join(s.of(doc_text) for s in sentences))))
                candidates.append((score, hit.passage.doc_id, span, hit.passage.passage_id, sentence))
        candidates.sort(key=lambda c: c[0], reverse=True)
        best = candidates[0]
        if best[0] < 1.5:
            return self._no_answer(q)
        key = _key_phrase(q, best[4])
        text = best[4] if key is None else f"{key}. {'The report says' if q.language == 'en' else 'Theo tài liệu'}: “{best[4]}”"
        if key is None and q.language == "en":
            text = f"The report says: “{best[4]}”"
        cited = [best]
        if key is not None:
            for c in candidates[1:]:
                if len(cited) >= 3:
                    break
                if fold(key.lower()) in fold(c[4].lower()) and c[4] != best[4]:
                    cited.append(c)
        citations = [self._citation(doc_id, pid, span) for _, doc_id, span, pid, _ in cited]
        return Answer(question=q.original, answer=text, abstained=False, citations=citations)

    def _no_answer(self, q: Question) -> Answer:
        text = (
            "The documents do not answer this question."
            if q.language == "en"
            else "Tài liệu không có thông tin để trả lời câu hỏi này."
        )
        return Answer(question=q.original, answer=text, abstained=True)

    # --- optional language model ----------------------------------------------------------------

    def _phrased(self, answer: Answer, q: Question, search: SearchResults) -> Answer:
        """Let the language model phrase the answer; keep it only if its numbers are grounded."""
        assert self.llm is not None
        passage_ids = list(dict.fromkeys(c.passage_id for c in answer.citations))
        passage_ids += [h.passage.passage_id for h in search.hits if h.passage.passage_id not in passage_ids]
        passages_by_id = self.store.catalog.passages(passage_ids[:6])
        names = self._names()
        ordered = [passages_by_id[pid] for pid in passage_ids[:6] if pid in passages_by_id]
        sources = [SourcePassage(n, names.get(p.doc_id, p.doc_id), p.text) for n, p in enumerate(ordered, 1)]
        try:
            phrasing = self.llm.phrase(q.text, q.language, sources, answer.answer)
        except LLMUnavailable as exc:
            answer.notes.append(f"the language model was not used ({exc}); this is the extractive answer")
            return answer
        if phrasing is None:
            answer.notes.append("the language model found no answer in the passages; this is the extractive answer")
            return answer
        problems = check_phrasing(phrasing, sources, numbers_in(q.original) + numbers_in(answer.calculation or ""))
        if problems:
            answer.notes.append(f"the language model's answer was not used: {'; '.join(problems)}")
            return answer
        answer.answer = phrasing.text
        answer.generator = "llm"
        used = numbers_in(re.sub(r"\[\d{1,2}\]", " ", phrasing.text))
        for n in phrasing.cited:
            passage = ordered[n - 1]
            doc_text = self._doc_text(passage.doc_id)
            for span in passage.sentences:
                sentence = span.of(doc_text)
                if (not used or set(used) & set(numbers_in(sentence))) and all(
                    c.start != span.start or c.doc_id != passage.doc_id for c in answer.citations
                ):
                    answer.citations.append(self._citation(passage.doc_id, passage.passage_id, span))
        return answer

    # --- helpers --------------------------------------------------------------------------------

    def _checked(self, answer: Answer, q: Question) -> Answer:
        """Refuse to return a number that no cited sentence holds."""
        if answer.abstained:
            return answer
        allowed = numbers_in(q.original) + numbers_in(answer.calculation or "")
        missing = ungrounded_numbers(answer.answer, [c.sentence for c in answer.citations], allowed)
        if not missing:
            return answer
        quote = " ".join(f"“{c.sentence}”" for c in answer.citations[:2])
        answer.notes.append(f"numbers not found in the cited sentences were removed: {', '.join(missing)}")
        answer.answer = quote
        return answer

    def _citation(self, doc_id: str, passage_id: str, span: Span) -> Citation:
        return Citation(
            doc=self._names().get(doc_id, doc_id),
            doc_id=doc_id,
            passage_id=self._passage_of(doc_id, span) or passage_id,
            sentence=span.of(self._doc_text(doc_id)),
            start=span.start,
            end=span.end,
        )

    def _passage_of(self, doc_id: str, span: Span) -> str | None:
        for passage in self.store.catalog.passages_of(doc_id):
            if passage.start <= span.start and span.end <= passage.end:
                return passage.passage_id
        return None

    def _names(self) -> dict[str, str]:
        return self._names_cache

    def _sentence(self, fact: Fact) -> str:
        return fact.sentence.of(self._doc_text(fact.doc_id))

    def _quote(self, fact: Fact, limit: int = 220) -> str:
        """The fact's sentence, trimmed to the clause around the figure when it is long."""
        sentence = self._sentence(fact)
        if len(sentence) <= limit:
            return sentence
        figure_at = fact.span.start - fact.sentence.start
        start = max(sentence.rfind("; ", 0, figure_at), sentence.rfind(". ", 0, figure_at))
        start = 0 if start < 0 or figure_at - start > limit else start + 2
        end_candidates = [i for i in (sentence.find("; ", figure_at), sentence.find(", ", figure_at + len(fact.text))) if i > 0]
        end = min(end_candidates) if end_candidates else len(sentence)
        clause = sentence[start:end].strip(" ,;")
        return ("…" if start > 0 else "") + clause + ("…" if end < len(sentence) else "")


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _what(fact: Fact, language: str) -> str | None:
    table = METRIC_EN if language == "en" else METRIC_VI
    return table.get(fact.metric or "")


def _period_match(have: Period | None, wanted: Period) -> float | None:
    """3 for the same period, 1.5 for a period inside the one asked for, -1.5 when unknown,
    -1 when it only overlaps, None when they do not meet."""
    if have is None:
        return -1.5
    if have.start == wanted.start and have.end == wanted.end:
        return 3.0
    if wanted.covers(have):
        return 1.5
    if have.overlaps(wanted):
        return -1.0
    return None


def _period_sort_key(label: str) -> str:
    digits = re.findall(r"\d{4}", label)
    return digits[0] if digits else label


def _with_periods(q: Question, periods: list[Period]) -> Question:
    return replace(q, periods=periods)


def _without_periods(q: Question) -> Question:
    return _with_periods(q, [])


def _with_places(q: Question, places: list[str]) -> Question:
    return replace(q, places=places)


_PERSON = re.compile(
    r"(?:Đ/c|Đồng chí|đồng chí|Thứ trưởng(?: Thường trực)?(?: Bộ [A-ZĐ][\w]*(?: [a-zđ][\w]*)*)?|Bộ trưởng|Chủ tịch|"
    r"Phó Chủ tịch|Giám đốc|Đại sứ|Ông|ông|Bà|bà)\s+((?:[A-ZĐÂĂÊÔƠƯ][^\W\d_]*\s?){2,4})"
)
_DECREE = re.compile(r"(?:Nghị định|Quyết định|Thông tư|Chỉ thị|Kết luận|Nghị quyết|Luật) số\s*[\w./-]+(?: ngày \d{1,2}/\d{1,2}/\d{4})?")
_QUOTED = re.compile(r"['\"“‘]([^'\"”’]{3,120})['\"”’]")
_DATE_IN = re.compile(r"\b(?:ngày\s*)?\d{1,2}/\d{1,2}(?:/\d{4})?\b")


def _place_agreement(q: Question, sentence: str, passage_provinces: list[str]) -> float:
    """The province asked about, named in the sentence (+1) or elsewhere in its passage (+0.5)."""
    provinces = [p for p in q.places if p != NATIONAL]
    if not provinces:
        return 0.0
    if any(p in find_provinces(sentence) for p in provinces):
        return 1.0
    return 0.5 if any(p in passage_provinces for p in provinces) else 0.0


def _year_agreement(q: Question, passage: str, document: str) -> float:
    """Years asked about: named in the passage (+1), only elsewhere in its document (+0.5), or the
    passage names other years and not these (-0.5)."""
    asked = {p.label for p in q.periods if p.is_single_year}
    if not asked:
        return 0.0
    named = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", passage))
    if asked & named:
        return 1.0
    if named:
        return -0.5
    return 0.5 if any(y in document for y in asked) else 0.0


_BODY = re.compile(
    r"(?:Ban|Ủy ban|Uỷ ban|Sở|Bộ|Cục|Liên hiệp|Hội|Trung tâm|Văn phòng)\s+[A-ZĐ][^,.;:()]{2,80}?\s*\([A-Z]{2,}\)"
    r"|(?:Ban|Ủy ban|Sở|Bộ|Cục|Liên hiệp|Hội|Trung tâm|Văn phòng)\s+(?:[A-ZĐ][^\W\d_]*\s?)+"
)
_WHICH_BODY = re.compile(r"\b(co quan nao|to chuc nao|don vi nao|ban nao|which (?:organi[sz]ation|agency|body|office))\b")


def _cue_bonus(q: Question, sentence: str) -> float:
    folded = q.folded
    bonus = 0.0
    if _WHICH_BODY.search(folded) and _BODY.search(sentence):
        bonus += 1.5
    if re.search(r"\b(ai|who)\b", folded) and _PERSON.search(sentence):
        bonus += 1.5
    if re.search(r"\b(nghi dinh|quyet dinh|thong tu|decree|van ban)\b", folded) and _DECREE.search(sentence):
        bonus += 1.5
    if re.search(r"\b(la gi|what is|phuong cham|khau hieu|motto)\b", folded) and _QUOTED.search(sentence):
        bonus += 1.0
    if q.kind == "date" and _DATE_IN.search(sentence):
        bonus += 1.5
    return bonus


def _key_phrase(q: Question, sentence: str) -> str | None:
    """The part of a sentence that answers: a person's name, a decree, a quoted phrase, a date."""
    folded = q.folded
    if _WHICH_BODY.search(folded):
        m = _BODY.search(sentence)
        if m:
            return m.group(0).strip()
    if re.search(r"\b(ai|who)\b", folded):
        m = _PERSON.search(sentence)
        if m:
            return m.group(1).strip()
    if re.search(r"\b(nghi dinh|quyet dinh|thong tu|decree|van ban)\b", folded):
        m = _DECREE.search(sentence)
        if m:
            return m.group(0)
    if re.search(r"\b(la gi|what is|phuong cham|khau hieu|motto)\b", folded):
        m = _QUOTED.search(sentence)
        if m:
            return m.group(0)
    if q.kind == "date":
        m = _DATE_IN.search(sentence)
        if m:
            return m.group(0)
    return None
