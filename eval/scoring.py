"""Scoring one answer against a question set's gold answer and evidence.

Pure functions over plain values, so the rules can be read and tested on their own:

- answer: a figure equal to the gold value within 0.5 % (Vietnamese or English number formats, scale
  words applied); for entities, every word of the gold answer (after NFC and case folding); for
  "multi", every gold figure; for "abstain", the answer abstains; any other question that abstains
  is wrong.
- outcome: what became of the answer, so a wrong answer is told apart from a false abstention (the
  documents hold the answer, the assistant abstained) and a missed abstention (they do not, it answered).
- citation: every evidence item is held by a cited sentence of the right document (the sentence
  contains the evidence text, or the evidence contains the sentence).
- grounded: every number of the answer appears in a cited sentence (or in the question, or in a
  calculation the answer shows). Abstentions state no figure and are not scored for it.
- retrieval: for each evidence item, the rank of the first retrieved passage holding it; hit rate
  and reciprocal rank come from llama-index's retrieval metrics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from llama_index.core.evaluation.retrieval.metrics import MRR, HitRate

from assistant.grounding import numbers_in, ungrounded_numbers
from eval.questions import Evidence, GoldQuestion
from vntext.numbers import find_values
from vntext.vietnamese import comparable

# What became of one answer (see :func:`outcome`)
CORRECT = "correct"
WRONG = "wrong"  # an answer was given to an answerable question, and it is wrong
FALSE_ABSTENTION = "false_abstention"  # the documents hold the answer; the assistant abstained
MISSED_ABSTENTION = "missed_abstention"  # the documents do not hold the answer; the assistant answered
ERROR = "error"  # asking raised: nothing came back
OUTCOMES = (CORRECT, WRONG, FALSE_ABSTENTION, MISSED_ABSTENTION, ERROR)

TOLERANCE = 0.005  # relative: a figure within 0.5 % of the gold value counts as the same figure
RETRIEVAL_DEPTH = 10  # passages looked at for the reciprocal rank


@dataclass(frozen=True)
class Unit:
    """A retrievable piece of text (a passage, or a chunk of the baseline) and where it comes from."""

    id: str
    doc: str  # source file name
    text: str


@dataclass(frozen=True)
class Cited:
    """What scoring needs of a citation."""

    doc: str
    sentence: str


@dataclass(frozen=True)
class EvidenceRank:
    doc: str
    text: str
    rank: int | None  # 1-based rank of the first retrieved unit holding the evidence; None if not retrieved
    hit_at_1: float
    hit_at_5: float
    reciprocal_rank: float
    locatable: bool  # False when no unit of the index holds the evidence (wrong document name, say)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", comparable(text))


def same_value(value: float, gold: float) -> bool:
    return abs(value - gold) <= TOLERANCE * abs(gold) if gold else value == 0


def states_value(answer: str, gold: float) -> bool:
    return any(same_value(v, gold) for v in find_values(answer))


def gold_figures(question: GoldQuestion) -> list[float]:
    """The figures a correct answer must state: the gold value, or every figure of a "multi" answer
    ("2019: hơn 262 triệu USD; 2020: 220 triệu USD" -> the figure after each label)."""
    if question.kind in ("number", "derived") and question.answer_value is not None:
        return [question.answer_value]
    figures: list[float] = []
    for part in question.answer.split(";"):
        _, _, figure = part.rpartition(":") if ":" in part else ("", "", part)
        values = find_values(figure)
        if values:
            figures.append(values[0])
    return figures


def answer_is_correct(question: GoldQuestion, answer: str, abstained: bool) -> bool:
    if question.kind == "abstain":
        return abstained
    if abstained:
        return False
    if question.kind in ("number", "derived", "multi"):
        figures = gold_figures(question)
        if figures:
            return all(states_value(answer, gold) for gold in figures)
    return set(words(question.answer)) <= set(words(answer))


def outcome(kind: str, abstained: bool, answer_correct: bool, error: str | None = None) -> str:
    """One of :data:`OUTCOMES`: every question gets exactly one, so they add up to the question count."""
    if error is not None:
        return ERROR
    if kind == "abstain":
        return CORRECT if abstained else MISSED_ABSTENTION
    if abstained:
        return FALSE_ABSTENTION
    return CORRECT if answer_correct else WRONG


def holds(evidence_text: str, text: str) -> bool:
    """The evidence is in the text, or the text (a cited sentence) is part of the evidence."""
    wanted, have = comparable(evidence_text), comparable(text)
    return bool(have) and (wanted in have or have in wanted)


def citation_is_correct(question: GoldQuestion, citations: Sequence[Cited]) -> bool | None:
    """None for a question without evidence (nothing to cite)."""
    if not question.evidence:
        return None
    return all(_cited(e, [c.sentence for c in citations if c.doc == e.doc]) for e in question.evidence)


def _cited(evidence: Evidence, sentences: list[str]) -> bool:
    """A cited sentence holds the evidence, or two cited sentences of its document do, read one
    after the other (evidence that runs across a sentence boundary)."""
    if any(holds(evidence.text, s) for s in sentences):
        return True
    wanted = comparable(evidence.text)
    return any(wanted in comparable(f"{a} {b}") for a in sentences for b in sentences if a is not b)


def ungrounded(answer: str, question: str, citations: Sequence[Cited], calculation: str | None = None) -> list[str]:
    # the answer names its sources; a document's name may hold digits ("000_3e8bb5dd.txt")
    allowed = numbers_in(question) + numbers_in(calculation or "") + numbers_in(" ".join(c.doc for c in citations))
    return ungrounded_numbers(answer, [c.sentence for c in citations], allowed)


def _meets(wanted: str, have: str, least: int = 20) -> bool:
    """``have`` ends with the start of ``wanted`` or starts with its end (at least ``least`` characters):
    the unit holds one side of evidence that runs across a unit boundary."""
    return any(have.endswith(wanted[:k]) or have.startswith(wanted[-k:]) for k in range(least, len(wanted)))


def expected_ids(evidence: Evidence, units: Iterable[Unit]) -> list[str]:
    """Units of the evidence's document that hold the evidence text. Evidence that runs across two
    units is whole in neither, so then each unit holding one side of it counts."""
    own = [u for u in units if u.doc == evidence.doc]
    wanted = comparable(evidence.text)
    found = [u.id for u in own if wanted in comparable(u.text)]
    if found:
        return found
    return [u.id for u in own if _meets(wanted, comparable(u.text))]


def rank_evidence(evidence: Evidence, units: Iterable[Unit], retrieved_ids: Sequence[str]) -> EvidenceRank:
    expected = expected_ids(evidence, units)
    retrieved = list(retrieved_ids[:RETRIEVAL_DEPTH])
    rank = next((i for i, rid in enumerate(retrieved, 1) if rid in set(expected)), None)
    if not expected or not retrieved:
        return EvidenceRank(evidence.doc, evidence.text, rank, 0.0, 0.0, 0.0, bool(expected))
    return EvidenceRank(
        doc=evidence.doc,
        text=evidence.text,
        rank=rank,
        hit_at_1=HitRate().compute(expected_ids=expected, retrieved_ids=retrieved[:1]).score,
        hit_at_5=HitRate().compute(expected_ids=expected, retrieved_ids=retrieved[:5]).score,
        reciprocal_rank=MRR().compute(expected_ids=expected, retrieved_ids=retrieved).score,
        locatable=True,
    )
