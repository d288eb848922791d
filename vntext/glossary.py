"""Domain concepts (``data/glossary.json``) and where a text mentions them.

The glossary maps the ways reports and users write one thing (an acronym, its expansion, an
English equivalent) to one concept: "PCPNN", "phi chính phủ nước ngoài" and "foreign NGOs" are all
``pcpnn``; "giải ngân" and "disbursed" are ``disbursed``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from vntext.vietnamese import fold, has_diacritics, normalize_text


@dataclass(frozen=True)
class ConceptMention:
    start: int
    end: int
    concept: str


@dataclass(frozen=True)
class _Glossary:
    exact: re.Pattern[str]  # over lower-case normalised text
    folded: re.Pattern[str]  # over lower-case folded text
    concept_of: dict[str, str]  # lower-case term, with and without diacritics -> concept id
    short: dict[str, str]  # concept id -> the acronym a body is known by ("vufo" -> "VUFO")


@lru_cache(maxsize=1)
def _glossary() -> _Glossary:
    raw = json.loads(resources.files("vntext").joinpath("data/glossary.json").read_text("utf-8"))
    concept_of: dict[str, str] = {}
    exact_terms: set[str] = set()
    folded_terms: set[str] = set()
    for concept in raw["concepts"]:
        for term in concept["terms"]:
            written = normalize_text(term).lower()
            concept_of.setdefault(_key(written), concept["id"])
            concept_of.setdefault(_key(fold(written)), concept["id"])
            exact_terms.add(written)
            folded_terms.add(fold(written))
    short = {c["id"]: c["short"] for c in raw["concepts"] if c.get("short")}
    return _Glossary(_alternation(exact_terms), _alternation(folded_terms), concept_of, short)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A short digest of the glossary: an index whose concept tokens were made with another
    glossary is stale."""
    import hashlib

    return hashlib.sha256(resources.files("vntext").joinpath("data/glossary.json").read_bytes()).hexdigest()[:16]


def _key(term: str) -> str:
    """A term as looked up: "viet nam" and "vietnam" are one spelling."""
    return term.replace("viet nam", "vietnam")


def _alternation(terms: set[str]) -> re.Pattern[str]:
    # "Vietnam" is also written "Viet Nam"
    spelled = (re.escape(t).replace("vietnam", "viet ?nam").replace(re.escape("viet nam"), "viet ?nam") for t in sorted(terms, key=len, reverse=True))
    body = "|".join(spelled)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def find_concepts(text: str) -> list[ConceptMention]:
    """Concept mentions in a text, longest term first at each position, without overlaps.

    Text written with diacritics must match a term's diacritics ("báo cáo" is not "bão"); text typed
    without any ("giai ngan") matches the folded terms. Case never matters.
    """
    g = _glossary()
    lowered = normalize_text(text).lower()
    if has_diacritics(lowered):
        matches = g.exact.finditer(lowered)
    else:
        matches = g.folded.finditer(lowered)
    return [ConceptMention(m.start(), m.end(), g.concept_of[_key(m.group(0))]) for m in matches]


def concepts_in(text: str) -> list[str]:
    """Distinct concept ids a text mentions, in order of first mention."""
    return list(dict.fromkeys(m.concept for m in find_concepts(text)))


def with_short_names(text: str) -> str:
    """A body named in full followed by the acronym it is known by, when the text does not give it:
    "... part of the Viet Nam Union of Friendship Organizations" -> "... Organizations (VUFO)"."""
    short = _glossary().short
    text = normalize_text(text)  # the positions found are positions in the normalised text
    out, last = [], 0
    for m in find_concepts(text):
        acronym = short.get(m.concept)
        if acronym and acronym not in text and text[m.start : m.end] != acronym.lower() and len(text[m.start : m.end].split()) > 1:
            out += [text[last : m.end], f" ({acronym})"]
            last = m.end
    return "".join(out) + text[last:]
