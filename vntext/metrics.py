"""What a figure measures, from the words that describe it: disbursed, committed, mobilised, a rate,
aid in general or a value ("giải ngân" / "disbursed" -> ``disbursed``)."""

from __future__ import annotations

import re

from vntext.vietnamese import fold

# Metric words, strongest first: the first found between a figure and the previous one names it.
_METRICS = (
    ("rate", ("ty le", "ti le", "rate")),
    ("disbursed", ("giai ngan", "disburse")),
    ("committed", ("cam ket", "commit", "pledge")),
    ("mobilised", ("van dong", "thu hut", "mobilis", "mobiliz", "attract")),
    ("aid", ("vien tro", "tai tro", "ho tro", " aid", "grant", "fund")),
    ("value", ("gia tri", "tong von", "so von", "value")),
)
# Metrics that contradict each other; "aid" and "value" are generic and fit any.
SPECIFIC = frozenset({"disbursed", "committed", "mobilised", "rate"})


# Each word must start a word of the text ("rate" is not in "operated"); it may run on
# ("disburse" -> "disbursement").
_PATTERNS = tuple(
    (name, re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(w.strip()) for w in words) + r")(?!tee)")) for name, words in _METRICS
)  # "(?!tee)": a committee commits nothing


def metric_of(descriptor: str) -> str | None:
    folded = fold(descriptor.lower())
    for name, pattern in _PATTERNS:
        if pattern.search(folded):
            return name
    return None


def metrics_named(text: str) -> set[str]:
    """Every metric a text names, not only the strongest: "cam kết và giải ngân" names two."""
    folded = fold(text.lower())
    return {name for name, pattern in _PATTERNS if pattern.search(folded)}
