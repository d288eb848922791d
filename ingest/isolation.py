"""Run a file reader in a child process with a time limit and a memory cap.

PDF, Word and HTML parsers can be made to run for hours or to eat all memory by a damaged or hostile
file, and none of them can be interrupted from Python: signals such as SIGALRM only reach the main
thread, and the server reads uploads on a worker thread. A child process can always be killed, from
any thread, so the parsers run in one.

Children are forked from a fork server that has already imported the parsers: a fork costs a few
milliseconds, where starting a fresh interpreter and importing pypdf, python-docx and trafilatura
costs a second or more per file. Forking the calling process directly is not safe in the server
(threads and the embedding model's thread pools would be copied mid-operation).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from ingest.models import IngestError

T = TypeVar("T")

# How much memory a reader may take beyond what it holds when it starts (the parsers and the file).
READER_MEMORY_BYTES = 2 * 2**30


@cache
def _context(preload: tuple[str, ...]) -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # not on Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


def _address_space_now() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


def _cap_memory(extra_bytes: int) -> None:
    """Limit this process's address space to what it uses now plus ``extra_bytes``."""
    current = _address_space_now()
    if not current:
        return  # no /proc: run uncapped rather than guess
    limit = current + extra_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child_main(conn: Connection, target: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int | None) -> None:
    try:
        if memory_bytes is not None:
            _cap_memory(memory_bytes)
        try:
            outcome: tuple[str, Any] = ("ok", target(*args))
        except IngestError as exc:
            outcome = ("refused", exc.reason)
        except MemoryError:
            outcome = ("memory", None)
        except RecursionError:
            outcome = ("crashed", "its structure is nested too deeply")
        except Exception as exc:  # noqa: BLE001 - any parser bug becomes a reason, not a crash
            outcome = ("crashed", f"{exc.__class__.__name__}: {exc}")
        conn.send(outcome)
    finally:
        conn.close()


@contextmanager
def _main_not_reimported() -> Iterator[None]:
    """Start children without re-running a main script that cannot be found again.

    multiprocessing makes each child import the parent's main script by its path. A script read from
    standard input ("<stdin>") has no such file and every child would die; the readers do not need
    it (they are functions of this package), so the path is hidden while the child starts.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or getattr(main, "__spec__", None) is not None or path is None or os.path.isfile(path):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def run_isolated(
    target: Callable[..., T],
    args: tuple[Any, ...],
    *,
    name: str,
    time_limit: float,
    memory_bytes: int | None = READER_MEMORY_BYTES,
    preload: Sequence[str] = (),
) -> T:
    """``target(*args)`` in a child process; an :class:`IngestError` about ``name`` if it is too
    slow, runs out of memory, raises, or dies.

    ``target`` must be a module-level function (the child finds it by name). ``preload`` names the
    modules the fork server imports once for all children.
    """
    context = _context(tuple(preload))
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, target, args, memory_bytes), daemon=True)
    try:
        with _main_not_reimported():
            process.start()  # returns once the child exists, so the time limit counts reading only
    except OSError as exc:
        receiver.close()
        raise IngestError(name, f"cannot start a reader for the file ({exc.strerror or exc}); try again") from exc
    finally:
        sender.close()
    try:
        if not receiver.poll(time_limit):
            raise IngestError(
                name,
                f"the file took too long to read and was stopped after {time_limit:g} s; it may be "
                "damaged or unusually complex: try saving it again, or as plain text",
            )
        try:
            kind, value = receiver.recv()
        except EOFError:  # the child died without answering (killed, out of memory, crashed)
            process.join(5)
            raise IngestError(
                name, f"the reader stopped unexpectedly (exit code {process.exitcode}); the file may be damaged"
            ) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if kind == "ok":
        return value
    if kind == "refused":
        raise IngestError(name, value)
    if kind == "memory":
        raise IngestError(
            name, f"reading the file needs more than {memory_bytes / 2**30:g} GB of memory; it may be damaged"
        )
    raise IngestError(name, f"the file could not be read ({value})")
