from __future__ import annotations

import json
from pathlib import Path

from llama_index.core.schema import QueryBundle

from index.keyword import KeywordIndex, digest, keyword_tokens
from index.lexicon import Lexicon
from vntext.glossary import fingerprint


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


def _entries(texts: list[str], doc_id: str = "d") -> list[tuple[str, str, str]]:
    return [(doc_id, f"{doc_id}-p{i}", " ".join(keyword_tokens(t))) for i, t in enumerate(texts)]


def _index(folder: Path, texts: list[str]) -> KeywordIndex:
    return KeywordIndex.build(folder / "kw", _entries(texts), generation=7, lexicon=Lexicon.from_texts(texts))


def _search(index: KeywordIndex, query: str, top_k: int = 10) -> list[str]:
    retriever = index.retriever(top_k)
    results = retriever.retrieve(QueryBundle(" ".join(keyword_tokens(query))))
    return [r.node.node_id for r in results if r.score > 0]


TEXTS = [
    "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN với số vốn giải ngân đạt 17.216.450,40 USD.",
    "Năm 2020 có 500 tổ chức PCPNN của 33 quốc gia hoạt động tại Việt Nam.",
    "Bắc Kạn đã triển khai thực hiện 35 khoản viện trợ phi chính phủ nước ngoài.",
]


def test_folded_query_finds_diacritic_text(tmp_path):
    index = _index(tmp_path, TEXTS)
    assert _search(index, "quang tri giai ngan")[0] == "d-p0"
    assert _search(index, "bac kan khoan vien tro")[0] == "d-p2"


def test_tokens_stay_whole_in_the_index(tmp_path):
    """Figures, compounds, concepts and one-letter words are terms of their own: tantivy's
    default tokenizer would split "17.216.450,40" into "17", "216", ... and "giai_ngan" in two."""
    index = _index(tmp_path, TEXTS)
    assert _search(index, "17.216.450,40") == ["d-p0"]
    assert _search(index, "1/4 - (#)") == []  # punctuation is not query syntax
    retriever = index.retriever(10)
    for token, expected in (("giai_ngan", ["d-p0"]), ("#pcpnn", ["d-p0", "d-p1", "d-p2"]), ("17", [])):
        found = [r.node.node_id for r in retriever.retrieve(QueryBundle(token))]
        assert sorted(found) == expected, token


def test_open_again_and_top_k(tmp_path):
    _index(tmp_path, TEXTS)
    loaded = KeywordIndex.open(tmp_path / "kw", Lexicon.from_texts(TEXTS))
    assert loaded is not None and loaded.generation == 7 and len(loaded) == 3
    assert _search(loaded, "quang tri giai ngan")[0] == "d-p0"
    assert len(_search(loaded, "pcpnn", top_k=2)) == 2
    assert loaded.lexicon.restore("quang tri") == "quảng trị"
    assert loaded.entries()["d-p1"] == ("d", digest(_entries(TEXTS)[1][2]))
    # building again replaces the folder in one step and leaves no temporary folders behind
    _index(tmp_path, TEXTS[:1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kw"]
    loaded.refresh()  # a reader of the replaced folder sees the new build
    assert len(loaded) == 1


def test_update_indexes_one_document_and_leaves_the_rest_untouched(tmp_path):
    """Adding or removing a document writes that document only: the segments already on disk are
    kept, and only its passages are indexed."""
    many = [f"Năm {2000 + i % 25}, tỉnh số {i} nhận {i} dự án viện trợ." for i in range(300)]
    index = KeywordIndex.build(tmp_path / "kw", _entries(many, "big"), generation=1, lexicon=Lexicon.from_texts([]))
    segments = _segments(tmp_path / "kw")
    assert index.passages_written == 300

    index.update([], _entries(TEXTS, "new"), generation=2)
    assert index.passages_written == 303 and index.generation == 2 and len(index) == 303
    assert segments <= _segments(tmp_path / "kw")  # the big segment was not rewritten
    assert _search(index, "quang tri giai ngan")[0] == "new-p0"

    index.update(["new"], [], generation=3)
    assert index.passages_written == 303 and len(index) == 300
    assert _search(index, "quang tri giai ngan") == []
    assert KeywordIndex.open(tmp_path / "kw", Lexicon.from_texts([])).generation == 3


def _segments(folder: Path) -> set[str]:
    return {s["segment_id"] for s in json.loads((folder / "meta.json").read_text())["segments"]}


def test_empty_index_and_unreadable_folder(tmp_path):
    empty = KeywordIndex.build(tmp_path / "kw", [], generation=1, lexicon=Lexicon.from_texts([]))
    assert empty.retriever(5) is None and len(empty) == 0
    assert KeywordIndex.open(tmp_path / "kw", empty.lexicon).retriever(5) is None
    assert KeywordIndex.open(tmp_path / "missing", empty.lexicon) is None
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "state.json").write_text("{not json")
    assert KeywordIndex.open(tmp_path / "broken", empty.lexicon) is None


def test_earlier_bm25s_folder_is_not_opened(tmp_path):
    old = tmp_path / "kw"
    old.mkdir()
    (old / "generation.json").write_text(json.dumps({"generation": 3, "empty": False, "glossary": fingerprint()}))
    (old / "params.index.json").write_text("{}")
    assert KeywordIndex.open(old, Lexicon.from_texts([])) is None
    KeywordIndex.build(old, _entries(TEXTS), generation=3, lexicon=Lexicon.from_texts([]))
    assert not (old / "generation.json").exists() and KeywordIndex.open(old, Lexicon.from_texts([])) is not None


def test_query_with_only_unknown_words_finds_nothing(tmp_path):
    assert _search(_index(tmp_path, TEXTS), "zxqv blorf") == []


def test_index_built_with_another_glossary_is_rebuilt(tmp_path):
    """Concept tokens depend on the glossary: an index saved with another one is not opened, so the
    store rebuilds it instead of matching new question concepts against old passage tokens."""
    _index(tmp_path, TEXTS)
    lexicon = Lexicon.from_texts([])
    assert KeywordIndex.open(tmp_path / "kw", lexicon) is not None
    state_file = tmp_path / "kw" / "state.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "glossary": "another"}))
    assert KeywordIndex.open(tmp_path / "kw", lexicon) is None
