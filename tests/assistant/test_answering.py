"""The deterministic answerer on the shared corpus: figures exact, citations right, honest abstention."""

from __future__ import annotations

import re

import pytest

from assistant.answering import Answerer, QuestionError
from eval.questions import load_questions
from eval.scoring import Cited, answer_is_correct, citation_is_correct, ungrounded
from vntext.vietnamese import fold
from tests.helpers import DEV_QUESTIONS

pytestmark = pytest.mark.slow
QUESTIONS = load_questions(DEV_QUESTIONS) if DEV_QUESTIONS.is_file() else []


@pytest.fixture(scope="module")
def answerer(corpus_store):
    return Answerer(corpus_store)


def assert_grounded(answer, question: str) -> None:
    cited = [Cited(c.doc, c.sentence) for c in answer.citations]
    assert ungrounded(answer.answer, question, cited, answer.calculation) == []


@pytest.mark.parametrize("typed", ["as written", "without diacritics"])
@pytest.mark.parametrize("q", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_dev_questions(answerer, dev_questions_path, q, typed):
    asked = q.question if typed == "as written" else fold(q.question)
    answer = answerer.ask(asked)
    if q.kind == "abstain":
        assert answer.abstained, answer.answer
        assert answer.citations == [] and answer.facts == []
        return
    assert not answer.abstained, answer.answer
    assert answer_is_correct(q, answer.answer, answer.abstained), answer.answer
    cited = [Cited(c.doc, c.sentence) for c in answer.citations]
    assert citation_is_correct(q, cited), f"no citation holds: {[e.text for e in q.evidence]}"
    assert_grounded(answer, asked)


def test_citations_point_at_the_sentence(answerer, corpus_store):
    answer = answerer.ask("Quảng Trị giải ngân bao nhiêu năm 2023?")
    for c in answer.citations:
        text = corpus_store.catalog.document_text(c.doc_id)
        assert text[c.start : c.end] == c.sentence
        assert c.passage_id in {p.passage_id for p in corpus_store.catalog.passages_of(c.doc_id)}
    assert answer.facts[0].text == "17.216.450,40 USD" and answer.facts[0].period == "2023"


def test_the_qualifier_stays_with_the_figure(answerer):
    answer = answerer.ask("Năm 2019 giá trị viện trợ giải ngân đạt bao nhiêu?")
    assert "hơn 262 triệu USD" in answer.answer


def test_abstention_names_what_the_documents_cover(answerer):
    answer = answerer.ask("Hòa Bình giải ngân bao nhiêu vốn viện trợ PCPNN năm 2019?")
    assert answer.abstained
    assert "không có" in answer.answer and "2020" in answer.answer
    english = answerer.ask("How much did Quang Tri disburse in 2021?")
    assert english.abstained and english.answer.startswith("The documents do not")


def test_province_never_mentioned(answerer):
    answer = answerer.ask("Tỉnh Kon Tum vận động được bao nhiêu dự án PCPNN năm 2023?")
    assert answer.abstained and "Kon Tum" in answer.answer


def test_calculation_the_user_asks_for(answerer):
    answer = answerer.ask("Giá trị viện trợ PCPNN cho Việt Nam năm 2022 là bao nhiêu nếu năm 2023 tăng 4,9 triệu USD so với năm 2022?")
    assert not answer.abstained
    assert answer.calculation == "228,7 triệu USD − 4,9 triệu USD = 223,8 triệu USD"
    assert "223,8 triệu USD" in answer.answer
    assert any("228,7 triệu USD" in c.sentence for c in answer.citations)
    assert_grounded(answer, answer.question)


def test_a_figure_only_given_as_a_change_is_computed_and_shown(answerer):
    answer = answerer.ask("Giá trị viện trợ của các tổ chức PCPNN cho Việt Nam năm 2022 là bao nhiêu?")
    assert not answer.abstained
    assert answer.calculation == "228,7 triệu USD − 4,9 triệu USD = 223,8 triệu USD"
    assert any("so với năm 2022" in c.sentence for c in answer.citations)


def test_comparison_cites_each_period(answerer):
    answer = answerer.ask("So sánh giá trị giải ngân viện trợ PCPNN toàn quốc năm 2019 và năm 2020")
    # each side is labelled with its period and the measure the figure is of
    assert re.search(r"2019: [^;]*hơn 262 triệu USD;", answer.answer), answer.answer
    assert re.search(r"2020: [^;.]*220 triệu USD", answer.answer), answer.answer
    assert len({c.doc for c in answer.citations}) == 2
    assert_grounded(answer, answer.question)


def test_english_question_gets_an_english_answer_with_the_source_figure(answerer):
    answer = answerer.ask("How much did Quang Tri disburse in 2023?")
    assert answer.language == "en" and answer.answer.startswith("In 2023")
    assert "17.216.450,40 USD" in answer.answer


def test_two_figures_asked_together(answerer):
    answer = answerer.ask("Năm 2020 có bao nhiêu tổ chức PCPNN của bao nhiêu quốc gia hoạt động tại Việt Nam?")
    assert "500 tổ chức" in answer.answer and "33 quốc gia" in answer.answer
    assert len(answer.facts) == 2


def test_entity_questions(answerer):
    answer = answerer.ask("Nghị định nào quy định về đăng ký và quản lý hoạt động của các tổ chức PCPNN tại Việt Nam?")
    assert answer.answer.startswith("Nghị định số 58/2022/NĐ-CP")
    plan = answerer.ask("Lạng Sơn ban hành kế hoạch số mấy về vận động viện trợ PCPNN?")
    assert "145/KH-BCTPCPNN" in plan.answer


def test_bad_questions(answerer):
    with pytest.raises(QuestionError, match="empty"):
        answerer.ask("   ")
    with pytest.raises(QuestionError, match="limit"):
        answerer.ask("Quảng Trị " * 500)


def test_no_number_leaves_without_a_source(answerer, monkeypatch):
    import assistant.phrasing as phrasing

    monkeypatch.setattr(phrasing, "statement_vi", lambda fact: f"Con số là 99.999 và {fact.text}.")
    answer = answerer.ask("Quảng Trị giải ngân bao nhiêu năm 2023?")
    assert "99.999" not in answer.answer
    assert answer.notes and "99.999" in answer.notes[0]
    assert_grounded(answer, answer.question)


def test_json_contract(answerer):
    data = answerer.ask("quang tri giai ngan bao nhieu nam 2023").as_dict()
    assert {"question", "answer", "abstained", "citations", "facts", "timings_ms"} <= set(data)
    assert set(data["citations"][0]) == {"doc", "doc_id", "passage_id", "sentence", "start", "end"}
    assert {"value", "unit", "qualifier", "text", "subject", "period", "doc"} <= set(data["facts"][0])
    assert data["interpreted"] == "quảng trị giải ngân bao nhiêu năm 2023"
    assert data["timings_ms"]["total"] > 0


def test_a_period_that_only_overlaps_is_not_an_answer(answerer):
    # the documents give Quảng Trị's disbursement for 2023 and for 16/11/2023-15/12/2024, not for 2024
    answer = answerer.ask("Quảng Trị giải ngân bao nhiêu vốn PCPNN năm 2024?")
    assert answer.abstained, answer.answer
    assert "16/11/2023-15/12/2024" in answer.answer
