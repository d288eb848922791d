"""The check that every number in an answer appears in a sentence it cites.

Numbers are compared as written ("17.216.450,40" must appear as "17.216.450,40"), with dates split
into their parts so "16/11/2023" supports "16", "11" and "2023". The only numbers allowed without a
source are those the user wrote in the question and the results of a calculation the answer shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> list[str]:
    return [m.group(0).rstrip(".,") for m in _NUMBER.finditer(text)]


def ungrounded_numbers(answer: str, sources: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """Numbers of ``answer`` found in none of ``sources`` and not in ``allowed``."""
    known = set(allowed)
    for source in sources:
        known.update(numbers_in(source))
    return [n for n in numbers_in(answer) if n not in known]
