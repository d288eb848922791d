"""The keyword side of retrieval: BM25 over Vietnamese word tokens with diacritics folded.

Tokens come from underthesea's word segmentation. Each compound word ("giải ngân") yields the
compound ("giai_ngan") and its syllables ("giai", "ngan"), so a query segmented differently, as
text typed without diacritics usually is, still matches syllable by syllable. Numbers such as
"17.216.450,40" and "2,3" stay whole, and one-letter words are kept.

The index itself is llama-index's ``BM25Retriever`` (bm25s underneath) fed with pre-tokenised
text: its own tokenizer drops one-letter words, splits decimals and stems English.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from index.lexicon import Lexicon
from vntext.glossary import find_concepts, fingerprint
from vntext.vietnamese import fold, normalize_text

import bm25s

_TOKEN_PATTERN = r"(?u)\S+"
# bm25s sets its logger to DEBUG when imported and logs every index build to stderr.
logging.getLogger("bm25s").setLevel(logging.WARNING)
_GENERATION_FILE = "generation.json"
# underthesea's word segmenter is one shared native object; concurrent calls from server threads
# must take turns.
_SEGMENTER_LOCK = threading.Lock()
_LEXICON_FILE = "lexicon.json"


def keyword_tokens(text: str) -> list[str]:
    """Folded, lower-case keyword tokens of a text: compounds, their syllables and concepts."""
    from underthesea import word_tokenize

    from ingest.segmenting import split_paragraph

    text = normalize_text(text)
    tokens: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        # word_tokenize merges words across sentence ends ("USD. Ông"), so feed it sentences.
        for start, end in split_paragraph(line):
            with _SEGMENTER_LOCK:
                words = word_tokenize(line[start:end])
            for word in words:
                word = fold(word.lower())
                if not any(c.isalnum() for c in word):
                    continue
                parts = word.split()
                if len(parts) > 1:
                    tokens.append("_".join(parts))
                tokens.extend(parts)
    # Concept tokens let different wordings of one thing match ("PCPNN" / "phi chính phủ nước
    # ngoài" / "foreign NGOs"): see vntext.glossary.
    tokens.extend(f"#{m.concept}" for m in find_concepts(text))
    return tokens


class KeywordIndex:
    """BM25 over passages, persisted in a folder with the catalog generation it reflects.

    It also holds the corpus :class:`Lexicon` used to restore diacritics in queries, which is
    derived from the same passages and goes stale with them.
    """

    def __init__(self, bm25: object | None, lexicon: Lexicon, generation: int) -> None:
        self._bm25 = bm25  # bm25s.BM25 with its corpus attached, or None when empty
        self.lexicon = lexicon
        self.generation = generation

    @classmethod
    def build(cls, items: list[tuple[str, str, str]], generation: int) -> KeywordIndex:
        """``items`` are (passage_id, space-joined keyword tokens, passage text)."""
        from llama_index.core.schema import TextNode
        from llama_index.retrievers.bm25 import BM25Retriever

        lexicon = Lexicon.from_texts(text for _, _, text in items)
        nodes = [TextNode(id_=pid, text=tokens) for pid, tokens, _ in items if tokens.strip()]
        if not nodes:
            return cls(None, lexicon, generation)
        retriever = BM25Retriever.from_defaults(
            nodes=nodes, language=None, skip_stemming=True, token_pattern=_TOKEN_PATTERN
        )
        retriever.bm25.corpus = retriever.corpus
        return cls(retriever.bm25, lexicon, generation)

    def retriever(self, top_k: int):  # -> BM25Retriever | None
        """A llama-index retriever over this index; queries must be pre-tokenised strings."""
        if self._bm25 is None:
            return None
        from llama_index.retrievers.bm25 import BM25Retriever

        size = int(self._bm25.scores["num_docs"])
        return BM25Retriever(
            existing_bm25=self._bm25,
            similarity_top_k=min(top_k, size),
            skip_stemming=True,
            token_pattern=_TOKEN_PATTERN,
        )

    def passage_ids(self) -> set[str]:
        """The passages this index covers (to compare with the catalog)."""
        if self._bm25 is None:
            return set()
        return {str(item["node_id"]) for item in self._bm25.corpus}

    def __len__(self) -> int:
        return 0 if self._bm25 is None else int(self._bm25.scores["num_docs"])

    def save(self, folder: Path) -> None:
        """Write the index next to ``folder`` and swap it in, so readers never see half a file."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".keyword-", dir=folder.parent))
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp), corpus=self._bm25.corpus, show_progress=False)
            self.lexicon.save(tmp / _LEXICON_FILE)
            (tmp / _GENERATION_FILE).write_text(
                json.dumps({"generation": self.generation, "empty": self._bm25 is None, "glossary": fingerprint()})
            )
            old = folder.parent / f".keyword-old-{os.getpid()}"
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved index, or None when there is none, it cannot be read or it was built with
        another glossary (it is rebuilt)."""
        try:
            meta = json.loads((folder / _GENERATION_FILE).read_text())
            if meta.get("glossary") != fingerprint():
                return None  # its concept tokens were made with another glossary
            lexicon = Lexicon.load(folder / _LEXICON_FILE)
            if meta.get("empty"):
                return cls(None, lexicon, int(meta["generation"]))
            bm25 = bm25s.BM25.load(str(folder), load_corpus=True, show_progress=False)
            return cls(bm25, lexicon, int(meta["generation"]))
        except (OSError, ValueError, KeyError):
            return None
