from __future__ import annotations

from ingest.glossary import concepts_in, find_concepts


def test_one_concept_whatever_the_wording():
    for text in ("các tổ chức PCPNN", "tổ chức phi chính phủ nước ngoài", "foreign NGOs operating", "TCPCPNN"):
        assert "pcpnn" in concepts_in(text), text


def test_matching_ignores_case_and_diacritics():
    assert "disbursed" in concepts_in("giai ngan bao nhieu")
    assert "disbursed" in concepts_in("How much was DISBURSED?")
    assert "committed" in concepts_in("tổng giá trị cam kết")


def test_longest_term_wins_and_offsets_are_exact():
    text = "Liên hiệp các tổ chức hữu nghị Việt Nam (VUFO)"
    mentions = find_concepts(text)
    assert [(text[m.start : m.end], m.concept) for m in mentions] == [
        ("Liên hiệp các tổ chức hữu nghị Việt Nam", "vufo"),
        ("VUFO", "vufo"),
    ]


def test_no_concepts_in_unrelated_text():
    assert concepts_in("") == []
    assert concepts_in("xyz 123") == []
