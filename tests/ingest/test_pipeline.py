from __future__ import annotations

import pytest

from ingest.models import IngestError
from ingest.pipeline import collect_files, content_id, prepare_document

TEXT = (
    "Quảng Trị thu hút viện trợ PCPNN\n"
    "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn giải ngân đạt "
    "17.216.450,40 USD. Trong tổng số 94 chương trình, dự án đang triển khai có 36 dự án mới.\n"
    "Tin bài liên quan\nMột tiêu đề khác\n"
)


def test_document_from_bytes():
    doc = prepare_document(TEXT.encode(), "qt.txt", source="/data/qt.txt")
    assert doc.doc_id == content_id(TEXT.encode()) and doc.name == "qt.txt" and doc.source == "/data/qt.txt"
    assert doc.title == "Quảng Trị thu hút viện trợ PCPNN"
    assert "Tin bài liên quan" not in doc.text and "Một tiêu đề khác" not in doc.text
    assert doc.provinces == ["Quảng Trị"] and doc.years == [2023]
    for p in doc.passages:
        assert p.text == doc.text[p.start : p.end]
        assert all(p.start <= s.start < s.end <= p.end for s in p.sentences)
    sentences = [s.of(doc.text) for p in doc.passages for s in p.sentences]
    assert any(s.endswith("giải ngân đạt 17.216.450,40 USD.") for s in sentences)


def test_id_depends_only_on_the_bytes():
    a = prepare_document(TEXT.encode(), "a.txt")
    b = prepare_document(TEXT.encode(), "b.txt")
    c = prepare_document(TEXT.replace("94", "95").encode(), "a.txt")
    assert a.doc_id == b.doc_id != c.doc_id


def test_a_page_of_clutter_only_is_refused():
    with pytest.raises(IngestError, match="no text left"):
        prepare_document("Tin bài liên quan\nTiêu đề một\nĐọc nhiều\nTiêu đề hai\n".encode(), "menu.txt")


def test_collect_files(tmp_path):
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for path in ["b.txt", "a.md", "sub/c.pdf", "sub/d.docx", "page.HTML", ".secret.txt", ".hidden/e.txt", "photo.jpg"]:
        (root / path).write_bytes(b"x")
    outside = tmp_path / "sheet.xlsx"
    outside.write_bytes(b"x")
    selection = collect_files([root, root / "b.txt", outside, tmp_path / "missing"])
    assert [p.relative_to(root).as_posix() for p in selection.files] == ["a.md", "b.txt", "page.HTML", "sub/c.pdf", "sub/d.docx"]
    assert [e.source.rsplit("/", 1)[-1] for e in selection.skipped] == ["photo.jpg"]
    reasons = {e.source.rsplit("/", 1)[-1]: e.reason for e in selection.errors}
    assert "unsupported" in reasons["sheet.xlsx"] and "no such file" in reasons["missing"]
