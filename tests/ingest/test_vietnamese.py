from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ingest.vietnamese import comparable, fold, has_diacritics, normalize_text, place_tone

TONES = set("\u0300\u0301\u0303\u0309\u0323")


def test_tone_goes_where_the_common_convention_puts_it():
    cases = {
        "hoà": "hòa", "Hoà": "Hòa", "HOÀ": "HÒA", "thuý": "thúy", "khoẻ": "khỏe", "Thuỷ": "Thủy",
        "hoàn": "hoàn", "huỳnh": "huỳnh", "quý": "quý", "giữ": "giữ", "gìn": "gìn", "già": "già",
        "ngoài": "ngoài", "khuỷu": "khuỷu", "thuở": "thuở", "nuớc": "nước", "NUỚC": "NƯỚC",
    }  # fmt: skip
    for word, expected in cases.items():
        assert place_tone(word) == expected, word


def test_words_without_exactly_one_tone_are_left_alone():
    for word in ("hoa", "dàì", "résumé", "café", "PCPNN", "Việt"):
        assert place_tone(word) in (word, unicodedata.normalize("NFC", word))


def test_agrees_with_underthesea_normalisation_table():
    from underthesea.pipeline.text_normalize.text_normalizer import token_map

    def tone_count(s: str) -> int:
        return sum(c in TONES for c in unicodedata.normalize("NFD", s))

    pairs = [
        (unicodedata.normalize("NFC", k), v)
        for k, v in token_map.items()
        if len(k) == len(v) and fold(k).lower() == fold(v).lower() and tone_count(k) == tone_count(v) == 1
    ]
    assert len(pairs) > 1000
    agree = sum(place_tone(k) == v for k, v in pairs)
    assert agree / len(pairs) >= 0.99


def test_normalize_text():
    nfd = unicodedata.normalize("NFD", "Quảng Trị")
    assert normalize_text(nfd) == "Quảng Trị"
    assert normalize_text("a\r\nb\rc") == "a\nb\nc"
    assert normalize_text("Hoà\u200b Bình\ufeff") == "Hòa Bình"
    assert normalize_text("\u00d0à Nẵng") == "Đà Nẵng"
    assert normalize_text("  giải   ngân\t 17.216.450,40 USD  ") == "giải ngân 17.216.450,40 USD"


def test_fold():
    assert fold("Quảng Trị đạt 17,2 triệu USD") == "Quang Tri dat 17,2 trieu USD"
    assert fold("ĐỒNG NAI") == "DONG NAI"
    assert has_diacritics("Hà Nội") and not has_diacritics("Ha Noi")


def test_comparable_ignores_case_spacing_and_tone_convention():
    assert comparable("Tỉnh  Hoà Bình\n") == comparable("tỉnh hòa bình")


@given(st.text(max_size=200))
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text(max_size=200))
def test_fold_keeps_the_length_of_nfc_text(text):
    nfc = unicodedata.normalize("NFC", text)
    assert len(fold(nfc)) == len(nfc)


@given(st.text(alphabet="aăâeêioôơuưyqghnktrcdđàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ", max_size=8))
def test_place_tone_never_changes_the_letters(word):
    assert fold(place_tone(word)) == fold(word)
