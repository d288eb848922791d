"""ingest/cleaning.py: clean_text on each report of the shared corpus, then the helpers one by one."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.cleaning import (
    clean_text,
    unglue,
    is_footer,
    is_furniture,
    is_navigation,
    parse_date_line,
    remove_repeats,
    separate_cells,
    strip_residue,
    unwrap_lines,
)
from ingest.loaders import load_bytes
from vntext.vietnamese import normalize_text

DIGEST = "000_3e8bb5ddf6e4ca61.txt"  # forty one-line news summaries, no title
NATIONAL_2019 = "001_1502ea04308651e3.txt"  # VUFO web page with captions, teasers and headline lists
QUANG_TRI = "002_193b1d33f1a3b910.txt"  # provincial portal page with a contact footer
BAC_KAN = "003_f65ee7e4e13a0a9b.txt"  # paragraphs inside "| ... |" table cells, headline lists
HOA_BINH = "004_42ce4d65ffbb8cef.txt"  # the article body printed twice by the page template
ALL_FILES = [DIGEST, NATIONAL_2019, QUANG_TRI, BAC_KAN, HOA_BINH]

MARKERS = ["Tin bài liên quan", "Các tin bài khác", "Đọc nhiều", "Multimedia", "Bờ cõi biển đảo"]

# Headlines listed after the markers: links to other articles, not part of the report.
HEADLINES = {
    NATIONAL_2019: [
        "Khai mạc Diễn đàn nhân dân Việt - Trung lần thứ 13: Bồi đắp quan hệ từ nền tảng nhân dân",
        "Hội hữu nghị Việt Nam - Lào chúc mừng 50 năm Quốc khánh Lào",
        "[Ảnh] Sắc màu hữu nghị Việt Nam - Hoa Kỳ giữa lòng Hà Nội",
        "Hội nghị Quốc tế lần thứ V về hợp tác giữa Việt Nam và các tổ chức phi chính phủ nước ngoài sẽ diễn ra vào ngày 4/12",
        "SCI hỗ trợ nhu yếu phẩm khẩn cấp cho hộ gia đình bị ngập lụt tại Đắk Lắk",
        "Miền đất - Con người Cuộc sống vùng biên Nhịp sống biển đảo Lịch sử chủ quyền Giao lưu hữu nghị",
        "Lực lượng Hải quân cứu hơn 2.200 lượt người trên biển",
        "[Infographic] Lịch sử hình thành và phát triển Liên hiệp các tổ chức hữu nghị Việt Nam",
        "[Video] World Vision hỗ trợ hơn 1.100 người dân Quảng Ngãi tiếp cận nước sạch bền vững",
        "Ấn Độ tặng Giải thưởng Hòa bình Romesh Chandra cho bà Nguyễn Thị Bình",
        "Sinh viên Lào đi chùa tắm Phật mừng Tết cổ truyền Bunpimay",
    ],
    BAC_KAN: [
        "Huy động nguồn lực quốc tế, thúc đẩy phát triển bền vững",
        "Tăng cường kết nối giữa Thủ đô Hà Nội và thành phố Quảng Châu (Trung Quốc)",
        "Chủ tịch Ủy ban Trung ương MTTQ Việt Nam Bùi Thị Minh Hoài thăm, động viên người dân vùng lũ Ka Đô",
        "Hơn 4 tỷ đồng cải thiện nhà ở cho người dân An Giang và Đồng Tháp",
        "[Ảnh] Đồn Biên phòng Na Ngoi trao 484 suất quà cho học sinh và hộ dân trước mùa giá rét",
        "Khai mạc Hội chợ Thương mại OCOP vùng biên giới Việt Nam – Campuchia",
        "[Infographic] World Travel Awards 2025: Việt Nam tiếp tục được bình chọn là Điểm đến Di sản hàng đầu thế giới",
        "Quan hệ hữu nghị truyền thống Việt Nam-Triều Tiên",
        "[VIDEO] Tổ chức Cứu trợ Trẻ em tiếp sức trẻ em Bắc Ninh sớm quay về nhịp sống sau thiên tai",
        "Cả nước hướng về Thái Nguyên: Chung tay giúp người dân vượt qua mưa lũ",
        "[Video] Người truyền cảm hứng về tình yêu nước",
    ],
}


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _raw_lines(raw: str) -> list[str]:
    return [normalize_text(line) for line in raw.split("\n") if line.strip()]


# --------------------------------------------------------------------------- every corpus file


@pytest.mark.parametrize("name", ALL_FILES)
def test_one_non_empty_paragraph_per_line(cleaned_report, name):
    text = cleaned_report(name).text
    assert text
    for line in _lines(text):
        assert line and line == line.strip(), repr(line)
    assert "\r" not in text and "\u00a0" not in text


@pytest.mark.parametrize("name", ALL_FILES)
def test_no_marker_line_survives(cleaned_report, name):
    lines = _lines(cleaned_report(name).text)
    for marker in MARKERS:
        assert marker not in lines
        assert marker.casefold() not in {line.casefold() for line in lines}


@pytest.mark.parametrize("name", ALL_FILES)
def test_nothing_listed_after_a_marker_survives(raw_report, cleaned_report, name):
    """Every line from the first marker on is a link list: none of it may reach the text."""
    raw = _raw_lines(raw_report(name))
    text = cleaned_report(name).text
    first = next((i for i, line in enumerate(raw) if line in MARKERS), None)
    if first is None:
        assert name in (DIGEST, QUANG_TRI, HOA_BINH)  # the pages without link lists
        return
    listed = [line for line in raw[first:] if line not in MARKERS]
    assert len(listed) >= 20
    for headline in listed:
        assert headline not in text, headline


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_concrete_headlines_are_gone(raw_report, cleaned_report, name):
    raw = raw_report(name)
    text = cleaned_report(name).text
    for headline in HEADLINES[name]:
        assert headline in raw, f"test data out of date: {headline!r}"
        assert headline not in text, headline
    for line in _lines(text):
        assert not line.startswith(("[Video]", "[VIDEO]", "[Infographic]", "[Ảnh]")), line


@pytest.mark.parametrize("name", ALL_FILES)
def test_no_image_placeholders_or_table_pipes(cleaned_report, name):
    for line in _lines(cleaned_report(name).text):
        assert "![" not in line and "]()" not in line, line
        assert not line.startswith("|") and not line.endswith("|"), line[:80]


def test_teaser_cells_are_dropped(raw_report, cleaned_report):
    raw = raw_report(NATIONAL_2019)
    text = cleaned_report(NATIONAL_2019).text
    teasers = [line for line in raw.split("\n") if line.endswith("... |")]
    assert len(teasers) == 3
    for teaser in teasers:
        assert teaser.rstrip(" |.") not in text
    assert "Vĩnh Phúc tổ chức gặp mặt" not in text


def test_contact_footer_and_site_header_of_002_are_gone(raw_report, cleaned_report):
    raw = raw_report(QUANG_TRI)
    text = cleaned_report(QUANG_TRI).text
    lines = _lines(text)
    for clutter in (
        "Địa chỉ:",
        "Điện thoại:",
        "Fax:",
        "HỆ THỐNG CỔNG THÔNG TIN",
        "songoaivu@quangtri.gov.vn",
        "+84 233",
        "Chi tiết tin",
        "Nguồn: HTQT",
        "15-04-2024 15:31",
    ):
        assert clutter in raw, clutter
        assert clutter not in text, clutter
    assert "Sở Ngoại vụ Quảng Trị" not in lines  # the site-name line of the footer


def test_source_link_of_004_is_gone(cleaned_report):
    text = cleaned_report(HOA_BINH).text
    assert "baohoabinh.com.vn" not in text
    assert "http" not in text


def test_the_repeated_body_of_004_appears_once(raw_report, cleaned_report):
    raw = raw_report(HOA_BINH)
    text = cleaned_report(HOA_BINH).text
    for sentence in (
        "Tại Hòa Bình, năm 2020, có 21 tổ chức PCPNN/cơ quan hợp tác quốc tế đang viện trợ 53 chương trình dự án",
        "Giá trị giải ngân của các tổ chức phi chính phủ tài trợ 220 triệu USD, giảm 15% so với năm 2019",
        "Tổng giá trị cam kết viện trợ 16,2 triệu USD.",
    ):
        assert raw.count(sentence) == 2, sentence
        assert text.count(sentence) == 1, sentence
    assert len(_lines(text)) == 3  # title, opening paragraph, body


def test_key_sentence_of_002_survives_verbatim(cleaned_report):
    text = cleaned_report(QUANG_TRI).text
    assert (
        "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai "
        "với số vốn giải ngân đạt 17.216.450,40 USD."
    ) in text
    assert "có 381 tổ chức phi chính phủ nước ngoài hoạt động tại Việt Nam" in text
    assert "Nghị định số 58/2022/NĐ-CP ngày 31/8/2022" in text
    # section headings of the article are content, not navigation
    assert "Hội nghị tại điểm cầu Hà Nội" in _lines(text)
    assert "Hội nghị tại điểm cầu tỉnh Quảng Trị" in _lines(text)


def test_paragraphs_inside_table_cells_of_003_survive_whole(raw_report, cleaned_report):
    raw = raw_report(BAC_KAN)
    lines = _lines(cleaned_report(BAC_KAN).text)
    cells = [line.strip() for line in raw.split("\n") if line.startswith("| ") and line.rstrip().endswith(" |")]
    assert len(cells) >= 6
    for cell in cells:
        paragraph = normalize_text(cell.strip("| ").strip())
        assert paragraph in lines, paragraph[:80]
    na_ri = next(line for line in lines if "ChildFund" in line)
    assert na_ri.startswith("Sáng 17/6, Đoàn công tác của Liên hiệp các tổ chức hữu nghị Việt Nam")
    assert (
        "Giai đoạn 2015 - 2023, Tổ chức ChildFund Việt Nam đã tài trợ 6 xã trên địa bàn huyện (gồm Cư Lễ, "
        "Trần Phú, Quang Phong, Dương Sơn, Xuân Dương, Đổng Xá) 16 dự án tổng giá trị hơn 53,9 tỷ đồng."
    ) in na_ri
    assert "Số vốn giải ngân thực tế đến tháng 6/2023 là hơn 48,9 tỷ đồng, đạt 90,7% kế hoạch." in na_ri
    assert na_ri.endswith("chăm sóc trẻ tại nhà…")


def test_every_summary_of_the_digest_000_is_kept_on_its_own_line(raw_report, cleaned_report):
    raw = [line for line in raw_report(DIGEST).split("\n") if line.strip()]
    lines = _lines(cleaned_report(DIGEST).text)
    assert len(raw) == 40
    assert lines == [normalize_text(line) for line in raw]
    # the summaries are already in canonical form, so they survive verbatim
    assert lines == [line.strip() for line in raw]


def test_content_of_001_survives_with_its_tone_marks_normalised(raw_report, cleaned_report):
    raw = raw_report(NATIONAL_2019)
    text = cleaned_report(NATIONAL_2019).text
    assert "Theo báo cáo tại Hội nghị, năm 2019, Việt Nam có hơn 500 TCPCPNN hoạt động hiệu quả." in text
    assert "Giá trị viện trợ giải ngân từ các TCPCPNN đạt hơn 262 triệu USD." in text
    assert "Trong năm 2020, Uỷ ban đề ra" in raw
    assert "Trong năm 2020, Ủy ban đề ra" in text and "Uỷ" not in text
    assert "Toàn cảnh Hội nghị" in _lines(text)  # a caption cell is kept, without its pipes


def test_title_and_date_of_002(cleaned_report):
    result = cleaned_report(QUANG_TRI)
    assert result.title == (
        "Tỉnh Quảng Trị tham dự Hội nghị trực tuyến giao ban toàn quốc công tác phi chính phủ nước ngoài năm 2023"
    )
    assert result.published == "2024-04-15"


def test_titles_and_dates_of_the_other_files(cleaned_report):
    assert cleaned_report(DIGEST).title is None  # a digest of news items has no title
    assert cleaned_report(DIGEST).published is None
    assert cleaned_report(NATIONAL_2019).title == (
        "63 tỉnh thành trên cả nước giao ban trực tuyến về công tác phi chính phủ nước ngoài"
    )
    assert cleaned_report(BAC_KAN).title == "Bắc Kạn: Đặt người dân là trung tâm trong công tác đối ngoại nhân dân"
    assert cleaned_report(HOA_BINH).title == (
        "Hội nghị giao ban trực tuyến toàn quốc công tác phi chính phủ nước ngoài"
    )
    for name in (NATIONAL_2019, BAC_KAN, HOA_BINH):
        # dates inside sentences ("Chiều 29/5", "Ngày 17/3") are not publication dates
        assert cleaned_report(name).published is None, name


@pytest.mark.parametrize("name", ALL_FILES)
def test_cleaning_is_stable(cleaned_report, name):
    """Cleaning already-clean text changes nothing: no rule eats real content on a second pass."""
    first = cleaned_report(name)
    second = clean_text(first.text)
    assert second.text == first.text


# --------------------------------------------------------------------------- synthetic documents


def test_given_title_and_date_win_over_guessed_ones():
    raw = "Một tiêu đề ngắn\n15/04/2024\nNội dung của bài viết về viện trợ PCPNN tại tỉnh Quảng Trị năm 2023."
    guessed = clean_text(raw)
    assert (guessed.title, guessed.published) == ("Một tiêu đề ngắn", "2024-04-15")
    given_ = clean_text(raw, title="Tiêu đề  Hoà Bình", published="2024-01-02")
    assert (given_.title, given_.published) == ("Tiêu đề Hòa Bình", "2024-01-02")


def test_synthetic_page_is_cleaned():
    raw = "\r\n".join(
        [
            "Trang chủ > Tin tức > Đối ngoại",
            "Tỉnh A nhận viện trợ",
            "Thứ hai, ngày 15/04/2024",
            "![](https://example.org/anh.jpg) |",
            "| Năm 2023, tỉnh có 10 dự án PCPNN với tổng giá trị giải ngân đạt 1,5 triệu USD. |",
            "Dự án tập trung vào y tế và giáo dục cho trẻ em tại các xã vùng sâu.",
            "Tin liên quan",
            "Tỉnh B tổng kết công tác đối ngoại năm 2023",
            "[Video] Lễ hội mùa xuân",
            "Địa chỉ: 1 Đường X, TP Y",
            "Điện thoại: 0233 3550383",
        ]
    )
    result = clean_text(raw)
    assert result.title == "Tỉnh A nhận viện trợ"
    assert result.published == "2024-04-15"
    assert result.text.split("\n") == [
        "Tỉnh A nhận viện trợ",
        "Năm 2023, tỉnh có 10 dự án PCPNN với tổng giá trị giải ngân đạt 1,5 triệu USD.",
        "Dự án tập trung vào y tế và giáo dục cho trẻ em tại các xã vùng sâu.",
    ]


def test_prose_after_a_marker_ends_the_list():
    raw = "\n".join(
        [
            "Bài viết về viện trợ phi chính phủ nước ngoài tại tỉnh C trong năm 2023 vừa qua.",
            "Đọc thêm",
            "Tỉnh D đón đoàn công tác",
            "Sau đó, đoàn công tác đã làm việc với lãnh đạo tỉnh về các dự án mới được phê duyệt.",
        ]
    )
    lines = clean_text(raw).text.split("\n")
    assert "Tỉnh D đón đoàn công tác" not in lines
    assert lines[-1] == "Sau đó, đoàn công tác đã làm việc với lãnh đạo tỉnh về các dự án mới được phê duyệt."


def test_empty_input():
    result = clean_text("")
    assert (result.text, result.title, result.published) == ("", None, None)
    assert clean_text("\n \r\n\t\n").text == ""


# --------------------------------------------------------------------------- parse_date_line


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("15-04-2024 15:31", "2024-04-15"),
        ("15/04/2024", "2024-04-15"),
        ("15.04.2024", "2024-04-15"),
        ("15/4/2024", "2024-04-15"),
        ("2024-04-15", "2024-04-15"),
        ("Thứ hai, ngày 15/04/2024", "2024-04-15"),
        ("Thứ Hai, 15/04/2024 - 15:31", "2024-04-15"),
        ("Chủ nhật, 14/4/2024 08:00 (GMT+7)", "2024-04-14"),
        ("15:31 15/04/2024", "2024-04-15"),
        ("15/04/2024 15h31", "2024-04-15"),
        ("15/04/2024 | 15:31", "2024-04-15"),
        ("29/02/2024", "2024-02-29"),
    ],
)
def test_parse_date_line_reads_date_only_lines(line, iso):
    assert parse_date_line(line) == iso


@pytest.mark.parametrize(
    "line",
    [
        "Ngày 15/4/2024, Hội nghị đã diễn ra.",  # a sentence that mentions a date
        "Chiều ngày 12/4/2024, Ủy ban Công tác tổ chức Hội nghị",
        "31/02/2024 x",
        "45/13/2024",
        "15/13/2024",
        "00/01/2024",
        "15/04/1899",
        "12/4",
        "2024-4-15",
        "17.216.450,40",
        "",
    ],
)
def test_parse_date_line_rejects_other_lines(line):
    assert parse_date_line(line) is None


@pytest.mark.parametrize("line", ["30/02/2024", "31/04/2024", "29/02/2023", "2024-02-30"])
def test_parse_date_line_rejects_impossible_calendar_dates(line):
    assert parse_date_line(line) is None


# --------------------------------------------------------------------------- is_navigation / is_footer


@pytest.mark.parametrize(
    "line",
    [
        "Trang chủ",
        "Đăng nhập:",
        "Chi tiết tin",
        "Chi tiết tin - tin tức sự kiện - Sở Ngoại Vụ",
        "Trang chủ > Tin tức > Đối ngoại",
        "Trang chủ | Giới thiệu | Liên hệ",
        "Tin tức - Sự kiện",
        "Giáo dục - Y tế - Văn hóa",
    ],
)
def test_is_navigation_recognises_menus_and_breadcrumbs(line):
    assert is_navigation(line)


@pytest.mark.parametrize(
    "line",
    [
        "Hội nghị tại điểm cầu Hà Nội",
        "Sở Ngoại vụ Quảng Trị",
        "Việt Nam - Lào",
        "Đồng chí Nguyễn Văn A - Phó Chủ tịch UBND",
        "Thứ trưởng Bộ Ngoại giao - Chủ nhiệm Ủy ban chủ trì hội nghị.",
        "Tin tức - Sự kiện - Đối ngoại là chuyên mục của báo, được cập nhật hằng ngày cho bạn đọc.",
    ],
)
def test_is_navigation_keeps_headings_and_prose(line):
    assert not is_navigation(line)


@pytest.mark.parametrize(
    "line",
    [
        "Địa chỉ: 20 Lê Đại Hành - TP.Đông Hà - tỉnh Quảng Trị - Việt Nam",
        "Điện thoại: +84 233 3550383 - 3854745 - 3852439",
        "Fax: +84 233 3851200 Email: songoaivu@quangtri.gov.vn",
        "Email: lienhe@example.vn",
        "Hotline: 0912 345 678",
        "Copyright © 2024 Sở Ngoại vụ",
        "© 2024 Báo Hòa Bình",
        "Nguồn: HTQT",
        "Nguồn Hòa Bình: http://www.baohoabinh.com.vn/11/150592/hoi-nghi.htm",
        "http://www.baohoabinh.com.vn/11/150592/hoi-nghi.htm",
    ],
)
def test_is_footer_recognises_contact_and_source_lines(line):
    assert is_footer(line)


@pytest.mark.parametrize(
    "line",
    [
        "Đ/c Nguyễn Minh Hằng - Thứ trưởng Bộ Ngoại giao chủ trì Hội nghị.",
        "Địa chỉ liên hệ của dự án được công bố rộng rãi cho người dân.",
        "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn giải ngân đạt 17.216.450,40 USD.",
        "Hội nghị tại điểm cầu tỉnh Quảng Trị",
    ],
)
def test_is_footer_keeps_content(line):
    assert not is_footer(line)


# --------------------------------------------------------------------------- unwrap_lines


def test_unwrap_joins_pdf_style_hard_wraps():
    lines = [
        "Năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển",
        "khai với số vốn giải ngân đạt",
        "17.216.450,40 USD.",
        "Câu chưa xong,",
        "tiếp tục ở dòng sau.",
    ]
    assert unwrap_lines(lines) == [
        "Năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn giải ngân đạt 17.216.450,40 USD.",
        "Câu chưa xong, tiếp tục ở dòng sau.",
    ]


def test_unwrap_does_not_join_headings_sentences_or_list_items():
    assert unwrap_lines(["Hội nghị tại điểm cầu Hà Nội", "Hội nghị có sự tham dự của các Bộ."]) == [
        "Hội nghị tại điểm cầu Hà Nội",
        "Hội nghị có sự tham dự của các Bộ.",
    ]
    assert unwrap_lines(["Một câu kết thúc.", "tiếp theo viết thường"]) == ["Một câu kết thúc.", "tiếp theo viết thường"]
    assert unwrap_lines(["Các nhiệm vụ chính:", "vận động viện trợ"]) == ["Các nhiệm vụ chính:", "vận động viện trợ"]
    assert unwrap_lines(["Các nhiệm vụ chính", "1. Vận động viện trợ"]) == ["Các nhiệm vụ chính", "1. Vận động viện trợ"]
    # a number after a short heading starts a new line: only long unfinished lines carry numbers over
    assert unwrap_lines(["Kết quả năm", "2023 rất khả quan."]) == ["Kết quả năm", "2023 rất khả quan."]
    # a numbered item after a long unfinished line is still a list item
    long_line = "Các nhiệm vụ trọng tâm của công tác phi chính phủ nước ngoài trong năm tới gồm"
    assert unwrap_lines([long_line, "1. Vận động viện trợ"]) == [long_line, "1. Vận động viện trợ"]


def test_unwrap_joins_a_currency_code_but_not_a_sentence_after_a_year():
    assert unwrap_lines(["Tổng vốn giải ngân đạt 17.216.450,40", "USD trong năm."]) == [
        "Tổng vốn giải ngân đạt 17.216.450,40 USD trong năm."
    ]
    # "Tỷ lệ" (rate) and "Triệu" open new sentences: gluing them to the year would read "2016 tỷ"
    for line in ("Tỷ lệ giải ngân đạt 80%.", "Triệu người dân được hưởng lợi."):
        assert unwrap_lines(["Tình hình viện trợ PCPNN tại tỉnh Quảng Trị năm 2016", line]) == [
            "Tình hình viện trợ PCPNN tại tỉnh Quảng Trị năm 2016",
            line,
        ]


def test_unwrap_leaves_empty_lines_and_single_lines_alone():
    assert unwrap_lines([]) == []
    assert unwrap_lines(["một dòng"]) == ["một dòng"]
    assert unwrap_lines(["Tiêu đề", "", "tiếp"]) == ["Tiêu đề", "", "tiếp"]


# --------------------------------------------------------------------------- remove_repeats


def test_remove_repeats_drops_exact_and_loose_repeats_in_order():
    long = "Năm 2020 có 500 tổ chức PCPNN của 33 quốc gia hoạt động tại Việt Nam, giá trị giải ngân 220 triệu USD."
    paragraphs = [
        long,
        "Một đoạn khác.",
        long.upper(),  # case differs
        "  " + long.replace(" ", "  ") + "  ",  # spacing differs
        long[:-1],  # trailing full stop differs
        unicodedata.normalize("NFD", long),  # decomposed
        long.replace(", giá trị", " – giá trị"),  # an earlier copy with a dash is another paragraph...
        long.replace(", giá trị", " - giá trị"),  # ...which an editor's hyphen for the dash repeats
        "Dự án “Nước sạch” khởi công.",
        'Dự án "Nước sạch" khởi công.',  # straight quotes for curly ones
        "",
        "Một đoạn khác.",
    ]
    assert remove_repeats(paragraphs) == [
        long, "Một đoạn khác.", long.replace(", giá trị", " – giá trị"), "Dự án “Nước sạch” khởi công."
    ]


def test_remove_repeats_drops_long_paragraphs_contained_in_an_earlier_one():
    long = "Năm 2020 có 500 tổ chức PCPNN của 33 quốc gia hoạt động tại Việt Nam, giá trị giải ngân 220 triệu USD."
    whole = "Mở đầu. " + long + " Kết thúc."
    assert remove_repeats([whole, long]) == [whole]
    # the other way round both stay: the later paragraph says more
    assert remove_repeats([long, whole]) == [long, whole]
    # short paragraphs are only dropped when equal, not when contained
    assert remove_repeats(["Hội nghị tại Hà Nội đã thành công.", "Hà Nội"]) == ["Hội nghị tại Hà Nội đã thành công.", "Hà Nội"]


def test_remove_repeats_keeps_distinct_paragraphs():
    paragraphs = [f"Đoạn số {i} nói về dự án viện trợ thứ {i} tại tỉnh." for i in range(5)]
    assert remove_repeats(paragraphs) == paragraphs


# --------------------------------------------------------------------------- page furniture (corpus2)

CORPUS2 = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "corpus2"


def _corpus2(name: str):
    """``clean_text`` of one file of the second corpus, as the loader hands it over."""
    path = CORPUS2 / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    loaded = load_bytes(path.read_bytes(), path.name)
    return clean_text(loaded.text, title=loaded.title, published=loaded.published)


def _corpus2_names() -> list[str]:
    return sorted(p.name for p in CORPUS2.glob("*.txt")) or ["absent.txt"]


@pytest.mark.parametrize("name", _corpus2_names())
def test_no_furniture_survives_in_corpus2(name):
    cleaned = _corpus2(name)
    lines = _lines(cleaned.text)
    assert not cleaned.text.startswith("source:")
    assert "http" not in cleaned.text.split("\n", 1)[0]
    assert "$0" not in cleaned.text
    assert "lượt xem" not in cleaned.text
    for line in lines:
        assert not is_furniture(line), line
        assert line.casefold() not in {"aa", "uncategorized", "e magazine", "id :", "auther :", "|", "![]() |"}
        assert not line.startswith(("Cỡ chữ", "Bản in", "Trang chủ", "Home »", "![]()")), line
    assert cleaned.title is None or not cleaned.title.startswith(("source:", "Trang chủ", "Bản in"))
    assert clean_text(cleaned.text).text == cleaned.text  # stable: a second pass removes nothing more


@pytest.mark.parametrize(
    ("name", "first_line"),
    [
        ("02_toanquoc-2024-230-trieu-usd-yagi-220-ti.txt", "Nguồn lực được dồn về những vùng còn khó khăn"),
        (
            "18_quangtri-2014-2019-100-million-51-8-en.txt",
            "The organizers said Quang Tri Province, in the period from 2014 to 2019, stood out nationwide",
        ),
        ("08_national-2024-230-million-en.txt", "Foreign NGOs in 2024: Standing With Vietnam on the Road"),
    ],
)
def test_the_source_line_and_its_date_stamp_are_not_joined_to_the_article(name, first_line):
    cleaned = _corpus2(name)
    assert cleaned.text.startswith(first_line)
    assert "date 20" not in cleaned.text.split("\n", 1)[0]


def test_template_residue_is_removed_mid_line_17():
    text = _corpus2("17_vinhphuc-2013-3-4-million-en.txt").text
    assert text.startswith("The northern province of Vinh Phuc has, since the beginning of this year, drawn 35")
    assert "of which 2.7 million USD has already been disbursed. The province hosts 24 foreign" in text
    assert text.endswith("poor parts of the province.-VNA")


def test_furniture_lines_of_real_pages_are_gone_and_their_neighbours_kept():
    ha_tinh = _corpus2("22_hatinh-2017-2019-bang-giai-ngan.txt")
    lines = _lines(ha_tinh.text)
    # the view counter after the date is gone, and what is left is read as the page's dateline
    assert not any("lượt xem" in line or "5:02 CH" in line for line in lines)
    assert ha_tinh.published == "2022-02-18"
    assert "Cỡ chữ +-" not in lines
    quang_binh = _corpus2("51_quangbinh-ireland-260000-euro.txt")
    assert quang_binh.title == "Quảng Bình nhận hỗ trợ từ Chính phủ Ai-len để khắc phục hậu quả thiên tai"
    quang_ngai = _lines(_corpus2("14_quangngai-2003-2008-13-7-million-en.txt").text)
    assert "15837" not in quang_ngai and "NGOs give Quang Ngai over 13.7 million USD" in quang_ngai
    thanh_hoa = _corpus2("27_thanhhoa-2024-wvi-quanhoa-43-ty.txt")
    heading = (
        "Hơn 43 tỷ đồng WVI tài trợ được Thanh Hóa tiếp nhận nhằm nâng cao an sinh bền vững cho trẻ em nghèo"
        " huyện Quan Hóa"
    )
    assert heading in _lines(thanh_hoa.text)  # "aa" no longer glued to it
    # a related article's link text printed twice on one line
    assert not any(line.startswith("Hộ nghèo, yếu thế được nâng cao") for line in _lines(thanh_hoa.text))
    yen_bai = _corpus2("35_yenbai-wvi-13-31-trieu-usd.txt")
    assert yen_bai.title == "Về Tổ chức Tầm nhìn thế giới (World Vision) tại Việt Nam"


def test_the_tables_of_the_ha_tinh_page_survive_cleaning_whole():
    """Tables sit after the last sentence of the page and repeat short cells ("18", "18"): the
    footer rule and the repeat rule used to delete both tables."""
    text = _corpus2("22_hatinh-2017-2019-bang-giai-ngan.txt").text
    assert "2.1. Giá trị viện trợ nhận được giai đoạn 2017-2019:\nNăm\n" in text
    assert "2017\n28\n31\n1.682.941\n2018\n18\n18\n1.536.781\n2019\n12\n12\n1.353.927" in text
    assert text.endswith(
        "2017\nPhát triển vùng nông thôn\nTập huấn rà phá bom mìn\nGiáo dục (cấp học bổng cho trẻ em nghèo"
    )


# --------------------------------------------------------------------------- furniture rules


@pytest.mark.parametrize(
    "line",
    [
        "Cỡ chữ +-", "Cỡ chữ A+ A-", "aa", "AA", "A- A+", "Bản in Gởi bài viết", "In bài | Gửi email | Chia sẻ",
        "Print | Email | Share", "Uncategorized", "e magazine", "E-Magazine", "Chưa phân loại",
        "ID :", "ID : 15837", "Auther :", "Author: John Smith", "Tác giả: Nguyễn Văn A", "Chuyên mục: Đối ngoại",
        "Trang chủ Hữu nghị Tấm lòng tương trợ", "Trang chủ » Tin tức » Đối ngoại", "Home » News", "Home / News",
        "thutuong2", "anh-hoi-nghi-1.jpg", "IMG_2034.JPG",
        "Yên Bái Yên Bái Yên Bái",
        "Việt Nam nhận từ Australia trang thiết bị y tế dùng để xét nghiệm sốt rét "
        "Việt Nam nhận từ Australia trang thiết bị y tế dùng để xét nghiệm sốt rét",
    ],
)  # fmt: skip
def test_is_furniture_recognises_classes_of_page_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Chia sẻ kinh nghiệm vận động viện trợ", "Bản in của báo cáo được gửi tới các sở, ngành liên quan.",
        "Home visits for children with disabilities", "Trang chủ của dự án được cập nhật hằng tuần.",
        "Tác giả của sáng kiến là Hội Chữ thập đỏ tỉnh, với sự hỗ trợ của tổ chức Plan International.",
        "Năm 2019:", "2017", "18", "-", "Giá trị (USD)", "Covid-19", "Đánh giá: dự án đạt hiệu quả cao",
        "Hà Nội - Lào Cai", "Quỹ Nam Phương", "1. Khái quát chung:",
        "Tổng giá trị cam kết viện trợ 16,2 triệu USD. Tổng giá trị cam kết viện trợ 16,2 triệu USD.",
    ],
)  # fmt: skip
def test_is_furniture_keeps_content(line):
    assert not is_furniture(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("$0 $0The province of Vinh Phuc has drawn 35 projects.", "The province of Vinh Phuc has drawn 35 projects."),
        ("disbursed. $0 $0$0 The province hosts 24 NGOs.", "disbursed. The province hosts 24 NGOs."),
        ("the province.-VNA$0 $0 $0$0", "the province.-VNA"),
        ("18/02/2022 5:02 CH 606 lượt xem", "18/02/2022 5:02 CH"),
        ("15/04/2024 | Lượt xem: 1.234", "15/04/2024 |"),
        ("Cập nhật 10:02 - 2.345 views", "Cập nhật 10:02 -"),
        # money and counts in sentences are not residue
        ("The fund gave $1 million and $2.5 million in 2020.", "The fund gave $1 million and $2.5 million in 2020."),
        ("Video clip về dự án đã thu hút 10.000 lượt xem trên mạng xã hội trong tuần đầu tiên ra mắt.",
         "Video clip về dự án đã thu hút 10.000 lượt xem trên mạng xã hội trong tuần đầu tiên ra mắt."),
    ],
)  # fmt: skip
def test_strip_residue(line, expected):
    assert strip_residue(line) == expected


def test_source_header_variants():
    raw = (
        "source: https://example.vn/bai-viet.html\n date 2025-02 Tiêu đề bài viết về viện trợ\n"
        "Nội dung bài viết về viện trợ phi chính phủ nước ngoài tại tỉnh trong năm 2024."
    )
    assert clean_text(raw).text.split("\n")[0] == "Tiêu đề bài viết về viện trợ"
    same_line = (
        "source: https://example.vn/a.html date 2020-10-03\n"
        "The province received 5 million USD in aid from NGOs last year."
    )
    assert clean_text(same_line).text == "The province received 5 million USD in aid from NGOs last year."
    # only as the first line: a sentence starting with "date" later on is text
    later = (
        "Tiêu đề\nNội dung chính của bài viết về viện trợ cho tỉnh trong năm 2024 vừa qua.\n"
        "date 2024 là năm bản lề của chương trình viện trợ tại tỉnh."
    )
    assert "date 2024 là năm bản lề của chương trình viện trợ tại tỉnh." in clean_text(later).text


# --------------------------------------------------------------------------- tables in cleaning


def test_table_rows_are_not_unwrapped_or_deduplicated():
    header = "Năm Số tổ chức Số dự án Giá trị giải ngân của cả năm (USD)"  # long, unfinished: unwrap joins digits to it
    raw = "\n".join(
        [
            "Tình hình viện trợ tại tỉnh",
            "Giá trị viện trợ phi chính phủ nước ngoài giải ngân qua các năm như sau:",
            header,
            "2017 28 31 1.682.941",
            "2018 18 18 1.536.781",
            "2019 12 12 1.353.927",
        ]
    )
    lines = clean_text(raw).text.split("\n")
    assert lines[2:] == [header, "2017 28 31 1.682.941", "2018 18 18 1.536.781", "2019 12 12 1.353.927"]
    vertical = "Tiêu đề báo cáo\nSố liệu giải ngân:\nNăm\nSố dự án\nGiá trị\n2017\n18\n18\n2018\n18\n18"
    cells = ["Năm", "Số dự án", "Giá trị", "2017", "18", "18", "2018", "18", "18"]
    assert clean_text(vertical).text.split("\n")[2:] == cells


def test_cells_separated_by_tabs_or_spaces_keep_their_columns():
    raw = (
        "Các lĩnh vực được viện trợ:\nNăm\tLĩnh vực thứ 1\tLĩnh vực thứ 2\n"
        "2017\tPhát triển vùng nông thôn\tTập huấn rà phá bom mìn\n2018    Y tế    Giáo dục"
    )
    lines = clean_text(raw).text.split("\n")
    assert lines == [
        "Các lĩnh vực được viện trợ:",
        "Năm | Lĩnh vực thứ 1 | Lĩnh vực thứ 2",
        "2017 | Phát triển vùng nông thôn | Tập huấn rà phá bom mìn",
        "2018 | Y tế | Giáo dục",
    ]
    assert separate_cells("Một câu  có hai dấu cách.\nNăm\t2017") == "Một câu  có hai dấu cách.\nNăm\t2017"


def test_a_table_ends_a_related_headlines_list_and_counts_as_content():
    raw = "\n".join(
        [
            "Viện trợ cho tỉnh trong năm qua đạt kết quả tốt, theo báo cáo tổng kết của Sở Ngoại vụ.",
            "Chia sẻ",
            "Kết quả giải ngân:",
            "Năm | Số dự án | Giá trị (USD)",
            "2022 | 85 | 15.211.724",
            "2023 | 94 | 17.216.450",
            "Nguyễn Văn A",
        ]
    )
    assert clean_text(raw).text.split("\n") == [
        "Viện trợ cho tỉnh trong năm qua đạt kết quả tốt, theo báo cáo tổng kết của Sở Ngoại vụ.",
        "Kết quả giải ngân:",  # the caption belongs to the table
        "Năm | Số dự án | Giá trị (USD)",
        "2022 | 85 | 15.211.724",
        "2023 | 94 | 17.216.450",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Chương trình Phát triển vùng tại huyệnTiên Lữ, gồm các mảng", "Chương trình Phát triển vùng tại huyện Tiên Lữ, gồm các mảng"),
        ("ở thành phố Hưng Yên, huyện Kim Động, Phù Cừ vàTiên Lữ, cho", "ở thành phố Hưng Yên, huyện Kim Động, Phù Cừ và Tiên Lữ, cho"),
        ("Tổ chức ChildFund và World Vision tại Quảng Trị", "Tổ chức ChildFund và World Vision tại Quảng Trị"),  # names stay whole
        ("Hội nghị VnExpress năm 2023", "Hội nghị VnExpress năm 2023"),
    ],
)
def test_a_place_word_glued_to_the_name_after_it_is_separated(line, expected):
    assert unglue(line) == expected


def test_a_glued_district_of_a_real_report_is_read_as_a_district():
    text = _corpus2("24_hungyen-worldvision-tienlu-2-trieu-usd.txt").text
    assert "huyện Tiên Lữ, gồm các mảng" in text and "huyệnTiên" not in text
