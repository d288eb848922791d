"""The check that every number in an answer appears in a sentence it cites.

Numbers are compared as written ("17.216.450,40" must appear as "17.216.450,40"), with dates split
into their parts so "16/11/2023" supports "16", "11" and "2023". A figure a source spells out
("Fifty foreign NGOs", "gần ba triệu đô la Mỹ") supports its digits written the Vietnamese way ("50",
"3.000.000"), as answers give them beside the words. The only numbers allowed without a source are
those the user wrote in the question and the results of a calculation the answer shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vntext.numbers import find_quantities, format_number_vi

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> list[str]:
    return [m.group(0).rstrip(".,") for m in _NUMBER.finditer(text)]


def ungrounded_numbers(answer: str, sources: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """Numbers of ``answer`` found in none of ``sources`` and not in ``allowed``."""
    known = set(allowed)
    for source in sources:
        known.update(numbers_in(source))
        known.update(spelled_numbers(source))
    return [n for n in numbers_in(answer) if n not in known]


def spelled_numbers(text: str) -> list[str]:
    """The digits of the figures ``text`` writes in words only, the Vietnamese way."""
    return [
        format_number_vi(round(q.value, 6))
        for q in find_quantities(text)
        if not re.search(r"\d", text[q.number_start : q.number_end])
    ]
