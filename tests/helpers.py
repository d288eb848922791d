"""Helpers shared by tests (not fixtures): paths, running the CLI, free ports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from eval.measure import free_port  # noqa: F401  (the tests' one way to find a port)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"
SAMPLES = ROOT / "samples"


def ingest_folder(store, folder: Path) -> None:
    from ingest.pipeline import collect_files, prepare_file

    for path in collect_files([folder]).files:
        store.add_document(prepare_file(path, max_bytes=50 * 2**20))
    store.refresh_keywords()



def invoke_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``ngoaid`` in this process (``ngoaid.cli.main``) with its output captured: the same
    commands, exit codes and messages as :func:`run_cli` without starting Python, torch and the
    embedding model again for every call (a child process costs about 8 s). ``env`` is set for the
    call only. It may follow or precede other processes writing to the same data folder."""
    import contextlib
    import io

    from chromadb.api.shared_system_client import SharedSystemClient

    from index.vectors import forget_cached_client
    from ngoaid.cli import main

    saved = {k: os.environ.get(k) for k in (env or {})}
    out, err = io.StringIO(), io.StringIO()
    chroma_before = set(getattr(SharedSystemClient, "_identifier_to_system", {}))
    try:
        os.environ.update(env or {})
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: usage errors and --help
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        # The command's process would end here: the Chroma clients it opened are forgotten, so the
        # next call reads what other processes wrote since, as a new process would.
        for path in set(getattr(SharedSystemClient, "_identifier_to_system", {})) - chroma_before:
            forget_cached_client(path)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return subprocess.CompletedProcess(["ngoaid", *args], code, out.getvalue(), err.getvalue())


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``ngoaid`` in a child process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ngoaid.cli", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def make_reports(folder: Path, corpus_dir: Path, count: int) -> list[Path]:
    """Distinct documents (different bytes) with real report text, several passages each."""
    folder.mkdir(parents=True)
    sources = sorted(corpus_dir.glob("*.txt"))
    paths = []
    for i in range(count):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        path = folder / f"report-{i:02d}.txt"
        path.write_text(f"Báo cáo số {i} về viện trợ PCPNN.\n{text}", encoding="utf-8")
        paths.append(path)
    return paths


def run_cli_with_file_size_limit(limit_bytes: int, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``ngoaid`` with no file allowed to grow past ``limit_bytes``: a write beyond it fails
    with EFBIG (SIGXFSZ ignored), as a write to a full disk fails with ENOSPC."""
    import resource
    import signal

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, resource.RLIM_INFINITY))

    return subprocess.run(
        [sys.executable, "-m", "ngoaid.cli", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
    )


def start_server_process(
    data_dir: Path, log_path: Path, timeout: float = 240, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Start ``ngoaid serve`` on a free port (``env`` added to this environment) and wait until
    /health answers; its log is appended to ``log_path`` (see :func:`eval.measure.start_server`)."""
    from eval.measure import start_server

    try:
        return start_server(data_dir, log_path, env, timeout)
    except RuntimeError as exc:
        raise AssertionError(str(exc)) from None
