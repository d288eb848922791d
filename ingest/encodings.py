"""Vietnamese text in the old VNI-Windows font encoding, turned into Unicode.

Before Unicode, many Vietnamese offices typed in VNI fonts (VNI-Times, VNI-Helve). A file saved
from them holds plain Windows-1252 bytes: each toned vowel is an ASCII base letter followed by a
"mark" byte that the VNI font draws as the tone or shape, so "Việt Nam" is stored as the bytes of
"Vieät Nam". Read as Windows-1252 or Windows-1258 such a file gives gibberish; it has to be mapped
back letter by letter.

The table is built here from the VNI layout (base letter + shape mark + tone mark) rather than taken
from a package: the maintained converter on PyPI (viparse) would add a dependency for one table, and
its VNI table is derived from a corpus and leaves out letters its corpus never showed (ẳ). Building it
from the layout covers every letter; the tests check it against published VNI samples.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Unicode combining marks, by name.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

# The mark bytes (shown as their Windows-1252 characters, lowercase forms) and what they add to the
# letter before them. The uppercase mark is the same character in upper case (ù/Ù, â/Â...): VNI
# fonts draw capitals' marks higher, so uppercase text uses the uppercase marks.
_TONE_MARKS = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_CIRCUMFLEX_MARKS = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_BREVE_MARKS = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}

# Letters VNI writes as one byte: ơ and ư (which then take tone marks like any vowel), đ, and the
# toned i's that Windows-1252 has no room to build from "i" + mark. ì and í are themselves.
_SINGLE_LETTERS = {"ô": "o" + _HORN, "ö": "u" + _HORN, "ñ": "đ", "ò": "i" + _DOT, "æ": "i" + _HOOK, "ó": "i" + _TILDE}

_TONED_BASES = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "o" + _HORN, "ö": "u" + _HORN}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _entries() -> dict[str, str]:
    """Every VNI sequence (as Windows-1252 characters) and the Unicode letter it stands for."""
    lower: dict[str, str] = {key: _nfc(value) for key, value in _SINGLE_LETTERS.items()}
    for base_key, base in _TONED_BASES.items():
        for mark, tone in _TONE_MARKS.items():
            lower[base_key + mark] = _nfc(base + tone)
    for base in "aeo":
        for mark, tone in _CIRCUMFLEX_MARKS.items():
            lower[base + mark] = _nfc(base + _CIRCUMFLEX + tone)
    for mark, tone in _BREVE_MARKS.items():
        lower["a" + mark] = _nfc("a" + _BREVE + tone)
    table = dict(lower)
    for key, value in lower.items():
        upper_value = value.upper()
        table[key.upper()] = upper_value
        if len(key) == 2:
            table[key[0].upper() + key[1]] = upper_value  # a capital base with a lowercase mark
    return table


VNI_TABLE: dict[str, str] = _entries()
# Marks that only have a meaning right after a vowel; one left over after conversion means the
# text was not VNI (or not only VNI).
_MARK_CHARS = frozenset(
    c for marks in (_TONE_MARKS, _CIRCUMFLEX_MARKS, _BREVE_MARKS) for m in marks for c in (m, m.upper())
)


@cache
def _pattern() -> re.Pattern[str]:
    keys = sorted(VNI_TABLE, key=len, reverse=True)  # "oâ" (ô) must win over "o" then "â"
    return re.compile("|".join(re.escape(k) for k in keys))


def vni_to_unicode(text: str) -> str:
    """Map VNI text (its bytes read as Windows-1252) to Unicode NFC. Other characters pass through."""
    return _nfc(_pattern().sub(lambda m: VNI_TABLE[m.group()], text))


def vni_evidence(text: str) -> tuple[int, int]:
    """(two-character VNI sequences found, mark characters left unexplained) in cp1252-read text.

    Genuine VNI text has many sequences and almost no stray marks; Windows-1258 or Western text
    read through the VNI table leaves marks after consonants or has no sequences at all.
    """
    sequences = 0
    stray = 0
    position = 0
    pattern = _pattern()
    for match in pattern.finditer(text):
        stray += sum(1 for c in text[position : match.start()] if c in _MARK_CHARS)
        if len(match.group()) == 2:
            sequences += 1
        position = match.end()
    stray += sum(1 for c in text[position:] if c in _MARK_CHARS)
    return sequences, stray


def looks_like_vni(cp1252_text: str, min_sequences: int = 3) -> bool:
    """Whether text read as Windows-1252 is VNI: enough VNI sequences and few stray marks."""
    sequences, stray = vni_evidence(cp1252_text)
    return sequences >= min_sequences and stray * 20 <= sequences
