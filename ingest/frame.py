"""What a document is, as a whole: its headline, lede, dateline, source, outlet and language, the
place it reports on and the years it is about.

Many figures in a report have no subject in their own sentence ("(HG) - Liên hiệp các Tổ chức hữu
nghị tỉnh, trong quý I, ..."): the province is named only in the title, the lede, the outlet's
masthead, the address the page came from or the districts it lists. The frame weighs that
evidence, kind by kind, into ranked candidate places, and names a main place only when the
evidence is clear: a national report that lists provinces gets "Việt Nam" or nothing, never one of
the provinces it lists.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlsplit

from pydantic_core import to_jsonable_python

from ingest.cleaning import is_navigation, is_prose, strip_markup
from vntext.dates import find_dateline, parse_dateline
from vntext.entities import NATIONAL
from vntext.gazetteer import (
    CommuneMention,
    all_provinces,
    find_commune_mentions,
    find_district_mentions,
    find_province_mentions,
)
from vntext.periods import Period, find_periods
from vntext.vietnamese import comparable, comparable_normalized, fold, normalize_text

# --------------------------------------------------------------------------- the frame


@dataclass(frozen=True)
class PlaceCandidate:
    name: str  # canonical province, or "Việt Nam" for the whole country
    score: float
    evidence: tuple[str, ...]  # kinds, strongest first: title, source_url, masthead, lede, ...


@dataclass(frozen=True)
class PeriodCandidate:
    label: str  # "2023", "2015-2023", "từ 2019"
    start: str  # ISO date
    end: str | None  # ISO date; None for an open period ("đến nay")
    score: float


@dataclass(frozen=True)
class DocumentFrame:
    title: str | None = None  # the headline
    lede: str | None = None  # the first paragraph of prose
    dateline: str | None = None  # as written: "Thứ Tư, ngày 05/04/2023 | 08:57"
    published: str | None = None  # ISO date, or year-month
    source_url: str | None = None
    masthead: str | None = None  # "HG", "BTN", "VOV", "kontumtv.vn", "Quang Binh Portal"
    language: str = "vi"  # "vi" or "en"
    places: tuple[PlaceCandidate, ...] = ()
    main_place: str | None = None
    place_confidence: float = 0.0
    periods: tuple[PeriodCandidate, ...] = ()
    main_period: str | None = None  # the label of the period the document is mainly about
    period_confidence: float = 0.0
    main_year: int | None = None  # the single year the document is mainly about, when one is

    def as_dict(self) -> dict:
        """A JSON-safe dict (lists, strings, numbers, None)."""
        return to_jsonable_python(self)

    @classmethod
    def from_dict(cls, data: dict) -> DocumentFrame:
        values = dict(data)
        values["places"] = tuple(
            PlaceCandidate(p["name"], float(p["score"]), tuple(p["evidence"])) for p in data.get("places", ())
        )
        values["periods"] = tuple(
            PeriodCandidate(p["label"], p["start"], p["end"], float(p["score"])) for p in data.get("periods", ())
        )
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


def document_frame(
    raw_text: str, cleaned_text: str, title: str | None = None, published: str | None = None
) -> DocumentFrame:
    """The frame of one document. ``raw_text`` is the file's text before cleaning (it still holds
    the ``source:`` line, captions and footers); ``cleaned_text`` is what clean_text made of it
    (normalised, one paragraph a line); ``title`` and ``published`` are what the loader or cleaner
    found, used when they look right."""
    page = _read_page(raw_text or "")
    cleaned = cleaned_text or ""  # clean_text output: normalised already
    if not unicodedata.is_normalized("NFC", cleaned):
        cleaned = normalize_text(cleaned)
    source_url = page.source_url
    dateline = find_dateline("\n".join(page.head)) or find_dateline(cleaned[:5000])
    headline = _title(page.head, title)
    paragraphs = _paragraphs(cleaned, page.captions, headline)
    lede = next((p.text for p in paragraphs if p.role == "lede"), None)
    masthead, masthead_place = _masthead(lede)
    language = _language(cleaned or "\n".join(page.head))
    published_iso = (dateline.iso if dateline else None) or _iso_or_none(published) or _url_date(source_url)
    places = _score_places(paragraphs, headline, source_url, masthead, masthead_place, page)
    main_place, place_confidence = _main_place(places)
    periods = _score_periods(paragraphs, headline, published_iso)
    main_period, period_confidence, main_year = _main_period(periods)
    return DocumentFrame(
        title=headline,
        lede=lede,
        dateline=dateline.text if dateline else None,
        published=published_iso,
        source_url=source_url,
        masthead=masthead,
        language=language,
        places=places,
        main_place=main_place,
        place_confidence=place_confidence,
        periods=periods,
        main_period=main_period,
        period_confidence=period_confidence,
        main_year=main_year,
    )


# Dates in a page's address: "/202207/", "/2017/01/12/", "-20230405"
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])(?:[/-]?(0[1-9]|[12]\d|3[01]))?(?!\d)")


def _url_date(url: str | None) -> str | None:
    """The year and month (and day) a news site writes into an article's address, when the page
    itself shows no date: a weaker clue than a dateline, used only without one."""
    if not url:
        return None
    path = urlsplit(url).path
    for m in _URL_DATE.finditer(path):
        before = path[: m.start()]
        year, month, day = m.group(1), m.group(2), m.group(3)
        if not 1990 <= int(year) <= date.today().year:
            continue  # an article number that looks like a date ("-205002.html")
        if before.endswith("/") or re.search(r"[/-]$", before):
            return f"{year}-{month}-{day}" if day else f"{year}-{month}"
    return None


def _iso_or_none(value: str | None) -> str | None:
    return value if value and re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", value) else None


# --------------------------------------------------------------------------- source, title, lede

_SOURCE = re.compile(
    r"^\s*(?:source|nguồn|url|link|theo)(?:\s[^:/]{0,40})?\s*:\s*(?P<url>(?:https?://|www\.)[^\s)\]>]+)", re.IGNORECASE
)
_HEAD_LINES = 12  # how far into a page its headline and dateline may stand


@dataclass(frozen=True)
class _Page:
    """What the raw text holds that cleaning drops or changes, normalised line by line."""

    head: list[str]  # the first non-empty lines
    tail: list[str]  # the footer: the lines after the last paragraph of prose
    captions: frozenset[str]  # keys of the lines shown as captions or table cells
    source_url: str | None


_HEAD = 40
_TAIL = 12
_FOOTER_LINE_CHARS = 300
_HEAD_LINE_CHARS = 2000  # a headline, dateline or source line is far shorter


def _read_page(raw: str) -> _Page:
    lines = [line for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]
    head = [normalize_text(line[:_HEAD_LINE_CHARS]) for line in lines[:_HEAD]]
    urls = [m.group("url") for line in lines if (m := _SOURCE.match(line))]
    first = [m.group("url") for line in head[:3] if (m := _SOURCE.match(line))]
    last_prose = max((k for k, line in enumerate(lines) if is_prose(line.strip())), default=-1)
    tail = [normalize_text(line[:_FOOTER_LINE_CHARS]) for line in lines[last_prose + 1 :][-_TAIL:]]
    captions = frozenset(
        comparable(strip_markup(line.strip()))
        for line in lines
        if line.lstrip().startswith(("![", "|")) or line.rstrip().endswith("|")
    )
    return _Page(head, tail, captions, (first or urls[-1:] or [None])[0])


# Page furniture that is not a headline: print and share buttons, breadcrumbs, font-size widgets.
_CHROME = re.compile(
    r"^(?:trang chủ|home|bản in|in bài|gởi bài viết|gửi bài viết|gửi bài|chia sẻ|cỡ chữ|uncategorized|"
    r"e ?magazine|print|share|font size|chi tiết tin|tin tức)\b",
    re.IGNORECASE,
)
_REPEATED = re.compile(r"(.{2,60}?)(?:\s+\1)+")
_CLOCK = re.compile(r"\b\d{1,2}:\d\d\b")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _good_title(line: str | None) -> bool:
    """Whether a line reads like a headline (not a breadcrumb, a dateline, a button or a sentence)."""
    if not line:
        return False
    line = line.strip()
    words = _LETTER_WORD.findall(line)
    if not 2 <= len(words) <= 40 or len(line) > 300:
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"“'‘"):
        return False
    if line[-1] in ".:;,|" or _CHROME.match(line) or "://" in line or "www." in line:
        return False
    if _REPEATED.fullmatch(line) or is_navigation(line) or parse_dateline(line) or _CREDIT.search(line):
        return False
    return not (_CLOCK.search(line) and re.search(r"\d{1,2}/\d{1,2}/\d{4}", line))


def _without_head_noise(line: str) -> str:
    """A line without a leading "source: URL", dateline prefix or template placeholder ("$0")."""
    line = strip_markup(line).strip()
    m = _SOURCE.match(line)
    if m:
        line = line[m.end() :].strip()
    dateline = parse_dateline(line)
    if dateline is not None and dateline.start == 0 and dateline.end < len(line):
        line = line[dateline.end :].strip()
    return re.sub(r"^(?:\$\d+\s*)+", "", line).strip()


def _title(head: list[str], given: str | None) -> str | None:
    """The headline: the loader's or cleaner's when it reads like one, else the first line at the
    top of the page that does, before the first paragraph of prose (or just after it, when the
    page opens with its lede)."""
    if _good_title(given):
        return normalize_text(given).strip()
    lines = [_without_head_noise(line) for line in head[:_HEAD_LINES]]
    lines = [line for line in lines if line]
    for k, line in enumerate(lines):
        if _is_paragraph(line):
            after = [x for x in lines[k + 1 : k + 3] if len(_LETTER_WORD.findall(x)) >= 6]
            return next((x for x in after if _good_title(x)), None)
        if _good_title(line):
            return line
    return None


def _is_paragraph(line: str) -> bool:
    """Prose, or a line too long to be a heading even though it does not end like a sentence
    ("... ở những xã Thạnh Quới (Long Hồ);")."""
    words = len(_LETTER_WORD.findall(line))
    return is_prose(line) or words >= 40 or (words >= 12 and line.rstrip()[-1:] in (";", ":", ","))


@dataclass(frozen=True)
class _Paragraph:
    text: str
    role: str  # title, lede, body, caption, heading


# A photo credit closing a line: "(Ảnh: Việt Anh/baotainguyenmoitruong.vn).", "... tổ chức. Ảnh: VUFO".
_CREDIT = re.compile(
    r"(?:\(\s*(?:ảnh|photo|nguồn|source)\s*:[^)]{0,200}\)\s*\.?|\b(?:ảnh|photo)\s*:\s*[^.]{1,60}\.?)\s*$", re.IGNORECASE
)


def _paragraphs(cleaned: str, captions: frozenset[str], title: str | None) -> list[_Paragraph]:
    title_key = comparable(title) if title else None
    out: list[_Paragraph] = []
    have_lede = False
    for line in cleaned.split("\n"):
        text = _without_head_noise(line)
        if not text or (parse_dateline(text) is not None):
            continue
        key = comparable_normalized(text)
        if title_key and (key == title_key or key.startswith(title_key + " ")):
            role = "title"
        elif key in captions or _CREDIT.search(text):
            role = "caption"
        elif not _is_paragraph(text):
            role = "heading"
        elif not have_lede:
            role, have_lede = "lede", True
        else:
            role = "body"
        out.append(_Paragraph(text, role))
    return out


_MASTHEAD = re.compile(
    r"^(?P<place>[^()\n]{0,40}?)\s*\((?P<paren>[^()\n]{1,40})\)\s*[.,]?\s*[-–—.:]+\s*(?=\S)"
    r"|^(?P<caps>[A-ZĐ][A-ZĐ0-9.]{1,9})\s*[-–—]\s+"
)


def _masthead(lede: str | None) -> tuple[str | None, str | None]:
    """The outlet's mark that opens the lede ("(HG) - ", "BTN - ", "Quang Ngai (VNA) - ") and the
    place named before it, if any."""
    if not lede:
        return None, None
    m = _MASTHEAD.match(lede)
    if not m:
        return None, None
    place = (m.group("place") or "").strip() or None
    return (m.group("paren") or m.group("caps")).strip(), place


_ENGLISH_WORDS = frozenset(
    "the of and in to with for has have was were is are by on from that this which its their".split()
)


def _language(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", text[:20_000].lower())
    marked = sum(1 for w in words if fold(w) != w)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    return "en" if english > marked else "vi"


# --------------------------------------------------------------------------- places

# What one piece of evidence is worth, by kind, and the most a kind may add up to. Measured on the
# 35 reports of the shared corpora: a headline or a newspaper's own address outweighs any number
# of body mentions, since national reports name many provinces in their body and provincial ones
# name the capital where a meeting was held.
_WEIGHT = {
    "title": 4.0, "title_subject": 1.5, "source_url": 3.0, "url_path": 2.0, "publisher": 2.0,
    "masthead": 1.5, "masthead_initials": 0.75, "dateline": 2.0, "lede": 2.0, "lede_more": 1.0,
    "self_reference": 1.5, "heading": 0.5, "caption": 0.25, "districts": 0.5, "communes": 0.3,
    "national_scope": 0.75, "national_body": 0.5, "provincial_voice": 0.4,
}  # fmt: skip
_CAP = {
    "self_reference": 4.5, "heading": 1.5, "caption": 1.0, "districts": 2.5, "communes": 1.2,
    "national_scope": 3.0, "national_body": 1.5, "provincial_voice": 2.0, "lede_more": 2.0,
}  # fmt: skip
_BODY_WEIGHT = 1.2  # times log(1 + mentions): the fifth mention adds little to the first
_ORDER = list(_WEIGHT) + ["body"]


class _Votes:
    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.body: dict[str, float] = defaultdict(float)

    def add(self, name: str, kind: str, times: float = 1.0) -> None:
        self.kinds[name][kind] += _WEIGHT[kind] * times

    def has(self, name: str) -> bool:
        return bool(self.kinds.get(name)) or self.body.get(name, 0) > 0

    def totals(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name in set(self.kinds) | set(self.body):
            kinds = {k: min(v, _CAP.get(k, math.inf)) for k, v in self.kinds.get(name, {}).items()}
            if self.body.get(name):
                kinds["body"] = _BODY_WEIGHT * math.log1p(self.body[name])
            out[name] = kinds
        return out


def _ranked(votes: _Votes) -> tuple[PlaceCandidate, ...]:
    candidates = []
    for name, kinds in votes.totals().items():
        score = sum(kinds.values())
        if score > 0:
            evidence = sorted(kinds, key=lambda k: (-kinds[k], _ORDER.index(k)))
            candidates.append(PlaceCandidate(name, round(score, 2), tuple(evidence)))
    return tuple(sorted(candidates, key=lambda c: (-c.score, c.name)))


# A province named as the body that speaks: "UBND tỉnh X", "Liên hiệp các tổ chức hữu nghị tỉnh X".
_SELF_BEFORE = re.compile(
    r"(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Tỉnh ủy|Thành ủy|Sở [A-ZĐ][^\W\d_]*(?: [^\W\d_]+){0,4}"
    r"|Liên hiệp (?:các )?tổ chức hữu nghị|Cổng thông tin điện tử|Đài Phát thanh(?: -| và) Truyền hình|Báo)"
    r" (?:tỉnh |thành phố |TP\.? ?)?$",
    re.IGNORECASE,
)
_KEYWORD_BEFORE = re.compile(r"(?:tỉnh|thành phố|TP\.?|province of)\s?$", re.IGNORECASE)
_KEYWORD_AFTER = re.compile(r"^\s(?:province|provincial|city)\b", re.IGNORECASE)
# The province spoken of without its name, as its own reports do.
_PROVINCIAL_VOICE = re.compile(
    r"\b(?:toàn tỉnh|của tỉnh|địa bàn tỉnh|UBND tỉnh|Tỉnh ủy|hữu nghị tỉnh|cấp tỉnh|the province|provincial)\b"
    r"(?! [A-ZĐ])",
    re.IGNORECASE,
)
# The whole country as the subject.
_NATIONAL_SCOPE = re.compile(
    r"\b(?:toàn quốc|cả nước|nationwide|the country|whole country|63 tỉnh|các tỉnh, thành phố|các bộ, ngành)\b",
    re.IGNORECASE,
)
_COUNTRY = re.compile(r"\b(?:Việt Nam|Viet Nam|Vietnam)\b(?!['’]s\b)", re.IGNORECASE)
# "Việt Nam" in the name of the national friendship union (VUFO: "Liên hiệp các tổ chức hữu nghị
# Việt Nam", "Viet Nam Union of Friendship Organizations"), which reports of every province name.
_UNION_BEFORE = re.compile(r"hữu nghị\s$", re.IGNORECASE)
_UNION_AFTER = re.compile(r"^\s?(?:Union|Friendship)", re.IGNORECASE)
# Other names: two countries ("Việt Nam - Lào", "Vietnam - South Korea"), a society, an embassy,
# an outlet ("Vietnam Times"), an organisation's office ("Tầm nhìn Thế giới tại Việt Nam").
_NAME_BEFORE = re.compile(r"(?:Hội|Đại sứ quán|Embassy of)\s$|[^\W\d_]\s?[-–]\s?$", re.IGNORECASE)
_NAME_AFTER = re.compile(r"^\s?[-–]\s?[A-ZĐ]|^ [A-ZĐ]")  # "Việt Nam - Lào", "Vietnam Times"
# A capitalised word right before the country is a name it ends ("Peace Trees Vietnam", "Plan
# Việt Nam"), unless it is a preposition opening a sentence ("Tại Việt Nam, ...").
_CAPITAL_BEFORE = re.compile(r"(?<![.!?]\s)\b(?!(?:In|At|For|To|From|Of|And|Tại|Ở|Cho|Với|Của|Và|Toàn)\s)[A-ZĐ][^\s(]*\s$")
# An organisation's office: "Tổ chức Tầm nhìn Thế giới tại Việt Nam", "(World Vision) tại Việt Nam",
# "Văn phòng đại diện tại Việt Nam"; not "500 tổ chức hoạt động tại Việt Nam", a national figure.
_OFFICE_BEFORE = re.compile(r"(?:[A-ZĐ][^\s]*|\)|đại diện)\s(?:tại|ở|in)\s$")


def _country_mentions(text: str) -> tuple[int, int, int]:
    """(mentions of the country as a subject, words of national scope, mentions of the national
    friendship union) in a text."""
    plain = union = 0
    words = _LETTER_WORD.findall(text)
    headline_case = len(words) > 0 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    for m in _COUNTRY.finditer(text):
        before, after = text[max(0, m.start() - 60) : m.start()], text[m.end() : m.end() + 20]
        if _UNION_BEFORE.search(before) or _UNION_AFTER.match(after):
            union += 1
        elif not (
            _NAME_BEFORE.search(before)
            or _NAME_AFTER.match(after)
            or _OFFICE_BEFORE.search(before)
            or (not headline_case and _CAPITAL_BEFORE.search(before))
        ):
            plain += 1
    return plain, len(_NATIONAL_SCOPE.findall(text)), union


def _province_mentions(text: str, communes: list[CommuneMention] | None = None) -> list[tuple[int, str, str]]:
    """(offset, province, how) for each mention; how is "self" ("UBND tỉnh X"), "keyword" ("tỉnh X",
    "X province") or "name". A province named like a commune ("xã Bình Phước") is not counted."""
    inside = bytearray(len(text) + 1)  # characters that belong to a commune's name
    for c in find_commune_mentions(text) if communes is None else communes:
        inside[c.start : c.end] = b"\x01" * (c.end - c.start)
    out = []
    for m in find_province_mentions(text, normalized=True):  # cleaned text, or normalised head lines
        if inside[m.start]:
            continue
        before = text[max(0, m.start - 60) : m.start]
        if _SELF_BEFORE.search(before):
            how = "self"
        elif _KEYWORD_BEFORE.search(before) or _KEYWORD_AFTER.match(text[m.end : m.end + 12]):
            how = "keyword"
        else:
            how = "name"
        out.append((m.start, m.name, how))
    return out


def _province_keys() -> list[tuple[str, str]]:
    """(folded squeezed name, province) for every name and alias of at least five letters, longest
    first: what a domain label ("baohaugiang", "kontumtv", "doingoailaocai") may contain."""
    keys = {}
    for province in all_provinces():
        for name in (province.name, *province.aliases):
            key = re.sub(r"[^a-z]", "", fold(name).lower())
            if len(key) >= 5:
                keys.setdefault(key, province.name)
    return sorted(keys.items(), key=lambda kv: -len(kv[0]))


def _in_label(label: str) -> str | None:
    """The province whose name a domain label holds, the longest name winning ("thuathienhue")."""
    for key, name in _province_keys():
        if key in label:
            return name
    return None


def _url_evidence(url: str, votes: _Votes) -> None:
    """Domain labels and the words of the path: "baohaugiang.com.vn", "/...-cho-tre-em-hung-yen-53594"."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname or ""
    except ValueError:  # "http://[..." is not an address at all
        return
    for label in host.split("."):
        name = _in_label(label)
        if name:
            votes.add(name, "source_url")
            break
    words = " ".join(w for w in re.split(r"[^a-z0-9]+", fold(unquote(parts.path)).lower()) if w)
    for name in dict.fromkeys(m.name for m in find_province_mentions(words)):
        votes.add(name, "url_path")
    if re.search(r"\b(?:viet nam|vietnam)\b", words):
        votes.add(NATIONAL, "url_path")


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", fold(name).upper()))


def _masthead_evidence(masthead: str | None, place: str | None, votes: _Votes) -> set[str]:
    """A masthead that names a province ("Quang Binh Portal", "kontumtv.vn") counts; one that is a
    province's initials ("HG", or "BTN" for Báo Tây Ninh) only agrees with other evidence, since
    initials are shared (HG is Hà Giang and Hậu Giang): the provinces it may stand for are returned."""
    if place:
        for name in dict.fromkeys(m.name for m in find_province_mentions(place)):
            votes.add(name, "dateline")
    if not masthead:
        return set()
    named = {m.name for m in find_province_mentions(masthead)}
    label = _in_label(re.sub(r"[^a-z]", "", fold(masthead).lower()))
    for name in named | ({label} if label else set()):
        votes.add(name, "masthead")
    code = re.sub(r"[^A-Z]", "", fold(masthead))
    if named or label or not 2 <= len(code) <= 5 or code != fold(masthead).replace(".", "").strip():
        return set()
    fits = set()
    for province in all_provinces():
        for name in (province.name, *province.aliases):
            initials = _initials(name.replace("TP.", "").replace("Thành phố", ""))
            if code in (initials, "B" + initials):
                fits.add(province.name)
    return fits


_PUBLISHER = re.compile(
    r"(?:cổng thông tin điện tử|báo|đài phát thanh(?: -| và) truyền hình|sở ngoại vụ|ủy ban nhân dân|ubnd)"
    r"\s+(?:tỉnh\s+|thành phố\s+)?$",
    re.IGNORECASE,
)


def _publisher_evidence(page: _Page, votes: _Votes) -> None:
    """The site's own name: in its footer ("Sở Ngoại vụ Quảng Trị", "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH X")
    or as the banner that opens the page, a line that is nothing but a province's name ("Yên Bái
    Yên Bái Yên Bái")."""
    named = set()
    for line in page.tail:
        for m in find_province_mentions(line):
            if _PUBLISHER.search(line[max(0, m.start - 50) : m.start]):
                named.add(m.name)
    for line in page.head[:3]:
        if len(line) > _FOOTER_LINE_CHARS:
            continue
        mentions = find_province_mentions(line)
        rest = line
        for m in reversed(mentions):
            rest = rest[: m.start] + rest[m.end :]
        if len({m.name for m in mentions}) == 1 and len(mentions) > 1 and not _LETTER_WORD.search(rest):
            named.add(mentions[0].name)
    for name in named:
        votes.add(name, "publisher")


_ROLE_FACTOR = {"title": 1.0, "lede": 1.0, "body": 1.0, "heading": 0.5, "caption": 0.3}


def _district_evidence(text: str, role: str, votes: _Votes, communes: list[CommuneMention]) -> None:
    """Districts and communes vote for their province; a name shared by several provinces splits
    its vote."""
    factor = _ROLE_FACTOR[role]
    for m in find_district_mentions(text):
        share = (1.0 if m.explicit else 0.7) * factor / len(m.provinces)
        for name in m.provinces:
            votes.add(name, "districts", share)
    for c in communes:
        if len(c.provinces) == 1:
            votes.add(c.provinces[0], "communes", factor)


def _title_evidence(title: str, votes: _Votes) -> None:
    communes = find_commune_mentions(title)
    mentions = _province_mentions(title, communes)
    for name in dict.fromkeys(name for _, name, _ in mentions):
        votes.add(name, "title")
    subject = bool(mentions) and re.fullmatch(r"(?:tỉnh |thành phố |TP\.? ?)?", title[: mentions[0][0]], re.I)
    if subject:
        votes.add(mentions[0][1], "title_subject")  # "Quảng Trị nhận thêm ...", "Tỉnh Quảng Trị tham dự ..."
    plain, scope, _ = _country_mentions(title)
    if plain or scope:
        # with a province as its subject, the country in a headline is a setting ("... hội nghị toàn quốc")
        votes.add(NATIONAL, "title", 0.5 if subject else 1.0)
    _district_evidence(title, "title", votes, communes)


def _lede_evidence(text: str, mentions: list[tuple[int, str, str]], national: int, votes: _Votes) -> None:
    """The first place the lede names leads it; the others, the country included, follow."""
    first = [(start, name) for start, name, _ in mentions[:1]]
    if national:
        m = _COUNTRY.search(text) or _NATIONAL_SCOPE.search(text)
        first.append((m.start() if m else len(text), NATIONAL))
    lead = min(first)[1] if first else None
    names = list(dict.fromkeys(name for _, name, _ in mentions)) + ([NATIONAL] if national else [])
    for name in names:
        votes.add(name, "lede" if name == lead else "lede_more")


def _paragraph_evidence(p: _Paragraph, votes: _Votes) -> None:
    communes = find_commune_mentions(p.text)
    mentions = _province_mentions(p.text, communes)
    plain, scope, union = _country_mentions(p.text)
    if p.role in ("heading", "caption"):
        for _, name, _ in mentions:
            votes.add(name, p.role)
        if plain or scope:
            votes.add(NATIONAL, p.role)
    else:
        if p.role == "lede":
            _lede_evidence(p.text, mentions, plain + scope + union, votes)
        for _, name, how in mentions:
            votes.body[name] += 1.0 if how == "name" else 1.5
            if how == "self":
                votes.add(name, "self_reference")
        votes.body[NATIONAL] += plain
        votes.add(NATIONAL, "national_scope", scope)
        votes.add(NATIONAL, "national_body", union)
    _district_evidence(p.text, p.role, votes, communes)


def _score_places(
    paragraphs: list[_Paragraph],
    title: str | None,
    source_url: str | None,
    masthead: str | None,
    masthead_place: str | None,
    page: _Page,
) -> tuple[PlaceCandidate, ...]:
    votes = _Votes()
    if title:
        _title_evidence(title, votes)
    if source_url:
        _url_evidence(source_url, votes)
    initials = _masthead_evidence(masthead, masthead_place, votes)
    _publisher_evidence(page, votes)
    voice = 0
    for p in paragraphs:
        if p.role != "title":
            _paragraph_evidence(p, votes)
            if p.role in ("lede", "body"):
                voice += len(_PROVINCIAL_VOICE.findall(p.text))
    for name in initials:
        if votes.has(name):
            votes.add(name, "masthead_initials")
    ranked = _ranked(votes)
    top = next((c for c in ranked if c.name != NATIONAL), None)
    if voice and top is not None:
        # "toàn tỉnh", "UBND tỉnh", "the province": a provincial report speaking of its province
        votes.add(top.name, "provincial_voice", voice)
        ranked = _ranked(votes)
    return ranked


# A main place needs this much evidence, and this much more than the runner-up: a headline alone
# (4) or an address and a lede (4.5) suffice; two provinces within 60% of each other do not.
_MIN_SCORE = 3.0
_MAX_RATIO = 0.6
_MAX_RATIO_NATIONAL = 0.75  # a national report names provinces, each far below the country
_FULL_CONFIDENCE = 10.0
_MIN_UNOPPOSED = 2.0  # enough when no other place has evidence (the country: no province above 1.5)
_NO_PROVINCE = 1.5
_NO_RIVAL = 0.5


def _main_place(places: tuple[PlaceCandidate, ...]) -> tuple[str | None, float]:
    if not places:
        return None, 0.0
    top = places[0]
    second = places[1].score if len(places) > 1 else 0.0
    ratio = second / top.score
    confidence = round(max(0.0, 1.0 - ratio) * min(1.0, top.score / _FULL_CONFIDENCE), 2)
    if top.score < _MIN_SCORE:
        # weaker evidence is enough when nothing contradicts it: a report that names no province and
        # speaks of the country is national; one whose only place is a province is about it
        unopposed = second < (_NO_PROVINCE if top.name == NATIONAL else _NO_RIVAL)
        return (top.name if unopposed and top.score >= _MIN_UNOPPOSED else None), confidence
    if top.name == NATIONAL:
        return (NATIONAL, confidence) if ratio <= _MAX_RATIO_NATIONAL else (None, confidence)
    rivals = [p for p in places[1:] if p.name != NATIONAL and p.score >= 0.5 * top.score]
    if ratio > _MAX_RATIO or len(rivals) >= 2:
        return None, confidence
    return top.name, confidence


# --------------------------------------------------------------------------- periods

# A "paragraph" longer than this is no prose (a table flattened, a dump of figures): its first part
# says what periods it covers as well as the whole, which find_periods reads at about 10 s a megabyte
# when the text is all digits.
_PERIOD_SCAN_CHARS = 20_000
_PERIOD_WEIGHT = {"title": 3.0, "lede": 2.0, "body": 1.0, "heading": 0.5, "caption": 0.3}


def _score_periods(
    paragraphs: list[_Paragraph], title: str | None, published: str | None
) -> tuple[PeriodCandidate, ...]:
    """Periods the document speaks of, weighted by where they stand; "năm qua" and "năm nay" are
    read against the publication year. Comparison points ("so với năm 2022") do not count."""
    year = int(published[:4]) if published else None
    scores: dict[tuple[str, str, str | None], float] = defaultdict(float)
    texts = ([_Paragraph(title, "title")] if title else []) + [p for p in paragraphs if p.role != "title"]
    for p in texts:
        for m in find_periods(p.text[:_PERIOD_SCAN_CHARS]):
            if m.comparison:
                continue
            period = m.period
            if period is None:
                if year is None:
                    continue
                resolved = year if m.relative == "current" else year - 1
                period = Period.year(resolved)
            scores[(period.label, period.start, period.end)] += _PERIOD_WEIGHT[p.role]
    ranked = [PeriodCandidate(label, start, end, round(score, 2)) for (label, start, end), score in scores.items()]
    return tuple(sorted(ranked, key=lambda c: (-c.score, c.start)))


def _year_scores(periods: tuple[PeriodCandidate, ...]) -> dict[int, float]:
    """Votes for single years: a year, a span inside one year, or the year a "đến 12/2018" ends."""
    years: dict[int, float] = defaultdict(float)
    for p in periods:
        if p.end and (p.start[:4] == p.end[:4] or p.start.startswith("0001")):
            years[int(p.end[:4])] += p.score
    return years


def _main_period(periods: tuple[PeriodCandidate, ...]) -> tuple[str | None, float, int | None]:
    """(label, confidence, single year): the period that clearly leads, else the year that does."""
    if not periods:
        return None, 0.0, None
    total = sum(p.score for p in periods)
    years = sorted(_year_scores(periods).items(), key=lambda kv: -kv[1])
    year = years[0][0] if years and (len(years) == 1 or years[0][1] > years[1][1]) else None
    top = periods[0]
    if len(periods) == 1 or top.score > periods[1].score:
        label, score = top.label, top.score
    elif year is not None:
        label, score = str(year), years[0][1]
    else:
        return None, round(top.score / total * min(1.0, top.score / 4.0), 2), None
    confidence = round(min(1.0, score / total) * min(1.0, score / 4.0), 2)
    if year is None and top.end and top.start[:4] == top.end[:4] and label == top.label:
        year = int(top.end[:4])
    return label, confidence, year
