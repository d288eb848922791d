"""Cleaning on each report of the shared corpus, and the rules one by one."""

from __future__ import annotations

import pytest

from ingest.cleaning import (
    clean_text,
    is_footer,
    is_navigation,
    parse_date_line,
    remove_repeats,
    unwrap_lines,
)
from ingest.vietnamese import comparable, normalize_text

MARKERS = ["Tin bài liên quan", "Các tin bài khác", "Đọc nhiều", "Multimedia", "Bờ cõi biển đảo"]


@pytest.fixture(scope="module")
def cleaned(corpus_dir):
    return {p.name: clean_text(p.read_text(encoding="utf-8")) for p in sorted(corpus_dir.glob("*.txt"))}


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def test_no_menu_or_related_news_lines_survive(cleaned, corpus_dir):
    for name, result in cleaned.items():
        raw_lines = [normalize_text(line) for line in (corpus_dir / name).read_text(encoding="utf-8").split("\n")]
        lines = _lines(result.text)
        for marker in MARKERS:
            assert marker not in lines, f"{name}: {marker!r} survived"
        # every line after the first related-news marker in the raw page is a headline list
        first_marker = next((i for i, line in enumerate(raw_lines) if line.strip() in MARKERS), None)
        if first_marker is not None:
            listed = {line.strip() for line in raw_lines[first_marker:] if line.strip()}
            assert not listed & set(lines), f"{name}: list items survived: {sorted(listed & set(lines))[:3]}"
        assert not any(line.startswith(("[Video]", "[Infographic]", "[Ảnh]", "[VIDEO]")) for line in lines)


def test_image_placeholders_pipes_and_teasers_are_gone(cleaned):
    for name, result in cleaned.items():
        for line in _lines(result.text):
            assert "![" not in line, name
            assert not line.startswith("|") and not line.endswith("|"), f"{name}: {line[:60]}"
            assert not line.endswith("... |")
    assert "Vĩnh Phúc tổ chức gặp mặt" not in cleaned["001_1502ea04308651e3.txt"].text  # "... |" teaser


def test_contact_footer_and_site_header_are_gone(cleaned):
    text = cleaned["002_193b1d33f1a3b910.txt"].text
    for clutter in ("Địa chỉ:", "Điện thoại:", "Fax:", "HỆ THỐNG CỔNG THÔNG TIN", "Chi tiết tin", "Nguồn: HTQT"):
        assert clutter not in text
    assert "baohoabinh.com.vn" not in cleaned["004_42ce4d65ffbb8cef.txt"].text


def test_the_repeated_body_appears_once(cleaned, corpus_dir):
    sentence = "Tại Hòa Bình, năm 2020, có 21 tổ chức PCPNN/cơ quan hợp tác quốc tế đang viện trợ 53 chương trình dự án"
    raw = (corpus_dir / "004_42ce4d65ffbb8cef.txt").read_text(encoding="utf-8")
    assert raw.count(sentence) == 2
    assert cleaned["004_42ce4d65ffbb8cef.txt"].text.count(sentence) == 1


def test_content_survives_verbatim(cleaned, corpus_dir):
    assert "số vốn giải ngân đạt 17.216.450,40 USD" in cleaned["002_193b1d33f1a3b910.txt"].text
    bac_kan = cleaned["003_f65ee7e4e13a0a9b.txt"].text  # this paragraph sits in "| ... |" table cells
    assert "Tổ chức ChildFund Việt Nam đã tài trợ 6 xã trên địa bàn huyện" in bac_kan
    assert "16 dự án tổng giá trị hơn 53,9 tỷ đồng" in bac_kan
    # every one-line summary of the news digest is kept, each on its own line
    digest = (corpus_dir / "000_3e8bb5ddf6e4ca61.txt").read_text(encoding="utf-8")
    kept = {comparable(line) for line in _lines(cleaned["000_3e8bb5ddf6e4ca61.txt"].text)}
    for line in _lines(digest):
        assert comparable(line) in kept, line[:80]


def test_title_and_date(cleaned):
    quang_tri = cleaned["002_193b1d33f1a3b910.txt"]
    assert quang_tri.title == (
        "Tỉnh Quảng Trị tham dự Hội nghị trực tuyến giao ban toàn quốc công tác phi chính phủ nước ngoài năm 2023"
    )
    assert quang_tri.published == "2024-04-15"
    assert cleaned["003_f65ee7e4e13a0a9b.txt"].title.startswith("Bắc Kạn: Đặt người dân là trung tâm")
    assert cleaned["000_3e8bb5ddf6e4ca61.txt"].title is None  # a digest of news items has no title


def test_given_title_and_date_win():
    result = clean_text("Một tiêu đề ngắn\nNội dung của bài viết về viện trợ PCPNN tại tỉnh Quảng Trị năm 2023.", title="T", published="2024-01-02")
    assert (result.title, result.published) == ("T", "2024-01-02")


def test_parse_date_line():
    assert parse_date_line("15-04-2024 15:31") == "2024-04-15"
    assert parse_date_line("Thứ hai, ngày 15/04/2024") == "2024-04-15"
    assert parse_date_line("2024-04-15") == "2024-04-15"
    assert parse_date_line("15:31 15/04/2024") == "2024-04-15"
    assert parse_date_line("31/02/2024 x") is None
    assert parse_date_line("Ngày 15/4/2024, Hội nghị đã diễn ra.") is None
    assert parse_date_line("45/13/2024") is None


def test_navigation_and_footer_rules():
    assert is_navigation("Chi tiết tin - tin tức sự kiện - Sở Ngoại Vụ")
    assert is_navigation("Trang chủ > Tin tức > Đối ngoại")
    assert is_navigation("Trang chủ")
    assert not is_navigation("Hội nghị tại điểm cầu Hà Nội")
    assert not is_navigation("Thứ trưởng Bộ Ngoại giao - Chủ nhiệm Ủy ban chủ trì hội nghị.")
    assert is_footer("Địa chỉ: 20 Lê Đại Hành - TP.Đông Hà")
    assert is_footer("Điện thoại: +84 233 3550383 - 3854745")
    assert is_footer("Copyright © 2024 Sở Ngoại vụ")
    assert is_footer("Nguồn Hòa Bình: http://www.baohoabinh.com.vn/11/150592/hoi-nghi.htm")
    assert not is_footer("Đ/c Nguyễn Minh Hằng - Thứ trưởng Bộ Ngoại giao chủ trì Hội nghị.")


def test_unwrap_joins_hard_wrapped_lines_but_not_headings():
    lines = ["Năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển", "khai với số vốn giải ngân đạt", "17.216.450,40 USD.", "Hội nghị tại điểm cầu Hà Nội", "Hội nghị có sự tham dự của các Bộ."]
    assert unwrap_lines(lines) == [
        "Năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn giải ngân đạt 17.216.450,40 USD.",
        "Hội nghị tại điểm cầu Hà Nội",
        "Hội nghị có sự tham dự của các Bộ.",
    ]
    # numbered items and lines after a short heading stay apart
    assert unwrap_lines(["Các nhiệm vụ chính", "1. Vận động viện trợ"]) == ["Các nhiệm vụ chính", "1. Vận động viện trợ"]
    assert unwrap_lines(["Kết quả năm", "2023 rất khả quan."]) == ["Kết quả năm", "2023 rất khả quan."]


def test_remove_repeats():
    long = "Năm 2020 có 500 tổ chức PCPNN của 33 quốc gia hoạt động tại Việt Nam, giá trị giải ngân 220 triệu USD."
    paras = [long, "Một đoạn khác.", long.upper().lower(), "  " + long + "  ", long[:-1]]
    assert remove_repeats(paras) == [long, "Một đoạn khác."]
    # a long paragraph contained whole in an earlier one is a repeat too
    assert remove_repeats(["Mở đầu. " + long + " Kết thúc.", long]) == ["Mở đầu. " + long + " Kết thúc."]
