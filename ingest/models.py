"""The records ingestion produces: documents, their passages and sentence spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vntext.periods import Period

if TYPE_CHECKING:
    from ingest.frame import DocumentFrame

# Bumped whenever cleaning or segmentation changes what a file turns into, so that re-ingesting an
# unchanged file still reprocesses it once after an upgrade.
PIPELINE_VERSION = 12


class IngestError(Exception):
    """A file that cannot be ingested, with a reason a person can act on."""

    def __init__(self, source: str | Path, reason: str) -> None:
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{Path(self.source).name}: {reason}")


@dataclass(frozen=True)
class Span:
    """A [start, end) character range in a document's cleaned text."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass
class Passage:
    """A few consecutive sentences of one paragraph: the unit that is embedded and retrieved."""

    passage_id: str
    doc_id: str
    ordinal: int
    text: str
    start: int  # offsets in the document's cleaned text
    end: int
    sentences: list[Span]  # absolute spans in the document's cleaned text
    provinces: list[str] = field(default_factory=list)  # named in the passage's own text
    years: list[int] = field(default_factory=list)
    # The heading (or caption) the passage sits under. Retrieval uses it as context; metadata and
    # citations do not, since a caption can name a place the passage is not about.
    context: str | None = None

    def sentence_texts(self, doc_text: str) -> list[str]:
        return [s.of(doc_text) for s in self.sentences]


@dataclass
class Fact:
    """A figure from a sentence, with what it measures, whom it is about and when."""

    fact_id: str
    doc_id: str
    passage_id: str
    sentence: Span  # absolute offsets in the document's cleaned text
    span: Span  # the figure as quoted, qualifier included
    value: float
    unit: str
    unit_text: str | None
    text: str  # the figure as written: "hơn 262 triệu USD"
    qualifier: str | None = None
    change: str | None = None
    metric: str | None = None
    place: str | None = None  # canonical province, or "Việt Nam" for the whole country
    district: str | None = None
    organization: str | None = None
    period: Period | None = None
    part_of_total: bool = False  # inside "(trong đó ...)": a part of a figure given before
    descriptor: str = ""  # the words before the figure, back to the previous figure
    trailing: str = ""  # the words after it, up to the next figure or the end of the clause
    context: list[Span] = field(default_factory=list)  # earlier sentences the subject/period came from
    subject_source: str = "sentence"  # "sentence", "paragraph" (carried) or "document" (title)
    compared_to: Period | None = None  # for a change: the period it is measured against
    # where the period came from: "sentence", "paragraph" (an earlier sentence) or "document" (the
    # year the report is about, when no sentence dates the figure)
    period_source: str | None = None
    sector: str | None = None  # the sector the figure is about ("health"), when its words name one

    @property
    def subject(self) -> str | None:
        parts = [p for p in (self.organization, self.district and f"huyện {self.district}", self.place) if p]
        return ", ".join(parts) if parts else None


@dataclass
class Document:
    """A cleaned document, ready to be indexed."""

    doc_id: str  # from the hash of the file's bytes
    name: str  # the source file's name, shown in citations
    source: str  # where it came from; re-ingesting the same source replaces the old version
    file_type: str
    size_bytes: int
    text: str  # cleaned text; every offset refers to it
    title: str | None = None
    published: str | None = None  # ISO date when the document states one
    passages: list[Passage] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    reference_year: int | None = None  # the year the report is mainly about
    frame: DocumentFrame | None = None  # title, dateline, source, main place and period (ingest.frame)
    pipeline_version: int = PIPELINE_VERSION


def passage_id(doc_id: str, ordinal: int) -> str:
    return f"{doc_id}-p{ordinal}"


def doc_id_of_passage(pid: str) -> str:
    return pid.rsplit("-p", 1)[0]
