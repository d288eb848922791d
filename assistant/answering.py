"""The deterministic answerer: exact figures from extracted facts, extractive answers otherwise.

A question goes through stages with typed hand-offs: analysis (:mod:`assistant.question`) ->
retrieval (the index's hybrid search, fused with the passages of the best evidence:
:mod:`assistant.retrieval`) -> candidates and scoring (:mod:`assistant.figures` with
:mod:`assistant.features`; :mod:`assistant.extract` for answers that are words) -> comparisons and
calculations (:mod:`assistant.comparing`) -> wording (:mod:`assistant.phrasing`) -> verification:
every number of an answer must appear in a cited sentence, or the answer falls back to the quotes.
A figure is never generated. When the documents do not hold the answer, the answer says so and
names what they do cover.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

from assistant import comparing, extract, phrasing
from assistant.figures import Choice, Figures, units_of
from assistant.grounding import numbers_in, ungrounded_numbers
from assistant.llm import LLMPhraser, LLMUnavailable, SourcePassage, check_phrasing
from assistant.models import Answer, Citation, Generator, QuestionKind
from assistant.question import Ask, Question, analyze, word_clauses
from assistant.retrieval import evidence_search
from assistant.settings import MAX_QUESTION_CHARS
from assistant.sources import Sources
from index.hybrid import SearchResults
from index.store import IndexStore
from ingest.models import Fact
from vntext.entities import NATIONAL
from vntext.metrics import SPECIFIC
from vntext.periods import Period
from vntext.vietnamese import fold

QUOTE_LIMIT = 400  # characters of a figure's sentence quoted before it is cut to the clause


class QuestionError(ValueError):
    """A question that cannot be asked (empty or too long)."""


class Answerer:
    def __init__(self, store: IndexStore, llm: LLMPhraser | None = None) -> None:
        self.store = store
        self.llm = llm
        self.sources = Sources(store)
        self.figures = Figures(self.sources)

    # --- entry point ----------------------------------------------------------------------------

    def ask(self, question: str, top_k: int = 5) -> Answer:
        question = (question or "").strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}")
        timings: dict[str, float] = {}
        started = time.perf_counter()
        self.sources.refresh()
        q = analyze(question, self.store.keywords().lexicon)
        timings["analyse"] = _ms(started)
        t = time.perf_counter()
        searched, search, set_aside = self._search(q, top_k)
        timings["retrieve"] = _ms(t)
        t = time.perf_counter()
        answer = self._answer(q, search, {h.passage.passage_id: h.rank for h in searched.hits})
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

    def retrieve(self, question: str, top_k: int = 10) -> SearchResults:
        """The passages a question is answered from, best first: what ``ngoaid eval`` ranks the
        evidence in."""
        self.sources.refresh()
        return self._search(analyze(question, self.store.keywords().lexicon), top_k)[1]

    def _search(self, q: Question, top_k: int) -> tuple[SearchResults, SearchResults, list[str]]:
        """The search, the search with the evidence lists fused in, and the set-aside documents.
        Figures are scored with the search's own ranks: the fused list adds passages, and ranking
        figures by a list their own ranking made would count them twice."""
        depth = max(top_k, 10)
        found = self.store.search(q.text, top_k=depth)
        search, set_aside = self.sources.set_aside(found)
        if set_aside:  # look deeper, so that the answer still weighs as many usable passages
            found = self.store.search(q.text, top_k=depth + len(found.hits) - len(search.hits))
            search, set_aside = self.sources.set_aside(found)
        return search, evidence_search(q, search, self.figures, self.sources, self.store), set_aside

    def _answer(self, q: Question, search: SearchResults, rank_of: dict[str, int]) -> Answer:
        """``rank_of``: each passage's rank in the search (before the evidence lists)."""
        if q.kind is QuestionKind.DERIVED and q.asks:
            return self._derived(q, rank_of, search)
        if q.kind is QuestionKind.COMPARISON and q.asks:
            return self._comparison(q, rank_of, search)
        if q.asks:
            return self._quantity(q, rank_of, search)
        return self._words(q, search)

    # --- quantities -----------------------------------------------------------------------------

    def _quantity(self, q: Question, rank_of: dict[str, int], search: SearchResults) -> Answer:
        choice = self.figures.choose(q, rank_of)
        if choice.chosen[0] is None:
            return self._from_parts(q, q.asks[0], rank_of) or self._abstain(q, q.asks[0])
        if _part_of_span(choice.chosen[0].fact, q.asks[0], q):
            # the best figure covers only part of the period asked ("2017" for "2017-2019"): the
            # years added up answer better, when the documents give every one of them
            summed = self._from_parts(q, q.asks[0], rank_of)
            if summed is not None:
                return summed
        answer = self._figures_answer(q, choice)
        if q.entity_clause:
            # the "who"/"which"/"thông qua đâu" part, read with the whole question's words and scope
            self._add_words(answer, q.about_words(), search)
        return answer

    def _from_parts(self, q: Question, ask: Ask, rank_of: dict[str, int]) -> Answer | None:
        """A figure no sentence states but the documents give in parts: the years of a period to
        add up, or a later figure and its change against the period asked."""
        yearly = self.figures.yearly_sum(q, ask, rank_of)
        if yearly:
            calculation = comparing.sum_of(yearly)
            if calculation is not None:
                return self._calculated(q, calculation, [f.period.label if f.period else "" for f in yearly])
        changed = self.figures.from_change(q, ask, rank_of)
        if changed:
            base, change_fact, target = changed
            calculation = comparing.undo_change(base, change_fact.value, change_fact.change or "increase", change_fact)
            if calculation is not None:
                calculation.given = None
                return self._calculated(
                    q, calculation, [base.period.label if base.period else "", "thay đổi" if q.language == "vi" else "change"],
                    given=(change_fact.value, change_fact.change or "increase"), target=target,
                )
        return None

    def _figures_answer(self, q: Question, choice: Choice) -> Answer:
        facts = choice.facts
        shown = [f if (q.periods or f.period_source != "document") else phrasing.undated(f) for f in facts]
        statements = [phrasing.statement_en(f) if q.language == "en" else phrasing.statement_vi(f) for f in shown]
        missing = [
            phrasing.missing_ask(a.unit, a.noun, q.language) for a, s in zip(choice.asks, choice.chosen, strict=True) if s is None
        ]
        quotes = [self._quote(f) for f in facts]
        text = phrasing.with_quotes(" ".join(dict.fromkeys(statements + missing)), quotes, q.language)
        citations = self.sources.fact_citations(facts)
        for fact in facts:
            others = choice.conflicts.get(fact.fact_id)
            if others:
                text += " " + phrasing.conflict_note(fact, others, self.sources.label, q.language)
                text = phrasing.with_quotes(text, [self._quote(o) for o in others], q.language)
                citations += [c for c in self.sources.fact_citations(others) if c not in citations]
        return Answer(
            question=q.original, answer=text, abstained=False, citations=citations,
            facts=[self.sources.fact_ref(f) for f in facts],
        )  # fmt: skip

    def _add_words(self, answer: Answer, clause: Question, search: SearchResults) -> None:
        """The "who ..."/"which ..." part beside the figures: its best sentence, quoted."""
        given = frozenset((c.doc_id, c.start) for c in answer.citations)
        picked = extract.pick(self.sources, clause, search, skip=given)
        if picked is None:
            return
        quotes = [s.text for s in picked.sentences if all(s.text not in c.sentence for c in answer.citations)]
        if not quotes and not picked.key:
            return
        answer.answer += " " + phrasing.words_answer(picked.key, quotes, clause.language)
        for s in picked.sentences:
            citation = self.sources.citation(s.doc_id, s.span, s.passage_id)
            if citation not in answer.citations:
                answer.citations.append(citation)

    # --- comparisons and calculations -----------------------------------------------------------

    def _comparison(self, q: Question, rank_of: dict[str, int], search: SearchResults) -> Answer:
        if not q.sides:
            if q.conflict:
                facts = comparing.by_source(self.figures, q, rank_of)
                if len(facts) > 1:
                    lines = [phrasing.side_line(self.sources.label(f.doc_id), [f], q.language) for f in facts]
                    return self._answer_from(q, phrasing.comparison_text(lines, None, q.language), facts)
            return self._quantity(q, rank_of, search)
        sides = comparing.side_by_side(self.figures, q, rank_of)
        if not any(s.facts for s in sides):
            return self._abstain(q, q.asks[0])
        lines = [phrasing.side_line(s.side.label, s.facts, q.language) for s in sides]
        verdict = None
        calculation = comparing.difference(sides)
        if calculation is not None and len(sides) == 2:
            big, small = calculation.operands
            label_of = {id(f): s.side.label for s in sides for f in s.facts}
            verdict = phrasing.larger_verdict(label_of[id(big)], label_of[id(small)], big, small, q.language)
        facts = [f for s in sides for f in s.facts]
        return self._answer_from(q, phrasing.comparison_text(lines, verdict, q.language), facts)

    def _derived(self, q: Question, rank_of: dict[str, int], search: SearchResults) -> Answer:
        if q.given_change is not None:
            return self._given_change(q, rank_of)
        if q.sides and all(s.figure is not None for s in q.sides):
            stated = comparing.stated_figures(self.figures, q)
            if stated:
                side = comparing.SideFigures
                calculation = comparing.difference([side(q.sides[0], [stated[0]]), side(q.sides[1], [stated[1]])])
                if calculation is not None:
                    return self._calculated(q, calculation, [self.sources.label(f.doc_id) for f in calculation.operands])
        if q.sides:
            sides = comparing.side_by_side(self.figures, q, rank_of)
            calculation = comparing.difference(sides)
            if calculation is not None:
                label_of = {id(f): s.side.label for s in sides for f in s.facts}
                return self._calculated(q, calculation, [label_of[id(f)] for f in calculation.operands])
            if any(s.facts for s in sides):
                lines = [phrasing.side_line(s.side.label, s.facts, q.language) for s in sides]
                return self._answer_from(q, phrasing.comparison_text(lines, None, q.language), [f for s in sides for f in s.facts])
        return self._quantity(q, rank_of, search)

    def _given_change(self, q: Question, rank_of: dict[str, int]) -> Answer:
        """ "Năm 2022 là bao nhiêu nếu năm 2023 tăng 4,9 triệu so với năm 2022?": computed from the
        cited 2023 figure and the change the user states."""
        assert q.given_change is not None
        value, direction = q.given_change
        position = q.folded.find("tang" if direction == "increase" else "giam")
        ordered = sorted(q.periods, key=lambda p: abs(q.folded.find(p.label) - position))
        if len(ordered) < 2:
            return self._quantity(q, rank_of, SearchResults(q.text, None, []))
        base_period, target = ordered[0], ordered[1]
        base_q = replace(q, periods=[base_period], asks=[replace(a, periods=(base_period,)) for a in q.asks])
        ranked = self.figures.ranked(base_q, base_q.asks[0], rank_of)
        if not ranked:
            return self._abstain(base_q, base_q.asks[0])
        base = ranked[0].fact
        calculation = comparing.undo_change(base, value, direction)
        if calculation is None:
            return self._no_answer(q)
        return self._calculated(q, calculation, [base.period.label if base.period else ""], given=(value, direction), target=target)

    def _calculated(
        self, q: Question, calculation: comparing.Calculation, labels: list[str],
        given: tuple[float, str] | None = None, target: Period | None = None,
    ) -> Answer:  # fmt: skip
        line = phrasing.calculation_line(
            calculation.operands, calculation.result, calculation.operation, calculation.like, given, q.language
        )
        result_text = phrasing.amount_in_scale(calculation.result, calculation.like, q.language)
        text = phrasing.calculation_text(line, result_text, calculation.operation, calculation.operands, labels, q.language)
        if target is not None:
            when = (phrasing.period_en if q.language == "en" else phrasing.period_vi)(target) or target.label
            text = f"{when[:1].upper()}{when[1:]}: {text}"
        answer = self._answer_from(q, text, calculation.operands)
        answer.calculation = line
        return answer

    def _answer_from(self, q: Question, text: str, facts: list[Fact]) -> Answer:
        quotes = [self._quote(f) for f in facts]
        return Answer(
            question=q.original, answer=phrasing.with_quotes(text, quotes, q.language), abstained=False,
            citations=self.sources.fact_citations(facts), facts=[self.sources.fact_ref(f) for f in facts],
        )  # fmt: skip

    # --- abstaining -----------------------------------------------------------------------------

    def _abstain(self, q: Question, ask: Ask) -> Answer:
        """Say plainly that the documents do not hold the figure, and what they do hold."""
        facts = self.sources.facts(units_of(ask))
        provinces = [p for p in (list(ask.places) or q.places) if p != NATIONAL]
        places = provinces or ([NATIONAL] if NATIONAL in q.places else [])
        subject = [f for f in facts if not places or f.place in places]
        if q.districts:
            wanted = {fold(d.lower()) for d in q.districts}
            subject = [f for f in subject if f.district and fold(f.district.lower()) in wanted]
        specific = set(ask.metrics & SPECIFIC) or (q.metrics & SPECIFIC)
        on_metric = [f for f in subject if f.metric in specific] if specific else subject
        covered = sorted({f.period.label for f in (on_metric or subject) if f.period}, key=_period_sort_key)
        known = bool(subject) or self._documents_about(places)
        who = ", ".join(places + q.districts + q.organizations) or None
        periods = list(ask.periods) or q.periods
        when = ", ".join((phrasing.period_en if q.language == "en" else phrasing.period_vi)(p) or "" for p in periods) or None
        text = phrasing.abstention(q.language, next(iter(sorted(specific)), None), who, when, covered, known)
        return Answer(question=q.original, answer=text, abstained=True)

    def _documents_about(self, places: list[str]) -> bool:
        """Some indexed document is about one of these places (it names it), figures or not."""
        return any(p in info.provinces for info in self.sources.documents().values() for p in places)

    def _no_answer(self, q: Question) -> Answer:
        return Answer(question=q.original, answer=phrasing.no_answer(q.language), abstained=True)

    # --- everything else: the sentences that answer ---------------------------------------------

    def _words(self, q: Question, search: SearchResults) -> Answer:
        """The best sentences for the whole question; then, for each part that asks for another
        kind of thing ("ở huyện nào ... và những xã nào"), its own sentence when none chosen holds
        that kind. The answer leads with what answers each part, then quotes every sentence once."""
        picked = extract.pick(self.sources, q, search)
        if picked is None:
            return self._no_answer(q)
        keys = [self._with_honorific(picked, q)] if picked.key else []
        sentences = list(picked.sentences)
        parts = word_clauses(q, self.store.keywords().lexicon)
        for part in parts if len(parts) > 1 else []:
            if extract.covers(part, sentences):  # what answers this part is in a chosen sentence
                key = next((k for s in sentences if (k := extract.key_span(part, s.text))), None)
            else:
                given = frozenset((s.doc_id, s.span.start) for s in sentences)
                more = extract.pick(self.sources, part, search, skip=given)
                if more is None:
                    continue
                sentences += list(more.sentences)
                key = self._with_honorific(more, part) if more.key else None
            if key and not any(key in k for k in keys):
                keys.append(key)
        text = phrasing.words_answer("; ".join(keys) or None, [s.text for s in sentences], q.language)
        cited = sentences + [s for s in picked.corroborating if s.text not in text]
        citations = [self.sources.citation(s.doc_id, s.span, s.passage_id) for s in cited]
        return Answer(question=q.original, answer=text, abstained=False, citations=citations)

    def _with_honorific(self, picked: extract.Picked, q: Question) -> str:
        """A person's name with "ông"/"bà" when the document itself calls them so elsewhere."""
        key = picked.key or ""
        if q.language != "vi" or not re.search(r"\b(ai|who|whom)\b", q.folded):
            return key
        title = extract.honorific(self.sources.text(picked.sentences[0].doc_id), key)
        single = len(key.split()) <= 4 and all(w[:1].isupper() for w in key.split())
        return f"{title.capitalize()} {key}" if title and single and not key.lower().startswith(title) else key

    # --- optional language model ----------------------------------------------------------------

    def _phrased(self, answer: Answer, q: Question, search: SearchResults) -> Answer:
        """Let the language model phrase the answer; keep it only if its numbers are grounded."""
        assert self.llm is not None
        passage_ids = list(dict.fromkeys(c.passage_id for c in answer.citations))
        passage_ids += [h.passage.passage_id for h in search.hits if h.passage.passage_id not in passage_ids]
        passages_by_id = self.store.catalog.passages(passage_ids[:6])
        ordered = [passages_by_id[pid] for pid in passage_ids[:6] if pid in passages_by_id]
        sources = [SourcePassage(n, self.sources.name(p.doc_id), p.text) for n, p in enumerate(ordered, 1)]
        try:
            phrasing_ = self.llm.phrase(q.text, q.language, sources, answer.answer)
        except LLMUnavailable as exc:
            answer.notes.append(f"the language model was not used ({exc}); this is the extractive answer")
            return answer
        if phrasing_ is None:
            answer.notes.append("the language model found no answer in the passages; this is the extractive answer")
            return answer
        problems = check_phrasing(phrasing_, sources, numbers_in(q.original) + numbers_in(answer.calculation or ""))
        if problems:
            answer.notes.append(f"the language model's answer was not used: {'; '.join(problems)}")
            return answer
        answer.answer = phrasing_.text
        answer.generator = Generator.LLM
        used = numbers_in(re.sub(r"\[\d{1,2}\]", " ", phrasing_.text))
        for n in phrasing_.cited:
            passage = ordered[n - 1]
            doc_text = self.sources.text(passage.doc_id)
            for span in passage.sentences:
                sentence = span.of(doc_text)
                if (not used or set(used) & set(numbers_in(sentence))) and all(
                    c.start != span.start or c.doc_id != passage.doc_id for c in answer.citations
                ):
                    answer.citations.append(self.sources.citation(passage.doc_id, span, passage.passage_id))
        return answer

    # --- verification ---------------------------------------------------------------------------

    def _checked(self, answer: Answer, q: Question) -> Answer:
        """Refuse to return a number that no cited sentence holds."""
        if answer.abstained:
            return answer
        allowed = numbers_in(q.original) + numbers_in(answer.calculation or "")
        # sources are named by site or title, which may hold digits; a figure a source spells out
        # ("Fifty") may be written in digits
        allowed += numbers_in(" ".join(self.sources.label(c.doc_id) for c in answer.citations))
        allowed += [n for f in answer.facts if not re.search(r"\d", f.text) for n in numbers_in(phrasing.plain_number(f.value))]
        missing = ungrounded_numbers(answer.answer, [c.sentence for c in answer.citations], allowed)
        if not missing:
            return answer
        quote = " ".join(f"“{c.sentence}”" for c in answer.citations[:2])
        answer.notes.append(f"numbers not found in the cited sentences were removed: {', '.join(missing)}")
        answer.answer = quote
        return answer

    def _quote(self, fact: Fact, limit: int = QUOTE_LIMIT) -> str:
        """The fact's sentence, trimmed to the clause around the figure when it is long."""
        sentence = self.sources.sentence(fact)
        if len(sentence) <= limit:
            return sentence
        figure_at = fact.span.start - fact.sentence.start
        start = max(sentence.rfind("; ", 0, figure_at), sentence.rfind(". ", 0, figure_at))
        start = 0 if start < 0 or figure_at - start > limit else start + 2
        end_candidates = [i for i in (sentence.find("; ", figure_at), sentence.find(", ", figure_at + len(fact.text))) if i > 0]
        end = min(end_candidates) if end_candidates else len(sentence)
        clause = sentence[start:end].strip(" ,;")
        return ("…" if start > 0 else "") + clause + ("…" if end < len(sentence) else "")


def _part_of_span(fact: Fact, ask: Ask, q: Question) -> bool:
    span = next((p for p in (ask.periods or tuple(q.periods)) if not p.is_single_year and p.end), None)
    return span is not None and fact.period is not None and (fact.period.start, fact.period.end) != (span.start, span.end)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def _period_sort_key(label: str) -> tuple[str, str]:
    """By first year, then by label: "2018" and "đến 12/2018" always in the same order."""
    digits = re.findall(r"\d{4}", label)
    return (digits[0] if digits else label, label)


__all__ = ["Answerer", "QuestionError", "Citation"]
