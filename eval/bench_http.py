"""Benchmark the HTTP server: /ask latency over HTTP and the server's memory.

    python -m eval.bench_http --data-dir DIR [--questions SET.jsonl] [--rounds 3] [--clients 1]

Starts ``ngoaid serve`` on a free local port with the given index, reads its resident memory after
start-up, asks every question of the set (as written and typed without diacritics) ``--rounds``
times from ``--clients`` concurrent clients, and prints p50/p95 latency and memory figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from eval.measure import percentile, rss_mb, running_server
from eval.questions import load_questions
from vntext.vietnamese import fold

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev_questions.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args(argv)

    # one client address sends every request: the per-client rate limit would measure itself
    with running_server(args.data_dir, {"NGOAID_RATE_LIMIT": "off"}) as server:
        rss_start = rss_mb(server.process.pid)
        questions = load_questions(args.questions)
        texts = [t for q in questions for t in (q.question, fold(q.question))] * args.rounds

        def ask(text: str) -> tuple[float, int]:
            t = time.perf_counter()
            response = httpx.post(f"{server.base}/ask", json={"question": text}, timeout=120)
            return (time.perf_counter() - t) * 1000, response.status_code

        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            t = time.perf_counter()
            results = list(pool.map(ask, texts))
            wall = time.perf_counter() - t
        latencies = [ms for ms, _ in results]
        failures = sum(1 for _, code in results if code != 200)
        rss_end = rss_mb(server.process.pid)
        health = httpx.get(f"{server.base}/health").json()
        ready = server.ready_s

    print(f"index: {health['documents']} documents, {health['passages']} passages ({args.data_dir})")
    print(f"server ready after {ready:.1f} s; RSS after start-up {rss_start:.0f} MB, after the run {rss_end:.0f} MB")
    print(
        f"/ask over HTTP: {len(latencies)} requests from {args.clients} client(s), {failures} failed; "
        f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms; {len(latencies) / wall:.1f} requests/s"
    )
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
