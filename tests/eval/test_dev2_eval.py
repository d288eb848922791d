"""The evaluation run on the second dev set (dev2, 107 questions over 30 reports from 18 provinces and
national bodies, 7 in English): a regression guard.

The index holds both corpora (the shared fixture the server test uses too), so the five reports of
the first corpus are distractors here. The floors are one below what this code scored on
2026-12-03 (answers 102/107: number 61/61, entity 16/20, multi 8/9, derived 8/8, abstain 9/9;
citations 96/98; hit@5 125/128, MRR 0.854; no false or missed abstention; every answer grounded;
every evidence item in a passage; no error), so that a tie broken the other way by ingest order does not fail the
guard. A change that loses more fails here; raise them as the answerer improves: a guard, not a
target.
"""

from __future__ import annotations

import pytest

from assistant.answering import Answerer
from eval.questions import load_questions
from eval.runner import run_questions, summarize
from eval.scoring import CORRECT, FALSE_ABSTENTION, MISSED_ABSTENTION
from eval.systems import NgoaidSystem

pytestmark = pytest.mark.slow

ANSWER_ACCURACY_FLOOR = 101 / 107
ANSWER_ACCURACY_FLOOR_BY_KIND = {
    "number": 60 / 61,
    "entity": 15 / 20,
    "multi": 7 / 9,
    "derived": 8 / 8,
    "abstain": 9 / 9,
}
CITATION_ACCURACY_FLOOR = 95 / 98
HIT_AT_5_FLOOR = 124 / 128
MRR_FLOOR = 0.84
FALSE_ABSTENTIONS_CEILING = 0  # of 98 answerable questions
MISSED_ABSTENTIONS_CEILING = 0  # of 9 abstain questions


@pytest.fixture(scope="module")
def dev2_run(both_corpora_store, dev2_questions_path):
    system = NgoaidSystem(both_corpora_store, Answerer(both_corpora_store))
    results = run_questions(system, load_questions(dev2_questions_path), progress=False)
    return {r.id: r for r in results}, summarize(results)


def test_no_question_raises(dev2_run):
    results, summary = dev2_run
    assert summary["overall"]["errors"] == 0, {r.id: r.error for r in results.values() if r.error}


def test_dev2_scores_do_not_fall(dev2_run):
    results, summary = dev2_run
    overall = summary["overall"]
    failed = {r.id: r.answer[:120] for r in results.values() if not r.answer_correct}
    assert overall["answer_accuracy"] >= ANSWER_ACCURACY_FLOOR, failed
    assert overall["citation_accuracy"] >= CITATION_ACCURACY_FLOOR
    # every number of every answer is in a sentence it cites
    assert overall["grounded"] == 1.0, [r.id for r in results.values() if r.grounded is False]
    assert overall["hit_at_5"] >= HIT_AT_5_FLOOR
    assert overall["mrr"] >= MRR_FLOOR
    # evidence no passage holds whole cannot be scored for retrieval, so any would flatter hit@5 and MRR
    assert summary["unlocatable_evidence"] == []


@pytest.mark.parametrize("kind", sorted(ANSWER_ACCURACY_FLOOR_BY_KIND))
def test_dev2_scores_by_kind_do_not_fall(dev2_run, kind):
    results, summary = dev2_run
    block = summary["by_kind"][kind]
    failed = {r.id: r.answer[:120] for r in results.values() if r.kind == kind and not r.answer_correct}
    assert block["answer_accuracy"] >= ANSWER_ACCURACY_FLOOR_BY_KIND[kind], failed


def test_abstentions_do_not_grow(dev2_run):
    _, summary = dev2_run
    assert summary["overall"]["false_abstentions"] <= FALSE_ABSTENTIONS_CEILING, summary["false_abstention_ids"]
    assert summary["overall"]["missed_abstentions"] <= MISSED_ABSTENTIONS_CEILING, summary["missed_abstention_ids"]


def test_abstention_figures_agree_with_the_answers(dev2_run):
    results, summary = dev2_run
    overall = summary["overall"]
    false = [r.id for r in results.values() if r.kind != "abstain" and r.abstained]
    missed = [r.id for r in results.values() if r.kind == "abstain" and not r.abstained and r.error is None]
    assert summary["false_abstention_ids"] == false and overall["false_abstentions"] == len(false)
    assert summary["missed_abstention_ids"] == missed and overall["missed_abstentions"] == len(missed)
    assert overall["answerable"] == 98
    assert sum(overall["outcomes"].values()) == overall["questions"] == 107
    assert overall["outcomes"]["correct"] == overall["counts"]["answer"][0]
    for r in results.values():
        if r.error is None:
            assert (r.outcome in (FALSE_ABSTENTION, MISSED_ABSTENTION)) == (r.abstained != (r.kind == "abstain"))


def test_scores_agree_with_a_hand_check(dev2_run):
    results, _ = dev2_run
    # pa01: the 109 organisations recognised for 2010, cited from the sentence that names them.
    r = results["pa01"]
    assert "109" in r.answer and r.outcome == CORRECT and r.citation_correct and r.grounded
    assert any("cho 109 tổ chức phi chính phủ nước ngoài" in c["sentence"] for c in r.citations)
    assert r.retrieval[0].rank == 1
    # pa02: two figures asked (organisations and the sum pledged); both stated, from one sentence.
    r = results["pa02"]
    assert "61" in r.answer and "157 triệu USD" in r.answer and r.answer_correct and r.citation_correct
    # An abstention on an abstain question is right and states no figure, so it is not scored for grounding.
    for r in results.values():
        if r.kind == "abstain" and r.abstained:
            assert r.outcome == CORRECT and r.grounded is None and r.citation_correct is None
