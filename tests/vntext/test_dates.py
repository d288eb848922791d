"""vntext.dates: datelines as news sites print them, and dates inside sentences."""

from __future__ import annotations

import time

import pytest

from vntext.dates import find_dateline, find_dates, parse_dateline


@pytest.mark.parametrize(
    ("line", "iso", "clock"),
    [
        ("Thứ Năm, 05/07/2018 15:08:00 +07:00", "2018-07-05", "15:08"),
        ("Thời sựThứ Năm, 05/07/2018 15:08:00 +07:00", "2018-07-05", "15:08"),  # a section name glued on
        ("07:11 | 10/11/2025 GMT+7", "2025-11-10", "07:11"),
        ("December 22, 2020 | 19:46 (GMT+7)", "2020-12-22", "19:46"),
        ("Thu, 08/14/2008 - 09:56", "2008-08-14", "09:56"),  # month first: 14 cannot be a month
        ("Friday, 22/01/2016", "2016-01-22", None),
        ("Cập nhật, 10:02, Thứ Năm, 12/01/2017 (GMT+7)", "2017-01-12", "10:02"),
        ("Cập nhật ngày: 12/02/2019 - 13:03", "2019-02-12", "13:03"),
        ("13/08/2025, 11:16", "2025-08-13", "11:16"),
        ("18/02/2022 5:02 CH 606 lượt xem", "2022-02-18", "17:02"),  # CH: chiều, the afternoon
        ("Thứ năm, 17/11/2022 15:12", "2022-11-17", "15:12"),
        ("January 29, 2025 | 13:00", "2025-01-29", "13:00"),
        ("Thứ Tư, ngày 05/04/2023 | 08:57", "2023-04-05", "08:57"),
        ("15-04-2024 15:31", "2024-04-15", "15:31"),
        (" date 2025-02", "2025-02", None),  # year and month only
        ("date 2020-10-03", "2020-10-03", None),
        ("2023-11-05", "2023-11-05", None),
        ("Thứ Hai, ngày 5 tháng 7 năm 2021", "2021-07-05", None),
        ("12 December 2020, 08:30 AM", "2020-12-12", "08:30"),
        ("Posted on Dec. 3, 2019 at 12:05 pm", "2019-12-03", "12:05"),
    ],
)
def test_datelines(line, iso, clock):
    found = parse_dateline(line)
    assert found is not None, line
    assert (found.iso, found.time) == (iso, clock)
    assert found.text == line.strip()


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        # both readings are dates: the weekday printed beside it decides
        ("Mon, 02/03/2025", "2025-02-03"),  # 3 February 2025 was a Monday, 2 March a Sunday
        ("Sunday, 02/03/2025", "2025-03-02"),
        ("Thứ Hai, 03/02/2025", "2025-02-03"),
        ("03/02/2025", "2025-02-03"),  # no weekday: day first, as Vietnamese sites write dates
    ],
)
def test_day_or_month_first(line, iso):
    assert parse_dateline(line).iso == iso


def test_a_date_prefix_opens_a_line_that_goes_on():
    line = " date 2020-10-03 The organizers said Quang Tri Province, in the period from 2014 to 2019, stood out"
    found = parse_dateline(line)
    assert (found.iso, found.text) == ("2020-10-03", "date 2020-10-03")
    assert line[found.start : found.end] == "date 2020-10-03"


@pytest.mark.parametrize(
    "line",
    [
        "Chiều 12/4/2024, Ủy ban Công tác về các tổ chức phi chính phủ nước ngoài tổ chức Hội nghị giao ban",
        "Trang chủ Hữu nghị Tấm lòng tương trợ 07:11 | 10/11/2025 GMT+7",  # a breadcrumb with the date
        "Theo Quyết định số 552/QĐ-UBND ngày 17/02/2023, chương trình được điều chỉnh",
        "Nghị định số 58/2022/NĐ-CP",
        "Ngày 17/3",  # no year
        "31/04/2024 10:00",  # not a day of the calendar
        "Hà Tĩnh",
        "",
    ],
)
def test_not_datelines(line):
    assert parse_dateline(line) is None


def test_dates_inside_sentences():
    text = "Tại Quyết định số 552/QĐ-UBND ngày 17/02/2023 và hội nghị ngày 5 tháng 7 năm 2018 (VNA, August 13, 2008)"
    assert [(d.iso, d.text) for d in find_dates(text)] == [
        ("2023-02-17", "17/02/2023"),
        ("2018-07-05", "5 tháng 7 năm 2018"),
        ("2008-08-13", "August 13, 2008"),
    ]
    assert find_dates("58/2022/NĐ-CP, 17.216.450,40 USD, giai đoạn 2015 - 2023") == []


def test_the_dateline_of_a_page():
    page = "source: https://example.vn/a.html\nTrang chủ Hữu nghị Tấm lòng tương trợ\n07:11 | 10/11/2025 GMT+7\n\nĐổi mới tư duy"
    found = find_dateline(page)
    assert (found.iso, found.time, page[found.start : found.end]) == ("2025-11-10", "07:11", "07:11 | 10/11/2025 GMT+7")
    # a date deep in the body is not the page's dateline
    body = "\n".join(["Một câu văn dài về viện trợ phi chính phủ nước ngoài."] * 30 + ["12/01/2017"])
    assert find_dateline(body) is None


def test_real_datelines(raw_report):
    assert find_dateline(raw_report("002_193b1d33f1a3b910.txt")).iso == "2024-04-15"


def test_long_input_is_linear():
    text = "Thứ Năm, 05/07/2018 15:08 " * 40_000
    started = time.perf_counter()
    assert len(find_dates(text)) == 40_000
    parse_dateline(text)
    assert time.perf_counter() - started < 10
