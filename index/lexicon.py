"""Put the diacritics back into a query typed without them, using the corpus's own vocabulary.

"quang tri giai ngan bao nhieu" becomes "quảng trị giải ngân bao nhiêu": for each run of folded
syllables the most frequent spelling in the indexed passages is chosen, preferring two-syllable
matches (which settle most ambiguity: "giai ngan" is almost always "giải ngân"). The dense model
then sees real Vietnamese, which it handles far better than folded text. No model is needed and
nothing outside the indexed documents is assumed.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from vntext.vietnamese import fold, has_diacritics, normalize_text

_SYLLABLE = re.compile(r"[^\W\d_]+")
# Question phrases reports rarely contain, so the corpus alone would restore them wrongly
# ("bao nhieu" -> "báo nhiều"). They and the gazetteer's place names seed the lexicon.
QUESTION_PHRASES = (
    "bao nhiêu", "bao giờ", "khi nào", "lúc nào", "ở đâu", "là gì", "là ai", "cái gì", "như thế nào",
    "thế nào", "tại sao", "vì sao", "những gì", "có không", "hay không", "phải không", "đúng không",
    "mấy", "nào", "ai", "gì", "đâu", "so sánh", "tổng cộng", "tất cả", "liệt kê", "cho biết",
)  # fmt: skip
SEED_WEIGHT = 1000
MAX_KEYS_BEFORE_PRUNING = 1_000_000

# Share of a query's words that must be known Vietnamese syllables before restoring: an English
# question is left alone.
MIN_KNOWN_SHARE = 0.6


class Lexicon:
    """Folded unigram/bigram -> the most frequent original (lower-case) spelling, with its count."""

    def __init__(self, best: dict[str, tuple[str, int]]) -> None:
        self._best = best

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            syllables = [m.group(0).lower() for m in _SYLLABLE.finditer(normalize_text(text))]
            for i, syllable in enumerate(syllables):
                counts[fold(syllable)][syllable] += 1
                if i + 1 < len(syllables):
                    pair = f"{syllable} {syllables[i + 1]}"
                    counts[fold(pair)][pair] += 1
        from vntext.gazetteer import all_provinces

        names = [normalize_text(n).lower() for p in all_provinces() for n in (p.name, *p.aliases)]
        for phrase, with_single_words in [(q, True) for q in QUESTION_PHRASES] + [(n, False) for n in names]:
            words = [m.group(0) for m in _SYLLABLE.finditer(phrase)]
            # Place names add only their pairs: "nam" alone must stay "năm", not "Nam" of "Hà Nam".
            grams = [f"{a} {b}" for a, b in zip(words, words[1:])] + (words if with_single_words else [])
            for gram in grams:
                counts[fold(gram)][gram] += SEED_WEIGHT
        # Pairs seen once are kept while the lexicon is small; a large corpus has enough repeats.
        min_pair_count = 2 if len(counts) > MAX_KEYS_BEFORE_PRUNING else 1
        best: dict[str, tuple[str, int]] = {}
        for key, spellings in counts.items():
            spelling, count = spellings.most_common(1)[0]
            if " " in key and count < min_pair_count:
                continue
            best[key] = (spelling, count)
        return cls(best)

    def __len__(self) -> int:
        return len(self._best)

    def restore(self, query: str) -> str | None:
        """The query with diacritics restored, or None when it has diacritics already, is not
        Vietnamese enough to restore, or nothing would change."""
        query = normalize_text(query)
        if has_diacritics(query):
            return None
        matches = list(_SYLLABLE.finditer(query))
        if not matches:
            return None
        words = [m.group(0).lower() for m in matches]
        known = sum(1 for w in words if w in self._best)
        if known / len(words) < MIN_KNOWN_SHARE:
            return None
        # Every adjacent pair found in the lexicon votes, with its frequency, for the spelling of
        # both its words; words no pair covers take their most frequent single spelling.
        votes: list[Counter[str]] = [Counter() for _ in words]
        for i in range(len(words) - 1):
            if query[matches[i].end() : matches[i + 1].start()] != " ":
                continue  # punctuation between the words: not a phrase
            found = self._best.get(f"{words[i]} {words[i + 1]}")
            if found is not None:
                first, second = found[0].split(" ")
                votes[i][first] += found[1]
                votes[i + 1][second] += found[1]
        replacement: list[str | None] = []
        for word, vote in zip(words, votes, strict=True):
            if vote:
                replacement.append(vote.most_common(1)[0][0])
            else:
                replacement.append(self._best[word][0] if word in self._best else None)
        out, last = [], 0
        for m, new in zip(matches, replacement, strict=True):
            out.append(query[last : m.start()])
            original = m.group(0)
            if new is None:
                out.append(original)
            elif original.isupper() and len(original) > 1:
                out.append(new.upper())
            elif original[0].isupper():
                out.append(new[0].upper() + new[1:])
            else:
                out.append(new)
            last = m.end()
        out.append(query[last:])
        restored = "".join(out)
        return restored if restored != query else None

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self._best, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: (v[0], int(v[1])) for k, v in raw.items()})
