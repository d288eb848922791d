"""Split a query that enumerates years or places into one query per item.

"So sánh giải ngân các năm 2019, 2020 và 2023" needs the best passage for each year, which one
ranked list rarely holds. The sub-queries are fused with the original by the same rank fusion, in
the slot where llama-index's fusion retriever would otherwise ask an LLM for query variants.
Ranges ("2015 - 2023", "từ 2019 đến 2023") are periods, not lists, and are left whole.
"""

from __future__ import annotations

import re

from vntext.gazetteer import find_province_mentions
from vntext.vietnamese import normalize_text

_SEPARATOR = r"\s*(?:,|;|&|\bvà\b|\bva\b|\band\b|\bhoặc\b|\bhoac\b|\bor\b)\s*"
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_YEAR_LIST = re.compile(rf"(?<![\d.,/]){_YEAR}(?:{_SEPARATOR}{_YEAR})+(?![\d])", re.IGNORECASE)
_SEPARATOR_ONLY = re.compile(rf"^{_SEPARATOR}$", re.IGNORECASE)
MAX_SUB_QUERIES = 8


def sub_queries(query: str) -> list[str]:
    """One query per enumerated year or province (empty when the query enumerates nothing)."""
    text = normalize_text(query)
    subs: list[str] = []
    for m in _YEAR_LIST.finditer(text):
        for year in re.findall(_YEAR, m.group(0)):
            subs.append(text[: m.start()] + year + text[m.end() :])
    mentions = find_province_mentions(text)
    run: list = []
    runs = []
    for mention in mentions:
        if run and _SEPARATOR_ONLY.match(text[run[-1].end : mention.start]):
            run.append(mention)
        else:
            if len(run) > 1:
                runs.append(run)
            run = [mention]
    if len(run) > 1:
        runs.append(run)
    for run in runs:
        start, end = run[0].start, run[-1].end
        for mention in run:
            subs.append(text[:start] + text[mention.start : mention.end] + text[end:])
    unique = list(dict.fromkeys(s for s in subs if s != text))
    return unique[:MAX_SUB_QUERIES]
