"""Answers that are words, not figures: who, which organisation, which places, when, which decree.

The best sentences among the retrieved passages are chosen by the question's words (weighted by how
rare they are among the candidates), its topics, place and years, and by whether the sentence holds
the kind of thing asked (a person's name after a title, a list of communes, a date, a decree number).
The answer leads with that span, then quotes the sentences it comes from, whole: what the user must
be able to check.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.models import QuestionKind
from assistant.question import WHO_WORD, Question, content_words
from assistant.sources import Sources
from index.hybrid import SearchResults
from ingest.facts import FRAME_PLACE_CONFIDENCE  # the same bar a figure's place is held to
from ingest.models import Span
from vntext.entities import NATIONAL, find_organisations
from vntext.gazetteer import find_provinces
from vntext.glossary import concepts_in, with_short_names
from vntext.numbers import Quantity, find_quantities
from vntext.vietnamese import fold

PASSAGES = 10  # retrieved passages whose sentences are candidates
MAX_SENTENCES = 3  # sentences quoted in one answer
MIN_SCORE = 1.5  # below this, no sentence answers
NO_PERSON = 1.0  # taken off a sentence that names no one, for a question asking who


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    passage_id: str
    span: Span
    text: str
    index: int  # position among its passage's sentences
    rank: int  # retrieval rank of its passage
    neighbours: tuple[Span, ...]  # the sentences before and after it in its passage
    context: str = ""  # its passage's heading, or a table's caption and column names
    antecedent: str = ""  # the sentence before, when this one refers back to it ("Khoản kinh phí này ...")
    antecedent_start: int | None = None  # where that sentence starts in the document


@dataclass(frozen=True)
class Picked:
    sentences: list[Sentence]
    key: str | None  # the span that answers, when one was found
    score: float
    # sentences of other documents that state the same key: cited too, so a reader sees it holds in
    # more than one source (a news digest and the full report often both name who chaired a meeting)
    corroborating: list[Sentence] = field(default_factory=list)


_TITLE = (
    r"(?:Phó |Nguyên |Quyền )?(?:Chủ tịch|Giám đốc|Trưởng đại diện|Trưởng Đại diện|Trưởng đoàn|Trưởng ban|Trưởng Ban|Phó Trưởng ban|"
    r"Bộ trưởng|Thứ trưởng|Thủ tướng|Đại sứ(?! quán)|Tổng Lãnh sự|Tổng Bí thư|Bí thư|Tổng Giám đốc|Chánh Văn phòng|Trưởng phòng|"
    r"Giám đốc Quốc gia|Chủ nhiệm|Vụ trưởng|Cục trưởng|Tổng Thư ký|Tổng thư ký|Chánh án|Viện trưởng)"
)
_NAME = r"((?:[A-ZĐÂĂÊÔƠƯ][^\W\d_]*\s?){2,4})"
# the words a titled name is followed by: the sentence's verb ("Phó Chủ tịch UBND thành phố Hồ Kỳ
# Minh đã nhìn lại ...", "Thủ tướng Nguyễn Xuân Phúc đến dự ..."), or "và" before the next name
_NAME_ENDS = (
    r"cho|nói|cho biết|khẳng định|nhấn mạnh|và|tiếp|làm|đã|đang|sẽ|vừa|đến|về|tới|dự|tham dự|chủ trì|phát biểu|"
    r"trao|ký|kí|gửi|cảm ơn|đánh giá|ghi nhận|chúc mừng|đề nghị|yêu cầu|mong muốn|trình bày|báo cáo|điểm lại|nhìn lại|"
    r"thông tin|chia sẻ|giới thiệu|cùng|with|said|attended|chaired"
)
_PERSON = re.compile(rf"(?:\b(?:Đ/c|Đồng chí|đồng chí|Ông|ông|Bà|bà|Mr\.?|Ms\.?|Mrs\.?|Ambassador|Dr\.?)\s+){_NAME}")
_TITLED = re.compile(rf"{_TITLE}[^,.;:]{{0,80}}?\s{_NAME}(?=\s*(?:[,.;:)–-]|$)|\s+(?:{_NAME_ENDS})\b)")
_ENGLISH_PERSON = re.compile(r"\b(?:headed by|led by|presented by|signed by|represented by)\s+((?:[A-Z][\w'-]*\s?){2,4})")
_DECREE = re.compile(r"(?:Nghị định|Quyết định|Thông tư|Chỉ thị|Kết luận|Nghị quyết|Luật|Kế hoạch|Decree|Decision) số\s*[\w./-]+(?: ngày \d{1,2}/\d{1,2}/\d{4})?")
_QUOTED = re.compile(r"['\"“‘]([^'\"”’]{3,120})['\"”’]")
_DATE_IN = re.compile(r"\b(?:(?:không quá |đến |trước )?ngày\s*)?\d{1,2}/\d{1,2}(?:/\d{4})?\b|\b(?:từ |since |in )?năm \d{4}\b|\b(?:19|20)\d\d\b")
_BODY = re.compile(
    r"(?:Ban|Ủy ban|Uỷ ban|Sở|Bộ|Cục|Liên hiệp|Hội|Trung tâm|Văn phòng|Tổ chức|tổ chức|Quỹ|Đại sứ quán)\s+"
    r"(?:[A-ZĐ][\w&/-]*(?:\s+(?:(?:Dự án|Chương trình)\s+[A-ZĐ][\w&/-]*|[A-ZĐ][\w&/-]*|-|và|của|cho|về))*)(?:\s*\([^)]{2,40}\))?"
)
_ENGLISH_BODY = re.compile(r"\b(?:the\s+)?((?:[A-Z][\w&'-]*\s){1,5})(?:organi[sz]ation|foundation|fund|NGO)\b")
_PLACE_LIST = re.compile(
    r"(?:xã|huyện|phường|thị trấn|quận|districts? of|communes? of|tỉnh)(?:\s+[a-zà-ỹđ]+){0,3}?\s*:?\s*(?:là\s+)?"
    r"((?:[A-ZĐ][^\W\d_]*(?:\s[A-ZĐ][^\W\d_]*)*(?:\s*\([^)]{2,30}\))?\s*(?:,|;|và|and)\s*){1,}[A-ZĐ][^\W\d_]*(?:\s[A-ZĐ][^\W\d_]*)*)"
)
# one place after its keyword, the start of a list that may run on into the next line
_PLACE_ONE = re.compile(r"(?:xã|huyện|phường|thị trấn|quận|district|commune)\s*[A-ZĐ][^\W\d_]*(?:\s[A-ZĐ][^\W\d_]*)*")
# "những huyện nào", "xã nào", "which districts": the kind of place asked for, not a topic word
_ASKED_KIND = re.compile(
    r"\b(xa|huyen|tinh|quan|phuong|thi tran|dia ban|dia phuong)(?:,? (?:xa|huyen|tinh|quan|phuong|thi tran))? nao\b|"
    r"\bwhich (districts?|communes?|provinces?|localities)\b"
)



def _one_place_asked(folded: str) -> bool:
    """A place question in the singular: "ở huyện nào", "which district"; not "những huyện nào",
    "các xã, thị trấn nào", "which districts"."""
    for m in _ASKED_KIND.finditer(folded):
        asked = m.group(0)
        plural = folded[: m.start()].endswith(("nhung ", "cac ")) or "," in asked or asked.endswith("s")
        if not plural and len(_PLACE_KIND.findall(asked)) == 1:
            return True
    return False


_PLACE_ANY = re.compile(f"{_PLACE_LIST.pattern}|{_PLACE_ONE.pattern}")

_WHO = re.compile(
    rf"\b({WHO_WORD}|who|whom|which (?:leader|official|person|minister|representative)s?|"
    r"(?:lanh dao|nguoi|vi|quan chuc) nao)\b"
)
_WHICH_BODY = re.compile(
    r"\b(co quan nao|to chuc nao|don vi nao|ban nao|quy nao|which (?:ngo|organi[sz]ation|agency|body|office|fund|foundation)|"
    r"(?:thong |chuyen )?qua (?:dau|kenh nao)|through (?:whom|which|what)|via (?:whom|which|what))\b"
)
_WHICH_PLACES = re.compile(
    r"\b(?:xa|huyen|tinh|quan|phuong|thi tran|dia ban|dia phuong)\b[^?.;]{0,20}?\bnao\b|"
    r"\b(?:which|what) (?:districts?|communes?|provinces?|localities|areas)\b|\bin which (?:districts?|communes?)\b"
)
_DOCUMENT = re.compile(r"\b(nghi dinh|quyet dinh|thong tu|decree|decision|van ban|ke hoach so)\b")
_WHAT_IS = re.compile(r"\b(la gi|what is|phuong cham|khau hieu|motto)\b")


def cues(q: Question) -> list[tuple[re.Pattern[str], float]]:
    """What kind of span the question asks for, as patterns a good sentence holds."""
    folded = q.folded
    cues: list[tuple[re.Pattern[str], float]] = []
    if _WHO.search(folded):
        cues += [(_PERSON, 1.5), (_TITLED, 1.5), (_ENGLISH_PERSON, 1.5)]
    if _WHICH_BODY.search(folded):
        cues += [(_BODY, 1.5), (_ENGLISH_BODY, 1.0)]
    if (_WHICH_PLACES.search(folded) or q.kind is QuestionKind.LIST) and not _one_place_asked(folded):
        cues += [(_PLACE_LIST, 2.5), (_PLACE_ONE, 0.5)]
    elif _WHICH_PLACES.search(folded):
        cues.append((_PLACE_ANY, 1.5))  # "ở huyện nào": one place answers as well as a list
    if _DOCUMENT.search(folded):
        cues.append((_DECREE, 1.5))
    if _WHAT_IS.search(folded):
        cues.append((_QUOTED, 1.0))
    if q.kind is QuestionKind.DATE:
        cues.append((_DATE_IN, 1.5))
    return cues


def candidates(sources: Sources, search: SearchResults) -> list[Sentence]:
    out = []
    for hit in search.hits[:PASSAGES]:
        text = sources.text(hit.passage.doc_id)
        spans = hit.passage.sentences
        for i, span in enumerate(spans):
            near = tuple(spans[j] for j in (i - 1, i + 1) if 0 <= j < len(spans))
            sentence = span.of(text)
            before = _antecedent(sources, hit.passage.doc_id, span) if _REFERS.match(sentence) else None
            out.append(
                Sentence(
                    hit.passage.doc_id, hit.passage.passage_id, span, sentence, i, hit.rank, near, hit.passage.context or "",
                    before.of(text) if before else "", before.start if before else None,
                )  # fmt: skip
            )
    return out


# a sentence that opens by pointing back: what it is about is in the sentence before ("Gần 2 triệu
# USD được đầu tư ... Khoản kinh phí này sẽ được rót vào ... huyện Tiên Lữ")
_REFERS = re.compile(
    r"\s*(?:Toàn bộ |Tổng )?(?:[Kk]hoản|[Ss]ố tiền|[Nn]guồn|[Cc]hương trình|[Dd]ự án|[Gg]ói|[Kk]inh phí|[Ss]ố vốn)"
    r"(?:\s+[a-zà-ỹđ]+){0,3}?\s+(?:này|đó|trên)\b|"
    r"\s*(?:This|These|The above|The said)\s+(?:\w+\s+){0,2}?(?:funding|fund|amount|money|grant|sum|budget|aid|programme|program|project)s?\b"
)


def _antecedent(sources: Sources, doc_id: str, span: Span) -> Span | None:
    """The sentence before ``span`` in its document (across passages, so a headline counts), past
    captions and scraps."""
    text = sources.text(doc_id)
    ordered = _in_order(sources, doc_id)
    first_after = next((i for i, (s, _) in enumerate(ordered) if s.end > span.start), len(ordered))
    j = _next_prose(ordered, text, first_after - 1, step=-1)
    return ordered[j][0] if j is not None else None


def pick(sources: Sources, q: Question, search: SearchResults, skip: frozenset[tuple[str, int]] = frozenset()) -> Picked | None:
    """The sentences that answer a question about words, with the answering span; None if none does.
    ``skip``: (document, start) of sentences already given, not to be picked again."""
    scored, idf = _ranked(sources, q, search, skip)
    if not scored:
        return None
    patterns = cues(q)
    best_score, _, best = scored[0]
    if best_score < MIN_SCORE:
        return None
    chosen = _with_context(sources, q, best, idf)
    key = None
    if _WHO.search(q.folded):
        key = people([s.text for s in chosen], q.language, place=_main_province(sources, chosen[0].doc_id))
    # the best sentence first: the sentences around it give context, it gives the answer
    for sentence in [best, *(s for s in chosen if s is not best)]:
        if key:
            break
        key = key_span(q, sentence.text, patterns)
    return Picked(chosen, key, best_score, _corroborating(key, [(x, s) for x, _, s in scored[1:]], best, best_score))


def ranked(sources: Sources, q: Question, search: SearchResults) -> list[Sentence]:
    """The sentences of the searched passages that answer a question about words, best first
    (those scoring too little to be picked are left out)."""
    return [s for score, _, s in _ranked(sources, q, search)[0] if score >= MIN_SCORE]


def _ranked(
    sources: Sources, q: Question, search: SearchResults, skip: frozenset[tuple[str, int]] = frozenset()
) -> tuple[list[tuple[float, int, Sentence]], dict[str, float]]:
    """(score, order, sentence) best first, and the weights of the question's words among them."""
    found = [s for s in candidates(sources, search) if (s.doc_id, s.span.start) not in skip]
    wanted = q.keywords - asked_kind(q)
    if not found or not (wanted or q.concepts):
        return [], {}
    # a table row is read with its caption and column names
    words = {
        id(s): content_words(s.text) | content_words(s.antecedent) | (content_words(s.context) if _is_row(s) else set()) for s in found
    }
    idf = _idf(wanted, list(words.values()))
    patterns = cues(q)
    scored = sorted(
        ((_score(sources, q, s, words[id(s)], idf, patterns) + _follows(s, skip), n, s) for n, s in enumerate(found)),
        key=lambda x: (-x[0], x[1]),
    )
    return scored, idf


FOLLOWS_GIVEN = 1.5  # a sentence that goes on about a sentence already given


def _follows(s: Sentence, given: frozenset[tuple[str, int]]) -> float:
    """A sentence that refers back to one the answer already gives ("Khoản hỗ trợ này sẽ được chuyển
    qua ..." after the sentence stating the amount) tells more about the same thing: for a "thông
    qua đâu"/"who" clause beside a figure, it is where to look first."""
    return FOLLOWS_GIVEN if s.antecedent_start is not None and (s.doc_id, s.antecedent_start) in given else 0.0


_CAPITALISED_RUN = re.compile(r"(?:[A-ZĐÂĂÊÔƠƯ][^\W\d_]*\s+)+[A-ZĐÂĂÊÔƠƯ][^\W\d_]*")
CORROBORATION_SHARE = 0.5  # of the best sentence's score; lower let in passing mentions of the name


def _corroborating(key: str | None, scored: list[tuple[float, Sentence]], best: Sentence, best_score: float) -> list[Sentence]:
    """The best sentence of another document that holds the key (for a person, their name without
    the title), scoring at least half the chosen sentence; at most one."""
    if not key:
        return []
    runs = sorted(_CAPITALISED_RUN.findall(key), key=len)
    core = fold((runs[-1] if runs else key).lower())
    for score, s in scored:
        if score < CORROBORATION_SHARE * best_score:
            break
        if s.doc_id != best.doc_id and core in fold(s.text.lower()):
            return [s]
    return []


def people(sentences: list[str], language: str, limit: int = 3, place: str | None = None) -> str | None:
    """Everyone the sentences name with a title or an honorific, in order ("who signed" has two),
    each with the role the sentence gives them. ``place``: the document's main province, for a role
    that says only "UBND tỉnh"."""
    found: dict[str, tuple[int, int, str]] = {}
    for n, sentence in enumerate(sentences):
        for pattern in (_TITLED, _PERSON, _ENGLISH_PERSON):
            for m in pattern.finditer(sentence):
                name = m.group(1).strip()
                if not _person_name(name):
                    continue
                if name not in found and not any(name in other for other in found):
                    span = name if pattern is _ENGLISH_PERSON else _trim(m.group(0))  # not "headed by ..."
                    role = None if pattern is _TITLED else _role(sentence, m.start(), m.end())
                    found[name] = (n, m.start(), f"{span}, {_placed(role, place)}" if role else _placed(span, place))
    if not found:
        return None
    ordered = [span for _, _, span in sorted(found.values())][:limit]
    return (" and " if language == "en" else " và ").join(ordered)


_EN_TITLE = (
    r"(?:(?:Deputy|Vice|Acting|Former|Permanent|Executive)\s+)?(?:Head|Director(?:-General)?|Chairman|Chairwoman|Chair|"
    r"President|Country Director|Chief Representative|Representative|Chief|Minister|Ambassador|Secretary|Manager|Coordinator)"
)
# the role after a name: "Ngô Hạnh Phúc – Phó Chủ tịch UBND tỉnh", "Do Thi Kim Dung, who is Deputy
# Head of ... (PACCOM), part of the Viet Nam Union of Friendship Organizations"
_ROLE_AFTER = re.compile(
    rf"\s*(?:[,–—-]|\()\s*({_TITLE}[^,;.()–—]*?)(?=\s*(?:[,;.)–—]|\s(?:cùng|và|đã|cho|nói|ký|phát biểu|khẳng định|nhấn mạnh|tiếp|trao)\b|$))|"
    rf",\s*(?:who is\s+|the\s+)?({_EN_TITLE}\b[^,;.]*?(?:\([A-Z]+\))?(?:,\s*(?:part of|under)\s+the\s+[^,;.]+?)?)(?=\s*[,;.]|$)"
)
_ROLE_BEFORE = re.compile(rf"{_TITLE}[^,;.:()–—]{{0,80}},\s*$")  # "Trưởng đại diện ... tại Việt Nam, ông ..."


def _role(sentence: str, start: int, end: int) -> str | None:
    """The role a sentence gives the person named at [start, end): after the name, or just before it."""
    m = _ROLE_AFTER.match(sentence, end)
    if m:
        return with_short_names(_trim(m.group(1) or m.group(2)))
    before = sentence[:start]
    for t in reversed(list(re.finditer(_TITLE, before))):
        if _ROLE_BEFORE.fullmatch(before, t.start()):
            return with_short_names(_trim(before[t.start() :]))
    return None


def _placed(role: str, place: str | None) -> str:
    """ "Phó Chủ tịch UBND tỉnh" -> "Phó Chủ tịch UBND tỉnh Yên Bái", when the document is about one province."""
    return f"{role} {place}" if place and re.search(r"\b(?:UBND|HĐND|nhân dân|hữu nghị|Ngoại vụ) (?:tỉnh|thành phố)$", role) else role


def _main_province(sources: Sources, doc_id: str) -> str | None:
    info = sources.documents().get(doc_id)
    frame = info.frame if info is not None else None
    if frame is None or frame.main_place in (None, NATIONAL) or frame.place_confidence < FRAME_PLACE_CONFIDENCE:
        return None
    return frame.main_place


def _is_row(s: Sentence) -> bool:
    """A table row: its cells stand on lines of their own (no other sentence spans lines)."""
    return "\n" in s.text.strip() and bool(s.context)


def asked_kind(q: Question) -> set[str]:
    """Words that name the kind of answer ("những huyện nào" -> huyện), not what it is about."""
    kinds: set[str] = set()
    for m in _ASKED_KIND.finditer(q.folded):
        kinds |= set((m.group(1) or m.group(2) or "").split())
    return kinds


def named_in(q: Question) -> set[str]:
    """What the question names: acronyms and capitalised words past its first word ("KSSA", "Plan
    International"), its districts and organisations, folded."""
    asked = q.original
    for source in q.sources:  # "(theo Sở Ngoại vụ Yên Bái)": who reported it, not what it is about
        asked = asked.replace(source, " ")
    names = {fold(w.lower()) for w in re.findall(r"(?<!^)(?<![.?!] )\b[A-ZĐ][\w&/-]*", asked) if len(w) > 1}
    for name in [*q.districts, *q.organizations]:
        names |= set(fold(name.lower()).split())
    places = {w for p in q.places for w in fold(p.lower()).split()}  # weighed by the place agreement
    return {n for n in names if n not in ("ubnd", "pcpnn", "ngo", "ngos", "viet", "nam", "vietnam")} - places


def _idf(wanted: set[str], sentence_words: list[set[str]]) -> dict[str, float]:
    n = len(sentence_words)
    return {w: math.log(1.0 + (n + 1) / (sum(1 for s in sentence_words if w in s) + 1)) for w in wanted}


def _score(sources: Sources, q: Question, s: Sentence, words: set[str], idf: dict[str, float], patterns) -> float:
    total = sum(idf.values()) or 1.0
    text = sources.text(s.doc_id)
    info = sources.documents().get(s.doc_id)
    if info is not None and info.frame is not None and info.frame.language != q.language and q.concepts:
        # another language: words cannot match, the concepts they name can
        shared = len(q.concepts & set(concepts_in(f"{s.text} {s.context}"))) / len(q.concepts)
        words = words | {w for w in idf if shared >= 0.5}
    around: set[str] = set()
    for span in s.neighbours:
        around |= content_words(span.of(text))
    if s.context:
        around |= content_words(s.context)  # a table row is read with its caption and column names
    score = 3.0 * sum(w for k, w in idf.items() if k in words) / total
    score += 1.0 * sum(w for k, w in idf.items() if k in around and k not in words) / total
    if q.concepts:
        own = f"{s.text} {s.context}" if _is_row(s) else s.text
        score += 2.0 * len(q.concepts & set(concepts_in(own))) / len(q.concepts)
    score += _place_agreement(sources, q, s)
    score += _name_agreement(sources, q, s)
    score += _year_agreement(q, s.text, text)
    score += sum(weight for pattern, weight in patterns if any(_of_asked_kind(q, pattern, m.group(0)) for m in pattern.finditer(s.text)))
    if _WHO.search(q.folded) and people([s.text], q.language) is None:
        score -= NO_PERSON  # "who ...": a sentence that names nobody cannot be the answer
    score += _date_agreement(q, s, text)
    score += _figure_agreement(sources, q, s)
    return score + 0.5 / s.rank


def _figure_agreement(sources: Sources, q: Question, s: Sentence) -> float:
    """A figure the question states ("World Vision đầu tư gần 2 triệu USD vào ..."): in the sentence
    or the sentence it refers back to (+2: a stated figure all but names what it is about), or in its
    document (+0.5). A sentence that states other figures of that unit and not this one is about
    something else (-0.5)."""
    stated = [x for x in _quantities(q.text) if x.unit]
    if not stated:
        return 0.0
    own = _quantities(f"{s.antecedent} {s.text}")
    if any(round(x.value) == round(y.value) for x in stated for y in own):
        return 2.0
    if any(x.unit == y.unit for x in stated for y in own):
        return -0.5
    document = {round(x.value) for x in _quantities(sources.text(s.doc_id)[:20000])}
    return 0.5 if any(round(x.value) in document for x in stated) else 0.0


# Each candidate sentence is scored again for every part of a question and every question after it,
# and its document with it. Kept here rather than worked out each time: folding a sentence's whole
# document and searching it for the question's names, and finding the provinces a sentence names,
# were 9 and 5 ms of each of the slowest twenty questions of dev and dev2 (measured on 2 cores).
@lru_cache(maxsize=4096)
def _provinces_in(text: str) -> tuple[str, ...]:
    return tuple(find_provinces(text))


@lru_cache(maxsize=64)
def _folded_lower(text: str) -> str:
    return fold(text.lower())


@lru_cache(maxsize=8192)
def _document_names(document: str, name: str) -> bool:
    """Whether a document names ``name`` (folded, lower case) as a whole word or words."""
    return re.search(rf"\b{re.escape(name)}\b", _folded_lower(document)) is not None


@lru_cache(maxsize=1024)
def _quantities(text: str) -> tuple[Quantity, ...]:
    """The figures of a text, kept for the next sentence that asks: the question's and each
    document's head were read again for every candidate sentence, 40 % of the time of a question
    that states a figure (measured on dev2's multi-part questions)."""
    return tuple(find_quantities(text))


_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*((?:19|20)\d\d))?(?!\d)")


def _dates(text: str) -> set[tuple[int, int, int | None]]:
    return {(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None) for m in _DAY_MONTH.finditer(text)}


def _date_agreement(q: Question, s: Sentence, document: str) -> float:
    """A day the question names ("chiều 12/4/2024"), in the sentence or the sentences around it;
    more when the year is written there too."""
    asked = _dates(q.text)
    if not asked:
        return 0.0
    around = _dates(" ".join([s.text, *(span.of(document) for span in s.neighbours)]))
    score = 0.0
    for day, month, year in asked:
        if (day, month, year) in around and year is not None:
            score += 1.0
        elif any((d, m) == (day, month) for d, m, _ in around):
            score += 0.5
    return score


def _place_agreement(sources: Sources, q: Question, s: Sentence) -> float:
    """The province asked about, named in the sentence (+1) or by its document (+0.5); a document
    about another province entirely (-1)."""
    provinces = [p for p in q.places if p != NATIONAL]
    if not provinces:
        return 0.0
    if any(p in _provinces_in(f"{s.antecedent} {s.text}") for p in provinces):
        return 1.0
    info = sources.documents().get(s.doc_id)
    if info is not None and any(p in info.provinces for p in provinces):
        return 0.5
    if info is not None and info.provinces:
        return -1.0
    return 0.0


def _name_agreement(sources: Sources, q: Question, s: Sentence) -> float:
    """The things the question names (an organisation, a district, a programme), in the sentence
    (up to +1.5) or elsewhere in its document (up to +0.5)."""
    names = named_in(q)
    if not names:
        return 0.0
    here = set(fold(s.text.lower()).replace("/", " ").replace("(", " ").replace(")", " ").split())
    found = len(names & here) / len(names)
    if found == 1.0:
        return 1.5
    document = sources.text(s.doc_id)
    elsewhere = sum(1 for n in names - here if _document_names(document, n)) / len(names)
    absent = 1.0 - found - elsewhere  # named by the question, nowhere in this document
    score = 1.5 * found + 0.5 * elsewhere - 1.0 * absent
    districts = {fold(d.lower()) for d in q.districts}
    if districts and not districts & sources.districts_of(s.doc_id):
        score -= 2.0  # the district asked about is not this document's
    return score


def _year_agreement(q: Question, sentence: str, document: str) -> float:
    asked = {y for p in q.periods for y in re.findall(r"(?:19|20)\d\d", p.label)}
    if not asked:
        return 0.0
    named = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", sentence))
    if asked == named:
        return 1.0
    if asked < named:
        return 0.6
    if asked & named:
        return 0.5
    if named:
        return -0.5
    return 0.3 if any(y in document for y in asked) else 0.0


_CAPTION = re.compile(r"(?:\bẢnh\s*:|\bPhoto\s*:|\|\s*$|^!\[)")


def _skippable(sentence: str) -> bool:
    """A photo caption or a scrap ("vn).") between a sentence and the one it runs on into."""
    return bool(_CAPTION.search(sentence)) or len(sentence.strip()) < 20


def _with_context(sources: Sources, q: Question, best: Sentence, idf: dict[str, float]) -> list[Sentence]:
    """The best sentence, with the sentences next to it that carry what it leaves out: a list that
    runs on after ":" or ";" (past photo captions and layout scraps), or question words it does not
    hold."""
    text = sources.text(best.doc_id)
    ordered = _in_order(sources, best.doc_id)
    index = next((i for i, (span, _) in enumerate(ordered) if span == best.span), None)
    if index is None:
        return [best]
    chosen = [best]
    covered = content_words(best.text)
    taken = {index}

    def take(j: int) -> None:
        taken.add(j)
        span, passage_id = ordered[j]
        chosen.append(Sentence(best.doc_id, passage_id, span, span.of(text), j, best.rank, ()))
        covered.update(content_words(span.of(text)))

    after = _next_prose(ordered, text, index + 1)
    runs_on = best.text.rstrip().endswith((":", ";", ","))
    while runs_on and after is not None and len(chosen) < MAX_SENTENCES:
        take(after)  # the list the sentence announces ("..., gồm:") is part of the answer
        runs_on = chosen[-1].text.rstrip().endswith((":", ";", ","))
        after = _next_prose(ordered, text, after + 1)
    for j in (index + 1, index - 1):
        if len(chosen) >= MAX_SENTENCES or not 0 <= j < len(ordered) or j in taken:
            continue
        sentence = ordered[j][0].of(text)
        new = {w for w in content_words(sentence) if w in idf and w not in covered}
        if not _skippable(sentence) and sum(idf[w] for w in new) >= 0.15 * (sum(idf.values()) or 1.0):
            take(j)
    chosen.sort(key=lambda s: s.span.start)
    return chosen


SKIPPED_AT_MOST = 4  # captions and scraps passed over between a sentence and the one it runs on into


def _in_order(sources: Sources, doc_id: str) -> list[tuple[Span, str]]:
    """Every sentence of a document in order, with its passage."""
    return [(span, p.passage_id) for p in sources.passages_of(doc_id) for span in p.sentences]


def _next_prose(ordered: list[tuple[Span, str]], text: str, start: int, step: int = 1) -> int | None:
    """The index of the first sentence from ``start`` on (backwards for ``step`` -1) that is not a
    caption or a scrap."""
    for j in range(start, start + step * (SKIPPED_AT_MOST + 1), step):
        if 0 <= j < len(ordered) and not _skippable(ordered[j][0].of(text)):
            return j
    return None


def key_span(q: Question, sentence: str, patterns: list[tuple[re.Pattern[str], float]] | None = None) -> str | None:
    """The part of a sentence that answers: a name with its title, an organisation, a list of
    places (of the kind asked, when the question names one), a decree, a date."""
    for pattern, _ in patterns if patterns is not None else cues(q):
        m = next((m for m in pattern.finditer(sentence) if _of_asked_kind(q, pattern, m.group(0))), None)
        if m:
            return re.sub(r"(?:\s+(?:và|của|cho|về|-))+$", "", _trim(m.group(0)))  # not "tổ chức A và"
    if _WHICH_BODY.search(q.folded):
        organisations = find_organisations(sentence)
        if organisations:
            return organisations[0][2]
    return None


def covers(q: Question, sentences: list[Sentence]) -> bool:
    """The sentences already hold the kind of thing a part of a question asks for: for "những xã
    nào", a list of communes (a list of districts does not do)."""
    patterns = cues(q)
    return not patterns or any(
        _of_asked_kind(q, pattern, m.group(0)) for s in sentences for pattern, _ in patterns for m in pattern.finditer(s.text)
    )


_KIND_WORDS = {"district": "huyen", "districts": "huyen", "commune": "xa", "communes": "xa", "province": "tinh", "provinces": "tinh"}
_PLACE_KIND = re.compile(r"\b(xa|huyen|tinh|quan|phuong|thi tran|dia ban|dia phuong|districts?|communes?|provinces?)\b")


def _of_asked_kind(q: Question, pattern: re.Pattern[str], span: str) -> bool:
    """A place span ("xã Cương Chính, ...") is of a kind the question asks for ("những xã, thị trấn
    nào": communes or towns); other spans, and any place for "địa bàn nào", always are."""
    if pattern not in (_PLACE_LIST, _PLACE_ONE, _PLACE_ANY):
        return True
    asked = {_KIND_WORDS.get(k, k) for m in _ASKED_KIND.finditer(q.folded) for k in _PLACE_KIND.findall(m.group(0))}
    if not asked or asked & {"dia ban", "dia phuong"}:
        return True
    first = _PLACE_KIND.match(fold(span.lower()))
    return first is not None and _KIND_WORDS.get(first.group(1), first.group(1)) in asked


_NOT_NAME_WORDS = frozenset(
    "tổ chức ủy ban uỷ ban sở bộ ban liên hiệp hội ubnd hđnd tỉnh thành phố huyện xã quốc gia việt nam "
    "committee union organization organisation department people's province vietnam".split()
)  # fmt: skip


def _person_name(name: str) -> bool:
    """A person's name, not a body or a place caught by the same capitals ("Tổ chức Tầm nhìn Thế
    giới", "Việt Nam")."""
    words = name.split()
    if not 2 <= len(words) <= 5 or any(w.lower() in _NOT_NAME_WORDS for w in words):
        return False
    return not find_provinces(name) and fold(name.lower()) not in ("viet nam", "vietnam")


def _trim(span: str) -> str:
    return span.strip(" ,;:–-")


def honorific(document: str, name: str) -> str | None:
    """How the document addresses a person ("ông", "bà"), from another mention of them: "ông Đức"."""
    given = name.split()[-1] if name.split() else ""
    if not given:
        return None
    m = re.search(rf"\b(ông|bà|Ông|Bà)\s+(?:[A-ZĐ][^\W\d_]*\s)*{re.escape(given)}\b", document)
    return m.group(1).lower() if m else None


def folded_has(text: str, words: set[str]) -> bool:
    folded = fold(text.lower())
    return all(w in folded for w in words)
