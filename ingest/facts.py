"""Structured facts from report sentences: a figure with its metric and its scope (place, district,
organisation, sector, period).

"Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn
giải ngân đạt 17.216.450,40 USD." gives two facts, 94 projects and 17,216,450.40 USD disbursed, both
for Quảng Trị in 2023. What a sentence does not state is resolved from the sentences before it in
its paragraph ("Tổng giá trị cam kết viện trợ 16,2 triệu USD." after a sentence about Hòa Bình in
2020), then, for the district, organisation and period a report is about, from earlier paragraphs,
then from the document as a whole (its frame: "(HG) - Liên hiệp các Tổ chức hữu nghị tỉnh, trong
quý I, ..." is about Hậu Giang in the first quarter of the year it was published). "toàn tỉnh",
"tỉnh", "địa phương", "the province" refer to the document's province. The sentence a carried
subject or period came from is kept, so an answer can cite it too. Rows of tables get their
column's name as their description and their row's year as their period.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ingest.models import Fact, Passage, Span
from ingest.tables import Row, Table, find_tables, labelled_cells
from vntext.entities import NATIONAL, find_organisations, places_in
from vntext.gazetteer import find_district_mentions
from vntext.glossary import find_concepts
from vntext.metrics import metric_of
from vntext.numbers import COUNTED, CURRENCIES, SCALES, Quantity, find_quantities, match_phrase, parse_number
from vntext.periods import Period, PeriodMention, find_periods

__all__ = ["NATIONAL", "extract_facts", "reference_year"]

_AMONG = re.compile(r"\s*(?:trong số (?:này|đó|trên)|among them|of these|of whom)\b", re.IGNORECASE)
_SUBSET = re.compile(r"\btrong\s+đó\b|\bincluding\b|\bof which\b", re.IGNORECASE)
# "(tương đương 59 tỷ đồng)": the same amount in another unit, not a part of it
_EQUIVALENT = re.compile(r"\(\s*(?:tương đương|tức|khoảng|hay|hoặc|or|equivalent|about|approximately|some)\b[^()]*$", re.IGNORECASE)
# Words that refer to the document's own province or city without naming it
_OWN_PLACE = re.compile(
    r"\b(?:toàn tỉnh|tỉnh|trên địa bàn|địa phương|thành phố|toàn thành phố|the province|the city|provincial|locality)\b",
    re.IGNORECASE,
)
# Present-tense statements ("hiện có 800 tổ chức"): true at the time of writing
# The time of writing: "hiện có", "hiện hoạt động" ("thực hiện", "xuất hiện", "thể hiện" are other words)
_PRESENT = re.compile(
    r"(?<!thực )(?<!xuất )(?<!thể )(?<!phát )(?<!biểu )(?<!tái )"
    r"\bhiện (?:có|nay|đang|là|còn|vẫn|hoạt động)\b|\b(?:currently|at present|so far)\b",
    re.IGNORECASE,
)
# Concepts that name a sector a figure can be about
SECTORS = frozenset({
    "health", "education", "clean_water", "uxo", "disability", "children", "poverty", "climate", "disaster",
    "agent_orange", "covid", "victims",
})  # fmt: skip
# How sure the frame must be of a document's place before its figures take it (the frame's
# confidence for the right place runs from about 0.35 in short English pieces up; see ingest.frame)
FRAME_PLACE_CONFIDENCE = 0.3
# Paragraphs that open like this go on with the one before: its subject and period carry over
_CONTINUES = re.compile(
    r"^\W*(?:consequently|as a result|accordingly|in addition|besides|also|do đó|vì vậy|nhờ đó|nhờ vậy|theo đó|"
    r"bên cạnh đó|ngoài ra|cụ thể|trong đó|đồng thời|cùng với đó)\b",
    re.IGNORECASE,
)
TOPIC_MIN_WORDS = 25  # a one-sentence paragraph shorter than this (a caption) sets no topic
# "cả nước", "nationwide": an adverb when the sentence also names a province ("đứng đầu cả nước")
_NATIONAL_ADVERB = re.compile(r"\b(?:cả nước|toàn quốc|nationwide|national|trong nước|nationally)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"][^”\"]{0,300}[”\"]")


@dataclass
class _Carry:
    """What the sentences read so far have named, with the sentence that named it."""

    last_fact: Fact | None = None
    metric: str | None = None
    place: tuple[str, Span] | None = None
    district: tuple[str, Span] | None = None
    organization: tuple[str, Span] | None = None
    period: tuple[Period, Span] | None = None


@dataclass
class _Document:
    """What every sentence of a document may fall back on."""

    doc_id: str
    text: str
    place: str | None  # the frame's main place, when it is clear, else the title's
    reference: str | None  # ISO publication date, for "năm qua", "đến nay", "quý I"
    year: int | None  # the year the report is about
    year_span: Span | None  # the first sentence that names that year
    tables: list[Table] = field(default_factory=list)
    topic: _Carry = field(default_factory=_Carry)  # carried from paragraph to paragraph
    main_period: Period | None = None  # the frame's period, when it spans years
    paragraph_sentences: int = 0  # sentences of the current paragraph read so far
    paragraph_words: int = 0
    paragraph_dated: bool = False  # it names a period


def reference_year(text: str, published: str | None) -> int | None:
    """The year a report speaks from: the year it mentions most, else its publication year."""
    counts = Counter(
        m.period.start[:4] for m in find_periods(text) if m.period is not None and m.period.is_single_year and not m.comparison
    )
    if counts:
        # a tie goes to the earlier year: reports review one year and plan the next
        return int(max(counts, key=lambda y: (counts[y], -int(y))))
    return int(published[:4]) if published else None


def extract_facts(
    doc_id: str,
    text: str,
    passages: list[Passage],
    title: str | None = None,
    published: str | None = None,
    frame=None,  # ingest.frame.DocumentFrame; untyped here to keep the import one-way
) -> list[Fact]:
    """Facts of every sentence of a document, subjects and periods resolved as the module says."""
    year = (frame.main_year if frame else None) or reference_year(text, published)
    place = None
    if frame is not None and frame.main_place and frame.place_confidence >= FRAME_PLACE_CONFIDENCE:
        place = frame.main_place
    elif title:
        found = places_in(title, find_organisations(title))
        place = found[0][1] if found else None
    doc = _Document(
        doc_id, text, place, (frame.published if frame else None) or published, year,
        _first_sentence_with_year(text, passages, year), find_tables(text), main_period=_frame_period(frame),
    )  # fmt: skip
    facts: list[Fact] = []
    carry = _Carry()
    prose = carry  # the carry of the last paragraph that was not a caption
    previous_paragraph = -1
    counted_to, newlines = 0, 0  # newlines in text[:counted_to]
    for passage in passages:
        for span in passage.sentences:
            # count on from the previous sentence: counting from the start of the text for every
            # sentence made long documents quadratic
            if span.start < counted_to:
                counted_to, newlines = 0, 0
            newlines += text.count("\n", counted_to, span.start)
            counted_to = span.start
            if newlines != previous_paragraph:
                if not _end_paragraph(doc, carry):
                    prose = carry
                # "Bên cạnh đó, ...": goes on with the last paragraph of prose, past any caption
                carry = replace(prose) if _CONTINUES.match(span.of(text)) else _Carry()
                previous_paragraph = newlines
            doc.paragraph_sentences += 1
            doc.paragraph_words += len(span.of(text).split())
            row = _row_at(doc.tables, span)
            if row is not None:
                facts.extend(_row_facts(doc, passage, span, row, len(facts)))
            else:
                facts.extend(_sentence_facts(doc, passage, span, carry, len(facts)))
    return facts


def _end_paragraph(doc: _Document, carry: _Carry) -> bool:
    """A district or organisation a paragraph named (with the period it named for it) stays the
    report's topic for the paragraphs after it, until another is named; a paragraph that names
    neither (a caption, a general remark) leaves the topic as it was. True for a caption."""
    sentences, words = doc.paragraph_sentences, doc.paragraph_words
    doc.paragraph_sentences = doc.paragraph_words = 0
    dated, doc.paragraph_dated = doc.paragraph_dated, False
    if sentences == 1 and words < TOPIC_MIN_WORDS and not dated:
        return True  # a caption or a heading: short, one sentence, no period of its own
    if carry.district is None and carry.organization is None:
        if carry.place is not None:
            doc.topic = _Carry()  # a paragraph about another place ends the topic
        return False
    old = doc.topic
    doc.topic = _Carry(
        district=carry.district or old.district, organization=carry.organization or old.organization,
        period=carry.period or old.period,
    )
    return False


@dataclass
class _Mentions:
    """Everything a sentence names that can scope its figures, with positions."""

    places: list[tuple[int, str]]
    districts: list[tuple[int, str]]
    district_provinces: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    periods: list[tuple[int, Period, Span | None, str]]  # position, period, cited sentence, source
    comparisons: list[tuple[int, Period]]
    own_place: bool  # "tỉnh", "toàn tỉnh", "the province": the document's place
    quoted: list[tuple[int, int]] = field(default_factory=list)  # quoted titles of events and programmes
    listed_districts: frozenset[int] = frozenset()  # positions of districts named in a list of several


def _mentions(doc: _Document, span: Span, sentence: str, carry: _Carry) -> _Mentions:
    organisations_found = find_organisations(sentence)
    district_mentions = find_district_mentions(sentence)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence)]  # a project's title
    places = [
        p for p in places_in(sentence, organisations_found)
        if not _commune_named_like_a_province(sentence, p, district_mentions) and not any(a <= p[0] < b for a, b in quoted)
        and not _address(sentence, p[0])
    ]  # fmt: skip
    district_mentions = [m for m in district_mentions if not _address(sentence, m.start)]
    if any(name != NATIONAL for _, name in places):
        places = [p for p in places if p[1] != NATIONAL or not _NATIONAL_ADVERB.match(sentence, p[0])]
    districts = [(m.start, m.name) for m in district_mentions]
    listed = frozenset(
        m.start for a, b in zip(district_mentions, district_mentions[1:], strict=False)
        if _LIST_GAP.fullmatch(sentence, a.end, b.start) for m in (a, b)
    )  # fmt: skip
    district_provinces = [(m.start, m.province) for m in district_mentions if m.province]
    found = find_periods(sentence, doc.reference)
    resolved: list[tuple[int, Period, Span | None, str]] = []
    for mention in found:
        if mention.comparison:
            continue
        period = _resolve(doc, mention, carry)
        if period is not None:
            resolved.append((mention.start, *period))
    present = _PRESENT.search(sentence) if not resolved and doc.reference else None
    if present is not None:
        year = int(doc.reference[:4])  # "hiện có 800 tổ chức": as of the time of writing
        resolved.append((present.start(), Period.year(year), None, "document"))
    return _Mentions(
        places=places,
        districts=districts,
        district_provinces=district_provinces,
        organisations=[(start, name) for start, _, name in organisations_found],
        periods=resolved,
        comparisons=[(m.start, m.period) for m in found if m.comparison and m.period is not None],
        own_place=bool(_OWN_PLACE.search(sentence)),
        quoted=quoted,
        listed_districts=listed,
    )


_ADDRESS_BEFORE = re.compile(r"(?:[-–(]|\(\s*[^()]{0,40}[-–,])\s*(?:thành phố|tỉnh|TP\.?|quận|huyện|city|province)?\s*$", re.IGNORECASE)


def _address(sentence: str, start: int) -> bool:
    """ "Hội thánh Tin lành Đất Hứa - thành phố Hồ Chí Minh", "(quận 4 - thành phố Hồ Chí Minh)": where
    an organisation is, written after a dash or in parentheses, not the figure's subject."""
    before = sentence[max(0, start - 60) : start]
    depth = before.count("(") - before.count(")")
    return depth > 0 or bool(_ADDRESS_BEFORE.search(before[-20:]))


def _commune_named_like_a_province(sentence: str, place: tuple[int, str], districts) -> bool:
    """ "Bình Phước (Mang Thít)": a commune named like a province, its district in parentheses; the
    district lies in another province, so the name is not that province."""
    start, name = place
    if name == NATIONAL:
        return False
    after = sentence.find("(", start)
    if after < 0 or after - start > len(name) + 3:
        return False
    return any(d.start - after <= 2 and d.start > after and d.province and d.province != name for d in districts)


def _resolve(doc: _Document, mention: PeriodMention, carry: _Carry) -> tuple[Period, Span | None, str] | None:
    """A period mention as a period, with the sentence it comes from when that is another one."""
    previous = carry.period or doc.topic.period
    if mention.relative == "recent" and mention.length_years and doc.reference:
        last = int(doc.reference[:4])
        framed = doc.main_period
        if framed is not None and framed.end and int(framed.end[:4]) >= last - 1:
            span_years = int(framed.end[:4]) - int(framed.start[:4]) + 1
            if mention.length_years <= span_years <= mention.length_years + 3:
                return framed, None, "document"  # "hơn 20 năm qua" in a review of 1996-2017
    if mention.period is not None:
        if mention.period.start == OPEN_START and previous is not None and previous[0].end in (mention.period.end, None):
            return previous[0], previous[1], "paragraph"  # "so far" after "from 2024 to the present"
        return mention.period, None, "sentence"
    if mention.relative == "anaphoric" and previous is not None:
        return previous[0], previous[1], "paragraph"  # "giai đoạn này"
    if mention.relative == "past" and previous is not None and doc.reference is None:
        return previous[0], previous[1], "paragraph"  # "năm qua" in an undated report
    if mention.relative == "recent" and mention.length_years and doc.reference:
        last = int(doc.reference[:4])
        return Period.years(last - mention.length_years, last), None, "document"  # "5 năm qua"
    if doc.year is not None and mention.relative in ("past", "current"):
        return Period.year(doc.year), doc.year_span, "document"
    return None


OPEN_START = "0001-01-01"  # how vntext.periods writes a period with no start ("tính đến tháng 10")


def _frame_period(frame) -> Period | None:
    """The frame's main period when it spans several years ("tổng kết giai đoạn 1996-2017")."""
    if frame is None or not frame.main_period:
        return None
    match = next((p for p in frame.periods if p.label == frame.main_period), None)
    if match is None or match.end is None or match.start[:4] == match.end[:4]:
        return None
    return Period(match.start, match.end, match.label)


def _sentence_facts(doc: _Document, passage: Passage, span: Span, carry: _Carry, counter: int) -> list[Fact]:
    sentence = span.of(doc.text)
    found = _mentions(doc, span, sentence, carry)
    subset_at = [m.start() for m in _SUBSET.finditer(sentence)]
    facts: list[Fact] = []
    previous_end = 0
    previous_metric: str | None = None
    quantities = find_quantities(sentence)
    for n, quantity in enumerate(quantities):
        descriptor = sentence[previous_end : quantity.start]
        if n and quantities[n - 1].unit == "years" and quantity.unit != "years":
            # "giải ngân trong hơn 20 năm qua là 4,3 tỷ USD": a duration does not end the description
            start = quantities[n - 2].end if n > 1 else 0
            descriptor = sentence[start : quantity.start]
        next_start = quantities[n + 1].start if n + 1 < len(quantities) else len(sentence)
        # words after a figure describe it up to the next clause boundary; past it they usually
        # introduce the next figure ("..., trong đó: vốn viện trợ không hoàn lại: ...")
        trailing = re.split(r"[;,:]", sentence[quantity.end : next_start], maxsplit=1)[0]
        referent = carry.last_fact if _AMONG.match(trailing) else None
        # "of which 2.7 million USD has already been disbursed": English may name it after the figure
        metric = metric_of(descriptor) or (previous_metric if quantity.change else None) or _metric_after(trailing)
        if metric is None and quantity.is_money:
            metric = carry.metric  # "Viện trợ PCPNN theo lĩnh vực ... Lĩnh vực y tế đạt trên 51 triệu USD"
        previous_end, previous_metric = quantity.end, metric
        scope = _scope(doc, span, sentence, quantity, found, carry)
        facts.append(
            Fact(
                fact_id=f"{passage.passage_id}-f{counter + len(facts)}",
                doc_id=doc.doc_id,
                passage_id=passage.passage_id,
                sentence=span,
                span=Span(span.start + quantity.start, span.start + quantity.end),
                value=quantity.value,
                unit=quantity.unit or "count",
                unit_text=quantity.unit_text,
                text=quantity.text,
                qualifier=quantity.qualifier,
                change=quantity.change,
                metric=metric,
                part_of_total=_in_subset(sentence, quantity, subset_at) or referent is not None,
                # "Gần 5 ngàn trường hợp trong số này": the cases are among the victims named before
                descriptor=(f"({referent.unit_text}) " if referent and referent.unit_text else "") + descriptor.strip(" ,;:()"),
                trailing=trailing.strip(" ,;:()."),
                compared_to=_comparison_after(found.comparisons, quantity) if quantity.change else None,
                sector=_sector(descriptor),
                **scope,
            )
        )
    _remember(carry, facts, sentence, span, found)
    doc.paragraph_dated = doc.paragraph_dated or any(kind == "sentence" for _, _, _, kind in found.periods)
    return facts


def _scope(doc: _Document, span: Span, sentence: str, quantity: Quantity, found: _Mentions, carry: _Carry) -> dict:
    """Place, district, organisation and period of one figure, with where each came from."""
    context: list[Span] = []
    source = "sentence"

    def cite(carried: Span | None) -> None:
        if carried is not None and carried != span and carried not in context:
            context.append(carried)

    place = _subject_place(sentence, quantity, found.places) or _subject_place(sentence, quantity, found.district_provinces)
    if place is None and carry.place is not None:
        place, source = carry.place[0], "paragraph"
        cite(carry.place[1])
    if place is None and doc.place is not None:
        place, source = doc.place, "document"
    names_place = bool(found.places)
    on_topic = False  # the figure continues the topic of earlier paragraphs
    # a figure beside a list of districts ("covering the districts of A, B, C and D") is about all of them
    nearest = _nearest([(pos, (pos, name)) for pos, name in found.districts], quantity.start)
    district = nearest[1] if nearest is not None and nearest[0] not in found.listed_districts else None
    if district is None and not names_place and not found.listed_districts:
        carried = carry.district or doc.topic.district
        if carried is not None:
            district, on_topic = carried[0], carry.district is None
            cite(carried[1])
    organisation = _subject_organisation(sentence, quantity, found.organisations)
    if organisation is None and not names_place:
        carried = carry.organization or doc.topic.organization
        if carried is not None:
            organisation, on_topic = carried[0], on_topic or carry.organization is None
            cite(carried[1])
    period, period_source = None, None
    stated = _nearest(
        [
            (pos, (p, s, kind)) for pos, p, s, kind in found.periods
            # "hiện" dates its own clause: "hơn 300 tổ chức hiện hoạt động, có 44 tổ chức mà ..."
            if kind != "document" or not _CLAUSE_BREAK.search(sentence, *sorted((pos, quantity.start if pos < quantity.start else quantity.end)))
        ],
        quantity.start,
    )  # fmt: skip
    if stated is not None:
        period, cited, period_source = stated
        cite(cited)
    else:
        carried = carry.period or (doc.topic.period if on_topic else None)
        if carried is not None:
            period, period_source = carried[0], "paragraph"
            cite(carried[1])
        elif doc.year is not None:
            # no sentence dates the figure: the year the report is about, cited, and flagged as such
            period, period_source = Period.year(doc.year), "document"
            cite(doc.year_span)
    return {
        "place": place, "district": district, "organization": organisation, "period": period,
        "period_source": period_source, "subject_source": source, "context": context,
    }  # fmt: skip


_CLAUSE_END = re.compile(r"[;:.!?]")
# Between two districts of one list: "A, B", "A và B", "A, and the district of B"
_LIST_GAP = re.compile(
    r"\s*(?:[,;&]\s*)?(?:(?:và|and|cùng)\s+)?(?:(?:các\s+|the\s+)?(?:huyện|quận|thị xã|districts?(?:\s+of)?)\s+)?",
    re.IGNORECASE,
)
# A comma or semicolon ends a clause, except before the part of what it counted ("…, trong đó 500 …")
_CLAUSE_BREAK = re.compile(r"[;:]|,(?!\s*(?:trong đó|trong số đó|of which|including|among them)\b)", re.IGNORECASE)


_PASSIVE = re.compile(r"^\s*(?:has|have|had|was|were|is|are)\s+(?:already\s+|been\s+|already been\s+)*(\w+)", re.IGNORECASE)


def _metric_after(trailing: str) -> str | None:
    m = _PASSIVE.match(trailing)
    return metric_of(m.group(1)) if m else None


def _subject_organisation(sentence: str, quantity: Quantity, organisations: list[tuple[int, str]]) -> str | None:
    """The organisation a figure is about: the last one named before it in its clause ("Quỹ Nam
    Phương nhận lời tài trợ làm 2 cây cầu"). One named after it ("8 dự án ..., đến từ các tổ chức:
    Helen Keller ...") is where the projects came from, not the figure's subject."""
    before = [(pos, name) for pos, name in organisations if pos < quantity.start]
    for pos, name in reversed(before):
        if not _CLAUSE_END.search(sentence, pos, quantity.start):
            return name
        break
    return None


def _remember(carry: _Carry, facts: list[Fact], sentence: str, span: Span, found: _Mentions) -> None:
    """What this sentence names explicitly is carried to the next ones of the paragraph."""
    if facts:
        carry.last_fact = facts[-1]
    sentence_metric = metric_of(sentence)
    if sentence_metric is not None:
        carry.metric = sentence_metric
    if found.places:
        carry.place = (found.places[-1][1], span)
        carry.district = carry.organization = None
    if found.districts:
        carry.district = (found.districts[-1][1], span)
    if found.organisations:
        carry.organization = (found.organisations[-1][1], span)
    # the period in a quoted title ("Hội nghị “Xúc tiến ... giai đoạn 2011-2015”") is the event's,
    # not the period of the figures the next sentences give
    stated = [
        (p, s) for pos, p, s, kind in found.periods
        if kind != "document" and not any(a <= pos < b for a, b in found.quoted) and not _narrowing(sentence, pos)
    ]  # fmt: skip
    if stated:
        period, cited = stated[-1]
        carry.period = (period, cited or span)


# "…, riêng năm 2010 đã đạt 279 triệu USD": a year singled out inside a sentence about something
# wider ("vài năm gần đây"); the sentences after it are not about that year. At the start of a
# sentence ("Riêng năm 2023, tỉnh …") it frames what follows and is carried as usual.
_NARROWING = re.compile(r"(?:\briêng|\btrong đó|\bof which|\bincluding)\s+(?:(?:trong|in)\s+)?(?:(?:năm|the year)\s+)?$", re.IGNORECASE)


def _narrowing(sentence: str, pos: int) -> bool:
    m = _NARROWING.search(sentence, 0, pos)
    return m is not None and bool(sentence[: m.start()].strip(" ,;:-–"))


def _subject_place(sentence: str, quantity: Quantity, mentions: list[tuple[int, str]]) -> str | None:
    """The place a figure is about: the last named before it; or one named just after it in the
    same clause ("giải ngân 5 triệu USD tại tỉnh X"), not one of a later clause ("... năm 2023 mà
    Liên hiệp Hữu nghị Thành phố Hồ Chí Minh đứng ra tổ chức")."""
    before = [name for pos, name in mentions if pos <= quantity.start]
    if before:
        return before[-1]
    after = [(pos, name) for pos, name in mentions if pos >= quantity.end]
    if after and after[0][0] - quantity.end <= 40 and not _AFTER_CLAUSE.search(sentence, quantity.end, after[0][0]):
        return after[0][1]
    return None


_AFTER_CLAUSE = re.compile(r"[,;:.]|\b(?:mà|which|where|who|that)\b")


def _nearest(mentions: list[tuple[int, object]], pos: int):
    """The mention closest before ``pos``; failing that, the first after it."""
    before = [m for m in mentions if m[0] <= pos]
    if before:
        return before[-1][1]
    return mentions[0][1] if mentions else None


def _sector(descriptor: str) -> str | None:
    """The sector the words just before a figure name ("lĩnh vực y tế đạt ...")."""
    near = " ".join(descriptor.split()[-10:])
    for mention in reversed(find_concepts(near)):
        if mention.concept in SECTORS:
            return mention.concept
    return None


# --- tables -----------------------------------------------------------------------------------------


def _row_at(tables: list[Table], span: Span) -> Row | None:
    for table in tables:
        if table.span.start <= span.start and span.end <= table.span.end:
            return next((row for row in table.rows if row.span == span), None)
    return None


def _row_facts(doc: _Document, passage: Passage, span: Span, row: Row, counter: int) -> list[Fact]:
    """One fact per figure cell of a table row: what it measures from its column's name, its period
    from the row's year."""
    table = next(t for t in doc.tables if row in t.rows)
    key = row.key or ""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", key)]
    period = Period.years(years[0], years[-1]) if years else None
    facts = []
    for header, cell in labelled_cells(table, row):
        cell_text = cell.of(doc.text)
        if header is None or cell_text.strip() == key.strip():
            continue
        value = parse_number(cell_text.strip())
        unit, unit_text, scale = _header_unit(header)
        if value is None or unit is None:
            continue
        facts.append(
            Fact(
                fact_id=f"{passage.passage_id}-f{counter + len(facts)}",
                doc_id=doc.doc_id,
                passage_id=passage.passage_id,
                sentence=span,
                span=_stripped(cell, doc.text),
                value=round(value * scale, 6),
                unit=unit,
                unit_text=unit_text,
                text=cell_text.strip(),  # the cell as written; its unit is the column's (unit_text)
                metric=metric_of(header),
                place=doc.place,
                period=period or (Period.year(doc.year) if doc.year else None),
                descriptor=header,
                subject_source="document",
                period_source="sentence" if period else "document",
                context=[table.header_span] if table.header_span else [],
                sector=_sector(header),
            )
        )
    return facts


def _stripped(span: Span, text: str) -> Span:
    cell = span.of(text)
    start = span.start + len(cell) - len(cell.lstrip())
    return Span(start, start + len(cell.strip()))


def _header_unit(header: str) -> tuple[str | None, str | None, float]:
    """What a column's figures are counted in: "Giá trị (USD) viện trợ đã giải ngân" -> USD;
    "Số lượng dự án" -> projects; "Vốn (tỷ đồng)" -> VND in billions."""
    lowered = header.lower()
    scale = 1.0
    for word, factor in SCALES.items():
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            scale = max(scale, factor)
    for pos in [0] + [m.end() for m in re.finditer(r"[\s(]+", header)]:
        currency = match_phrase(header, pos, CURRENCIES)
        if currency is not None:
            return CURRENCIES[currency[0]], header[currency[1] - len(currency[0]) : currency[1]], scale
    for pos in [0] + [m.end() for m in re.finditer(r"\s+", header)]:
        counted = match_phrase(header, pos, COUNTED)
        if counted is not None and COUNTED[counted[0]] != "years":
            return COUNTED[counted[0]], header[counted[1] - len(counted[0]) : counted[1]], 1.0
    return None, None, 1.0


# --- helpers ----------------------------------------------------------------------------------------


def _first_sentence_with_year(text: str, passages: list[Passage], year: int | None) -> Span | None:
    if year is None:
        return None
    for passage in passages:
        for span in passage.sentences:
            if any(
                m.period is not None and m.period.is_single_year and m.period.start[:4] == str(year) and not m.comparison
                for m in find_periods(span.of(text))
            ):
                return span
    return None


def _comparison_after(comparisons: list[tuple[int, Period]], quantity: Quantity) -> Period | None:
    """ "tăng 4,9 triệu USD so với năm 2022": the reference right after a change."""
    following = [(pos, period) for pos, period in comparisons if pos >= quantity.end]
    return following[0][1] if following else None


def _in_subset(sentence: str, quantity: Quantity, subset_at: list[int]) -> bool:
    if any(pos < quantity.start for pos in subset_at):
        return True
    before = sentence[: quantity.start]
    depth = before.count("(") - before.count(")")
    if depth > 0 and _EQUIVALENT.search(before[before.rfind("(") :]):
        return False  # "(tương đương hơn 59 tỷ đồng)": the same amount, not a part
    return depth > 0

