"""Dates as news sites print them, and the dateline that says when a report was published.

A dateline is a short line that is mostly a date and a time: "Thứ Năm, 05/07/2018 15:08:00 +07:00",
"07:11 | 10/11/2025 GMT+7", "December 22, 2020 | 19:46 (GMT+7)", "Cập nhật ngày: 12/02/2019 - 13:03",
"18/02/2022 5:02 CH 606 lượt xem", " date 2025-02". A date inside a sentence ("Chiều 12/4/2024, Hội
nghị ...") is a date, not a dateline. Numeric dates are read day first, as Vietnamese sites write
them, unless the day cannot be one ("08/14/2008") or the weekday printed beside the date says the
other reading is the right one ("Thu, 08/14/2008", "Friday, 22/01/2016").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from vntext.vietnamese import fold

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Monday is 0, as datetime.weekday() counts.
_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3,
    "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6,
    "sunday": 6, "thu hai": 0, "thu ba": 1, "thu tu": 2, "thu nam": 3, "thu sau": 4, "thu bay": 5,
    "chu nhat": 6, "thu 2": 0, "thu 3": 1, "thu 4": 2, "thu 5": 3, "thu 6": 4, "thu 7": 5, "cn": 6,
    "t2": 0, "t3": 1, "t4": 2, "t5": 3, "t6": 4, "t7": 5,
}  # fmt: skip
# On folded text. English day names stand alone; Vietnamese ones may be glued to a section name
# before them ("Thời sựThứ Năm, 05/07/2018"), so only the end is bounded.
_WEEKDAY = re.compile(
    r"(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])\b|chu\s*nhat\b|\bcn\b|\bt[2-7]\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b)\.?",
    re.IGNORECASE,
)
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_NUMERIC = re.compile(rf"(?<![\d/.-])(?P<a>\d{{1,2}})\s?(?P<s>[/.-])\s?(?P<b>\d{{1,2}})\s?(?P=s)\s?{_YEAR}(?![\d/]|[.,]\d)")
_ISO = re.compile(rf"(?<![\d/.-]){_YEAR}-(?P<m>\d\d)(?:-(?P<d>\d\d))?(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?![\d/-])")
_ENGLISH = re.compile(
    rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH_NAMES})\.?,?\s+(?P<y2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# On folded text: "ngày 5 tháng 7 năm 2018", "5 tháng 7, 2018".
_WORDS = re.compile(rf"\b(?P<d>\d{{1,2}})\s+thang\s+(?P<m>\d{{1,2}})\s*(?:,|\s)\s*(?:nam\s+)?{_YEAR}\b", re.IGNORECASE)
_TIME = re.compile(r"(?<![\d:/.+])(?P<h>\d{1,2})\s?[:h]\s?(?P<mi>\d\d)(?::\d\d)?(?:\s?(?P<ampm>sa|ch|am|pm)\b)?(?![\d:])", re.IGNORECASE)
# What else a dateline holds: time zones, "cập nhật", "lượt xem", separators (on folded text).
_ZONE = re.compile(r"\(?\s*(?:gmt|utc)\s*(?:[+-]\s*\d{1,2}(?::?\d\d)?)?\s*\)?|(?<![\d:])[+-]\d\d:?\d\d\b|\bict\b", re.IGNORECASE)
_FILLER = re.compile(
    r"\b(?:cap\s+nhat(?:\s+luc)?|ngay\s+dang|dang\s+luc|dang|ngay|luc|gio|luot\s+xem|luot\s+doc|xem|"
    r"updated?|posted|published|last\s+updated|on|at|date|views?|hits?)\b|\d+(?=\s+(?:luot|views?|hits?)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_DATE_PREFIX = re.compile(rf"^\s*date\s+(?=\d)", re.IGNORECASE)
# A dateline holds at most this many words besides its date, time and fillers ("Thời sự").
_MAX_OTHER_WORDS = 3
_MAX_DATELINE_CHARS = 120


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    iso: str  # "2018-07-05", or "2025-02" when no day is given
    text: str  # as written


@dataclass(frozen=True)
class Dateline:
    """A publication dateline: where it stands, what it says and the date it gives."""

    start: int  # offsets in the text it was found in
    end: int
    text: str  # as written, trimmed
    iso: str  # "2018-07-05", or "2025-02" when no day is given
    time: str | None = None  # "15:08", 24-hour clock


def _valid(year: int, month: int, day: int | None) -> str | None:
    if not (1945 <= year <= 2100 and 1 <= month <= 12):
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # 31/04, 29/02 of a common year
        return None


def _weekday_near(folded: str, start: int, end: int) -> int | None:
    """The weekday printed within a few words of a date, if any."""
    window = folded[max(0, start - 30) : end + 30]
    m = _WEEKDAY.search(window)
    return _WEEKDAYS.get(re.sub(r"\s+", " ", m.group(0).rstrip(".").lower())) if m else None


def _numeric(m: re.Match[str], weekday: int | None) -> str | None:
    """Day first unless that is impossible or the weekday printed beside the date says otherwise."""
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    day_first, month_first = _valid(year, b, a), _valid(year, a, b)
    if day_first and month_first and weekday is not None and day_first != month_first:
        if date.fromisoformat(month_first).weekday() == weekday != date.fromisoformat(day_first).weekday():
            return month_first
    return day_first or month_first


def find_dates(text: str) -> list[DateMention]:
    """Full dates (and ISO year-months) written in a text, in order."""
    folded = fold(text)
    found: list[DateMention] = []
    taken = bytearray(len(text) + 1)
    for pattern, subject in ((_ISO, text), (_ENGLISH, text), (_WORDS, folded), (_NUMERIC, text)):
        for m in pattern.finditer(subject):
            if taken.find(1, m.start(), m.end()) >= 0:
                continue
            iso = _iso_of(m, pattern, folded)
            if iso:
                found.append(DateMention(m.start(), m.end(), iso, text[m.start() : m.end()]))
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(found, key=lambda d: d.start)


def _iso_of(m: re.Match[str], pattern: re.Pattern[str], folded: str) -> str | None:
    if pattern is _ISO:
        return _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None)
    if pattern is _ENGLISH:
        if m.group("mon"):
            return _valid(int(m.group("y")), _MONTHS[m.group("mon").lower()], int(m.group("d")))
        return _valid(int(m.group("y2")), _MONTHS[m.group("mon2").lower()], int(m.group("d2")))
    if pattern is _WORDS:
        return _valid(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return _numeric(m, _weekday_near(folded, m.start(), m.end()))


def _clock(line: str, date_span: tuple[int, int]) -> tuple[str | None, list[tuple[int, int]]]:
    """The time printed on a dateline ("5:02 CH" is 17:02) and where times stand."""
    spans = []
    clock = None
    for m in _TIME.finditer(line):
        if m.start() < date_span[1] and m.end() > date_span[0]:
            continue
        hour, minute = int(m.group("h")), int(m.group("mi"))
        half = (m.group("ampm") or "").lower()
        if half in ("ch", "pm") and hour < 12:
            hour += 12
        elif half in ("sa", "am") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            clock = clock or f"{hour:02d}:{minute:02d}"
            spans.append(m.span())
    return clock, spans


def parse_dateline(line: str) -> Dateline | None:
    """The dateline a line is, or None when the line is something else (a sentence with a date in
    it, a headline). A line opened by "date 2025-02" is a dateline up to that date even when text
    follows on the same line, as some saved pages have it."""
    if len(line.strip()) > _MAX_DATELINE_CHARS and not _DATE_PREFIX.match(line):
        return None
    dates = find_dates(line)
    if not dates:
        return None
    first = dates[0]
    lead = len(line) - len(line.lstrip())
    prefix = _DATE_PREFIX.match(line)
    if prefix and first.start == prefix.end():
        return Dateline(lead, first.end, line[lead : first.end], first.iso)
    if len(line.strip()) > _MAX_DATELINE_CHARS or len(first.iso) < 10:
        return None
    clock, times = _clock(line, (first.start, first.end))
    rest = list(line)
    for start, end in [(first.start, first.end), *times]:
        rest[start:end] = " " * (end - start)
    rest_text = fold("".join(rest))
    for pattern in (_WEEKDAY, _ZONE, _FILLER):
        rest_text = pattern.sub(" ", rest_text)
    if len(_WORD.findall(rest_text)) > _MAX_OTHER_WORDS:
        return None
    return Dateline(lead, len(line.rstrip()), line.strip(), first.iso, clock)


def find_dateline(text: str, max_lines: int = 25) -> Dateline | None:
    """The first dateline among the first ``max_lines`` non-empty lines of a document, with
    offsets in ``text``."""
    offset = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            found = parse_dateline(line)
            if found is not None:
                return Dateline(found.start + offset, found.end + offset, found.text, found.iso, found.time)
            seen += 1
            if seen >= max_lines:
                return None
        offset += len(line) + 1
    return None
