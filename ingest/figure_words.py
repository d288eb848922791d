"""The words around each figure that scoring compares with a question, worked out when its document
is stored.

They depend only on the figure and its document, yet answering worked them out for every figure of
the asked unit at the first question after start-up: at 100,000 passages that was 68,129 figures
and most of a 20 s first answer (Vietnamese normalisation, concept matching and reading each
document's text). The catalog keeps them beside each figure instead (see ``index.catalog``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ingest.models import Fact
from vntext.glossary import concepts_in
from vntext.metrics import metrics_named
from vntext.vietnamese import fold
from vntext.words import content_words

NEAR_WORDS = 12  # syllables either side of a figure that describe it most closely (about five words)


@dataclass(frozen=True)
class FigureWords:
    """A figure's words as its document gives them."""

    near: dict[str, float]  # content words describing the figure, weighted by closeness
    sentence: frozenset[str]  # content words of the whole sentence
    concepts: frozenset[str]  # concepts named around the figure
    folded_near: str  # the words around the figure, folded and lower-cased
    folded_sentence: str
    headline: bool  # the document's title line, which restates a figure its body gives in context
    sentence_metrics: frozenset[str]  # every metric the sentence names ("thu hút", "cam kết", ...)

    def to_json(self) -> str:
        return json.dumps(
            {
                "near": self.near, "sentence": sorted(self.sentence), "concepts": sorted(self.concepts),
                "folded_near": self.folded_near, "folded_sentence": self.folded_sentence,
                "headline": self.headline, "sentence_metrics": sorted(self.sentence_metrics),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_json(cls, raw: str) -> FigureWords:
        d = json.loads(raw)
        return cls(
            near=d["near"], sentence=frozenset(d["sentence"]), concepts=frozenset(d["concepts"]),
            folded_near=d["folded_near"], folded_sentence=d["folded_sentence"], headline=d["headline"],
            sentence_metrics=frozenset(d["sentence_metrics"]),
        )  # fmt: skip


def figure_words(fact: Fact, text: str, title: str | None) -> FigureWords:
    """The words of ``fact`` in its document's cleaned ``text``, whose title is ``title``."""
    before = fact.descriptor.split()
    close = " ".join(before[-NEAR_WORDS:] + [fact.unit_text or ""] + fact.trailing.split()[:NEAR_WORDS])
    # the last words before the figure, its noun and the first words after it count fully; words
    # further back count half
    near = {w: 0.5 for w in content_words(" ".join(before[:-NEAR_WORDS]))}
    near.update({w: 1.0 for w in content_words(close)})
    around = f"{fact.descriptor} {fact.unit_text or ''} {fact.trailing}"
    sentence = fact.sentence.of(text)
    headline = (title is not None and sentence.strip() == title.strip()) or (
        "\n" not in text[: fact.sentence.start] and not sentence.rstrip().endswith((".", "!", "?", "…"))
    )
    return FigureWords(
        near=near,
        sentence=frozenset(content_words(sentence)),
        concepts=frozenset(concepts_in(around)),
        folded_near=fold(around.lower()),
        folded_sentence=fold(sentence.lower()),
        headline=headline,
        sentence_metrics=frozenset(metrics_named(sentence)),
    )
