"""Understand a question: its language, what it asks for, about whom and when, and how its parts relate.

"Quảng Trị giải ngân bao nhiêu năm 2023?" -> one quantity (money, disbursed) about Quảng Trị in 2023.
"Năm 2015, Vĩnh Phúc có bao nhiêu tổ chức PCPNN triển khai bao nhiêu dự án, và tổng giá trị giải ngân
là bao nhiêu?" -> three quantities, each with the words of its own clause. "Giải ngân của Vĩnh Phúc
năm 2015 thấp hơn năm 2013 bao nhiêu?" -> a difference between two sides (2015, 2013). Works on
Vietnamese with or without diacritics (restored from the corpus vocabulary first) and on English.

The analysis only reads the question; what the documents hold is the business of the later stages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.models import QuestionKind
from index.lexicon import Lexicon
from vntext.entities import NATIONAL, find_districts, find_organisations, places_in
from vntext.gazetteer import find_district_mentions, get_districts
from vntext.glossary import concepts_in
from vntext.metrics import SPECIFIC, metrics_named
from vntext.numbers import COUNTED, Quantity, find_quantities, match_phrase
from vntext.periods import Period, find_periods
from vntext.vietnamese import fold, has_diacritics, normalize_text
from vntext.words import content_words

MONEY = "money"  # an ask satisfied by USD, VND or EUR figures
MONEY_UNITS = ("USD", "VND", "EUR")
KINDS = tuple(QuestionKind)

# Cues that ask for a quantity. "what was the total value" and its kin are matched separately
# (_WHAT_QUANTITY) because the noun that makes them a quantity comes a few words later.
_ASK = re.compile(
    r"\b(bao nhieu|(?<!so )may(?= \w)|how many|how much|number of|so luong|ty le|ti le|what percentage|"
    r"what share|what proportion|what portion|phan tram)\b"
)
_WHAT_QUANTITY = re.compile(
    r"\bwhat (?:is|was|were|are) (?:the|their|its|the total|the combined)?\s?(?:\w+ ){0,4}?"
    r"(value|amount|number|total|budget|cost|sum|rate|share|percentage|funding|figure)\b"
)
_MONEY_WORDS = re.compile(
    r"\b(giai ngan|cam ket|gia tri|tri gia|von|usd|tien|kinh phi|ngan sach|vien tro|tai tro|disburs\w*|"
    r"commit\w*|value|amount|fund\w*|aid|dollars?|vnd|euro|much|contribut\w*|budget|cost|worth|grant\w*|ho tro|"
    r"dau tu|invest\w*|sponsor\w*|provid\w*|spen[dt]\w*|chi)\b"
)
_RATE_WORDS = re.compile(r"\b(ty le|ti le|phan tram|percentage|percent|rate|share|proportion)\b|%")
_ENGLISH_WORDS = frozenset(
    "how what who whom which when where the were was did does do many much in of is are and to for "
    "from by with their its has have had since according received receive give given ngo ngos foreign "
    "aid province provinces disbursement disbursed total value projects programmes organisations "
    "organizations compare".split()
)  # fmt: skip
# "ai" (who), not the first syllable of "Ai-len" (Ireland) or "Ai Cập" (Egypt)
WHO_WORD = r"ai(?![-‐]|\s+cap\b)"
_ENTITY = re.compile(rf"\b({WHO_WORD}|la ai|who|whom|nao|gi|la gi|what|which|ten)\b")
_DATE = re.compile(r"\b(khi nao|bao gio|ngay nao|luc nao|thoi gian nao|thoi han nao|when|what date|which date|what day|nam nao)\b")
_COMPARE = re.compile(
    r"\b(so sanh|compare|comparison|compared|versus|vs|nao\b[^?.;]{0,40}\b(?:lon|cao|nhieu|nho|thap|it) hon|"
    r"(?:nao|which) (?:is |was )?(?:larger|bigger|higher|greater|smaller|lower)|thay doi khong|"
    r"co thay doi|so voi\b[^?.;]{0,60}\b(?:the nao|ra sao))\b"
)
_CONFLICT = re.compile(
    r"\b(thong nhat khong|co thong nhat|mau thuan|khac nhau|khac biet|nhu the nao|noi gi|cac nguon|hai nguon|"
    r"consistent|agree|conflict\w*|differ|sources)\b"
)
_DIFFERENCE = re.compile(
    r"\b(chenh (?:nhau|lech)|chenh lech|(?:thap|cao|lon|nho|it|nhieu) hon(?: [^?.,;]{0,60}?)? bao nhieu|"
    r"(?:tang|giam)(?: [^?.,;]{0,20}?)? bao nhieu(?: [^?.,;]{0,40}?)? so voi|"
    r"how much (?:more|less|higher|lower|larger|smaller)|difference|chua (?:duoc )?giai ngan|con lai|remaining|"
    r"not (?:yet )?(?:been )?disbursed|undisbursed)\b"
)
_SUM = re.compile(r"\b(tong (?:cong )?(?:gia tri|so|von)?|in total|altogether|combined|cong lai)\b")


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


# "nếu năm 2023 tăng 4,9 triệu": a figure to derive from a change the user states
_IF_CHANGE = _FollowedBy(
    re.compile(r"(\b(?:neu|if|gia su|suppose)\b)[^\n]*"),
    re.compile(r"\b(?:tang|giam|increase|decrease|grew|rose|fell|more|less)\b"),
)
_LIST = re.compile(r"\b(liet ke|ke ten|list|name the)\b")
_LIST_WHICH = re.compile(r"\b(?:nhung|cac) (?:\w+,? ){0,4}?nao\b|\bwhich (?:\w+ )?(?:districts|communes|provinces|organi[sz]ations|ngos|sectors)\b")
_CHANGE_ASK = re.compile(
    r"\b(tang them|giam di|tang bao nhieu|giam bao nhieu|thay doi|increase[ds]?|decrease[ds]?|change[ds]?|"
    r"grow|grew|rise|rose|fall|fell|drop|dropped|decline[ds]?)\b"
)
# "Kế hoạch số mấy", "quyết định số may": the number that names a document, not a quantity
_DOCUMENT_NUMBER = re.compile(r"\bso (?:may|bao nhieu|nao|hieu)\b|\bnumber (?:of the|is the)\b")
# Words that split a question into clauses: each clause holds at most one ask
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;?!]|\s(?:va|and|cung nhu|as well as)\s|\.\s)\s*")
# Named sources: "theo báo X", "according to Vietnam Times", "(theo PACCOM)"
_SOURCE = re.compile(r"\b(?:theo|according to|per|cited by|reported by)\s+([^,;?()]{2,60})", re.IGNORECASE)
# "quy mô", "scale": every headline figure, not one kind
_SCALE_WORDS = re.compile(r"\b(quy mo|scale|size|ket qua|results?)\b")

@dataclass(frozen=True)
class Ask:
    """One quantity the question asks for ("bao nhiêu dự án" -> projects), with the words of its clause."""

    unit: str | None  # "money", "percent" or a counted unit ("projects"); None = any
    position: int  # where in the question it is asked
    noun: str | None = None  # the counted thing as the question words it ("trường hợp")
    clause: str = ""  # the clause of the question this ask belongs to
    metrics: frozenset[str] = frozenset()  # metrics its own clause names
    periods: tuple[Period, ...] = ()  # periods its own clause names
    places: tuple[str, ...] = ()  # provinces (or the whole country) its own clause names
    periods_inherited: bool = False  # its periods come from the ask before it, not its own clause


@dataclass(frozen=True)
class Side:
    """One side of a comparison or a calculation: what distinguishes it from the other sides."""

    label: str  # as the question words it: "2015", "Thường Xuân", "cam kết"
    periods: tuple[Period, ...] = ()
    places: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    metrics: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()  # content words of its own segment
    figure: Quantity | None = None  # a figure the question itself states for this side


@dataclass
class Question:
    original: str
    text: str  # normalised, with diacritics restored when they were missing
    language: str  # "vi" or "en"
    typed_without_diacritics: bool
    kind: QuestionKind
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
    operation: str | None = None  # "difference" or "sum" for a figure to compute from two or more
    sides: list[Side] = field(default_factory=list)  # for comparisons and calculations
    conflict: bool = False  # the question asks whether sources agree
    sources: list[str] = field(default_factory=list)  # sources the question names ("Vietnam Times")
    every_measure: bool = False  # "quy mô": all headline figures, not one unit
    soft_periods: list[Period] = field(default_factory=list)  # "tại hội nghị năm 2020": the event's, not the figure's
    entity_clause: str | None = None  # a "who/which" clause beside the asked quantities

    @property
    def folded(self) -> str:
        return fold(self.text.lower())

    def about_words(self) -> Question:
        """The question as its "who/which" clause beside asked quantities is answered: a question
        about words, that clause read with the whole question (itself when it has no such clause)."""
        if not self.entity_clause:
            return self
        return replace(self, kind=QuestionKind.ENTITY, asks=[], text=f"{self.entity_clause} {self.text}")

    def narrowed(self, side: Side) -> Question:
        """The question as it applies to one side: that side's scope wins over the whole question's."""
        # a side without a period of its own, beside sides that have one, is not about their periods
        others_dated = any(s.periods for s in self.sides if s is not side)
        return replace(
            self,
            periods=list(side.periods) or ([] if others_dated else self.periods),
            soft_periods=[p for _, p in _periods(side.label, soft=True)] or self.soft_periods,
            places=list(side.places) or self.places,
            districts=list(side.districts) or self.districts,
            organizations=list(side.organizations) or self.organizations,
            metrics=set(side.metrics) or self.metrics,
            asks=[
                replace(
                    a, metrics=side.metrics or a.metrics, places=side.places or a.places,
                    periods=side.periods or (() if others_dated else a.periods),
                )  # fmt: skip
                for a in self.asks
            ],
            keywords=(self.keywords - _other_side_words(self, side)) | set(side.words),
            sides=[],
            operation=None,
        )


def _other_side_words(q: Question, side: Side) -> set[str]:
    return {w for s in q.sides if s is not side for w in s.words} - set(side.words)


def _place_words(places: list[str], districts: list[str]) -> set[str]:
    """Words of the places named: the subject score already weighs them."""
    words: set[str] = set()
    for name in [*places, *districts]:
        words |= content_words(name)
    return words


_NON_SPACE = re.compile(r"\S+")
_YEAR_NEXT = re.compile(r"\s*\d{4}")


# Words after "bao nhiêu" that say the amount is money: "bao nhiêu vốn", "bao nhiêu viện trợ", and
# a scale with a currency or alone ("bao nhiêu tỷ đồng", "bao nhiêu triệu?"; not "bao nhiêu nghìn người")
_MONEY_NOUN = re.compile(
    r"(?:von|tien|kinh phi|ngan sach|vien tro|tai tro|gia tri|usd|vnd|dong|do la|euro|money|funding|aid)\b"
    r"|(?:nghin|ngan|trieu|ty|ti|million|billion|thousand)s?"
    r"(?:\s+(?:dong|usd|vnd|do la|euro|us dollars?|dollars?)\b|\s*(?:$|[,.;:?!)]|(?:cho|tu|de|va|for|from|in|and)\b))"
)
# Words that end the noun after "bao nhiêu" ("bao nhiêu cho dự án": how much for the project)
_NOT_NOUN = frozenset(
    "cho cua tai o voi de va la duoc da trong tu den so thi ma nay do khi vao ra nhu tren duoi "
    "for to of in at with from and is are was were did do does have has had by on".split()
)  # fmt: skip


_PERCENT_NEXT = re.compile(r"\s*(?:phan tram|percent|per cent|%)")


def _ask_unit(text: str, cue_end: int, english: bool, unknown_nouns: bool = True) -> tuple[str | None, str | None]:
    """The unit asked for right after "bao nhiêu" / "how many", and the noun that names it.

    A counted thing the project knows ("dự án" -> projects) wins; English puts the head noun last
    ("how many NGO programmes" -> programmes), so English keeps looking a few words on. Money words
    ("bao nhiêu vốn") make it money; a preposition or verb ends the search ("bao nhiêu cho dự án" asks
    an amount). Any other noun is its own counted unit ("bao nhiêu căn nhà" -> "căn"), as figures
    with a noun the project does not know are stored under that noun."""
    found: tuple[str | None, str | None] = (None, None)
    first_word: str | None = None
    if _PERCENT_NEXT.match(fold(text[cue_end : cue_end + 14].lower())):
        return "percent", None
    for n, m in enumerate(_NON_SPACE.finditer(text, cue_end)):
        if n > 3:
            break
        word = fold(m.group(0).lower()).strip(",.;:?!()\"'")
        if n == 0 and _MONEY_NOUN.match(fold(text[m.start() : m.start() + 24].lower())):
            return MONEY, None
        phrase = match_phrase(text, m.start(), COUNTED)
        if phrase is not None:
            if COUNTED[phrase[0]] == "years" and _YEAR_NEXT.match(text, phrase[1]):
                return None, None  # "bao nhiêu năm 2023": "năm" introduces the year
            found = (COUNTED[phrase[0]], phrase[0])
            if not english:
                return found  # Vietnamese: the counted thing comes first
            continue
        if not word or word in _NOT_NOUN or not word.isalpha():
            break
        if n == 0:
            first_word = m.group(0).lower()
    if found[0] is None and first_word is not None and not english and unknown_nouns:
        return first_word, first_word  # "bao nhiêu căn nhà": figures written "15 căn nhà"
    return found


def detect_language(text: str) -> str:
    """ "en" when the question reads as English: no Vietnamese diacritics and mostly English words."""
    if has_diacritics(text):
        return "vi"
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return "vi"
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    return "en" if english >= 2 and english / len(words) >= 0.2 else "vi"


def _clauses(folded: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a question: breaks at commas, "và"/"and", sentence ends."""
    spans, start = [], 0
    for m in _CLAUSE_BREAK.finditer(folded):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(folded):
        spans.append((start, len(folded)))
    return spans


def _clause_of(clauses: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for start, end in clauses:
        if start <= position < end:
            return start, end
    return (0, 0)


# Words that make the period after them describe an event or a source, not the figure asked for:
# "tại hội nghị năm 2020", "theo báo cáo tháng 7/2018", "Hội nghị xúc tiến ... giai đoạn 2011-2015"
_EVENT_OR_SOURCE = re.compile(
    r"\b(?:hoi nghi|hoi thao|le|buoi le|buoi|su kien|theo|according to|conference|ceremony|meeting|event|workshop|"
    r"duoc bao cao|bao cao|reported|report)\b"
)


_EVENT_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?(?:conference|meeting|ceremony|workshop|event|summit|forum)s?\b")
_LIST_GOES_ON = re.compile(r"\s*(?:,|va\b|and\b)\s*(?:(?:dau|cuoi|giua)\s+)?(?:nam\s+|year\s+)?(?:19|20)\d\d\b")


def _periods(text: str, with_comparisons: bool = False, soft: bool = False) -> list[tuple[int, Period]]:
    """Periods a text names; "so với năm 2017" only when asked for (it is the other side of a
    comparison); those of an event or a source ("tại hội nghị năm 2020") only when ``soft``."""
    folded = fold(text.lower())
    out = []
    for m in find_periods(text):
        if m.period is None or (m.comparison and not with_comparisons):
            continue
        clause_start = max(folded.rfind(",", 0, m.start), folded.rfind("?", 0, m.start), folded.rfind("(", 0, m.start), 0)
        is_soft = bool(_EVENT_OR_SOURCE.search(folded, max(clause_start, m.start - 60), m.start))
        is_soft = is_soft or bool(_EVENT_AFTER.match(folded, m.end))  # English: "the July 2018 conference"
        if is_soft and _LIST_GOES_ON.match(folded, m.end):
            is_soft = False  # "theo các nguồn năm 2018, 2020 và 2025": the first item of the list asked
        if is_soft == soft:
            out.append((m.start, m.period))
    return out


_COUNTED_BEFORE = re.compile(r"\b(?:so|so luong|number of|tong so)\s(?!sanh|voi|lieu)")


def _find_asks(text: str, folded: str, clauses: list[tuple[int, int]]) -> list[Ask]:
    """Every quantity the question asks for, each with its clause, unit, metrics and periods."""
    cues = [(m.start(), m.end(), m.group(1)) for m in _ASK.finditer(folded)]
    cues += [(m.start(), m.start(1), "what") for m in _WHAT_QUANTITY.finditer(folded)]
    cues.sort()
    periods = _periods(text)
    english = detect_language(text) == "en"  # once: a 100 kB question has thousands of cues
    asks: list[Ask] = []
    used_clauses: set[tuple[int, int]] = set()
    for start, end, cue in cues:
        clause = _clause_of(clauses, start)
        if clause in used_clauses and cue in ("ty le", "ti le", "phan tram") and asks:
            continue  # "tỷ lệ ... là bao nhiêu" is one ask
        clause_folded = folded[clause[0] : clause[1]]
        if cue in ("ty le", "ti le", "what percentage", "what share", "what proportion", "what portion", "phan tram"):
            unit, noun = "percent", None
        elif cue == "what":
            word = folded[end:].split(" ", 1)[0] if end < len(folded) else ""
            unit = "percent" if word in ("rate", "share", "percentage") else MONEY if _MONEY_WORDS.search(clause_folded) else None
            noun = None
        else:
            unit, noun = (None, None) if cue == "how much" else _ask_unit(text, end, english)
            if unit is None and start > 0:
                counted = _COUNTED_BEFORE.search(folded, 0, start)  # "Số tổ chức ... là bao nhiêu"
                if counted:
                    unit, noun = _ask_unit(text, counted.end(), english, unknown_nouns=False)
            if unit is None:
                if _RATE_WORDS.search(clause_folded):
                    unit = "percent"
                elif _MONEY_WORDS.search(clause_folded) or cue == "how much":
                    unit = MONEY
        if clause in used_clauses and asks and unit == asks[-1].unit:
            continue  # "tổng giá trị là bao nhiêu ... (khoảng bao nhiêu)": one ask said twice
        used_clauses.add(clause)
        clause_text = text[clause[0] : clause[1]]
        own_periods = tuple(p for pos, p in periods if clause[0] <= pos < clause[1])
        own_places = tuple(dict.fromkeys(n for _, n in places_in(clause_text, find_organisations(clause_text))))
        asks.append(Ask(unit, start, noun, clause_text, frozenset(metrics_in(clause_text)), own_periods, own_places))
    # units first: "A và B lần lượt là bao nhiêu" leaves the unit to the money words of the question
    return _inherit(_elided(_inherit(asks, folded), text, folded, clauses), folded)


# Words that only name a time ("năm", "giai đoạn", "quý", "early"), to see whether a clause says more
_PERIOD_ONLY = re.compile(r"\b(?:nam|giai doan|quy|thang|dau|cuoi|giua|nua|period|years?|quarter|half|first|early|late|in)\b")


def _elided(asks: list[Ask], text: str, folded: str, clauses: list[tuple[int, int]]) -> list[Ask]:
    """ "tổng giá trị cam kết và giá trị giải ngân là bao nhiêu": the clause before "và" asks too,
    with the question word said once for both."""
    out = list(asks)
    asked = {_clause_of(clauses, a.position): a for a in asks}
    for n, clause in enumerate(clauses[1:], 1):
        ask = asked.get(clause)
        previous = clauses[n - 1]
        if ask is None or previous in asked or not re.search(r"\s(?:va|and)\s", folded[previous[1] : clause[0] + 1] + " "):
            continue
        if not content_words(_PERIOD_ONLY.sub(" ", folded[clause[0] : clause[1]])):
            continue  # "... năm 2017 và năm 2019 là bao nhiêu": one ask over two periods
        words = folded[previous[0] : previous[1]]
        metrics = metrics_in(text[previous[0] : previous[1]])
        if ask.unit == MONEY and (metrics & SPECIFIC or _MONEY_WORDS.search(words)):
            out.append(Ask(MONEY, previous[0], None, text[previous[0] : previous[1]], frozenset(metrics), ask.periods, ask.places))
    return sorted(out, key=lambda a: a.position)


def _inherit(asks: list[Ask], folded: str) -> list[Ask]:
    """An ask that names no unit takes the previous ask's ("how many in education, and how many in
    health"); one that names no period takes the previous ask's, when the previous ask named one."""
    out: list[Ask] = []
    for ask in asks:
        if out:
            previous = out[-1]
            if ask.unit is None and previous.unit is not None:
                ask = replace(ask, unit=previous.unit, noun=ask.noun or previous.noun)
            if not ask.periods and previous.periods:
                ask = replace(ask, periods=previous.periods, periods_inherited=True)
            if not ask.places and previous.places:
                ask = replace(ask, places=previous.places)
        out.append(ask)
    if out and all(a.unit is None for a in out) and _MONEY_WORDS.search(folded) and not _RATE_WORDS.search(folded):
        out = [replace(a, unit=MONEY) for a in out]  # "Quảng Ngãi nhận được bao nhiêu viện trợ"
    return out


def metrics_in(text: str) -> set[str]:
    """Every metric a question names: "giải ngân và cam kết" names two."""
    return metrics_named(text)


def analyze(question: str, lexicon: Lexicon | None = None) -> Question:
    original = question
    text = normalize_text(question).strip()
    language = detect_language(text)
    restored = lexicon.restore(text) if lexicon is not None and language == "vi" and not has_diacritics(text) else None
    if restored:
        text = restored
    folded = fold(text.lower())
    clauses = _clauses(folded)

    organisations_found = find_organisations(text)
    places = [name for _, name in places_in(text, organisations_found)]
    if restored:  # "quang tri" as typed is a place name even where the restored text is lower case
        places += [name for _, name in places_in(normalize_text(question), find_organisations(question))]
    places = list(dict.fromkeys(places))
    districts = _districts(text, folded) or [d for d in _named_districts(text, places) if d not in places]
    if not places:
        # a district names its province: "huyện Tiên Lữ" is in Hưng Yên
        places = list(dict.fromkeys(m.province for m in find_district_mentions(text) if m.province and m.name in districts))
    periods = [p for _, p in _periods(text)]
    soft_periods = [p for _, p in _periods(text, soft=True)]

    document_number = bool(_DOCUMENT_NUMBER.search(folded))
    asks = [] if document_number else _find_asks(text, folded, clauses)
    given = [q for q in find_quantities(text) if q.unit is not None]
    given_change = None
    if _IF_CHANGE.search(folded):
        given_change = next(((q.value, q.change) for q in given if q.change), None)
    operation = None if given_change else _operation(folded, periods)
    compare = bool(_COMPARE.search(folded))
    conflict = bool(_CONFLICT.search(folded)) and operation != "difference"
    every_measure = bool(_SCALE_WORDS.search(folded))
    if not asks and not document_number and (compare or conflict or operation) and not _DATE.search(folded):
        asks = _implicit_ask(text, folded, periods, every_measure or conflict)
    if not asks and not document_number and not _ENTITY.search(folded) and not _DATE.search(folded):
        # "quang tri giai ngan 2023": a disbursement, commitment or mobilisation with no question
        # word still asks for the amount
        if re.search(r"\b(giai ngan|cam ket|van dong duoc|disburs\w*|commit\w*|mobili[sz]\w*)\b", folded):
            asks.append(Ask(MONEY, 0, None, text, frozenset(metrics_in(text)), tuple(periods)))

    all_periods = [p for _, p in _periods(text, with_comparisons=True)]
    sides = _sides(text, folded, all_periods, places, districts, given, operation, compare, conflict)
    kind = _kind(folded, asks, given_change, operation, compare, sides, conflict, document_number)
    return Question(
        original=original,
        text=text,
        language=language,
        typed_without_diacritics=restored is not None,
        kind=kind,
        places=places,
        districts=districts,
        organizations=list(dict.fromkeys(name for _, _, name in organisations_found)),
        periods=periods,
        asks=asks,
        metrics=metrics_in(text),
        concepts=set(concepts_in(text)),
        keywords=content_words(_without_operators(_without_sources(text))) - _place_words(places, districts),
        asks_change=bool(_CHANGE_ASK.search(folded)) and given_change is None and operation is None,
        given_change=given_change,
        operation=operation,
        sides=sides,
        conflict=conflict,
        sources=[m.group(1).strip() for m in _SOURCE.finditer(text)],
        every_measure=every_measure,
        entity_clause=_entity_clause(text, folded, clauses, asks),
        soft_periods=soft_periods,
    )


_QUESTION_WORDS = frozenset("nao cua nay do which of the what ay kia".split())


def _districts(text: str, folded: str) -> list[str]:
    """Districts the question names, as the gazetteer writes them ("huyen dakrong" -> "Đa Krông")."""
    districts = list(dict.fromkeys(m.name for m in find_district_mentions(text)))
    if districts:
        return districts
    districts = list(dict.fromkeys(name for _, name in find_districts(text)))
    if districts:
        return districts
    # typed in lower case ("huyen tien lu"): the words after the keyword, question words excluded
    found = []
    for m in re.finditer(r"\b(?:huyen|district)\s+([a-z]+(?:\s+[a-z]+)?)", folded):
        words = [w for w in m.group(1).split() if w not in _QUESTION_WORDS]
        if words and words == m.group(1).split()[: len(words)]:
            found.append(" ".join(words))
    return found


def _implicit_ask(text: str, folded: str, periods: list[Period], everything: bool) -> list[Ask]:
    """The quantity a comparison or a question about sources asks for without "bao nhiêu"."""
    unit = "percent" if _RATE_WORDS.search(folded) else MONEY if _MONEY_WORDS.search(folded) else None
    noun = None
    counted = _COUNTED_BEFORE.search(folded)
    if counted:
        counted_unit, noun = _ask_unit(text, counted.end(), detect_language(text) == "en", unknown_nouns=False)
        unit = counted_unit or unit
    if unit is None and not everything:
        return []
    return [Ask(unit, 0, noun, text, frozenset(metrics_in(text)), tuple(periods))]


# what the question asks to do with the figures, not what they are about
_OPERATOR_WORDS = re.compile(r"\b(?:so sánh|so sanh|compare[sd]?|comparison|compared|versus|vs\.?)(?!\w)", re.IGNORECASE)


def _without_operators(text: str) -> str:
    """The question without "so sánh" / "compare": a topic word of no passage."""
    return _OPERATOR_WORDS.sub(" ", text)


def _without_sources(text: str) -> str:
    """The question without "theo báo X" / "according to X": a source's name is not a topic word."""
    return _SOURCE.sub(" ", text)


def _operation(folded: str, periods: list[Period]) -> str | None:
    if _DIFFERENCE.search(folded):
        return "difference"
    spans = [p for p in periods if not p.is_single_year and p.end is not None and not p.start.startswith("0001")]
    if _SUM.search(folded) and spans and "bao nhieu" in folded:
        return "sum"  # "Tổng giá trị ... giai đoạn 2017-2019": the years' figures added up, if no total is stated
    return None


def _kind(
    folded: str, asks: list[Ask], given_change, operation, compare: bool, sides: list[Side], conflict: bool, document_number: bool
) -> QuestionKind:  # fmt: skip
    if given_change is not None or (operation == "difference" and asks):
        return QuestionKind.DERIVED
    if asks and (compare or conflict or len(sides) > 1):
        return QuestionKind.COMPARISON
    if asks:
        return QuestionKind.QUANTITY
    if _DATE.search(folded):
        return QuestionKind.DATE
    if _LIST.search(folded) or _LIST_WHICH.search(folded):
        return QuestionKind.LIST
    if _ENTITY.search(folded) or document_number:
        return QuestionKind.ENTITY
    return QuestionKind.OPEN


_ASKS_WHO_OR_WHICH = re.compile(
    rf"\b(?:who|{WHO_WORD}|which|(?:nhung|cac) \w+ nao|o dau|where|(?:thong|chuyen) qua (?:dau|kenh nao)|"
    r"(?:to chuc|co quan|don vi|lanh dao|nguoi|huyen|xa|dia phuong|dia ban|nha tai tro|quy) nao)\b"
)


def _entity_clause(text: str, folded: str, clauses: list[tuple[int, int]], asks: list[Ask]) -> str | None:
    """A "who ..."/"which ..."/"ở những địa bàn nào" clause beside the quantities asked."""
    if not asks:
        return None
    asked = {_clause_of(clauses, a.position) for a in asks}
    for start, end in clauses:
        if (start, end) in asked:
            continue
        if _ASKS_WHO_OR_WHICH.search(folded[start:end]):
            return text[start:end]
    return None


# Separators between the sides of a comparison: "X hay Y", "X và Y", "X so với Y", "X lớn hơn Y"
_SIDE_BREAK = re.compile(
    r"\s(?:hay|hoac|or|va|and|voi|so voi|than|compared (?:with|to)|with|(?:lon|nho|cao|thap|nhieu|it) hon)\s"
)
# Periods listed side by side: "năm 2019, 2020 và 2023", "2018, 2020 and early 2025"
_ENUMERATED = re.compile(r"\b(?:19|20)\d\d\b(?:\s*(?:,|va|and|voi)\s*(?:dau |cuoi |nam |early |late |in )*(?:19|20)\d\d\b)+")


def _sides(
    text: str, folded: str, periods: list[Period], places: list[str], districts: list[str],
    given: list[Quantity], operation: str | None, compare: bool, conflict: bool,
) -> list[Side]:  # fmt: skip
    """What the question sets side by side: the figures it states itself, else its periods, provinces,
    districts or metrics when it names more than one of a kind, else the segments around "hay"/"và"."""
    money = [q for q in given if q.unit in MONEY_UNITS and not q.change]
    if operation == "difference" and len(money) >= 2:
        return [Side(label=q.text, figure=q) for q in money[:2]]
    contrast = compare or operation == "difference" or conflict
    distinct = list({p.label: p for p in periods}.values())
    if len(distinct) > 1 and (contrast or _ENUMERATED.search(folded)):
        if not (compare and len(distinct) == 2):
            return [Side(label=p.label, periods=(p,)) for p in distinct]
        segments = _segment_sides(text, folded, places)
        if len(segments) == 2 and all(s.periods and s.words for s in segments):
            return segments  # the periods, each with the rest of its side ("WVI ... 2023-2027 hay Plan ... 2026-2029")
        return [Side(label=p.label, periods=(p,)) for p in distinct]
    provinces = [p for p in places if p != NATIONAL]
    if len(provinces) > 1 and contrast:
        return [Side(label=p, places=(p,)) for p in provinces]
    if len(districts) > 1 and contrast:
        return [Side(label=d, districts=(d,)) for d in districts]
    if operation == "difference":
        metrics = metrics_in(text) & {"disbursed", "committed"}
        if len(metrics) == 2 and re.search(r"\b(chua|not yet|con lai|remaining|undisbursed)\b", folded):
            return [Side(label="committed", metrics=frozenset({"committed"})), Side(label="disbursed", metrics=frozenset({"disbursed"}))]
    if compare or operation == "difference":
        return _segment_sides(text, folded, places)
    return []


def _segment_sides(text: str, folded: str, places: list[str] | None = None) -> list[Side]:
    """ "chương trình vùng nào lớn hơn, Thường Xuân hay Quan Hóa 2?": the segments on either side of
    the last "hay"/"và"/"so với" in the question, each with its own scope and words."""
    breaks = list(_SIDE_BREAK.finditer(folded))
    if not breaks:
        return []
    m = breaks[-1]
    left_start = max(folded.rfind(",", 0, m.start()), folded.rfind(":", 0, m.start())) + 1
    right_end = min([i for i in (folded.find(",", m.end()), folded.find("?", m.end())) if i >= 0] or [len(folded)])
    segments = [(left_start, m.start()), (m.end(), right_end)]
    sides = []
    for start, end in segments:
        segment = _TRAILING_ASK.sub("", text[start:end]).strip(" ,:;?.")
        if not segment:
            return []
        orgs = find_organisations(segment)
        sides.append(
            Side(
                label=segment,
                periods=tuple(p for _, p in _periods(segment)),
                places=tuple(n for _, n in places_in(segment, orgs) if n != NATIONAL),
                districts=_named_districts(segment, places or []),
                organizations=tuple(dict.fromkeys(n for _, _, n in orgs)),
                metrics=frozenset(metrics_in(segment) & SPECIFIC),
                words=frozenset(content_words(segment)),
            )
        )
    if sides[0].words == sides[1].words:
        return []
    return sides


_WORD_ASK = re.compile(r"\b(ai|nao|gi|la ai|la gi|who|whom|which|what|where|o dau|bao gio|khi nao)\b")


def word_clauses(q: Question, lexicon: Lexicon | None = None) -> list[Question]:
    """ "ở huyện nào ... và bốn xã mục tiêu là những xã nào?": one question per part that asks for
    words, each keeping the scope (places, districts, organisations, periods) of the whole."""
    folded = q.folded
    parts = [(a, b) for a, b in _clauses(folded) if _WORD_ASK.search(folded[a:b])]
    if len(parts) < 2:
        return [q]
    out = []
    for start, end in parts:
        sub = analyze(q.text[:start] + q.text[start:end] if start == parts[0][0] else q.text[start:end], lexicon)
        sub.places = sub.places or q.places
        sub.districts = sub.districts or q.districts
        sub.organizations = sub.organizations or q.organizations
        sub.periods = sub.periods or q.periods
        sub.language = q.language
        out.append(sub)
    return out


_TRAILING_ASK = re.compile(r"\s*\b(?:là\s+)?(?:bao nhiêu|bao nhieu|how much|how many)\b.*$", re.IGNORECASE)
_CAPITALISED_RUN = re.compile(r"[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*){0,2}")


def _named_districts(segment: str, places: list[str]) -> tuple[str, ...]:
    """Districts a side names, with or without "huyện": a bare name counts when it is a district of
    the province the question is about ("Thường Xuân hay Quan Hóa 2", about Thanh Hóa)."""
    found = [m.name for m in find_district_mentions(segment)]
    for m in _CAPITALISED_RUN.finditer(segment):
        words = m.group(0).split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                for district in get_districts(" ".join(words[i : i + n])):
                    if district.province in places or (not places and not district.common):
                        found.append(district.name)
    return tuple(dict.fromkeys(found))


def is_national(question: Question) -> bool:
    return NATIONAL in question.places
