"""Each format loads, each kind of bad file gets a clear reason."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile

import pytest

from ingest import loaders
from ingest.cleaning import clean_text
from ingest.loaders import load_bytes, read_source
from ingest.models import IngestError
from tests.ingest.files import make_docx, make_pdf, vietnamese_font

SENTENCE = "Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ phi chính phủ nước ngoài."


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    "encoded",
    [
        SENTENCE.encode("utf-8"),
        b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"),
        SENTENCE.encode("utf-16"),  # with BOM
        SENTENCE.encode("utf-16-le"),  # without BOM
        SENTENCE.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be"],
)
def test_text_encodings(encoded):
    assert nfc(load_bytes(encoded, "report.txt").text).strip() == SENTENCE


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: letters with their shape (ă, ơ, ư...)
    precomposed, the tone as a separate combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return bytes(out)


def test_windows_1258_vietnamese():
    encoded = _cp1258(SENTENCE)
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")
    assert nfc(load_bytes(encoded, "legacy.txt").text) == SENTENCE
    assert "17.216.450,40" in clean_text(load_bytes(encoded, "legacy.txt").text).text


def test_markdown():
    loaded = load_bytes(f"# Báo cáo\n\n**{SENTENCE}**\n\n![ảnh](a.png)\n[Nguồn](http://x.vn)".encode(), "a.md")
    assert loaded.file_type == "markdown"
    cleaned = clean_text(loaded.text)
    assert SENTENCE in cleaned.text and "![" not in cleaned.text and "http" not in cleaned.text


def test_html_keeps_the_article_and_drops_the_page_around_it():
    html = f"""<html><head><title>Quảng Trị giải ngân năm 2023</title>
    <meta name="date" content="2024-04-15"></head><body>
    <nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/t">Tin tức</a></li></ul></nav>
    <article><h1>Quảng Trị giải ngân năm 2023</h1><p>{SENTENCE}</p>
    <p>Năm 2023, có 33 tổ chức PCPNN và 11 tổ chức quốc tế hoạt động trên địa bàn tỉnh Quảng Trị.</p></article>
    <aside><h3>Tin bài liên quan</h3><ul><li><a href="/a">Một bài khác hoàn toàn</a></li></ul></aside>
    <footer>Địa chỉ: 20 Lê Đại Hành. Điện thoại: 0233 3550383</footer></body></html>"""
    loaded = load_bytes(html.encode(), "page.html")
    cleaned = clean_text(loaded.text, title=loaded.title, published=loaded.published)
    assert SENTENCE in cleaned.text and "33 tổ chức PCPNN" in cleaned.text
    for clutter in ("Trang chủ", "Tin bài liên quan", "Một bài khác", "Địa chỉ"):
        assert clutter not in cleaned.text
    assert loaded.title == "Quảng Trị giải ngân năm 2023" and loaded.published == "2024-04-15"


def test_html_too_short_for_the_extractor_still_loads():
    loaded = load_bytes("<html><body><p>Quảng Trị có 94 dự án.</p></body></html>".encode(), "tiny.htm")
    assert "94 dự án" in loaded.text


needs_font = pytest.mark.skipif(vietnamese_font() is None, reason="no font with Vietnamese glyphs")


@needs_font
def test_pdf_text_title_and_hard_wraps():
    pages = [
        ["Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình,", "dự án PCPNN triển khai với số vốn giải ngân đạt", "17.216.450,40 USD."],
        ["Năm 2023, có 381 tổ chức phi chính phủ nước ngoài hoạt động tại Việt Nam."],
    ]
    loaded = load_bytes(make_pdf(pages, title="Báo cáo PCPNN 2023"), "report.pdf")
    assert loaded.file_type == "pdf" and loaded.title == "Báo cáo PCPNN 2023"
    cleaned = clean_text(loaded.text)
    lines = cleaned.text.split("\n")
    assert (
        "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn giải ngân "
        "đạt 17.216.450,40 USD." in lines
    )
    assert "381 tổ chức" in cleaned.text


def test_docx_paragraphs_tables_and_title():
    data = make_docx([SENTENCE, "Đoạn thứ hai."], table=[["Tỉnh", "Dự án"], ["Quảng Trị", "94"]], title="Báo cáo")
    loaded = load_bytes(data, "report.docx")
    assert SENTENCE in loaded.text and "Quảng Trị | 94" in loaded.text and loaded.title == "Báo cáo"


def _reason(data: bytes, name: str) -> str:
    with pytest.raises(IngestError) as info:
        load_bytes(data, name)
    assert info.value.source == name
    return info.value.reason


def test_unsupported_empty_and_binary():
    assert "unsupported file type (.xlsx)" in _reason(b"x", "sheet.xlsx")
    assert "no extension" in _reason(b"x", "README")
    assert "empty" in _reason(b"", "a.txt")
    assert "empty" in _reason(b" \n\t ", "a.txt")
    assert "binary" in _reason(os.urandom(4096), "random.txt")
    assert "binary" in _reason(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16, "image.txt")


@needs_font
def test_bad_pdfs():
    good = make_pdf([[SENTENCE]])
    assert "unreadable PDF" in _reason(good[:300], "truncated.pdf")
    assert "no text layer" in _reason(_drawing_only_pdf(), "scan.pdf")
    assert "password" in _reason(_encrypted(good), "locked.pdf")


def _drawing_only_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    return bytes(pdf.output())


def _encrypted(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_bad_docx(monkeypatch):
    assert "not a zip archive" in _reason(b"PK not really a zip", "fake.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 2_000_000)  # 2 MB of zeros squeeze into kilobytes
    bomb = buffer.getvalue()
    assert len(bomb) < 50_000
    monkeypatch.setattr(loaders, "MAX_DOCX_EXPANDED_BYTES", 1_000_000)
    assert "over the limit" in _reason(bomb, "bomb.docx")
    monkeypatch.undo()
    assert "unreadable .docx" in _reason(bomb, "bomb.docx")  # a zip, but not a Word document


def test_read_source(tmp_path):
    with pytest.raises(IngestError, match="cannot read the file"):
        read_source(tmp_path / "missing.txt", 1000)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 3 * 2**20)
    with pytest.raises(IngestError, match="3.0 MB, over the 1 MB limit"):
        read_source(big, 2**20)
    assert read_source(big, 4 * 2**20) == b"a" * 3 * 2**20
