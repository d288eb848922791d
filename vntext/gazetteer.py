"""Provinces, districts, communes and years mentioned in a text.

The gazetteer (``data/provinces.json``) lists Vietnam's 63 provinces and centrally-run cities as they
were before the 2025 reorganisation, Huế, and for each merged province the unit it became part of.
``data/districts.json`` (built from the MIT-licensed ``vietnamadminunits`` package by
``data/build_districts.py``) lists the districts and communes of that time under those provinces.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from vntext.vietnamese import fold, has_diacritics, normalize_text


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # "province" or "city"
    merged_into: str | None  # the post-2025 unit, when the province was merged into another
    aliases: tuple[str, ...]

    @property
    def current_name(self) -> str:
        """The name of the unit that governs this territory after the 2025 reorganisation."""
        return self.merged_into or self.name


@dataclass(frozen=True)
class _Gazetteer:
    provinces: dict[str, Province]
    exact: re.Pattern[str]  # over normalised forms with diacritics
    folded: re.Pattern[str]  # over lower-case folded forms
    by_exact: dict[str, str]  # matched form -> canonical name
    by_folded: dict[str, str]
    written: dict[str, str]  # lower-case form -> the form as the gazetteer writes it


def _boundary(alternatives: list[str], flags: int = 0) -> re.Pattern[str]:
    ordered = sorted(set(alternatives), key=len, reverse=True)
    body = "|".join(re.escape(a) for a in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    raw = json.loads(resources.files("vntext").joinpath("data/provinces.json").read_text("utf-8"))
    provinces: dict[str, Province] = {}
    by_exact: dict[str, str] = {}
    by_folded: dict[str, str] = {}
    written: dict[str, str] = {}
    for unit in raw["units"]:
        province = Province(unit["name"], unit["kind"], unit["merged_into"], tuple(unit["aliases"]))
        provinces[province.name] = province
        for form in (province.name, *province.aliases):
            form = normalize_text(form)
            by_exact[form.lower()] = province.name
            by_folded[fold(form).lower()] = province.name
            written[form.lower()] = form
            written[fold(form).lower()] = form
    return _Gazetteer(
        provinces=provinces,
        exact=_boundary(list(by_exact), re.IGNORECASE),
        folded=_boundary(list(by_folded), re.IGNORECASE),
        by_exact=by_exact,
        by_folded=by_folded,
        written=written,
    )


def all_provinces() -> list[Province]:
    return list(_gazetteer().provinces.values())


def get_province(name: str) -> Province | None:
    """Look a province up by any of its names, with or without diacritics."""
    g = _gazetteer()
    key = normalize_text(name).strip().lower()
    canonical = g.by_exact.get(key) or g.by_folded.get(fold(key))
    return g.provinces.get(canonical) if canonical else None


def _looks_like_name(span: str, written: str) -> bool:
    """ "Hòa Bình" is a province, "hòa bình" is peace: in text written with diacritics a place name
    keeps the capitals the gazetteer gives it ("Thủ đô Hà Nội", "TP.HCM"), or is all upper case."""
    if span.isupper():
        return True
    words = [w for w in re.split(r"[\s\-–.]+", span) if w]
    model = [w for w in re.split(r"[\s\-–.]+", written) if w]
    if len(words) != len(model):
        return all(w[0].isupper() or not w[0].isalpha() for w in words)
    return all(w[0].isupper() or not m[0].isupper() or not w[0].isalpha() for w, m in zip(words, model))


def _matches(pattern: re.Pattern[str], text: str):
    """Every match, retrying one character later when a match is refused, so a rejected long form
    ("thủ đô Hà Nội" in lower case) does not hide the name inside it."""
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start() + 1


@dataclass(frozen=True)
class PlaceMention:
    start: int  # offsets in normalize_text(text), which keeps the length of NFC text
    end: int
    name: str  # canonical name


def find_province_mentions(text: str, normalized: bool = False) -> list[PlaceMention]:
    """Every mention of a province or city, in order.

    Text with diacritics must spell the name with diacritics and capitals ("Hòa Bình", not the word
    "hòa bình"); a span typed without diacritics ("quang tri") matches in any case, so queries typed
    on a keyboard without Vietnamese input still find their province. ``normalized``: the text is
    normalize_text output already (a cleaned document), which saves normalising it again, the
    larger part of the cost on long text.
    """
    g = _gazetteer()
    text = text if normalized else normalize_text(text)
    found: list[PlaceMention] = []
    # Positions already taken by a mention. Names are short, so marking each position is cheap,
    # while comparing every new mention with every earlier one made a document that names
    # provinces thousands of times quadratic (16,000 mentions took 8 s, a 1 MB list minutes).
    taken = bytearray(len(text))

    def add(start: int, end: int, name: str) -> None:
        if taken.find(1, start, end) < 0:
            found.append(PlaceMention(start, end, name))
            taken[start:end] = b"\x01" * (end - start)

    for m in _matches(g.exact, text):
        key = m.group(0).lower()
        if _looks_like_name(m.group(0), g.written[key]):
            add(m.start(), m.end(), g.by_exact[key])
    folded = fold(text)
    for m in _matches(g.folded, folded):
        original = text[m.start() : m.end()]
        key = m.group(0).lower()
        if original == m.group(0) and (original.islower() or _looks_like_name(original, g.written[key])):
            add(m.start(), m.end(), g.by_folded[key])
    return sorted(found, key=lambda f: f.start)


def find_provinces(text: str) -> list[str]:
    """Canonical names of the provinces and cities a text mentions, in order of first mention."""
    names: list[str] = []
    for mention in find_province_mentions(text):
        if mention.name not in names:
            names.append(mention.name)
    return names


_YEAR = re.compile(r"(?<![\d.,])(19[4-9]\d|20\d\d)(?![\d]|[.,]\d)")


def find_years(text: str) -> list[int]:
    """Years (1940-2099) written in a text, sorted, each once. Parts of larger numbers are ignored."""
    return sorted({int(m.group(1)) for m in _YEAR.finditer(text)})


# --------------------------------------------------------------------------- districts and communes


@dataclass(frozen=True)
class District:
    name: str  # "Tiên Lữ", "Đa Krông", "Quận 1"
    kind: str  # "huyện", "quận", "thị xã" or "thành phố"
    province: str  # canonical name from provinces.json
    common: bool  # the name is also an ordinary word ("Thống Nhất", "Yên Bình")


@dataclass(frozen=True)
class Commune:
    name: str
    kind: str  # "xã", "phường" or "thị trấn"
    district: str
    province: str


@dataclass(frozen=True)
class DistrictMention:
    start: int  # offsets in normalize_text(text)
    end: int
    name: str  # as the gazetteer writes it
    province: str | None  # None when districts of that name exist in several provinces
    explicit: bool  # introduced by a keyword: huyện, quận, thị xã, thành phố, TP., H., district
    provinces: tuple[str, ...] = ()  # every candidate province
    kind: str | None = None  # huyện, quận, thị xã or thành phố, when only one fits


@dataclass(frozen=True)
class CommuneMention:
    start: int
    end: int
    name: str
    kind: str  # what the text calls it: xã, phường or thị trấn
    places: tuple[tuple[str, str], ...]  # candidate (district, province) pairs

    @property
    def provinces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for _, p in self.places))



@dataclass(frozen=True)
class _Index:
    """Units of one level (districts or communes) by name."""

    exact: dict[str, tuple]  # squeezed lower-case name with diacritics -> units
    folded: dict[str, tuple]  # the same without diacritics
    variants: dict[str, tuple]  # folded, other spellings included ("dakrong", names of merged districts)
    # Folded keys of the first words of every name ("tan", "tanan", "tananluong"): a longer name is
    # only tried while the words read so far can still begin one, so most words cost one look-up.
    prefixes: frozenset[str]


def _squeeze(text: str) -> str:
    """The key a name is looked up by: lower case, no spaces, hyphens or apostrophes, so that
    "Đakrông", "Đa Krông" and "ĐaKrông" are one name."""
    return re.sub(r"[\W_]", "", text.lower())


def _index(units: list[tuple[str, object]], variants: list[tuple[str, object]]) -> _Index:
    exact: dict[str, list] = {}
    folded: dict[str, list] = {}
    spelled: dict[str, list] = {}
    prefixes: set[str] = set()
    for key, unit, indexes in [(_squeeze(n), u, (exact,)) for n, u in units] + [(v, u, (spelled,)) for v, u in variants]:
        indexes += (folded, spelled) if indexes[0] is exact else ()
        for index in indexes:
            bucket = index.setdefault(key if index is exact else fold(key), [])
            if unit not in bucket:
                bucket.append(unit)
    for name, _ in units:
        words = [fold(_squeeze(w)) for w in re.split(r"[\s\-–]+", name)]
        prefixes.update("".join(words[: n + 1]) for n in range(len(words)))
    prefixes.update(key for key, _ in variants)
    freeze = lambda index: {k: tuple(v) for k, v in index.items()}  # noqa: E731
    return _Index(freeze(exact), freeze(folded), freeze(spelled), frozenset(prefixes))


@lru_cache(maxsize=1)
def _units() -> tuple[_Index, _Index]:
    """(districts, communes), read once."""
    raw = json.loads(resources.files("vntext").joinpath("data/districts.json").read_text("utf-8"))
    districts: list[tuple[str, District]] = []
    variants: list[tuple[str, District]] = []
    communes: list[tuple[str, Commune]] = []
    for entry in raw["districts"]:
        district = District(entry["name"], entry["kind"], entry["province"], entry["common"])
        districts.append((district.name, district))
        variants += [(v, district) for v in entry["variants"]]
        for written in entry["communes"]:
            kind = "thị trấn" if written.startswith("thị trấn ") else written.split(" ", 1)[0]
            name = written[len(kind) + 1 :]
            communes.append((name, Commune(name, kind, district.name, district.province)))
    return _index(districts, variants), _index(communes, [])


@lru_cache(maxsize=1 << 16)
def _lookup(level: int, written: str, loose: bool = False) -> tuple:
    """Units of ``level`` (0 districts, 1 communes) named ``written``.

    A name written with diacritics must match exactly ("Thanh Trì" is not "Thạnh Trị", "Hướng Sơn"
    is not "Hương Sơn"); ``loose`` (after a keyword) lets one that differs only in marks through
    ("huyện Đắk Đoa" for Đak Đoa), and the names of districts merged into another ("huyện Đông
    Sơn", now part of Thanh Hóa city), which the data keeps only without diacritics. A name typed
    without diacritics matches folded names and those other spellings ("Dakrong").
    """
    index = _units()[level]
    key = _squeeze(normalize_text(written))
    if not key:
        return ()
    if has_diacritics(key):
        return index.exact.get(key) or (index.variants.get(fold(key), ()) if loose else ())
    return index.variants.get(key, ())


def all_districts() -> list[District]:
    return list(dict.fromkeys(u for units in _units()[0].exact.values() for u in units))


_KIND_PREFIX = re.compile(
    r"^(?:huyện|quận|thị xã|thành phố|tp\.?|h\.|tx\.?|district|huyen|quan|thi xa|thanh pho)\s+", re.IGNORECASE
)


def get_districts(name: str) -> tuple[District, ...]:
    """Every district of that name, with or without diacritics, spaces or its keyword."""
    name = normalize_text(name).strip()
    return _lookup(0, _KIND_PREFIX.sub("", name) or name, True) or _lookup(0, name, True)


# --------------------------------------------------------------------------- reading words


@dataclass(frozen=True)
class _Tokens:
    text: str
    starts: list[int]
    ends: list[int]
    words: list[str]

    def sep(self, i: int) -> str:
        """The text between token i and token i + 1."""
        return self.text[self.ends[i] : self.starts[i + 1]] if i + 1 < len(self.words) else ""

    def span(self, i: int, j: int) -> str:
        return self.text[self.starts[i] : self.ends[j - 1]]


# Apostrophes belong to names ("M'Đrắk", "Cư M'gar").
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " "})


def _prepare(text: str) -> str:
    """NFC text with odd spaces made plain, keeping every offset of NFC text. (normalize_text
    would also place tone marks, but that costs a second a megabyte; names are normalised when
    they are looked up instead.)"""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_SPACES)


def _letters(test) -> str:
    return re.escape("".join(c for c in map(chr, range(0x41, 0x2000)) if c.isalpha() and test(c)))


# A lower-case letter followed by a capital: a missing space ("huyệnTiên", "vàTiên", "ĐaKrông").
_CAMEL = re.compile(f"[{_letters(str.islower)}](?=[{_letters(str.isupper)}])")


# Letters that folding changes: one of them means the text is written with diacritics.
_MARKED = re.compile(f"[{re.escape(''.join(c for c in map(chr, range(0xC0, 0x1F00)) if fold(c) != c))}]")


def _plain(text: str) -> bool:
    """Whether a text is typed without diacritics ("huyen tien lu")."""
    return _MARKED.search(text) is None


def _tokens(text: str) -> _Tokens:
    """Words with their offsets; a word glued to the next one by a missing space is split where a
    lower-case letter meets a capital."""
    spans = [m.span() for m in _TOKEN.finditer(text)]
    cuts = [m.end() for m in _CAMEL.finditer(text)]
    if cuts:
        split: list[tuple[int, int]] = []
        k = 0
        for start, end in spans:
            while k < len(cuts) and cuts[k] < end:
                if cuts[k] > start:
                    split.append((start, cuts[k]))
                    start = cuts[k]
                k += 1
            split.append((start, end))
        spans = split
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    return _Tokens(text, starts, ends, [text[a:b] for a, b in spans])


# Separators inside one name: a space, a hyphen ("Phan Rang - Tháp Chàm"), nothing (a split word).
_NAME_JOIN = frozenset({" ", "", "-", " -", "- ", " - ", "–", " –", "– ", " – "})
_MAX_NAME_WORDS = 7


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    return fold(_squeeze(word))


@lru_cache(maxsize=1 << 14)
def _is_province_name(written: str) -> bool:
    return get_province(written) is not None


def _longest_name(toks: _Tokens, i: int, level: int, lower_ok: bool, loose: bool = False):
    """The longest unit name starting at token i: (units, end token index, written span) or None."""
    prefixes = _units()[level].prefixes
    best = None
    key = ""
    for j in range(i, min(len(toks.words), i + _MAX_NAME_WORDS)):
        word = toks.words[j]
        if not (_capitalised(word) or (lower_ok and word.islower())):
            break
        key += _word_key(word)
        if key not in prefixes:
            break
        units = _lookup(level, toks.span(i, j + 1), loose)
        if units:
            best = (units, j + 1, toks.span(i, j + 1))
        if toks.sep(j) not in _NAME_JOIN:
            break
    return best


# --------------------------------------------------------------------------- keywords and lists

_DISTRICT_WORDS = {
    ("huyện",): "huyện", ("huyen",): "huyện", ("quận",): "quận", ("quan",): "quận",
    ("thị", "xã"): "thị xã", ("thi", "xa"): "thị xã", ("thành", "phố"): "thành phố",
    ("thanh", "pho"): "thành phố", ("district",): None, ("districts",): None,
    ("district", "of"): None, ("districts", "of"): None,
}  # fmt: skip
# Abbreviations, case as written, followed by a full stop or a space: "H.Đakrông", "TP. Tuy Hòa".
_DISTRICT_ABBREVIATIONS = {"H": "huyện", "Q": "quận", "TP": "thành phố", "Tp": "thành phố", "TX": "thị xã", "Tx": "thị xã"}
_COMMUNE_WORDS = {
    ("xã",): "xã", ("xa",): "xã", ("phường",): "phường", ("phuong",): "phường",
    ("thị", "trấn"): "thị trấn", ("thi", "tran"): "thị trấn", ("commune",): "xã", ("communes",): "xã",
    ("commune", "of"): "xã", ("communes", "of"): "xã", ("ward",): "phường", ("wards",): "phường",
}  # fmt: skip
_COMMUNE_ABBREVIATIONS = {"TT": "thị trấn", "P": "phường"}
# Keywords typed without diacritics; in text with diacritics these are other words (Quan Hóa, Huyền).
_FOLDED_KEYWORDS = frozenset({"huyen", "quan", "thi", "thanh", "xa", "phuong"})
_DISTRICT_FIRST = frozenset(k[0] for k in _DISTRICT_WORDS)
_COMMUNE_FIRST = frozenset(k[0] for k in _COMMUNE_WORDS)
_CONJUNCTIONS = frozenset({"và", "and", "or", "hoặc", "cùng"})


def _keyword(toks: _Tokens, i: int, words: dict, abbreviations: dict, plain: bool):
    """(kind, index of the token after the keyword) when a keyword starts at token i; ``plain``
    says the text has no diacritics at all."""
    word = toks.words[i]
    if i + 1 >= len(toks.words):
        return None
    if word in abbreviations:
        sep = toks.sep(i)
        if not _capitalised(toks.words[i + 1]):
            return None
        if sep in (".", ". ") or (len(word) > 1 and sep == " "):
            return abbreviations[word], i + 1
        return None
    if not plain and word.lower() in _FOLDED_KEYWORDS:
        return None
    for length in (2, 1):
        if i + length >= len(toks.words):
            continue
        key = tuple(w.lower() for w in toks.words[i : i + length])
        inner = all(toks.sep(k) == " " for k in range(i, i + length - 1))
        if key in words and inner and toks.sep(i + length - 1) in (" ", "", ": ", ":"):
            return words[key], i + length
    return None


def _next_item(toks: _Tokens, last: int, sep: str | None = None) -> int | None:
    """The token that starts the next item of a list whose current item ends before token
    ``last``: after ",", ";", "&" or "và"/"and" ("Kim Động, Phù Cừ vàTiên Lữ")."""
    if last >= len(toks.words):
        return None
    sep = (toks.sep(last - 1) if sep is None else sep).strip()
    if sep not in (",", ";", "&", "/", ""):
        return None
    if toks.words[last].lower() in _CONJUNCTIONS:
        if last + 1 >= len(toks.words) or toks.sep(last) not in (" ", ""):
            return None
        return last + 1
    return last if sep else None


# --------------------------------------------------------------------------- districts


# A capitalised sentence-initial word that is not part of the name after it ("Tại Tiên Lữ, ...").
_LEAD_WORDS = frozenset(
    "tại ở về từ cho với theo trong đến tới còn riêng như và cả in at from for to of and both".split()
)
# Lower-case words after which a capitalised name is a street, school, commune or province, not a
# district ("đường Ngô Quyền", "xã Tân Phú", "tỉnh Hòa Bình").
_NOT_DISTRICT_BEFORE = frozenset(
    "đường phố ngõ hẻm xã phường trấn thôn ấp bản xóm làng sông suối núi hồ đèo cầu chợ chùa đền "
    "trường tỉnh khu ông bà street road commune ward village river lake bridge school province".split()
)
# Words after which a name is a person's: "(Ảnh: Việt Anh)", "(Photo: Dinh Hoa)".
_CREDIT_WORDS = frozenset("ảnh photo photos nguồn source by theo".split())
_NOT_DISTRICT_AFTER = frozenset("commune communes ward wards village street road province river".split())
_DISTRICT_AFTER = frozenset("district districts town city".split())  # "Tu Nghia district"
# What may stand between a district and the province that says which one it is:
# "Thường Xuân (Thanh Hóa)", "huyện Châu Thành, tỉnh Bến Tre", "Tam Dao district, Vinh Phuc".
_PROVINCE_AFTER = re.compile(
    r" ?(?:district|huyện|town|city)? ?(?:\( ?|, ?| [-–] ?| )?"
    r"(?:(?:tỉnh|thành phố|TP\.?|province of|the province of) ?)?",
    re.IGNORECASE,
)


@dataclass
class _Candidate:
    first: int  # token indices [first, last)
    last: int
    units: tuple[District, ...]
    written: str
    explicit: bool
    kind: str | None = None
    accepted: bool = True


@lru_cache(maxsize=4096)
def _province_opening(window: str) -> str | None:
    """The province whose name opens ``window`` (a few dozen characters), if one does."""
    mentions = find_province_mentions(window)
    return mentions[0].name if mentions and mentions[0].start == 0 else None


def _province_after(text: str, end: int) -> str | None:
    """The province named right after offset ``end``: "(Thanh Hóa)", ", tỉnh Bến Tre"."""
    m = _PROVINCE_AFTER.match(text, end, min(len(text), end + 40))
    return _province_opening(text[m.end() : m.end() + 32]) if m.end() < len(text) else None


def _numbered(toks: _Tokens, j: int):
    """ "Quận 1", "Q.3", "District 10": districts named by a number (Hồ Chí Minh City's)."""
    word = toks.words[j]
    if not (word.isascii() and word.isdigit()) or len(word) > 2:
        return None
    found = _lookup(0, f"quận {int(word)}")
    return (found, j + 1, f"Quận {int(word)}") if found else None


def _explicit_candidates(toks: _Tokens, i: int, plain: bool) -> tuple[list[_Candidate], int]:
    """Districts introduced by a keyword at token i, with the list that may follow it."""
    hit = _keyword(toks, i, _DISTRICT_WORDS, _DISTRICT_ABBREVIATIONS, plain)
    if hit is None:
        return [], i
    kind, j = hit
    found: list[_Candidate] = []
    numbered = _numbered(toks, j) if kind in ("quận", None) else None
    best = numbered or _longest_name(toks, j, 0, True, loose=True)
    if numbered:  # "Quận 4": the keyword is part of the name
        j = i
    while best is not None:
        matched, last, written = best
        lower = not all(_capitalised(w) for w in toks.words[j:last])
        if lower and any(u.common for u in matched):
            break  # "huyện thống nhất ..." is a sentence, not a district
        if found and _is_province_name(written):
            break  # "huyện Tiên Lữ, Hưng Yên": the province, not another district
        fitting = tuple(u for u in matched if kind is None or u.kind == kind) or matched
        found.append(_Candidate(j, last, fitting, written, True, kind))
        nxt = _next_item(toks, last)
        if nxt is None or not _capitalised(toks.words[nxt]):
            break
        j = nxt
        best = _longest_name(toks, j, 0, lower_ok=False, loose=True)
    return found, (found[-1].last if found else i)


def _runs(toks: _Tokens):
    """Maximal runs of capitalised words joined by spaces or hyphens: (first, last) indices."""
    words, n = toks.words, len(toks.words)
    i = 0
    while i < n:
        if not words[i][0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < n and words[j + 1][0].isupper() and toks.sep(j) in _NAME_JOIN:
            j += 1
        yield i, j + 1
        i = j + 1


def _bare_candidate(toks: _Tokens, first: int, last: int) -> _Candidate | None:
    """A district named by a whole run of capitalised words, without a keyword before it."""
    if last - first > 1 and toks.words[first].lower() in _LEAD_WORDS:
        first += 1
    if last - first > 4:
        return None
    written = toks.span(first, last)
    matched = _lookup(0, written)
    if not matched or _is_province_name(written):
        return None
    joint = toks.sep(first - 1) if first > 0 else ""
    before = toks.words[first - 1].lower() if joint in (" ", ": ", ":") else ""
    if before in _CREDIT_WORDS and joint != " ":
        return None
    after = toks.words[last].lower() if last < len(toks.words) and toks.sep(last - 1) == " " else ""
    if before in _NOT_DISTRICT_BEFORE or after in _NOT_DISTRICT_AFTER:
        return None
    if after in _DISTRICT_AFTER:
        return _Candidate(first, last, matched, written, True)
    return _Candidate(first, last, matched, written, False, accepted=not any(u.common for u in matched))


def _resolve(candidates: list[_Candidate], toks: _Tokens) -> None:
    """Narrow ambiguous districts to the province named right after them, and accept a district
    that is also a common word when that province confirms it ("Thường Xuân (Thanh Hóa)") or when
    it stands in a list beside districts of the same province ("Văn Chấn, Yên Bình")."""
    for c in candidates:
        if len({u.province for u in c.units}) > 1 or not c.accepted:
            named = _province_after(toks.text, toks.ends[c.last - 1])
            narrowed = tuple(u for u in c.units if u.province == named)
            if narrowed:
                c.units, c.accepted = narrowed, True
    settled = lambda c: c.accepted and len({u.province for u in c.units}) == 1  # noqa: E731
    for order in (candidates, candidates[::-1]):
        for a, b in zip(order, order[1:]):
            first, second = (a, b) if a.first < b.first else (b, a)
            sure, other = (a, b) if settled(a) else (b, a)
            if not settled(sure) or settled(other) or _next_item(toks, first.last) != second.first:
                continue
            kept = tuple(u for u in other.units if u.province == sure.units[0].province)
            if kept:
                other.units, other.accepted = kept, True


def _district_mention(toks: _Tokens, c: _Candidate) -> DistrictMention:
    provinces = tuple(dict.fromkeys(u.province for u in c.units))
    names = {u.name for u in c.units}
    same = len(names) == 1 and fold(_squeeze(c.written)) == fold(_squeeze(next(iter(names))))
    kinds = {u.kind for u in c.units}
    kind = c.kind if c.kind in kinds else (next(iter(kinds)) if len(kinds) == 1 else None)
    return DistrictMention(
        start=toks.starts[c.first],
        end=toks.ends[c.last - 1],
        name=next(iter(names)) if same else c.written,
        province=provinces[0] if len(provinces) == 1 else None,
        explicit=c.explicit,
        provinces=provinces,
        kind=kind,
    )


def find_district_mentions(text: str) -> list[DistrictMention]:
    """Districts named in a text, in order; offsets are those of the NFC text (a cleaned text is).

    A district counts when a keyword introduces it ("huyện Tiên Lữ", "H.Đakrông", "TP. Tuy Hòa",
    "Tu Nghia district", and the rest of a list: "các huyện Kim Động, Phù Cừ vàTiên Lữ"), or when
    a run of capitalised words is exactly its name ("ở Thường Xuân (Thanh Hóa)"). A bare name that is
    also a province ("Hà Tĩnh") never counts, and one that is also a common word ("Yên Bình") only
    when the province after it or the districts around it confirm it.
    """
    text = _prepare(text)
    toks = _tokens(text)
    plain = _plain(text)
    candidates: list[_Candidate] = []
    used = bytearray(len(toks.words) + 1)
    i = 0
    while i < len(toks.words):
        word = toks.words[i]
        if word in _DISTRICT_ABBREVIATIONS or word.lower() in _DISTRICT_FIRST:
            found, after = _explicit_candidates(toks, i, plain)
            if found:
                candidates += found
                used[i:after] = b"\x01" * (after - i)
                i = after
                continue
        i += 1
    bare = [c for c in map(lambda run: _bare_candidate(toks, *run), _runs(toks)) if c is not None]
    if bare:  # a name in a list of communes is a commune: "tại những xã: Trung Sơn, Phú Xuân"
        for commune in _commune_mentions(toks, plain):
            first = bisect.bisect_left(toks.starts, commune.start)
            last = bisect.bisect_left(toks.starts, commune.end)
            used[first:last] = b"\x01" * (last - first)
    candidates += [c for c in bare if used.find(1, c.first, c.last) < 0]
    candidates.sort(key=lambda c: c.first)
    _resolve(candidates, toks)
    return [_district_mention(toks, c) for c in candidates if c.accepted]


def find_districts(text: str) -> list[str]:
    """Names of the districts a text mentions, each once, in order of first mention."""
    return list(dict.fromkeys(m.name for m in find_district_mentions(text)))


# --------------------------------------------------------------------------- communes


def _parenthesised_district(toks: _Tokens, j: int) -> tuple[set[str], int, str] | None:
    """ "(Long Hồ)" after a commune: the district's names, the token after it and what follows ")"."""
    best = _longest_name(toks, j, 0, lower_ok=False)
    if best is None:
        return None
    matched, last, _ = best
    after = toks.text[toks.ends[last - 1] : toks.starts[last] if last < len(toks.words) else len(toks.text)]
    if not after.lstrip().startswith(")"):
        return None
    return {u.name for u in matched}, last, after.lstrip()[1:]


def _narrow_commune(toks: _Tokens, mention: CommuneMention, last: int, plain: bool) -> CommuneMention:
    """Keep the places that the district or province named right after the commune allows:
    "xã Tân Phú, huyện Tân Phú", "xã Hòa Lợi, tỉnh Bến Tre"."""
    places = mention.places
    if last < len(toks.words) and toks.sep(last - 1).strip() in ("", ",", "-", "–", "("):
        districts, _ = _explicit_candidates(toks, last, plain)
        if districts:
            names = {(u.name, u.province) for u in districts[0].units}
            places = tuple(p for p in places if p in names) or places
    if len({p for _, p in places}) > 1:
        named = _province_after(toks.text, mention.end)
        places = tuple(p for p in places if p[1] == named) or places
    return replace(mention, places=places) if places != mention.places else mention


def _commune_list(toks: _Tokens, j: int, kind: str, plain: bool) -> tuple[list[CommuneMention], int]:
    found: list[CommuneMention] = []
    group = 0  # the first item a "(district)" applies to: "Trung Hiệp, Trung An và Tân An Luông (Vũng Liêm)"
    while True:
        best = _longest_name(toks, j, 1, lower_ok=False)
        if best is None:
            break
        matched, last, written = best
        places = tuple(dict.fromkeys((c.district, c.province) for c in matched))
        name = matched[0].name if len({c.name for c in matched}) == 1 else written
        mention = CommuneMention(toks.starts[j], toks.ends[last - 1], name, kind, places)
        found.append(_narrow_commune(toks, mention, last, plain) if len(places) > 1 else mention)
        sep = None
        if toks.sep(last - 1).strip() == "(" and last < len(toks.words):
            inside = _parenthesised_district(toks, last)
            if inside is not None:
                names, last, sep = inside
                for k in range(group, len(found)):
                    kept = tuple(p for p in found[k].places if p[0] in names)
                    if kept:
                        found[k] = replace(found[k], places=kept)
                group = len(found)
        nxt = _next_item(toks, last, sep)
        if nxt is None or not _capitalised(toks.words[nxt]):
            return found, last
        j = nxt
    return found, j


def find_commune_mentions(text: str) -> list[CommuneMention]:
    """Communes, wards and townships named after a keyword ("xã Hòa Lợi", "phường Vĩnh Phúc",
    "thị trấn Vương", "TT. Vương", "communes of ...") and the rest of a list after it ("ở những xã
    Thạnh Quới (Long Hồ); Bình Phước (Mang Thít)"). Never without a keyword: too many commune
    names are common words or people's names."""
    text = _prepare(text)
    return _commune_mentions(_tokens(text), _plain(text))


def _commune_mentions(toks: _Tokens, plain: bool) -> list[CommuneMention]:
    found: list[CommuneMention] = []
    i = 0
    while i < len(toks.words):
        word = toks.words[i]
        if word in _COMMUNE_ABBREVIATIONS or word.lower() in _COMMUNE_FIRST:
            after_thi = i > 0 and toks.words[i - 1].lower() in ("thị", "thi") and toks.sep(i - 1) == " "
            hit = None if after_thi else _keyword(toks, i, _COMMUNE_WORDS, _COMMUNE_ABBREVIATIONS, plain)
            if hit is not None:
                mentions, after = _commune_list(toks, hit[1], hit[0], plain)
                if mentions:
                    found += mentions
                    i = max(after, i + 1)
                    continue
        i += 1
    return found
