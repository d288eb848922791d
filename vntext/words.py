"""Content words: the folded words of a text that carry its topic, without question words, function
words and the domain's ubiquitous terms. Questions and the figures of stored documents are compared
by them, so both sides use this one list and one normalisation."""

from __future__ import annotations

import re
from functools import lru_cache

from vntext.vietnamese import fold, normalize_text

# Words that carry no topic: question words, function words and the domain's ubiquitous terms.
STOPWORDS = frozenset(
    fold(w)
    for w in """bao nhiêu mấy ai gì nào là của các những có được đã và trong tại cho với từ đến năm
    thì mà này đó nào hay không vậy đạt bao giờ khi how many much what who which when where the
    was were is are did does do in of to for a an and on at by from with as that this there
    tỉnh thành phố việt nam pcpnn tổ chức phi chính phủ nước ngoài viện trợ theo according
    their its it has have had been be or but than""".split()
)


def content_words(text: str) -> set[str]:
    return set(_content_words(text))


@lru_cache(maxsize=16384)  # the same passages' sentences are read question after question
def _content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[^\W_]+", fold(normalize_text(text).lower()))
    return frozenset(w for w in words if w not in STOPWORDS and not w.isdigit() and len(w) > 1)
