"""What an evaluation runs against: anything that answers questions and retrieves passages.

ngoaid itself is one such system; the naive llama-index pipeline (:mod:`eval.baseline`) is another,
so both are scored by the same code.
"""

from __future__ import annotations

from typing import Protocol

from assistant.models import Answer, Generator
from eval.scoring import Unit
from index.store import IndexStore


class System(Protocol):
    name: str

    def ask(self, question: str) -> Answer: ...

    def retrieve(self, question: str, top_k: int) -> list[str]:
        """Ids of the retrieved units, best first."""
        ...

    def units_of(self, doc: str) -> list[Unit]:
        """Every retrievable unit of a document (by file name); empty if the document is unknown."""
        ...

    def describe(self) -> dict[str, object]: ...


class NgoaidSystem:
    """The answerer over an index, as the CLI and the server use it; its retrieval is the passages
    it answers from (hybrid search fused with the best evidence, see :mod:`assistant.retrieval`)."""

    name = "ngoaid"

    def __init__(self, store: IndexStore, answerer, top_k: int = 5) -> None:  # answerer: assistant Answerer
        self.store = store
        self.answerer = answerer
        self.top_k = top_k

    def ask(self, question: str) -> Answer:
        return self.answerer.ask(question, top_k=self.top_k)

    def retrieve(self, question: str, top_k: int) -> list[str]:
        return [h.passage.passage_id for h in self.answerer.retrieve(question, top_k).hits]

    def units_of(self, doc: str) -> list[Unit]:
        return [
            Unit(p.passage_id, info.name, p.text)
            for info in self.store.find_documents(doc)
            if info.name == doc
            for p in self.store.catalog.passages_of(info.doc_id)
        ]

    def describe(self) -> dict[str, object]:
        documents, passages = self.store.catalog.counts()
        return {
            "system": self.name,
            "embedding_model": self.store.embedder.model_id,
            "data_dir": str(self.store.data_dir),
            "documents": documents,
            "passages": passages,
            "top_k": self.top_k,
            "generator": Generator.LLM if getattr(self.answerer, "llm", None) is not None else Generator.EXTRACTIVE,
        }
