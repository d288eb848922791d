"""Sentences with exact offsets, and passages of whole sentences.

underthesea finds the sentence boundaries; this module maps its output back onto the cleaned text
so that ``text[start:end]`` is always the sentence, which is what a citation points at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.cleaning import is_heading
from vntext.gazetteer import find_provinces, find_years
from ingest.models import Passage, Span, passage_id

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
    """Sentence spans of a cleaned text, in order; no sentence crosses a paragraph boundary."""
    spans: list[Span] = []
    for para in paragraphs(text):
        for start, end in split_paragraph(text[para.start : para.end]):
            spans.append(Span(para.start + start, para.start + end))
    return spans


def build_passages(
    doc_id: str,
    text: str,
    sentences: list[Span],
    max_chars: int = 700,
    max_sentences: int = 4,
) -> list[Passage]:
    """Group consecutive sentences of one paragraph into passages.

    A passage never cuts a sentence and never spans two paragraphs, so a file of one-line news
    items yields at least one passage per item.
    """
    para_spans = list(paragraphs(text))
    para_starts = [p.start for p in para_spans]
    # The heading each paragraph sits under: the nearest earlier short heading-like line. The
    # first line is skipped: it is the document's title, which every passage gets anyway.
    heading_of: list[str | None] = []
    current_heading: str | None = None
    for n, para in enumerate(para_spans):
        heading_of.append(current_heading)
        line = para.of(text)
        if n > 0 and is_heading(line):
            current_heading = line

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
    current_para = -1
    for sentence in sentences:
        para = paragraph_index(sentence.start)
        fits = (
            current
            and para == current_para
            and len(current) < max_sentences
            and sentence.end - current[0].start <= max_chars
        )
        if fits:
            current.append(sentence)
        else:
            if current:
                groups.append((current_para, current))
            current = [sentence]
            current_para = para
    if current:
        groups.append((current_para, current))

    passages: list[Passage] = []
    for ordinal, (para, group) in enumerate(groups):
        start, end = group[0].start, group[-1].end
        body = text[start:end]
        context = heading_of[para] if para_spans else None
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
                context=context,
            )
        )
    return passages
