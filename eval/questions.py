"""Question sets: JSON Lines files of questions with gold answers and evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("number", "entity", "multi", "derived", "abstain")


class QuestionSetError(ValueError):
    """A question set with rows that cannot be used; lists every bad row by line number."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Evidence:
    doc: str  # source file name
    text: str  # a span of the document that supports the answer


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str
    kind: str
    answer_value: float | None = None
    unit: str | None = None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


def _parse_row(row: object) -> Question:
    if not isinstance(row, dict):
        raise ValueError("each line must be a JSON object")
    missing = [k for k in ("id", "question", "answer", "kind") if not row.get(k) and row.get(k) != 0]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    kind = str(row["kind"])
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    value = row.get("answer_value")
    if value is not None and not isinstance(value, int | float):
        raise ValueError("answer_value must be a number or null")
    evidence = []
    for item in row.get("evidence") or []:
        if not isinstance(item, dict) or not item.get("doc") or not item.get("text"):
            raise ValueError("each evidence item needs doc and text")
        evidence.append(Evidence(str(item["doc"]), str(item["text"])))
    if kind != "abstain" and not evidence:
        raise ValueError("a question that is not 'abstain' needs evidence")
    return Question(
        id=str(row["id"]),
        question=str(row["question"]),
        answer=str(row["answer"]),
        kind=kind,
        answer_value=float(value) if value is not None else None,
        unit=row.get("unit"),
        evidence=tuple(evidence),
    )


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question set; raise :class:`QuestionSetError` naming every bad line."""
    questions: list[Question] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            question = _parse_row(json.loads(line))
        except (json.JSONDecodeError, ValueError) as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if question.id in seen:
            problems.append(f"line {number}: duplicate id {question.id!r}")
            continue
        seen.add(question.id)
        questions.append(question)
    if problems:
        raise QuestionSetError(path, problems)
    return questions
