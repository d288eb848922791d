"""Provinces, cities and years mentioned in a text.

The gazetteer (``data/provinces.json``) lists Vietnam's 63 provinces and centrally-run cities as they
were before the 2025 reorganisation, Huế, and for each merged province the unit it became part of.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from vntext.vietnamese import fold, normalize_text


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # "province" or "city"
    merged_into: str | None  # the post-2025 unit, when the province was merged into another
    aliases: tuple[str, ...]

    @property
    def current_name(self) -> str:
        """The name of the unit that governs this territory after the 2025 reorganisation."""
        return self.merged_into or self.name


@dataclass(frozen=True)
class _Gazetteer:
    provinces: dict[str, Province]
    exact: re.Pattern[str]  # over normalised forms with diacritics
    folded: re.Pattern[str]  # over lower-case folded forms
    by_exact: dict[str, str]  # matched form -> canonical name
    by_folded: dict[str, str]
    written: dict[str, str]  # lower-case form -> the form as the gazetteer writes it


def _boundary(alternatives: list[str], flags: int = 0) -> re.Pattern[str]:
    ordered = sorted(set(alternatives), key=len, reverse=True)
    body = "|".join(re.escape(a) for a in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    raw = json.loads(resources.files("vntext").joinpath("data/provinces.json").read_text("utf-8"))
    provinces: dict[str, Province] = {}
    by_exact: dict[str, str] = {}
    by_folded: dict[str, str] = {}
    written: dict[str, str] = {}
    for unit in raw["units"]:
        province = Province(unit["name"], unit["kind"], unit["merged_into"], tuple(unit["aliases"]))
        provinces[province.name] = province
        for form in (province.name, *province.aliases):
            form = normalize_text(form)
            by_exact[form.lower()] = province.name
            by_folded[fold(form).lower()] = province.name
            written[form.lower()] = form
            written[fold(form).lower()] = form
    return _Gazetteer(
        provinces=provinces,
        exact=_boundary(list(by_exact), re.IGNORECASE),
        folded=_boundary(list(by_folded), re.IGNORECASE),
        by_exact=by_exact,
        by_folded=by_folded,
        written=written,
    )


def all_provinces() -> list[Province]:
    return list(_gazetteer().provinces.values())


def get_province(name: str) -> Province | None:
    """Look a province up by any of its names, with or without diacritics."""
    g = _gazetteer()
    key = normalize_text(name).strip().lower()
    canonical = g.by_exact.get(key) or g.by_folded.get(fold(key))
    return g.provinces.get(canonical) if canonical else None


def _looks_like_name(span: str, written: str) -> bool:
    """ "Hòa Bình" is a province, "hòa bình" is peace: in text written with diacritics a place name
    keeps the capitals the gazetteer gives it ("Thủ đô Hà Nội", "TP.HCM"), or is all upper case."""
    if span.isupper():
        return True
    words = [w for w in re.split(r"[\s\-–.]+", span) if w]
    model = [w for w in re.split(r"[\s\-–.]+", written) if w]
    if len(words) != len(model):
        return all(w[0].isupper() or not w[0].isalpha() for w in words)
    return all(w[0].isupper() or not m[0].isupper() or not w[0].isalpha() for w, m in zip(words, model))


def _matches(pattern: re.Pattern[str], text: str):
    """Every match, retrying one character later when a match is refused, so a rejected long form
    ("thủ đô Hà Nội" in lower case) does not hide the name inside it."""
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


@dataclass(frozen=True)
class PlaceMention:
    start: int  # offsets in normalize_text(text), which keeps the length of NFC text
    end: int
    name: str  # canonical name


def find_province_mentions(text: str) -> list[PlaceMention]:
    """Every mention of a province or city, in order.

    Text with diacritics must spell the name with diacritics and capitals ("Hòa Bình", not the word
    "hòa bình"); a span typed without diacritics ("quang tri") matches in any case, so queries typed
    on a keyboard without Vietnamese input still find their province.
    """
    g = _gazetteer()
    text = normalize_text(text)
    found: list[PlaceMention] = []
    # Positions already taken by a mention. Names are short, so marking each position is cheap,
    # while comparing every new mention with every earlier one made a document that names
    # provinces thousands of times quadratic (16,000 mentions took 8 s, a 1 MB list minutes).
    taken = bytearray(len(text))

    def add(start: int, end: int, name: str) -> None:
        if taken.find(1, start, end) < 0:
            found.append(PlaceMention(start, end, name))
            taken[start:end] = b"\x01" * (end - start)

    for m in _matches(g.exact, text):
        key = m.group(0).lower()
        if _looks_like_name(m.group(0), g.written[key]):
            add(m.start(), m.end(), g.by_exact[key])
    folded = fold(text)
    for m in _matches(g.folded, folded):
        original = text[m.start() : m.end()]
        key = m.group(0).lower()
        if original == m.group(0) and (original.islower() or _looks_like_name(original, g.written[key])):
            add(m.start(), m.end(), g.by_folded[key])
    return sorted(found, key=lambda f: f.start)


def find_provinces(text: str) -> list[str]:
    """Canonical names of the provinces and cities a text mentions, in order of first mention."""
    names: list[str] = []
    for mention in find_province_mentions(text):
        if mention.name not in names:
            names.append(mention.name)
    return names


_YEAR = re.compile(r"(?<![\d.,])(19[4-9]\d|20\d\d)(?![\d]|[.,]\d)")


def find_years(text: str) -> list[int]:
    """Years (1940-2099) written in a text, sorted, each once. Parts of larger numbers are ignored."""
    return sorted({int(m.group(1)) for m in _YEAR.finditer(text)})
