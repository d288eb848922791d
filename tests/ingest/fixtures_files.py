"""Builders for the files the loader and pipeline tests feed in (generated, nothing binary committed).

A plain module, not a conftest: the tests import what they need from it.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
from pathlib import Path

# --- Vietnamese text ----------------------------------------------------------------------------

SENTENCE = "Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD vốn viện trợ phi chính phủ nước ngoài."
FIGURE = "17.216.450,40 USD"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 the way Vietnamese software writes it.

    cp1258 has the shaped letters (ă â ê ô ơ ư đ) precomposed but not the toned ones (ả, ị, ữ...):
    those are written as the base letter followed by a combining tone mark. So each character is
    encoded directly when the code page has it, else decomposed (NFD), its tone split off and the
    rest recomposed (NFC) before encoding.
    """
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = nfc("".join(c for c in parts if c not in _TONES))
            tones = "".join(c for c in parts if c in _TONES)
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


# VNI-Windows, transcribed from the published VNI character chart as byte values (not from
# ingest.encodings, so that the decoder is checked against an independent table). Each toned vowel
# is the base letter followed by one mark byte; capitals use the mark byte 0x20 lower (0xF9 -> 0xD9).
_VNI_TONE = {"\u0301": 0xF9, "\u0300": 0xF8, "\u0309": 0xFB, "\u0303": 0xF5, "\u0323": 0xEF}
_VNI_CIRCUMFLEX = {"": 0xE2, "\u0301": 0xE1, "\u0300": 0xE0, "\u0309": 0xE5, "\u0303": 0xE3, "\u0323": 0xE4}
_VNI_BREVE = {"": 0xEA, "\u0301": 0xE9, "\u0300": 0xE8, "\u0309": 0xFA, "\u0303": 0xFC, "\u0323": 0xEB}
_VNI_ONE_BYTE = {"đ": 0xF1, "Đ": 0xD1, "ơ": 0xF4, "Ơ": 0xD4, "ư": 0xF6, "Ư": 0xD6,
                 "ị": 0xF2, "Ị": 0xD2, "ỉ": 0xE6, "Ỉ": 0xC6, "ĩ": 0xF3, "Ĩ": 0xD3}


def encode_vni(text: str) -> bytes:
    """Text as a VNI-Windows file holds it (characters outside Vietnamese go as Windows-1252)."""
    out = bytearray()
    for char in nfc(text):
        if char in _VNI_ONE_BYTE:
            out.append(_VNI_ONE_BYTE[char])
            continue
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], parts[1:]
        tone = "".join(m for m in marks if m in _TONES)
        shift = 0x20 if base.isupper() else 0
        if base.lower() == "i" or not marks:  # ì í and plain letters are themselves
            out += char.encode("cp1252", errors="replace")
        elif "\u031b" in marks:  # horn: ơ ư, then the tone
            out += bytes([_VNI_ONE_BYTE[nfc(base + "\u031b")]])
            if tone:
                out.append(_VNI_TONE[tone] - shift)
        elif "\u0302" in marks:
            out += base.encode() + bytes([_VNI_CIRCUMFLEX[tone] - shift])
        elif "\u0306" in marks:
            out += base.encode() + bytes([_VNI_BREVE[tone] - shift])
        elif tone in _VNI_TONE:
            out += base.encode() + bytes([_VNI_TONE[tone] - shift])
        else:
            out += char.encode("cp1252", errors="replace")
    return bytes(out)


# --- PDF ----------------------------------------------------------------------------------------

_FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)


def vietnamese_font() -> Path | None:
    """A TTF font with Vietnamese glyphs, or None (PDF tests with Vietnamese text then skip)."""
    candidates = list(_FONT_CANDIDATES)
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:
        pass
    return next((p for p in candidates if p.is_file()), None)


def make_pdf(pages: list[list[str]], *, title: str | None = None, font: Path | None = None) -> bytes:
    """A PDF with one text line per entry (hard-wrapped like a real report) on each page.

    With ``font=None`` the PDF core font Helvetica is used: ASCII text only.
    """
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if font is not None:
        pdf.add_font("vn", fname=str(font))
        pdf.set_font("vn", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def stalling_pdf(operations: int) -> bytes:
    """A one-page PDF whose compressed content stream repeats a text operator ``operations`` times.

    Tiny on disk (about 30 bytes per thousand operations) but pypdf interprets every operator in
    Python, about 40 microseconds each: two million take over a minute to extract.
    """
    import zlib

    content = b"BT /F1 12 Tf 72 720 Td\n" + b"(a) Tj 1 0 Td\n" * operations + b"ET\n"
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_drawing_only_pdf() -> bytes:
    """A page with shapes and no text at all: what a scan without OCR looks like to a text extractor."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    pdf.set_fill_color(120)
    pdf.rect(80, 80, 40, 20, style="F")
    return bytes(pdf.output())


def encrypt_pdf(
    data: bytes, user_password: str, owner_password: str = "owner-secret", algorithm: str | None = None
) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- DOCX ---------------------------------------------------------------------------------------


def make_docx(
    blocks: list[str | list[list[str]]], *, title: str | None = None
) -> bytes:
    """A .docx from blocks in document order: a string is a paragraph, a list of rows is a table."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            grid = document.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
    if title is not None:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_of_zeros(size: int, member: str = "word/document.xml") -> bytes:
    """A zip holding ``size`` zero bytes, deflated to a tiny fraction of that (a small zip bomb)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, b"\0" * size)
    return buffer.getvalue()


def forge_declared_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for ``member`` (local and central headers),
    without writing that much data: a bomb's headers, cheaply."""
    out = bytearray(data)
    encoded = member.encode()
    pos = 0
    while (pos := out.find(b"PK\x03\x04", pos)) >= 0:  # local file headers
        name_len = struct.unpack_from("<H", out, pos + 26)[0]
        if out[pos + 30 : pos + 30 + name_len] == encoded:
            struct.pack_into("<I", out, pos + 22, declared)
        pos += 4
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) >= 0:  # central directory entries
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46 : pos + 46 + name_len] == encoded:
            struct.pack_into("<I", out, pos + 24, declared)
        pos += 4
    return bytes(out)


# --- HTML ---------------------------------------------------------------------------------------

HTML_TITLE = "Quảng Trị tổng kết công tác viện trợ PCPNN năm 2023"
HTML_DATE = "2024-03-05"
HTML_PARAGRAPHS = (
    "Năm 2023, các tổ chức phi chính phủ nước ngoài đã giải ngân tổng cộng 17.216.450,40 USD cho các "
    "chương trình, dự án tại tỉnh Quảng Trị, tập trung vào y tế, giáo dục và khắc phục hậu quả bom mìn.",
    "Ủy ban nhân dân tỉnh đánh giá cao sự hỗ trợ của các tổ chức quốc tế và cam kết tạo điều kiện thuận "
    "lợi để các dự án được triển khai hiệu quả, đúng tiến độ trong những năm tới.",
)
HTML_MENU = ("Trang chủ", "Giới thiệu", "Tin tức sự kiện", "Liên hệ")
HTML_RELATED = (
    "Hội nghị xúc tiến vận động viện trợ phi chính phủ nước ngoài",
    "Khánh thành trường mầm non do tổ chức Plan tài trợ ở Hướng Hóa",
)
HTML_FOOTER = ("Bản quyền thuộc Cổng thông tin điện tử tỉnh Quảng Trị", "Địa chỉ: 45 Hùng Vương, Đông Hà")


def news_page(date_meta: str = '<meta name="date" content="{date}">') -> str:
    """A provincial news page: menu, article with two paragraphs, related-news box, footer."""
    menu = "".join(f'<li><a href="/m{i}">{item}</a></li>' for i, item in enumerate(HTML_MENU))
    related = "".join(f'<li><a href="/r{i}">{item}</a></li>' for i, item in enumerate(HTML_RELATED))
    paragraphs = "".join(f"<p>{p}</p>" for p in HTML_PARAGRAPHS)
    footer = "".join(f"<p>{line}</p>" for line in HTML_FOOTER)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{HTML_TITLE}</title>
{date_meta.format(date=HTML_DATE)}</head>
<body>
<nav class="menu"><ul>{menu}</ul></nav>
<main>
<article>{paragraphs}</article>
<aside class="related"><h3>Tin bài liên quan</h3><ul>{related}</ul></aside>
</main>
<footer>{footer}</footer>
</body></html>"""
