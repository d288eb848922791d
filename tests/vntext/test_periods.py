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


# --- relative periods resolved against the publication date ----------------------------------------


def resolved(text: str, reference: str) -> PeriodMention:
    found = find_periods(text, reference)
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize(
    ("text", "reference", "label", "relative"),
    [
        ("tỷ lệ giải ngân trong năm qua đạt 71%", "2020-03-15", "2019", "past"),
        ("trong năm qua", "2025-01-29", "2024", "past"),  # January: the year just ended
        ("trong năm qua", "2025-02-20", "2024", "past"),
        ("năm vừa qua", "2020-12-22", "2020", "past"),  # December: the year about to close
        ("last year", "2020-12-22", "2019", "past"),  # "last year" is always the year before
        ("năm trước", "2020-12-22", "2019", "past"),
        ("năm nay", "2025-08-25", "2025", "current"),
        ("this year's certificate recipients", "2020-12-22", "2020", "current"),
    ],
)
def test_relative_years_with_a_reference(text, reference, label, relative):
    m = resolved(text, reference)
    assert m.period == Period.year(int(label))
    assert m.relative == relative


def test_from_the_beginning_of_the_year():
    for text in ("Từ đầu năm đến nay", "từ đầu năm", "since the beginning of this year"):
        m = resolved(text, "2013-05-14")
        assert m.period == Period("2013-01-01", "2013-05-14", "1/1/2013-14/5/2013"), text
        assert m.relative == "current"
    assert find_periods("since the beginning of this year")[0].period is None  # no reference: relative


def test_since_a_year_up_to_now_ends_at_the_reference():
    m = resolved("Tổ chức này, từ năm 2006 đến nay, đã giải ngân gần 7 triệu đô la Mỹ", "2025-08-25")
    assert m.period == Period("2006-01-01", "2025-08-25", "2006-2025")
    m = resolved("Cao Bang has, from 2024 to the present, kept receiving funding", "2025-08-25")
    assert m.period == Period("2024-01-01", "2025-08-25", "2024-2025")
    m = resolved("Từ đầu năm 2025 đến nay, tỉnh Quảng Trị đã vận động được 25 dự án", "2025-03-10")
    assert m.period == Period("2025-01-01", "2025-03-10", "1/1/2025-10/3/2025")
    # without a reference the end stays open, as before
    assert only("từ năm 2006 đến nay").period == Period("2006-01-01", None, "từ 2006")


def test_up_to_now_alone_needs_the_reference():
    m = resolved("Đến nay, tại Yên Bái, WVI đã triển khai 06 chương trình", "2023-09-12")
    assert m.period == Period("0001-01-01", "2023-09-12", "đến 12/9/2023")
    assert m.period.open_start and m.relative == "to_date"
    assert find_periods("Đến nay, tại Yên Bái, WVI đã triển khai 06 chương trình") == []


def test_until_a_month_without_a_year():
    m = resolved("tính đến tháng 10, tỉnh đã tiếp nhận", "2023-11-20")
    assert m.period == Period("0001-01-01", "2023-10-31", "đến 10/2023")
    # December in a January report: the month just ended, of the year before
    assert resolved("tính đến tháng 12", "2024-01-15").period.end == "2023-12-31"
    assert only("tính đến tháng 10").period is None


def test_over_the_past_years_exposes_its_length():
    m = only("234.8 billion VND in aid by non-governmental organisations (NGOs) over the past five years")
    assert (m.period, m.relative, m.length_years) == (None, "recent", 5)
    m = resolved("over the past five years", "2008-08-14")
    assert m.period == Period("2003-08-14", "2008-08-14", "2003-2008")
    assert m.length_years == 5
    m = only("Thành quả lớn đạt được trong 20 năm qua là khoảng 4,3 tỷ USD")
    assert (m.relative, m.length_years) == ("recent", 20)
    assert resolved("trong ba năm qua", "2024-02-29").period.start == "2021-02-28"  # no 29 February in 2021


@pytest.mark.parametrize("text", ["trong những năm qua", "nhiều năm qua tỉnh Lào Cai", "in recent years", "over the years"])
def test_years_of_no_stated_length_are_not_a_period(text):
    assert find_periods(text) == []
    assert find_periods(text, "2025-01-01") == []


def test_a_bad_reference_is_ignored():
    assert only("năm nay").period is None
    for reference in ("", "not a date", "2025-13-01"):
        assert find_periods("năm nay", reference)[0].period is None


# --- quarters, halves, months -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("quý I/2023", Period("2023-01-01", "2023-03-31", "quý I/2023")),
        ("quý 1 năm 2023", Period("2023-01-01", "2023-03-31", "quý I/2023")),
        ("Quý IV/2024", Period("2024-10-01", "2024-12-31", "quý IV/2024")),
        ("quý II năm 2023", Period("2023-04-01", "2023-06-30", "quý II/2023")),
        ("Q1 2023", Period("2023-01-01", "2023-03-31", "quý I/2023")),
        ("in the first quarter of 2024", Period("2024-01-01", "2024-03-31", "quý I/2024")),
        ("Riêng 6 tháng đầu năm 2012", Period("2012-01-01", "2012-06-30", "6 tháng đầu năm 2012")),
        ("6 tháng cuối năm 2012", Period("2012-07-01", "2012-12-31", "6 tháng cuối năm 2012")),
        ("9 tháng đầu năm 2023", Period("2023-01-01", "2023-09-30", "9 tháng đầu năm 2023")),
        ("the first half of 2024", Period("2024-01-01", "2024-06-30", "6 tháng đầu năm 2024")),
        ("the first nine months of 2024", Period("2024-01-01", "2024-09-30", "9 tháng đầu năm 2024")),
        ("trong tháng 6/2012", Period("2012-06-01", "2012-06-30", "tháng 6/2012")),
        ("tháng 12/2018", Period("2018-12-01", "2018-12-31", "tháng 12/2018")),
        ("tháng 2 năm 2024", Period("2024-02-01", "2024-02-29", "tháng 2/2024")),
        ("in June 2012", Period("2012-06-01", "2012-06-30", "tháng 6/2012")),
    ],
)
def test_quarters_halves_and_months(text, period):
    assert only(text).period == period


@pytest.mark.parametrize(
    ("text", "reference", "label"),
    [
        ("trong quý I, đã xin ý kiến UBND tỉnh", "2023-04-10", "quý I/2023"),
        ("quý IV", "2025-01-29", "quý IV/2024"),  # the quarter just ended
        ("quý IV", "2025-08-25", "quý IV/2025"),  # the coming quarter: a plan
        ("6 tháng đầu năm", "2012-07-20", "6 tháng đầu năm 2012"),
        ("nửa đầu năm", "2024-08-01", "6 tháng đầu năm 2024"),
        ("9 tháng đầu năm", "2023-10-05", "9 tháng đầu năm 2023"),
        ("6 tháng cuối năm", "2024-02-01", "6 tháng cuối năm 2023"),
    ],
)
def test_parts_of_a_year_without_the_year_take_the_reference(text, reference, label):
    m = resolved(text, reference)
    assert m.period.label == label
    assert m.relative == "current"
    assert find_periods(text)[0].period is None  # without a reference they stay relative


def test_until_the_end_of_a_month_has_an_open_start():
    text = "Tính đến cuối tháng 12/2018, tỉnh Kon Tum đã thu hút 15 dự án"
    m = only(text)
    assert m.period == Period("0001-01-01", "2018-12-31", "đến 12/2018")
    assert text[m.start : m.end] == "Tính đến cuối tháng 12/2018"
    assert m.period.open_start and not m.period.is_single_year
    # a total counted up to the end of 2018 is within "up to 2018", not within the year 2018
    assert m.period.covers(Period.year(2018))
    assert not Period.year(2018).covers(m.period)
    assert m.period.overlaps(Period.year(2018)) and Period.year(2018).overlaps(m.period)
    assert not m.period.overlaps(Period.year(2019))
    assert not Period.year(2019).covers(m.period)


def test_from_a_year_to_a_month():
    text = "Từ năm 2005 đến tháng 6/2012, Lào Cai đã tiếp nhận hơn 140 chương trình, dự án"
    m = only(text)
    assert m.period == Period("2005-01-01", "2012-06-30", "2005-6/2012")
    assert text[m.start : m.end] == "Từ năm 2005 đến tháng 6/2012"
    assert only("từ tháng 1/2020 đến tháng 6/2021").period == Period("2020-01-01", "2021-06-30", "1/2020-6/2021")
    # month 13 starts nothing: only "up to June 2021" is left
    assert [m.period.label for m in find_periods("từ tháng 13/2020 đến tháng 6/2021")] == ["đến 6/2021"]
    # backwards: not one range, a month and an end
    assert [m.period.label for m in find_periods("từ tháng 6/2021 đến tháng 1/2020")] == ["tháng 6/2021", "đến 1/2020"]


@pytest.mark.parametrize("text", ["Kính thưa quý vị", "điều đáng quý", "quý khách"])
def test_quy_that_is_not_a_quarter(text):
    assert find_periods(text) == []


# --- anaphora ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Trong giai đoạn này, tỉnh tiếp nhận", "thời gian này", "trong giai đoạn trên", "during this period", "over the period"],
)
def test_anaphoric_periods_are_left_to_the_caller(text):
    m = only(text)
    assert (m.period, m.relative, m.comparison) == (None, "anaphoric", False)
    assert find_periods(text, "2025-01-01")[0].period is None


def test_the_period_from_years_is_a_range_not_an_anaphor():
    text = "Quang Tri Province, in the period from 2014 to 2019, stood out nationwide"
    m = only(text)
    assert m.period == Period.years(2014, 2019)
    assert text[m.start : m.end] == "in the period from 2014 to 2019"


# --- English -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("In 2015, 25 foreign non-governmental organizations", Period.year(2015)),
        ("during 2020", Period.year(2020)),
        ("From 2000 to 2010, Plan International has been contributing", Period.years(2000, 2010)),
        ("in the 2014-2019 period", Period.years(2014, 2019)),
        ("from 2014 to 2019", Period.years(2014, 2019)),
        ("2020-2025", Period.years(2020, 2025)),
        ("between 2019 and 2025", Period.years(2019, 2025)),
        ("since 2010", Period("2010-01-01", None, "từ 2010")),
    ],
)
def test_english_periods(text, period):
    assert only(text).period == period


def test_two_years_joined_by_and_are_two_years():
    assert [m.period.label for m in find_periods("in 2019 and 2020")] == ["2019", "2020"]
    assert [m.period.label for m in find_periods("năm 2019 và 2020")] == ["2019", "2020"]


@pytest.mark.parametrize(
    "text",
    [
        "January 29, 2025 | 13:00",
        "December 22, 2020 | 19:46 (GMT+7)",
        "met on 22 August 2025",
        "ngày 12 tháng 8 năm 2025",
        "Thu, 08/14/2008 - 09:56",
        "Friday, 22/01/2016",
        "Quyết định số 3724/QĐ-UBND ngày 12/8/2025",
    ],
)
def test_event_dates_are_not_periods(text):
    assert find_periods(text) == []
    assert find_periods(text, "2025-09-01") == []


# --- comparisons with the previous year ----------------------------------------------------------------


def test_comparison_with_the_year_before_the_one_named():
    found = find_periods("Năm 2023, giá trị viện trợ tăng 5% so với năm trước")
    assert [(m.period.label, m.comparison) for m in found] == [("2023", False), ("2022", True)]


def test_comparison_with_the_same_period_a_year_earlier():
    found = find_periods("Quý I/2023, giải ngân tăng 10% so với cùng kỳ năm trước")
    assert [(m.period.label, m.comparison) for m in found] == [("quý I/2023", False), ("quý I/2022", True)]
    assert found[1].period == Period("2022-01-01", "2022-03-31", "quý I/2022")


def test_comparison_with_last_year_needs_something_to_count_from():
    m = only("tổng giá trị viện trợ mới giảm so với cùng kỳ năm ngoái")
    assert m.comparison and m.period is None and m.relative == "past"
    m = resolved("giảm so với năm trước", "2024-03-01")
    assert m.comparison and m.period == Period.year(2023)


def test_a_whole_english_report_paragraph():
    text = (
        "Cao Bang province has, from 2019 to 2025, steadily followed the Central Government's instructions. "
        "Cao Bang has, from 2024 to the present, kept receiving funding from 20 non-governmental organizations."
    )
    found = find_periods(text, "2025-08-25")
    assert [m.period.label for m in found] == ["2019-2025", "2024-2025"]
    assert found[1].period.end == "2025-08-25"


@pytest.mark.slow
def test_periods_stay_linear_on_long_input():
    import time

    for text in ("quý I " * 150_000, "giai đoạn này " * 70_000, "6 tháng đầu năm " * 60_000, "the period " * 90_000):
        started = time.perf_counter()
        find_periods(text, "2025-01-01")
        assert time.perf_counter() - started < 30, text[:20]
