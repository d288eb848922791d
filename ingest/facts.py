"""Structured facts from report sentences: a figure with its metric, subject and period.

"Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn
giải ngân đạt 17.216.450,40 USD." gives two facts, 94 projects and 17,216,450.40 USD disbursed, both
for Quảng Trị in 2023. A subject or period not named in the sentence is carried over from earlier
sentences of the same paragraph ("Tổng giá trị cam kết viện trợ 16,2 triệu USD." after a sentence
about Hòa Bình in 2020), and the sentence it came from is kept so an answer can cite it too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.models import Fact, Passage, Span
from vntext.entities import NATIONAL, find_districts, find_organisations, places_in
from vntext.metrics import metric_of
from vntext.numbers import Quantity, find_quantities
from vntext.periods import Period, find_periods

__all__ = ["NATIONAL", "extract_facts", "reference_year"]

_AMONG = re.compile(r"\s*(?:trong số (?:này|đó|trên)|among them|of these|of whom)\b", re.IGNORECASE)
_SUBSET = re.compile(r"\btrong\s+đó\b|\bincluding\b|\bof which\b", re.IGNORECASE)


@dataclass
class _Carry:
    last_fact: Fact | None = None
    metric: str | None = None
    place: tuple[str, Span] | None = None
    district: tuple[str, Span] | None = None
    organization: tuple[str, Span] | None = None
    period: tuple[Period, Span] | None = None


def _nearest(mentions: list[tuple[int, object]], pos: int) -> object | None:
    """The mention closest before ``pos``; failing that, the first after it."""
    before = [m for m in mentions if m[0] <= pos]
    if before:
        return before[-1][1]
    return mentions[0][1] if mentions else None


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
) -> list[Fact]:
    """Facts of every sentence of a document, subjects and periods carried within paragraphs."""
    ref_year = reference_year(text, published)
    ref_span = _first_sentence_with_year(text, passages, ref_year)
    doc_place = _nearest(places_in(title, find_organisations(title)), 0) if title else None
    facts: list[Fact] = []
    carry = _Carry()
    previous_paragraph = -1
    counted_to, newlines = 0, 0  # newlines in text[:counted_to]
    for passage in passages:
        for sentence_span in passage.sentences:
            # count on from the previous sentence: counting from the start of the text for every
            # sentence made long documents quadratic
            if sentence_span.start < counted_to:
                counted_to, newlines = 0, 0
            newlines += text.count("\n", counted_to, sentence_span.start)
            counted_to = sentence_span.start
            paragraph = newlines
            if paragraph != previous_paragraph:
                carry = _Carry()
                previous_paragraph = paragraph
            sentence = sentence_span.of(text)
            facts.extend(
                _sentence_facts(
                    doc_id, passage, sentence_span, sentence, carry, ref_year, ref_span, doc_place, len(facts)
                )
            )
    return facts


def _sentence_facts(
    doc_id: str,
    passage: Passage,
    span: Span,
    sentence: str,
    carry: _Carry,
    ref_year: int | None,
    ref_span: Span | None,
    doc_place: object | None,
    counter: int,
) -> list[Fact]:
    organisations_found = find_organisations(sentence)
    organisations = [(start, name) for start, _, name in organisations_found]
    places = places_in(sentence, organisations_found)
    districts = find_districts(sentence)
    mentions = find_periods(sentence)
    comparisons = [(p.start, p.period) for p in mentions if p.comparison]
    periods = [p for p in mentions if not p.comparison]
    # (position, period, the sentence that states it when that is not this one)
    resolved: list[tuple[int, Period, Span | None, str]] = []
    for mention in periods:
        if mention.period is not None:
            resolved.append((mention.start, mention.period, None, "sentence"))
        elif mention.relative == "past" and carry.period is not None:
            resolved.append((mention.start, carry.period[0], carry.period[1], "paragraph"))  # "năm qua"
        elif ref_year is not None:
            resolved.append((mention.start, Period.year(ref_year), ref_span, "document"))
    subset_at = [m.start() for m in _SUBSET.finditer(sentence)]
    facts: list[Fact] = []
    previous_end = 0
    previous_metric: str | None = None
    quantities = find_quantities(sentence)
    for n, quantity in enumerate(quantities):
        descriptor = sentence[previous_end : quantity.start]
        next_start = quantities[n + 1].start if n + 1 < len(quantities) else len(sentence)
        # words after a figure describe it up to the next clause boundary; past it they usually
        # introduce the next figure ("..., trong đó: vốn viện trợ không hoàn lại: ...")
        trailing = re.split(r"[;,:]", sentence[quantity.end : next_start], maxsplit=1)[0]
        among = _AMONG.match(trailing)
        referent = carry.last_fact if among else None
        metric = metric_of(descriptor) or (previous_metric if quantity.change else None)
        if metric is None and quantity.is_money:
            metric = carry.metric  # "Viện trợ PCPNN theo lĩnh vực ... Lĩnh vực y tế đạt trên 51 triệu USD"
        previous_end, previous_metric = quantity.end, metric
        context: list[Span] = []
        source = "sentence"

        def pick(mentions, carried):
            nonlocal source
            value = _nearest(mentions, quantity.start)
            if value is not None:
                return value
            if carried is not None:
                if carried[1] != span:
                    context.append(carried[1])
                source = "paragraph"
                return carried[0]
            return None

        place = pick(places, carry.place)
        if place is None and doc_place is not None:
            place, source = doc_place, "document"
        stated = _nearest([(pos, (period, source_span, kind)) for pos, period, source_span, kind in resolved], quantity.start)
        period, period_source = None, None
        if stated is not None:
            period, source_span, period_source = stated
            if source_span is not None and source_span != span:
                context.append(source_span)
        elif carry.period is not None:
            period, period_source = carry.period[0], "paragraph"
            if carry.period[1] != span:
                context.append(carry.period[1])
            source = "paragraph"
        if period is None and ref_year is not None:
            # no sentence dates the figure: the year the report is about, cited, and flagged as such
            period, period_source = Period.year(ref_year), "document"
            if ref_span is not None and ref_span != span:
                context.append(ref_span)
        facts.append(
            Fact(
                fact_id=f"{passage.passage_id}-f{counter + len(facts)}",
                doc_id=doc_id,
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
                place=place,
                # a sentence that names its own place starts a new subject: a district or an
                # organisation of an earlier sentence does not carry into it
                district=pick(districts, None if places else carry.district),
                organization=pick(organisations, None if places else carry.organization),
                period=period,
                part_of_total=_in_subset(sentence, quantity, subset_at) or referent is not None,
                # "Gần 5 ngàn trường hợp trong số này": the cases are among the victims named before
                descriptor=(f"({referent.unit_text}) " if referent and referent.unit_text else "") + descriptor.strip(" ,;:()"),
                trailing=trailing.strip(" ,;:()."),
                context=list(dict.fromkeys(context)),
                subject_source=source,
                compared_to=_comparison_after(comparisons, quantity) if quantity.change else None,
                period_source=period_source,
            )
        )
    if facts:
        carry.last_fact = facts[-1]
    # what this sentence names explicitly is carried to the next ones of the paragraph
    sentence_metric = metric_of(sentence)
    if sentence_metric is not None:
        carry.metric = sentence_metric
    if places:
        carry.place = (places[-1][1], span)
    if districts:
        carry.district = (districts[-1][1], span)
    if organisations:
        carry.organization = (organisations[-1][1], span)
    if resolved:
        _, period, source_span, _ = resolved[-1]
        carry.period = (period, source_span or span)
    return facts


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
    depth = sentence[: quantity.start].count("(") - sentence[: quantity.start].count(")")
    return depth > 0
