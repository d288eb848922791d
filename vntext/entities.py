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


# Countries donors come from, as reports write them after a name: "KSSA (Hàn Quốc)", "GPI/Hàn Quốc".
COUNTRIES = frozenset(
    """Hàn Quốc|Nhật Bản|Nhật|Mỹ|Hoa Kỳ|Pháp|Đức|Anh|Úc|Australia|Thụy Sỹ|Thuỵ Sỹ|Thụy Sĩ|Thuỵ Sĩ|Thụy Điển|
    Thuỵ Điển|Na Uy|Đan Mạch|Hà Lan|Bỉ|Canada|Ireland|Ai-len|Ai len|Singapore|Trung Quốc|Đài Loan|Hong Kong|
    Hồng Kông|New Zealand|Italia|Ý|Tây Ban Nha|Áo|Phần Lan|Luxembourg|Philippines|Thái Lan|Ấn Độ|Israel|Nga|
    Korea|Japan|USA|US|UK|France|Germany|Switzerland|Sweden|Norway|Denmark|Netherlands|Belgium|China|Taiwan|
    Italy|Spain|Austria|Finland|Malaysia|Indonesia""".replace("\n", "").replace("    ", "").split("|")
)  # fmt: skip
_COUNTRY = "|".join(sorted((re.escape(c) for c in COUNTRIES), key=len, reverse=True))
# Acronyms of Vietnamese bodies, units and outlets: never a foreign organisation's name.
_NOT_ORGANISATIONS = frozenset(
    "PCPNN TCPCPNN PCP NGO NGOS INGO INGOS VUFO PACCOM COMINGO UBND HĐND HDND TTXVN VNA VOV VTV VTC USD VND "
    "VNĐ EUR GMT QĐ TP TT CT KH THCS THPT UN KT-XH KTXH ODA FDI BTN SGGP".split()
)  # fmt: skip
# "tổ chức KSSA", "Quỹ Nam Phương", "Chính phủ Ai-len", "Tổ chức GPI/Hàn Quốc"
_TYPED = re.compile(
    r"\b(?:[Tt]ổ chức|[Qq]uỹ|Đại sứ quán|Chính phủ|[Cc]ơ quan)\s+"
    r"((?:[A-ZĐ][\w&.'-]*)(?:\s+(?:[A-ZĐ][\w&.'-]*|\d+))*)"
)
# "KSSA (Hàn Quốc)", "Helen Keller (Thuỵ Sỹ)", "AAF (Hong Kong)", "NFP/Hoa Kỳ"
_WITH_COUNTRY = re.compile(rf"((?:[A-ZĐ][\w&.'-]*)(?:\s+[A-ZĐ][\w&.'-]*){{0,3}})\s*(?:\(\s*(?:{_COUNTRY})\s*\)|/\s*(?:{_COUNTRY})\b)")
# "Korea Food for the Hungry International (KFHI)": an acronym spelling the words before it
_EXPANDED = re.compile(r"((?:[A-Z][\w'-]*\s+(?:(?:for|of|the|and|to|in)\s+)*){2,8})\(([A-Z][A-Z0-9]{2,7})\)")
# "the World Together organisation", "AAF organization", "Zhishan Foundation"
_ENGLISH = re.compile(r"\b((?:[A-Z][\w&'-]*\s){1,4})(?:organi[sz]ation|Foundation|Fund)\b")


def find_organisations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of foreign organisations named in a text: the project's list of
    NGOs and their aliases first, then names written the way reports introduce a donor ("tổ chức
    KSSA (Hàn Quốc)", "Quỹ Nam Phương", "the World Together organisation", CamelCase names)."""
    found: dict[int, tuple[int, str]] = {}
    for name, pattern in _organisations():
        for m in pattern.finditer(text):
            if m.start() not in found or found[m.start()][0] < m.end():
                found[m.start()] = (m.end(), name)
    # positions inside a known name: a name found there by a pattern is part of it (a set, because
    # scanning every name found for each candidate was quadratic on a long question)
    inside = {i for start, (end, _) in found.items() for i in range(start, end)}
    for start, end, name in _pattern_names(text):
        if start not in inside and name.upper() not in _NOT_ORGANISATIONS and name not in COUNTRIES and name.strip():
            found[start] = (end, name)
            inside.update(range(start, end))
    return sorted((start, end, name) for start, (end, name) in found.items())


def _pattern_names(text: str):
    for m in _TYPED.finditer(text):
        if m.group(0).startswith(("Chính phủ", "Đại sứ quán")):
            yield m.start(), m.end(1), m.group(0)  # "Chính phủ Ai-len": the country is the donor's name
        else:
            yield m.start(1), m.end(1), _strip_country(m.group(1))
    for m in _WITH_COUNTRY.finditer(text):
        yield m.start(1), m.end(1), m.group(1)
    for m in _EXPANDED.finditer(text):
        words = [w for w in m.group(1).split() if w[0].isupper()]
        for k in range(len(words)):  # "The Korea Food for the Hungry International (KFHI)"
            if "".join(w[0] for w in words[k:]) == m.group(2):
                yield m.start(1) + m.group(1).find(words[k]), m.end(2) + 1, m.group(2)
                break
    for m in _ENGLISH.finditer(text):
        words = m.group(1).split()
        if words and words[0].lower() not in ("the", "a", "an", "this", "that"):
            yield m.start(1), m.end(1), " ".join(words)
        elif len(words) > 1:
            yield m.start(1), m.end(1), " ".join(words[1:])
    for m in _CAMEL.finditer(text):
        yield m.start(), m.end(), m.group(0)


def _strip_country(name: str) -> str:
    words = name.split()
    while words and words[-1] in COUNTRIES:
        words.pop()
    return " ".join(words) or name


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
