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

from ingest.vietnamese import fold, normalize_text


@dataclass(frozen=True)
class ConceptMention:
    start: int
    end: int
    concept: str


@dataclass(frozen=True)
class _Glossary:
    pattern: re.Pattern[str]
    concept_of: dict[str, str]  # folded lower-case term -> concept id


def _key(term: str) -> str:
    return fold(normalize_text(term)).lower()


@lru_cache(maxsize=1)
def _glossary() -> _Glossary:
    raw = json.loads(resources.files("ingest").joinpath("data/glossary.json").read_text("utf-8"))
    concept_of: dict[str, str] = {}
    for concept in raw["concepts"]:
        for term in concept["terms"]:
            concept_of.setdefault(_key(term), concept["id"])
    alternatives = sorted(concept_of, key=len, reverse=True)
    body = "|".join(re.escape(t) for t in alternatives)
    return _Glossary(re.compile(rf"(?<!\w)(?:{body})(?!\w)"), concept_of)


def find_concepts(text: str) -> list[ConceptMention]:
    """Concept mentions in a text, longest term first at each position, without overlaps.

    Matching ignores case and diacritics, so "giai ngan" and "Giải ngân" are the same mention.
    """
    g = _glossary()
    folded = fold(normalize_text(text)).lower()
    return [ConceptMention(m.start(), m.end(), g.concept_of[m.group(0)]) for m in g.pattern.finditer(folded)]


def concepts_in(text: str) -> list[str]:
    """Distinct concept ids a text mentions, in order of first mention."""
    return list(dict.fromkeys(m.concept for m in find_concepts(text)))
