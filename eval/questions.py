"""Question sets: questions with gold answers and the evidence that supports them.

Two file formats hold the same columns: JSON Lines (one object per line, ``evidence`` a list of
``{"doc", "text"}``) and CSV, for sets kept in spreadsheets, where each ``evidence`` cell holds
``doc|text`` pairs, one per line of the cell (further pairs may also go in columns named
``evidence 2``, ``evidence_3``...). ``answer_value`` may be written the Vietnamese way
("17.216.450,40") in CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from vntext.numbers import parse_number

class GoldKind(StrEnum):
    """What a question of a set expects, which decides how its answer is scored."""

    NUMBER = "number"
    ENTITY = "entity"
    MULTI = "multi"  # more than one figure
    DERIVED = "derived"  # a value computed from stated ones
    ABSTAIN = "abstain"  # the documents do not hold the answer


KINDS = tuple(GoldKind)


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
class GoldQuestion:
    """A question of a set with its expected answer (not to be confused with
    :class:`assistant.question.Question`, what the answerer reads from any question)."""

    id: str
    question: str
    answer: str
    kind: GoldKind
    answer_value: float | None = None
    unit: str | None = None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


def _parse_row(row: object) -> GoldQuestion:
    if not isinstance(row, dict):
        raise ValueError("each line must be a JSON object")
    missing = [k for k in ("id", "question", "answer", "kind") if not row.get(k) and row.get(k) != 0]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if str(row["kind"]) not in KINDS:
        raise ValueError(f"kind {row['kind']!r} is not one of {', '.join(KINDS)}")
    kind = GoldKind(str(row["kind"]))
    value = row.get("answer_value")
    if value is not None and not isinstance(value, int | float):
        raise ValueError("answer_value must be a number or null")
    evidence = []
    for item in row.get("evidence") or []:
        if not isinstance(item, dict) or not item.get("doc") or not item.get("text"):
            raise ValueError("each evidence item needs doc and text")
        evidence.append(Evidence(str(item["doc"]), str(item["text"])))
    if kind is not GoldKind.ABSTAIN and not evidence:
        raise ValueError("a question that is not 'abstain' needs evidence")
    return GoldQuestion(
        id=str(row["id"]),
        question=str(row["question"]),
        answer=str(row["answer"]),
        kind=kind,
        answer_value=float(value) if value is not None else None,
        unit=row.get("unit"),
        evidence=tuple(evidence),
    )


def _json_rows(text: str) -> list[tuple[int, object]]:
    rows: list[tuple[int, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            rows.append((number, ValueError(f"not valid JSON ({exc.msg})")))
    return rows


def _csv_value(raw: str) -> object:
    raw = raw.strip()
    if not raw:
        return None
    value = parse_number(re.sub(r"\s", "", raw))  # spreadsheets group thousands with (non-breaking) spaces
    return value if value is not None else raw  # left as text so validation names the bad value


def _csv_evidence(cells: list[str]) -> list[object]:
    items: list[object] = []
    for cell in cells:
        for line in cell.splitlines():
            if not line.strip():
                continue
            doc, sep, text = line.partition("|")
            items.append({"doc": doc.strip(), "text": text.strip()} if sep else {"doc": line.strip(), "text": ""})
    return items


def _csv_rows(text: str) -> list[tuple[int, object]]:
    # Only the delimiter is sniffed: the sniffer's other guesses (quoting, doubled quotes) are
    # unreliable from a header line and would misread cells such as 'Dự án ""Nước sạch""'.
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    fields = [f.strip().lower() for f in header]
    missing = [c for c in ("id", "question", "answer", "kind") if c not in fields]
    if missing:
        return [(1, ValueError(f"the header row lacks the column(s) {', '.join(missing)}"))]
    rows: list[tuple[int, object]] = []
    start = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            if len(cells) > len(fields):
                problem = f"{len(cells)} cells for {len(fields)} columns (quote a cell that holds the delimiter {delimiter!r})"
                rows.append((start, ValueError(problem)))
            else:
                row = dict(zip(fields, cells, strict=False))
                evidence = [v for k, v in row.items() if k.replace("_", " ").split(" ")[0] == "evidence"]
                rows.append((start, {
                    "id": row.get("id", "").strip(),
                    "question": row.get("question", "").strip(),
                    "answer": row.get("answer", "").strip(),
                    "kind": row.get("kind", "").strip().lower(),
                    "answer_value": _csv_value(row.get("answer_value", "")),
                    "unit": row.get("unit", "").strip() or None,
                    "evidence": _csv_evidence(evidence),
                }))  # fmt: skip
        start = reader.line_num + 1
    return rows


def load_questions(path: Path) -> list[GoldQuestion]:
    """Read a question set (JSON Lines, or CSV when the file name ends in .csv); raise
    :class:`QuestionSetError` naming every bad row by its line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuestionSetError(path, [f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"]) from exc
    rows = _csv_rows(text) if path.suffix.lower() == ".csv" else _json_rows(text)
    questions: list[GoldQuestion] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in rows:
        try:
            if isinstance(row, Exception):
                raise row
            question = _parse_row(row)
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if question.id in seen:
            problems.append(f"line {number}: duplicate id {question.id!r}")
            continue
        seen.add(question.id)
        questions.append(question)
    if problems:
        raise QuestionSetError(path, problems)
    if not questions:
        raise QuestionSetError(path, ["the set holds no questions"])
    return questions
