"""Time periods written in Vietnamese (and English) text.

"năm 2023", "giai đoạn 2015 - 2023", "từ 16/11/2023 đến 15/12/2024", "từ năm 2019 đến nay",
"năm qua" (resolved against the report's year). Comparison references ("so với năm 2022") are
recognised so that they are not taken for the period of a figure.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from vntext.vietnamese import fold

_YEAR = r"(19[4-9]\d|20\d\d)"
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + _YEAR
_SEP = r"\s*(?:-|–|—|đến|tới|to|until)\s*(?:ngày\s*|năm\s*)?"

_DATE_RANGE = re.compile(rf"(?:(?:từ|from)\s*(?:ngày\s*)?)?{_DATE}{_SEP}{_DATE}", re.IGNORECASE)
_YEAR_RANGE = re.compile(
    rf"(?:(?:giai đoạn|thời kỳ|nhiệm kỳ|từ năm|từ|from|between|period)\s*)?(?<![\d/]){_YEAR}\s*(?:-|–|—|đến|tới|to|and)\s*(?:năm\s*)?{_YEAR}(?![\d/])",
    re.IGNORECASE,
)
_SINCE = re.compile(
    rf"(?:(?:kể\s+)?từ\s+(?:đầu\s+|cuối\s+)?(?:năm\s+)?|(?:since|from)\s+(?:the\s+(?:beginning|start)\s+of\s+)?)"
    rf"{_YEAR}(?:\s+(?:đến nay|tới nay|đến hiện nay|cho đến nay|to date|until now))?",
    re.IGNORECASE,
)
_UNTIL_DATE = re.compile(rf"(?:đến|tới|until|up to|by)\s+(?:ngày\s*)?{_DATE}", re.IGNORECASE)
_UNTIL_MONTH = re.compile(r"(?:đến|tới|until)\s+(?:tháng\s+)?(\d{1,2})\s*/\s*" + _YEAR, re.IGNORECASE)
_YEAR_ALONE = re.compile(rf"(?<![\d/.,-]){_YEAR}(?![\d/]|[.,]\d)")
_RELATIVE = re.compile(r"\b(?:trong\s+)?năm\s+(?:qua|vừa qua|trước|nay)\b|\b(?:last year|this year|the past year)\b", re.IGNORECASE)
_COMPARISON = re.compile(rf"(?:so\s+với|compared\s+(?:with|to))\s+(?:cùng\s+kỳ\s+)?(?:năm\s+|in\s+)?{_YEAR}", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A span of time: a year, a range of years or an exact range of dates (ISO, inclusive)."""

    start: str  # ISO date
    end: str | None  # ISO date; None means open ("đến nay")
    label: str  # as a person would write it: "2023", "2015-2023", "16/11/2023-15/12/2024"

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(f"{year:04d}-01-01", f"{year:04d}-12-31", str(year))

    @classmethod
    def years(cls, first: int, last: int) -> Period:
        if first == last:
            return cls.year(first)
        return cls(f"{first:04d}-01-01", f"{last:04d}-12-31", f"{first}-{last}")

    @property
    def is_single_year(self) -> bool:
        return self.end is not None and self.start[:4] == self.end[:4] and self.start.endswith("01-01") and self.end.endswith("12-31")

    def covers(self, other: Period) -> bool:
        end = self.end or "9999-12-31"
        return self.start <= other.start and (other.end or "9999-12-31") <= end

    def overlaps(self, other: Period) -> bool:
        return self.start <= (other.end or "9999-12-31") and other.start <= (self.end or "9999-12-31")


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    period: Period | None  # None for a relative mention ("năm qua") still to be resolved
    relative: str | None = None  # "past" or "current" for "năm qua" / "năm nay"
    comparison: bool = False  # "so với năm 2022": a reference point, not the figure's period


def _iso(day: str, month: str, year: str) -> str | None:
    d, m, y = int(day), int(month), int(year)
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_periods(text: str) -> list[PeriodMention]:
    """Period mentions in a sentence, in order, without overlaps (the widest reading wins)."""
    found: list[PeriodMention] = []
    # Characters already part of a mention. Comparing each candidate with every mention found
    # before made a whole report's periods quadratic (reference_year reads all of them; 8,000
    # "năm 2023" took 1.4 s, a 1 MB report minutes).
    taken = bytearray(len(text))

    def free(start: int, end: int) -> bool:
        return taken.find(1, start, end) < 0

    def add(mention: PeriodMention) -> None:
        found.append(mention)
        taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)

    for m in _COMPARISON.finditer(text):
        add(PeriodMention(m.start(), m.end(), Period.year(int(m.group(1))), comparison=True))
    for m in _DATE_RANGE.finditer(text):
        start, end = _iso(m.group(1), m.group(2), m.group(3)), _iso(m.group(4), m.group(5), m.group(6))
        if start and end and start <= end and free(m.start(), m.end()):
            label = f"{int(m.group(1))}/{int(m.group(2))}/{m.group(3)}-{int(m.group(4))}/{int(m.group(5))}/{m.group(6)}"
            add(PeriodMention(m.start(), m.end(), Period(start, end, label)))
    for m in _YEAR_RANGE.finditer(text):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last and free(m.start(), m.end()):
            add(PeriodMention(m.start(), m.end(), Period.years(first, last)))
    for m in _SINCE.finditer(text):
        if free(m.start(), m.end()):
            year = int(m.group(1))
            add(PeriodMention(m.start(), m.end(), Period(f"{year:04d}-01-01", None, f"từ {year}")))
    for m in _UNTIL_DATE.finditer(text):
        end = _iso(m.group(1), m.group(2), m.group(3))
        if end and free(m.start(), m.end()):
            label = f"đến {int(m.group(1))}/{int(m.group(2))}/{m.group(3)}"
            add(PeriodMention(m.start(), m.end(), Period("0001-01-01", end, label)))
    for m in _UNTIL_MONTH.finditer(text):
        month, year = int(m.group(1)), int(m.group(2))
        if free(m.start(), m.end()) and 1 <= month <= 12:
            last_day = calendar.monthrange(year, month)[1]
            period = Period("0001-01-01", f"{year:04d}-{month:02d}-{last_day:02d}", f"đến {month}/{year}")
            add(PeriodMention(m.start(), m.end(), period))
    for m in _YEAR_ALONE.finditer(text):
        if free(m.start(), m.end()) and not _inside_code_or_date(text, m.start(), m.end()):
            add(PeriodMention(m.start(), m.end(), Period.year(int(m.group(1)))))
    for m in _RELATIVE.finditer(text):
        if free(m.start(), m.end()):
            kind = "current" if fold(m.group(0).lower()).endswith(("nay", "this year")) else "past"
            add(PeriodMention(m.start(), m.end(), None, relative=kind))
    return sorted(found, key=lambda f: f.start)


def _inside_code_or_date(text: str, start: int, end: int) -> bool:
    """A year inside "12/4/2024" is an event date; inside "58/2022/NĐ-CP" it is a document code."""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    return before in ("/", "-") or after == "/"
