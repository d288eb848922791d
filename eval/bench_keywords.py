"""Benchmark the keyword side alone at scale: keyword index and lexicon counts, no embedding.

    python -m eval.bench_keywords [--synthetic 100000] [--seed 0] [--work-dir bench-work] [--json FILE]

Synthetic passages (see :mod:`eval.synthetic`) go straight into a fresh catalog (document rows and
the lexicon counts that come with them, no facts, no vectors) and a tantivy keyword index built
from it, as a data folder's first open after the upgrade builds it. Then, on that index: one
30-passage document added (catalog transaction with its lexicon counts, then the keyword update)
and removed again, the comparison with the catalog a search makes after a kill between the two
commits, and query latency: the keyword retriever at the depth a search asks (160), over every dev
question and synthetic question as tokens, and the diacritic restoration of the same questions typed
without diacritics. Keyword tokens (underthesea, about 2 ms a passage) are made once and kept in the
work folder, so a second run measures the index only.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from eval.measure import describe_machine, dir_size_mb, machine_description, peak_rss_mb, percentile, reset_peak_rss, rss_mb

DEV_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_questions.jsonl"
DOCUMENT_PASSAGES = 30  # the document added and removed
SEARCH_DEPTH = 160  # what hybrid_search asks of the keyword side (4 x 40 candidates)


def _documents(n_passages: int, seed: int, tokens_file: Path):
    """Documents of the synthetic corpus as the catalog stores them, and their passages' tokens
    (read from ``tokens_file`` when an earlier run made them)."""
    from eval.synthetic import iter_corpus
    from index.keyword import keyword_tokens
    from ingest.models import Document, Passage, Span

    docs = []
    for n, synthetic in enumerate(iter_corpus(n_passages, seed)):
        doc_id = f"{n:020x}"
        texts = [synthetic.title, *(p.text for p in synthetic.paragraphs)]
        passages = [Passage(f"{doc_id}-p{i}", doc_id, i, t, 0, len(t), [Span(0, len(t))]) for i, t in enumerate(texts)]
        text = "\n".join(texts)
        docs.append(Document(doc_id, synthetic.name, synthetic.name, "text", len(text), text, passages=passages))
    if tokens_file.exists():
        tokens = json.loads(tokens_file.read_text(encoding="utf-8"))
    else:
        tokens = [[" ".join(keyword_tokens(p.text)) for p in d.passages] for d in docs]
        tokens_file.write_text(json.dumps(tokens), encoding="utf-8")
    return docs, tokens


def _extra_document(tokens_of):
    from ingest.models import Document, Passage, Span

    doc_id = "f" * 20
    texts = [f"Năm 2024, tỉnh Điện Biên tiếp nhận dự án viện trợ số {i} trị giá {i + 1},5 tỷ đồng." for i in range(DOCUMENT_PASSAGES)]
    passages = [Passage(f"{doc_id}-p{i}", doc_id, i, t, 0, len(t), [Span(0, len(t))]) for i, t in enumerate(texts)]
    text = "\n".join(texts)
    return Document(doc_id, "them.txt", "them.txt", "text", len(text), text, passages=passages), [tokens_of(t) for t in texts]


def _questions(docs_seed: int, n_passages: int) -> list[str]:
    from eval.synthetic import generate_corpus, synthetic_questions

    dev = [json.loads(line)["question"] for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    synthetic = [q.question for q in synthetic_questions(generate_corpus(min(n_passages, 2000), docs_seed), 24, docs_seed)]
    return dev + synthetic


def run(n_passages: int, seed: int, work_dir: Path) -> dict[str, object]:
    from index.catalog import Catalog
    from index.keyword import KeywordIndex, differing_documents, keyword_tokens
    from index.lexicon import Lexicon
    from llama_index.core.schema import QueryBundle
    from vntext.vietnamese import fold

    work_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    docs, tokens = _documents(n_passages, seed, work_dir / f"keyword-tokens-{n_passages}-seed{seed}.json")
    tokens_s = time.perf_counter() - t0
    data = work_dir / f"keywords-{n_passages}-seed{seed}"
    shutil.rmtree(data, ignore_errors=True)
    catalog = Catalog(data / "catalog.sqlite3")
    lexicon = Lexicon.over(catalog)

    reset_peak_rss()
    t0 = time.perf_counter()
    for doc, doc_tokens in zip(docs, tokens, strict=True):
        catalog.put_document(doc, doc_tokens)
    catalog_s = time.perf_counter() - t0
    catalog_peak = peak_rss_mb()

    reset_peak_rss()
    t0 = time.perf_counter()
    index = KeywordIndex.build(data / "keyword", catalog.keyword_entries(), catalog.generation(), lexicon)
    build_s = time.perf_counter() - t0
    build_peak, after_build = peak_rss_mb(), rss_mb()

    extra, extra_tokens = _extra_document(lambda t: " ".join(keyword_tokens(t)))
    entries = [(extra.doc_id, p.passage_id, t) for p, t in zip(extra.passages, extra_tokens, strict=True)]
    t0 = time.perf_counter()
    catalog.put_document(extra, extra_tokens)
    add_catalog_s = time.perf_counter() - t0
    index.update([extra.doc_id], entries, catalog.generation())
    add_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    catalog.delete_documents([extra.doc_id])
    remove_catalog_s = time.perf_counter() - t0
    index.update([extra.doc_id], [], catalog.generation())
    remove_s = time.perf_counter() - t0

    # After a kill between the catalog's commit and the keyword index's: compare, index one document.
    catalog.put_document(extra, extra_tokens)
    t0 = time.perf_counter()
    changed = differing_documents(index, catalog.keyword_entries())
    compare_s = time.perf_counter() - t0
    index.update(changed, catalog.keyword_entries(changed), catalog.generation())
    repair_s = time.perf_counter() - t0

    questions = _questions(seed, n_passages)
    retriever = index.retriever(SEARCH_DEPTH)
    query_ms, restore_ms = [], []
    for rounds in range(3):
        for question in questions:
            query = QueryBundle(" ".join(keyword_tokens(question)))
            t0 = time.perf_counter()
            retriever.retrieve(query)
            query_ms.append((time.perf_counter() - t0) * 1000)
            folded = fold(question)
            t0 = time.perf_counter()
            lexicon.restore(folded)
            restore_ms.append((time.perf_counter() - t0) * 1000)

    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m eval.bench_keywords " + shlex.join(sys.argv[1:]),
        "machine": machine_description(),
        "passages": len(index) - len(extra.passages),
        "documents": len(docs),
        "tokens_s": tokens_s,
        "catalog_put_s": catalog_s,
        "catalog_put_peak_rss_mb": catalog_peak,
        "build_s": build_s,
        "build_peak_rss_mb": build_peak,
        "rss_after_build_mb": after_build,
        "add_document_s": add_s,
        "add_document_catalog_s": add_catalog_s,
        "remove_document_s": remove_s,
        "remove_document_catalog_s": remove_catalog_s,
        "repair_compare_s": compare_s,
        "repair_total_s": repair_s,
        "repair_documents": len(changed),
        "queries": len(query_ms),
        "query_p50_ms": percentile(query_ms, 0.5),
        "query_p95_ms": percentile(query_ms, 0.95),
        "restore_p50_ms": percentile(restore_ms, 0.5),
        "restore_p95_ms": percentile(restore_ms, 0.95),
        "lexicon_keys": len(lexicon),
        "keyword_mb": dir_size_mb(data / "keyword"),
        "catalog_mb": dir_size_mb(data) - dir_size_mb(data / "keyword"),
        "peak_rss_mb": peak_rss_mb(),
    }


def report(f: dict[str, object]) -> str:
    """The figures as one human-readable block."""
    return "\n".join([
        f"command: {f['command']}",
        f"date: {f['date']}",
        describe_machine(f["machine"]),
        f"corpus: {f['passages']:,} synthetic passages in {f['documents']:,} documents (tokens made or read in {f['tokens_s']:.1f} s)",
        f"catalog: every document put one by one, with its lexicon counts, in {f['catalog_put_s']:.1f} s "
        f"(peak RSS {f['catalog_put_peak_rss_mb']:.0f} MB); lexicon {f['lexicon_keys']:,} keys",
        f"keyword index built from the catalog: {f['build_s']:.1f} s, peak RSS {f['build_peak_rss_mb']:.0f} MB, "
        f"RSS after {f['rss_after_build_mb']:.0f} MB; on disk: keyword index {f['keyword_mb']:.1f} MB, catalog {f['catalog_mb']:.1f} MB",
        f"add a {DOCUMENT_PASSAGES}-passage document: {f['add_document_s'] * 1000:.0f} ms "
        f"(catalog with lexicon counts {f['add_document_catalog_s'] * 1000:.0f} ms, keyword index the rest)",
        f"remove it: {f['remove_document_s'] * 1000:.0f} ms (catalog with lexicon counts {f['remove_document_catalog_s'] * 1000:.0f} ms)",
        f"repair after a kill between the commits: {f['repair_total_s']:.2f} s ({f['repair_documents']} document indexed again; "
        f"comparison with the catalog {f['repair_compare_s']:.2f} s)",
        f"keyword query (top {SEARCH_DEPTH}), {f['queries']} queries: p50 {f['query_p50_ms']:.1f} ms, p95 {f['query_p95_ms']:.1f} ms",
        f"diacritic restoration of the same questions folded: p50 {f['restore_p50_ms']:.1f} ms, p95 {f['restore_p95_ms']:.1f} ms",
        f"peak RSS of the whole run {f['peak_rss_mb']:.0f} MB",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=100_000, metavar="N", help="synthetic passages (default 100,000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--work-dir", type=Path, default=Path("bench-work"), help="folder for the index and the tokens")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.synthetic, args.seed, args.work_dir)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
