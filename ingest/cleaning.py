"""Remove web-page clutter from extracted text and keep the article.

HTML goes through a main-content extractor first (see :mod:`ingest.loaders`); these rules handle
what survives it and, above all, text that users paste or save from web pages: navigation lines,
"Tin bài liên quan" / "Đọc nhiều" / "Multimedia" headline lists, image placeholders, teaser cells,
contact footers, and paragraphs repeated by the page template.

All functions are pure: text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

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
        return None
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
    out: list[str] = []
    # The paragraph being joined, as its lines and its word count: joining (and re-reading) the
    # whole paragraph for every wrapped line was quadratic, 20,000 wrapped lines took 6 s. Lines
    # are joined by a space, so the words of the paragraph are the words of its lines.
    pieces: list[str] = []
    words = 0
    for line in lines:
        if pieces and pieces[-1] and line and _continues(pieces[-1], line, words):
            pieces.append(line)
            words += _words(line)
        else:
            if pieces:
                out.append(" ".join(pieces))
            pieces, words = [line], _words(line)
    if pieces:
        out.append(" ".join(pieces))
    return out


def remove_repeats(paragraphs: list[str]) -> list[str]:
    """Drop paragraphs that repeat an earlier one (templates often print the body twice).

    Long paragraphs also count as repeated when an earlier paragraph contains them whole.
    """
    kept: list[str] = []
    keys: list[str] = []
    seen: set[str] = set()
    for para in paragraphs:
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


def clean_text(raw: str, title: str | None = None, published: str | None = None) -> CleanedText:
    """Clean extracted text: clutter out, one paragraph per line, repeats removed.

    ``title`` and ``published`` are what the file format provided (HTML metadata, PDF info); they
    win over what is guessed from the text.
    """
    lines = [
        "" if is_teaser_cell(line) else _without_markup(line) for line in normalize_text(raw).split("\n")
    ]
    undated: list[str] = []
    for line in lines:
        date = parse_date_line(line) if line else None
        if date is not None:
            published = published or date
        elif line:
            undated.append(line)
    lines = unwrap_lines(undated)

    kept: list[str] = []
    in_list = False
    for line in lines:
        if is_list_marker(line):
            in_list = True
            continue
        if in_list:
            if is_prose(line):
                in_list = False
            else:
                continue
        if is_navigation(line) or is_footer(line):
            continue
        kept.append(line)

    # After the last real paragraph, short non-sentence lines are bylines, site names and footers.
    last_prose = max((i for i, line in enumerate(kept) if is_prose(line)), default=None)
    if last_prose is not None:
        kept = kept[: last_prose + 1] + [
            line for line in kept[last_prose + 1 :] if _words(line) > 25 or is_prose(line)
        ]

    kept = remove_repeats(kept)
    if title is None and kept and _heading_like(kept[0]):
        title = kept[0]
    title = normalize_text(title).strip() if title else None
    return CleanedText(text="\n".join(kept), title=title or None, published=published)
