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


def test_an_ingest_runs_in_the_idle_scheduling_class():
    """The CPU goes to a server's questions first; threads started afterwards (torch's) inherit it."""
    code = (
        "import os, threading; from assistant.runtime import run_as_batch_job as r; r(); r(); seen = []\n"
        "t = threading.Thread(target=lambda: seen.append(os.sched_getscheduler(0))); t.start(); t.join()\n"
        "print(os.sched_getscheduler(0) == os.SCHED_IDLE, seen == [os.SCHED_IDLE])"
    )
    assert _run(code) == "True True"


def test_a_lower_priority_is_kept():
    before, after = _niceness_after(f"os.nice(max(0, {BATCH_NICENESS + 5} - os.nice(0)))")
    assert before >= BATCH_NICENESS + 5 and after == before


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_settling_the_heap_collects_garbage_then_freezes_what_lives():
    """``settle_heap`` frees cycles that died (also ones frozen earlier) and freezes the rest, once."""
    out = _run(
        "import gc, weakref\n"
        "from assistant.runtime import settle_heap, _freeze_after_slow_collection as f\n"
        "class Node: pass\n"
        "a = Node(); a.me = a; dead = weakref.ref(a); del a\n"
        "gc.freeze()\n"  # frozen garbage: only a settle collects it
        "settle_heap(); settle_heap()\n"
        "print(dead() is None, gc.get_freeze_count() > 0, gc.callbacks.count(f))"
    )
    assert out == "True True 1"


def test_survivors_of_a_slow_full_collection_are_frozen():
    out = _run(
        "import gc\n"
        "import assistant.runtime as r\n"
        "r.settle_heap(); r.SLOW_COLLECTION_MS = 0.0\n"
        "kept = [[i] for i in range(10000)]\n"
        "before = gc.get_freeze_count(); gc.collect(1); young = gc.get_freeze_count()\n"
        "gc.collect(2); print(young == before, gc.get_freeze_count() >= before + 10000)"
    )
    assert out == "True True"
