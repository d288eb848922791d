from __future__ import annotations

from index.lexicon import Lexicon

CORPUS_TEXTS = [
    "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án với số vốn giải ngân đạt 17 triệu USD.",
    "Năm 2020 giá trị giải ngân đạt 220 triệu USD; năm 2019 giá trị giải ngân đạt hơn 262 triệu USD.",
    "Năm 2023 có 381 tổ chức phi chính phủ nước ngoài hoạt động tại Việt Nam.",
    "Tỉnh Hòa Bình có 21 tổ chức đang viện trợ 53 chương trình dự án.",
]


def test_restores_diacritics_from_corpus_vocabulary():
    lexicon = Lexicon.from_texts(CORPUS_TEXTS)
    assert lexicon.restore("quang tri giai ngan bao nhieu nam 2023") == "quảng trị giải ngân bao nhiêu năm 2023"


def test_keeps_capitals_and_punctuation():
    lexicon = Lexicon.from_texts(CORPUS_TEXTS)
    assert lexicon.restore("Tinh Hoa Binh co bao nhieu to chuc?") == "Tỉnh Hòa Bình có bao nhiêu tổ chức?"


def test_pairs_decide_ambiguous_syllables():
    # "nam" alone is most often "năm" here, but next to "viet" it is "Nam"
    lexicon = Lexicon.from_texts(CORPUS_TEXTS)
    assert lexicon.restore("to chuc hoat dong tai Viet Nam") == "tổ chức hoạt động tại Việt Nam"
    assert lexicon.restore("nam 2019") == "năm 2019"


def test_place_names_are_known_even_when_absent_from_the_corpus():
    lexicon = Lexicon.from_texts(CORPUS_TEXTS)
    assert "Hà Giang" in lexicon.restore("Tinh Ha Giang co bao nhieu du an")


def test_leaves_alone_text_with_diacritics_english_and_empty():
    lexicon = Lexicon.from_texts(CORPUS_TEXTS)
    assert lexicon.restore("Quảng Trị giải ngân") is None
    assert lexicon.restore("How many foreign NGOs were operating in Vietnam in 2019?") is None
    assert lexicon.restore("") is None
    assert lexicon.restore("2019, 2020") is None


def test_save_load(tmp_path):
    lexicon = Lexicon.from_texts(CORPUS_TEXTS)
    lexicon.save(tmp_path / "lex.json")
    again = Lexicon.load(tmp_path / "lex.json")
    assert len(again) == len(lexicon)
    assert again.restore("quang tri") == lexicon.restore("quang tri")
