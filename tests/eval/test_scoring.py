"""The scoring rules of eval.scoring, one rule per test (pure functions, no model)."""

from __future__ import annotations

import unicodedata

import pytest

from eval.questions import Evidence, GoldQuestion
from eval.scoring import (
    CORRECT,
    ERROR,
    FALSE_ABSTENTION,
    MISSED_ABSTENTION,
    OUTCOMES,
    WRONG,
    Cited,
    Unit,
    answer_is_correct,
    citation_is_correct,
    expected_ids,
    outcome,
    rank_evidence,
    ungrounded,
)

DOC = "tong-quan.md"


def question(kind: str, answer: str, value: float | None = None, evidence: tuple[Evidence, ...] = ()) -> GoldQuestion:
    if kind != "abstain" and not evidence:
        evidence = (Evidence(DOC, "một đoạn văn"),)
    return GoldQuestion(id="q", question="Câu hỏi?", answer=answer, kind=kind, answer_value=value, evidence=evidence)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- answer: numbers ------------------------------------------------------------------------------


def test_number_within_half_a_percent_is_correct():
    q = question("number", "228,7 triệu USD", 228_700_000)
    assert answer_is_correct(q, "Đạt 229,8 triệu USD.", abstained=False)  # +0.48 %
    assert answer_is_correct(q, "Đạt 227,6 triệu USD.", abstained=False)  # -0.48 %


def test_number_beyond_half_a_percent_is_wrong():
    q = question("number", "228,7 triệu USD", 228_700_000)
    assert not answer_is_correct(q, "Đạt 229,9 triệu USD.", abstained=False)  # +0.52 %
    assert not answer_is_correct(q, "Đạt 227,5 triệu USD.", abstained=False)  # -0.52 %


def test_number_in_vietnamese_format_is_read():
    q = question("number", "17.216.450,40 USD", 17_216_450.4)
    assert answer_is_correct(q, "Số vốn giải ngân là 17.216.450,40 USD.", abstained=False)


def test_number_in_english_format_is_read():
    q = question("number", "17.216.450,40 USD", 17_216_450.4)
    assert answer_is_correct(q, "Disbursement reached 17,216,450.40 USD.", abstained=False)


def test_a_different_number_is_wrong():
    q = question("number", "17.216.450,40 USD", 17_216_450.4)
    assert not answer_is_correct(q, "Số vốn giải ngân là 4,1 triệu USD.", abstained=False)


def test_vietnamese_scale_word_is_applied():
    q = question("number", "228,7 triệu USD", 228_700_000)
    assert answer_is_correct(q, "228,7 triệu USD", abstained=False)
    assert not answer_is_correct(q, "228,7 nghìn USD", abstained=False)


def test_english_scale_word_is_applied():
    q = question("number", "1,5 triệu USD", 1_500_000)
    assert answer_is_correct(q, "about 1.5 million USD", abstained=False)
    assert not answer_is_correct(q, "about 1.5 billion USD", abstained=False)


def test_the_bare_number_without_its_scale_is_wrong():
    q = question("number", "228,7 triệu USD", 228_700_000)
    assert not answer_is_correct(q, "Đạt 228,7 USD.", abstained=False)


def test_number_question_without_answer_value_takes_the_figure_of_the_gold_answer():
    q = question("number", "hơn 262 triệu USD", None)
    assert answer_is_correct(q, "Hơn 262 triệu USD.", abstained=False)
    assert not answer_is_correct(q, "Hơn 220 triệu USD.", abstained=False)


def test_derived_uses_the_gold_value():
    q = question("derived", "tăng 8,7 triệu USD", 8_700_000)
    assert answer_is_correct(q, "Tăng 8,7 triệu USD (228,7 - 220).", abstained=False)
    assert not answer_is_correct(q, "Tăng 9 triệu USD.", abstained=False)


# --- answer: multi --------------------------------------------------------------------------------

MULTI = "2019: hơn 262 triệu USD; 2020: 220 triệu USD"


def test_multi_with_every_figure_is_correct():
    q = question("multi", MULTI)
    assert answer_is_correct(q, "Năm 2019 đạt hơn 262 triệu USD, năm 2020 đạt 220 triệu USD.", abstained=False)


def test_multi_in_any_order_is_correct():
    q = question("multi", MULTI)
    assert answer_is_correct(q, "2020: 220 triệu USD; 2019: 262 triệu USD.", abstained=False)


def test_multi_with_one_figure_missing_is_wrong():
    q = question("multi", MULTI)
    assert not answer_is_correct(q, "Năm 2019 đạt hơn 262 triệu USD.", abstained=False)
    assert not answer_is_correct(q, "Năm 2020 đạt 220 triệu USD.", abstained=False)


def test_multi_labels_are_not_figures_to_state():
    # the years before ":" label the figures; an answer need not repeat them
    q = question("multi", MULTI)
    assert answer_is_correct(q, "Lần lượt hơn 262 triệu USD và 220 triệu USD.", abstained=False)


# --- answer: entities -----------------------------------------------------------------------------

DECREE = "Nghị định số 58/2022/NĐ-CP"


def test_entity_with_every_gold_word_is_correct():
    q = question("entity", DECREE)
    assert answer_is_correct(q, "Hoạt động được điều chỉnh bởi Nghị định số 58/2022/NĐ-CP ngày 31/8/2022.", False)


def test_entity_missing_a_gold_word_is_wrong():
    q = question("entity", DECREE)
    assert not answer_is_correct(q, "Nghị định số 93/2009/NĐ-CP.", abstained=False)


def test_entity_words_are_compared_after_case_folding():
    q = question("entity", DECREE)
    assert answer_is_correct(q, "theo NGHỊ ĐỊNH SỐ 58/2022/nđ-cp", abstained=False)


def test_entity_answer_in_nfd_matches_nfc_gold():
    q = question("entity", "Quảng Trị")
    assert nfd("Tỉnh Quảng Trị") != "Tỉnh Quảng Trị"
    assert answer_is_correct(q, nfd("Tỉnh Quảng Trị."), abstained=False)


def test_entity_gold_in_nfd_matches_nfc_answer():
    q = question("entity", nfd("Quảng Trị"))
    assert answer_is_correct(q, "Tỉnh Quảng Trị.", abstained=False)


def test_entity_tone_marks_still_matter():
    q = question("entity", "Quảng Trị")
    assert not answer_is_correct(q, "Quang Tri", abstained=False)


# --- answer: abstention ---------------------------------------------------------------------------


def test_abstain_question_that_abstains_is_correct():
    q = question("abstain", "NOT_IN_CORPUS")
    assert answer_is_correct(q, "Tài liệu không nêu thông tin này.", abstained=True)


def test_abstain_question_that_answers_is_wrong():
    q = question("abstain", "NOT_IN_CORPUS")
    assert not answer_is_correct(q, "Tài liệu không nêu thông tin này.", abstained=False)


def test_number_question_that_abstains_is_wrong_even_with_the_figure():
    q = question("number", "228,7 triệu USD", 228_700_000)
    assert not answer_is_correct(q, "Có thể là 228,7 triệu USD, nhưng tài liệu không nói rõ.", abstained=True)


def test_entity_question_that_abstains_is_wrong_even_with_the_words():
    q = question("entity", DECREE)
    assert not answer_is_correct(q, "Nghị định số 58/2022/NĐ-CP?", abstained=True)


# --- outcome --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["number", "entity", "multi", "derived"])
def test_an_answerable_question_that_abstains_is_a_false_abstention(kind):
    assert outcome(kind, abstained=True, answer_correct=False) == FALSE_ABSTENTION


def test_an_answerable_question_answered_wrongly_is_a_wrong_answer_not_an_abstention():
    assert outcome("number", abstained=False, answer_correct=False) == WRONG


def test_an_abstain_question_that_gets_an_answer_is_a_missed_abstention():
    assert outcome("abstain", abstained=False, answer_correct=False) == MISSED_ABSTENTION


def test_right_answers_and_right_abstentions_are_correct():
    assert outcome("entity", abstained=False, answer_correct=True) == CORRECT
    assert outcome("abstain", abstained=True, answer_correct=True) == CORRECT


@pytest.mark.parametrize("kind", ["number", "abstain"])
def test_an_error_is_neither_an_answer_nor_an_abstention(kind):
    assert outcome(kind, abstained=False, answer_correct=False, error="UnboundLocalError: x") == ERROR


def test_outcomes_follow_the_answer_check():
    """Every outcome but an error agrees with answer_is_correct: correct exactly when the answer is."""
    cases = [(question("number", "228,7 triệu USD", 228_700_000), "Đạt 228,7 triệu USD.")]
    cases += [(question("abstain", "NOT_IN_CORPUS"), "Đạt 228,7 triệu USD.")]
    for q, text in cases:
        for abstained in (False, True):
            correct = answer_is_correct(q, text, abstained)
            got = outcome(q.kind, abstained, correct)
            assert got in OUTCOMES and (got == CORRECT) == correct


# --- citation -------------------------------------------------------------------------------------

EV_2019 = Evidence(DOC, "năm 2019 đạt hơn 262 triệu USD")
EV_2020 = Evidence(DOC, "Giá trị giải ngân cả năm là 220 triệu USD")


def test_citation_whose_sentence_contains_the_evidence_is_correct():
    q = question("number", "hơn 262 triệu USD", 262e6, (EV_2019,))
    cited = [Cited(DOC, "Giải ngân của các tổ chức này trong năm 2019 đạt hơn 262 triệu USD.")]
    assert citation_is_correct(q, cited) is True


def test_citation_whose_sentence_is_part_of_the_evidence_is_correct():
    evidence = Evidence(DOC, "Năm 2019 đạt hơn 262 triệu USD. Năm 2020 đạt 220 triệu USD.")
    q = question("number", "220 triệu USD", 220e6, (evidence,))
    assert citation_is_correct(q, [Cited(DOC, "Năm 2020 đạt 220 triệu USD.")]) is True


def test_citation_ignores_case_and_unicode_form():
    q = question("number", "hơn 262 triệu USD", 262e6, (EV_2019,))
    assert citation_is_correct(q, [Cited(DOC, nfd("NĂM 2019 ĐẠT HƠN 262 TRIỆU USD"))]) is True


def test_evidence_across_a_sentence_boundary_is_held_by_the_two_cited_sentences():
    evidence = Evidence(DOC, "262 triệu USD cho 2019. Chương trình triển khai ở 6 xã")
    q = question("multi", MULTI, None, (evidence,))
    first, second = Cited(DOC, "Giải ngân đạt 262 triệu USD cho 2019."), Cited(DOC, "Chương trình triển khai ở 6 xã.")
    assert citation_is_correct(q, [second, first]) is True
    assert citation_is_correct(q, [first]) is False
    assert citation_is_correct(q, [first, Cited("khac.txt", second.sentence)]) is False


def test_citation_of_the_right_sentence_in_another_document_is_wrong():
    q = question("number", "hơn 262 triệu USD", 262e6, (EV_2019,))
    assert citation_is_correct(q, [Cited("khac.txt", "Năm 2019 đạt hơn 262 triệu USD.")]) is False


def test_citation_of_an_unrelated_sentence_is_wrong():
    q = question("number", "hơn 262 triệu USD", 262e6, (EV_2019,))
    assert citation_is_correct(q, [Cited(DOC, "Năm 2020 đạt 220 triệu USD.")]) is False


def test_empty_cited_sentence_holds_no_evidence():
    q = question("number", "hơn 262 triệu USD", 262e6, (EV_2019,))
    assert citation_is_correct(q, [Cited(DOC, "  ")]) is False


def test_citation_needs_every_evidence_item():
    q = question("multi", MULTI, None, (EV_2019, EV_2020))
    first = Cited(DOC, "Năm 2019 đạt hơn 262 triệu USD.")
    second = Cited(DOC, "Giá trị giải ngân cả năm là 220 triệu USD.")
    assert citation_is_correct(q, [first]) is False
    assert citation_is_correct(q, [first, second]) is True


def test_no_citation_for_a_question_with_evidence_is_wrong():
    q = question("number", "hơn 262 triệu USD", 262e6, (EV_2019,))
    assert citation_is_correct(q, []) is False


def test_citation_is_not_scored_without_evidence():
    q = question("abstain", "NOT_IN_CORPUS")
    assert citation_is_correct(q, [Cited(DOC, "Năm 2019 đạt hơn 262 triệu USD.")]) is None


# --- grounded -------------------------------------------------------------------------------------

SOURCE = [Cited(DOC, "Năm 2023 giá trị viện trợ đạt 228,7 triệu USD, năm 2022 là 220 triệu USD.")]


def test_numbers_in_a_cited_sentence_are_grounded():
    assert ungrounded("Đạt 228,7 triệu USD.", "Giá trị viện trợ?", SOURCE) == []


def test_a_number_in_no_cited_sentence_is_ungrounded():
    assert ungrounded("Đạt 230,5 triệu USD.", "Giá trị viện trợ?", SOURCE) == ["230,5"]


def test_numbers_must_match_as_written():
    assert ungrounded("Đạt 228.7 triệu USD.", "Giá trị viện trợ?", SOURCE) == ["228.7"]


def test_numbers_from_the_question_are_allowed():
    answer = "Năm 2021 chưa có số liệu; năm 2023 đạt 228,7 triệu USD."
    assert ungrounded(answer, "Còn năm 2021 thì sao?", SOURCE) == []
    assert ungrounded(answer, "Còn năm trước thì sao?", SOURCE) == ["2021"]


def test_numbers_from_the_calculation_are_allowed():
    answer = "Tăng 8,7 triệu USD."
    assert ungrounded(answer, "Tăng bao nhiêu?", SOURCE, calculation="228,7 - 220 = 8,7") == []
    assert ungrounded(answer, "Tăng bao nhiêu?", SOURCE) == ["8,7"]


def test_numbers_without_citations_are_ungrounded():
    assert ungrounded("Đạt 228,7 triệu USD.", "Giá trị viện trợ?", []) == ["228,7"]


# --- expected units and retrieval ranks -----------------------------------------------------------

FIRST = "Năm 2019 giá trị giải ngân đạt hơn 262 triệu USD."
SECOND = "Năm 2020 giá trị giải ngân đạt gần 220 triệu USD."


def test_units_holding_the_whole_evidence_are_expected():
    evidence = Evidence(DOC, "đạt hơn 262 triệu USD")
    units = [
        Unit("a", DOC, "Mở đầu. " + FIRST),
        Unit("b", DOC, SECOND),
        Unit("c", DOC, FIRST + " " + SECOND),  # overlapping passages both hold it
    ]
    assert expected_ids(evidence, units) == ["a", "c"]


def test_units_are_matched_ignoring_case_and_unicode_form():
    evidence = Evidence(DOC, "ĐẠT HƠN 262 TRIỆU USD")
    assert expected_ids(evidence, [Unit("a", DOC, nfd(FIRST))]) == ["a"]


def test_units_of_other_documents_are_ignored():
    evidence = Evidence(DOC, FIRST)
    units = [Unit("other", "khac.txt", FIRST), Unit("mine", DOC, "Mở đầu. " + FIRST)]
    assert expected_ids(evidence, units) == ["mine"]


def test_evidence_split_evenly_across_two_units_is_found_by_halves():
    assert len(FIRST) == len(SECOND)  # the boundary falls in the middle of the evidence
    evidence = Evidence(DOC, FIRST + " " + SECOND)
    units = [
        Unit("a", DOC, "Tổng quan. " + FIRST),
        Unit("b", DOC, SECOND + " Kết luận."),
        Unit("c", DOC, "Không liên quan."),
        Unit("d", "khac.txt", FIRST + " " + SECOND),
    ]
    assert expected_ids(evidence, units) == ["a", "b"]


def test_evidence_split_unevenly_across_two_units_finds_both_units():
    short = "Năm 2019 đạt 262 triệu USD."
    evidence = Evidence(DOC, short + " " + SECOND + " Lĩnh vực y tế đạt trên 51 triệu USD.")
    units = [
        Unit("a", DOC, "Tổng quan. " + short),
        Unit("b", DOC, SECOND + " Lĩnh vực y tế đạt trên 51 triệu USD. Kết luận."),
    ]
    assert expected_ids(evidence, units) == ["a", "b"]


UNITS = [Unit(f"u{i}", DOC, f"Đoạn số {i} không liên quan.") for i in range(1, 13)] + [Unit("gold", DOC, FIRST)]
EVIDENCE = Evidence(DOC, "đạt hơn 262 triệu USD")


def retrieved_with_gold_at(rank: int) -> list[str]:
    others = [u.id for u in UNITS if u.id != "gold"]
    return others[: rank - 1] + ["gold"] + others[rank - 1 :]


def test_evidence_retrieved_first():
    r = rank_evidence(EVIDENCE, UNITS, retrieved_with_gold_at(1))
    assert (r.rank, r.hit_at_1, r.hit_at_5, r.reciprocal_rank, r.locatable) == (1, 1.0, 1.0, 1.0, True)


def test_evidence_retrieved_third():
    r = rank_evidence(EVIDENCE, UNITS, retrieved_with_gold_at(3))
    assert (r.rank, r.hit_at_1, r.hit_at_5, r.locatable) == (3, 0.0, 1.0, True)
    assert r.reciprocal_rank == pytest.approx(1 / 3)


def test_evidence_retrieved_seventh_misses_hit_at_5():
    r = rank_evidence(EVIDENCE, UNITS, retrieved_with_gold_at(7))
    assert (r.rank, r.hit_at_1, r.hit_at_5) == (7, 0.0, 0.0)
    assert r.reciprocal_rank == pytest.approx(1 / 7)


def test_evidence_beyond_the_top_10_counts_as_not_retrieved():
    r = rank_evidence(EVIDENCE, UNITS, retrieved_with_gold_at(11))
    assert (r.rank, r.hit_at_1, r.hit_at_5, r.reciprocal_rank, r.locatable) == (None, 0.0, 0.0, 0.0, True)


def test_evidence_not_retrieved_has_no_rank_and_zero_scores():
    r = rank_evidence(EVIDENCE, UNITS, ["u1", "u2", "u3"])
    assert (r.rank, r.hit_at_1, r.hit_at_5, r.reciprocal_rank, r.locatable) == (None, 0.0, 0.0, 0.0, True)


def test_nothing_retrieved_has_no_rank_and_zero_scores():
    r = rank_evidence(EVIDENCE, UNITS, [])
    assert (r.rank, r.hit_at_1, r.hit_at_5, r.reciprocal_rank, r.locatable) == (None, 0.0, 0.0, 0.0, True)


def test_evidence_no_unit_holds_is_not_locatable():
    r = rank_evidence(Evidence("sai-ten.txt", "đạt hơn 262 triệu USD"), UNITS, retrieved_with_gold_at(1))
    assert (r.rank, r.hit_at_1, r.hit_at_5, r.reciprocal_rank, r.locatable) == (None, 0.0, 0.0, 0.0, False)


def test_rank_keeps_the_evidence_it_scored():
    r = rank_evidence(EVIDENCE, UNITS, retrieved_with_gold_at(2))
    assert (r.doc, r.text) == (EVIDENCE.doc, EVIDENCE.text)


def test_digits_of_a_cited_document_name_are_not_ungrounded_figures():
    cited = [Cited("000_3e8bb5ddf6e4ca61.txt", "Ước tính năm 2024 tổng giá trị giải ngân đạt khoảng 230 triệu USD")]
    answer = "000_3e8bb5ddf6e4ca61.txt: khoảng 230 triệu USD (năm 2024)."
    assert ungrounded(answer, "Viện trợ năm 2024?", cited) == []
    assert ungrounded(answer + " Năm 2023: 17 dự án.", "Viện trợ năm 2024?", cited) == ["2023", "17"]
