"""What an answer is made of: the text, its citations and the facts it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic_core import to_jsonable_python


class QuestionKind(StrEnum):
    """What a question asks for; it decides how the answer is found and worded."""

    QUANTITY = "quantity"
    COMPARISON = "comparison"
    DERIVED = "derived"  # a value computed from cited figures (a change, a difference, a sum)
    ENTITY = "entity"  # who, which organisation, which place
    DATE = "date"
    LIST = "list"
    OPEN = "open"


class Generator(StrEnum):
    """What wrote an answer's text."""

    EXTRACTIVE = "extractive"  # the sources' own sentences and figures, put together by rules
    LLM = "llm"  # a language model rephrased it; its numbers were checked against the sources
    TEMPLATE = "template"  # a draft: fixed forms filled with cited figures
    BASELINE = "baseline"  # the evaluation's naive pipeline: its top passage


@dataclass(frozen=True)
class Citation:
    """A sentence of a document that supports the answer, with its exact place in the document."""

    doc: str  # source file name
    doc_id: str
    passage_id: str
    sentence: str
    start: int  # character offsets of the sentence in the document's cleaned text
    end: int


@dataclass(frozen=True)
class FactRef:
    """A figure used in the answer, as the source writes it."""

    value: float
    unit: str
    qualifier: str | None
    text: str  # "hơn 262 triệu USD"
    subject: str | None
    period: str | None
    doc: str
    metric: str | None = None


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    facts: list[FactRef] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    language: str = "vi"
    kind: QuestionKind = QuestionKind.OPEN
    interpreted: str | None = None  # the question with diacritics restored, if typed without them
    calculation: str | None = None  # shown when the answer computes a figure from cited ones
    generator: Generator = Generator.EXTRACTIVE
    notes: list[str] = field(default_factory=list)  # e.g. why the language model's text was not used

    def as_dict(self) -> dict[str, object]:
        return to_jsonable_python(self)
