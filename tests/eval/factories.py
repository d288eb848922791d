"""Hand-built evaluation results for the report and comparison tests."""

from __future__ import annotations

from typing import Any

from eval.report import Report, SystemRun
from eval.runner import QuestionResult
from eval.scoring import EvidenceRank


def rank(rank: int | None, doc: str = "d.txt", text: str = "bằng chứng", locatable: bool = True) -> EvidenceRank:
    """An evidence item found at ``rank`` (None: not in the top 10)."""
    if rank is None:
        return EvidenceRank(doc, text, None, 0.0, 0.0, 0.0, locatable)
    return EvidenceRank(doc, text, rank, float(rank == 1), float(rank <= 5), 1 / rank, True)


def result(id: str, kind: str = "number", **fields: Any) -> QuestionResult:
    """A question that passed every check, with ``fields`` overriding."""
    values: dict[str, Any] = dict(
        id=id, kind=kind, question=f"Câu hỏi {id}?", expected="381 tổ chức", expected_value=381.0,
        answer="Có 381 tổ chức.", abstained=False,
        citations=[{"doc": "d.txt", "passage_id": "p1", "sentence": "Có 381 tổ chức hoạt động."}],
        latency_ms=100.0, answer_correct=True, citation_correct=True, grounded=True, retrieval=[rank(1)],
    )  # fmt: skip
    values.update(fields)
    return QuestionResult(**values)


def report(results: list[QuestionResult], sha256: str = "a" * 64, baseline: SystemRun | None = None) -> Report:
    question_set = {"path": "/sets/dev.jsonl", "name": "dev.jsonl", "questions": len(results), "sha256": sha256}
    return Report(question_set=question_set, run=SystemRun({"generator": "extractive"}, results), baseline=baseline)
