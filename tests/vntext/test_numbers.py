"""vntext.numbers: parsing Vietnamese/English numbers and finding the figures of a sentence."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vntext.numbers import Quantity, find_quantities, format_number_vi, parse_number

# --- parse_number ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("17.216.450,40", 17216450.40),  # Vietnamese: dot thousands, comma decimals
        ("9.197.672,08", 9197672.08),
        ("15.121.555,63", 15121555.63),
        ("15.211.724", 15211724),  # several dots: thousands only
        ("2.200", 2200),  # one dot before exactly three digits: thousands
        ("2,3", 2.3),  # lone comma: decimal mark
        ("91,7", 91.7),
        ("90,7", 90.7),
        ("0,5", 0.5),
        ("228,7", 228.7),
        ("17,216,450.40", 17216450.40),  # English: comma thousands, dot decimals
        ("228.7", 228.7),  # a dot before one digit is a decimal mark
        ("1.5", 1.5),
        ("262", 262),
        ("2023", 2023),
    ],
)
def test_parse_number_reads_both_conventions(token, expected):
    value = parse_number(token)
    assert value is not None
    assert math.isclose(value, expected, rel_tol=0, abs_tol=1e-9), (token, value)


@pytest.mark.parametrize("token", ["1.2.3", "12,5,6", "", "abc", "1..2", "1,2.3,4", "12.34.567", "-5", "1.234.5678"])
def test_parse_number_rejects_malformed_tokens(token):
    assert parse_number(token) is None


def test_parse_number_ignores_surrounding_spaces():
    assert parse_number("  2,3 ") == 2.3


# --- round trips (property tests) ------------------------------------------------------------------


def vi_format(integer: int, fraction: str = "") -> str:
    """An independent Vietnamese formatter: dot thousands, comma decimals."""
    digits = str(integer)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    text = ".".join(groups) or "0"
    return f"{text},{fraction}" if fraction else text


def test_independent_vi_formatter_sanity():
    # the helper itself must write what the reports write
    assert vi_format(17216450, "40") == "17.216.450,40"
    assert vi_format(2200) == "2.200"
    assert vi_format(0, "5") == "0,5"


integers = st.integers(min_value=0, max_value=10**13)
cents = st.integers(min_value=0, max_value=10**13)  # values with two decimals, as integer cents
tenths = st.integers(min_value=0, max_value=10**12)  # values with one decimal


@settings(max_examples=300, deadline=None)
@given(integers)
def test_format_number_vi_round_trips_integers(n):
    text = format_number_vi(n)
    assert "," not in text  # no decimal part for an integer
    parsed = parse_number(text)
    assert parsed is not None, text
    assert math.isclose(parsed, n, rel_tol=1e-15, abs_tol=0), text


@settings(max_examples=300, deadline=None)
@given(cents)
def test_format_number_vi_round_trips_two_decimals(c):
    value = c / 100
    for text in (format_number_vi(value), format_number_vi(value, 2)):
        parsed = parse_number(text)
        assert parsed is not None, text
        assert math.isclose(parsed, value, rel_tol=1e-13, abs_tol=1e-9), text


@settings(max_examples=300, deadline=None)
@given(tenths)
def test_format_number_vi_round_trips_one_decimal(t):
    value = t / 10
    text = format_number_vi(value, 1)
    assert text.endswith(f",{t % 10}")
    parsed = parse_number(text)
    assert parsed is not None, text
    assert math.isclose(parsed, value, rel_tol=1e-13, abs_tol=1e-9), text


@settings(max_examples=300, deadline=None)
@given(integers)
def test_independent_vi_format_of_integers_parses_back(n):
    text = vi_format(n)
    assert parse_number(text) == float(n), text


@settings(max_examples=300, deadline=None)
@given(cents, st.sampled_from([1, 2]))
def test_independent_vi_format_with_decimals_parses_back(c, decimals):
    if decimals == 1:
        integer, fraction = divmod(c, 10)
        text, expected = vi_format(integer, str(fraction)), Decimal(c) / 10
    else:
        integer, fraction = divmod(c, 100)
        text, expected = vi_format(integer, f"{fraction:02d}"), Decimal(c) / 100
    parsed = parse_number(text)
    assert parsed is not None, text
    assert math.isclose(parsed, float(expected), rel_tol=1e-13, abs_tol=1e-9), text


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**13))
def test_english_format_parses_back_when_both_separators(c):
    value = c / 100
    text = "{:,.2f}".format(value)
    assume("," in text and "." in text)
    parsed = parse_number(text)
    assert parsed is not None, text
    assert math.isclose(parsed, value, rel_tol=1e-13, abs_tol=1e-9), text


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**11), st.sampled_from([None, 1, 2]))
def test_a_vietnamese_amount_in_a_sentence_is_found_with_its_value(c, decimals):
    value = c / 100 if decimals is None else round(c / 100, decimals)
    written = format_number_vi(value, decimals)
    sentence = f"Tổng giá trị giải ngân đạt {written} USD trong năm."
    quantities = find_quantities(sentence)
    assert len(quantities) == 1, (sentence, quantities)
    q = quantities[0]
    assert q.unit == "USD"
    assert sentence[q.number_start : q.number_end] == written
    assert math.isclose(q.value, value, rel_tol=1e-13, abs_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99))
def test_scaled_amounts_have_no_float_noise(integer, hundredths):
    fraction = f"{hundredths:02d}".rstrip("0") or "0"
    sentence = f"giá trị cam kết đạt {integer},{fraction} triệu USD"
    (q,) = find_quantities(sentence)
    expected = integer * 1_000_000 + int(fraction.ljust(2, "0")) * 10_000
    assert q.value == float(expected), (sentence, q.value)


# --- find_quantities: the figures the product must get right -----------------------------------------


def only(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "quoted"),
    [
        ("đạt 17.216.450,40 USD", 17216450.40, "USD", None, "17.216.450,40 USD"),
        ("hơn 262 triệu USD", 262e6, "USD", "more than", "hơn 262 triệu USD"),
        ("2,3 triệu USD", 2.3e6, "USD", None, "2,3 triệu USD"),
        ("trên 91,7 tỷ đồng", 91.7e9, "VND", "more than", "trên 91,7 tỷ đồng"),
        ("gần 8 ngàn nạn nhân", 8000, "people", "nearly", "gần 8 ngàn nạn nhân"),
        ("hơn 500 TCPCPNN", 500, "organizations", "more than", "hơn 500 TCPCPNN"),
        ("gần 1/4 tổng số", 0.25, "fraction", "nearly", "gần 1/4"),
        ("đạt 71%", 71, "percent", None, "71%"),
        ("94 chương trình, dự án", 94, "projects", None, "94 chương trình, dự án"),
        ("35 khoản viện trợ", 35, "aid items", None, "35 khoản viện trợ"),
        ("khoảng 230 triệu USD", 230e6, "USD", "about", "khoảng 230 triệu USD"),
        ("17,216,450.40 USD", 17216450.40, "USD", None, "17,216,450.40 USD"),
        ("Gần 5 ngàn trường hợp", 5000, "people", "nearly", "Gần 5 ngàn trường hợp"),
        ("tổng số 62 tổ chức PCPNN", 62, "organizations", None, "62 tổ chức PCPNN"),
        ("30 khoản viện trợ PCPNN", 30, "aid items", None, "30 khoản viện trợ"),
    ],
)
def test_figures_are_read_exactly(text, value, unit, qualifier, quoted):
    q = only(text)
    assert math.isclose(q.value, value, rel_tol=1e-12), (q.value, value)
    assert q.unit == unit
    assert q.qualifier == qualifier
    assert q.text == quoted
    assert q.change is None


def test_money_flag():
    assert only("2,3 triệu USD").is_money
    assert only("trên 91,7 tỷ đồng").is_money
    assert not only("đạt 71%").is_money
    assert not only("94 chương trình, dự án").is_money


def test_more_than_4_1_million_is_exact():
    q = only("giá trị giải ngân năm 2020 trên 4,1 triệu USD")
    assert q.value == 4100000.0  # exactly, not 4099999.9999999995
    assert q.qualifier == "more than"
    assert q.text == "trên 4,1 triệu USD"


def test_increase_is_a_change_and_not_a_qualifier():
    q = only("tăng 4,9 triệu USD so với năm 2022")
    assert q.value == 4.9e6
    assert q.unit == "USD"
    assert q.change == "increase"
    assert q.qualifier is None
    assert q.text == "4,9 triệu USD"


def test_decrease_of_a_percentage():
    q = only("Giá trị giải ngân giảm 15%")
    assert (q.value, q.unit, q.change) == (15, "percent", "decrease")


def test_each_figure_gets_its_own_change():
    first, second = find_quantities("tăng 2 triệu USD và giảm 1 triệu USD")
    assert (first.value, first.change) == (2e6, "increase")
    assert (second.value, second.change) == (1e6, "decrease")


def test_a_plain_figure_has_no_change():
    q = only("Tổng giá trị cam kết viện trợ 16,2 triệu USD.")
    assert q.change is None and q.qualifier is None
    assert q.value == 16.2e6


def test_several_figures_of_one_sentence_in_order():
    sentence = (
        "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn "
        "giải ngân đạt 17.216.450,40 USD."
    )
    found = find_quantities(sentence)
    assert [(q.value, q.unit) for q in found] == [(94, "projects"), (17216450.40, "USD")]


# --- what is not a figure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "năm 2023",
        "giai đoạn 2015 - 2023",
        "giai đoạn 2015-2023",
        "năm 2023 tỉnh có",
        "Chiều 12/4/2024",
        "Chiều 12/4, tại Hà Nội",
        "ngày15/12/2024",
        "16/11/2023",
        "Nghị định số 58/2022/NĐ-CP",
        "Kế hoạch số 145/KH-BCTPCPNN",
        "Kết luận số 98 KL/TW",
        "Chỉ thị số 12-CT/TW",
        "lần thứ 13",
        "bão số 3 (Yagi)",
        "quy mô từ 1,5-2m",
        "chi phí từ 100-300 triệu đồng",
        "dịch Covid-19",
        "có 42",
        "Ngày 15-8",
    ],
)
def test_not_figures(text):
    assert find_quantities(text) == []


def test_a_year_before_a_noun_is_not_a_count():
    found = find_quantities("Năm 2023 tỉnh có 33 tổ chức PCPNN")
    assert [(q.value, q.unit) for q in found] == [(33, "organizations")]


def test_dates_and_codes_inside_a_real_sentence_are_skipped():
    sentence = (
        "Tình hình thực hiện Nghị định số 58/2022/NĐ-CP ngày 31/8/2022 của Chính phủ; năm 2023, "
        "giá trị viện trợ đạt 228,7 triệu USD."
    )
    found = find_quantities(sentence)
    assert [(q.value, q.unit) for q in found] == [(228.7e6, "USD")]


def test_a_count_after_so_is_a_count():
    q = only("trong tổng số 62 tổ chức PCPNN đăng ký hoạt động tại tỉnh")
    assert (q.value, q.unit) == (62, "organizations")
    assert q.unit_text == "tổ chức PCPNN"


# --- spans ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("Kết quả, năm 2023, giá trị viện trợ đạt 228,7 triệu USD, tăng 4,9 triệu USD so với năm 2022.", ["228,7", "4,9"]),
        ("Đồng Nai hiện còn gần 8 ngàn nạn nhân chất độc da cam/dioxin còn sống.", ["8"]),
        ("lĩnh vực giáo dục và đào tạo chiếm gần 1/4 tổng số khoản viện trợ", ["1/4"]),
        ("triển khai 30 khoản viện trợ PCPNN với tổng giá trị cam kết tài trợ trên 91,7 tỷ đồng.", ["30", "91,7"]),
        ("tỷ lệ giải ngân trong năm qua đạt 71%.", ["71"]),
        ("vốn cam kết đạt 15.211.724 USD, trong đó: vốn viện trợ không hoàn lại: 15.121.555,63 USD", ["15.211.724", "15.121.555,63"]),
    ],
)
def test_quantity_spans_point_into_the_text(text, digits):
    found = find_quantities(text)
    assert [text[q.number_start : q.number_end] for q in found] == digits
    for q in found:
        assert text[q.start : q.end] == q.text
        assert q.start <= q.number_start < q.number_end <= q.end


def test_compatriots_are_people_not_currency():
    [q] = find_quantities("5 triệu đồng bào cả nước")
    assert (q.unit, q.value, q.text) == ("people", 5_000_000.0, "5 triệu đồng bào")


def test_dollar_sign_is_part_of_the_figure():
    [q] = find_quantities("$5 million in aid")
    assert (q.text, q.unit, q.value) == ("$5 million", "USD", 5_000_000.0)
    [q] = find_quantities("hơn $2 million")
    assert (q.text, q.qualifier) == ("hơn $2 million", "more than")
