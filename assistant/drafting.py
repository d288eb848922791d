"""Speech and brief drafts for the friendship-organisation unions, built from cited sources.

A draft has an opening, the results in sentences (the headline figures of its own place and latest
year and their change from the year before: see :mod:`assistant.headlines` and :mod:`assistant.speech`),
the key figures of the topic (each numbered and traceable to its sentence), what organisations did,
the difficulties and the directions the sources state (see :mod:`assistant.quotes`), a closing, and
a fact sheet. Without a language model the connecting text comes from templates and carries no
figure of its own; every figure comes from an extracted fact. A model may reword the opening and
the results; its text is kept only when its numbers check out against the sources.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic_core import to_jsonable_python

from assistant.grounding import numbers_in, ungrounded_numbers
from assistant.headlines import MONEY, Scope, headlines, in_scope, measure_of
from assistant.llm import LLMPhraser, LLMUnavailable, draft_opening, polish_results
from assistant.models import Citation, FactRef, Generator
from assistant.phrasing import period_vi, says_what_it_measures, statement_vi, undated
from assistant.question import content_words
from assistant.quotes import Limits, Quote, Setting, is_an_ngo, quotes
from assistant.speech import change_sentence, results_sentence
from assistant.wordnotes import Footnotes
from index.store import IndexStore
from vntext.entities import NATIONAL
from vntext.gazetteer import get_province
from ingest.instructions import instruction_in
from ingest.models import Fact, Span
from vntext.periods import OPEN_START, Period, year_range

@dataclass(frozen=True)
class Length:
    """How much a draft holds besides its headline figures, which are never cut."""

    figures: int
    directions: int
    difficulties: int
    organisations: int
    deeds: int


LENGTHS = {"day-du": Length(8, 4, 3, 6, 3), "ngan": Length(3, 2, 1, 3, 1)}  # full; short (a few minutes)
DEFAULT_LENGTH = "day-du"
LengthName = Literal["day-du", "ngan"]  # the keys of LENGTHS


# What the draft is for: its title, how it addresses the room, its opening and its last words.
OCCASIONS = {
    "tong-ket": (
        "Dự thảo bài phát biểu tại hội nghị tổng kết",
        "Kính thưa các đồng chí lãnh đạo, kính thưa các vị đại biểu, thưa các quý vị khách quý!",
        "Hôm nay, chúng ta tổ chức hội nghị tổng kết {topic}{where}{when}, nhìn lại những kết quả đã đạt được, "
        "ghi nhận đóng góp của các tổ chức phi chính phủ nước ngoài và bàn phương hướng, nhiệm vụ thời gian tới.",
        "Thay mặt ban tổ chức, xin trân trọng cảm ơn các tổ chức phi chính phủ nước ngoài, các nhà tài trợ và các cơ "
        "quan, địa phương đã đồng hành. Mong rằng sự hợp tác sẽ tiếp tục được mở rộng, thiết thực và hiệu quả. "
        "Chúc hội nghị thành công tốt đẹp. Xin trân trọng cảm ơn!",
    ),
    "gap-mat": (
        "Dự thảo bài phát biểu tại buổi gặp mặt các tổ chức phi chính phủ nước ngoài",
        "Kính thưa Quý vị đại diện các tổ chức phi chính phủ nước ngoài, thưa các vị khách quý!",
        "Hôm nay, chúng tôi rất vui mừng được gặp mặt Quý vị để cùng nhìn lại {topic}{where}{when} và trao đổi "
        "về hợp tác trong thời gian tới.",
        "Một lần nữa, xin chân thành cảm ơn sự đồng hành quý báu của Quý vị. Chúc Quý vị sức khỏe, hạnh phúc và "
        "thành công. Xin trân trọng cảm ơn!",
    ),
    "tom-tat": (
        "Báo cáo tóm tắt",
        "",
        "Báo cáo này tóm tắt {topic}{where}{when} theo các tài liệu hiện có; mỗi số liệu ghi kèm nguồn.",
        "",
    ),
}
DEFAULT_OCCASION = "tong-ket"
Occasion = Literal["tong-ket", "gap-mat", "tom-tat"]  # the keys of OCCASIONS


class DraftError(ValueError):
    """A draft request that cannot be served (bad years, unknown province, empty topic)."""


@dataclass
class DraftFigure:
    number: int
    statement: str
    fact: FactRef
    citation: Citation



@dataclass
class Draft:
    topic: str
    province: str | None
    years: str | None
    title: str
    opening: str
    address: str = ""  # "Kính thưa ...": empty in a brief
    occasion: str = DEFAULT_OCCASION
    results: list[str] = field(default_factory=list)  # the headline figures and their changes, as sentences
    figures: list[DraftFigure] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # non-governmental organisations named
    bodies: list[str] = field(default_factory=list)  # Vietnamese and coordinating bodies named
    sectors: list[str] = field(default_factory=list)
    deeds: list[Quote] = field(default_factory=list)  # what organisations that stood out did
    directions: list[Quote] = field(default_factory=list)
    difficulties: list[Quote] = field(default_factory=list)
    closing: str = ""
    notes: list[str] = field(default_factory=list)
    generator: Generator = Generator.TEMPLATE

    def as_dict(self) -> dict[str, object]:
        return to_jsonable_python(self)


def parse_years(text: str | None) -> Period | None:
    """ "2023" or "2023-2024" -> a period; None when not given."""
    try:
        return year_range(text)
    except ValueError as exc:
        raise DraftError(str(exc)) from None


class Drafter:
    def __init__(self, store: IndexStore, llm: LLMPhraser | None = None) -> None:
        self.store = store
        self.llm = llm

    def draft(
        self, topic: str, province: str | None = None, years: str | None = None, occasion: str | None = None,
        length: str | None = None,
    ) -> Draft:  # fmt: skip
        topic = (topic or "").strip()
        if not topic:
            raise DraftError("the topic is empty")
        occasion = occasion or DEFAULT_OCCASION
        if occasion not in OCCASIONS:
            raise DraftError(f"occasion must be one of {', '.join(OCCASIONS)}, not {occasion!r}")
        if (length or DEFAULT_LENGTH) not in LENGTHS:
            raise DraftError(f"length must be one of {', '.join(LENGTHS)}, not {length!r}")
        size = LENGTHS[length or DEFAULT_LENGTH]
        place = None
        if province:
            found = get_province(province)
            if found is None:
                raise DraftError(f"unknown province or city: {province!r}")
            place = found.name
        period = parse_years(years)
        query = " ".join(p for p in (topic, place, period.label if period else None) if p)
        documents = self.store.documents()
        names = {d.doc_id: d.name for d in documents}
        written = {d.doc_id: d.published_year or d.reference_year for d in documents}
        flagged = {d.doc_id: d.instruction for d in documents}  # found when each document was stored
        texts: dict[str, str] = {}

        def text_of(doc_id: str) -> str:
            if doc_id not in texts:
                texts[doc_id] = self.store.catalog.document_text(doc_id) or ""
            return texts[doc_id]

        def sentence(doc_id: str, span: Span) -> str:
            return span.of(text_of(doc_id))

        set_aside: dict[str, bool] = {}

        def usable(doc_id: str) -> bool:
            # as in answers: a document carrying instructions to an assistant gives nothing to a draft
            if doc_id not in set_aside:
                found = flagged[doc_id] if doc_id in flagged else instruction_in(text_of(doc_id))
                set_aside[doc_id] = found is not None
            return not set_aside[doc_id]

        hits = [h for h in self.store.search(query, top_k=25).hits if usable(h.passage.doc_id)]

        def citation(doc_id: str, passage_id: str, span: Span) -> Citation:
            return Citation(names.get(doc_id, doc_id), doc_id, passage_id, sentence(doc_id, span), span.start, span.end)

        passages = [h for h in hits if _passage_in_scope(h.passage.provinces, h.doc_title, place)]
        rank_of = {h.passage.passage_id: h.rank for h in passages}
        words = content_words(topic)

        # key figures: the headline figures of the draft's own scope first, then those of the topic
        usable_facts = [f for f in self.store.catalog.facts() if usable(f.doc_id)]
        scope = Scope(place or NATIONAL, period)
        heads = [headlines(usable_facts, scope)]
        if heads[0].period is not None and not heads[0].period.is_single_year:
            heads.append(headlines(usable_facts, scope, rank=1))  # a reporting year: the calendar one too
        # without years asked, a draft is about its latest period: the year before it and after
        since = _first_year(period, heads[0].period)
        recent = period or (Period.years(since, 2100) if since else None)
        limits = Limits(size.deeds, size.difficulties, size.directions)
        found = quotes(passages, Setting(place or NATIONAL, since), words, citation, limits, written)
        changes = [c for h in heads for c in h.changes]
        leading = [f for h in heads for f in h.figures] + [c.previous for c in changes]
        # a figure of a sentence quoted as an organisation's deed is told there
        quoted = {d.citation.sentence for d in found.deeds}
        candidates = [f for f in usable_facts if sentence(f.doc_id, f.sentence) not in quoted]
        topical = _topical_figures(candidates, Scope(place or NATIONAL, recent), leading, words, rank_of, sentence, size.figures)
        chosen, numbers = _numbered(leading + topical)
        cap = max(size.figures, len(_numbered(leading)[0]))  # headline figures are never cut
        chosen, numbers = chosen[:cap], {k: n for k, n in numbers.items() if n <= cap}
        figures = []
        for f in chosen:
            n = numbers[f.fact_id]
            ref = FactRef(f.value, f.unit, f.qualifier, f.text, f.subject, f.period.label if f.period else None,
                          names.get(f.doc_id, f.doc_id), f.metric)  # fmt: skip
            # a year taken from the report rather than the sentence would read as the sentence's claim
            stated = f if f.period_source != "document" else undated(f)
            figures.append(DraftFigure(n, f"{statement_vi(stated)} [{n}]", ref, citation(f.doc_id, f.passage_id, f.sentence)))

        def note(fact: Fact) -> str:
            return f"[{numbers[fact.fact_id]}]"

        results = [results_sentence(h, place or NATIONAL, note) for h in heads] + [change_sentence(c, note) for c in changes]
        results = [r for r in results if r]
        if not heads[0].figures and figures:
            scope_vi = "cả nước" if place is None else f"toàn {'thành phố' if _is_city(place) else 'tỉnh'} {place}"
            results = [f"Các tài liệu hiện có không nêu số liệu chung của {scope_vi}; các số liệu dưới đây là của "
                       "từng địa phương, tổ chức hoặc lĩnh vực, như nguồn ghi."]  # fmt: skip
        organisations = [f.organization for f in chosen if f.organization and is_an_ngo(f.organization)]
        organisations = list(dict.fromkeys(organisations + found.organisations))[: size.organisations]

        where = f" tại {place}" if place and place != NATIONAL else ""
        when = f" {period_vi(period)}" if period else ""
        notes = []
        if not figures:
            notes.append(f"Tài liệu không có số liệu về {topic}{where}{when}.")
        heading, address, opening, closing = OCCASIONS[occasion]
        opening = opening.format(topic=topic, where=where, when=when)
        generator = Generator.TEMPLATE
        if self.llm is not None and figures:
            opening, generator = self._phrased_opening(topic, figures, period, opening, notes)
        if self.llm is not None and heads[0].figures:
            results, polished = self._polished_results(results, notes)
            generator = Generator.LLM if polished else generator
        return Draft(
            topic=topic,
            province=place,
            years=period.label if period else None,
            title=f"{heading}: {topic}{where}{when}",
            opening=opening,
            address=address,
            occasion=occasion,
            results=results,
            figures=figures,
            organisations=organisations,
            bodies=found.bodies,
            sectors=found.sectors,
            deeds=found.deeds,
            directions=found.directions,
            difficulties=found.difficulties,
            closing=closing,
            notes=notes,
            generator=generator,
        )

    def _polished_results(self, results: list[str], notes: list[str]) -> tuple[list[str], bool]:
        """The model's wording of the results, kept only if it gives the same figures with the same note
        marks and no other number."""
        assert self.llm is not None
        try:
            text = polish_results(self.llm, results).strip()
        except LLMUnavailable as exc:
            notes.append(f"the language model was not used for the results ({exc})")
            return results, False
        template = " ".join(results)
        marks, said, wanted = _MARKS.findall, _MARKS.sub(" ", text), _MARKS.sub(" ", template)
        dropped = [n for n in numbers_in(wanted) if n not in numbers_in(said)]
        added = ungrounded_numbers(said, [wanted])
        if sorted(set(marks(text))) != sorted(set(marks(template))) or dropped or added:
            problem = ", ".join([f"left out {n}" for n in dropped] + [f"added {n}" for n in added]) or "note marks changed"
            notes.append(f"the language model's wording of the results was not used: {problem}")
            return results, False
        return [text], True

    def _phrased_opening(
        self, topic: str, figures: list[DraftFigure], period: Period | None, fallback: str, notes: list[str]
    ) -> tuple[str, Generator]:
        """The model's opening, kept only if every number in it is in a cited sentence."""
        assert self.llm is not None
        statements = [f.statement for f in figures]
        try:
            text = draft_opening(self.llm, topic, statements)
        except LLMUnavailable as exc:
            notes.append(f"the language model was not used ({exc}); the opening is the template")
            return fallback, Generator.TEMPLATE
        allowed = numbers_in(topic) + (numbers_in(period.label) if period else [])
        missing = ungrounded_numbers(text, [f.citation.sentence for f in figures] + statements, allowed)
        if missing:
            notes.append(f"the language model's opening was not used: numbers not in the sources: {', '.join(missing)}")
            return fallback, Generator.TEMPLATE
        return text, Generator.LLM


def _is_city(place: str) -> bool:
    province = get_province(place)
    return province is not None and province.kind == "city"


# counts that say how long or how widely, not what was achieved ("10 năm", "có mặt tại 15 tỉnh")
_NOT_RESULTS = frozenset({"years", "provinces", "countries", "districts"})


def _topical_figures(
    facts: list[Fact], scope: Scope, leading: list[Fact], words: set[str], rank_of: dict[str, int], sentence, limit: int
) -> list[Fact]:  # fmt: skip
    """Figures of the place and period that the topic's words and the search point to, best first."""
    scored = []
    for f in facts:
        if not _fact_in_scope(f, scope.place, scope.period) or f.unit in _NOT_RESULTS or f.organization:
            continue  # an organisation's figure is told with what it did (the deeds), not as the place's
        if _reads_as_headline(f, scope, leading) or not says_what_it_measures(f):
            continue
        score = 2.0 * len(words & content_words(sentence(f.doc_id, f.sentence))) / max(len(words), 1)
        if f.passage_id in rank_of:
            score += 2.0 / rank_of[f.passage_id] ** 0.5
        score -= 0.5 * f.part_of_total + 0.5 * (f.period_source == "document")
        if score > 0:
            scored.append((score, f))
    scored.sort(key=lambda item: item[0], reverse=True)
    best = [f for _, f in scored[:limit]]
    return sorted(best, key=lambda f: (f.period.start if f.period else "9999", f.place or ""))


def _reads_as_headline(fact: Fact, scope: Scope, leading: list[Fact]) -> bool:
    """A sum of money stated as "the value of aid to <place>" that is not the place's headline figure:
    the aid of new projects only, of one event, a part. Said in a draft's own words it would read as
    the place's total (or contradict the total given for the same year), so it is left to the table."""
    measure = measure_of(fact)
    if fact.unit not in MONEY or measure is None:
        return False
    if not in_scope(fact, Scope(scope.place)):
        return True
    def dates(f: Fact) -> tuple[str, str | None] | None:
        return (f.period.start, f.period.end) if f.period else None

    return any(measure_of(h) == measure and dates(h) == dates(fact) and h.value != fact.value for h in leading)


_MARKS = re.compile(r"\[(\d+)\]")


def _first_year(asked: Period | None, latest: Period | None) -> int | None:
    """The first year a draft speaks of: the one asked, else the year before its latest period ends."""
    if asked is not None:
        return int(asked.start[:4])
    if latest is None or not latest.end:
        return None
    return int(latest.end[:4]) - 1


def _numbered(facts: list[Fact]) -> tuple[list[Fact], dict[str, int]]:
    """One figure per value, unit, place and period (the first given), and the note number of every
    figure given, a repeated one taking the number of the first."""
    kept: list[Fact] = []
    number_of_key: dict[tuple[object, ...], int] = {}
    numbers: dict[str, int] = {}
    for f in facts:
        key = (round(f.value, 4), f.unit, f.place, f.period.label if f.period else None)
        if key not in number_of_key:
            kept.append(f)
            number_of_key[key] = len(kept)
        numbers[f.fact_id] = number_of_key[key]
    return kept, numbers


def _passage_in_scope(provinces: list[str], title: str | None, place: str | None) -> bool:
    if place is None:
        return True
    return place in provinces or (title is not None and place in (title or ""))


def _fact_in_scope(fact: Fact, place: str | None, period: Period | None) -> bool:
    if fact.change:
        return False
    if place is not None and fact.place != place:
        return False
    if fact.period is not None and (fact.period.start == OPEN_START or not fact.period.end):
        return False  # "so far", "since 1996": a running total, not the period's result
    if period is not None and (fact.period is None or not fact.period.overlaps(period)):
        return False
    return True


# --- output formats -----------------------------------------------------------------------------


SOURCE_TABLE = "Bảng số liệu và nguồn"
SOURCE_COLUMNS = ["#", "Số liệu", "Đối tượng", "Thời gian", "Nguồn", "Câu trích"]


def _in_prose(statement: str) -> str:
    """ "Năm 2023, ... USD. [5]" -> "Năm 2023, ... USD [5]." """
    return re.sub(r"\.\s*(\[\d+\])$", r" \1.", statement)


def _quoted(points: list[Quote]) -> str:
    return " ".join(f"«{p.text}» ({p.citation.doc})" for p in points)


def _partners(draft: Draft) -> list[str]:
    """Who took part: what the organisations that stood out did, the others named, the bodies that
    coordinated, and the sectors."""
    paragraphs = []
    if draft.deeds:
        paragraphs.append(f"Nhiều tổ chức đã có những đóng góp nổi bật, tiêu biểu như: {_quoted(draft.deeds)}")
    others = [name for name in draft.organisations if name not in {d.who for d in draft.deeds}]
    if others:
        lead = "Cùng đồng hành còn có các tổ chức" if draft.deeds else "Các tổ chức phi chính phủ nước ngoài được các tài liệu nhắc đến gồm"
        paragraphs.append(f"{lead}: {', '.join(others)}.")
    if draft.bodies:
        paragraphs.append(f"Công tác này có sự tham gia, phối hợp của: {', '.join(draft.bodies)}.")
    if draft.sectors:
        paragraphs.append(f"Các chương trình, dự án tập trung vào các lĩnh vực: {', '.join(draft.sectors)}.")
    return paragraphs


def speech_sections(draft: Draft) -> list[tuple[str | None, list[str]]]:
    """The speech as (heading, paragraphs) in the order it is delivered; both renderings follow it."""
    sections: list[tuple[str | None, list[str]]] = [(None, [p for p in (draft.address, draft.opening) if p])]
    in_results = {int(n) for sentence in draft.results for n in re.findall(r"\[(\d+)\]", sentence)}
    others = [_in_prose(f.statement) for f in draft.figures if f.number not in in_results]
    results = [" ".join(draft.results)] if draft.results else []
    if others:
        results.append(("Ngoài ra, theo các tài liệu: " if results else "") + " ".join(others))
    sections.append(("Kết quả nổi bật", results or draft.notes))
    partners = _partners(draft)
    if partners:
        sections.append(("Các tổ chức và lĩnh vực", partners))
    if draft.difficulties:
        sections.append(("Khó khăn, hạn chế", [f"Bên cạnh những kết quả đạt được, các tài liệu nêu một số khó khăn: {_quoted(draft.difficulties)}"]))
    if draft.directions:
        sections.append(("Phương hướng, nhiệm vụ thời gian tới", [f"Trong thời gian tới, các tài liệu nêu những định hướng: {_quoted(draft.directions)}"]))
    if draft.closing:
        sections.append(("Lời cảm ơn", [draft.closing]))
    return sections


def _source_rows(draft: Draft) -> list[list[str]]:
    return [
        [str(f.number), f.fact.text, f.fact.subject or "", f.fact.period or "", f.citation.doc, f.citation.sentence]
        for f in draft.figures
    ]


def render_markdown(draft: Draft) -> str:
    lines = [f"# {draft.title}", ""]
    for heading, paragraphs in speech_sections(draft):
        lines += [f"## {heading}", ""] if heading else []
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    lines += [f"## {SOURCE_TABLE}", "", "| " + " | ".join(SOURCE_COLUMNS) + " |", "|" + "---|" * len(SOURCE_COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in _source_rows(draft)]
    return "\n".join(lines) + "\n"


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """``text`` without the characters a Word file (XML 1.0) cannot hold, such as control characters
    typed into a topic."""
    return _NOT_IN_XML.sub("", text)


def _paragraph_with_notes(paragraph, text: str, sources: dict[int, str], notes: Footnotes) -> None:
    """The text, each "[n]" of a numbered figure becoming a Word footnote that quotes its source."""
    at = 0
    for mark in re.finditer(r" ?\[(\d+)\]", text):
        source = sources.get(int(mark.group(1)))
        if source is None:
            continue
        paragraph.add_run(text[at : mark.start()])
        notes.add(paragraph, _xml_safe(source))
        at = mark.end()
    paragraph.add_run(text[at:])


def render_docx(draft: Draft) -> bytes:
    """The draft as a Word document staff can edit: the speech under real headings, each figure's
    source in a footnote, then the sources table."""
    import docx

    document = docx.Document()
    document.core_properties.title = _xml_safe(draft.title)
    document.add_heading(_xml_safe(draft.title), level=1)
    notes = Footnotes()
    sources = {f.number: f"[{f.number}] {f.citation.doc}: «{f.citation.sentence}»" for f in draft.figures}
    for heading, paragraphs in speech_sections(draft):
        if heading:
            document.add_heading(heading, level=2)
        for text in paragraphs:
            _paragraph_with_notes(document.add_paragraph(), _xml_safe(text), sources, notes)
    notes.attach(document)
    document.add_heading(SOURCE_TABLE, level=2)
    table = document.add_table(rows=1, cols=len(SOURCE_COLUMNS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, SOURCE_COLUMNS, strict=True):
        cell.text = header
    for values in _source_rows(draft):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = _xml_safe(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

