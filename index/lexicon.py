"""Put the diacritics back into a query typed without them, using the corpus's own vocabulary.

"quang tri giai ngan bao nhieu" becomes "quảng trị giải ngân bao nhiêu": for each run of folded
syllables the most frequent spelling in the indexed passages is chosen, preferring two-syllable
matches (which settle most ambiguity: "giai ngan" is almost always "giải ngân"). The dense model
then sees real Vietnamese, which it handles far better than folded text. No model is needed and
nothing outside the indexed documents is assumed.

The counts behind it live in the catalog (see ``Catalog.lexicon_counts``), kept per document in
the same transaction as the document itself: building them from every passage after each upload
took 123 s at 100,000 passages. A query reads only the counts of its own syllables and pairs.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Protocol

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


def gram_counts(texts: Iterable[str]) -> Counter[tuple[str, str]]:
    """(folded key, lower-case spelling) -> occurrences of each syllable and each pair of adjacent
    syllables in ``texts``: what one document adds to the lexicon's counts."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        syllables = [m.group(0).lower() for m in _SYLLABLE.finditer(normalize_text(text))]
        folded = [fold(s) for s in syllables]
        for i, syllable in enumerate(syllables):
            counts[(folded[i], syllable)] += 1
            if i + 1 < len(syllables):
                counts[(f"{folded[i]} {folded[i + 1]}", f"{syllable} {syllables[i + 1]}")] += 1
    return counts


@lru_cache(maxsize=1)
def seed_counts() -> dict[str, Counter[str]]:
    """The seeds' counts by folded key: question phrases (pairs and single words) and place names
    (pairs only: "nam" alone must stay "năm", not "Nam" of "Hà Nam"), each worth ``SEED_WEIGHT``."""
    from vntext.gazetteer import all_provinces

    names = [normalize_text(n).lower() for p in all_provinces() for n in (p.name, *p.aliases)]
    seeds: dict[str, Counter[str]] = defaultdict(Counter)
    for phrase, with_single_words in [(q, True) for q in QUESTION_PHRASES] + [(n, False) for n in names]:
        words = [m.group(0) for m in _SYLLABLE.finditer(phrase)]
        grams = [f"{a} {b}" for a, b in zip(words, words[1:])] + (words if with_single_words else [])
        for gram in grams:
            seeds[fold(gram)][gram] += SEED_WEIGHT
    return dict(seeds)


def _best(key: str, spellings: Counter[str], prune_pairs: bool) -> tuple[str, int] | None:
    """The most frequent spelling of a key with its count; ties go to the spelling seen first.
    Pairs seen once are dropped when ``prune_pairs``: a large corpus has enough repeats."""
    spelling, count = spellings.most_common(1)[0]
    if prune_pairs and " " in key and count < 2:
        return None
    return spelling, count


class LexiconCounts(Protocol):
    """Where the counts of a lexicon are kept (the catalog)."""

    def generation(self) -> int: ...

    def lexicon_counts(self, keys: Collection[str]) -> dict[str, dict[str, int]]: ...

    def lexicon_size(self) -> int: ...


class Lexicon:
    """Folded unigram/bigram -> the most frequent original (lower-case) spelling, with its count.

    Either a fixed table (:meth:`from_texts`, :meth:`load`) or a view of counts kept elsewhere
    (:meth:`over`), read at each query so that it is never stale.
    """

    def __init__(self, best: dict[str, tuple[str, int]] | None = None, counts: LexiconCounts | None = None) -> None:
        self._best = best
        self._counts = counts
        self._size: tuple[int, int] | None = None  # (generation, distinct keys) of ``counts``

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for (key, spelling), n in gram_counts(texts).items():
            counts[key][spelling] += n
        for key, spellings in seed_counts().items():
            counts[key].update(spellings)
        prune_pairs = len(counts) > MAX_KEYS_BEFORE_PRUNING
        best = {key: found for key, spellings in counts.items() if (found := _best(key, spellings, prune_pairs))}
        return cls(best)

    @classmethod
    def over(cls, counts: LexiconCounts) -> Lexicon:
        """A lexicon reading the counts kept in ``counts`` (the catalog's), with the seeds added."""
        return cls(counts=counts)

    def __len__(self) -> int:
        if self._best is not None:
            return len(self._best)
        return self._stored_keys() + len(seed_counts())

    def _stored_keys(self) -> int:
        # Counting the distinct keys reads the whole table: once per catalog change, and only
        # when a query has a pair seen once.
        generation = self._counts.generation()
        if self._size is None or self._size[0] != generation:
            self._size = (generation, self._counts.lexicon_size())
        return self._size[1]

    def lookup(self, keys: Collection[str]) -> dict[str, tuple[str, int]]:
        """The best spelling and its count of each of ``keys`` the lexicon knows."""
        if self._best is not None:
            return {k: self._best[k] for k in keys if k in self._best}
        stored, seeds = self._counts.lexicon_counts(keys), seed_counts()
        found: dict[str, tuple[str, int]] = {}
        prune_pairs: bool | None = None
        for key in keys:
            spellings = Counter(stored.get(key, {}))
            spellings.update(seeds.get(key, {}))
            if not spellings:
                continue
            spelling, count = spellings.most_common(1)[0]
            if " " in key and count < 2:
                if prune_pairs is None:  # the seeds' keys counted apart: a few hundred at most
                    prune_pairs = self._stored_keys() + len(seeds) > MAX_KEYS_BEFORE_PRUNING
                if prune_pairs:
                    continue
            found[key] = (spelling, count)
        return found

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
        pairs = {
            i: f"{words[i]} {words[i + 1]}"
            for i in range(len(words) - 1)
            if query[matches[i].end() : matches[i + 1].start()] == " "  # punctuation between: not a phrase
        }
        best = self.lookup({*words, *pairs.values()})
        known = sum(1 for w in words if w in best)
        if known / len(words) < MIN_KNOWN_SHARE:
            return None
        # Every adjacent pair found in the lexicon votes, with its frequency, for the spelling of
        # both its words; words no pair covers take their most frequent single spelling.
        votes: list[Counter[str]] = [Counter() for _ in words]
        for i, pair in pairs.items():
            found = best.get(pair)
            if found is not None:
                first, second = found[0].split(" ")
                votes[i][first] += found[1]
                votes[i + 1][second] += found[1]
        replacement: list[str | None] = []
        for word, vote in zip(words, votes, strict=True):
            if vote:
                replacement.append(vote.most_common(1)[0][0])
            else:
                replacement.append(best[word][0] if word in best else None)
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
        """Write a fixed table (a lexicon over the catalog's counts is saved with the catalog)."""
        if self._best is None:
            raise ValueError("a lexicon over the catalog's counts is kept in the catalog, not saved apart")
        path.write_text(json.dumps(self._best, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: (v[0], int(v[1])) for k, v in raw.items()})
