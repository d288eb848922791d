"""Benchmark the HTTP server: /ask latency over HTTP and the server's memory, alone or beside an ingest.

    python -m eval.bench_http --data-dir DIR [--questions SET.jsonl ...] [--rounds 3] [--clients 1]
        [--ingest-beside N]

Starts ``ngoaid serve`` on a free local port with the given index, reads its resident memory after
start-up, asks every question of the sets (as written and typed without diacritics) ``--rounds``
times from ``--clients`` concurrent clients, and prints p50/p95 latency and memory figures.

``--ingest-beside N`` measures what users of a server see while someone runs ``ngoaid ingest`` on
the same data folder in another terminal: the index is copied to a temporary folder (the one given
is not changed), the server runs on the copy, and an ``ngoaid ingest`` of N synthetic passages
(:mod:`eval.synthetic`) starts in another process on the same copy; the questions are asked in
rounds until that ingest has finished (at least ``--rounds``), and only answers given while it ran
are counted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from eval.measure import describe_machine, machine_description, percentile, rss_mb, running_server
from eval.questions import load_questions
from vntext.vietnamese import fold

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_questions.jsonl"
ROOT = Path(__file__).resolve().parents[1]


def start_ingest(folder: Path, data_dir: Path, log: Path) -> subprocess.Popen:
    """``ngoaid ingest`` in a process of its own, as from another terminal."""
    command = [sys.executable, "-m", "ngoaid", "ingest", str(folder), "--data-dir", str(data_dir)]
    return subprocess.Popen(command, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, action="append", help="a question set (repeatable; default dev)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--ingest-beside", type=int, default=0, metavar="N", help="ingest N synthetic passages meanwhile")
    args = parser.parse_args(argv)
    questions = [q for path in args.questions or [DEFAULT_QUESTIONS] for q in load_questions(path)]
    texts = [t for q in questions for t in (q.question, fold(q.question))]

    with tempfile.TemporaryDirectory(prefix="ngoaid-bench-http-") as tmp:
        data_dir, ingest_folder = args.data_dir, None
        if args.ingest_beside:
            from eval.synthetic import generate_corpus, write_corpus

            data_dir = Path(tmp) / "data"
            shutil.copytree(args.data_dir, data_dir)
            ingest_folder = Path(tmp) / "synthetic"
            write_corpus(generate_corpus(args.ingest_beside, seed=7), ingest_folder)
        figures = _run(data_dir, texts, args, ingest_folder, Path(tmp) / "ingest.log")

    print(describe_machine(machine_description()))
    print(f"index: {figures['documents']} documents, {figures['passages']} passages at the end ({args.data_dir})")
    print(
        f"server ready after {figures['ready_s']:.1f} s; RSS after start-up {figures['rss_start']:.0f} MB, "
        f"after the run {figures['rss_end']:.0f} MB"
    )
    if ingest_folder is not None:
        print(f"beside an ingest of {args.ingest_beside} synthetic passages in another process: {figures['ingest']}")
    latencies = figures["latencies"]
    print(
        f"/ask over HTTP: {len(latencies)} requests from {args.clients} client(s), {figures['failures']} failed; "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms; {figures['rate']:.1f} requests/s"
    )
    return 0 if figures["failures"] == 0 else 1


def _run(data_dir: Path, texts: list[str], args: argparse.Namespace, ingest_folder: Path | None, log: Path) -> dict:
    # one client address sends every request: the per-client rate limit would measure itself
    with running_server(data_dir, {"NGOAID_RATE_LIMIT": "off"}) as server:
        rss_start = rss_mb(server.process.pid)
        ingest = start_ingest(ingest_folder, data_dir, log) if ingest_folder is not None else None

        # one kept-alive connection per client, as a browser keeps: a new httpx client per request
        # (its TLS context and a new connection) added about 20 ms to each measured answer
        local = threading.local()

        def ask(text: str) -> tuple[float, int, bool]:
            if not hasattr(local, "client"):
                local.client = httpx.Client(timeout=120)
            t = time.perf_counter()
            response = local.client.post(f"{server.base}/ask", json={"question": text})
            beside = ingest is not None and ingest.poll() is None
            return (time.perf_counter() - t) * 1000, response.status_code, beside

        results: list[tuple[float, int, bool]] = []
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            rounds = 0
            while rounds < args.rounds or (ingest is not None and ingest.poll() is None):
                results += pool.map(ask, texts)
                rounds += 1
        wall = time.perf_counter() - started
        if ingest is not None:
            outcome = f"exit status {ingest.wait()} after {wall:.0f} s; " + log.read_text().strip().splitlines()[-1]
            results = [r for r in results if r[2]]  # answers given while the ingest ran
        health = httpx.get(f"{server.base}/health").json()
        return {
            "latencies": [ms for ms, _, _ in results],
            "failures": sum(1 for _, code, _ in results if code != 200),
            "rate": len(results) / wall,
            "rss_start": rss_start,
            "rss_end": rss_mb(server.process.pid),
            "ready_s": server.ready_s,
            "documents": health["documents"],
            "passages": health["passages"],
            "ingest": outcome if ingest is not None else None,
        }


if __name__ == "__main__":
    sys.exit(main())
