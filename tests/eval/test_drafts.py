"""Drafts sets and the checks on each draft: they pass a good draft and catch each kind of fault."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.drafting import Draft, DraftFigure
from assistant.models import Citation, FactRef
from eval.drafts import DraftCase, check_draft, is_drafts_set, load_drafts
from tests.helpers import DEV_QUESTIONS, invoke_cli

DRAFTS_SET = Path(__file__).resolve().parents[2] / "eval" / "sets" / "drafts.jsonl"
SENTENCE = "Năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn giải ngân đạt 17.216.450,40 USD."


def figure(number: int, text: str, value: float, unit: str, subject: str = "Quảng Trị") -> DraftFigure:
    fact = FactRef(value, unit, None, text, subject, "2023", "qt.txt", None)
    citation = Citation("qt.txt", "d", "p", SENTENCE, 0, len(SENTENCE))
    return DraftFigure(number, f"Năm 2023, {subject} có {text}. [{number}]", fact, citation)


GOOD = Draft(
    topic="công tác viện trợ PCPNN", province="Quảng Trị", years=None, title="t", opening="o",
    results=["Năm 2023, trên địa bàn tỉnh Quảng Trị triển khai 94 chương trình, dự án [1], với giá trị giải ngân đạt 17.216.450,40 USD [2]."],
    figures=[figure(1, "94 chương trình, dự án", 94, "projects"), figure(2, "17.216.450,40 USD", 17216450.4, "USD")],
)  # fmt: skip
CASE = DraftCase("quang-tri", "công tác viện trợ PCPNN", "Quảng Trị", expect=("17.216.450,40 USD",))


def test_a_good_draft_passes():
    check = check_draft(CASE, GOOD)
    assert check.passed, check


def test_each_fault_is_caught():
    missing = check_draft(replace(CASE, expect=("15.211.724 USD",)), GOOD)
    assert missing.headline is False and not missing.passed
    dangling = replace(GOOD, results=[GOOD.results[0].replace("[2]", "[7]")])
    assert not check_draft(CASE, dangling).cited
    other_place = replace(GOOD, figures=[GOOD.figures[0], replace(GOOD.figures[1], fact=replace(GOOD.figures[1].fact, subject="Hà Tĩnh"))])
    assert not check_draft(CASE, other_place).in_scope
    invented = replace(GOOD, figures=[GOOD.figures[0], replace(GOOD.figures[1], statement="Năm 2023, Quảng Trị có 99 dự án. [2]")])
    assert not check_draft(CASE, invented).grounded
    cut = replace(GOOD, figures=[*GOOD.figures, figure(3, "12", 12, "organizations")])
    cut.figures[2] = replace(cut.figures[2], statement="Năm 2019, Hà Tĩnh có 12. [3]")
    assert check_draft(CASE, cut).fragments == ["Năm 2019, Hà Tĩnh có 12."]
    no_results = replace(GOOD, results=[])
    assert check_draft(replace(CASE, expect=()), no_results, has_headlines=False).headline is None
    assert check_draft(replace(CASE, expect=()), no_results, has_headlines=True).headline is False


def test_the_drafts_set_is_told_from_a_question_set():
    cases = load_drafts(DRAFTS_SET)
    assert len(cases) >= 20 and cases[0].province is None  # the national picture first
    assert is_drafts_set(DRAFTS_SET) and not is_drafts_set(DEV_QUESTIONS)


def test_a_request_without_a_topic_is_refused(tmp_path):
    bad = tmp_path / "drafts.jsonl"
    bad.write_text(json.dumps({"id": "x", "topic": ""}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_drafts(bad)


@pytest.mark.slow
def test_every_draft_of_the_set_passes_on_both_corpora(both_corpora_store):
    done = invoke_cli("eval", str(DRAFTS_SET), "--json", "--data-dir", str(both_corpora_store.data_dir))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    checks = json.loads(done.stdout)
    assert len(checks) == len(load_drafts(DRAFTS_SET)) and all(c["passed"] for c in checks)
    headlined = {c["id"] for c in checks if c["headline"]}
    assert {"ca-nuoc", "quang-tri"} <= headlined and len(headlined) >= 12
