"""vntext.periods: years, ranges, exact dates, open periods and comparison references."""

from __future__ import annotations

import calendar

import pytest

from vntext.periods import Period, PeriodMention, find_periods


def only(text: str) -> PeriodMention:
    found = find_periods(text)
    assert len(found) == 1, (text, found)
    return found[0]


# --- find_periods --------------------------------------------------------------------------------


def test_a_single_year():
    m = only("Theo báo cáo, năm 2023, có 381 tổ chức hoạt động.")
    assert m.period == Period.year(2023)
    assert m.period == Period("2023-01-01", "2023-12-31", "2023")
    assert not m.comparison and m.relative is None


def test_a_range_of_years_is_one_period():
    text = "Giai đoạn 2015 - 2023, Tổ chức ChildFund Việt Nam đã tài trợ 6 xã"
    m = only(text)
    assert m.period == Period("2015-01-01", "2023-12-31", "2015-2023")
    assert text[m.start : m.end] == "Giai đoạn 2015 - 2023"


@pytest.mark.parametrize("text", ["giai đoạn 2021-2025", "giai đoạn 2019 – 2025", "từ năm 2021 đến năm 2025"])
def test_other_ways_of_writing_a_range(text):
    m = only(text)
    first, last = m.period.start[:4], m.period.end[:4]
    assert m.period.label == f"{first}-{last}"
    assert m.period.start.endswith("-01-01") and m.period.end.endswith("-12-31")
    assert int(first) < int(last)


def test_exact_dates():
    text = "Thông tin từ Sở Ngoại vụ cho biết, từ 16/11/2023 đến ngày15/12/2024, tỉnh Quảng Trị đã vận động"
    m = only(text)
    assert m.period == Period("2023-11-16", "2024-12-15", "16/11/2023-15/12/2024")
    assert text[m.start : m.end] == "từ 16/11/2023 đến ngày15/12/2024"


def test_dates_in_the_wrong_order_are_not_a_range():
    for m in find_periods("từ 31/12/2024 đến 1/1/2024"):
        assert m.period.start != "2024-12-31"
        assert m.period.end is None or m.period.start <= m.period.end


def test_open_ended_since():
    m = only("Từ năm 2019 đến nay, Bắc Kạn đã triển khai thực hiện 35 khoản viện trợ")
    assert m.period.start == "2019-01-01"
    assert m.period.end is None
    assert m.period.label == "từ 2019"


def test_since_in_english():
    m = only("since 2019")
    assert m.period == Period("2019-01-01", None, "từ 2019")


def test_until_a_month():
    m = only("Số vốn giải ngân thực tế đến tháng 6/2023 là hơn 48,9 tỷ đồng")
    assert m.period.label == "đến 6/2023"
    assert m.period.end.startswith("2023-06-")
    assert m.period.start < "2000-01-01"  # open at the start


def test_until_a_month_covers_the_whole_month():
    m = only("đến tháng 6/2023")
    last_day = calendar.monthrange(2023, 6)[1]
    assert m.period.end == f"2023-06-{last_day:02d}"
    assert m.period.covers(Period("2023-06-30", "2023-06-30", "30/6/2023"))


def test_an_invalid_month_is_not_a_period():
    assert find_periods("đến tháng 13/2023") == []


def test_comparison_reference():
    text = "đạt 228,7 triệu USD, tăng 4,9 triệu USD so với năm 2022."
    m = only(text)
    assert m.comparison
    assert m.period == Period.year(2022)
    assert text[m.start : m.end] == "so với năm 2022"


def test_comparison_with_same_period_of_a_year():
    m = only("giảm so với cùng kỳ năm 2019")
    assert m.comparison and m.period == Period.year(2019)


def test_a_year_and_a_comparison_in_one_sentence():
    found = find_periods("Kết quả, năm 2023, giá trị viện trợ đạt 228,7 triệu USD, tăng 4,9 triệu USD so với năm 2022.")
    assert [(m.period.label, m.comparison) for m in found] == [("2023", False), ("2022", True)]


@pytest.mark.parametrize(("text", "kind"), [("trong năm qua", "past"), ("năm vừa qua", "past"), ("năm nay", "current")])
def test_relative_years_are_left_to_resolve(text, kind):
    m = only(text)
    assert m.period is None
    assert m.relative == kind
    assert not m.comparison


@pytest.mark.parametrize(
    "text",
    [
        "Chiều 12/4/2024, Ủy ban tổ chức hội nghị",
        "Nghị định số 58/2022/NĐ-CP",
        "Nghị định số 58/2022/NĐ-CP ngày 31/8/2022",
        "Quyết định số 1999/QĐ-TTg",
        "Kết luận số 98 KL/TW ngày 28/6/2014",
        "Ngày 15-8-2024",
        "2.023 người",
        "thời gian qua",
    ],
)
def test_years_inside_dates_and_codes_are_not_periods(text):
    assert find_periods(text) == []


def test_a_dated_event_does_not_hide_the_report_year():
    found = find_periods("Chiều ngày 12/4/2024, hội nghị giao ban công tác PCPNN năm 2023, kế hoạch năm 2024.")
    assert [m.period.label for m in found] == ["2023", "2024"]


def test_mentions_are_in_order_and_do_not_overlap():
    text = "Giai đoạn 2015 - 2023 và từ 16/11/2023 đến 15/12/2024, so với năm 2019; năm 2025 và trong năm qua."
    found = find_periods(text)
    assert len(found) == 5
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start


# --- Period ----------------------------------------------------------------------------------------


def test_years_of_a_single_year_is_that_year():
    assert Period.years(2023, 2023) == Period.year(2023)


def test_is_single_year():
    assert Period.year(2023).is_single_year
    assert not Period.years(2015, 2023).is_single_year
    assert not Period("2023-11-16", "2024-12-15", "16/11/2023-15/12/2024").is_single_year
    assert not Period("2023-03-01", "2023-12-31", "3-12/2023").is_single_year  # part of a year
    assert not Period("2019-01-01", None, "từ 2019").is_single_year  # open


def test_covers():
    span = Period.years(2015, 2023)
    assert span.covers(Period.year(2015))
    assert span.covers(Period.year(2023))
    assert span.covers(span)
    assert not span.covers(Period.year(2024))
    assert not Period.year(2020).covers(span)
    assert Period("2023-11-16", "2024-12-15", "x").covers(Period("2024-01-01", "2024-06-30", "y"))
    assert not Period("2023-11-16", "2024-12-15", "x").covers(Period.year(2024))


def test_covers_with_open_periods():
    since = Period("2019-01-01", None, "từ 2019")
    assert since.covers(Period.year(2030))
    assert since.covers(Period("2020-01-01", None, "từ 2020"))
    assert not since.covers(Period.year(2018))
    assert not Period.year(2019).covers(since)  # a year cannot contain an open period


def test_overlaps():
    assert Period.years(2015, 2023).overlaps(Period.year(2023))
    assert Period.year(2023).overlaps(Period.years(2015, 2023))
    assert not Period.year(2022).overlaps(Period.year(2023))
    dates = Period("2023-11-16", "2024-12-15", "16/11/2023-15/12/2024")
    assert dates.overlaps(Period.year(2023))
    assert dates.overlaps(Period.year(2024))
    assert not dates.overlaps(Period.year(2025))
    assert not dates.overlaps(Period.year(2022))
    # inclusive bounds: touching on one day is an overlap
    assert Period("2023-12-31", "2024-01-05", "a").overlaps(Period.year(2023))


def test_overlaps_with_open_periods():
    since = Period("2019-01-01", None, "từ 2019")
    assert since.overlaps(Period.year(2025))
    assert Period.year(2025).overlaps(since)
    assert not since.overlaps(Period.year(2018))
    assert since.overlaps(Period("2024-01-01", None, "từ 2024"))
