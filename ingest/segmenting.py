"""Sentences with exact offsets, and passages of whole sentences.

underthesea finds the sentence boundaries; this module maps its output back onto the cleaned text
so that ``text[start:end]`` is always the sentence, which is what a citation points at.

Tables pasted as text (see :mod:`ingest.tables`) are the exception to "a sentence lies in one
line": each table row is one sentence from its first cell to its last, whatever lines its cells
sit on, the header is another, and a table's sentences make passages of their own whose context
names the columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.cleaning import is_heading
from ingest.models import Passage, Span, passage_id
from ingest.tables import Table, find_tables, table_context
from vntext.gazetteer import find_provinces, find_years

# Characters underthesea sometimes leaves at the start of the next sentence ("tốt.” Sau đó").
_CLOSERS = "\"”’')]}»"
_LEADING_CLOSERS = re.compile(rf"[{re.escape(_CLOSERS)}]+")  # used with .match(text, pos)
# Sentences longer than this are cut at a clause boundary: tables flattened to text and run-on
# lists would otherwise become passages too long to embed.
MAX_SENTENCE_CHARS = 1000


def paragraphs(text: str) -> Iterator[Span]:
    """Spans of the non-empty lines of a cleaned text (one paragraph per line)."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + line.index(stripped)
            yield Span(start, start + len(stripped))
        offset += len(line) + 1


def _locate(paragraph: str, sentence: str, pos: int) -> tuple[int, int] | None:
    """Where a (possibly re-spaced) sentence from the tokenizer sits in the paragraph."""
    idx = paragraph.find(sentence, pos)
    if idx >= 0:
        return idx, idx + len(sentence)
    chars = [re.escape(c) for c in sentence if not c.isspace()]
    if not chars:
        return None
    m = re.compile(r"\s*".join(chars)).search(paragraph, pos)
    return (m.start(), m.end()) if m else None


def _split_long(paragraph: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        window = paragraph[start : start + limit]
        cut = max(window.rfind("; "), window.rfind(": "))
        if cut < limit // 3:
            cut = window.rfind(", ")
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        # a cut at a space leaves the space at the end of the piece: a sentence never ends in one
        piece_end = start + cut + 1
        while piece_end > start + 1 and paragraph[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = start + cut + 1
        while start < end and paragraph[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


def split_paragraph(paragraph: str, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Sentence spans within one paragraph, relative to it."""
    from underthesea import sent_tokenize

    spans: list[tuple[int, int]] = []
    pos = 0
    for raw in sent_tokenize(paragraph):
        sentence = raw.strip()
        if not sentence:
            continue
        found = _locate(paragraph, sentence, pos)
        if found is None:
            continue
        start, end = found
        lead = _LEADING_CLOSERS.match(paragraph, start)
        if spans and lead:
            # move closing quotes back to the sentence they close
            prev_start, _ = spans[-1]
            spans[-1] = (prev_start, lead.end())
            start = lead.end()
            while start < end and paragraph[start].isspace():
                start += 1
        if start < end:
            spans.append((start, end))
        pos = end
    if not spans:
        spans = [(0, len(paragraph))]
    # Text the tokenizer dropped (rare) is attached to the neighbouring sentence, so that the
    # sentences of a paragraph always cover all of it.
    fixed: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(spans):
        if i == 0:
            start = 0
        if i == len(spans) - 1:
            end = len(paragraph)
        if fixed and start > fixed[-1][1] and paragraph[fixed[-1][1] : start].strip():
            fixed[-1] = (fixed[-1][0], start)
        fixed.append((start, end))
    result: list[tuple[int, int]] = []
    for start, end in fixed:
        while start < end and paragraph[start].isspace():
            start += 1
        while end > start and paragraph[end - 1].isspace():
            end -= 1
        if start < end:
            result.extend(_split_long(paragraph, start, end, limit))
    return result


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of a cleaned text, in order. No sentence crosses a paragraph boundary, except
    the rows and headers of tables whose cells sit one per line."""
    spans: list[Span] = []
    tables = find_tables(text)
    t = 0
    inside: list[Span] = []  # the lines of table t met so far
    for para in paragraphs(text):
        while t < len(tables) and tables[t].span.end <= para.start:
            spans.extend(_table_sentences(text, tables[t], inside))
            inside = []
            t += 1
        if t < len(tables) and tables[t].span.start < para.end:
            inside.append(para)
            continue
        for start, end in split_paragraph(text[para.start : para.end]):
            spans.append(Span(para.start + start, para.start + end))
    if t < len(tables):
        spans.extend(_table_sentences(text, tables[t], inside))
    return spans


def _whole_lines(text: str, span: Span) -> Span:
    """A span widened to the lines it touches, without their outer spaces ("| 2018 | 18 |")."""
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    end = len(text) if end < 0 else end
    while text[start].isspace():
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _table_sentences(text: str, table: Table, lines: list[Span]) -> list[Span]:
    """The header and each row of a table as sentences, plus any line of the table that is
    neither (a Markdown rule "|---|"), so that the sentences cover every line."""
    parts = [table.header_span] if table.header_span else []
    parts = [_whole_lines(text, part) for part in [*parts, *(row.span for row in table.rows)]]
    spans: list[Span] = []
    p = 0
    for line in lines:
        while p < len(parts) and parts[p].end <= line.start:
            spans.append(parts[p])
            p += 1
        if p < len(parts) and parts[p].start <= line.start:
            continue  # a line of this header or row
        spans.append(line)
    return spans + parts[p:]


def build_passages(
    doc_id: str,
    text: str,
    sentences: list[Span],
    max_chars: int = 700,
    max_sentences: int = 4,
) -> list[Passage]:
    """Group consecutive sentences of one paragraph, or of one table, into passages.

    A passage never cuts a sentence and never spans two paragraphs, so a file of one-line news
    items yields at least one passage per item. The rows of a table go together (a table whose
    cells sit one per line spans many lines), with the table's caption and column names as context.
    """
    para_spans = list(paragraphs(text))
    para_starts = [p.start for p in para_spans]
    tables = find_tables(text)
    table_of = _table_of_paragraphs(para_spans, tables)
    heading_of = _headings(text, para_spans, table_of)

    def paragraph_index(pos: int) -> int:
        lo, hi = 0, len(para_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if para_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    groups: list[tuple[int, list[Span]]] = []
    current: list[Span] = []
    current_unit: tuple[str, int] | None = None
    current_para = -1
    for sentence in sentences:
        para = paragraph_index(sentence.start)
        # the unit a passage may not leave: its paragraph, or the table the paragraph is part of
        unit = ("table", table_of[para]) if para_spans and table_of[para] is not None else ("paragraph", para)
        fits = (
            current
            and unit == current_unit
            and len(current) < max_sentences
            and sentence.end - current[0].start <= max_chars
        )
        if fits:
            current.append(sentence)
        else:
            if current:
                groups.append((current_para, current))
            current = [sentence]
            current_unit, current_para = unit, para
    if current:
        groups.append((current_para, current))

    passages: list[Passage] = []
    for ordinal, (para, group) in enumerate(groups):
        start, end = group[0].start, group[-1].end
        body = text[start:end]
        context = heading_of[para] if para_spans else None
        if para_spans and table_of[para] is not None:
            table = tables[table_of[para]]
            context = " ".join(c for c in (None if table.caption else context, table_context(table, text)) if c)
        passages.append(
            Passage(
                passage_id=passage_id(doc_id, ordinal),
                doc_id=doc_id,
                ordinal=ordinal,
                text=body,
                start=start,
                end=end,
                sentences=list(group),
                provinces=find_provinces(body),
                years=find_years(body),
                context=context or None,
            )
        )
    return passages


def _table_of_paragraphs(para_spans: list[Span], tables: list[Table]) -> list[int | None]:
    """For each paragraph (line), the index of the table it is part of, if any."""
    table_of: list[int | None] = []
    t = 0
    for para in para_spans:
        while t < len(tables) and tables[t].span.end <= para.start:
            t += 1
        inside = t < len(tables) and tables[t].span.start < para.end
        table_of.append(t if inside else None)
    return table_of


def _headings(text: str, para_spans: list[Span], table_of: list[int | None]) -> list[str | None]:
    """The heading each paragraph sits under: the nearest earlier short heading-like line. The
    first line is skipped: it is the document's title, which every passage gets anyway. Table
    cells ("Năm", "2017") are short lines too, but never headings."""
    heading_of: list[str | None] = []
    current_heading: str | None = None
    for n, para in enumerate(para_spans):
        heading_of.append(current_heading)
        line = para.of(text)
        if n > 0 and table_of[n] is None and is_heading(line):
            current_heading = line
    return heading_of
