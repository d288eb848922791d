"""ingest.loaders: every supported format loads, every kind of bad file gets a clear IngestError."""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile

import pytest

from ingest import loaders
from ingest.cleaning import clean_text
from ingest.encodings import looks_like_vni, vni_to_unicode
from ingest.loaders import load_bytes, read_source
from ingest.models import IngestError
from tests.ingest.fixtures_files import (
    FIGURE,
    HTML_DATE,
    HTML_FOOTER,
    HTML_MENU,
    HTML_PARAGRAPHS,
    HTML_RELATED,
    HTML_TITLE,
    SENTENCE,
    encode_cp1258,
    encode_vni,
    encrypt_pdf,
    forge_declared_size,
    make_docx,
    make_drawing_only_pdf,
    make_pdf,
    news_page,
    nfc,
    vietnamese_font,
    zip_of_zeros,
)


@pytest.fixture(scope="module")
def font():
    path = vietnamese_font()
    if path is None:
        pytest.skip("no TTF font with Vietnamese glyphs (DejaVuSans) on this machine")
    return path


def refusal(data: bytes, name: str) -> IngestError:
    """The IngestError that load_bytes raises for this file (fails the test if it loads)."""
    with pytest.raises(IngestError) as info:
        load_bytes(data, name)
    error = info.value
    assert error.source == name
    assert str(error).startswith(f"{name}: ")  # the message a person sees names the file
    assert error.reason.strip()
    return error


# --- plain text ---------------------------------------------------------------------------------

TEXT = f"Báo cáo tình hình viện trợ PCPNN\n{SENTENCE}\nĐặc biệt, ưu tiên hỗ trợ đồng bào dân tộc ở huyện Hướng Hóa.\n"


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), id="utf-8-bom"),
        pytest.param(b"\xff\xfe" + TEXT.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(b"\xfe\xff" + TEXT.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(TEXT.encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(TEXT.encode("utf-16-be"), id="utf-16-be-no-bom"),
    ],
)
def test_text_in_unicode_encodings(encoded):
    loaded = load_bytes(encoded, "report.txt")
    assert loaded.file_type == "text"
    assert "\ufeff" not in loaded.text  # the BOM is not part of the text
    assert "\ufffd" not in loaded.text
    assert nfc(loaded.text) == TEXT


def test_text_in_windows_1258():
    encoded = encode_cp1258(TEXT)
    # the test only means something if the bytes take the legacy path and a wrong code page garbles them
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")
    assert nfc(encoded.decode("cp1252", errors="replace")) != TEXT
    loaded = load_bytes(encoded, "legacy.txt")
    assert nfc(loaded.text) == TEXT
    cleaned = clean_text(loaded.text)  # cleaning composes the separate tone marks
    assert SENTENCE in cleaned.text.split("\n")


# A paragraph as a provincial report writes it, with every kind of VNI letter: ơ ư đ, toned i's
# (ị ỉ ĩ), circumflex and breve rows, capitals with marks (Ủ, Đ) and Windows-1252 punctuation.
VNI_PARAGRAPH = (
    "Ủy ban nhân dân tỉnh Quảng Trị báo cáo: năm 2023, các tổ chức phi chính phủ nước ngoài đã giải "
    "ngân 17.216.450,40 USD, tăng so với năm trước. Đặc biệt, những dự án nước sạch, y tế, giáo dục "
    "và rà phá bom mìn ở huyện Hướng Hóa, Đakrông được người dân đánh giá cao; các lớp tập huấn kỹ "
    "năng sinh kế đã giúp hàng nghìn hộ nghèo ổn định cuộc sống, sẵn sàng tiếp nhận “vốn mới” – "
    "Sở Ngoại vụ đề nghị nghiên cứu, mở rộng thêm trong thời gian tới. Nghĩa tình, chỉ đạo, quyết liệt."
)


def test_text_in_vni_windows():
    encoded = encode_vni(VNI_PARAGRAPH)
    # the bytes take the legacy path and neither Windows code page reads them
    with pytest.raises(UnicodeDecodeError):
        encoded.decode("utf-8")
    for code_page in ("cp1252", "cp1258"):
        assert nfc(encoded.decode(code_page)) != VNI_PARAGRAPH
    assert b"Vi\xf2" not in encoded and b"Qua\xfbng Tr\xf2" in encoded  # "Quảng Trị" as VNI writes it
    text = load_bytes(encoded, "bao-cao-vni.txt").text
    assert text == VNI_PARAGRAPH
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("vni", "unicode"),
    [  # samples published with VNI converters, and letters read off the VNI chart: not produced by
       # the code under test
        (b"Xin cha\xf8o ca\xf9c ba\xefn", "Xin chào các bạn"),
        (b"\xd1a\xf8 Na\xfcng", "Đà Nẵng"),
        (b"sa\xfcn co\xf9", "sẵn có"),
        (b"che\xe1t v\xec", "chết vì"),
        (b"Chi ph\xed", "Chi phí"),
        (b"Co\xe4ng ho\xf8a xa\xf5 ho\xe4i chu\xfb ngh\xf3a Vie\xe4t Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        (b"\xd6\xd4\xd9C T\xcdNH, TR\xd6\xd4\xd8NG", "ƯỚC TÍNH, TRƯỜNG"),
        (b"ha\xfan hoi, l\xf6\xf4\xefng, ch\xe6 \xf1a\xefo", "hẳn hoi, lượng, chỉ đạo"),
    ],
)
def test_vni_published_samples(vni, unicode):
    assert vni_to_unicode(vni.decode("cp1252")) == unicode


def test_vni_reports_from_the_corpus_come_back_exactly(corpus_path):
    for path in sorted(corpus_path.glob("*.txt")):
        original = nfc(path.read_text(encoding="utf-8"))
        assert load_bytes(encode_vni(original), path.name).text == original, path.name


def test_windows_1258_reports_are_not_taken_for_vni(corpus_path):
    # Windows-1258 bytes read as Windows-1252 contain VNI-like pairs ("hoà" is "ho" + 0xE0, which is
    # VNI for "hồ"): the detector must still leave them to the Windows-1258 reading.
    for path in sorted(corpus_path.glob("*.txt")):
        original = nfc(path.read_text(encoding="utf-8")).replace("…", "...")  # cp1258 has no "…"
        encoded = encode_cp1258(original)
        assert not looks_like_vni(encoded.decode("cp1252")), path.name
        assert nfc(load_bytes(encoded, path.name).text) == original, path.name


def test_western_text_with_vni_like_pairs_is_not_vni():
    french = "Où est la gare? Déjà vu, le café coûte trois euros là où il fait beau. Noël, naïve."
    assert not looks_like_vni(french)
    assert not looks_like_vni("Vieät")  # one word is too little to tell


def test_decoding_does_not_normalise_utf8_text_away():
    decomposed = "Qua\u0309ng Tri\u0323"  # NFD input stays as given: normalisation is cleaning's job
    assert nfc(load_bytes(decomposed.encode(), "a.txt").text) == "Quảng Trị"


@pytest.mark.parametrize("name", ["notes.md", "NOTES.MD", "notes.markdown"])
def test_markdown(name):
    source = (
        "# Báo cáo viện trợ\n\n"
        f"**{SENTENCE}**\n\n"
        "![Ảnh minh họa](images/anh1.png)\n\n"
        "Danh sách đầy đủ các dự án được đăng trên [trang của tỉnh](https://quangtri.gov.vn/bao-cao).\n"
    )
    loaded = load_bytes(source.encode(), name)
    assert loaded.file_type == "markdown"
    assert SENTENCE in loaded.text
    cleaned = clean_text(loaded.text)
    lines = cleaned.text.split("\n")
    assert SENTENCE in lines  # emphasis marks gone
    assert "Danh sách đầy đủ các dự án được đăng trên trang của tỉnh." in lines  # link text kept, target dropped
    assert not any(mark in cleaned.text for mark in ("#", "**", "![", "](", "https://", "anh1.png"))
    assert cleaned.title == "Báo cáo viện trợ"


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date_meta",
    [
        '<meta name="date" content="{date}">',
        '<meta property="article:published_time" content="{date}T08:30:00+07:00">',
    ],
    ids=["meta-date", "article-published-time"],
)
def test_html_keeps_the_article_and_drops_the_page_around_it(date_meta):
    loaded = load_bytes(news_page(date_meta).encode("utf-8"), "tin-bai.html")
    assert loaded.file_type == "html"
    assert loaded.title == HTML_TITLE
    assert loaded.published == HTML_DATE
    for paragraph in HTML_PARAGRAPHS:
        assert paragraph in loaded.text
    assert FIGURE in loaded.text
    clutter = (*HTML_MENU, "Tin bài liên quan", *HTML_RELATED, *HTML_FOOTER)
    for piece in clutter:
        assert piece not in loaded.text, piece
    # and cleaning keeps the article as two paragraphs, the figure intact
    cleaned = clean_text(loaded.text, title=loaded.title, published=loaded.published)
    assert [p for p in HTML_PARAGRAPHS if p in cleaned.text.split("\n")] == list(HTML_PARAGRAPHS)
    assert cleaned.title == HTML_TITLE and cleaned.published == HTML_DATE


def test_html_page_too_short_for_the_main_content_extractor_still_gives_its_text():
    page = "<html><head><title>Tin ngắn</title></head><body><div>Quảng Trị có 94 dự án.</div></body></html>"
    loaded = load_bytes(page.encode(), "ngan.htm")
    assert loaded.file_type == "html"
    assert "Quảng Trị có 94 dự án." in loaded.text


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Trống</title></head><body></body></html>",
        "<html><body><script>var tongVon = 17216450;</script><style>p{color:red}</style></body></html>",
    ],
    ids=["no-body-text", "only-script-and-style"],
)
def test_html_without_readable_text_is_refused(page):
    assert "no readable text" in refusal(page.encode(), "trong.html").reason


# --- PDF ----------------------------------------------------------------------------------------

WRAPPED = [  # one paragraph as a report's PDF prints it: cut at the line width
    "Trong năm 2023, các tổ chức phi chính phủ nước ngoài đã phối hợp với",
    "các sở, ngành và địa phương triển khai nhiều chương trình, dự án",
    "thiết thực với tổng số vốn giải ngân đạt",
    "17.216.450,40 USD.",
]
PAGE_TWO = "Tỉnh Quảng Trị tiếp nhận thêm 36 dự án mới trong năm."


def test_pdf_two_pages_text_title_and_hard_wraps(font):
    data = make_pdf([["Báo cáo công tác viện trợ", *WRAPPED], [PAGE_TWO]], title="Báo cáo PCPNN 2023", font=font)
    loaded = load_bytes(data, "bao-cao.pdf")
    assert loaded.file_type == "pdf"
    assert loaded.title == "Báo cáo PCPNN 2023"
    text = nfc(loaded.text)
    for line in WRAPPED:
        assert line in text  # Vietnamese glyphs come back as the same characters
    assert text.index(WRAPPED[0]) < text.index(PAGE_TWO)  # pages in order
    cleaned = clean_text(loaded.text, title=loaded.title)
    paragraphs = cleaned.text.split("\n")
    assert " ".join(WRAPPED) in paragraphs  # the hard-wrapped lines are one paragraph again
    assert PAGE_TWO in paragraphs
    assert cleaned.title == "Báo cáo PCPNN 2023"


def test_pdf_without_title_metadata_has_no_title(font):
    loaded = load_bytes(make_pdf([[SENTENCE]], font=font), "khong-tieu-de.pdf")
    assert loaded.title is None
    assert SENTENCE in nfc(loaded.text)


def test_pdf_wrap_before_the_unit_keeps_figure_and_unit_together(font):
    lines = [
        "Trong năm 2023, các tổ chức phi chính phủ nước ngoài đã giải ngân 17.216.450,40",
        "USD cho các chương trình y tế, giáo dục và sinh kế tại tỉnh Quảng Trị.",
    ]
    cleaned = clean_text(load_bytes(make_pdf([lines], font=font), "wrap.pdf").text)
    assert " ".join(lines) in cleaned.text.split("\n")


def test_truncated_pdf_is_unreadable():
    good = make_pdf([["Quang Tri received 94 projects in 2023."] * 5], title="Report")
    assert "94 projects" in load_bytes(good, "whole.pdf").text  # the untruncated file is fine
    error = refusal(good[:300], "cut.pdf")
    assert "unreadable PDF" in error.reason


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_pdf_cut_anywhere_is_refused_cleanly(fraction):
    good = make_pdf([["Quang Tri received 94 projects in 2023."] * 5, ["Page two."]])
    # whatever pypdf trips on must come back as an IngestError, not as its own exception
    error = refusal(good[: int(len(good) * fraction)], "cut.pdf")
    assert "PDF" in error.reason


def test_non_pdf_bytes_named_pdf_are_refused():
    assert "unreadable PDF" in refusal("Đây không phải là PDF.".encode(), "gia.pdf").reason


def test_pdf_without_a_text_layer_is_refused_with_the_reason():
    error = refusal(make_drawing_only_pdf(), "ban-scan.pdf")
    assert "no text layer" in error.reason and "OCR" in error.reason


def test_pdf_with_a_user_password_is_refused():
    plain = make_pdf([["Quang Tri received 94 projects in 2023."]])
    locked = encrypt_pdf(plain, user_password="mat-khau")
    error = refusal(locked, "khoa.pdf")
    assert "password" in error.reason


def test_pdf_with_only_an_owner_password_still_loads():
    # "protected" against editing but openable by anyone: the text is readable
    plain = make_pdf([["Quang Tri received 94 projects in 2023."]], title="Owner only")
    loaded = load_bytes(encrypt_pdf(plain, user_password=""), "chi-chu-so-huu.pdf")
    assert "94 projects" in loaded.text and loaded.title == "Owner only"


# --- DOCX ---------------------------------------------------------------------------------------


def test_docx_paragraphs_table_and_title():
    table = [["Tỉnh", "Số dự án", "Vốn giải ngân"], ["Quảng Trị", "94", FIGURE], ["Thừa Thiên Huế", "61", "9.870.000 USD"]]
    data = make_docx([SENTENCE, "Đoạn thứ hai nói về giáo dục.", table], title="Báo cáo viện trợ 2023")
    loaded = load_bytes(data, "bao-cao.docx")
    assert loaded.file_type == "docx"
    assert loaded.title == "Báo cáo viện trợ 2023"
    lines = loaded.text.split("\n")
    assert SENTENCE in lines and "Đoạn thứ hai nói về giáo dục." in lines
    for row in table:  # each row on its own line, its cells in order
        row_line = next(line for line in lines if line.startswith(row[0]))
        positions = [row_line.index(cell) for cell in row]
        assert positions == sorted(positions), row_line


def test_docx_without_title_has_no_title():
    assert load_bytes(make_docx([SENTENCE]), "a.docx").title is None


def test_docx_merged_cells_are_not_repeated():
    import docx

    document = docx.Document()
    grid = document.add_table(rows=2, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 2)).text = "Tổng vốn giải ngân theo năm"
    for c, year in enumerate(["2022", "2023", "2024"]):
        grid.cell(1, c).text = year
    buffer = io.BytesIO()
    document.save(buffer)
    text = load_bytes(buffer.getvalue(), "gop-o.docx").text
    assert text.count("Tổng vốn giải ngân theo năm") == 1
    assert all(year in text for year in ("2022", "2023", "2024"))


def test_docx_row_with_equal_values_keeps_every_column():
    table = [["Tỉnh", "Số dự án", "Số tổ chức"], ["Quảng Trị", "5", "5"]]
    text = load_bytes(make_docx([table]), "bang.docx").text
    row = next(line for line in text.split("\n") if "Quảng Trị" in line)
    assert row.count("5") == 2, row


def test_docx_keeps_tables_in_document_order():
    data = make_docx(
        ["Bảng 1: Số dự án", [["Quảng Trị", "94"]], "Bảng 2: Vốn giải ngân", [["Quảng Trị", FIGURE]]]
    )
    text = load_bytes(data, "thu-tu.docx").text
    order = [text.index(piece) for piece in ("Bảng 1", "94", "Bảng 2", FIGURE)]
    assert order == sorted(order), text


def test_docx_that_is_not_a_zip_is_refused():
    for data in (b"This is plain text, not Word.", b"PK\x03\x04 but then garbage"):
        assert "not a zip" in refusal(data, "gia.docx").reason


def test_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert "unreadable .docx" in refusal(buffer.getvalue(), "khong-phai-word.docx").reason


def test_docx_with_no_text_is_refused():
    assert "no text" in refusal(make_docx(["", "   "]), "trong.docx").reason


def test_zip_bomb_named_docx_is_refused_before_parsing(monkeypatch):
    limit = 1_000_000
    monkeypatch.setattr(loaders, "MAX_DOCX_EXPANDED_BYTES", limit)
    bomb = zip_of_zeros(2 * limit)
    assert len(bomb) < limit // 100  # tiny on disk, large once expanded
    error = refusal(bomb, "bom.docx")
    assert "over the limit" in error.reason

    # a genuine document padded past the limit is refused too (the size check comes first) ...
    real = make_docx([SENTENCE])
    padded = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real)) as src, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("word/media/padding.bin", b"\0" * (2 * limit))
    assert "over the limit" in refusal(padded.getvalue(), "don.docx").reason
    # ... while the same document without the padding is under the limit and loads
    assert SENTENCE in load_bytes(real, "that.docx").text


def test_zip_bomb_over_the_real_limit_is_refused_without_expanding_it():
    declared = loaders.MAX_DOCX_EXPANDED_BYTES + 2**20
    assert declared < 2**32  # fits the zip header without ZIP64
    bomb = forge_declared_size(zip_of_zeros(1000), "word/document.xml", declared)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == declared
    assert "over the limit" in refusal(bomb, "bom-lon.docx").reason


# --- files that are not what their name says, empty files, unknown types -------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [("so-lieu.xlsx", ".xlsx"), ("BAO-CAO.XLSX", ".xlsx"), ("README", "no extension"), ("anh.png", ".png")],
)
def test_unsupported_types_are_refused_naming_the_type(name, shown):
    error = refusal(SENTENCE.encode(), name)
    assert "unsupported file type" in error.reason and shown in error.reason
    for supported in (".txt", ".md", ".html", ".pdf", ".docx"):
        assert supported in error.reason  # tells the person what would work


@pytest.mark.parametrize("name", ["trong.txt", "trong.md", "trong.html", "trong.pdf", "trong.docx"])
@pytest.mark.parametrize("data", [b"", b"   ", b" \r\n\t \n"], ids=["empty", "spaces", "whitespace"])
def test_empty_and_whitespace_files_are_refused_as_empty(name, data):
    assert "empty" in refusal(data, name).reason


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n", " \n ".encode("utf-16")],
    ids=["utf8-bom-only", "utf8-bom-whitespace", "utf16-whitespace"],
)
def test_files_with_only_a_bom_or_encoded_whitespace_are_refused_as_empty(data):
    assert "empty" in refusal(data, "trong.txt").reason


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x02\x00\x00\x00"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(os.urandom(4096), id="random-bytes"),
        pytest.param(PNG_HEADER + os.urandom(2048), id="png"),
        pytest.param(bytes(b for b in os.urandom(8192) if b), id="random-without-nul"),
        pytest.param(zip_of_zeros(100), id="zip"),
    ],
)
def test_binary_bytes_named_txt_are_refused(data):
    assert "binary" in refusal(data, "that-ra-la-anh.txt").reason


def test_text_with_a_few_control_characters_is_still_text():
    data = (SENTENCE + "\f\t" + SENTENCE + "\r\n").encode()
    assert SENTENCE in load_bytes(data, "a.txt").text


# --- reading from disk --------------------------------------------------------------------------


def test_read_source_returns_the_bytes(tmp_path):
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(TEXT.encode("utf-16"))
    assert read_source(path, 2**20) == TEXT.encode("utf-16")


def test_read_source_missing_file(tmp_path):
    missing = tmp_path / "khong-co.txt"
    with pytest.raises(IngestError) as info:
        read_source(missing, 2**20)
    assert info.value.source == str(missing)
    assert "cannot read the file" in info.value.reason


def test_read_source_folder_is_refused(tmp_path):
    with pytest.raises(IngestError, match="cannot read the file"):
        read_source(tmp_path, 2**20)


def _sparse(path, size: int):
    with open(path, "wb") as handle:  # no data written: instant and takes no disk space
        handle.truncate(size)
    return path


def test_read_source_refuses_a_file_over_the_limit_and_names_the_limit(tmp_path):
    big = _sparse(tmp_path / "lon.pdf", 3 * 2**20 + 1)
    with pytest.raises(IngestError) as info:
        read_source(big, 2 * 2**20)
    reason = info.value.reason
    named = re.search(r"over the ([\d.]+) MB limit", reason)
    assert named and float(named.group(1)) == 2, reason
    assert re.search(r"\b3(\.0)? MB\b", reason), reason  # and says how big the file is


def test_read_source_accepts_a_file_exactly_at_the_limit(tmp_path):
    path = _sparse(tmp_path / "vua.txt", 2**20)
    assert len(read_source(path, 2**20)) == 2**20


@pytest.mark.parametrize("limit_mb", [1.5, 0.5])
def test_read_source_names_a_fractional_limit_correctly(tmp_path, limit_mb):
    max_bytes = int(limit_mb * 2**20)  # how assistant.settings turns max_file_mb into bytes
    path = _sparse(tmp_path / "lon.txt", max_bytes + 2**17)
    with pytest.raises(IngestError) as info:
        read_source(path, max_bytes)
    named = re.search(r"over the ([\d.]+) MB limit", info.value.reason)
    assert named, info.value.reason
    assert float(named.group(1)) == pytest.approx(limit_mb, rel=0.05), info.value.reason


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_aes_encrypted_pdf_without_a_user_password_loads(algorithm, font):
    plain = make_pdf([[SENTENCE]], font=font)
    loaded = load_bytes(encrypt_pdf(plain, user_password="", algorithm=algorithm), "aes.pdf")
    assert "17.216.450,40" in loaded.text
    with pytest.raises(IngestError, match="password"):
        load_bytes(encrypt_pdf(plain, user_password="mat-khau", algorithm=algorithm), "aes-locked.pdf")
