"""The audit log: every change to the index recorded, appended whole, readable after a crash."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from index.audit import AUDIT_FILE, Actor, AuditEntry, AuditLog
from index.store import IndexStore
from ingest.models import IngestError
from ingest.pipeline import prepare_document
from tests.helpers import invoke_cli

WHO = Actor("192.0.2.7", "api", "req-1")


def test_entries_come_back_oldest_first_with_filters(tmp_path):
    log = AuditLog(tmp_path / AUDIT_FILE)
    assert log.entries() == []
    for i in range(5):
        log.record(AuditEntry.now(WHO, "add", f"r{i}.txt", f"ab{i}", "added"))
    assert [e.name for e in log.entries()] == [f"r{i}.txt" for i in range(5)]
    assert [e.name for e in log.entries(limit=2)] == ["r3.txt", "r4.txt"]
    assert [e.doc_id for e in log.entries(doc_id="ab3")] == ["ab3"]
    first = log.entries()[0]
    assert (first.who, first.via, first.request, first.action, first.result) == ("192.0.2.7", "api", "req-1", "add", "added")


def test_a_line_torn_by_a_crash_is_skipped(tmp_path):
    log = AuditLog(tmp_path / AUDIT_FILE)
    log.record(AuditEntry.now(WHO, "remove", "a.txt", "a1", "removed"))
    with (tmp_path / AUDIT_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-12-04T10:00:00+00:00", "who": "x", "via"')  # no end, no newline
    assert [e.doc_id for e in log.entries()] == ["a1"]
    log.record(AuditEntry.now(WHO, "add", "b.txt", "b1", "added"))  # on a line of its own
    assert [e.doc_id for e in log.entries()] == ["a1", "b1"]


def _write_many(path: str, tag: str) -> None:
    log = AuditLog(Path(path))
    for i in range(300):
        log.record(AuditEntry.now(Actor(tag, "command line"), "add", f"{tag}-{i}-" + "x" * 200, None, "added"))


def test_two_processes_appending_never_mix_their_lines(tmp_path):
    path = str(tmp_path / AUDIT_FILE)
    workers = [multiprocessing.get_context("spawn").Process(target=_write_many, args=(path, t)) for t in ("p1", "p2")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 600 and all(json.loads(line)["name"].startswith(json.loads(line)["who"]) for line in lines)


def test_the_store_records_adds_failures_and_removals(tmp_path, embedder):
    store = IndexStore(tmp_path / "data", embedder)
    text = "Năm 2021, tỉnh Điện Biên tiếp nhận 6 dự án viện trợ phi chính phủ nước ngoài."

    def broken():
        raise IngestError("hong.pdf", "the PDF is damaged")

    report = store.add_documents(
        [("dien-bien.txt", lambda: prepare_document(text.encode(), "dien-bien.txt")), ("hong.pdf", broken)], actor=WHO
    )
    doc_id = report.added[0].outcome.doc_id
    store.add_documents([("dien-bien.txt", lambda: prepare_document(text.encode(), "dien-bien.txt"))], actor=WHO)
    store.remove_documents([doc_id])  # from this process: the command line's actor
    entries = store.audit.entries()
    assert [(e.action, e.name, e.doc_id, e.result) for e in entries] == [
        ("add", "dien-bien.txt", doc_id, "added"),
        ("add", "hong.pdf", None, "failed: the PDF is damaged"),
        ("add", "dien-bien.txt", doc_id, "unchanged"),
        ("remove", "dien-bien.txt", doc_id, "removed"),
    ]
    assert entries[0].who == "192.0.2.7" and entries[-1].via == "command line" and entries[-1].request.startswith("pid ")


def test_docs_history_shows_what_the_command_line_did(tmp_path):
    data = tmp_path / "data"
    report = tmp_path / "lai-chau.txt"
    report.write_text("Năm 2020, tỉnh Lai Châu có 4 dự án viện trợ PCPNN mới.", encoding="utf-8")
    assert invoke_cli("ingest", str(report), "--data-dir", str(data)).returncode == 0
    assert invoke_cli("docs", "remove", "lai-chau.txt", "--data-dir", str(data)).returncode == 0
    shown = invoke_cli("docs", "history", "--data-dir", str(data))
    assert shown.returncode == 0
    lines = shown.stdout.strip().splitlines()
    assert len(lines) == 3 and "command line" in lines[1] and "add" in lines[1] and "lai-chau.txt: added" in lines[1]
    assert "remove" in lines[2] and "lai-chau.txt: removed" in lines[2]
    as_json = json.loads(invoke_cli("docs", "history", "--json", "--limit", "1", "--data-dir", str(data)).stdout)
    assert [(e["action"], e["result"]) for e in as_json] == [("remove", "removed")]
    empty = invoke_cli("docs", "history", "--data-dir", str(tmp_path / "none"))
    assert empty.returncode == 0 and "No changes recorded" in empty.stdout
