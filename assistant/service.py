"""What the HTTP API and the chat UI both serve: one object, loaded once per process.

It holds the index, the answerer and the drafter, and the operations that change the index
(upload, removal) with their limits and checks, so the API and the UI cannot drift apart.
"""

from __future__ import annotations

import hmac
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from assistant.answering import Answerer
from assistant.drafting import Drafter
from assistant.runtime import build_answerer, build_drafter, open_store, settle_heap
from assistant.settings import Settings
from index.audit import Actor, AuditEntry
from index.catalog import DocumentInfo
from index.diskspace import DiskFull, disk_full_as_error
from index.store import AddStatus, BatchItem, IndexBusy, IndexStore, ReconcileReport
from ingest.loaders import SUPPORTED_TYPES
from ingest.models import IngestError
from ingest.pipeline import PassageOptions, prepare_document

MAX_NAME_CHARS = 120
log = logging.getLogger("ngoaid.service")


class ServiceError(Exception):
    """A request the service refuses, with the HTTP status that fits and a message for people."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class UploadResult:
    name: str
    status: AddStatus
    doc_id: str | None = None
    passages: int = 0
    reason: str | None = None


@dataclass
class UploadReport:
    results: list[UploadResult] = field(default_factory=list)

    @property
    def failed(self) -> list[UploadResult]:
        return [r for r in self.results if r.status is AddStatus.FAILED]


def safe_name(name: str | None) -> str:
    """A display name for an uploaded file: its last path part, without control characters.

    Names from uploads are only shown and stored as text; they never choose where a file is written.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not name:
        return "upload"
    stem, dot, suffix = name.rpartition(".")
    if dot and len(name) > MAX_NAME_CHARS:
        return stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix
    return name[:MAX_NAME_CHARS]


# A full collection stops every request for its length (100-300 ms with both shared corpora): once
# per change was measured beside an ingest committing twice a second, and /ask p50 went from
# 134 to 425 ms. Once a minute bounds both that cost and what stays frozen after it died.
SETTLE_INTERVAL_S = 60.0


class Services:
    def __init__(self, settings: Settings, store: IndexStore | None = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings)
        self.answerer: Answerer = build_answerer(settings, self.store)
        self.drafter: Drafter = build_drafter(settings, self.store)
        self.uploads_dir = settings.data_dir / "uploads"
        self.repaired = self._repair_after_crash()
        self._settled_generation: int | None = None
        self._settled_at: float | None = None
        self._settle_lock = threading.Lock()

    def settle_heap(self) -> None:
        """After start-up and after changes of the index (by this process or another), the memory
        the answers keep is collected once and frozen (see :func:`assistant.runtime.settle_heap`);
        at most once in ``SETTLE_INTERVAL_S``, and not at all while the index stays the same.
        Meant to run after a response is sent."""
        generation = self.store.catalog.generation()
        with self._settle_lock:
            due = self._settled_at is None or time.monotonic() - self._settled_at >= SETTLE_INTERVAL_S
            if generation != self._settled_generation and due:
                settle_heap()
                self._settled_generation, self._settled_at = generation, time.monotonic()

    def _repair_after_crash(self) -> ReconcileReport | None:
        """Remove what a killed upload left (stray vectors) and restore missing ones, so a restarted
        server starts from a consistent index. Skipped when another process is writing: that writer
        repairs it first."""
        try:
            report = self.store.reconcile(wait_seconds=0)
        except IndexBusy:
            return None
        except DiskFull as exc:  # reads still work; uploads will say the same
            log.warning("could not repair the index at start-up: %s", exc)
            return None
        if report.changed:
            log.warning(
                "repaired the index after an interrupted write: removed %d stray vectors, restored %d",
                report.orphan_vectors_removed, report.missing_vectors_added,
            )  # fmt: skip
        return report

    @property
    def token_required(self) -> bool:
        return bool(self.settings.api_token)

    def check_token(self, given: str | None, actor: Actor | None = None, action: str = "write") -> None:
        """Refuse a write when a token is configured and the one given differs (constant time); the
        refusal goes into the audit log when ``actor`` is given."""
        expected = self.settings.api_token
        if not expected:
            return
        if not given or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
            if actor is not None:
                self.refused(actor, action, None, "no token" if not given else "wrong token")
            raise ServiceError(401, "this action needs the API token (header 'Authorization: Bearer <token>')")

    def refused(self, actor: Actor, action: str, name: str | None, reason: str) -> None:
        """Record a write that was asked for and refused (the token, the origin, a limit)."""
        self.store.audit.record(AuditEntry.now(actor, action, name, None, f"refused: {reason}"))

    def history(self, limit: int | None = None, doc_id: str | None = None) -> list[AuditEntry]:
        """The audit log's newest entries, oldest first."""
        return self.store.audit.entries(limit=limit, doc_id=doc_id)

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def upload(self, files: list[tuple[str | None, BinaryIO]], actor: Actor) -> UploadReport:
        """Ingest uploaded files, given as (name, open binary file), for ``actor`` (recorded in the
        audit log). Bad files are reported one by one; the others go in. Every upload limit is
        checked here, for the API and the chat page alike; no file is read past its limit."""
        if not files:
            raise ServiceError(400, "no file was uploaded")
        if len(files) > self.settings.max_upload_files:
            message = f"{len(files)} files in one upload; the limit is {self.settings.max_upload_files}"
            self.refused(actor, "add", None, message)
            raise ServiceError(400, message)
        limit = self.settings.max_file_bytes
        read: list[tuple[str | None, bytes]] = []
        for name, handle in files:
            data = handle.read(limit + 1)  # never more than the limit plus one byte
            if len(data) > limit:
                message = f"{safe_name(name)} is over the {self.settings.max_file_mb:g} MB limit per file"
                self.refused(actor, "add", safe_name(name), message)
                raise ServiceError(413, message)
            read.append((name, data))
        options = PassageOptions(self.settings.passage_max_chars, self.settings.passage_max_sentences)

        def prepared(shown: str, data: bytes):
            doc = prepare_document(data, shown, source=f"upload:{shown}", options=options, time_limit=self.settings.read_time_limit)
            with disk_full_as_error(self.settings.data_dir):
                self._keep_original(doc.doc_id, shown, data)
            return doc

        shown_names = [safe_name(name) for name, _ in read]
        batch = self.store.add_documents(
            [(shown, lambda shown=shown, data=data: prepared(shown, data)) for shown, (_, data) in zip(shown_names, read, strict=True)],
            actor=actor,
        )
        report = UploadReport([_upload_result(item) for item in batch.items])
        if isinstance(batch.stopped_by, DiskFull):
            raise ServiceError(507, _disk_full_message(batch.stopped_by, batch.stopped_at or "", report)) from batch.stopped_by
        if batch.stopped_by is not None:
            raise batch.stopped_by
        return report

    def _keep_original(self, doc_id: str, name: str, data: bytes) -> None:
        # stored under the content hash, so an uploaded name can never choose the path
        suffix = Path(name).suffix.lower()
        suffix = suffix if suffix in SUPPORTED_TYPES else ""
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        target = self.uploads_dir / f"{doc_id}{suffix}"
        if not target.exists():
            tmp = target.with_name(target.name + ".part")
            try:
                tmp.write_bytes(data)
                tmp.replace(target)
            finally:
                tmp.unlink(missing_ok=True)  # a half-written copy from a full disk

    def remove(self, doc_id: str, actor: Actor) -> DocumentInfo:
        info = self.store.catalog.document(doc_id)
        if info is None:
            raise ServiceError(404, f"no document with ID {doc_id}")
        self.store.remove_documents([doc_id], actor=actor)
        for path in self.uploads_dir.glob(f"{doc_id}*") if self.uploads_dir.exists() else []:
            path.unlink(missing_ok=True)
        return info


def _upload_result(item: BatchItem) -> UploadResult:
    if item.outcome is not None:
        return UploadResult(item.key, item.outcome.status, item.outcome.doc_id, item.outcome.n_passages)
    if isinstance(item.error, IngestError):
        return UploadResult(item.key, AddStatus.FAILED, reason=item.error.reason)
    # the store logged the error with its traceback
    reason = f"it could not be processed ({item.error.__class__.__name__}); the server log has the details"
    return UploadResult(item.key, AddStatus.FAILED, reason=reason)


def _disk_full_message(exc: DiskFull, failed_name: str, report: UploadReport) -> str:
    """Say what went in before the disk filled up, so the uploader knows what to send again."""
    done = [r.name for r in report.results if r.status is not AddStatus.FAILED]
    before = f"{len(done)} file(s) before it were indexed ({', '.join(done)}); " if done else ""
    return f"{exc} {before}{failed_name} and the files after it were not added."
