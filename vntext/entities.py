"""Who and where a text names: foreign NGOs, districts, provinces and the whole country.

"ChildFund Việt Nam" is an organisation, not a mention of the country; "huyện Na Rì" is a district.
The organisation list is ``data/organizations.json``; provinces come from :mod:`vntext.gazetteer`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from vntext.gazetteer import find_province_mentions
from vntext.glossary import find_concepts

NATIONAL = "Việt Nam"  # the subject of figures about the whole country

_DISTRICT = re.compile(r"\b(?:huyện|quận|thị xã|district)\s+((?:[A-ZĐ][^\W\d_]*)(?:\s+[A-ZĐ][^\W\d_]*){0,2})")


@lru_cache(maxsize=1)
def _organisations() -> tuple[tuple[str, re.Pattern[str]], ...]:
    raw = json.loads(resources.files("vntext").joinpath("data/organizations.json").read_text("utf-8"))
    out = []
    for org in raw["organizations"]:
        names = sorted({org["name"], *org.get("aliases", [])}, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
        out.append((org["name"], pattern))
    return tuple(out)


_CAMEL = re.compile(r"\b[A-Z][a-z]+[A-Z][A-Za-z]+\b")


def find_organisations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of foreign NGOs named in a text."""
    found: dict[int, tuple[int, str]] = {}
    for name, pattern in _organisations():
        for m in pattern.finditer(text):
            if m.start() not in found or found[m.start()][0] < m.end():
                found[m.start()] = (m.end(), name)
    # positions inside a known name: a CamelCase word there is part of it (a set, because scanning
    # every name found for each CamelCase word was quadratic on a long question)
    inside = {i for start, (end, _) in found.items() for i in range(start, end)}
    for m in _CAMEL.finditer(text):
        if m.start() not in inside:
            found[m.start()] = (m.end(), m.group(0))
    return sorted((start, end, name) for start, (end, name) in found.items())


def find_districts(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(1)) for m in _DISTRICT.finditer(text)]


def places_in(sentence: str, organisations: list[tuple[int, int, str]] | None = None) -> list[tuple[int, str]]:
    """Provinces and mentions of the whole country; "Việt Nam" inside a name ("ChildFund Việt Nam")
    does not make a figure national."""
    inside = {i for start, end, _ in organisations or [] for i in range(start, end)}
    # "Plan International tại Việt Nam", "World Vision in Vietnam": the organisation's country office
    ends = {end for _, end, _ in organisations or []}
    found = [(m.start, m.name) for m in find_province_mentions(sentence)]
    for m in find_concepts(sentence):
        if m.concept != "national" or m.start in inside or _office_of(sentence, m.start, ends):
            continue
        if _proper_name(sentence, m.start, m.end):
            continue  # "Tam Dao National Park", "National Assembly"
        found.append((m.start, NATIONAL))
    return sorted(found)


_OFFICE = re.compile(r"\s+(?:tại|ở|in)\s+$", re.IGNORECASE)
_NEXT_CAPITALISED = re.compile(r"\s+[A-Z]")


def _office_of(text: str, start: int, organisation_ends: set[int]) -> bool:
    """ "tại Việt Nam" right after an organisation's name."""
    for end in organisation_ends:
        if end < start and start - end <= 6 and _OFFICE.fullmatch(text, end, start):
            return True
    return False


def _proper_name(text: str, start: int, end: int) -> bool:
    """ "National" capitalised inside a proper name ("Tam Dao National Park")."""
    word = text[start:end]
    return word[:1].isupper() and word.lower().startswith("national") and bool(_NEXT_CAPITALISED.match(text, end))
