"""Helpers shared by tests (not fixtures): paths, running the CLI, free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

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



def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``ngoaid`` in a child process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
