"""The process settings every entry point applies."""

from __future__ import annotations

import subprocess
import sys

from assistant.runtime import BATCH_NICENESS


def test_an_ingest_runs_at_batch_priority_once():
    """``run_as_batch_job`` lowers the priority to BATCH_NICENESS and no further, however often it is called."""
    code = "import os; from assistant.runtime import run_as_batch_job as r; r(); r(); print(os.nice(0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(out) == BATCH_NICENESS


def test_a_lower_priority_is_kept():
    code = "import os; os.nice(15); from assistant.runtime import run_as_batch_job as r; r(); print(os.nice(0))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(out) == 15
