"""The record of every change to the index: who added or removed what, when, through what, and how it ended.

One JSON object per line in ``audit.jsonl`` in the data folder, only ever appended to. Each entry is
written with a single ``write`` on a file opened for appending, under a lock on the file, then
flushed to disk (closing the file lets the lock go), so entries of the server and of command-line
ingests into the same folder never interleave, and a crash can at worst leave a torn last line,
which reading skips (the next entry starts a line of its own). The server names the client address and the request ID it sent back (``X-Request-ID``), so a removal
can be traced to the request that made it.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

AUDIT_FILE = "audit.jsonl"  # in the data folder
log = logging.getLogger("ngoaid.index")


@dataclass(frozen=True)
class Actor:
    """Who asked for a change: a client address (or a local user), the way in, and the request."""

    who: str
    via: str  # "api", "chat page", "command line"
    request: str | None = None  # the request ID the server sent back, or a chat session

    @classmethod
    def local(cls) -> Actor:
        """This process, run by a person at the machine (the command line, a script)."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no name for the user ID (a container)
            user = str(os.getuid())
        return cls(f"{user}@{socket.gethostname()}", "command line", f"pid {os.getpid()}")


@dataclass(frozen=True)
class AuditEntry:
    time: str  # UTC, ISO 8601
    who: str
    via: str
    request: str | None
    action: str  # "add" or "remove" (a refused one says so in ``result``)
    name: str | None  # the file's name as given
    doc_id: str | None
    result: str  # added, replaced, unchanged, duplicate, removed, failed: <reason>, refused: <reason>

    @classmethod
    def now(cls, actor: Actor, action: str, name: str | None, doc_id: str | None, result: str) -> AuditEntry:
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return cls(stamp, actor.who, actor.via, actor.request, action, name, doc_id, result)


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, entry: AuditEntry) -> None:
        """Append one entry. A failure to write it (a full disk) is logged, not raised: the change it
        describes is already committed and must be reported as done."""
        line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode("utf-8")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                # writers take turns: without the lock, another process's append still being copied
                # in can look like a torn line here (measured: an empty line in 1 run of 4)
                fcntl.flock(fd, fcntl.LOCK_EX)
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line  # after a line torn by a crash: start a line of its own
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("could not write to the audit log %s (%s): %s", self.path, exc, line.decode("utf-8").strip())

    def entries(self, limit: int | None = None, doc_id: str | None = None) -> list[AuditEntry]:
        """The newest ``limit`` entries (all when None), oldest first; only those of documents whose
        ID starts with ``doc_id`` when it is given."""
        found = [e for e in self._read() if doc_id is None or (e.doc_id or "").startswith(doc_id)]
        return found[-limit:] if limit else found

    def _read(self) -> Iterator[AuditEntry]:
        try:
            handle = self.path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        fields = set(AuditEntry.__dataclass_fields__)
        with handle:
            for line in handle:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue  # a line torn by a crash while it was written
                if isinstance(data, dict) and fields <= data.keys():
                    yield AuditEntry(**{k: data[k] for k in fields})
