"""The vector side: passage embeddings in Chroma, searched through llama-index.

Chroma runs embedded (a ``PersistentClient`` under the data folder) by default, or as a separate
server (``chroma run``) when a URL is configured. Each embedding model gets its own collection, so
switching models never mixes vectors of different spaces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from llama_index.core import VectorStoreIndex
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.embeddings import ChromaEmbeddingFunction, Embedder, LlamaIndexEmbedding
from ingest.models import Document, Passage, doc_id_of_passage


class ChromaUnavailable(RuntimeError):
    """The configured Chroma server cannot be reached."""


def chroma_client(data_dir: Path, chroma_url: str | None = None, fresh: bool = False):  # -> chromadb.ClientAPI
    """A client for the configured Chroma. ``fresh`` (embedded mode) bypasses chromadb's per-folder
    cache, whose client is unusable for writes after one failed (see :meth:`VectorIndex._writing`)."""
    import chromadb

    settings = _chroma_settings().model_copy()  # chromadb writes the folder into the one it is given
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        if not url.hostname:
            raise ChromaUnavailable(f"not a Chroma server URL: {chroma_url!r}")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # noqa: BLE001 - connection errors come in many types
            raise ChromaUnavailable(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    if fresh:
        forget_cached_client(str(path))
    return chromadb.PersistentClient(path=str(path), settings=settings)


@functools.cache
def _chroma_settings():  # -> chromadb.config.Settings
    """chromadb's settings, read from the environment once: 3.3 ms each time, paid by every reopen
    after another process's commit."""
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


def forget_cached_client(path: str) -> None:
    # chromadb keeps one system per folder for the whole process; dropping our folder's entry (not
    # stopping it: stopping a wedged system can block) makes the next PersistentClient a new one.
    # Private API, hence the guards: without it a reopen just returns the cached client.
    from chromadb.api.shared_system_client import SharedSystemClient

    systems = getattr(SharedSystemClient, "_identifier_to_system", None)
    refcounts = getattr(SharedSystemClient, "_identifier_to_refcount", None)
    if isinstance(systems, dict):
        systems.pop(path, None)
    if isinstance(refcounts, dict):
        refcounts.pop(path, None)


def _stop(client) -> None:
    """Stop a healthy embedded client that has been replaced (private API, hence the guards)."""
    system = getattr(client, "_system", None)
    try:
        if system is not None:
            system.stop()
    except Exception:  # noqa: BLE001 - a client that cannot stop cleanly is left to the garbage collector
        pass


def collection_name(model_id: str) -> str:
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", model_id).strip("-_").lower()
    return f"ngoaid-{slug}"[:60]


def passage_node(passage: Passage, doc_name: str) -> TextNode:
    """The llama-index node for a passage; built the same way everywhere so fusion can match them."""
    node = TextNode(
        id_=passage.passage_id,
        text=passage.text,
        metadata={"doc_id": passage.doc_id, "doc": doc_name, "ordinal": passage.ordinal},
        excluded_embed_metadata_keys=["doc_id", "doc", "ordinal"],
        excluded_llm_metadata_keys=["doc_id", "ordinal"],
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=passage.doc_id)
    return node


# How many of a writer's newest vectors embedded Chroma keeps only in its log before it writes them
# into the nearest-neighbour index on disk (chromadb's default: 1,000). A process that opens the
# store (a server after another process's commit) adds the logged ones to its in-memory index at its
# first query. Measured on 2 cores, a server reopening after each commit of an ingest running beside
# it (2,000 synthetic passages in 130 documents): that first query took p50/p95 67/136 ms at 1,000,
# 16/37 ms at 100 and 12/23 ms at 20, other queries 3 ms. Writing the index more often cost nothing
# measurable: 1,000 passages added to a 100,000-passage index in 37.7 s at 1,000, 36.5 s at 100 and
# 38.7 s at 25.
SYNC_THRESHOLD = 25


class VectorIndex:
    def __init__(self, client, embedder: Embedder, reopen: Callable[[], object] | None = None) -> None:
        """``client`` is a chromadb client; ``reopen`` makes a fresh one (embedded mode only)."""
        self.embedder = embedder
        self._reopen = reopen
        self._poisoned = False
        self._open(client)

    def _open(self, client) -> None:
        self._client = client
        self.collection = client.get_or_create_collection(
            name=collection_name(self.embedder.model_id),
            embedding_function=ChromaEmbeddingFunction(self.embedder.spec),
            configuration={"hnsw": {"space": "cosine", "sync_threshold": SYNC_THRESHOLD}},
            metadata={"embed_model": self.embedder.model_id},
        )
        self._keep_index_in_step()
        self.store = ChromaVectorStore(chroma_collection=self.collection)
        self._index = VectorStoreIndex.from_vector_store(self.store, embed_model=LlamaIndexEmbedding(self.embedder))

    def _keep_index_in_step(self) -> None:
        """Give a collection made before :data:`SYNC_THRESHOLD` (or with another value) that threshold.
        A store that cannot write it (a read-only folder) works as before, its readers only slower to
        catch up with another process's writes."""
        hnsw = (self.collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("sync_threshold", SYNC_THRESHOLD) == SYNC_THRESHOLD:
            return
        try:
            self.collection.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})
        except Exception:  # noqa: BLE001 - an optimisation: any failure leaves the store as it was
            pass

    def reopen(self) -> bool:
        """Open the store afresh, to see what another process wrote: embedded Chroma keeps its
        nearest-neighbour index in memory and does not read what another process adds to the folder
        (measured: a server kept finding an old neighbour after another process added 1,000 vectors).
        False in server mode, where every client sees every write."""
        if self._reopen is None:
            return False
        if not self._poisoned:
            _stop(self._client)  # its in-memory index would otherwise stay for the life of the process
        self._open(self._reopen())
        self._poisoned = False
        return True

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Run a write on a client that has not failed one before.

        After a failed write (a full disk, typically) embedded Chroma's next write in the same
        process hangs forever, even once space is back; a fresh client works, and applies what the
        failed write had already logged. So a failed write marks the client, and the next write
        opens a new one first.
        """
        if self._poisoned and self._reopen is not None:
            self._open(self._reopen())
            self._poisoned = False
        try:
            yield
        except BaseException:
            self._poisoned = True
            raise

    def add(self, doc: Document, vectors: np.ndarray, passages: list[Passage] | None = None) -> None:
        """Upsert passage vectors (ids are deterministic, so a retry overwrites, never duplicates)."""
        passages = doc.passages if passages is None else passages
        nodes = []
        for passage, vector in zip(passages, vectors, strict=True):
            node = passage_node(passage, doc.name)
            node.embedding = vector.tolist()
            nodes.append(node)
        with self._writing():
            for i in range(0, len(nodes), 1000):
                batch = nodes[i : i + 1000]
                # upsert rather than the store's add(): re-running after a crash must overwrite.
                self.collection.upsert(
                    ids=[n.node_id for n in batch],
                    embeddings=[n.embedding for n in batch],
                    documents=[n.get_content() for n in batch],
                    metadatas=[_flat_metadata(n) for n in batch],
                )

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._writing():
            for i in range(0, len(ids), 1000):
                self.collection.delete(ids=ids[i : i + 1000])

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            batch = self.collection.get(include=[], limit=5000, offset=offset)["ids"]
            found.update(batch)
            if len(batch) < 5000:
                return found
            offset += len(batch)

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """passage_id -> the text stored with its vector, for those of ``ids`` that have one."""
        ids = list(ids)
        found: dict[str, str] = {}
        for i in range(0, len(ids), 1000):
            batch = self.collection.get(ids=ids[i : i + 1000], include=["documents"])
            found.update(zip(batch["ids"], batch["documents"] or [], strict=True))
        return found

    def doc_ids(self) -> set[str]:
        return {doc_id_of_passage(pid) for pid in self.ids()}

    def count(self) -> int:
        return int(self.collection.count())

    def retriever(self, top_k: int, doc_ids: Iterable[str] | None = None):  # -> llama_index VectorIndexRetriever
        """Nearest passages; only those of ``doc_ids`` when given (a metadata filter in Chroma)."""
        if doc_ids is None:
            return self._index.as_retriever(similarity_top_k=top_k)
        from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

        only = MetadataFilters(filters=[MetadataFilter(key="doc_id", value=sorted(doc_ids), operator=FilterOperator.IN)])
        return self._index.as_retriever(similarity_top_k=top_k, filters=only)


def _flat_metadata(node: TextNode) -> dict[str, str | int | float]:
    from llama_index.core.vector_stores.utils import node_to_metadata_dict

    return node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
