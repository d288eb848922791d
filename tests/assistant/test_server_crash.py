"""kill -9 of the server while an upload is being ingested: after a restart the index is consistent."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import invoke_cli, make_reports, start_server_process

pytestmark = pytest.mark.slow
SEED = int(os.environ.get("NGOAID_CRASH_SEED", "7"))


def _catalog(data_dir: Path) -> dict[str, int]:
    """doc_id -> passages recorded, straight from SQLite (0 documents while it does not exist yet)."""
    if not (data_dir / "catalog.sqlite3").exists():
        return {}
    conn = sqlite3.connect(data_dir / "catalog.sqlite3", timeout=10)
    try:
        return dict(conn.execute("SELECT doc_id, n_passages FROM documents"))
    except sqlite3.OperationalError:  # the schema is not there yet
        return {}
    finally:
        conn.close()


def _upload(base: str, paths: list[Path], outcome: dict) -> None:
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    try:
        outcome["response"] = httpx.post(f"{base}/documents", files=files, timeout=600)
    except httpx.HTTPError as exc:
        outcome["error"] = exc


def test_kill_9_server_during_upload_then_restart(tmp_path, corpus_dir):
    paths = make_reports(tmp_path / "in", corpus_dir, 6)
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    rng = random.Random(SEED)

    proc, base = start_server_process(data_dir, log)
    outcome: dict = {}
    uploader = threading.Thread(target=_upload, args=(base, paths, outcome))
    uploader.start()
    # Kill once the ingest is visibly under way (a document committed), after a random delay; or
    # at once if /health shows more vectors than catalog passages: a document's vectors are written
    # and its catalog transaction is not, the moment the write protocol exists for.
    deadline = time.monotonic() + 300
    while not _catalog(data_dir) and time.monotonic() < deadline and uploader.is_alive():
        time.sleep(0.05)
    delay, kill_at, point = rng.uniform(0.0, 2.0), time.monotonic(), "random delay"
    kill_at += delay
    while time.monotonic() < kill_at:
        try:
            health = httpx.get(f"{base}/health", timeout=1).json()
        except (httpx.HTTPError, ValueError):
            continue
        if health.get("vectors", 0) > health.get("passages", 0):  # a refusal (rate limit) has neither
            point = "vectors written, catalog not yet"
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    uploader.join(timeout=60)
    assert "response" not in outcome, f"the upload finished before the kill (delay {delay:.2f}s): raise the file count"
    at_kill = _catalog(data_dir)
    assert 1 <= len(at_kill) < len(paths)

    proc, base = start_server_process(data_dir, log)  # the restart repairs what the kill left
    try:
        served = {d["doc_id"]: d["n_passages"] for d in httpx.get(f"{base}/documents", timeout=30).json()}
        listed = json.loads(invoke_cli("docs", "list", "--json", "--data-dir", str(data_dir)).stdout)
        assert served == {d["doc_id"]: d["n_passages"] for d in listed} == _catalog(data_dir) == at_kill
        checked = invoke_cli("docs", "check", "--json", "--data-dir", str(data_dir))
        report = json.loads(checked.stdout)
        assert checked.returncode == 0 and report["consistent"], report["problems"]
        assert report["documents"] == len(at_kill) and report["vectors"] == report["passages"]

        again = httpx.post(
            f"{base}/documents",
            files=[("files", (p.name, p.read_bytes(), "text/plain")) for p in paths],
            timeout=600,
        )
        assert again.status_code == 200, again.text
        statuses = {r["name"]: r["status"] for r in again.json()["results"]}
        assert sorted(statuses) == sorted(p.name for p in paths)
        assert set(statuses.values()) <= {"added", "unchanged"}
        assert sum(s == "unchanged" for s in statuses.values()) == len(at_kill)
        names = sorted(d["name"] for d in httpx.get(f"{base}/documents", timeout=30).json())
        assert names == sorted(p.name for p in paths)  # each exactly once
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    final = json.loads(invoke_cli("docs", "check", "--json", "--data-dir", str(data_dir)).stdout)
    assert final["consistent"] and final["documents"] == len(paths), final["problems"]
    repaired = [line for line in log.read_text(errors="replace").splitlines() if "repaired the index" in line]
    print(f"seed {SEED}: killed at '{point}' (delay drawn {delay:.2f}s), {len(at_kill)} documents in; "
          f"{repaired or 'nothing to repair'}")  # fmt: skip
