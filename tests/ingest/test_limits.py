"""Limits on reading files: a parser that stalls is stopped, memory stays bounded, huge files are
refused from their size. Real files and real child processes throughout."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ingest import loaders
from ingest.isolation import run_isolated
from ingest.loaders import load_bytes
from ingest.models import IngestError
from ingest.pipeline import prepare_document
from tests.helpers import ROOT
from tests.ingest.fixtures_files import SENTENCE, make_docx, news_page, stalling_pdf

# Two million text operators: over a minute of pypdf work on this machine, in a 55 KB file.
STALLING_OPERATIONS = 2_000_000


@pytest.fixture(scope="module")
def stalling() -> bytes:
    return stalling_pdf(STALLING_OPERATIONS)


def _refused_in_time(call, limit: float) -> IngestError:
    start = time.monotonic()
    with pytest.raises(IngestError) as info:
        call()
    elapsed = time.monotonic() - start
    assert elapsed < limit + 5, f"stopped only after {elapsed:.1f} s"
    assert not multiprocessing.active_children()  # the reader was killed and reaped
    return info.value


# --- time ---------------------------------------------------------------------------------------


def test_a_pdf_that_stalls_its_parser_is_stopped_at_the_time_limit(stalling):
    # the same construction, small, is a valid PDF that loads: what stops the big one is time
    assert load_bytes(stalling_pdf(1000), "nho.pdf").text.count("a") == 1000
    assert len(stalling) < 100_000
    error = _refused_in_time(lambda: load_bytes(stalling, "cham.pdf", time_limit=1.5), limit=1.5)
    assert error.source == "cham.pdf"
    assert "took too long to read" in error.reason and "1.5 s" in error.reason


def test_the_time_limit_works_from_a_worker_thread(stalling):
    # the server reads uploads on a worker thread, where SIGALRM-style timeouts cannot work
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(prepare_document, stalling, "cham.pdf", None, time_limit=1)
        with pytest.raises(IngestError, match="took too long to read"):
            future.result(timeout=30)


def test_the_time_limit_reaches_the_pipeline(stalling):
    error = _refused_in_time(lambda: prepare_document(stalling, "cham.pdf", time_limit=1), limit=1)
    assert "took too long to read" in error.reason


def _docx(sentences: int) -> bytes:
    return make_docx([SENTENCE] * sentences)


def _page(paragraphs: int) -> bytes:
    return news_page().replace("</article>", f"<p>{SENTENCE}</p>" * paragraphs + "</article>").encode()


# The limit is checked on a copy long enough that reading it takes over half a second on a quiet core:
# the reader must not finish before this process gets back the CPU to see the limit pass. With one
# sentence, or 3,000 (130-220 ms), it did twice in full runs on a busy machine.
@pytest.mark.parametrize(
    ("name", "make", "long", "expected"),
    [("bao-cao.docx", _docx, 20_000, SENTENCE), ("tin-bai.html", _page, 10_000, "17.216.450,40 USD")],
)
def test_a_real_docx_or_page_is_stopped_by_a_limit_too_short_to_read_it(name, make, long, expected):
    assert expected in load_bytes(make(1), name).text  # the default limit is ample
    data = make(long)
    error = _refused_in_time(lambda: load_bytes(data, name, time_limit=0.001), limit=0.001)
    assert "took too long to read" in error.reason


def test_plain_text_is_read_without_a_reader_process():
    # text cannot stall its decoder and a process per file would slow big batches: no limit applies
    assert SENTENCE in load_bytes(SENTENCE.encode(), "a.txt", time_limit=1e-9).text
    assert SENTENCE in load_bytes(SENTENCE.encode("utf-16"), "a.md", time_limit=1e-9).text


def test_reading_in_process_is_still_possible(stalling):
    assert SENTENCE in load_bytes(make_docx([SENTENCE]), "a.docx", time_limit=0).text
    with pytest.raises(ValueError):
        load_bytes(stalling, "cham.pdf", time_limit=-1)


# --- memory and crashes in the reader -----------------------------------------------------------


def _allocate(size: int) -> int:
    return len(bytearray(size))


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's out-of-memory killer does


def test_a_reader_that_needs_too_much_memory_is_refused_not_run():
    assert run_isolated(_allocate, (10 * 2**20,), name="nho.pdf", time_limit=30, memory_bytes=2**30) == 10 * 2**20
    with pytest.raises(IngestError) as info:
        run_isolated(_allocate, (3 * 2**30,), name="lon.pdf", time_limit=30, memory_bytes=2**30)
    assert info.value.source == "lon.pdf"
    assert "needs more than 1 GB of memory" in info.value.reason


def test_a_reader_that_dies_is_reported_as_such():
    with pytest.raises(IngestError) as info:
        run_isolated(_die, (), name="hong.pdf", time_limit=30)
    assert "reader stopped unexpectedly" in info.value.reason


def test_a_parser_bug_becomes_a_reason_not_a_crash():
    with pytest.raises(IngestError) as info:
        run_isolated(int, ("khong-phai-so",), name="loi.pdf", time_limit=30)
    assert "could not be read" in info.value.reason and "ValueError" in info.value.reason


def test_a_small_pdf_that_expands_to_too_much_text_is_refused(monkeypatch):
    text = load_bytes(stalling_pdf(5000), "a.pdf", time_limit=0).text
    monkeypatch.setattr(loaders, "MAX_TEXT_CHARS", 1000)  # in-process, so the patched limit applies
    with pytest.raises(IngestError, match="million characters of text.*split it"):
        load_bytes(stalling_pdf(5000), "a.pdf", time_limit=0)
    assert len(text) > 1000


# --- size: measured in a child process, so the peak memory is this file's alone -------------------

_MEASURE = """
import json, resource, sys
from pathlib import Path
from ingest.models import IngestError
from ingest.pipeline import prepare_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    doc = prepare_file(Path(sys.argv[1]), int(sys.argv[2]))
    outcome = {"passages": len(doc.passages)}
except IngestError as exc:
    outcome = {"error": exc.reason}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({**outcome, "peak_mb": after / 1024, "growth_mb": (after - before) / 1024}))
"""


# Linux carries a process's peak RSS over fork and exec, so a child of this (large) test process
# would report the test process's peak. A small interpreter in between starts the measured one.
_RELAY = "import subprocess, sys; sys.exit(subprocess.call([sys.executable, '-c', *sys.argv[1:]]))"


def _ingest_in_child(path: Path, max_bytes: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RELAY, _MEASURE, str(path), str(max_bytes)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(path.name, result)  # the figures, for the record (pytest -s)
    return result


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)  # no data written: instant, and takes no disk space
    return path


def _write_text(path: Path, size: int) -> Path:
    """``size`` bytes of real, varied report text (UTF-8), written in pieces."""
    line = (SENTENCE + " Dự án số {:09d} được phê duyệt.\n").format
    block_lines = 10_000
    with path.open("w", encoding="utf-8") as handle:
        written, n = 0, 0
        while written < size:
            block = "".join(line(n + i) for i in range(block_lines))
            n += block_lines
            encoded = block.encode()[: size - written]
            handle.write(encoded.decode("utf-8", errors="ignore"))
            written += len(encoded)
    return path


def test_a_200_mb_file_is_refused_from_its_size_without_being_read(tmp_path):
    big = _sparse(tmp_path / "bao-cao-lon.pdf", 200 * 2**20)
    result = _ingest_in_child(big, 50 * 2**20)
    assert result["error"] == "the file is 200.0 MB, over the 50 MB limit"
    assert result["growth_mb"] < 20  # reading it would have added 200 MB


def test_huge_plain_text_under_a_raised_limit_is_refused_from_its_size(tmp_path):
    path = _write_text(tmp_path / "van-ban-lon.txt", 190 * 2**20)
    result = _ingest_in_child(path, 200 * 2**20)  # the size limit raised above the file
    assert "190.0 MB" in result["error"] and "split it into smaller files" in result["error"]
    assert result["growth_mb"] < 20


def test_text_just_under_the_text_file_size_is_read_then_refused_for_its_length(tmp_path):
    path = _write_text(tmp_path / "gan-gioi-han.txt", loaders.MAX_TEXT_FILE_BYTES - 2**20)
    result = _ingest_in_child(path, 50 * 2**20)
    assert "million characters of text" in result["error"] and "split it" in result["error"]
    # 19 MB read and decoded (about 16 million characters, 2 bytes each): measured 49 MB, bound 150 MB
    assert result["growth_mb"] < 150


@pytest.mark.slow
def test_a_large_real_report_goes_in_with_bounded_memory(tmp_path, corpus_path):
    # 1 MB of report text (the corpus repeated with varied figures, so cleaning keeps it all)
    import random
    import re

    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus_path.glob("*.txt")))
    rng = random.Random(7)
    parts, size = [], 0
    while size < 2**20:
        part = re.sub(r"\d", lambda m: str(rng.randint(0, 9)), source)
        parts.append(f"Báo cáo phần {len(parts)}.\n{part}")
        size += len(parts[-1].encode())
    path = tmp_path / "bao-cao-1mb.txt"
    path.write_text("\n".join(parts), encoding="utf-8")
    result = _ingest_in_child(path, 50 * 2**20)
    assert result.get("passages", 0) > 1000, result
    assert result["peak_mb"] < 1024  # measured about 345 MB; stated bound 1 GB


def test_a_script_read_from_standard_input_can_read_a_web_page():
    """The reader's child process must not try to re-run a main script that has no file."""
    script = (
        "from ingest.loaders import load_bytes\n"
        "from tests.ingest.fixtures_files import news_page\n"
        "print(load_bytes(news_page().encode('utf-8'), 'tin.html').text[:200])\n"
    )
    done = subprocess.run([sys.executable, "-"], input=script, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()
