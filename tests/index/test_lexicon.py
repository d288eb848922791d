from __future__ import annotations

import sqlite3

from index.catalog import Catalog
from index.lexicon import Lexicon, gram_counts
from ingest.models import Document, Passage, Span

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


def _document(doc_id: str, texts: list[str], source: str | None = None) -> Document:
    passages = [Passage(f"{doc_id}-p{i}", doc_id, i, t, 0, len(t), [Span(0, len(t))]) for i, t in enumerate(texts)]
    text = "\n".join(texts)
    return Document(doc_id, f"{doc_id}.txt", source or f"{doc_id}.txt", "text", len(text), text, passages=passages)


def _stored(catalog: Catalog) -> dict[tuple[str, str], int]:
    with sqlite3.connect(catalog.path) as conn:
        return {(k, s): n for k, s, n in conn.execute("SELECT key, spelling, count FROM lexicon")}


def test_the_catalog_keeps_the_counts_per_document(tmp_path):
    """Counts go up with each document put and down with each removed, in the document's own
    transaction: the lexicon over them restores as one built from the same texts does."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    lexicon = Lexicon.over(catalog)
    catalog.put_document(_document("a", CORPUS_TEXTS[:2]), ["x", "x"])
    catalog.put_document(_document("b", CORPUS_TEXTS[2:]), ["x", "x"])
    assert _stored(catalog) == dict(gram_counts(CORPUS_TEXTS))
    for query in ("quang tri giai ngan bao nhieu nam 2023", "to chuc hoat dong tai Viet Nam", "Tinh Ha Giang co bao nhieu du an"):
        assert lexicon.restore(query) == Lexicon.from_texts(CORPUS_TEXTS).restore(query)
    assert len(lexicon) >= len(Lexicon.from_texts(CORPUS_TEXTS))

    catalog.put_document(_document("a2", ["Tỉnh Hòa Bình giải ngân."], source="a.txt"), ["x"], replaces=["a"])
    assert _stored(catalog) == dict(gram_counts([*CORPUS_TEXTS[2:], "Tỉnh Hòa Bình giải ngân."]))
    catalog.delete_documents(["a2", "b"])
    assert _stored(catalog) == {}  # no spelling outlives its last passage
    assert lexicon.restore("quang tri giai ngan") is None  # only the seeds are left: nothing to restore from


def test_a_catalog_from_before_the_lexicon_table_gets_it_filled(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    catalog.put_document(_document("a", CORPUS_TEXTS), ["x"] * len(CORPUS_TEXTS))
    with sqlite3.connect(path) as conn:  # as the catalog stood at version 1
        conn.execute("DROP TABLE lexicon")
        conn.execute("PRAGMA user_version = 1")
    again = Catalog(path)
    assert _stored(again) == dict(gram_counts(CORPUS_TEXTS))
    assert Lexicon.over(again).restore("quang tri giai ngan bao nhieu nam 2023") == "quảng trị giải ngân bao nhiêu năm 2023"
