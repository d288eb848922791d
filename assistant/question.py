"""Understand a question: its language, what it asks for, about whom and when.

"Quảng Trị giải ngân bao nhiêu năm 2023?" -> a quantity (money, disbursed) about Quảng Trị in 2023.
Works on Vietnamese with or without diacritics (restored from the corpus vocabulary first) and on
English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.lexicon import Lexicon
from vntext.entities import NATIONAL, find_districts, find_organisations, places_in
from vntext.metrics import metric_of
from vntext.glossary import concepts_in
from vntext.numbers import COUNTED, find_quantities, match_phrase
from vntext.periods import Period, find_periods
from vntext.vietnamese import fold, has_diacritics, normalize_text

MONEY = "money"  # an ask satisfied by USD, VND or EUR figures
MONEY_UNITS = ("USD", "VND", "EUR")

_ASK = re.compile(
    r"\b(bao nhieu|may|how many|how much|what (?:is|was) the (?:number|amount|value|total)|number of|so luong|"
    r"ty le|ti le|what percentage|what share|what proportion)\b"
)
_MONEY_WORDS = re.compile(
    r"\b(giai ngan|cam ket|gia tri|von|usd|tien|kinh phi|vien tro|tai tro|disburs|commit|value|amount|"
    r"funding|aid|dollars?|vnd|much|contribut)\b"
)
_RATE_WORDS = re.compile(r"\b(ty le|ti le|phan tram|percentage|percent|rate|share|proportion)\b|%")
_ENGLISH = re.compile(r"\b(how|what|who|which|when|where|the|were|was|did|does|many|much|in|of|is|are)\b")
_ENTITY = re.compile(r"\b(ai|la ai|who|whom|nao|gi|la gi|what|which|ten)\b")
_DATE = re.compile(r"\b(khi nao|bao gio|ngay nao|luc nao|thoi gian nao|when|what date|which date|what day)\b")
_COMPARE = re.compile(r"\b(so sanh|so voi|compare|comparison|compared|versus|vs)\b")


@dataclass(frozen=True)
class _FollowedBy:
    """``cue.*then`` on one line, found in linear time.

    As one regex, every occurrence of the cue scans the rest of its line for ``then`` again, so a
    long question made of cues ("if if if ...") was quadratic: 24 KB took 4 s. Only the first cue of
    a line matters (a later one sees less of the line), and ``[^\\n]*`` makes each match take the
    rest of its line, so each line is scanned once.
    """

    cue: re.Pattern[str]  # the cue in group 1, then [^\n]*
    then: re.Pattern[str]

    def search(self, text: str) -> bool:
        return any(self.then.search(text, m.end(1), m.end()) for m in self.cue.finditer(text))


def _followed_by(cue: str, then: str) -> _FollowedBy:
    return _FollowedBy(re.compile(rf"({cue})[^\n]*"), re.compile(then))


# "nếu năm 2023 tăng 4,9 triệu": a figure to derive from a given change
_DERIVED = _followed_by(r"\b(?:neu|if|gia su|suppose)\b", r"\b(?:tang|giam|increase|decrease|grew|rose|fell|more|less)\b")
_LIST = re.compile(r"\b(liet ke|ke ten|list|name the)\b")
_LIST_WHICH = (_followed_by(r"\bnhung ", r" nao\b"), _followed_by(r"\bcac ", r" nao\b"))  # "những ... nào"
_CHANGE_ASK = re.compile(
    r"\b(tang them|giam di|tang bao nhieu|giam bao nhieu|tang|giam|thay doi|chenh lech|increase[ds]?|decrease[ds]?|"
    r"change|difference|fall|fell|drop|dropped|decline[ds]?|rise|rose|grow|grew)\b"
)

# Words that carry no topic: question words, function words and the domain's ubiquitous terms.
STOPWORDS = set(
    fold(w)
    for w in """bao nhiêu mấy ai gì nào là của các những có được đã và trong tại cho với từ đến năm
    thì mà này đó nào hay không vậy đạt bao giờ khi how many much what who which when where the
    was were is are did does do in of to for a an and on at by from with as that this there
    tỉnh thành phố việt nam pcpnn tổ chức phi chính phủ nước ngoài viện trợ""".split()
)


@dataclass
class Ask:
    """One quantity the question asks for ("bao nhiêu dự án" -> projects)."""

    unit: str | None  # "money", "percent" or a counted unit ("projects"); None = any
    position: int  # where in the question it is asked
    noun: str | None = None  # the counted thing as the question words it ("trường hợp")


@dataclass
class Question:
    original: str
    text: str  # normalised, with diacritics restored when they were missing
    language: str  # "vi" or "en"
    typed_without_diacritics: bool
    kind: str  # "quantity", "comparison", "derived", "entity", "date", "list" or "open"
    places: list[str] = field(default_factory=list)  # canonical provinces, "Việt Nam" for nationwide
    districts: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)
    metrics: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)  # folded content words
    asks_change: bool = False
    given_change: tuple[float, str] | None = None  # "nếu 2023 tăng 4,9 triệu": (4.9e6, "increase")

    @property
    def folded(self) -> str:
        return fold(self.text.lower())


def content_words(text: str) -> set[str]:
    words = re.findall(r"[^\W_]+", fold(normalize_text(text).lower()))
    return {w for w in words if w not in STOPWORDS and not w.isdigit() and len(w) > 1}


def _place_words(places: list[str], districts: list[str]) -> set[str]:
    """Words of the places named: the subject score already weighs them."""
    words: set[str] = set()
    for name in [*places, *districts]:
        words |= content_words(name)
    return words


_NON_SPACE = re.compile(r"\S+")
_YEAR_NEXT = re.compile(r"\s*\d{4}")
# "bao nhiêu" followed by a word; a lookahead so that matches cannot hide one another
_BAO_NHIEU_WORD = re.compile(r"\bbao nhieu(?=\s+\w)")


def _ask_unit(text: str, cue_end: int) -> tuple[str | None, str | None]:
    """The unit asked for right after "bao nhiêu" / "how many" (skipping up to two words), and the
    noun that names it."""
    skipped = 0
    # matched in place: slicing text[cue_end:] for every cue made a long question quadratic
    for m in _NON_SPACE.finditer(text, cue_end):
        found = match_phrase(text, m.start(), COUNTED)
        if found is not None:
            if COUNTED[found[0]] == "years" and _YEAR_NEXT.match(text, found[1]):
                return None, None  # "bao nhiêu năm 2023": "năm" introduces the year
            return COUNTED[found[0]], found[0]
        skipped += 1
        if skipped > 2:
            break
    return None, None


def analyze(question: str, lexicon: Lexicon | None = None) -> Question:
    original = question
    text = normalize_text(question).strip()
    restored = lexicon.restore(text) if lexicon is not None and not has_diacritics(text) else None
    folded_original = fold(text.lower())
    english = not has_diacritics(text) and restored is None and len(_ENGLISH.findall(folded_original)) >= 2
    if restored:
        text = restored
    folded = fold(text.lower())

    organisations_found = find_organisations(text)
    places = [name for _, name in places_in(text, organisations_found)]
    if restored:  # "quang tri" as typed is a place name even where the restored text is lower case
        places += [name for _, name in places_in(normalize_text(question), find_organisations(question))]
    places = list(dict.fromkeys(places))
    districts = [name for _, name in find_districts(text)]
    districts += [
        m.group(1).strip()
        for m in re.finditer(r"\b(?:huyen|district)\s+([a-z]+(?:\s+[a-z]+)?)", folded)
        if not districts
    ]
    periods = [m.period for m in find_periods(text) if m.period is not None and not m.comparison]

    asks: list[Ask] = []
    # Facts about the whole question, computed once: searching the whole question again for every
    # cue made a question of many cues quadratic (100 KB of "bao nhiêu" took over a minute).
    rate_anywhere = bool(_RATE_WORDS.search(folded))
    money_anywhere = bool(_MONEY_WORDS.search(folded))
    last_bao_nhieu_word = max((m.start() for m in _BAO_NHIEU_WORD.finditer(folded)), default=-1)
    for m in _ASK.finditer(folded):
        cue = m.group(1)
        if cue in ("ty le", "ti le", "what percentage", "what share", "what proportion"):
            asks.append(Ask("percent", m.start()))
            continue
        unit, noun = (None, None) if cue == "how much" else _ask_unit(text, m.end())
        if unit is None:
            window = folded[max(0, m.start() - 60) : m.end() + 40]
            if _RATE_WORDS.search(window):
                unit = "percent"
            elif _MONEY_WORDS.search(window) or cue == "how much":
                unit = MONEY
            elif not rate_anywhere and money_anywhere and last_bao_nhieu_word < m.start():
                unit = MONEY  # "Vốn viện trợ ... của các dự án mới ở Quảng Trị năm 2023 là bao nhiêu?"
        asks.append(Ask(unit, m.start(), noun))
    # "tỷ lệ ... là bao nhiêu" is one ask, not two
    if len(asks) > 1 and asks[0].unit == "percent" and all(a.unit in (None, MONEY, "percent") for a in asks[1:]):
        asks = asks[:1]

    if not asks:
        # "Số tổ chức ... so với ...", "So sánh số dự án ...": the counted thing after "số"
        counted = re.search(r"\b(so|number of)\s", folded)
        unit, noun = _ask_unit(text, counted.end()) if counted else (None, None)
        if unit is not None:
            asks.append(Ask(unit, counted.start(), noun))
        elif _COMPARE.search(folded):
            unit = "percent" if _RATE_WORDS.search(folded) else MONEY if _MONEY_WORDS.search(folded) else None
            asks.append(Ask(unit, 0))

    given_change = None
    if _DERIVED.search(folded):
        for q in find_quantities(text):
            if q.change:
                given_change = (q.value, q.change)
                break

    if re.search(r"\bso (may|bao nhieu|nao|hieu)\b|\bnumber (of the|is the)\b", folded):
        asks = []  # "Kế hoạch số mấy": the number that names a document, not a quantity
    if not asks and not _ENTITY.search(folded) and not _DATE.search(folded):
        # "quang tri giai ngan 2023": a disbursement, commitment or mobilisation with no question
        # word still asks for the amount
        metric_words = re.search(r"\b(giai ngan|cam ket|van dong duoc|disburs\w*|commit\w*|mobili[sz]\w*)\b", folded)
        if metric_words:
            asks.append(Ask(MONEY, metric_words.start()))
    if given_change is not None:
        kind = "derived"
    elif asks and (len({p.label for p in periods}) > 1 or len([p for p in places if p != NATIONAL]) > 1):
        kind = "comparison"
    elif _COMPARE.search(folded) and asks and not _CHANGE_ASK.search(folded):
        kind = "comparison"
    elif asks:
        kind = "quantity"
    elif _DATE.search(folded):
        kind = "date"
    elif _LIST.search(folded) or any(which.search(folded) for which in _LIST_WHICH):
        kind = "list"
    elif _ENTITY.search(folded):
        kind = "entity"
    else:
        kind = "open"

    metric = metric_of(text)
    metrics = {metric} if metric else set()
    if "giai ngan" in folded or "disburs" in folded:
        metrics.add("disbursed")
    if "cam ket" in folded or "commit" in folded:
        metrics.add("committed")
    if "van dong" in folded or "mobilis" in folded or "mobiliz" in folded:
        metrics.add("mobilised")

    return Question(
        original=original,
        text=text,
        language="en" if english else "vi",
        typed_without_diacritics=restored is not None,
        kind=kind,
        places=places,
        districts=districts,
        organizations=[name for _, _, name in organisations_found],
        periods=periods,
        asks=asks,
        metrics=metrics,
        concepts=set(concepts_in(text)),
        keywords=content_words(text) - _place_words(places, districts),
        asks_change=bool(_CHANGE_ASK.search(folded)) and given_change is None,
        given_change=given_change,
    )


def is_national(question: Question) -> bool:
    return NATIONAL in question.places
