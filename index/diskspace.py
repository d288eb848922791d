"""Telling a full disk apart from other write failures, so people get a message they can act on.

A full disk reaches us in several disguises: ``OSError`` with ENOSPC (or EFBIG when a file-size
limit is hit, or EDQUOT for a quota), SQLite's "database or disk is full", and Chroma's Rust core
reporting "No space left on device (os error 28)" inside its own exception types. Each write path
of the index turns any of them into :class:`DiskFull`.
"""

from __future__ import annotations

import errno
import os
import resource
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_ERRNOS = {errno.ENOSPC: "no space left on the device", errno.EFBIG: "a file reached the size limit"}
_ERRNOS[errno.EDQUOT] = "the disk quota is used up"

# Lower-case phrases as SQLite, the OS and Chroma's Rust core word them.
_PHRASES = {
    "database or disk is full": "no space left on the device",
    "no space left on device": "no space left on the device",
    "os error 28": "no space left on the device",
    "file too large": "a file reached the size limit",
    "os error 27": "a file reached the size limit",
    "disk quota exceeded": "the disk quota is used up",
    "os error 122": "the disk quota is used up",
}


class DiskFull(RuntimeError):
    """A write to the index failed for lack of disk space; what was indexed before is intact."""

    def __init__(self, folder: Path, detail: str) -> None:
        self.folder = folder
        self.detail = detail
        super().__init__(
            f"not enough disk space to write the index in {folder} ({detail}); free some space and "
            "run it again. Documents indexed before are not affected."
        )


def disk_full_detail(exc: BaseException) -> str | None:
    """Why ``exc`` (or an exception it was raised from) is a full disk, or None if it is not one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DiskFull):
            return current.detail
        if isinstance(current, OSError) and current.errno in _ERRNOS:
            return _ERRNOS[current.errno]
        text = str(current).lower()
        for phrase, detail in _PHRASES.items():
            if phrase in text:
                return detail
        current = current.__cause__ or current.__context__
    return None


# Below this much free space an index write failing is taken to be the disk's fault.
LOW_SPACE_BYTES = 8 * 2**20
# A file this close to the process's file-size limit (ulimit -f) cannot take another write.
_SIZE_LIMIT_MARGIN = 2**20


# Kept free by every document write. Embedded Chroma logs a write before applying it; if applying
# fails for lack of space, every later read (in any process) retries it and fails too, so the index
# could not even be searched until space is freed. Refusing a write early avoids that state.
RESERVE_BYTES = 4 * 2**20
BYTES_PER_PASSAGE = 32 * 1024  # vectors, their log and journal, catalog rows, keyword entries


def ensure_space(folder: Path, passages: int) -> None:
    """Raise :class:`DiskFull` unless adding ``passages`` leaves the reserve free."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return
    free = stats.f_bavail * stats.f_frsize
    need = RESERVE_BYTES + BYTES_PER_PASSAGE * passages
    if free < need:
        raise DiskFull(
            folder,
            f"{free // 1024} KB free on the device; this document needs about {need // 1024} KB, "
            f"{RESERVE_BYTES // 2**20} MB of which is kept free so the index stays readable",
        )


def probe_disk_space(folder: Path) -> str | None:
    """Whether the disk (or the file-size limit) leaves no room to write in ``folder``.

    Chroma's Rust core reports a full disk as "Failed to apply logs to the metadata segment" and
    SQLite a write refused for a file-size limit as "disk I/O error", so after a storage error the
    folder itself is examined.
    """
    try:
        stats = os.statvfs(folder)
    except OSError:
        return None
    free = stats.f_bavail * stats.f_frsize
    if free < LOW_SPACE_BYTES:
        return f"only {free // 1024} KB free on the device"
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft != resource.RLIM_INFINITY and _largest_file(folder) + _SIZE_LIMIT_MARGIN >= soft:
        return f"a file reached the size limit of {soft} bytes set for this process (ulimit -f)"
    return None


def _largest_file(folder: Path) -> int:
    largest = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                largest = max(largest, os.path.getsize(os.path.join(root, name)))
            except OSError:
                continue
    return largest


def _storage_error(exc: BaseException) -> bool:
    """Errors a storage layer raises: only these are worth blaming on the disk."""
    return isinstance(exc, OSError | sqlite3.Error) or type(exc).__module__.startswith("chromadb")


@contextmanager
def disk_full_as_error(folder: Path) -> Iterator[None]:
    """Re-raise a full-disk failure inside the block as :class:`DiskFull`; anything else unchanged."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        detail = disk_full_detail(exc)
        if detail is None and _storage_error(exc):
            detail = probe_disk_space(folder)
        if detail is None:
            raise
        raise DiskFull(folder, detail) from exc
