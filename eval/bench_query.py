"""Benchmark query latency and memory as the index grows, with synthetic passages added.

    python -m eval.bench_query [--data-dir DIR] [--corpus ../shared/corpus] [--synthetic N ...]
        [--questions SET.jsonl] [--rounds 3] [--work-dir DIR] [--seed 0] [--synthetic-questions 24]
        [--max-questions K] [--json FILE]

Setups measured, one after the other:

* the shared corpus, ingested into a temporary index (or the index in ``--data-dir`` as it is);
* for each ``--synthetic N``: the shared corpus plus N synthetic passages (:mod:`eval.synthetic`) in
  a fresh index, so the dev questions still have their answers among N distractors. With
  ``--work-dir`` the index is kept in ``DIR/synthetic-N-seedS/`` and reused by later runs when its
  passage and vector counts are complete (a partial one is completed, not rebuilt): embedding runs
  at about 20 passages/s through ``add_document`` on a 2-core CPU, so 100,000 passages take 1.5 hours.

Each setup is measured in a fresh process, so that its memory figures are those of a process that
opened the index (not of the one that built it): time to load the model and the index, RSS after
loading, p50/p95 latency of ``IndexStore.search`` and of ``Answerer.ask`` over the question set
(each question as written and typed without diacritics) and over questions generated about the
synthetic data, ``--rounds`` times, the first (cold-cache) answer apart, with the first round
also on its own (later rounds repeat its questions, which caches favour), and the peak RSS. Then two
30-passage documents are uploaded one after the other, each followed by an answer, both timed (the
first upload loads the passage engine), and taken out again. Also
printed: index size on disk, documents and passages, ingest time, and how many answers hold the
expected figure (a sanity check, not an accuracy score: see ``eval.runner`` for that).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from eval.bench_ingest import MAX_FILE_BYTES, IngestStats, ingest
from eval.measure import describe_machine, dir_size_mb, machine_description, peak_rss_mb, percentile, rss_mb

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
MANIFEST = "bench_manifest.json"  # what a kept synthetic index holds and how long it took to build


# --- questions ------------------------------------------------------------------------------------


def question_rows(questions_path: Path, max_questions: int | None, synthetic: list) -> list[dict[str, object]]:
    """Every text to ask, as written and folded: {"set", "id", "form", "text", "value"}; ``value`` is the
    expected figure, None for questions without one (names, abstentions)."""
    from eval.questions import load_questions
    from vntext.vietnamese import fold

    rows: list[dict[str, object]] = []
    dev = load_questions(questions_path)[:max_questions]
    for q in dev:
        for form, text in (("written", q.question), ("folded", fold(q.question))):
            rows.append({"set": "dev", "id": q.id, "form": form, "text": text, "value": q.answer_value})
    for n, q in enumerate(synthetic):
        for form, text in (("written", q.question), ("folded", fold(q.question))):
            rows.append({"set": "synthetic", "id": f"syn{n:03d}", "form": form, "text": text, "value": q.value})
    return rows


def holds_value(answer: str, value: float | None) -> bool | None:
    """Whether the answer text states ``value`` exactly; None when there is no single figure to check."""
    from vntext.numbers import find_values

    if value is None:
        return None
    return any(math.isclose(v, value, rel_tol=1e-6) for v in find_values(answer))


# --- building indexes -----------------------------------------------------------------------------


def corpus_items(corpus: Path | None) -> list[tuple[str, object]]:
    """(name, prepare) pairs for the corpus files, for :func:`eval.bench_ingest.ingest`."""
    from ingest.pipeline import collect_files, prepare_file

    if corpus is None:
        return []
    return [(f.name, lambda f=f: prepare_file(f, MAX_FILE_BYTES)) for f in collect_files([corpus]).files]


def build_corpus_index(data_dir: Path, corpus: Path) -> IngestStats:
    from index.embeddings import DEFAULT_MODEL, load_embedder
    from index.store import IndexStore

    store = IndexStore(data_dir, load_embedder(DEFAULT_MODEL))
    items = corpus_items(corpus)
    return ingest(store, items, None, "shared corpus")


def build_synthetic_index(data_dir: Path, corpus: Path | None, n: int, seed: int, docs: list) -> dict[str, object]:
    """Make ``data_dir`` hold the corpus and the synthetic documents, reusing what is there.

    A complete index (the expected documents, passages and vectors) is reused as it is; an
    incomplete one, left by an interrupted build, is completed. Returns what to report about the
    build: reused or not, when it was built, the ingest figures.
    """
    from eval.synthetic import prepare
    from index.embeddings import DEFAULT_MODEL, load_embedder
    from index.store import IndexStore
    from ingest.models import PIPELINE_VERSION
    from ingest.pipeline import content_id

    store = IndexStore(data_dir, load_embedder(DEFAULT_MODEL))
    manifest_path = data_dir.parent / MANIFEST
    corpus_docs = [prepare_() for _, prepare_ in corpus_items(corpus)]  # a few files: cheap
    synthetic_ids = [content_id(d.text.encode("utf-8")) for d in docs]
    expected_ids = {d.doc_id for d in corpus_docs} | set(synthetic_ids)
    expected_passages = sum(len(d.passages) for d in corpus_docs) + sum(d.n_passages for d in docs)
    present = store.documents()
    others = {d.doc_id for d in present} - expected_ids
    if others:
        raise SystemExit(
            f"{data_dir} holds {len(others)} documents that are not part of this setup (another corpus, "
            "seed or pipeline version); remove that folder or use another --work-dir"
        )
    indexed = {d.doc_id for d in present if d.pipeline_version == PIPELINE_VERSION}
    _, have_passages = store.catalog.counts()
    if indexed == expected_ids and have_passages == expected_passages and store.vectors.count() == have_passages:
        store.refresh_keywords()  # a no-op unless a build stopped before its last refresh
        previous = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        kept = ("built", "ingest", "already_indexed")
        return {"reused": True, **{k: previous.get(k) for k in kept}}

    with store.writing():
        store.reconcile()  # vectors a killed build left behind, or lacks
        # Documents already in (from an interrupted build) are skipped before the pipeline runs.
        todo = [d for d, doc_id in zip(docs, synthetic_ids, strict=True) if doc_id not in indexed]
        items = corpus_items(corpus) + [(d.name, lambda d=d: prepare(d)) for d in todo]
        total = sum(len(d.passages) for d in corpus_docs) + sum(d.n_passages for d in todo)
        stats = ingest(store, items, total, f"synthetic {n}")
    summary = {
        "reused": False,
        "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "ingest": stats.as_dict(),
        "already_indexed": len(docs) - len(todo),  # synthetic documents an interrupted build had added
    }
    manifest = {"synthetic": n, "seed": seed, "documents": len(expected_ids), "passages": expected_passages, **summary}
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return summary


# --- measuring (in a child process) ---------------------------------------------------------------


def measure(data_dir: Path, rows: list[dict[str, object]], rounds: int) -> dict[str, object]:
    """Open the index in this process and time searches and answers; the figures."""
    from assistant.answering import Answerer, QuestionError
    from assistant.runtime import settle_heap, use_offline_environment
    from index.embeddings import DEFAULT_MODEL, load_embedder
    from index.store import IndexStore

    use_offline_environment()
    rss_start = rss_mb()
    started = time.perf_counter()
    store = IndexStore(data_dir, load_embedder(DEFAULT_MODEL))
    answerer = Answerer(store)
    store.warm_up(writes=True)  # models, keyword index, segmenter: what a server loads before its first request
    settle_heap()  # and what a server does next (see assistant.runtime)
    load_s = time.perf_counter() - started
    rss_loaded = rss_mb()

    # The first answer fills the per-generation caches (facts, document texts): timed apart.
    first_ask_ms = float("nan")
    if rows:
        started = time.perf_counter()
        answerer.ask(str(rows[0]["text"]))
        first_ask_ms = (time.perf_counter() - started) * 1000

    search_ms: dict[str, list[float]] = {}
    ask_ms: dict[str, list[float]] = {}
    # Later rounds repeat the questions, so caches of passages seen before serve them: the first
    # round alone is what a user asking new questions gets.
    first_round: dict[str, list[float]] = {"search": [], "ask": []}
    holds: dict[str, list[bool]] = {}
    failures = 0
    for round_ in range(rounds):
        for row in rows:
            text, key = str(row["text"]), str(row["set"])
            t = time.perf_counter()
            store.search(text)
            search_ms.setdefault(key, []).append((time.perf_counter() - t) * 1000)
            if round_ == 0:
                first_round["search"].append(search_ms[key][-1])
            t = time.perf_counter()
            try:
                answer = answerer.ask(text)
            except QuestionError:  # empty or too long: counted, not timed
                failures += 1
                continue
            ask_ms.setdefault(key, []).append((time.perf_counter() - t) * 1000)
            if round_ == 0:
                first_round["ask"].append(ask_ms[key][-1])
            held = holds_value(answer.answer, row["value"])  # type: ignore[arg-type]
            if round_ == 0 and held is not None:
                holds.setdefault(key, []).append(held)
    documents, passages = store.catalog.counts()
    changes = measure_uploads(store, answerer, rows)
    return {
        "documents": documents,
        "passages": passages,
        "uploads": changes,
        "load_s": load_s,
        "rss_before_load_mb": rss_start,
        "rss_after_load_mb": rss_loaded,
        "rss_after_run_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        "first_ask_ms": first_ask_ms,
        "search_ms": {k: _summary(v) for k, v in search_ms.items()},
        "ask_ms": {k: _summary(v) for k, v in ask_ms.items()},
        "all_search_ms": _summary([x for v in search_ms.values() for x in v]),
        "all_ask_ms": _summary([x for v in ask_ms.values() for x in v]),
        "first_round_search_ms": _summary(first_round["search"]),
        "first_round_ask_ms": _summary(first_round["ask"]),
        "holds_expected_figure": {k: [sum(v), len(v)] for k, v in holds.items()},
        "failures": failures,
    }


UPLOAD_PARAGRAPHS = 29  # with its title: a document of 30 passages


def upload_documents(n: int) -> list:
    """``n`` reports of 30 passages each, made of synthetic paragraphs under a seed no index here
    uses (so their content is new to it)."""
    from dataclasses import replace as replaced

    from eval.synthetic import generate_corpus

    docs = generate_corpus(n * 40, seed=9_999)
    paragraphs = [p for d in docs for p in d.paragraphs]
    return [
        replaced(docs[i], name=f"upload_{i}.txt", paragraphs=tuple(paragraphs[i * UPLOAD_PARAGRAPHS : (i + 1) * UPLOAD_PARAGRAPHS]))
        for i in range(n)
    ]


def measure_uploads(store, answerer, rows: list[dict[str, object]]) -> list[dict[str, float]]:
    """Add two 30-passage documents one after the other, as the server's upload does (the batch
    operation, its keyword update included), and time each and the first answer after it; then
    take them out again so that the index is left as it was. The first upload loads the passage
    engine; the second shows the steady cost."""
    from eval.synthetic import prepare

    figures = []
    added = []
    try:
        for doc in upload_documents(2):
            started = time.perf_counter()
            report = store.add_documents([(doc.name, lambda doc=doc: prepare(doc))])
            upload_s = time.perf_counter() - started
            added += [i.outcome.doc_id for i in report.added]
            started = time.perf_counter()
            answerer.ask(str(rows[0]["text"]) if rows else doc.title)
            first_ask_ms = (time.perf_counter() - started) * 1000
            figures.append({"passages": doc.n_passages, "upload_s": upload_s, "first_ask_after_ms": first_ask_ms, "rss_mb": rss_mb()})
    finally:
        if added:
            store.remove_documents(added)
    return figures


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else float("nan"),
        "mean": sum(values) / len(values) if values else float("nan"),
    }


def measure_in_child(data_dir: Path, rows: list[dict[str, object]], rounds: int, scratch: Path) -> dict[str, object]:
    """Run :func:`measure` in a fresh interpreter and return its figures."""
    questions = scratch / "questions.json"
    out = scratch / "measured.json"
    questions.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    command = [
        sys.executable, "-m", "eval.bench_query", "--measure-index", str(data_dir),
        "--measure-questions", str(questions), "--measure-out", str(out), "--rounds", str(rounds),
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=os.environ.copy(), check=True)
    return json.loads(out.read_text(encoding="utf-8"))


# --- one setup --------------------------------------------------------------------------------------


def index_sizes(data_dir: Path) -> dict[str, float]:
    catalog = sum(dir_size_mb(p) for p in data_dir.glob("catalog.sqlite3*"))
    return {
        "total_mb": dir_size_mb(data_dir),
        "catalog_mb": catalog,
        "vectors_mb": dir_size_mb(data_dir / "chroma"),
        "keyword_mb": dir_size_mb(data_dir / "keyword"),
    }


def run_setup(
    name: str, data_dir: Path, build: dict[str, object], rows: list, rounds: int, scratch: Path
) -> dict[str, object]:
    measured = measure_in_child(data_dir, rows, rounds, scratch)
    return {"name": name, "data_dir": str(data_dir), "build": build, "size": index_sizes(data_dir), **measured}


def run(args: argparse.Namespace) -> dict[str, object]:
    from assistant.runtime import use_offline_environment
    from eval.synthetic import generate_corpus, synthetic_questions

    use_offline_environment()
    corpus = None if args.no_corpus else args.corpus
    results: list[dict[str, object]] = []
    with ExitStack() as cleanup:
        scratch = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="ngoaid-bench-query-")))
        dev_rows = question_rows(args.questions, args.max_questions, [])

        if args.data_dir is not None:
            build: dict[str, object] = {"reused": True, "built": None, "ingest": None}
            results.append(run_setup("given index", args.data_dir, build, dev_rows, args.rounds, scratch))
        elif corpus is not None:
            data_dir = scratch / "corpus" / "data"
            stats = build_corpus_index(data_dir, corpus)
            build = {"reused": False, "ingest": stats.as_dict()}
            results.append(run_setup("shared corpus", data_dir, build, dev_rows, args.rounds, scratch))

        for n in args.synthetic:
            docs = generate_corpus(n, args.seed)
            generated = synthetic_questions(docs, args.synthetic_questions, args.seed)
            rows = question_rows(args.questions, args.max_questions, generated)
            name = f"synthetic-{n}-seed{args.seed}" + ("" if corpus is not None else "-nocorpus")
            base = (args.work_dir or scratch) / name
            build = build_synthetic_index(base / "data", corpus, n, args.seed, docs)
            label = f"corpus + {n} synthetic passages" if corpus is not None else f"{n} synthetic passages"
            results.append(run_setup(label, base / "data", build, rows, args.rounds, scratch))
    return {
        "machine": machine_description(),
        "rounds": args.rounds,
        "questions": str(args.questions),
        "setups": results,
        "builder_peak_rss_mb": peak_rss_mb(),  # this process: ingesting, never querying
    }


# --- output -----------------------------------------------------------------------------------------


def _latency(label: str, s: dict[str, float]) -> str:
    return f"  {label}: p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms, max {s['max']:.0f} ms ({s['n']} calls)"


def _ingest_line(build: dict[str, object]) -> str:
    ingest_ = build.get("ingest")
    if not ingest_:
        return "ingest: not measured (an existing index)"
    figures = (
        f"{ingest_['passages']} passages in {ingest_['total_s']:.1f} s (pipeline {ingest_['prepare_s']:.1f} s, "
        f"add_document {ingest_['index_s']:.1f} s, keyword index {ingest_['keywords_s']:.1f} s); "
        f"{ingest_['passages_per_s']:.1f} passages/s"
    )
    if build.get("already_indexed"):  # the timing covers only the run that completed the index
        figures += f", completing an interrupted build ({build['already_indexed']} synthetic documents were in)"
    if build.get("reused"):
        return f"ingest: index reused, built {build.get('built')}: {figures}"
    return f"ingest: {figures}"


def report(figures: dict[str, object]) -> str:
    """The figures as one human-readable block."""
    lines = [describe_machine(figures["machine"]), f"rounds: {figures['rounds']}; questions: {figures['questions']}"]
    for s in figures["setups"]:
        size = s["size"]
        lines += [
            "",
            f"== {s['name']} ==",
            f"index: {s['documents']} documents, {s['passages']} passages; {size['total_mb']:.1f} MB on disk "
            f"(catalog {size['catalog_mb']:.1f}, vectors {size['vectors_mb']:.1f}, keyword {size['keyword_mb']:.1f})",
        ]
        lines.append(_ingest_line(s["build"]))
        lines.append(
            f"load: {s['load_s']:.1f} s; RSS after load {s['rss_after_load_mb']:.0f} MB, "
            f"after the run {s['rss_after_run_mb']:.0f} MB, peak {s['peak_rss_mb']:.0f} MB"
        )
        lines.append(f"first ask (cold caches): {s['first_ask_ms']:.0f} ms")
        for n, up in enumerate(s.get("uploads", []), 1):
            lines.append(
                f"upload {n} ({up['passages']} passages): {up['upload_s']:.2f} s, first ask after it "
                f"{up['first_ask_after_ms']:.0f} ms, RSS {up['rss_mb']:.0f} MB"
            )
        lines.append(_latency("search, all", s["all_search_ms"]))
        for key, summary in s["search_ms"].items():
            lines.append(_latency(f"search, {key}", summary))
        if "first_round_search_ms" in s:  # figures saved before it was measured lack it
            lines.append(_latency("search, first round only", s["first_round_search_ms"]))
        lines.append(_latency("ask, all", s["all_ask_ms"]))
        for key, summary in s["ask_ms"].items():
            lines.append(_latency(f"ask, {key}", summary))
        if "first_round_ask_ms" in s:
            lines.append(_latency("ask, first round only", s["first_round_ask_ms"]))
        held = ", ".join(f"{k} {a}/{b}" for k, (a, b) in s["holds_expected_figure"].items())
        lines.append(f"answers holding the expected figure (first round): {held or 'none to check'}")
        if s["failures"]:
            lines.append(f"questions refused: {s['failures']}")
    lines += ["", f"peak RSS of the process that built the indexes: {figures['builder_peak_rss_mb']:.0f} MB"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="measure this existing index instead of ingesting the corpus")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of report files")
    parser.add_argument("--no-corpus", action="store_true", help="leave the corpus out of the indexes")
    parser.add_argument("--synthetic", type=int, nargs="*", default=[], metavar="N", help="synthetic passages")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpus")
    parser.add_argument("--work-dir", type=Path, help="keep synthetic indexes here and reuse them")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="question set (JSON Lines)")
    parser.add_argument("--max-questions", type=int, help="ask only the first K questions of the set")
    parser.add_argument(
        "--synthetic-questions", type=int, default=24, metavar="K", help="generated questions per synthetic setup"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    # The child process that measures one index (see measure_in_child).
    parser.add_argument("--measure-index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure-questions", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure_index is not None:
        rows = json.loads(args.measure_questions.read_text(encoding="utf-8"))
        figures = measure(args.measure_index, rows, args.rounds)
        args.measure_out.write_text(json.dumps(figures), encoding="utf-8")
        return 0
    if not args.questions.is_file():
        parser.error(f"no such question set: {args.questions}")
    if args.data_dir is not None and not (args.data_dir / "catalog.sqlite3").exists():
        parser.error(f"no index in {args.data_dir}")
    if not args.no_corpus and not args.corpus.is_dir():
        parser.error(f"no such folder: {args.corpus} (or pass --no-corpus)")
    if any(n < 1 for n in args.synthetic):
        parser.error("--synthetic sizes must be positive")

    figures = run(args)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
