"""A batch through the real command line: good reports and every kind of bad file in one folder.

The good and the decodable files are indexed, each bad one is named with its reason, the exit status
says some failed, and the run finishes in bounded time.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from ingest import loaders
from tests.helpers import invoke_cli
from tests.ingest.fixtures_files import (
    encode_cp1258,
    encode_vni,
    encrypt_pdf,
    forge_declared_size,
    make_pdf,
    nfc,
    zip_of_zeros,
)

# Decodable files: a title line that only comes back right if the decoding is right, then a report.
DECODABLE = {
    "bao-cao-utf16.txt": ("Báo cáo Quảng Trị lưu bằng UTF-16", lambda text: text.encode("utf-16")),
    "bao-cao-cp1258.txt": ("Báo cáo Thừa Thiên Huế lưu bằng Windows-1258", encode_cp1258),
    "bao-cao-vni.txt": ("Báo cáo Đắk Lắk gõ bằng phông VNI, dự án nước sạch", encode_vni),
}

# Bad files and a piece of the reason each must be reported with.
EXPECTED_FAILURES = {
    "bi-cat.pdf": "unreadable PDF",
    "co-mat-khau.pdf": "password-protected",
    "bom-nen.docx": "over the limit",
    "that-ra-la-anh.txt": "binary data",
    "trong.txt": "the file is empty",
    "qua-lon.pdf": "over the 50 MB limit",
}


def _build_folder(folder: Path, corpus: Path) -> list[str]:
    """Write the mixed folder; returns the names of the good reports copied from the corpus."""
    folder.mkdir()
    reports = sorted(corpus.glob("*.txt"))
    good = reports[:2]
    for path in good:
        shutil.copy(path, folder / path.name)
    for (name, (title, encode)), source in zip(DECODABLE.items(), reports[2:] + reports, strict=False):
        text = nfc(f"{title}\n{source.read_text(encoding='utf-8')}").replace("…", "...")  # cp1258 has no "…"
        (folder / name).write_bytes(encode(text))

    pdf = make_pdf([["Quang Tri received 94 projects in 2023."] * 5, ["Page two."]])
    (folder / "bi-cat.pdf").write_bytes(pdf[: len(pdf) // 2])
    (folder / "co-mat-khau.pdf").write_bytes(encrypt_pdf(pdf, user_password="mat-khau"))
    declared = loaders.MAX_DOCX_EXPANDED_BYTES + 2**20
    (folder / "bom-nen.docx").write_bytes(forge_declared_size(zip_of_zeros(1000), "word/document.xml", declared))
    (folder / "that-ra-la-anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
    (folder / "trong.txt").write_bytes(b"")
    with (folder / "qua-lon.pdf").open("wb") as handle:
        handle.truncate(60 * 2**20)  # sparse: 60 MB to the file system, nothing written
    return [path.name for path in good]


@pytest.mark.slow
def test_mixed_batch_indexes_the_good_and_names_every_bad_file(tmp_path, corpus_path):
    good = _build_folder(tmp_path / "lo-ho-so", corpus_path)
    data_dir = tmp_path / "data"

    start = time.monotonic()
    done = invoke_cli("ingest", str(tmp_path / "lo-ho-so"), "--data-dir", str(data_dir))
    elapsed = time.monotonic() - start

    assert done.returncode == 1, done.stdout + done.stderr  # some files failed
    failed_lines = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("FAILED ")]
    for name, reason in EXPECTED_FAILURES.items():
        line = next((line for line in failed_lines if f"{os.sep}{name}:" in line), None)
        assert line is not None, f"{name} is not reported as failed:\n{done.stdout}"
        assert reason in line, line
    assert len(failed_lines) == len(EXPECTED_FAILURES), failed_lines
    assert f"{len(EXPECTED_FAILURES)} failed" in done.stdout
    assert "Traceback" not in done.stderr

    listed = json.loads(invoke_cli("docs", "list", "--json", "--data-dir", str(data_dir)).stdout)
    by_name = {doc["name"]: doc for doc in listed}
    assert set(by_name) == set(good) | set(DECODABLE), sorted(by_name)
    for name, (title, _) in DECODABLE.items():  # decoded right: the title reads as written
        assert by_name[name]["title"] == title, by_name[name]
        assert by_name[name]["n_passages"] > 0
    print(f"batch of {len(good) + len(DECODABLE) + len(EXPECTED_FAILURES)} files ingested in {elapsed:.1f} s")


def test_a_file_that_fails_to_load_is_named_by_its_path(tmp_path):
    from ingest.models import IngestError
    from ingest.pipeline import prepare_file

    path = tmp_path / "thu-muc" / "trong.txt"
    path.parent.mkdir()
    path.write_bytes(b" \n")
    with pytest.raises(IngestError) as info:
        prepare_file(path, max_bytes=2**20)
    assert info.value.source == str(path)  # like size and read errors, not just the bare name
    assert info.value.reason == "the file is empty"
