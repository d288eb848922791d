"""ingest/glossary.py: one concept whatever the wording (Vietnamese, acronym, English, no diacritics)."""

from __future__ import annotations

import pytest

from vntext.glossary import concepts_in, find_concepts, with_short_names


@pytest.mark.parametrize(
    "text",
    [
        "PCPNN",
        "các tổ chức PCPNN",
        "phi chính phủ nước ngoài",
        "tổ chức phi chính phủ nước ngoài",
        "PHI CHÍNH PHỦ NƯỚC NGOÀI",
        "phi chinh phu nuoc ngoai",
        "foreign NGOs",
        "Foreign NGO",
        "foreign NGOs operating in Vietnam",
        "TCPCPNN",
    ],
)
def test_foreign_ngo_wordings_share_one_concept(text):
    assert "pcpnn" in concepts_in(text)


def test_pcpnn_wordings_map_to_the_same_single_concept():
    wordings = ["PCPNN", "phi chính phủ nước ngoài", "foreign NGOs"]
    concept_sets = [set(concepts_in(w)) for w in wordings]
    assert concept_sets == [{"pcpnn"}] * 3
    # the longer term wins: "phi chính phủ nước ngoài" is not also the generic NGO concept
    assert "ngo" not in concepts_in("phi chính phủ nước ngoài")
    assert concepts_in("tổ chức phi chính phủ") == ["organisation", "ngo"]


@pytest.mark.parametrize(
    "text",
    ["giai ngan", "Giải ngân", "GIẢI NGÂN", "giải ngân", "disbursed", "DISBURSED", "disbursement", "disburse"],
)
def test_disbursement_wordings(text):
    assert concepts_in(text) == ["disbursed"]


def test_questions_with_and_without_diacritics_agree():
    with_marks = concepts_in("Quảng Trị giải ngân bao nhiêu năm 2023?")
    without = concepts_in("quang tri giai ngan bao nhieu nam 2023?")
    assert with_marks == without
    assert "disbursed" in with_marks and "how_many" in with_marks
    english = concepts_in("How much was disbursed by foreign NGOs?")
    assert {"disbursed", "pcpnn", "how_many"} <= set(english)


def test_concepts_in_order_of_first_mention_each_once():
    text = "giải ngân của các tổ chức PCPNN; PCPNN giải ngân"
    assert concepts_in(text) == ["disbursed", "organisation", "pcpnn"]


def test_mentions_have_exact_offsets():
    text = "Liên hiệp các tổ chức hữu nghị Việt Nam (VUFO) giải ngân 2,8 triệu USD"
    mentions = find_concepts(text)
    assert [(text[m.start : m.end], m.concept) for m in mentions] == [
        ("Liên hiệp các tổ chức hữu nghị Việt Nam", "vufo"),
        ("VUFO", "vufo"),
        ("giải ngân", "disbursed"),
        ("triệu", "million"),
        ("USD", "usd"),
    ]


def test_terms_only_match_whole_words():
    assert concepts_in("PCPNNvới") == []  # glued to the next word (a typo in the corpus)
    assert "disbursed" not in concepts_in("giai")
    assert concepts_in("") == []
    assert concepts_in("xyz 123") == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Theo báo cáo tại Hội nghị", "disaster"),
        ("bảo vệ môi trường", "disaster"),
        ("công ty", "billion"),
        ("ngân sách nhà nước", "thousand"),
        ("tặng quà", "increase"),
    ],
)
def test_words_written_with_other_diacritics_are_not_concepts(text, wrong):
    assert wrong not in concepts_in(text)


def test_viet_nam_written_in_two_words_is_the_same_body():
    assert concepts_in("the Viet Nam Union of Friendship Organizations") == ["vufo"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("part of the Viet Nam Union of Friendship Organizations", "part of the Viet Nam Union of Friendship Organizations (VUFO)"),
        ("Phó Trưởng Ban Điều phối viện trợ nhân dân", "Phó Trưởng Ban Điều phối viện trợ nhân dân (PACCOM)"),
        ("Ban Điều phối viện trợ nhân dân (PACCOM)", "Ban Điều phối viện trợ nhân dân (PACCOM)"),  # already given
        ("Liên hiệp các tổ chức hữu nghị tỉnh Bến Tre", "Liên hiệp các tổ chức hữu nghị tỉnh Bến Tre"),  # a province's union has none
        ("VUFO", "VUFO"),
    ],
)
def test_a_body_named_in_full_gets_its_acronym_once(text, expected):
    assert with_short_names(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Lien hiep cac to chuc huu nghi Viet Nam", "Lien hiep cac to chuc huu nghi Vietnam", "Liên hiệp các tổ chức hữu nghị Việt Nam"],
)
def test_a_name_holding_viet_nam_is_found_however_viet_nam_is_spelled(text):
    assert concepts_in(text) == ["vufo"]
