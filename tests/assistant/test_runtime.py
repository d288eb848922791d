"""The process settings every entry point applies."""

from __future__ import annotations

import subprocess
import sys

from assistant.runtime import BATCH_NICENESS


def _niceness_after(setup: str) -> tuple[int, int]:
    """(niceness before, after) ``run_as_batch_job`` called twice in a new process (which inherits
    this one's niceness: an in-process ``ngoaid ingest`` test may have lowered it already)."""
    code = f"import os; {setup}; a = os.nice(0); from assistant.runtime import run_as_batch_job as r; r(); r(); print(a, os.nice(0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after = map(int, out.split())
    return before, after


def test_an_ingest_runs_at_batch_priority_once():
    """``run_as_batch_job`` lowers the priority to BATCH_NICENESS and no further, however often it is called."""
    before, after = _niceness_after("pass")
    assert after == max(before, BATCH_NICENESS)


def test_a_lower_priority_is_kept():
    before, after = _niceness_after(f"os.nice(max(0, {BATCH_NICENESS + 5} - os.nice(0)))")
    assert before >= BATCH_NICENESS + 5 and after == before
