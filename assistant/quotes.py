"""Which source sentences a draft quotes: what organisations did, difficulties and directions.

A speech quotes the sources for what figures cannot say: the deeds of the organisations that stood
out, the difficulties met and the directions for the coming period. Each quoted sentence must be about
the draft's own place and time: a sentence naming only other provinces, or speaking only of years
before the period the draft is about, is another scope and is left out. Sentence kinds are told
apart by their wording (the patterns below), so they work on reports nobody here has read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.models import Citation
from assistant.question import content_words
from ingest.models import Span
from vntext.entities import NATIONAL, find_organisations
from vntext.gazetteer import find_provinces, find_years
from vntext.glossary import concepts_in
from vntext.vietnamese import fold

SECTORS_VI = {
    "health": "y tế", "education": "giáo dục và đào tạo", "clean_water": "nước sạch và vệ sinh môi trường",
    "uxo": "khắc phục hậu quả bom mìn", "poverty": "xóa đói giảm nghèo", "climate": "ứng phó biến đổi khí hậu",
    "disability": "hỗ trợ người khuyết tật", "children": "bảo vệ trẻ em", "agent_orange": "hỗ trợ nạn nhân chất độc da cam",
    "disaster": "phòng chống và khắc phục thiên tai", "covid": "phòng chống dịch bệnh", "socio_economic": "phát triển kinh tế - xã hội",
}  # fmt: skip
BODIES_VI = {
    "vufo": "Liên hiệp các tổ chức hữu nghị Việt Nam (VUFO)",
    "paccom": "Ban Điều phối viện trợ nhân dân (PACCOM)",
    "comingo": "Ủy ban Công tác về các tổ chức phi chính phủ nước ngoài",
    "dofa": "Sở Ngoại vụ",
    "friendship_union": "Liên hiệp các tổ chức hữu nghị",
}
# Directions for the coming period: a sentence that looks ahead ("trong thời gian tới", "sẽ") or urges
# ("phương hướng, nhiệm vụ", "tiếp tục", "tăng cường"), without recounting what was done or what a
# meeting did ("đã", "hội nghị", "tham dự"): those are the occasion's agenda, not directions.
_AHEAD = re.compile(r"\b(thời gian tới|năm tới|sắp tới|giai đoạn tới|sẽ|will|in the coming)\b", re.IGNORECASE)
_URGES = re.compile(
    r"\b(phương hướng|nhiệm vụ|định hướng|kiến nghị|đề nghị|đề xuất|tiếp tục(?!\s+là\b)|tăng cường|đẩy mạnh|ưu tiên|"
    r"continue to|strengthen|plan to|plans to)\b",
    re.IGNORECASE,
)
_RECOUNTS = re.compile(
    r"\b(đã|hội nghị|tham dự|chủ trì|phát biểu|diễn ra|khai mạc|buổi làm việc|was|were|attended|held)\b", re.IGNORECASE
)
# Difficulties of the work the sources state. "Khó khăn" also describes the people aid reaches
# ("hộ có hoàn cảnh khó khăn", "vùng đặc biệt khó khăn", "giảm bớt những khó khăn"): that is not a
# difficulty of the work, so those uses are taken out before the test.
_DIFFICULTY = re.compile(
    r"\b(khó khăn|hạn chế|vướng mắc|bất cập|thách thức|difficult\w*|challeng\w*|obstacle\w*|shortcoming\w*)\b",
    re.IGNORECASE,
)
_NEEDY = re.compile(
    r"\b(?:(?:hoàn cảnh|đặc biệt|vùng|xã|hộ|gia đình|đồng bào|người dân|học sinh|trẻ em)"
    r"(?:\s+\S+){0,4}?\s+khó khăn|(?:giảm bớt|chia sẻ|san sẻ|giúp đỡ)(?:\s+\S+){0,3}?\s+khó khăn|"
    r"disadvantaged|difficult circumstances)",
    re.IGNORECASE,
)
# What an organisation did: it gave, funded, built or carried out something. A meeting it attended
# or a delegation it received is the occasion's news, not its contribution.
_DEED = re.compile(
    r"\b(hỗ trợ|tài trợ|viện trợ|triển khai|thực hiện|xây dựng|bàn giao|trao tặng|trao|tặng|cam kết|đóng góp|"
    r"cung cấp|giúp|funded|supported|provided|built|donated|implemented|handed over)\b",
    re.IGNORECASE,
)
_DONORS = re.compile(r"\b(nhà tài trợ|donors?)\b", re.IGNORECASE)  # who gives, not a deed
_MEETING = re.compile(
    r"\b(hội nghị|hội thảo|tham dự|chủ trì|phát biểu|khai mạc|buổi làm việc|tiếp đoàn|tiếp và làm việc|"
    r"attended|meeting|conference)\b",
    re.IGNORECASE,
)
_HAS_NUMBER = re.compile(r"\d")
# a donor government, an embassy or a Vietnamese body is not a non-governmental organisation
_NOT_AN_NGO = re.compile(r"^(chính phủ|đại sứ quán|bộ|sở|ủy ban|ban|ubnd|liên hiệp|hội đồng|cục)\b", re.IGNORECASE)
# the words of the generic term "tổ chức phi chính phủ nước ngoài / quốc tế": "Phi Chính" written with
# capitals is a piece of it, not an organisation's name
_GENERIC_WORDS = frozenset("to chuc phi chinh phu nuoc ngoai quoc te".split())


@dataclass(frozen=True)
class Quote:
    """A source sentence a draft quotes, with its citation, and the organisation it is about, if any."""

    text: str
    citation: Citation
    who: str | None = None


@dataclass(frozen=True)
class Setting:
    """Where and when a quoted sentence must be: a canonical province or ``NATIONAL``, and the first
    year it may speak of (None: any)."""

    place: str
    since: int | None = None

    def holds(self, sentence: str, written: int | None, local_ok: bool = False, plan: bool = False) -> bool:
        """The sentence is about this place and time. ``written``: the year of its report, which dates
        a sentence that states none. ``local_ok``: a national draft may quote what happened in one
        province (an organisation's deed names where it was done). ``plan``: a direction or a
        difficulty, which an older report states for its own time, whatever years it names."""
        provinces = set(find_provinces(sentence))
        if self.place != NATIONAL and provinces and self.place not in provinces:
            return False
        if self.place == NATIONAL and provinces and not local_ok:
            return False
        if self.since is None:
            return True
        if written is not None and written < self.since and (plan or not find_years(sentence)):
            return False
        years = [y for y in find_years(sentence) if y <= 2100]
        return not years or max(years) >= self.since


@dataclass
class Quotes:
    organisations: list[str]  # the non-governmental organisations named, as written
    bodies: list[str]  # the Vietnamese and coordinating bodies named
    sectors: list[str]
    deeds: list[Quote]  # what organisations that stood out did, one sentence each
    difficulties: list[Quote]
    directions: list[Quote]


@dataclass(frozen=True)
class Limits:
    deeds: int
    difficulties: int
    directions: int


Cite = Callable[[str, str, Span], Citation]  # (doc_id, passage_id, span) -> the sentence's citation


def quotes(
    hits: Iterable, setting: Setting, words: set[str], cite: Cite, limits: Limits, written: dict[str, int | None]
) -> Quotes:  # fmt: skip
    """The organisations, bodies and sectors the passages name and the sentences a draft quotes from them,
    in search order. ``words``: the topic's content words, which a direction must share; ``written``:
    the year each document was written, by ID."""
    found = Quotes([], [], [], [], [], [])
    deeds_of: dict[str, Quote] = {}
    for hit in hits:
        text, year = hit.passage.text, written.get(hit.passage.doc_id)
        concepts = concepts_in(text)
        found.bodies += [BODIES_VI[c] for c in concepts if c in BODIES_VI]
        found.sectors += [SECTORS_VI[c] for c in concepts if c in SECTORS_VI]
        for span in hit.passage.sentences:
            citation = cite(hit.passage.doc_id, hit.passage.passage_id, span)
            said = citation.sentence
            names = [name for _, _, name in find_organisations(said) if is_an_ngo(name)]
            found.organisations += names
            quote = Quote(said, citation)
            if names and did_something(said) and setting.holds(said, year, local_ok=True):
                # one deed per organisation: the first found, or a later one that gives a figure
                earlier = deeds_of.get(names[0])
                if earlier is None or (not _HAS_NUMBER.search(earlier.text) and _HAS_NUMBER.search(said)):
                    deeds_of[names[0]] = Quote(said, citation, names[0])
            elif looks_ahead(said) and _on_topic(words, said) and setting.holds(said, year, plan=True):
                found.directions.append(quote)
            elif states_difficulty(said) and setting.holds(said, year, plan=True):
                found.difficulties.append(quote)
    found.deeds = _unique(deeds_of.values(), limits.deeds)
    found.directions = _unique(found.directions, limits.directions)
    found.difficulties = _unique(found.difficulties, limits.difficulties)
    for field_name in ("organisations", "bodies", "sectors"):
        setattr(found, field_name, list(dict.fromkeys(getattr(found, field_name))))
    # "Liên hiệp các tổ chức hữu nghị" beside "Liên hiệp các tổ chức hữu nghị Việt Nam (VUFO)" is the same body
    found.bodies = [b for b in found.bodies if not any(o != b and o.startswith(b) for o in found.bodies)]
    return found


# a topic that is the whole field ("công tác viện trợ PCPNN": its domain words are not content words)
# leaves "công tác" and the like: every direction is on it
_WHOLE_FIELD = content_words("công tác hoạt động kết quả tình hình")


def _on_topic(words: set[str], sentence: str) -> bool:
    return words <= _WHOLE_FIELD or bool(words & content_words(sentence))


def _unique(found: Iterable[Quote], limit: int) -> list[Quote]:
    """The first ``limit`` sentences, each once (reports repeat paragraphs)."""
    seen: dict[str, Quote] = {}
    for quote in found:
        seen.setdefault(quote.text, quote)
    return list(seen.values())[:limit]


def is_a_name(name: str) -> bool:
    """An organisation's name, not a one-word start of one ("Hội") or a piece of the generic term.
    One word is a name when written as one: "KFHI", "ChildFund"."""
    words = fold(name.lower()).split()
    one_word_name = name.isupper() or any(c.isupper() for c in name[1:])
    return (len(words) > 1 or one_word_name) and not set(words) <= _GENERIC_WORDS


def is_an_ngo(name: str) -> bool:
    return is_a_name(name) and not _NOT_AN_NGO.match(name)


def looks_ahead(sentence: str) -> bool:
    """A direction for the coming period, not a recounting of what was done or what a meeting did."""
    return bool((_AHEAD.search(sentence) or _URGES.search(sentence)) and not _RECOUNTS.search(sentence))


def states_difficulty(sentence: str) -> bool:
    """A difficulty of the work, not the hardship of the people the aid reaches."""
    return bool(_DIFFICULTY.search(_NEEDY.sub(" ", sentence)))


def did_something(sentence: str) -> bool:
    """The sentence tells what was given, funded, built or carried out, not a meeting."""
    return bool(_DEED.search(_DONORS.sub(" ", sentence))) and not _MEETING.search(sentence)
