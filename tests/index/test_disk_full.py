"""A disk that fills up during an ingest gives a plain error, never a corrupt index.

Two ways to fill it for real: a per-process file-size limit (RLIMIT_FSIZE, works unprivileged:
writes past it fail with EFBIG) and, when the test may mount one, a small tmpfs (ENOSPC).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from index.diskspace import RESERVE_BYTES
from index.store import IndexStore
from tests.helpers import invoke_cli, make_reports, run_cli, run_cli_with_file_size_limit

pytestmark = pytest.mark.slow


def _largest_file(folder: Path) -> int:
    return max(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _names(data_dir: Path) -> set[str]:
    conn = sqlite3.connect(data_dir / "catalog.sqlite3")
    try:
        return {row[0] for row in conn.execute("SELECT name FROM documents")}
    finally:
        conn.close()


def _assert_consistent(data_dir: Path) -> dict:
    checked = invoke_cli("docs", "check", "--json", "--data-dir", str(data_dir))
    report = json.loads(checked.stdout)
    assert checked.returncode == 0 and report["consistent"], report["problems"]
    return report


def _assert_full_disk_run(
    failed: subprocess.CompletedProcess[str], before: set[str], data_dir: Path, embedder
) -> set[str]:
    """The run stopped with a plain message; what it added is whole; what was there is intact."""
    assert failed.returncode == 1, failed.stderr[-2000:]
    assert "not enough disk space" in failed.stderr and "free some space" in failed.stderr, failed.stderr[-2000:]
    assert "Traceback" not in failed.stderr
    after = _names(data_dir)
    assert before <= after
    # Read in this process (no other is running now): saves loading the model twice more.
    store = IndexStore(data_dir, embedder)
    report = store.check()
    # The full disk can also refuse the failed write's cleanup of its own new vectors (Chroma must
    # write to delete). The protocol leaves those for the next repair and search never returns them;
    # anything else would be a corrupt index.
    strays = set(report.stray_vectors)
    assert replace(report, stray_vectors=[]).consistent, report.problems()
    hits = store.search("Báo cáo số 0 về viện trợ PCPNN", top_k=5).hits
    assert any(hit.doc_name == "report-00.txt" for hit in hits)  # still searchable
    assert not strays & {hit.passage.passage_id for hit in hits}
    if strays:  # the next run (here its first step, the repair) removes them
        assert store.reconcile().orphan_vectors_removed == len(strays)
        assert store.check().consistent
    return after


def test_file_size_limit_mid_ingest(tmp_path, corpus_dir, embedder):
    paths = make_reports(tmp_path / "in", corpus_dir, 6)
    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir(), rest.mkdir()
    for p in paths[:2]:
        p.rename(first / p.name)
    for p in paths[2:]:
        p.rename(rest / p.name)
    data_dir = tmp_path / "data"
    assert invoke_cli("ingest", str(first), "--data-dir", str(data_dir)).returncode == 0
    before = _names(data_dir)

    # Chroma's database grows about 9 KB per passage: 300 KB more lets a report or two in, then
    # the limit is reached part-way through the batch.
    limit = _largest_file(data_dir) + 300 * 1024
    failed = run_cli_with_file_size_limit(limit, "ingest", str(rest), "--data-dir", str(data_dir))
    assert "size limit" in failed.stderr
    after = _assert_full_disk_run(failed, before, data_dir, embedder)
    assert before < after < before | {p.name for p in paths}, "the limit should be reached mid-batch"

    done = invoke_cli("ingest", str(rest), "--json", "--data-dir", str(data_dir))  # space is back
    assert done.returncode == 0, done.stderr[-2000:]
    assert _names(data_dir) == {p.name for p in paths}
    assert _assert_consistent(data_dir)["documents"] == len(paths)


@pytest.fixture
def small_disk(tmp_path):
    """A 32 MB tmpfs, or a skip when this process may not mount one (needs root and CAP_SYS_ADMIN)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount_point)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_tmpfs(tmp_path, corpus_dir, small_disk, embedder):
    paths = make_reports(tmp_path / "in", corpus_dir, 5)
    data_dir = small_disk / "data"
    assert invoke_cli("ingest", *map(str, paths[:2]), "--data-dir", str(data_dir)).returncode == 0
    before = _names(data_dir)
    # Other files take the disk: what is left is the index's reserve and room for a report or so.
    left = RESERVE_BYTES + 600 * 1024
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - left))

    failed = run_cli("ingest", *map(str, paths[2:]), "--data-dir", str(data_dir))
    assert "free on the device" in failed.stderr or "no space left" in failed.stderr, failed.stderr[-2000:]
    _assert_full_disk_run(failed, before, data_dir, embedder)

    ballast.unlink()  # space is back
    done = invoke_cli("ingest", *map(str, paths[2:]), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr[-2000:]
    assert _names(data_dir) == {p.name for p in paths}
    _assert_consistent(data_dir)
