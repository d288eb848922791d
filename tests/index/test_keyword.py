from __future__ import annotations

from llama_index.core.schema import QueryBundle

from index.keyword import KeywordIndex, keyword_tokens


def test_numbers_stay_whole_tokens():
    tokens = keyword_tokens("giải ngân đạt 17.216.450,40 USD, tăng 2,3 triệu USD, chiếm 1/4 và 71%")
    for number in ("17.216.450,40", "2,3", "1/4", "71"):
        assert number in tokens
    assert "17" not in tokens and "216" not in tokens


def test_diacritics_are_folded_and_d_becomes_d():
    tokens = keyword_tokens("Đồng Nai, Quảng Trị giải ngân")
    assert {"dong", "nai", "quang", "tri", "giai", "ngan"} <= set(tokens)
    assert all(t == t.lower() and t.isascii() for t in tokens if not t.startswith("#"))
    assert set(keyword_tokens("dong nai")) <= set(tokens)


def test_compound_words_also_yield_their_syllables():
    tokens = keyword_tokens("Về phía tỉnh Quảng Trị, tỉnh có 94 chương trình")
    assert "quang_tri" in tokens and "chuong_trinh" in tokens
    assert {"quang", "tri", "chuong", "trinh"} <= set(tokens)


def test_one_letter_words_are_kept():
    tokens = keyword_tokens("Đ/c Nguyễn Minh Hằng ở Hà Nội")
    assert "o" in tokens  # "ở"
    assert "c" in tokens


def test_punctuation_is_dropped_and_concepts_added():
    tokens = keyword_tokens("PCPNN, (TCPCPNN).")
    assert "," not in tokens and "(" not in tokens
    assert "#pcpnn" in tokens
    assert "#pcpnn" in keyword_tokens("các tổ chức phi chính phủ nước ngoài")
    assert "#disbursed" in keyword_tokens("How much was disbursed?")


def test_empty_and_symbol_only_text_gives_no_tokens():
    assert keyword_tokens("") == []
    assert keyword_tokens(" .,;!? ") == []


def _index(texts: list[str]) -> KeywordIndex:
    return KeywordIndex.build([(f"p{i}", " ".join(keyword_tokens(t)), t) for i, t in enumerate(texts)], generation=7)


def _search(index: KeywordIndex, query: str) -> list[str]:
    retriever = index.retriever(10)
    results = retriever.retrieve(QueryBundle(" ".join(keyword_tokens(query))))
    return [r.node.node_id for r in results if r.score > 0]


TEXTS = [
    "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN với số vốn giải ngân đạt 17.216.450,40 USD.",
    "Năm 2020 có 500 tổ chức PCPNN của 33 quốc gia hoạt động tại Việt Nam.",
    "Bắc Kạn đã triển khai thực hiện 35 khoản viện trợ phi chính phủ nước ngoài.",
]


def test_folded_query_finds_diacritic_text():
    index = _index(TEXTS)
    assert _search(index, "quang tri giai ngan")[0] == "p0"
    assert _search(index, "bac kan khoan vien tro")[0] == "p2"


def test_exact_figure_query_finds_its_passage():
    assert _search(_index(TEXTS), "17.216.450,40")[0] == "p0"


def test_save_and_load_round_trip(tmp_path):
    index = _index(TEXTS)
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded is not None and loaded.generation == 7 and len(loaded) == 3
    assert _search(loaded, "quang tri giai ngan")[0] == "p0"
    assert loaded.lexicon.restore("quang tri") == "quảng trị"
    # saving again replaces the folder in one step and leaves no temporary folders behind
    index.save(tmp_path / "kw")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kw"]


def test_empty_index_and_unreadable_folder(tmp_path):
    empty = KeywordIndex.build([], generation=1)
    assert empty.retriever(5) is None and len(empty) == 0
    empty.save(tmp_path / "kw")
    assert KeywordIndex.load(tmp_path / "kw").retriever(5) is None
    assert KeywordIndex.load(tmp_path / "missing") is None
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "generation.json").write_text("{not json")
    assert KeywordIndex.load(tmp_path / "broken") is None


def test_query_with_only_unknown_words_finds_nothing():
    assert _search(_index(TEXTS), "zxqv blorf") == []


def test_index_built_with_another_glossary_is_rebuilt(tmp_path):
    """Concept tokens depend on the glossary: an index saved with another one is not loaded, so the
    store rebuilds it instead of matching new question concepts against old passage tokens."""
    import json

    _index(TEXTS).save(tmp_path / "kw")
    assert KeywordIndex.load(tmp_path / "kw") is not None
    meta_file = tmp_path / "kw" / "generation.json"
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "glossary": "another"}))
    assert KeywordIndex.load(tmp_path / "kw") is None
    del meta["glossary"]  # saved before the glossary was recorded
    meta_file.write_text(json.dumps(meta))
    assert KeywordIndex.load(tmp_path / "kw") is None
