"""Figures in Vietnamese (and English) text: parse them exactly, with qualifier, scale and unit.

"hơn 262 triệu USD" -> 262,000,000 USD, qualifier "more than"; "17.216.450,40 USD" -> 17216450.40;
"gần 8 ngàn nạn nhân" -> 8,000 people, "nearly"; "gần 1/4" -> 0.25; "71%" -> 71 percent.
Years, dates, document codes ("58/2022/NĐ-CP") and ordinals ("lần thứ 13") are not figures.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from vntext.vietnamese import fold

# Vietnamese writes "17.216.450,40" (dot thousands, comma decimals); English "17,216,450.40".
_NUMBER = re.compile(r"(?<![\w./,-])(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\w])")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,2})/(\d{1,2})(?![\w/])")

SCALES = {
    "nghìn": 1e3, "ngàn": 1e3, "ngan": 1e3, "nghin": 1e3, "thousand": 1e3,
    "triệu": 1e6, "trieu": 1e6, "million": 1e6, "millions": 1e6,
    "tỷ": 1e9, "tỉ": 1e9, "ty": 1e9, "ti": 1e9, "billion": 1e9, "billions": 1e9,
}  # fmt: skip

# Currency words after the number (or scale) -> canonical unit.
CURRENCIES = {
    "usd": "USD", "us$": "USD", "đô la mỹ": "USD", "đô la": "USD", "đô": "USD", "dollars": "USD",
    "dollar": "USD", "eur": "EUR", "euro": "EUR", "euros": "EUR", "vnd": "VND", "vnđ": "VND",
    "đồng": "VND", "dong": "VND",
}  # fmt: skip
# Words "đồng" starts that are not the currency.
_DONG_NOT_CURRENCY = {"bào", "chí", "thời", "hành", "ý", "tình", "nghiệp", "đội", "hương", "bằng", "ruộng", "tâm", "thuận", "lòng", "minh"}

# Counted things -> canonical unit. Longest phrases are tried first.
COUNTED = {
    "chương trình, dự án": "projects", "chương trình dự án": "projects", "chương trình/dự án": "projects",
    "chương trình và dự án": "projects", "dự án": "projects", "chương trình": "projects",
    "khoản viện trợ": "aid items", "khoản": "aid items",
    "tổ chức phi chính phủ nước ngoài": "organizations", "tổ chức pcpnn": "organizations",
    "tổ chức quốc tế": "organizations", "tổ chức": "organizations", "tcpcpnn": "organizations",
    "tcpcp": "organizations", "ingo": "organizations", "ingos": "organizations", "ngo": "organizations",
    "ngos": "organizations", "organizations": "organizations", "organisations": "organizations",
    "nạn nhân": "people", "người": "people", "trường hợp": "people", "lượt người": "people",
    "người dân": "people", "học sinh": "people", "cán bộ": "people", "thanh niên": "people",
    "đồng bào": "people",
    "people": "people", "hộ gia đình": "households", "hộ": "households",
    "quốc gia": "countries", "nước": "countries", "countries": "countries",
    "điểm cầu": "sites", "tỉnh, thành phố": "provinces", "tỉnh thành": "provinces", "tỉnh/thành phố": "provinces",
    "tỉnh": "provinces", "địa phương": "localities", "xã": "communes", "huyện": "districts",
    "công trình": "works", "trường học": "schools", "trường": "schools", "năm": "years",
    "projects": "projects", "programmes": "projects", "programs": "projects",
}  # fmt: skip

QUALIFIERS = {
    "hơn": "more than", "trên": "more than", "hơn nữa": None, "vượt": "more than", "over": "more than",
    "more than": "more than", "gần": "nearly", "xấp xỉ": "about", "nearly": "nearly", "almost": "nearly",
    "khoảng": "about", "ước": "about", "ước tính": "about", "ước đạt": "about", "chừng": "about",
    "about": "about", "around": "about", "approximately": "about", "dưới": "less than",
    "chưa đến": "less than", "chưa tới": "less than", "less than": "less than", "under": "less than",
    "ít nhất": "at least", "tối thiểu": "at least", "at least": "at least", "tối đa": "at most",
}  # fmt: skip
CHANGES = {"tăng": "increase", "giảm": "decrease", "tăng thêm": "increase", "increase": "increase",
           "up": "increase", "decrease": "decrease", "down": "decrease"}  # fmt: skip

# Words that can follow a number without being what it counts.
_NOT_UNITS = {"và", "của", "trong", "tại", "với", "là", "đã", "được", "so", "đến", "từ", "thì", "mà", "the",
              "and", "of", "in", "to", "for", "a", "on", "at", "by", "or", "sau", "trước", "khi", "này", "đó"}
_WORD = re.compile(r"[^\W\d_]+(?:[-/][^\W\d_]+)*|%|\$|[.,;:()/\-–]")
# Matched at a position of the whole text (``pattern.match(text, pos)``), never on ``text[pos:]``:
# copying the rest of the text for every figure made long texts quadratic.
_RANGE_AFTER = re.compile(r"\s*[-–]\s*\d")
_PERCENT_AFTER = re.compile(r"\s*(%|phần trăm)")
_PERCENT = re.compile(r"\s*(%|phần trăm|percent|per cent)", re.IGNORECASE)
_DOLLAR_AFTER = re.compile(r"\s*\$")
_ORGANISATION_TAIL = re.compile(r"\s+(PCPNN|TCPCPNN|NGO|INGO|phi chính phủ nước ngoài)\b")


@dataclass(frozen=True)
class Quantity:
    """A figure found in a text, with everything needed to quote and compare it."""

    value: float  # in base units: 262 triệu USD -> 262_000_000
    text: str  # as written, qualifier included: "hơn 262 triệu USD"
    start: int  # span of ``text`` in the searched text
    end: int
    number_start: int  # span of the digits alone
    number_end: int
    unit: str | None  # "USD", "VND", "EUR", "percent", "fraction" or a counted thing ("projects")
    unit_text: str | None  # the unit as written ("chương trình, dự án")
    qualifier: str | None = None  # "more than", "nearly", "about", "less than", ...
    change: str | None = None  # "increase" / "decrease" when the figure is a change ("tăng 4,9 triệu")

    @property
    def is_money(self) -> bool:
        return self.unit in ("USD", "VND", "EUR")


def parse_number(token: str) -> float | None:
    """Parse one numeric token written the Vietnamese or the English way.

    With both separators, the last one is the decimal mark ("17.216.450,40", "17,216,450.40").
    With one kind only: several separators, or a dot followed by exactly three digits, group
    thousands ("15.211.724", "2.200"); otherwise the separator is a decimal mark ("2,3", "90,7",
    "1.5"). A lone comma before three digits ("1,500") reads as a decimal, as Vietnamese text does.
    Returns None for anything that is not a well-formed number.
    """
    token = token.strip()
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", token):
        return None
    has_dot, has_comma = "." in token, "," in token
    if has_dot and has_comma:
        decimal = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        integer, _, fraction = token.rpartition(decimal)
        if decimal in integer or not _grouped(integer, thousands):
            return None
        return _finite(float(integer.replace(thousands, "") + "." + fraction))
    if not (has_dot or has_comma):
        return _finite(float(token))
    sep = "." if has_dot else ","
    parts = token.split(sep)
    if len(parts) > 2:
        return _finite(float("".join(parts))) if _grouped(token, sep) else None
    if sep == "." and len(parts[1]) == 3 and len(parts[0]) <= 3:
        return float(parts[0] + parts[1])
    return _finite(float(parts[0] + "." + parts[1]))


def _finite(value: float) -> float | None:
    # float() turns 309 digits or more into inf: no report states such a figure, and an infinite
    # value would break formatting ("inf" is not an integer) and comparisons downstream.
    return value if math.isfinite(value) else None


def _grouped(integer: str, sep: str) -> bool:
    return bool(re.fullmatch(rf"\d{{1,3}}(?:\{sep}\d{{3}})*", integer))


def format_number_vi(value: float, decimals: int | None = None) -> str:
    """Write a number the Vietnamese way: "17.216.450,4" (dot thousands, comma decimals)."""
    if decimals is None:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.{decimals}f}"
    integer, _, fraction = text.partition(".")
    sign = "-" if integer.startswith("-") else ""
    integer = integer.lstrip("-")
    grouped = f"{int(integer):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def _words_after(text: str, pos: int, count: int) -> list[re.Match[str]]:
    """The next ``count`` words after ``pos``, separated by spaces only: anything else (a digit)
    interrupts. Each word is matched where it must start; searching for it instead ran to the end of
    a text with no word ahead, for every figure ("2023![2023![..." was quadratic)."""
    out = []
    while len(out) < count:
        m = _WORD.match(text, _SPACES.match(text, pos).end())
        if m is None:
            break
        out.append(m)
        pos = m.end()
    return out


def match_phrase(text: str, pos: int, phrases: dict[str, str]) -> tuple[str, int] | None:
    """The longest phrase of ``phrases`` starting at ``pos`` (after spaces), case-insensitive."""
    offset = _SPACES.match(text, pos).end()
    ordered = sorted(phrases, key=len, reverse=True)
    # Lower-case only as much as the longest phrase can use: lowering the whole rest of the text for
    # every figure made long texts quadratic.
    lowered = text[offset : offset + len(ordered[0]) + 1].lower() if ordered else ""
    for phrase in ordered:
        if lowered.startswith(phrase):
            end = offset + len(phrase)
            if end < len(text) and (text[end].isalnum() and phrase[-1].isalnum()):
                continue
            return phrase, end
    return None


_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
_SPACES = re.compile(r"\s*")


def _previous_words(text: str, pos: int, count: int) -> list[tuple[int, str]]:
    # Only the last few words matter. Tokenising all of text[:pos] for every figure made a text with
    # many figures quadratic (a 100 KB question of "5 USD" did not finish), so look back through a
    # growing window instead. Tokens are maximal runs of one character class, so only the first
    # token of a window can be cut; with more than ``count`` tokens the last ``count`` are whole.
    window = 8 * count + 8  # a few words of ordinary text; grown for long words
    while True:
        low = max(0, pos - window)
        words = [(m.start(), m.group(0)) for m in _TOKEN.finditer(text, low, pos)]
        if low == 0 or len(words) > count:
            return words[-count:]
        window *= 4


def _is_year(value: float, token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1940 <= value <= 2099


def find_quantities(text: str) -> list[Quantity]:
    """Every figure with a recognised unit (currency, percent, fraction or counted thing)."""
    found: list[Quantity] = []
    for m in _FRACTION.finditer(text):
        quantity = _fraction(text, m)
        if quantity is not None:
            found.append(quantity)
    # Numbers never overlap each other, only the fractions found first; a set of their digit
    # positions keeps the check constant-time (testing every figure found so far was quadratic).
    in_fraction = {i for q in found for i in range(q.number_start, q.number_end)}
    for m in _NUMBER.finditer(text):
        if m.start() in in_fraction:
            continue
        quantity = _quantity(text, m)
        if quantity is not None:
            found.append(quantity)
    return sorted(found, key=lambda q: q.start)


def find_values(text: str) -> list[float]:
    """Every number of ``text`` with its scale word applied ("228,7 triệu USD" -> 228_700_000.0),
    whatever follows it: for checking that an answer states a figure, not for extracting facts."""
    values = []
    for m in _NUMBER.finditer(text):
        value = parse_number(m.group(1))
        if value is None:
            continue
        scale = match_phrase(text, m.end(), SCALES)
        scaled = value * (SCALES[scale[0]] if scale else 1.0)
        if math.isfinite(scaled):
            values.append(scaled)
    return values


def _fraction(text: str, m: re.Match[str]) -> Quantity | None:
    numerator, denominator = int(m.group(1)), int(m.group(2))
    if not 0 < numerator < denominator <= 10:
        return None
    before = _previous_words(text, m.start(), 2)
    words = {fold(w.lower()) for _, w in before}
    # "gần 1/4", "chiếm 3/4": a share. "ngày 3/4", "chiều 12/4": a date.
    if not words & {"gan", "khoang", "hon", "chiem", "bang", "tren", "duoi", "xap", "xi", "nearly", "about"}:
        return None
    start, qualifier, change = _qualifier(text, m.start())
    return Quantity(
        value=numerator / denominator, text=text[start : m.end()], start=start, end=m.end(),
        number_start=m.start(), number_end=m.end(), unit="fraction", unit_text=m.group(0),
        qualifier=qualifier, change=change,
    )  # fmt: skip


def _qualifier(text: str, number_start: int) -> tuple[int, str | None, str | None]:
    """Start of the quoted figure, its qualifier and whether it is a change, from the words before."""
    start, qualifier, change = number_start, None, None
    before = _previous_words(text, number_start, 3)
    for n in (2, 1):
        if len(before) < n:
            continue
        phrase = " ".join(w for _, w in before[-n:]).lower()
        if phrase in QUALIFIERS and QUALIFIERS[phrase]:
            qualifier, start = QUALIFIERS[phrase], before[-n][0]
            before = before[:-n]
            break
    if before:
        for n in (2, 1):
            if len(before) < n:
                continue
            phrase = " ".join(w for _, w in before[-n:]).lower()
            if phrase in CHANGES:
                change = CHANGES[phrase]
                break
    return start, qualifier, change


def _quantity(text: str, m: re.Match[str]) -> Quantity | None:
    token = m.group(1)
    value = parse_number(token)
    if value is None:
        return None
    after = m.end()
    # parts of dates, ranges and codes: "12/4", "2015 - 2023", "58/2022/NĐ-CP", "1,5-2m"
    if after < len(text) and text[after] in "/-–" and after + 1 < len(text) and text[after + 1].isdigit():
        return None
    if m.start() > 0 and text[m.start() - 1] in "/-–":
        return None
    if _RANGE_AFTER.match(text, after):
        return None
    before = _previous_words(text, m.start(), 1)
    previous = fold(before[0][1].lower()) if before else ""
    if previous in ("thu", "lan", "so", "ky") and not _PERCENT_AFTER.match(text, after):
        # "lần thứ 13", "Kết luận số 98", "khóa XIII": ordinals and numbering, unless a count follows
        counted = match_phrase(text, after, COUNTED)
        if previous != "so" or counted is None:
            return None

    scale = 1.0
    end = after
    scale_match = match_phrase(text, end, SCALES)
    if scale_match is not None:
        scale = SCALES[scale_match[0]]
        end = scale_match[1]

    unit: str | None = None
    unit_text: str | None = None
    percent = _PERCENT.match(text, end)
    if percent:
        unit, unit_text, end = "percent", percent.group(1), percent.end()
    else:
        currency = match_phrase(text, end, CURRENCIES)
        if currency is not None and currency[0] in ("đồng", "dong"):
            following = _words_after(text, currency[1], 1)
            if following and following[0].group(0).lower() in _DONG_NOT_CURRENCY:
                currency = None
        if currency is not None:
            unit, unit_text, end = CURRENCIES[currency[0]], text[currency[1] - len(currency[0]) : currency[1]], currency[1]
        elif text[m.start() - 1 : m.start()] == "$" or _DOLLAR_AFTER.match(text, end):
            unit, unit_text = "USD", "$"
        else:
            counted = match_phrase(text, end, COUNTED)
            if counted is not None:
                unit = COUNTED[counted[0]]
                unit_text = text[counted[1] - len(counted[0]) : counted[1]]
                end = counted[1]
                # "tổ chức PCPNN", "tổ chức phi chính phủ": keep the qualifying acronym with the unit
                tail = _ORGANISATION_TAIL.match(text, end)
                if tail and unit == "organizations":
                    end = tail.end()
                    unit_text = text[counted[1] - len(counted[0]) : end]
    if unit is None:
        noun = _words_after(text, end, 1)
        word = noun[0].group(0) if noun else ""
        if word.isalpha() and word.islower() and word not in _NOT_UNITS:
            unit, unit_text, end = word, word, noun[0].end()  # a counted thing we have no name for
        elif scale != 1.0:
            unit, unit_text = "count", None
        else:
            return None  # a bare number says nothing on its own
    if _is_year(value, token) and scale == 1.0 and unit not in ("USD", "VND", "EUR", "percent"):
        return None  # "năm 2023 tỉnh ...": a year, not 2023 provinces
    if not math.isfinite(value * scale):
        return None  # a finite figure times "tỷ" can still overflow
    # "$5 million": the sign is part of the figure as written, and the qualifier comes before it
    figure_start = m.start() - 1 if m.start() > 0 and text[m.start() - 1] == "$" else m.start()
    start, qualifier, change = _qualifier(text, figure_start)
    return Quantity(
        value=round(value * scale, 6), text=text[start:end], start=start, end=end, number_start=m.start(),
        number_end=m.end(), unit=unit, unit_text=unit_text, qualifier=qualifier, change=change,
    )  # fmt: skip
