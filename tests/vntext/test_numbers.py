"""vntext.numbers: parsing Vietnamese/English numbers and finding the figures of a sentence."""

from __future__ import annotations

import math
import time
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vntext.numbers import Quantity, find_quantities, find_values, format_number_vi, parse_number

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


# --- the lone separator: thousands without a scale word, a decimal mark before one -------------------


@pytest.mark.parametrize(
    ("token", "scale", "expected"),
    [
        ("203,300", None, 203300),  # "almost 203,300 USD"
        ("260,000", None, 260000),  # "260,000 Euro"
        ("1,400", None, 1400),  # "over 1,400 local pupils"
        ("88.831", None, 88831),  # "88.831USD"
        ("0,125", None, 0.125),  # nobody groups thousands after a zero
        ("146,593", "tỷ", 146.593),  # "146,593 tỷ đồng": a Vietnamese scale, a decimal comma
        ("2,576", "triệu", 2.576),
        ("1.200", "tỷ", 1200),  # "1.200 tỷ đồng": a Vietnamese scale, a thousands dot
        ("1.200", "trillion", 1.2),  # "VND1.200 trillion": an English scale, a decimal dot
        ("1,500", "million", 1500),  # an English scale, a thousands comma
        ("1,5", "million", 1.5),  # "USD 1,5 million": a decimal comma in English text
        ("2.6", "million", 2.6),
        ("11,879,191", None, 11879191),  # several separators group thousands whatever follows
        ("17.216.450,40", "triệu", 17216450.40),
    ],
)
def test_lone_separator_reads_by_the_scale_word_after_it(token, scale, expected):
    value = parse_number(token, scale)
    assert value is not None
    assert math.isclose(value, expected, rel_tol=0, abs_tol=1e-9), (token, scale, value)


# --- real report forms: currency before the number, glued currency, English counts --------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "quoted"),
    [
        ("with total disbursements of USD 2.6 million. Most of", 2.6e6, "USD", None, "USD 2.6 million"),
        ("total committed aid of USD 11,879,191, of which", 11879191, "USD", None, "USD 11,879,191"),
        ("with committed aid totalling USD 4,450,116. Actual", 4450116, "USD", None, "USD 4,450,116"),
        ("with total funding of USD 123 thousand.", 123e3, "USD", None, "USD 123 thousand"),
        ("at a total cost of more than USD 1,5 million;", 1.5e6, "USD", "more than", "more than USD 1,5 million"),
        ("a project worth nearly USD 136 thousand to", 136e3, "USD", "nearly", "nearly USD 136 thousand"),
        ("reached approximately US$230 million.", 230e6, "USD", "about", "approximately US$230 million"),
        ("comes to $51.8 million, or", 51.8e6, "USD", None, "$51.8 million"),
        ("or about VND1.200 trillion.", 1.2e12, "VND", "about", "about VND1.200 trillion"),
        ("receives VND12 trillion of aid", 12e12, "VND", None, "VND12 trillion"),
        ("a grant of EUR 1.1 million", 1.1e6, "EUR", None, "EUR 1.1 million"),
        ("a grant of €260,000 for", 260e3, "EUR", None, "€260,000"),
        ("dành khoản hỗ trợ 260,000 Euro (tương đương", 260e3, "EUR", None, "260,000 Euro"),
        ("providing assistance worth almost 203,300 USD in total", 203300, "USD", "nearly", "almost 203,300 USD"),
        ("và 88.831USD, đến từ các tổ chức", 88831, "USD", None, "88.831USD"),
        ("viện trợ 2.166.000USD, bằng", 2166000, "USD", None, "2.166.000USD"),
        ("với tổng giá trị hơn 7,93 tỉ đồng.", 7.93e9, "VND", "more than", "hơn 7,93 tỉ đồng"),
        ("đã giải ngân gần 7 triệu đô la Mỹ, phục vụ", 7e6, "USD", "nearly", "gần 7 triệu đô la Mỹ"),
        ("tổng vốn tài trợ cam kết lên đến hơn 146,593 tỷ đồng.", 146.593e9, "VND", "more than", "hơn 146,593 tỷ đồng"),
        ("Thu nhập bình quân mỗi người: 2,576 triệu đồng/tháng", 2.576e6, "VND", None, "2,576 triệu đồng"),
        ("dự kiến hơn 1.200 tỷ đồng", 1.2e12, "VND", "more than", "hơn 1.200 tỷ đồng"),
        ("tương đương 07 tỷ đồng) nhằm", 7e9, "VND", None, "07 tỷ đồng"),
        ("its total value was estimated at 250 million USD.", 250e6, "USD", "about", "estimated at 250 million USD"),
        ("some 300 million USD", 300e6, "USD", "about", "some 300 million USD"),
        ("roughly 40 million USD", 40e6, "USD", "about", "roughly 40 million USD"),
        ("around 7 million USD", 7e6, "USD", "about", "around 7 million USD"),
        ("up to 5 million USD", 5e6, "USD", "at most", "up to 5 million USD"),
        ("giá đỡ 500.000đ/tháng", 500e3, "VND", None, "500.000đ"),
    ],
)
def test_money_as_real_reports_write_it(text, value, unit, qualifier, quoted):
    q = only(text)
    assert math.isclose(q.value, value, rel_tol=1e-12), (q.value, value)
    assert (q.unit, q.qualifier, q.text) == (unit, qualifier, quoted)
    assert text[q.start : q.end] == quoted


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "quoted"),
    [
        ("Fifty (50) foreign NGOs have been honoured", 50, "organizations", None, "Fifty (50) foreign NGOs"),
        ("the active collaboration of more than 500 foreign NGOs in Vietnam", 500, "organizations", "more than", "more than 500 foreign NGOs"),
        ("has drawn 35 humanitarian aid projects with a combined value", 35, "projects", None, "35 humanitarian aid projects"),
        ("The assistance came from 22 NGOs via", 22, "organizations", None, "22 NGOs"),
        ("via 120 programmes and projects with a focus", 120, "projects", None, "120 programmes and projects"),
        ("has received and implemented 161 project and non-project programs funded", 161, "projects", None, "161 project and non-project programs"),
        ("funded by 67 non-governmental organizations, with", 67, "organizations", None, "67 non-governmental organizations"),
        ("nearly 10 projects", 10, "projects", "nearly", "nearly 10 projects"),
        ("In 2015, 25 foreign non-governmental organizations (NGOs) were running", 25, "organizations", None, "25 foreign non-governmental organizations"),
        ("running 48 aid projects and programs in the province", 48, "projects", None, "48 aid projects and programs"),
        ("ties with 67 foreign non-governmental organizations and international organizations.", 67, "organizations", None,
         "67 foreign non-governmental organizations and international organizations"),
        ("The organisation is currently supporting over 1,400 local pupils.", 1400, "people", "more than", "over 1,400 local pupils"),
        ("went to ten collectives and 11 outstanding individuals from", 11, "people", None, "11 outstanding individuals"),
        ("Implementation reached all 63 provinces and cities nationwide.", 63, "provinces", None, "63 provinces and cities"),
        ("education and training: 47 programs;", 47, "projects", None, "47 programs"),
    ],
)
def test_english_counts(text, value, unit, qualifier, quoted):
    q = only(text)
    assert (q.value, q.unit, q.qualifier, q.text) == (value, unit, qualifier, quoted)


@pytest.mark.parametrize(
    ("text", "value", "unit", "quoted"),
    [
        ("giải ngân đạt 80 percent", 80, "percent", "80 percent"),
        ("accounting for 40 per cent of the total", 40, "percent", "40 per cent"),
        ("chiếm trên 40% tổng vốn", 40, "percent", "trên 40%"),
        ("bằng 100% tổng vốn", 100, "percent", "100%"),
        ("WVI đã triển khai 06 chương trình phát triển vùng", 6, "projects", "06 chương trình"),
        ("và 03 dự án tài trợ", 3, "projects", "03 dự án"),
        ("07 (bảy) dự án", 7, "projects", "07 (bảy) dự án"),  # the number spelled out again
    ],
)
def test_percent_words_and_leading_zeros(text, value, unit, quoted):
    q = only(text)
    assert (q.value, q.unit, q.text) == (value, unit, quoted)


def test_numbers_spelled_out():
    q = only("ngân sách gần ba triệu đô la Mỹ")
    assert (q.value, q.unit, q.qualifier, q.text) == (3e6, "USD", "nearly", "gần ba triệu đô la Mỹ")
    q = only("Fifty foreign non-governmental organizations (NGOs) in Vietnam")
    assert (q.value, q.unit, q.text) == (50, "organizations", "Fifty foreign non-governmental organizations")
    q = only("agreements with six organizations, namely")
    assert (q.value, q.unit) == (6, "organizations")
    assert only("twenty-five (25) projects").value == 25  # counted once, not twice


@pytest.mark.parametrize(
    "text",
    [
        "hai ti vi",  # "ti" is a television here: spelled Vietnamese numbers take "tỉ", "tỷ" only
        "năm nay",  # "năm" is a year
        "ba của em",
        "one of the",
        "August 25, 2025 | 10:17\nHelping Foreign NGOs Adjust",  # a time, then a headline
        "met on August 22 with the provincial Departments",  # a date
        "ngày 12 tháng 8 năm 2025",
        "tháng 10 năm 2023",
        "quý 1 năm 2023",
        "Riêng 6 tháng đầu năm 2012",  # a period, not six months of something
        "9 tháng cuối năm",
        "$0 $0The northern province",
        "$0",
        "disbursed. $0 $0$0 The province hosts",
        "0 USD 0 USD 0 USD",
    ],
)
def test_dates_times_periods_and_page_residue_are_not_figures(text):
    assert find_quantities(text) == []


def test_page_residue_around_real_figures():
    text = (
        "$0 $0The northern province of Vinh Phuc has, since the beginning of this year, drawn 35 humanitarian aid "
        "projects with a combined value of 3.4 million USD, of which 2.7 million USD has already been disbursed. "
        "$0 $0$0 The province hosts 24 foreign non-governmental organisations."
    )
    found = find_quantities(text)
    assert [(q.value, q.unit) for q in found] == [(35, "projects"), (3.4e6, "USD"), (2.7e6, "USD"), (24, "organizations")]


def test_a_zero_amount_alone_is_still_a_figure():
    (q,) = find_quantities("vốn đối ứng 0 USD trong năm")
    assert (q.value, q.unit) == (0, "USD")


def test_english_heads_stay_on_their_line():
    found = find_quantities("VUFO certificates of merit go to 50 foreign NGOs\nFifty foreign non-governmental organizations")
    assert [q.text for q in found] == ["50 foreign NGOs", "Fifty foreign non-governmental organizations"]


def test_a_count_before_a_currency_code_is_a_count():
    # the code belongs to the figure before; the number after it counts projects
    found = find_quantities("giải ngân 2 triệu USD 15 dự án")
    assert [(q.value, q.unit) for q in found] == [(2e6, "USD"), (15, "projects")]


def test_find_values_reads_the_separator_by_the_scale_word():
    assert find_values("almost 203,300 USD") == [203300]
    assert find_values("hơn 146,593 tỷ đồng") == [146.593e9]
    assert find_values("about VND1.200 trillion") == [1.2e12]
    assert find_values("hơn 1.200 tỷ đồng") == [1.2e12]


def test_english_report_figures_in_order():
    # a whole paragraph of a real English report
    text = (
        "In 2015, 25 foreign non-governmental organizations (NGOs) were running 48 aid projects and programs in "
        "the province, with total disbursements of USD 2.6 million. Notable projects in 2015 included the "
        "construction of phase II of the bear rescue center at Tam Dao National Park, funded by the AAF "
        "organization (Hong Kong) at a total cost of more than USD 1,5 million; a California University (USA) "
        "project worth nearly USD 136 thousand to evaluate how well community intervention prevents HIV."
    )
    assert [(q.value, q.unit, q.qualifier) for q in find_quantities(text)] == [
        (25, "organizations", None),
        (48, "projects", None),
        (2.6e6, "USD", None),
        (1.5e6, "USD", "more than"),
        (136e3, "USD", "nearly"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Fifty (" * 150_000,
        "USD 5 " * 150_000,
        "25 foreign non-governmental " * 40_000,
        "one " * 250_000,
        "$0" * 300_000,
    ],
)
@pytest.mark.slow
def test_new_forms_stay_linear_on_long_input(text):
    started = time.perf_counter()
    find_quantities(text)
    assert time.perf_counter() - started < 30


def test_english_digits_are_written_with_comma_thousands_and_a_decimal_dot():
    from vntext.numbers import format_number_en

    assert format_number_en(1981371) == "1,981,371"
    assert format_number_en(-1234.5) == "-1,234.5"
    assert format_number_en(2.65) == "2.65"


@pytest.mark.parametrize(
    ("figure", "english"),
    [
        ("USD 4,450,116", True),
        ("2.6 million USD", True),
        ("17.216.450,40 USD", False),
        ("1,5 triệu USD", False),
        ("5,204 tỉ đồng", False),  # a Vietnamese scale word: a decimal comma
        ("230 USD", False),  # no grouping says nothing
    ],
)
def test_which_figures_group_their_digits_the_english_way(figure, english):
    from vntext.numbers import writes_digits_in_english

    assert writes_digits_in_english(figure) is english
