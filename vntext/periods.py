"""Time periods written in Vietnamese (and English) text.

"năm 2023", "giai đoạn 2015 - 2023", "từ 16/11/2023 đến 15/12/2024", "từ năm 2019 đến nay", "quý I/2023",
"6 tháng đầu năm 2012", "tháng 6/2012", "tính đến cuối tháng 12/2018", "first half of 2024",
"between 2019 and 2025". Relative ones ("năm qua", "từ đầu năm", "over the past five years") are
resolved against the report's publication date when it is given; "giai đoạn này" is marked for the
caller to resolve from the period named before it. Comparison references ("so với năm 2022",
"so với cùng kỳ năm trước") are recognised so that they are not taken for the period of a figure.
Event dates ("ngày 12/8/2025", "December 22, 2020") and document codes ("58/2022/NĐ-CP") are not periods.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from vntext.numbers import NUMBER_WORDS
from vntext.vietnamese import fold

# The start of a period whose start is not stated ("tính đến cuối tháng 12/2018": everything up to then).
# An ISO date before any other, so that ``covers`` and ``overlaps`` compare it like any start.
OPEN_START = "0001-01-01"

_YEAR = r"(19[4-9]\d|20\d\d)"
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + _YEAR
_SEP = r"\s*(?:-|–|—|đến|tới|to|until)\s*(?:ngày\s*|năm\s*)?"
_TO_DATE = (
    r"(?:cho\s+)?(?:đến|tới)\s+(?:nay|hiện nay|hiện tại|thời điểm này|thời điểm hiện tại)"
    r"|to\s+date|until\s+now|up\s+to\s+now|till\s+now|to\s+(?:the\s+)?present(?:\s+day)?"
)
_MONTH_NAMES = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAME = r"(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_OF = {1: "I", 2: "II", 3: "III", 4: "IV"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# A count in digits or in one word ("five", "ba"), checked against NUMBER_WORDS by the handler: an
# alternation of every number word, matched case-insensitively at every position, made the passes
# that use it twelve times slower (2.3 s against 0.18 s for 1 MB of report text).
_COUNT = r"(?<!\w)(\d{1,2}|[^\W\d_]+)"


def _word_start(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A mention starts a word or a number, never inside a word: saying so lets the engine reject
    most positions at once (all passes over 1 MB of report text: 2.5 s of CPU before, 1.6 s after)."""
    return re.compile(rf"(?:(?<![^\W\d_])|(?=\d))(?:{pattern})", flags)


_COMPARISON = re.compile(rf"(?:so\s+với|compared\s+(?:with|to))\s+(?:cùng\s+kỳ\s+)?(?:năm\s+|in\s+)?{_YEAR}", re.IGNORECASE)
_COMPARISON_RELATIVE = re.compile(
    r"(?:so\s+với|compared\s+(?:with|to))\s+(?:"
    r"(cùng\s+kỳ|the\s+same\s+period)(?:\s+(?:của\s+)?(?:năm\s+(?:trước|ngoái)|(?:of\s+)?last\s+year|(?:of\s+)?the\s+previous\s+year))?"
    r"|năm\s+(?:trước|ngoái)|last\s+year|the\s+previous\s+year|the\s+year\s+before)",
    re.IGNORECASE,
)
_SAME_PERIOD = re.compile(r"cùng\s+kỳ|same\s+period", re.IGNORECASE)
_DATE_RANGE = re.compile(rf"(?:(?:từ|from)\s*(?:ngày\s*)?)?{_DATE}{_SEP}{_DATE}", re.IGNORECASE)
# At least one end is a month: "từ năm 2005 đến tháng 6/2012", "từ tháng 1/2020 đến tháng 6/2021".
_END = rf"(?:(?:tháng\s*)?(?<![\d/.])(\d{{1,2}})\s*/\s*{_YEAR}|(?:năm\s+)?(?<![\d/.]){_YEAR})(?![\d/])"
_MONTH_RANGE = _word_start(rf"(?:(?:từ|from)\s+)?{_END}\s*(?:-|–|—|đến|tới|to|until)\s*{_END}", re.IGNORECASE)
_YEAR_RANGE = _word_start(
    rf"(?:(?:(?:(?:in|during|over)\s+)?the\s+period\s+from|giai đoạn|thời kỳ|nhiệm kỳ|từ năm|từ|from|period)\s*)?"
    rf"(?<![\d/]){_YEAR}\s*(?:-|–|—|đến|tới|to)\s*(?:năm\s*)?{_YEAR}(?![\d/])"
    rf"|between\s+{_YEAR}\s+and\s+{_YEAR}(?![\d/])",
    re.IGNORECASE,
)
_SINCE = _word_start(
    rf"(?:(?:kể\s+)?từ\s+(?:đầu\s+|cuối\s+)?(?:năm\s+)?|(?:since|from)\s+(?:the\s+(?:beginning|start)\s+of\s+)?)"
    rf"{_YEAR}(?![\d/])(?:\s*,?\s*(?:{_TO_DATE}))?",
    re.IGNORECASE,
)
_UNTIL = r"(?:tính\s+)?(?:đến|tới|until|up\s+to|by|as\s+of)\s+(?:(?:hết|cuối|the\s+end\s+of)\s+)?"
_UNTIL_DATE = _word_start(rf"{_UNTIL}(?:ngày\s*)?{_DATE}", re.IGNORECASE)
_UNTIL_MONTH = _word_start(rf"{_UNTIL}(?:tháng\s+)?(\d{{1,2}})\s*(?:/|\s+năm\s+)\s*{_YEAR}(?![\d/])", re.IGNORECASE)
_UNTIL_MONTH_NO_YEAR = _word_start(rf"{_UNTIL}tháng\s+(\d{{1,2}})(?![\d/])(?!\s*năm\s+\d)", re.IGNORECASE)
# "ngày 12 tháng 8 năm 2025", "December 22, 2020", "22 December 2020": the date of an event.
_EVENT_DATE = re.compile(
    rf"ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+{_YEAR}"
    rf"|(?<![\w]){_MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"
    rf"|(?<![\w\d])\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_NAME},?\s+{_YEAR}",
    re.IGNORECASE,
)
_QUARTER = _word_start(
    rf"(?i:quý)\s+(IV|III|II|I|[1-4])(?!\w)(?:\s*(?:/|-|năm)\s*{_YEAR}(?![\d/]))?"
    rf"|(?<!\w)Q([1-4])(?:(?:\s*[/-]\s*|\s+){_YEAR}(?![\d/]))?(?!\w)"
    rf"|(?i:(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of|in)\s+(?:(?:the|this)\s+year|{_YEAR}(?![\d/])))?)"
)
_PART_OF_YEAR = _word_start(
    rf"(?:{_COUNT}\s+tháng|(nửa))\s+(đầu|cuối)\s+năm(?:\s+(?:{_YEAR}(?![\d/])|(nay)))?"
    rf"|(?:the\s+)?(first|second|last)\s+(?:(half)|(\d{{1,2}}|[^\W\d_]+)\s+months)\s+of\s+(?:(?:the|this)\s+year|{_YEAR}(?![\d/]))",
    re.IGNORECASE,
)
_MONTH = re.compile(
    rf"(?i:tháng)\s*(\d{{1,2}})\s*(?:/|-|\s+năm\s+)\s*{_YEAR}(?![\d/])"
    rf"|(?<!\w)(?i:{_MONTH_NAME})\s+(?:of\s+)?{_YEAR}(?![\d/])"
)
_YEAR_TO_DATE = _word_start(
    rf"(?:kể\s+)?từ\s+đầu\s+năm(?:\s+nay)?(?:\s*(?:{_TO_DATE}))?(?!\s*\d)"
    rf"|(?:since|from)\s+the\s+(?:beginning|start)\s+of\s+(?:this|the)\s+year(?:\s*(?:{_TO_DATE}))?",
    re.IGNORECASE,
)
_RECENT_YEARS = _word_start(
    rf"(?:trong\s+)?{_COUNT}\s+năm\s+(?:vừa\s+qua|qua|gần\s+đây|trở\s+lại\s+đây)"
    rf"|(?:(?:over|in|during|for)\s+)?the\s+(?:past|last)\s+(\d{{1,2}}|[^\W\d_]+)\s+years",
    re.IGNORECASE,
)
# "những năm qua", "in recent years": a time with no length, not a period.
_VAGUE_YEARS = _word_start(
    r"(?:những|nhiều|các|mấy)\s+năm\s+(?:vừa\s+qua|qua|gần\s+đây|trở\s+lại\s+đây)"
    r"|(?:in\s+)?recent\s+years|over\s+the\s+years|the\s+(?:past|last)\s+(?:few|several|many)\s+years",
    re.IGNORECASE,
)
_YEAR_ALONE = re.compile(rf"(?<![\d/.,-]){_YEAR}(?![\d/]|[.,]\d)")
_RELATIVE = re.compile(
    r"\b(?:trong\s+)?năm\s+(?:vừa\s+qua|qua|trước|ngoái|nay)\b"
    r"|\b(?:last year|this year|the past year|the previous year)\b",
    re.IGNORECASE,
)
_ANAPHORIC = _word_start(
    r"(?:trong\s+)?(?:cùng\s+)?(?:khoảng\s+thời\s+gian|giai\s+đoạn|thời\s+gian|thời\s+kỳ)\s+(?:này|trên|nói\s+trên|kể\s+trên|đó|ấy)(?!\w)"
    r"|(?:(?:during|in|over|for)\s+)?(?:this|that|the)\s+(?:same\s+)?period(?!\s*(?:from|of|between|\d))",
    re.IGNORECASE,
)
_NOW = _word_start(rf"(?:tính\s+)?(?:{_TO_DATE})|hiện\s+nay|\b(?:so\s+far|at\s+present)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A span of time: a year, a range of years or an exact range of dates (ISO, inclusive).

    An unstated start is ``OPEN_START`` ("đến tháng 6/2023": everything up to June 2023); an unstated
    end is None ("từ năm 2019 đến nay" when the report's date is not known)."""

    start: str  # ISO date; OPEN_START when not stated
    end: str | None  # ISO date; None means open ("đến nay")
    label: str  # as a person would write it: "2023", "2015-2023", "quý I/2023", "6 tháng đầu năm 2012"

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(f"{year:04d}-01-01", f"{year:04d}-12-31", str(year))

    @classmethod
    def years(cls, first: int, last: int) -> Period:
        if first == last:
            return cls.year(first)
        return cls(f"{first:04d}-01-01", f"{last:04d}-12-31", f"{first}-{last}")

    @classmethod
    def months(cls, year: int, first: int, last: int, label: str) -> Period:
        """Whole months ``first`` to ``last`` of ``year``: a quarter, a half, "9 tháng đầu năm"."""
        last_day = calendar.monthrange(year, last)[1]
        return cls(f"{year:04d}-{first:02d}-01", f"{year:04d}-{last:02d}-{last_day:02d}", label)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls.months(year, 3 * quarter - 2, 3 * quarter, f"quý {_ROMAN_OF[quarter]}/{year}")

    @property
    def open_start(self) -> bool:
        return self.start == OPEN_START

    @property
    def is_single_year(self) -> bool:
        return self.end is not None and self.start[:4] == self.end[:4] and self.start.endswith("01-01") and self.end.endswith("12-31")

    def covers(self, other: Period) -> bool:
        # an open start is the earliest date there is, an open end the latest: "đến 12/2018" covers
        # 2018, but the year 2018 does not cover a total counted up to the end of 2018
        end = self.end or "9999-12-31"
        return self.start <= other.start and (other.end or "9999-12-31") <= end

    def overlaps(self, other: Period) -> bool:
        return self.start <= (other.end or "9999-12-31") and other.start <= (self.end or "9999-12-31")


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    period: Period | None  # None for a relative mention still to be resolved
    # "past" ("năm qua", "last year"), "current" ("năm nay", "từ đầu năm", "quý I" with no year),
    # "recent" ("over the past five years", see ``length_years``), "to_date" ("đến nay", only with a
    # reference date), "anaphoric" ("giai đoạn này": the period named before it)
    relative: str | None = None
    comparison: bool = False  # "so với năm 2022": a reference point, not the figure's period
    length_years: int | None = None  # "over the past five years": 5


def _iso(day: str, month: str, year: str) -> str | None:
    d, m, y = int(day), int(month), int(year)
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _reference_date(reference: str | None) -> date | None:
    """The publication date as an ISO date ("2025-01-29", or with a time after it); else None."""
    if not reference:
        return None
    try:
        return date.fromisoformat(reference.strip()[:10])
    except ValueError:
        return None


def _dmy(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


# A pass reads one kind of mention. Its handler returns a mention, None to skip the match, or
# _CONSUMED to mark the text as read without a mention (an event date, "những năm qua").
_CONSUMED = PeriodMention(0, 0, None)
_Handler = Callable[[re.Match[str], "date | None"], "PeriodMention | None"]


def find_periods(text: str, reference: str | None = None) -> list[PeriodMention]:
    """Period mentions in a text, in order, without overlaps (the widest reading wins).

    ``reference`` is the report's publication date (ISO). With it, relative mentions get a period:
    "năm nay" is the reference year; "năm qua" the year before it, except in a report published in
    December, where it is the reference year itself (year-end reviews speak of the year about to
    close, and from January on the year just ended is the previous one); "năm trước", "last year"
    are always the year before; "từ đầu năm" runs from January 1 to the reference date; "đến nay"
    ends at it; a month, quarter or half named without a year is in the reference year, or in the
    year before when it has not begun by then and that one ended less than a quarter before (see
    ``_year_of``). Without a reference these stay relative (``period`` None)."""
    ref = _reference_date(reference)
    found: list[PeriodMention] = []
    # Characters already part of a mention. Comparing each candidate with every mention found
    # before made a whole report's periods quadratic (reference_year reads all of them; 8,000
    # "năm 2023" took 1.4 s, a 1 MB report minutes).
    taken = bytearray(len(text))
    for pattern, handler in _PASSES:
        for m in pattern.finditer(text):
            if taken.find(1, m.start(), m.end()) >= 0:
                continue
            mention = handler(m, ref)
            if mention is None:
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            if mention is not _CONSUMED:
                found.append(mention)
    found.sort(key=lambda f: f.start)
    return list(_resolve_comparisons(text, found, ref))


def _mention(m: re.Match[str], period: Period | None, relative: str | None = None, **kwargs: object) -> PeriodMention:
    return PeriodMention(m.start(), m.end(), period, relative, **kwargs)  # type: ignore[arg-type]


def _comparison(m: re.Match[str], ref: date | None) -> PeriodMention:
    return _mention(m, Period.year(int(m.group(1))), comparison=True)


def _relative_comparison(m: re.Match[str], ref: date | None) -> PeriodMention:
    # resolved once every mention is known, from the period named before it
    return _mention(m, None, "past", comparison=True)


def _resolve_comparisons(text: str, found: list[PeriodMention], ref: date | None) -> Iterator[PeriodMention]:
    """ "so với năm trước": the year before the last period named before it (else before the
    reference year); "so với cùng kỳ năm trước": that period a year earlier."""
    last: Period | None = None
    for mention in found:
        if mention.comparison and mention.period is None:
            same_period = _SAME_PERIOD.search(text, mention.start, mention.end) is not None
            mention = replace(mention, period=_year_earlier(last, same_period, ref))
        elif not mention.comparison and mention.period is not None and not mention.period.open_start:
            last = mention.period
        yield mention


def _year_earlier(last: Period | None, same_period: bool, ref: date | None) -> Period | None:
    if last is None or last.end is None:
        return Period.year(ref.year - 1) if ref is not None and not same_period else None
    year = int(last.end[:4])
    if not same_period or last.start[:4] != last.end[:4]:
        return Period.year(year - 1)
    previous = str(year - 1)
    return Period(previous + last.start[4:], previous + _same_day(last.end[4:], year - 1), last.label.replace(str(year), previous))


def _same_day(month_day: str, year: int) -> str:
    return "-02-28" if month_day == "-02-29" and not calendar.isleap(year) else month_day


def _date_range(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    start, end = _iso(m.group(1), m.group(2), m.group(3)), _iso(m.group(4), m.group(5), m.group(6))
    if not (start and end and start <= end):
        return None
    label = f"{int(m.group(1))}/{int(m.group(2))}/{m.group(3)}-{int(m.group(4))}/{int(m.group(5))}/{m.group(6)}"
    return _mention(m, Period(start, end, label))


def _month_range(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    first_month, first_year = (m.group(1), m.group(2)) if m.group(1) else (None, m.group(3))
    last_month, last_year = (m.group(4), m.group(5)) if m.group(4) else (None, m.group(6))
    if first_month is None and last_month is None:
        return None  # two years: a range of years
    if any(month is not None and not 1 <= int(month) <= 12 for month in (first_month, last_month)):
        return None
    start = f"{int(first_year):04d}-{int(first_month or 1):02d}-01"
    month = int(last_month or 12)
    end = f"{int(last_year):04d}-{month:02d}-{calendar.monthrange(int(last_year), month)[1]:02d}"
    if start > end:
        return None
    first = f"{int(first_month)}/{first_year}" if first_month else first_year
    last = f"{int(last_month)}/{last_year}" if last_month else last_year
    return _mention(m, Period(start, end, f"{first}-{last}"))


def _year_range(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    first, last = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(3)), int(m.group(4)))
    return _mention(m, Period.years(first, last)) if first <= last else None


def _since(m: re.Match[str], ref: date | None) -> PeriodMention:
    year = int(m.group(1))
    start = f"{year:04d}-01-01"
    if ref is None or ref.isoformat() < start:
        return _mention(m, Period(start, None, f"từ {year}"))
    return _mention(m, _up_to(date(year, 1, 1), ref))


def _up_to(first: date, ref: date) -> Period:
    """From ``first`` to the reference date: "2006-2025", or "1/1/2025-10/3/2025" within one year."""
    label = f"{first.year}-{ref.year}" if first.year < ref.year else f"{_dmy(first)}-{_dmy(ref)}"
    return Period(first.isoformat(), ref.isoformat(), label)


def _until_date(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    end = _iso(m.group(1), m.group(2), m.group(3))
    if end is None:
        return None
    return _mention(m, Period(OPEN_START, end, f"đến {int(m.group(1))}/{int(m.group(2))}/{m.group(3)}"))


def _until_month(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    month, year = int(m.group(1)), int(m.group(2))
    return _mention(m, _until_end_of(year, month)) if 1 <= month <= 12 else None


def _until_end_of(year: int, month: int) -> Period:
    last_day = calendar.monthrange(year, month)[1]
    return Period(OPEN_START, f"{year:04d}-{month:02d}-{last_day:02d}", f"đến {month}/{year}")


def _until_month_no_year(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return None
    if ref is None:
        return _mention(m, None, "current")
    return _mention(m, _until_end_of(_year_of(month, month, ref), month), "current")


def _year_of(first_month: int, last_month: int, ref: date) -> int:
    """The year of a part of a year named without it ("quý IV", "tính đến tháng 10"): the reference
    year, unless that part has not begun by the reference date and the same part of the year before
    ended less than a quarter before it ("quý IV" in a report of January is the quarter just ended;
    in a report of August it is the coming one, a plan)."""
    if first_month <= ref.month:
        return ref.year
    last_day = calendar.monthrange(ref.year - 1, last_month)[1]
    ended = date(ref.year - 1, last_month, last_day)
    return ref.year - 1 if (ref - ended).days <= 92 else ref.year


def _consume(m: re.Match[str], ref: date | None) -> PeriodMention:
    return _CONSUMED


def _quarter(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    if m.group(1):
        quarter, year = _ROMAN[m.group(1)], m.group(2)
    elif m.group(3):
        quarter, year = int(m.group(3)), m.group(4)
    else:
        quarter, year = _ORDINALS[m.group(5).lower()], m.group(6)
    if year is not None:
        return _mention(m, Period.quarter(int(year), quarter))
    if ref is None:
        return _mention(m, None, "current")
    return _mention(m, Period.quarter(_year_of(3 * quarter - 2, 3 * quarter, ref), quarter), "current")


def _part_of_year(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    if m.group(3):  # Vietnamese: "6 tháng đầu năm 2012", "nửa cuối năm"
        months = 6 if m.group(2) else _count(m.group(1))
        first_part, year = m.group(3).lower() == "đầu", m.group(4)
    else:  # "the first half of 2024", "the first nine months of the year"
        months = 6 if m.group(7) else _count(m.group(8))
        first_part, year = m.group(6).lower() == "first", m.group(9)
    if not 1 <= months <= 11:
        return None
    first, last = (1, months) if first_part else (13 - months, 12)
    where = "đầu" if first_part else "cuối"
    if year is None:
        if ref is None:
            return _mention(m, None, "current")
        year_number, relative = _year_of(first, last, ref), "current"
    else:
        year_number, relative = int(year), None
    return _mention(m, Period.months(year_number, first, last, f"{months} tháng {where} năm {year_number}"), relative)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower(), 0)


def _month(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    if m.group(1):
        month, year = int(m.group(1)), int(m.group(2))
    else:
        month, year = _MONTH_NAMES[m.group(0).split()[0].rstrip(".").lower()], int(m.group(3))
    if not 1 <= month <= 12:
        return None
    return _mention(m, Period.months(year, month, month, f"tháng {month}/{year}"))


def _year_to_date(m: re.Match[str], ref: date | None) -> PeriodMention:
    if ref is None:
        return _mention(m, None, "current")
    return _mention(m, _up_to(date(ref.year, 1, 1), ref), "current")


def _recent_years(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    years = _count(m.group(1) or m.group(2))
    if not 1 <= years <= 99:
        return None
    if ref is None:
        return _mention(m, None, "recent", length_years=years)
    first = _years_before(ref, years)
    return _mention(m, Period(first.isoformat(), ref.isoformat(), f"{first.year}-{ref.year}"), "recent", length_years=years)


def _years_before(day: date, years: int) -> date:
    year = day.year - years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))


def _year_alone(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    if _inside_code_or_date(m.string, m.start(), m.end()):
        return None
    return _mention(m, Period.year(int(m.group(1))))


def _relative(m: re.Match[str], ref: date | None) -> PeriodMention:
    said = fold(m.group(0).lower())
    if said.endswith(("nay", "this year")):
        return _mention(m, Period.year(ref.year) if ref else None, "current")
    if ref is None:
        return _mention(m, None, "past")
    strictly_before = said.endswith(("truoc", "ngoai", "last year", "previous year"))
    year = ref.year - 1 if strictly_before or ref.month < 12 else ref.year
    return _mention(m, Period.year(year), "past")


def _anaphoric(m: re.Match[str], ref: date | None) -> PeriodMention:
    return _mention(m, None, "anaphoric")


def _now(m: re.Match[str], ref: date | None) -> PeriodMention | None:
    if ref is None:
        return None  # "đến nay" names no time without the report's date
    return _mention(m, Period(OPEN_START, ref.isoformat(), f"đến {_dmy(ref)}"), "to_date")


def _inside_code_or_date(text: str, start: int, end: int) -> bool:
    """A year inside "12/4/2024" is an event date; inside "58/2022/NĐ-CP" it is a document code."""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    return before in ("/", "-") or after == "/"


# Widest and most specific readings first: a range before the years in it, a quarter before its year.
_PASSES: list[tuple[re.Pattern[str], _Handler]] = [
    (_COMPARISON, _comparison),
    (_COMPARISON_RELATIVE, _relative_comparison),
    (_DATE_RANGE, _date_range),
    (_MONTH_RANGE, _month_range),
    (_YEAR_RANGE, _year_range),
    (_SINCE, _since),
    (_UNTIL_DATE, _until_date),
    (_UNTIL_MONTH, _until_month),
    (_UNTIL_MONTH_NO_YEAR, _until_month_no_year),
    (_EVENT_DATE, _consume),
    (_QUARTER, _quarter),
    (_PART_OF_YEAR, _part_of_year),
    (_MONTH, _month),
    (_YEAR_TO_DATE, _year_to_date),
    (_RECENT_YEARS, _recent_years),
    (_VAGUE_YEARS, _consume),
    (_YEAR_ALONE, _year_alone),
    (_RELATIVE, _relative),
    (_ANAPHORIC, _anaphoric),
    (_NOW, _now),
]


def year_range(text: str | None) -> Period | None:
    """A year or a range of years as a user types it ("2023", "2019-2024") -> a period; None when
    not given. ValueError, with a message for the user, when it does not parse."""
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4}))?\s*", text)
    if not m:
        raise ValueError(f"years must look like 2023 or 2023-2024, not {text!r}")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1940 <= first <= last <= 2100:
        raise ValueError(f"years out of order or out of range: {text!r}")
    return Period.years(first, last)
