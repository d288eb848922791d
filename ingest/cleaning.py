"""Remove web-page clutter from extracted text and keep the article.

HTML goes through a main-content extractor first (see :mod:`ingest.loaders`); these rules handle
what survives it and, above all, text that users paste or save from web pages: navigation lines,
"Tin bài liên quan" / "Đọc nhiều" / "Multimedia" headline lists, image placeholders, teaser cells,
contact footers, paragraphs repeated by the page template, and page furniture: tool bars ("Cỡ chữ
+-", "Bản in Gởi bài viết"), view counters, category labels, metadata labels, breadcrumbs and
template residue ("$0 $0"). Tables pasted as text (:mod:`ingest.tables`) are kept whole: their
rows are never joined to other lines, and cells that repeat ("18", "18") are not repeats.

All functions are pure: text in, text out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from ingest.tables import find_tables
from vntext.dates import parse_dateline
from vntext.vietnamese import comparable, normalize_text

# Headings that open a list of links to other articles; everything headline-like after one is
# dropped until real prose resumes.
LIST_MARKERS = frozenset(
    {
        "tin bài liên quan", "các tin bài khác", "tin liên quan", "bài liên quan",
        "bài viết liên quan", "tin tức liên quan", "tin cùng chuyên mục", "tin cùng chủ đề",
        "các tin khác", "tin khác", "tin mới", "tin mới nhất", "tin mới hơn", "tin cũ hơn",
        "đọc nhiều", "đọc nhiều nhất", "xem nhiều", "xem nhiều nhất", "xem thêm", "đọc thêm",
        "có thể bạn quan tâm", "bạn có thể quan tâm", "multimedia", "bờ cõi biển đảo",
        "tin nổi bật", "tin tiêu điểm", "tiêu điểm", "video", "tin ảnh", "infographic",
        "podcast", "bình luận", "ý kiến bạn đọc", "gửi bình luận", "từ khóa", "tags",
        "chia sẻ", "liên kết website", "related news", "related articles", "most read",
        "read more", "see also",
    }
)  # fmt: skip

# Words of site navigation and breadcrumbs.
NAV_WORDS = frozenset(
    {
        "trang chủ", "chi tiết tin", "tin tức", "tin tức sự kiện", "sự kiện", "giới thiệu",
        "liên hệ", "sơ đồ site", "sơ đồ trang", "đăng nhập", "đăng ký", "tìm kiếm", "in bài",
        "in trang", "gửi email", "gửi bài", "quay lại", "về đầu trang", "lên đầu trang",
        "facebook", "zalo", "twitter", "youtube", "rss", "english", "tiếng việt", "home",
        "menu", "thời sự", "chính trị", "kinh tế", "xã hội", "văn hóa", "thể thao", "quốc tế",
        "pháp luật", "giáo dục", "y tế", "đối ngoại", "tin trong nước", "tin quốc tế",
        "hoạt động", "văn bản", "thông báo",
    }
)  # fmt: skip
# Navigation words that are clutter even when alone on a line.
NAV_ALONE = frozenset(
    {"trang chủ", "đăng nhập", "đăng ký", "tìm kiếm", "in bài", "in trang", "chia sẻ", "quay lại",
     "về đầu trang", "lên đầu trang", "menu", "home", "gửi email", "chi tiết tin"}
)  # fmt: skip

# Neither the bracketed text nor the target runs over another "[", as in Markdown ("[x[y](u)" is "[x"
# and a link "y"). Without that each "[" of a line like "[[[[..." scanned to the end of the line:
# quadratic, a 100 KB line took minutes.
_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^)\[]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\([^)\s\[]*\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_TABLE_RULE = re.compile(r"^[|:\-\s+=]*$")
_TEASER_CELL = re.compile(r"(?:\.\.\.|…)\s*\|\s*$")
_URL_ONLY = re.compile(r"^(?:\S+:\s*)?(?:https?://|www\.)\S+$", re.IGNORECASE)
_FOOTER = re.compile(
    r"^(?:địa chỉ|điện thoại|đt|tel|phone|fax|e-?mail|hotline|website|trụ sở|giấy phép"
    r"|chịu trách nhiệm|tổng biên tập|phó tổng biên tập)\s*[:.]"
    r"|^(?:bản quyền|copyright|©|ghi rõ nguồn|designed by|powered by)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?:\+84|\b0)\d{2,3}[\s.\-]?\d{3}[\s.\-]?\d{3,4}\b")
_SOURCE_LINE = re.compile(r"^nguồn\b[^.!?]{0,80}:", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"^(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?(?:ngày\s*)?"
    r"(?:(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    r"(?:\s*[-,|]?\s*\d{1,2}[:h]\d{2}(?::\d{2})?)?(?:\s*\(?GMT[^)]*\)?)?$",
    re.IGNORECASE,
)
_TIME_FIRST_DATE_LINE = re.compile(
    r"^\d{1,2}[:h]\d{2}(?::\d{2})?\s*[-,|]?\s*(?:ngày\s*)?(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$",
    re.IGNORECASE,
)
# A separator and the spaces around it. A match never starts inside a run of spaces (whatever
# matches from there also matches from the run's start, which is tried first); trying every
# position of a long run of spaces made splitting such a line quadratic.
_NAV_SPLIT = re.compile(r"(?:(?<!\s)|(?!\s))\s*(?:\s[-–|»>/•·]\s|[|»>•·])\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")
_WORD = re.compile(r"\w+")


# --- page furniture: each pattern is a class of clutter seen on real pages, not one page's string.
# Tool bars: font size, print, send, share. A line made only of these words and signs is one.
_TOOL_WORDS = re.compile(
    r"(?<!\w)(?:cỡ chữ|kích thước chữ|font size|bản in|in bài(?: viết)?|gởi bài(?: viết)?|gửi bài(?: viết)?"
    r"|gửi email|gửi cho bạn bè|chia sẻ|lưu bài(?: viết)?|lưu tin|print|share|tweet|email|aa|a[+-]?)(?!\w)",
    re.IGNORECASE,
)
_TOOL_SIGNS = re.compile(r"[\s+\-–|/·•:()]+")
# View counters ("606 lượt xem", "Lượt xem: 606", "1,234 views"), removed from the short lines
# they end (a date line) or that they are; a sentence about views is left alone.
# No pattern here starts with a space: "\s*" at every position of a run of 100,000 spaces made the
# search quadratic (minutes).
_VIEWS = re.compile(
    r"\b[0-9][0-9.,]*\s*(?:lượt xem|lượt đọc|lần đọc|lượt truy cập|views?|reads?)\b"
    r"|\b(?:lượt xem|lượt đọc|số lượt xem|đã xem|lượt truy cập|views?)\s*:?\s*[0-9][0-9.,]*",
    re.IGNORECASE,
)
# Category and format labels that content systems print above an article.
CATEGORY_LABELS = frozenset(
    {"uncategorized", "chưa phân loại", "chưa được phân loại", "e magazine", "e-magazine", "emagazine",
     "longform", "megastory", "tin tổng hợp", "không có chuyên mục"}
)  # fmt: skip
# Metadata labels: "ID : 15837", "Auther :", "Tác giả: ...", "Chuyên mục: ...".
_META_LABEL = re.compile(
    r"^(?:id|post id|mã tin|mã bài|auth?or|auther|tác giả|người viết|biên tập viên|category|chuyên mục"
    r"|lượt xem)\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"[0-9A-Za-z_\-]{1,24}")
# Breadcrumbs: the site's home followed by section names ("Trang chủ Hữu nghị Tấm lòng tương trợ",
# "Home » News"). An English heading may start with "Home": there a separator must follow.
_BREADCRUMB = re.compile(r"^(?:trang chủ|trang nhất)\b(?!\s*của\b)|^home(?:page)?\s*[»>/|]", re.IGNORECASE)
# Residue of templates: "$0 $0$0" (an unfilled replacement), "{{title}}".
_PLACEHOLDERS = re.compile(r"(?:\$[0-9](?![0-9.,]*[0-9])\s*){2,}|\$0(?=[^\W\d_])|\{\{\s*\w+\s*\}\}")
# An image's file name left alone on a line ("thutuong2", "anh-1.jpg").
_FILE_NAME = re.compile(r"[a-z]{2}[a-z_\-]*[0-9][a-z0-9_\-]*|\S+\.(?i:jpe?g|png|gif|webp|svg)")
# The line a saved page starts with, naming where it came from, and the date stamp after it:
# "source: https://..." then " date 2025-02 Nguồn lực ...". Another component reads them from the
# raw text; left here, the stamp glues the source line to the article's first line.
_SOURCE_HEADER = re.compile(
    r"^(?:source|nguồn|url|link)\s*:\s*(?:https?://|www\.)\S*(?:\s+date\s+[0-9-]+)?$", re.IGNORECASE
)
_DATE_STAMP = re.compile(r"^date\s+[0-9]{4}(?:-[0-9]{1,2}){0,2}(?:\s+|$)", re.IGNORECASE)


@dataclass
class CleanedText:
    text: str  # paragraphs, one per line
    title: str | None = None
    published: str | None = None  # ISO date


def strip_markup(line: str) -> str:
    """Remove Markdown images, link targets, heading marks and table pipes from one line."""
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_HEADING.sub("", line)
    line = _MD_EMPHASIS.sub("", line)
    if _TABLE_RULE.match(line):
        return ""
    return line.strip().strip("|").strip()


def _without_markup(line: str) -> str:
    """``strip_markup`` on a normalised line, keeping it normalised: removing an image or "**" can
    leave two spaces side by side, or a letter next to a combining mark it composes with."""
    stripped = strip_markup(line)
    return stripped if stripped == line else normalize_text(stripped)


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _words(line: str) -> int:
    return len(_WORD.findall(_URL.sub(" ", line)))


def is_teaser_cell(line: str) -> bool:
    """A table cell that previews another article: short and cut off with an ellipsis."""
    return bool(_TEASER_CELL.search(line)) and _words(line) <= 40


def is_prose(line: str) -> bool:
    """A sentence-like paragraph: long enough and ending like a sentence (headlines do not)."""
    return bool(_SENTENCE_END.search(line)) and not line.endswith("...") and _words(line) >= 8


def parse_date_line(line: str) -> str | None:
    """The ISO date of a line that holds only a date (and maybe a time), else None."""
    m = _DATE_LINE.match(line) or _TIME_FIRST_DATE_LINE.match(line)
    if not m:
        # other forms ("07:11 | 10/11/2025 GMT+7", "December 22, 2020 | 19:46 (GMT+7)"): the line is
        # a dateline when the whole of it reads as one
        found = parse_dateline(line)
        whole = found is not None and found.end >= len(line.rstrip()) and not line[: found.start].strip()
        return found.iso if whole and len(found.iso) == 10 else None
    groups = m.groupdict()
    if groups.get("iy"):
        year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
    else:
        year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
    try:
        return date(year, month, day).isoformat() if 1900 <= year <= 2100 else None
    except ValueError:  # 30/02, 31/04: not a day of the calendar
        return None


def is_navigation(line: str) -> bool:
    key = line.casefold().strip(" :")
    if key in NAV_ALONE:
        return True
    if _SENTENCE_END.search(line) or _words(line) > 14:
        return False
    parts = [p.casefold().strip(" :") for p in _NAV_SPLIT.split(line) if p.strip()]
    if len(parts) < 2:
        return False
    return sum(p in NAV_WORDS for p in parts) * 2 >= len(parts)


def is_footer(line: str) -> bool:
    if _FOOTER.search(line):
        return True
    if _URL_ONLY.match(line):
        return True
    if _SOURCE_LINE.match(line) and _words(line) <= 20:
        return True
    return bool(_PHONE.search(line)) and _words(line) <= 20 and not is_prose(line)


def is_list_marker(line: str) -> bool:
    return line.casefold().strip(" :|") in LIST_MARKERS


def strip_residue(line: str) -> str:
    """Remove template residue ("$0 $0$0") and a view counter ending a short line ("606 lượt xem")."""
    if "$" in line or "{{" in line:
        line = _PLACEHOLDERS.sub(" ", line)
    if not _SENTENCE_END.search(line) and _words(line) <= 12:
        line = _VIEWS.sub("", line)
    return " ".join(line.split()) if line != line.strip() or "  " in line else line


def is_furniture(line: str) -> bool:
    """Page furniture on a line of its own: a tool bar, a category or metadata label, a breadcrumb,
    an image's file name, or a line that repeats one phrase ("Yên Bái Yên Bái Yên Bái")."""
    if _SENTENCE_END.search(line) and _words(line) > 3:
        return False
    key = line.casefold().strip(" :|")
    if key in CATEGORY_LABELS or (len(line) <= 100 and _FILE_NAME.fullmatch(line)):
        return True
    if _words(line) <= 8 and _TOOL_WORDS.search(line) and not _TOOL_SIGNS.sub("", _TOOL_WORDS.sub("", line)):
        return True
    meta = _META_LABEL.match(line)
    if meta and _words(meta["value"]) <= 6:
        return True
    if _BREADCRUMB.match(line) and _words(line) <= 10:
        return True
    return _repeats_one_phrase(line)


def _repeats_one_phrase(line: str) -> bool:
    """A line that is one phrase printed two or more times: a link's image text and its title, a
    site name in a banner. A paragraph printed twice on one line is a sentence and is kept."""
    words = line.split()
    n = len(words)
    if n < 2 or n > 80 or is_prose(line):
        return False
    for size in range(1, n // 2 + 1):
        if n % size == 0 and words == words[:size] * (n // size):
            return True
    return False


def _drop_source_header(lines: list[str]) -> list[str]:
    """Without the "source: <url>" line a saved page starts with, and the date stamp after it."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or not _SOURCE_HEADER.match(lines[first]):
        return lines
    rest = lines[first + 1 :]
    following = next((i for i, line in enumerate(rest) if line), None)
    if following is not None:
        rest[following] = _DATE_STAMP.sub("", rest[following], count=1)
    return lines[:first] + rest


# Currency codes only: a unit word carried to the next line starts in lower case and is joined by the
# lower-case rule, while a capitalised "Tỷ lệ ..." or "Triệu ..." after a line ending in a year
# ("... năm 2016") starts a new sentence and must not be glued to that year.
_UNIT_START = re.compile(r"(?:USD|VND|VNĐ|EUR|US\$|%)(?!\w)")
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[-–•*+])\s")


def _continues(previous: str, line: str, previous_words: int) -> bool:
    """Whether ``line`` continues a paragraph whose last line is ``previous`` and which has
    ``previous_words`` words so far."""
    if re.search(r"[.!?…:;\"”’)]$", previous):
        return False
    if line[0].islower() or line[0] in ",;)":
        return True
    # a number carried to the next line ("đạt\n17.216.450,40 USD"), not a numbered list item
    if line[0].isdigit():
        return not _LIST_ITEM.match(line) and previous_words >= 8
    # a unit carried away from its figure ("17.216.450,40\nUSD")
    return bool(re.search(r"\d$", previous)) and bool(_UNIT_START.match(line))


def unwrap_lines(lines: list[str]) -> list[str]:
    """Join lines that a hard wrap (PDF, e-mail) split mid-sentence.

    A line continues the previous one when the previous does not end like a sentence and the line
    starts with a lower-case letter, or with a number after a long unfinished line.
    """
    return [line for line, _ in _unwrap(lines, frozenset())]


def _unwrap(lines: list[str], fixed: Collection[int]) -> list[tuple[str, list[int]]]:
    """``unwrap_lines``, keeping the lines in ``fixed`` (table rows) apart from every other line;
    each joined line comes with the indices of the lines it was made of."""
    out: list[tuple[str, list[int]]] = []
    # The paragraph being joined, as its lines and its word count: joining (and re-reading) the
    # whole paragraph for every wrapped line was quadratic, 20,000 wrapped lines took 6 s. Lines
    # are joined by a space, so the words of the paragraph are the words of its lines.
    pieces: list[str] = []
    sources: list[int] = []
    words = 0
    for i, line in enumerate(lines):
        joins = (
            pieces
            and pieces[-1]
            and line
            and i not in fixed
            and sources[-1] not in fixed
            and _continues(pieces[-1], line, words)
        )
        if joins:
            pieces.append(line)
            sources.append(i)
            words += _words(line)
        else:
            if pieces:
                out.append((" ".join(pieces), sources))
            pieces, sources, words = [line], [i], _words(line)
    if pieces:
        out.append((" ".join(pieces), sources))
    return out


def remove_repeats(paragraphs: list[str], keep: Collection[int] = ()) -> list[str]:
    """Drop paragraphs that repeat an earlier one (templates often print the body twice).

    Long paragraphs also count as repeated when an earlier paragraph contains them whole. The
    paragraphs at the indices in ``keep`` (table cells and rows: a "18" under a "18" is data) are
    kept, and are not compared with the others.
    """
    kept: list[str] = []
    keys: list[str] = []
    seen: set[str] = set()
    for n, para in enumerate(paragraphs):
        if n in keep:
            kept.append(para)
            continue
        key = comparable(para).strip(" .…")
        if not key:
            continue
        if key in seen:
            continue
        if len(key) >= 80 and len(keys) <= 2000 and any(key in k for k in keys if len(k) > len(key)):
            continue
        seen.add(key)
        keys.append(key)
        kept.append(para)
    return kept


def _heading_like(line: str) -> bool:
    return 2 <= _words(line) <= 30 and not re.search(r"[.!?;:,]$", line)


def is_heading(line: str) -> bool:
    """A short line that names what follows (a section heading or a photo caption)."""
    return 1 <= _words(line) <= 12 and not re.search(r"[.!?;:,…]$", line)


# A word of place or connection glued to the name after it when a page was scraped ("huyệnTiên Lữ",
# "Phù Cừ vàTiên Lữ"): these words never end a name, so a capital right after one starts a new word.
_GLUED = re.compile(r"\b(huyện|xã|tỉnh|thị xã|thành phố|phường|quận|thị trấn|và|tại|của|ở|cho|với|từ|đến)(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈÍÌÓÒÚÙÝ][a-zà-ỹđ])")


def unglue(line: str) -> str:
    """A space put back between a word of place or connection and the capitalised name glued to it."""
    return _GLUED.sub(r"\1 ", line)


def clean_text(raw: str, title: str | None = None, published: str | None = None) -> CleanedText:
    """Clean extracted text: clutter out, one paragraph per line, repeats removed.

    ``title`` and ``published`` are what the file format provided (HTML metadata, PDF info); they
    win over what is guessed from the text.
    """
    lines = [
        "" if is_teaser_cell(line) else unglue(_without_markup(strip_residue(line)))
        for line in normalize_text(separate_cells(raw)).split("\n")
    ]
    undated: list[str] = []
    labelled = False  # the previous line was a label without its value ("ID :")
    for line in _drop_source_header(lines):
        if not line:
            continue
        date = parse_date_line(line)
        if date is not None:
            published = published or date
        elif not is_furniture(line) and not (labelled and _IDENTIFIER.fullmatch(line)):
            undated.append(line)
        meta = _META_LABEL.match(line)
        labelled = meta is not None and not meta["value"]
    rows, in_table = _table_lines(undated)
    joined = _unwrap(undated, rows)
    lines = [line for line, _ in joined]
    table = [any(i in in_table for i in sources) for _, sources in joined]

    kept: list[str] = []
    kept_table: set[int] = set()
    in_list = False
    for line, part_of_table in zip(lines, table):
        if is_list_marker(line) and not part_of_table:
            in_list = True
            continue
        if in_list:
            if is_prose(line) or part_of_table:
                in_list = False
            else:
                continue
        if not part_of_table and (is_navigation(line) or is_footer(line)):
            continue
        if part_of_table:
            kept_table.add(len(kept))
        kept.append(line)

    # After the last real paragraph (or table), short non-sentence lines are bylines, site names
    # and footers.
    last = max((i for i, line in enumerate(kept) if i in kept_table or is_prose(line)), default=None)
    if last is not None:
        kept_table = {i for i in kept_table if i <= last}
        tail = [line for line in kept[last + 1 :] if _words(line) > 25 or is_prose(line)]
        kept = kept[: last + 1] + tail

    kept = remove_repeats(kept, keep=kept_table)
    if title is None and kept and _heading_like(kept[0]):
        title = kept[0]
    title = normalize_text(title).strip() if title else None
    return CleanedText(text="\n".join(kept), title=title or None, published=published)


def _table_lines(lines: list[str]) -> tuple[set[int], set[int]]:
    """The lines of tables: those holding row cells, and all of a table's lines (caption, header
    and rows), as indices into ``lines``."""
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    rows: set[int] = set()
    every: set[int] = set()

    def line_range(start: int, end: int) -> range:
        return range(bisect_right(starts, start) - 1, bisect_right(starts, max(start, end - 1)))

    for table in find_tables("\n".join(lines)):
        for row in table.rows:
            rows.update(line_range(row.span.start, row.span.end))
        every.update(line_range(table.span.start, table.span.end))
        if table.caption is not None:
            every.update(line_range(table.caption.start, table.caption.end))
    return rows, every


# A gap between two cells of a row: a tab, or two spaces or more.
_CELL_GAP = re.compile(r"\S(?:\t| {2,})\S")


def separate_cells(raw: str) -> str:
    """Table rows whose cells are separated by tabs or runs of spaces, rewritten with " | " between
    the cells: normalising collapses the spaces, which would leave "2017 Phát triển vùng nông thôn
    Tập huấn rà phá bom mìn" with its columns lost. Other lines are left as they are."""
    if not _CELL_GAP.search(raw):
        return raw
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    replacements: list[tuple[int, int, str]] = []
    for table in find_tables(text):
        lines = [(row.span, [c.of(text) for c in row.cells]) for row in table.rows]
        if table.header_span is not None and len(table.header) > 1:
            lines.insert(0, (table.header_span, list(table.header)))
        for span, cells in lines:
            written = span.of(text)
            if "\n" not in written and "|" not in written and _CELL_GAP.search(written):
                replacements.append((span.start, span.end, " | ".join(cells)))
    if not replacements:
        return raw
    out: list[str] = []
    pos = 0
    for start, end, new in replacements:
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)
