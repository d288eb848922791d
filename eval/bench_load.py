"""Load test: many /ask requests from concurrent clients while documents are uploaded.

    python -m eval.bench_load [--data-dir DIR | --corpus ../shared/corpus] [--requests 1000]
        [--clients 16] [--upload-passages 300] [--max-growth-mb 300] [--json FILE]

Starts ``ngoaid serve`` on a free local port (over ``--data-dir`` as it is, or over a fresh index of
``--corpus``), with the per-client rate limit off (every client here has the same address), warms it
up with one round of questions and one small upload, then sends
``--requests`` /ask requests (the question set as written and typed without diacritics, in turn) from ``--clients`` threads while another thread uploads a
synthetic corpus of ``--upload-passages`` passages (:mod:`eval.synthetic`) in batches, with the API
token. The server's RSS is sampled every 0.2 s.

A request fails when it gets no response, a status other than 200, or a body that is not an answer.
Printed: requests served and failed, p50/p95/p99 latency, throughput, the upload's outcome, the
index before and after, and RSS after warm-up, at its peak and at the end. Exits with status 1 when a
request failed, the upload failed, or RSS grew by more than ``--max-growth-mb`` over the run.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from eval.measure import describe_machine, machine_description, percentile, rss_mb, running_server

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
UPLOAD_SEED = 7  # synthetic documents unlike those of the scale benchmarks (seed 0)


@dataclass
class LoadReport:
    requests: int
    clients: int
    failed: int
    failures: list[str]  # the first few, as "status: body"
    latency_ms: dict[str, float]  # p50, p95, p99, max
    throughput_rps: float
    wall_s: float
    uploaded_files: int
    upload_failed: list[str]
    upload_s: float
    documents_before: int
    documents_after: int
    passages_after: int
    rss_mb: dict[str, float]  # after_warmup, peak, end, growth
    machine: dict[str, object] = field(default_factory=machine_description)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.upload_failed


class RssSampler(threading.Thread):
    """Samples a process's RSS until stopped; keeps the peak."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak = rss_mb(pid)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every_s):
            value = rss_mb(self.pid)
            if value == value:  # not NaN: the process may be gone
                self.peak = max(self.peak, value)

    def stop(self) -> float:
        self._halt.set()
        self.join()
        return self.peak


def question_texts(path: Path) -> list[str]:
    from eval.questions import load_questions
    from vntext.vietnamese import fold

    return [t for q in load_questions(path) for t in (q.question, fold(q.question))]


def upload_batches(base: str, token: str, folder: Path, batch: int, failures: list[str]) -> int:
    """Upload every file of ``folder`` in batches; returns how many files went in."""
    files = sorted(folder.iterdir())
    added = 0
    with httpx.Client(base_url=base, timeout=600, headers={"Authorization": f"Bearer {token}"}) as client:
        for start in range(0, len(files), batch):
            chunk = files[start : start + batch]
            parts = [("files", (p.name, p.read_bytes(), "text/plain")) for p in chunk]
            response = client.post("/documents", files=parts)
            if response.status_code != 200:
                failures.append(f"{response.status_code}: {response.text[:200]}")
                continue
            results = response.json()["results"]
            added += sum(1 for r in results if r["status"] in ("added", "replaced", "unchanged"))
            failures.extend(f"{r['name']}: {r['reason']}" for r in results if r["status"] == "failed")
    return added


def ingest_folder(folder: Path, data_dir: Path) -> None:
    """A fresh index of ``folder``, made by the real command line."""
    done = subprocess.run(
        [sys.executable, "-m", "ngoaid.cli", "ingest", str(folder), "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"ingesting {folder} failed:\n{done.stdout[-1000:]}{done.stderr[-1000:]}")


def run_load(
    data_dir: Path,
    texts: list[str],
    requests: int,
    clients: int,
    upload_passages: int,
    upload_batch: int = 10,
) -> LoadReport:
    """Serve ``data_dir`` and put it under load, as the module docstring describes."""
    from eval.synthetic import generate_corpus, write_corpus

    token = secrets.token_urlsafe(24)
    env = {"NGOAID_RATE_LIMIT": "off", "NGOAID_API_TOKEN": token, "NGOAID_MAX_UPLOAD_FILES": str(upload_batch)}
    with tempfile.TemporaryDirectory(prefix="ngoaid-load-") as tmp, running_server(data_dir, env) as server:
        folder = Path(tmp) / "upload"
        write_corpus(generate_corpus(upload_passages, seed=UPLOAD_SEED), folder) if upload_passages else folder.mkdir()
        if upload_passages:
            # One small upload first, as part of the warm-up: what a server allocates at its first
            # write, once, is not growth of the run.
            warm = Path(tmp) / "warm-up"
            write_corpus(generate_corpus(5, seed=UPLOAD_SEED + 1), warm)
            warm_failures: list[str] = []
            upload_batches(server.base, token, warm, upload_batch, warm_failures)
            if warm_failures:
                raise RuntimeError(f"the warm-up upload failed: {warm_failures}")
        documents_before = httpx.get(f"{server.base}/health").json()["documents"]

        local = threading.local()

        def ask(text: str) -> tuple[float, str | None]:
            if not hasattr(local, "client"):
                local.client = httpx.Client(base_url=server.base, timeout=300)
            t = time.perf_counter()
            try:
                response = local.client.post("/ask", json={"question": text})
                ms = (time.perf_counter() - t) * 1000
                if response.status_code != 200:
                    return ms, f"{response.status_code}: {response.text[:200]}"
                body = response.json()
                if not isinstance(body.get("answer"), str) or not body["answer"]:
                    return ms, f"200 without an answer: {response.text[:200]}"
                return ms, None
            except (httpx.HTTPError, ValueError) as exc:
                return (time.perf_counter() - t) * 1000, f"{exc.__class__.__name__}: {exc}"

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(ask, texts))  # warm-up: caches filled, every worker thread started
        sampler = RssSampler(server.process.pid)
        rss_after_warmup = rss_mb(server.process.pid)
        sampler.start()

        upload_failures: list[str] = []
        uploaded = [0]
        upload_time = [0.0]

        def upload() -> None:
            t = time.perf_counter()
            uploaded[0] = upload_batches(server.base, token, folder, upload_batch, upload_failures)
            upload_time[0] = time.perf_counter() - t

        uploader = threading.Thread(target=upload)
        started = time.perf_counter()
        uploader.start()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            results = list(pool.map(ask, (texts[i % len(texts)] for i in range(requests))))
        uploader.join()
        wall = time.perf_counter() - started
        peak = sampler.stop()
        rss_end = rss_mb(server.process.pid)
        health = httpx.get(f"{server.base}/health").json()

    latencies = [ms for ms, _ in results]
    failures = [error for _, error in results if error]
    return LoadReport(
        requests=len(results),
        clients=clients,
        failed=len(failures),
        failures=failures[:10],
        latency_ms={
            "p50": round(percentile(latencies, 0.5), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(max(latencies), 1),
        },
        throughput_rps=round(len(results) / wall, 2),
        wall_s=round(wall, 1),
        uploaded_files=uploaded[0],
        upload_failed=upload_failures,
        upload_s=round(upload_time[0], 1),
        documents_before=documents_before,
        documents_after=int(health["documents"]),
        passages_after=int(health["passages"]),
        rss_mb={
            "after_warmup": round(rss_after_warmup),
            "peak": round(peak),
            "end": round(rss_end),
            "growth": round(max(peak, rss_end) - rss_after_warmup),
        },
    )


def render(report: LoadReport) -> str:
    r = report
    lines = [
        describe_machine(r.machine),
        f"/ask under load: {r.requests} requests from {r.clients} clients in {r.wall_s} s "
        f"({r.throughput_rps} requests/s), {r.failed} failed",
        f"latency: p50 {r.latency_ms['p50']:.0f} ms, p95 {r.latency_ms['p95']:.0f} ms, "
        f"p99 {r.latency_ms['p99']:.0f} ms, max {r.latency_ms['max']:.0f} ms",
        f"upload meanwhile: {r.uploaded_files} files in {r.upload_s} s, {len(r.upload_failed)} failed; "
        f"documents {r.documents_before} -> {r.documents_after} ({r.passages_after} passages)",
        f"server RSS: {r.rss_mb['after_warmup']} MB after warm-up, peak {r.rss_mb['peak']} MB, "
        f"end {r.rss_mb['end']} MB (growth {r.rss_mb['growth']} MB)",
    ]
    lines += [f"  failed: {f}" for f in r.failures + r.upload_failed]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data-dir", type=Path, help="serve this index as it is (uploads are added to it)")
    source.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus", help="ingest this folder into a fresh index")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--upload-passages", type=int, default=300)
    parser.add_argument("--max-growth-mb", type=float, default=300.0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ngoaid-load-index-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(tmp) / "data"
            ingest_folder(args.corpus, data_dir)
        report = run_load(data_dir, question_texts(args.questions), args.requests, args.clients, args.upload_passages)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2), encoding="utf-8")
    too_much = report.rss_mb["growth"] > args.max_growth_mb
    if too_much:
        print(f"RSS grew by {report.rss_mb['growth']} MB, over the bound of {args.max_growth_mb:g} MB")
    return 0 if report.ok and not too_much else 1


if __name__ == "__main__":
    sys.exit(main())
