"""Run a question set against a system and score every answer; summarise the scores.

A question that raises gets its error recorded and counts as wrong: one bad question never stops a
run, since an analyst needs the whole picture. Each answer also gets an outcome (correct, wrong, false
abstention, missed abstention, error), so an assistant that abstains too readily is told apart from
one that states wrong figures.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from tqdm import tqdm

from eval.measure import percentile
from eval.questions import GoldQuestion
from eval.scoring import (
    FALSE_ABSTENTION,
    MISSED_ABSTENTION,
    OUTCOMES,
    RETRIEVAL_DEPTH,
    WRONG,
    Cited,
    EvidenceRank,
    answer_is_correct,
    citation_is_correct,
    outcome as outcome_of,
    rank_evidence,
    ungrounded,
)
from eval.systems import System


@dataclass
class QuestionResult:
    id: str
    kind: str
    question: str
    expected: str
    expected_value: float | None
    answer: str
    abstained: bool
    citations: list[dict[str, object]]
    latency_ms: float
    answer_correct: bool
    citation_correct: bool | None  # None: the question has no evidence to cite
    grounded: bool | None  # None: the answer abstained, so it states no figure
    ungrounded_numbers: list[str] = field(default_factory=list)
    retrieval: list[EvidenceRank] = field(default_factory=list)
    calculation: str | None = None
    error: str | None = None

    @property
    def outcome(self) -> str:
        """What became of the answer: one of :data:`eval.scoring.OUTCOMES` (derived, not stored)."""
        return outcome_of(self.kind, self.abstained, self.answer_correct, self.error)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> QuestionResult:
        data = dict(data)
        data["retrieval"] = [EvidenceRank(**r) for r in data.get("retrieval", [])]
        return cls(**data)


def evaluate_question(system: System, question: GoldQuestion) -> QuestionResult:
    started = time.perf_counter()
    try:
        answer = system.ask(question.question)
    except Exception as exc:  # noqa: BLE001 - recorded as a failure of this question, the run goes on
        return QuestionResult(
            id=question.id, kind=question.kind, question=question.question, expected=question.answer,
            expected_value=question.answer_value, answer="", abstained=False, citations=[],
            latency_ms=(time.perf_counter() - started) * 1000, answer_correct=False,
            citation_correct=False if question.evidence else None, grounded=None,
            error=f"{exc.__class__.__name__}: {exc}",
        )  # fmt: skip
    latency_ms = (time.perf_counter() - started) * 1000
    cited = [Cited(c.doc, c.sentence) for c in answer.citations]
    missing = [] if answer.abstained else ungrounded(answer.answer, question.question, cited, answer.calculation)
    retrieved = system.retrieve(question.question, RETRIEVAL_DEPTH) if question.evidence else []
    return QuestionResult(
        id=question.id,
        kind=question.kind,
        question=question.question,
        expected=question.answer,
        expected_value=question.answer_value,
        answer=answer.answer,
        abstained=answer.abstained,
        citations=[{"doc": c.doc, "passage_id": c.passage_id, "sentence": c.sentence} for c in answer.citations],
        latency_ms=latency_ms,
        answer_correct=answer_is_correct(question, answer.answer, answer.abstained),
        citation_correct=citation_is_correct(question, cited),
        grounded=None if answer.abstained else not missing,
        ungrounded_numbers=missing,
        retrieval=[rank_evidence(e, system.units_of(e.doc), retrieved) for e in question.evidence],
        calculation=answer.calculation,
    )


def run_questions(system: System, questions: Sequence[GoldQuestion], progress: bool = True) -> list[QuestionResult]:
    bar = tqdm(questions, desc=f"Evaluating {system.name}", unit="q", file=sys.stderr, disable=not progress or None)
    return [evaluate_question(system, q) for q in bar]


def _rate(flags: Iterable[bool | None]) -> float | None:
    scored = [f for f in flags if f is not None]
    return sum(scored) / len(scored) if scored else None


def _count(flags: Iterable[bool | None]) -> list[int]:
    """[passed, scored]: how many of the questions where the score applies passed."""
    scored = [f for f in flags if f is not None]
    return [sum(scored), len(scored)]


def _share(count: int, of: int) -> float | None:
    return count / of if of else None


def abstention_block(rs: Sequence[QuestionResult]) -> dict[str, object]:
    """How the answers went wrong. A false abstention is counted against the questions whose answer is
    in the documents (every kind but ``abstain``), a missed abstention against the ``abstain`` questions."""
    outcomes = [q.outcome for q in rs]
    answerable = sum(q.kind != "abstain" for q in rs)
    false_abstentions = outcomes.count(FALSE_ABSTENTION)
    missed_abstentions = outcomes.count(MISSED_ABSTENTION)
    return {
        "answerable": answerable,
        "false_abstentions": false_abstentions,
        "false_abstention_rate": _share(false_abstentions, answerable),
        "missed_abstentions": missed_abstentions,
        "missed_abstention_rate": _share(missed_abstentions, len(rs) - answerable),
        "wrong_answers": outcomes.count(WRONG),
        "outcomes": {name: outcomes.count(name) for name in OUTCOMES},
    }


def summarize(results: Sequence[QuestionResult]) -> dict[str, object]:
    """Scores for all questions and by kind: rates over the questions where a score applies."""

    def block(rs: Sequence[QuestionResult]) -> dict[str, object]:
        ranks = [r for q in rs for r in q.retrieval if r.locatable]
        latencies = [q.latency_ms for q in rs]
        return {
            "questions": len(rs),
            "answer_accuracy": _rate(q.answer_correct for q in rs),
            "citation_accuracy": _rate(q.citation_correct for q in rs),
            "grounded": _rate(q.grounded for q in rs),
            "counts": {
                "answer": _count(q.answer_correct for q in rs),
                "citation": _count(q.citation_correct for q in rs),
                "grounded": _count(q.grounded for q in rs),
            },
            "evidence_items": len(ranks),
            "hit_at_1": statistics.fmean(r.hit_at_1 for r in ranks) if ranks else None,
            "hit_at_5": statistics.fmean(r.hit_at_5 for r in ranks) if ranks else None,
            "mrr": statistics.fmean(r.reciprocal_rank for r in ranks) if ranks else None,
            "latency_p50_ms": percentile(latencies, 0.5) if latencies else None,
            "latency_p95_ms": percentile(latencies, 0.95) if latencies else None,
            "errors": sum(q.error is not None for q in rs),
            **abstention_block(rs),
        }

    kinds = sorted({q.kind for q in results})
    return {
        "overall": block(results),
        "by_kind": {k: block([q for q in results if q.kind == k]) for k in kinds},
        "false_abstention_ids": [q.id for q in results if q.outcome == FALSE_ABSTENTION],
        "missed_abstention_ids": [q.id for q in results if q.outcome == MISSED_ABSTENTION],
        "unlocatable_evidence": [
            {"id": q.id, "doc": r.doc, "text": r.text} for q in results for r in q.retrieval if not r.locatable
        ],
    }
