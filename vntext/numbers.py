"""Figures in Vietnamese (and English) text: parse them exactly, with qualifier, scale and unit.

"hơn 262 triệu USD" -> 262,000,000 USD, qualifier "more than"; "17.216.450,40 USD" -> 17216450.40;
"gần 8 ngàn nạn nhân" -> 8,000 people, "nearly"; "gần 1/4" -> 0.25; "71%" -> 71 percent;
"USD 2.6 million", "US$230 million", "VND1.200 trillion", "88.831USD"; "35 humanitarian aid projects",
"Fifty (50) foreign NGOs", "gần ba triệu đô la Mỹ".
Years, dates, document codes ("58/2022/NĐ-CP"), ordinals ("lần thứ 13") and web-page residue ("$0")
are not figures.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from vntext.vietnamese import fold

# Vietnamese writes "17.216.450,40" (dot thousands, comma decimals); English "17,216,450.40".
# A currency code may be glued on either side: "VND1.200 trillion", "88.831USD", "500.000đ".
_NUMBER = re.compile(
    r"(?:(?<![\w./,-])|(?<=\bUSD)|(?<=\bVND)|(?<=\bVNĐ)|(?<=\bEUR))"
    r"(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?:(?!\w)|(?=(?:USD|VND|VNĐ|EUR|đ)(?!\w)))"
)
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,2})/(\d{1,2})(?![\w/])")

SCALES = {
    "nghìn": 1e3, "ngàn": 1e3, "ngan": 1e3, "nghin": 1e3, "thousand": 1e3, "thousands": 1e3,
    "triệu": 1e6, "trieu": 1e6, "million": 1e6, "millions": 1e6,
    "tỷ": 1e9, "tỉ": 1e9, "ty": 1e9, "ti": 1e9, "billion": 1e9, "billions": 1e9,
    "nghìn tỷ": 1e12, "nghìn tỉ": 1e12, "ngàn tỷ": 1e12, "ngàn tỉ": 1e12, "nghin ty": 1e12,
    "ngan ty": 1e12, "trillion": 1e12, "trillions": 1e12,
}  # fmt: skip
# Scale words of English text, written with English separators ("VND1.200 trillion" is 1.2 trillion);
# Vietnamese scale words come with Vietnamese ones ("1.200 tỷ đồng" is 1,200 billion).
_ENGLISH_SCALES = {"thousand", "thousands", "million", "millions", "billion", "billions", "trillion", "trillions"}

# Currency words after the number (or scale) -> canonical unit.
CURRENCIES = {
    "usd": "USD", "us$": "USD", "đô la mỹ": "USD", "đô la": "USD", "đô": "USD", "dollars": "USD",
    "dollar": "USD", "us dollars": "USD", "eur": "EUR", "euro": "EUR", "euros": "EUR", "vnd": "VND",
    "vnđ": "VND", "đồng": "VND", "dong": "VND", "đ": "VND",
}  # fmt: skip
# Currency written before the number: "USD 2.6 million", "US$230 million", "VND12 trillion", "€260,000".
# Searched in the few characters before a number only (constant time per figure).
_CURRENCY_BEFORE = re.compile(r"(?:(?<![^\W\d_])(US\$|USD|VND|VNĐ|EUR)|(€|\$|₫))[ \u00a0]?$")
_CURRENCY_CODES = {"US$": "USD", "USD": "USD", "VND": "VND", "VNĐ": "VND", "EUR": "EUR", "€": "EUR", "$": "USD", "₫": "VND"}
_CURRENCY_SIGNS = {"$", "€", "₫", "US$"}
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
    # English heads, reached after adjectives too ("35 humanitarian aid projects")
    "projects and programs": "projects", "projects and programmes": "projects",
    "programs and projects": "projects", "programmes and projects": "projects",
    "pupils": "people", "students": "people", "children": "people", "individuals": "people",
    "persons": "people", "beneficiaries": "people", "victims": "people", "residents": "people",
    "households": "households", "families": "households", "provinces": "provinces",
    "provinces and cities": "provinces", "communes": "communes", "districts": "districts",
    "schools": "schools", "years": "years",
}  # fmt: skip
# Singular English heads: only "1 project", never the "project" of "161 project and non-project programs".
_ENGLISH_SINGULAR = {
    "project": "projects", "programme": "projects", "program": "projects", "organization": "organizations",
    "organisation": "organizations", "person": "people", "household": "households", "province": "provinces",
    "commune": "communes", "district": "districts", "school": "schools", "year": "years", "country": "countries",
}  # fmt: skip
_ENGLISH_HEADS = {phrase: unit for phrase, unit in COUNTED.items() if phrase.isascii()}
_ENGLISH_HEADS_OF_ONE = {**_ENGLISH_HEADS, **_ENGLISH_SINGULAR}
_HEAD_FIRST_WORDS = {re.split(r"[\s,/]", phrase)[0] for phrase in _ENGLISH_HEADS_OF_ONE}
# Words between a figure and the head it counts: at most this many ("161 project and non-project programs").
_MAX_MODIFIERS = 5

QUALIFIERS = {
    "hơn": "more than", "trên": "more than", "hơn nữa": None, "vượt": "more than", "over": "more than",
    "more than": "more than", "gần": "nearly", "xấp xỉ": "about", "nearly": "nearly", "almost": "nearly",
    "khoảng": "about", "ước": "about", "ước tính": "about", "ước đạt": "about", "chừng": "about",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "estimated at": "about", "an estimated": "about", "dưới": "less than",
    "chưa đến": "less than", "chưa tới": "less than", "less than": "less than", "under": "less than",
    "ít nhất": "at least", "tối thiểu": "at least", "at least": "at least", "tối đa": "at most",
    "up to": "at most",
}  # fmt: skip
CHANGES = {"tăng": "increase", "giảm": "decrease", "tăng thêm": "increase", "increase": "increase",
           "up": "increase", "decrease": "decrease", "down": "decrease"}  # fmt: skip

# Numbers written as words. Vietnamese ones only count before a scale word ("ba triệu"): alone, "năm"
# is "year" and "ba" is "father". English ones also before a counted head ("Fifty foreign NGOs").
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
    "mười": 10,
}  # fmt: skip
_ENGLISH_NUMBER_WORDS = {word for word in NUMBER_WORDS if word.isascii() and word not in ("hai", "ba")}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_SPELLED = re.compile(
    rf"(?<![\w-])(?:(?:{_TENS})-(?:{_UNITS})|{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})(?![\w-])",
    re.IGNORECASE,
)

# Words that can follow a number without being what it counts.
_NOT_UNITS = {"và", "của", "trong", "tại", "với", "là", "đã", "được", "so", "đến", "từ", "thì", "mà", "the",
              "and", "of", "in", "to", "for", "a", "on", "at", "by", "or", "sau", "trước", "khi", "này", "đó",
              "with", "from", "as", "was", "were", "is", "are", "has", "have", "had", "be", "been", "that",
              "which", "who", "this", "these", "those", "their", "its", "per", "each", "via", "into", "than",
              "while", "when", "an", "it", "they", "also", "will", "would", "can"}  # fmt: skip
# English words that end the adjectives before a head: a head is never found past them.
_ENGLISH_STOPS = _NOT_UNITS - {"and"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
           "nov", "dec"}  # fmt: skip
# A number right after these is part of a date or a numbering, not a figure: "lần thứ 13", "Kết luận
# số 98", "ngày 12 tháng 8", "tháng 10 năm 2023", "quý 1 năm 2023", "August 22".
_NUMBERING_BEFORE = {"thu", "lan", "so", "ky", "ngay", "thang", "quy"} | _MONTHS
_WORD = re.compile(r"[^\W\d_]+(?:[-/][^\W\d_]+)*|%|\$|[.,;:()/\-–]")
_ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# Matched at a position of the whole text (``pattern.match(text, pos)``), never on ``text[pos:]``:
# copying the rest of the text for every figure made long texts quadratic.
_RANGE_AFTER = re.compile(r"\s*[-–]\s*\d")
_PERCENT_AFTER = re.compile(r"\s*(%|phần trăm)")
_PERCENT = re.compile(r"\s*(%|phần trăm|percent|per cent)", re.IGNORECASE)
_DOLLAR_AFTER = re.compile(r"\s*\$")
_ORGANISATION_TAIL = re.compile(r"\s+(PCPNN|TCPCPNN|NGO|INGO|phi chính phủ nước ngoài)\b")
_CLOSING_PAREN = re.compile(r"\s*\)")
_DIGITS_IN_BRACKETS = re.compile(r"\s*\(\s*\d")
# "07 (bảy) dự án": the number spelled out again in brackets after the digits.
_SPELLED_AGAIN = re.compile(r"\s*\(([^\W\d_]+(?:[\s-][^\W\d_]+){0,3})\)")
# "6 tháng đầu năm", "9 tháng cuối năm": a part of a year (a period), not a count of months.
_MONTHS_OF_YEAR = re.compile(r"\s*(?:đầu|cuối)\s+năm\b", re.IGNORECASE)
_SPACES = re.compile(r"\s*")
_INLINE_SPACES = re.compile(r"[^\S\n\r\u2028\u2029\x85\x0b\x0c]*")  # spaces that stay on the line
_NEXT_CHAR = re.compile(r"[ \u00a0]*(\S)")


@dataclass(frozen=True)
class Quantity:
    """A figure found in a text, with everything needed to quote and compare it."""

    value: float  # in base units: 262 triệu USD -> 262_000_000
    text: str  # as written, qualifier included: "hơn 262 triệu USD"
    start: int  # span of ``text`` in the searched text
    end: int
    number_start: int  # span of the digits alone (or of the number word: "ba triệu")
    number_end: int
    unit: str | None  # "USD", "VND", "EUR", "percent", "fraction" or a counted thing ("projects")
    unit_text: str | None  # the unit as written ("chương trình, dự án")
    qualifier: str | None = None  # "more than", "nearly", "about", "less than", ...
    change: str | None = None  # "increase" / "decrease" when the figure is a change ("tăng 4,9 triệu")

    @property
    def is_money(self) -> bool:
        return self.unit in ("USD", "VND", "EUR")


@dataclass(frozen=True)
class _Unit:
    unit: str
    unit_text: str | None
    end: int  # where the figure as written ends


def parse_number(token: str, scale: str | None = None) -> float | None:
    """Parse one numeric token written the Vietnamese or the English way.

    With both separators, the last one is the decimal mark ("17.216.450,40", "17,216,450.40").
    With one kind used several times, it groups thousands ("15.211.724", "11,879,191").
    A lone separator before anything but exactly three digits is a decimal mark ("2,3", "1.5",
    "1,5 million"). Before exactly three digits it depends on ``scale``, the scale word written
    after the number: with none, it groups thousands ("2.200", "203,300 USD", "260,000 Euro");
    after a Vietnamese scale word the comma is the decimal mark and the dot groups thousands
    ("146,593 tỷ đồng" is 146.593 billion, "1.200 tỷ đồng" 1,200 billion); after an English one the
    other way round ("VND1.200 trillion" is 1.2 trillion, "1,500 million" 1,500 million).
    "0,125" is always a decimal: no one writes a thousands group after a zero.
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
    if len(parts[1]) == 3 and len(parts[0]) <= 3 and parts[0] != "0" and _groups_thousands(sep, scale):
        return float(parts[0] + parts[1])
    return _finite(float(parts[0] + "." + parts[1]))


def _groups_thousands(sep: str, scale: str | None) -> bool:
    """Whether a lone ``sep`` before three digits groups thousands, given the scale word after."""
    if scale is None:
        return True
    english = scale.lower() in _ENGLISH_SCALES
    return sep == ("," if english else ".")


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


def format_number_en(value: float, decimals: int | None = None) -> str:
    """Write a number the English way: "17,216,450.4" (comma thousands, dot decimals)."""
    return format_number_vi(value, decimals).translate(str.maketrans({".": ",", ",": "."}))


# Digits grouped the English way ("USD 4,450,116", "2.6 million"): a comma before three digits, or a
# dot before one or two
_ENGLISH_DIGITS = re.compile(r"\d,\d{3}(?!\d)|\d\.\d{1,2}(?![\d.])")


def writes_digits_in_english(figure: str) -> bool:
    """The figure groups its digits the English way; a figure with no grouping says nothing, and one
    with a Vietnamese scale or currency word is Vietnamese ("5,204 tỉ đồng" is five point two)."""
    if re.search(r"tỷ|tỉ|triệu|nghìn|ngàn|đồng", figure, re.IGNORECASE):
        return False
    return bool(_ENGLISH_DIGITS.search(figure)) and not re.search(r"\d\.\d{3}(?!\d)|\d,\d{1,2}(?![\d,])", figure)


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


_BY_FIRST: dict[int, tuple[int, dict[str, list[str]], int]] = {}


def _by_first_character(phrases: dict[str, str]) -> tuple[dict[str, list[str]], int]:
    """The phrases by their first character, longest first, and the longest length. Trying every
    phrase at every call cost more than the rest of the figure (several calls per figure)."""
    cached = _BY_FIRST.get(id(phrases))
    if cached is None or cached[0] != len(phrases):
        index: dict[str, list[str]] = {}
        for phrase in sorted(phrases, key=len, reverse=True):
            index.setdefault(phrase[:1], []).append(phrase)
        cached = (len(phrases), index, max(map(len, phrases), default=0))
        _BY_FIRST[id(phrases)] = cached
    return cached[1], cached[2]


def match_phrase(text: str, pos: int, phrases: dict[str, str]) -> tuple[str, int] | None:
    """The longest phrase of ``phrases`` starting at ``pos`` (after spaces), case-insensitive."""
    offset = _SPACES.match(text, pos).end()
    index, longest = _by_first_character(phrases)
    # Lower-case only as much as the longest phrase can use: lowering the whole rest of the text for
    # every figure made long texts quadratic.
    lowered = text[offset : offset + longest + 1].lower()
    for phrase in index.get(lowered[:1], ()):
        if lowered.startswith(phrase):
            end = offset + len(phrase)
            if end < len(text) and (text[end].isalnum() and phrase[-1].isalnum()):
                continue
            return phrase, end
    return None


_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")


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
    found.extend(_spelled_quantities(text, found))
    return sorted(found, key=lambda q: q.start)


def find_values(text: str) -> list[float]:
    """Every number of ``text`` with its scale word applied ("228,7 triệu USD" -> 228_700_000.0),
    whatever follows it: for checking that an answer states a figure, not for extracting facts."""
    values = []
    for m in _NUMBER.finditer(text):
        scale = match_phrase(text, m.end(), SCALES)
        value = parse_number(m.group(1), scale[0] if scale else None)
        if value is None:
            continue
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


def _not_a_figure(text: str, m: re.Match[str]) -> bool:
    """Parts of dates, ranges, codes and numberings: "12/4", "2015 - 2023", "58/2022/NĐ-CP", "1,5-2m",
    "lần thứ 13", "ngày 12 tháng 8", "August 22"."""
    after = m.end()
    if after < len(text) and text[after] in "/-–" and after + 1 < len(text) and text[after + 1].isdigit():
        return True
    if m.start() > 0 and text[m.start() - 1] in "/-–":
        return True
    if text[m.start() - 1 : m.start()] == ":" and text[m.start() - 2 : m.start() - 1].isdigit():
        return True  # the minutes of "10:17"
    if _RANGE_AFTER.match(text, after):
        return True
    before = _previous_words(text, m.start(), 1)
    previous = fold(before[0][1].lower()) if before else ""
    if previous in _NUMBERING_BEFORE and not _PERCENT_AFTER.match(text, after):
        # "Kết luận số 98" is a numbering, "tổng số 62 tổ chức" a count
        return previous != "so" or match_phrase(text, after, COUNTED) is None
    return False


# "số tổ chức PCPNN hoạt động tại Thái Nguyên là trên 50": the thing counted is named before the figure
_COUNT_OF = re.compile(r"\b(?:[Ss]ố lượng|[Ss]ố|[Tt]ổng số|[Tt]he number of)\s+")
_COUNT_VERB = re.compile(r"(?:\s(?:là|đạt|gồm|lên tới|lên đến|was|is|stood at|reached))\s*(?:khoảng|trên|hơn|gần|xấp xỉ|about|over|nearly|more than)?\s*$")


def _counted_before(text: str, figure_start: int, end: int) -> _Unit | None:
    """The unit of a bare figure that ends its clause after "là"/"đạt", when the clause began by
    naming what it counts ("số tổ chức ... là trên 50"). The thing counted is known, so the figure
    is one; the figure as written is only the number."""
    if not _COUNT_VERB.search(text, max(0, figure_start - 30), figure_start):
        return None
    window_start = max(0, figure_start - 120)
    clause_start = max(text.rfind(c, window_start, figure_start) for c in ".;:\n") + 1
    for m in _COUNT_OF.finditer(text, max(window_start, clause_start), figure_start):
        counted = match_phrase(text, m.end(), COUNTED)
        if counted is not None and COUNTED[counted[0]] != "years":
            return _Unit(COUNTED[counted[0]], None, end)
    return None


def _quantity(text: str, m: re.Match[str]) -> Quantity | None:
    token = m.group(1)
    if _not_a_figure(text, m):
        return None
    scale_match = match_phrase(text, m.end(), SCALES)
    scale_word = scale_match[0] if scale_match else None
    value = parse_number(token, scale_word)
    if value is None:
        return None
    scale = SCALES[scale_word] if scale_word else 1.0
    figure_start, end = m.start(), scale_match[1] if scale_match else m.end()
    spelled = _spelled_before(text, m)
    if spelled is not None:  # "Fifty (50) foreign NGOs": the word and the digits are one figure
        figure_start, end = spelled, _CLOSING_PAREN.match(text, m.end()).end()
    else:
        again = _SPELLED_AGAIN.match(text, end)
        if again and _all_number_words(again.group(1)):  # "07 (bảy) dự án"
            end = again.end()
    before = _CURRENCY_BEFORE.search(text, max(0, figure_start - 5), figure_start)
    unit = _unit_after(text, end, value, scale != 1.0, currency_before=before)
    if unit is None:
        unit = _counted_before(text, figure_start, end)
    if unit is None:
        return None
    if before is not None and unit.unit == _CURRENCY_CODES[before.group(1) or before.group(2)]:
        figure_start = before.start()
    if _is_year(value, token) and scale == 1.0 and unit.unit not in ("USD", "VND", "EUR", "percent"):
        return None  # "năm 2023 tỉnh ...": a year, not 2023 provinces
    if value == 0 and unit.unit in ("USD", "VND", "EUR") and _page_residue(text, figure_start, unit):
        return None
    if not math.isfinite(value * scale):
        return None  # a finite figure times "tỷ" can still overflow
    start, qualifier, change = _qualifier(text, figure_start)
    return Quantity(
        value=round(value * scale, 6), text=text[start : unit.end], start=start, end=unit.end,
        number_start=m.start(), number_end=m.end(), unit=unit.unit, unit_text=unit.unit_text,
        qualifier=qualifier, change=change,
    )  # fmt: skip


def _page_residue(text: str, start: int, unit: _Unit) -> bool:
    """ "$0 $0$0" is left over from a web page's widgets: a zero written with a sign, or a zero amount
    in a run of other amounts, is never a fact."""
    if unit.unit_text in _CURRENCY_SIGNS or text[start : start + 1] in _CURRENCY_SIGNS:
        return True
    following = _NEXT_CHAR.match(text, unit.end)
    previous = text[max(0, start - 2) : start].strip()
    return bool((following and (following.group(1).isdigit() or following.group(1) in "$€")) or
                (previous and (previous[-1].isdigit() or previous[-1] in "$€")))  # fmt: skip


def _spelled_before(text: str, m: re.Match[str]) -> int | None:
    """Start of "Fifty" in "Fifty (50)": digits in brackets right after the same number in words."""
    if text[m.start() - 1 : m.start()] != "(" or not _CLOSING_PAREN.match(text, m.end()):
        return None
    words = _previous_words(text, m.start() - 1, 3)  # "twenty", "-", "five"
    if not words or words[-1][1].lower() not in NUMBER_WORDS:
        return None
    if len(words) == 3 and words[1][1] == "-" and words[0][1].lower() in NUMBER_WORDS:
        return words[0][0]
    return words[-1][0]


def _all_number_words(phrase: str) -> bool:
    return all(w.lower() in NUMBER_WORDS for w in re.split(r"[\s-]+", phrase) if w)


def _unit_after(text: str, end: int, value: float, scaled: bool, currency_before: re.Match[str] | None) -> _Unit | None:
    """What the figure ending at ``end`` measures: percent, a currency or a counted thing."""
    percent = _PERCENT.match(text, end)
    if percent:
        return _Unit("percent", percent.group(1), percent.end())
    currency = _currency_after(text, end)
    if currency is not None:
        return currency
    counted = _counted(text, end, value)
    if counted is not None:
        return counted
    if currency_before is not None:
        sign = currency_before.group(1) or currency_before.group(2)
        return _Unit(_CURRENCY_CODES[sign], sign, end)
    if _DOLLAR_AFTER.match(text, end):
        return _Unit("USD", "$", end)
    return _unnamed(text, end, scaled)


def _currency_after(text: str, end: int) -> _Unit | None:
    currency = match_phrase(text, end, CURRENCIES)
    if currency is None:
        return None
    if currency[0] in ("đồng", "dong"):
        following = _words_after(text, currency[1], 1)
        if following and following[0].group(0).lower() in _DONG_NOT_CURRENCY:
            return None  # "5 triệu đồng bào": compatriots
    return _Unit(CURRENCIES[currency[0]], text[currency[1] - len(currency[0]) : currency[1]], currency[1])


def _counted(text: str, end: int, value: float) -> _Unit | None:
    """A counted thing after the figure: "94 chương trình, dự án", "35 humanitarian aid projects"."""
    counted = match_phrase(text, end, COUNTED)
    if counted is None or counted[0].isascii():
        return _english_head(text, end, value)
    unit = COUNTED[counted[0]]
    unit_start, unit_end = counted[1] - len(counted[0]), counted[1]
    # "tổ chức PCPNN", "tổ chức phi chính phủ": keep the qualifying acronym with the unit
    tail = _ORGANISATION_TAIL.match(text, unit_end)
    if tail and unit == "organizations":
        unit_end = tail.end()
    return _Unit(unit, text[unit_start:unit_end], unit_end)


def _english_head(text: str, end: int, value: float) -> _Unit | None:
    """English puts adjectives between a figure and what it counts: "25 foreign non-governmental
    organizations", "161 project and non-project programs". Walk a few English words to the last head
    naming the same thing as the first one ("48 aid projects and programs"); a function word, a
    bracket or a digit ends the walk."""
    heads = _ENGLISH_HEADS_OF_ONE if value == 1 else _ENGLISH_HEADS
    unit_start = _INLINE_SPACES.match(text, end).end()
    found: _Unit | None = None
    pos = end
    for _ in range(_MAX_MODIFIERS + 1):
        pos = _INLINE_SPACES.match(text, pos).end()
        word = _ENGLISH_WORD.match(text, pos)
        if word is None:
            break
        lowered = word.group(0).lower()
        head = match_phrase(text, pos, heads) if lowered in _HEAD_FIRST_WORDS else None
        if head is not None and (found is None or heads[head[0]] == found.unit):
            found = _Unit(heads[head[0]], text[unit_start : head[1]], head[1])
        if lowered in _ENGLISH_STOPS or lowered in _MONTHS:
            break
        pos = word.end()
        if text[pos : pos + 1].isalnum():  # letters English does not have: not an English word
            break
    return found


def _unnamed(text: str, end: int, scaled: bool) -> _Unit | None:
    """A counted thing we have no name for: the noun after the figure ("5 căn nhà"), or an English
    plural a few words on ("11 outstanding individuals"); a scaled figure alone is a count."""
    words = _words_after(text, end, _MAX_MODIFIERS)
    if words and words[0].group(0).isascii():
        for w in words:
            word = w.group(0)
            if not word.isascii() or not word.isalpha() or word.lower() in _ENGLISH_STOPS:
                break
            if len(word) > 3 and word.islower() and word.endswith("s"):  # no Vietnamese word ends in "s"
                return _Unit(word, text[words[0].start() : w.end()], w.end())
    word = words[0].group(0) if words else ""
    if word.isalpha() and word.islower() and word not in _NOT_UNITS and word.lower() not in _MONTHS:
        if word == "tháng" and _MONTHS_OF_YEAR.match(text, words[0].end()):
            return None  # "6 tháng đầu năm": a period, not six months of something
        return _Unit(word, word, words[0].end())
    if scaled:
        return _Unit("count", None, end)
    return None  # a bare number says nothing on its own


def _spelled_quantities(text: str, found: list[Quantity]) -> list[Quantity]:
    """Numbers written as words: "gần ba triệu đô la Mỹ", "Fifty foreign NGOs", "six organizations"."""
    covered = bytearray(len(text))  # the figures written in digits ("Fifty (50)" is one of them)
    for q in found:
        covered[q.start : q.end] = b"\x01" * (q.end - q.start)
    out = []
    for m in _SPELLED.finditer(text):
        if covered[m.start()] or _DIGITS_IN_BRACKETS.match(text, m.end()):
            continue
        quantity = _spelled(text, m)
        if quantity is not None:
            out.append(quantity)
    return out


def _spelled(text: str, m: re.Match[str]) -> Quantity | None:
    word = m.group(0).lower()
    value = float(sum(NUMBER_WORDS[part] for part in word.split("-")))
    scale_match = match_phrase(text, m.end(), SCALES)
    english = word.split("-")[0] in _ENGLISH_NUMBER_WORDS
    if scale_match is not None and not english and scale_match[0].isascii():
        scale_match = None  # "hai ti vi" is two television sets: spelled Vietnamese takes "tỉ", "tỷ"
    if scale_match is not None:
        unit = _unit_after(text, scale_match[1], value, True, currency_before=None)
        value *= SCALES[scale_match[0]]
    elif english:
        unit = _english_head(text, m.end(), value)
    else:
        return None  # "năm", "ba" alone: a year, a father
    if unit is None:
        return None
    start, qualifier, change = _qualifier(text, m.start())
    return Quantity(
        value=value, text=text[start : unit.end], start=start, end=unit.end, number_start=m.start(),
        number_end=m.end(), unit=unit.unit, unit_text=unit.unit_text, qualifier=qualifier, change=change,
    )  # fmt: skip
