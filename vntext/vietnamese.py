"""Vietnamese text normalisation: Unicode form, tone-mark placement and diacritic folding.

Everything here is a pure function of its input so that ingestion, the keyword index and question
analysis all agree on what "the same word" is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks (after NFD): grave, acute, tilde, hook above, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
# Vowels that carry a shape mark of their own; when present, the tone sits on one of them.
_MARKED_VOWELS = frozenset("ăâêôơư")
# A word is a letter followed by letters and the combining marks NFC could not compose into them
# ("cà\u0302y" from a mistyped decomposed "cầy"): splitting the word at such a mark would place its
# tone on a fragment, and a second pass would move it again.
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f])*")
_INITIALS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph q qu r s t th tr v x".split()
) | {""}
_FINALS = frozenset("c ch m n ng nh p t".split()) | {""}

# Characters that look like Vietnamese letters but are not (legacy encodings produce them) and
# invisible characters that break word matching.
_CHAR_FIXES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Icelandic Eth -> Đ
        "\u00f0": "\u0111",  # eth -> đ
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1EFF + 1):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char and base.isascii():
            table[code] = base
    return table


# One character in, one character out: folded text keeps the offsets of the original (NFC) text.
_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Remove Vietnamese diacritics ("Quảng Trị" -> "Quang Tri", "đ" -> "d"), keeping length.

    Expects NFC text; characters outside the Latin ranges are returned unchanged.
    """
    return text.translate(_FOLD_TABLE)


def has_diacritics(text: str) -> bool:
    return fold(text) != text


_UO_TYPO = re.compile(r"(?i)(u)(ơ)(?=[cmnpt])|(ư)(o)(?=[cmnpt])")


def _fix_uo(bare: str) -> str:
    """Repair the common typing slip "uơ"/"ưo" before a final consonant ("nuớc" -> "nước").

    "uơ" is only valid in open syllables (thuở, huơ), so the repair cannot touch a correct word.
    """

    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            u, o = m.group(1), m.group(2)
            return ("Ư" if u.isupper() else "ư") + o
        u, o = m.group(3), m.group(4)
        return u + ("Ơ" if o.isupper() else "ơ")

    return _UO_TYPO.sub(repl, bare)


@lru_cache(maxsize=65536)  # a language has a few thousand syllables; texts repeat them endlessly
def place_tone(word: str) -> str:
    """Put the tone mark of one Vietnamese syllable where the common convention puts it.

    The "old" convention is used (hòa, thúy, khỏe), the one most Vietnamese news text and
    underthesea follow. Words that are not a single Vietnamese syllable are returned unchanged.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    bare = _fix_uo(bare)
    lower = bare.lower()
    vowel_idx = [i for i, c in enumerate(lower) if c in _VOWELS]
    if not vowel_idx:
        return word
    first, last = vowel_idx[0], vowel_idx[-1]
    if last - first + 1 != len(vowel_idx):
        return word  # vowels separated by consonants: not one syllable (a foreign word)
    if lower[:first] not in _INITIALS or lower[last + 1 :] not in _FINALS:
        return word  # "Chloé": no Vietnamese syllable starts with "chl"
    cluster = vowel_idx
    # "qu" and "gi" (before another vowel) are initial consonants, not part of the vowel cluster.
    if len(cluster) > 1 and first == 1 and lower[:2] in ("qu", "gi"):
        cluster = cluster[1:]
    marked = [i for i in cluster if lower[i] in _MARKED_VOWELS]
    if marked:
        pos = marked[-1]
    elif len(cluster) == 1:
        pos = cluster[0]
    elif cluster[-1] < len(lower) - 1:  # closed syllable: hoàn, huỳnh
        pos = cluster[-1]
    elif len(cluster) == 3:  # ngoài, khuỷu
        pos = cluster[1]
    else:  # open two-vowel cluster: hòa, thúy, múa, mái
        pos = cluster[0]
    toned = unicodedata.normalize("NFC", bare[pos] + tones[0])
    result = bare[:pos] + toned + bare[pos + 1 :]
    return result


def normalize_tones(text: str) -> str:
    """Apply :func:`place_tone` to every word of an NFC text."""
    return _WORD.sub(lambda m: place_tone(m.group(0)) if not m.group(0).isascii() else m.group(0), text)


def normalize_text(text: str) -> str:
    """Canonical form for stored and compared text.

    NFC, legacy look-alike characters fixed, invisible characters removed, one tone-mark convention,
    Windows and old Mac line ends turned into ``\\n``, spaces and tabs collapsed inside lines.
    Line structure is kept: cleaning and segmentation rely on it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # invisible characters go first: one between a letter and its combining mark blocks composition
    text = unicodedata.normalize("NFC", text.translate(_CHAR_FIXES))
    text = unicodedata.normalize("NFC", normalize_tones(text))
    text = re.sub(r"[ \t\f\v]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# Dashes and typographic quotes an editor swaps for one another: one of each kind in a comparison key
# (a report that prints its body twice wrote "Phúc - Phó Chủ tịch" once and "Phúc – Phó Chủ tịch" once)
_LOOSE_MARKS = str.maketrans({**dict.fromkeys("‐‑‒–—―−", "-"), **dict.fromkeys("“”„‟″«»", '"'), **dict.fromkeys("‘’‚‛′", "'")})


def comparable(text: str) -> str:
    """A key for loose equality: normalised, case-folded, whitespace collapsed, one dash and one
    kind of each quote."""
    # casefold can leave text that NFC composes ("ß\u0323" -> "ss\u0323" -> "sṣ"): compose again so
    # that a key is its own key
    return comparable_normalized(normalize_text(text))


def comparable_normalized(text: str) -> str:
    """:func:`comparable` for text that :func:`normalize_text` has already normalised."""
    return " ".join(unicodedata.normalize("NFC", text.casefold()).translate(_LOOSE_MARKS).split())
