"""The naive pipeline a user would build from the llama-index starter tutorial, as a baseline.

Same documents and the same embedding model as the index being evaluated, stored in Chroma:

    documents = SimpleDirectoryReader(input_files=...).load_data()
    index = VectorStoreIndex.from_documents(documents, storage_context=<Chroma>)   # 1024-token chunks
    retriever = index.as_retriever(similarity_top_k=5)

and the answer is the top chunk, quoted whole. Nothing Vietnamese-specific: no cleaning of menus,
no sentence segmentation, no keyword search, no facts. Plain-text files (.txt, .md) are read from
their original location by ``SimpleDirectoryReader`` as the tutorial does; for HTML, PDF and Word
files the tutorial's format readers (``llama-index-readers-file``) are not installed here, so the
baseline gets the text ngoaid extracted from them.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from llama_index.core import Document as LlamaDocument
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import BaseNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from assistant.models import Answer, Citation, Generator
from eval.scoring import Unit
from index.embeddings import LlamaIndexEmbedding
from index.store import IndexStore

PLAIN_TEXT = {".txt", ".md"}
TOP_K = 5


def load_documents(store: IndexStore) -> list[LlamaDocument]:
    """The indexed documents as the tutorial would load them (see the module docstring)."""
    files: list[str] = []
    extracted: list[LlamaDocument] = []
    for info in store.documents():
        source = Path(info.source)
        if source.suffix.lower() in PLAIN_TEXT and source.is_file():
            files.append(str(source))
        else:
            text = store.catalog.document_text(info.doc_id) or ""
            extracted.append(LlamaDocument(text=text, metadata={"file_name": info.name}))
    # The reader warns, once per file, that the optional format readers are missing: known, see above.
    logging.getLogger("llama_index.core.readers.file.base").setLevel(logging.ERROR)
    read = SimpleDirectoryReader(input_files=files).load_data() if files else []
    return read + extracted


class BaselineSystem:
    """Dense top-k retrieval over default 1024-token chunks; the answer is the best chunk."""

    name = "baseline"

    def __init__(self, store: IndexStore, work_dir: Path, top_k: int = TOP_K) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.top_k = top_k
        self.model_id = store.embedder.model_id
        documents = load_documents(store)
        # The default transformation of VectorStoreIndex.from_documents, run explicitly so the
        # chunks are at hand for locating evidence.
        self.nodes: list[BaseNode] = SentenceSplitter()(documents)
        chroma_dir = work_dir / "baseline-chroma"
        shutil.rmtree(chroma_dir, ignore_errors=True)  # a fresh collection every run: no stale chunks
        client = chromadb.PersistentClient(path=str(chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.create_collection("baseline")
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        self.index = VectorStoreIndex(
            self.nodes, storage_context=storage, embed_model=LlamaIndexEmbedding(store.embedder)
        )
        self.retriever = self.index.as_retriever(similarity_top_k=top_k)
        self._units: dict[str, list[Unit]] = {}
        for node in self.nodes:
            doc = str(node.metadata.get("file_name", ""))
            self._units.setdefault(doc, []).append(Unit(node.node_id, doc, node.get_content()))

    def _retrieve(self, question: str, top_k: int):
        self.retriever.similarity_top_k = top_k
        return self.retriever.retrieve(question)

    def ask(self, question: str) -> Answer:
        hits = self._retrieve(question, self.top_k)
        if not hits:
            return Answer(question=question, answer="", abstained=True)
        top = hits[0].node
        doc = str(top.metadata.get("file_name", ""))
        text = top.get_content()
        citation = Citation(
            doc=doc,
            doc_id=top.ref_doc_id or doc,
            passage_id=top.node_id,
            sentence=text,  # the baseline cites the whole chunk; it has no notion of a sentence
            start=top.start_char_idx or 0,
            end=top.end_char_idx or len(text),
        )
        return Answer(question=question, answer=text, abstained=False, citations=[citation], generator=Generator.BASELINE)

    def retrieve(self, question: str, top_k: int) -> list[str]:
        return [h.node.node_id for h in self._retrieve(question, top_k)]

    def units_of(self, doc: str) -> list[Unit]:
        return self._units.get(doc, [])

    def describe(self) -> dict[str, object]:
        return {
            "system": self.name,
            "embedding_model": self.model_id,
            "chunks": len(self.nodes),
            "chunking": "SentenceSplitter(chunk_size=1024, chunk_overlap=200), llama-index defaults",
            "top_k": self.top_k,
            "answer": "the top chunk, whole",
        }
