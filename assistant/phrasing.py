"""Sentences around figures, in Vietnamese and English.

Figures are always quoted as the source writes them ("hơn 262 triệu USD"); only the words around
them come from these templates.
"""

from __future__ import annotations

import re
from dataclasses import replace

from vntext.entities import NATIONAL
from vntext.metrics import metric_of
from ingest.models import Fact
from vntext.numbers import format_number_en, format_number_vi, writes_digits_in_english
from vntext.periods import Period
from vntext.vietnamese import fold, has_diacritics

METRIC_VI = {
    "disbursed": "giá trị giải ngân",
    "committed": "tổng giá trị cam kết",
    "mobilised": "giá trị vận động được",
    "rate": "tỷ lệ",
    "aid": "giá trị viện trợ",
    "value": "giá trị",
}
METRIC_EN = {
    "disbursed": "disbursement",
    "committed": "total commitments",
    "mobilised": "funds mobilised",
    "rate": "rate",
    "aid": "aid value",
    "value": "value",
}
COUNT_VERB_VI = {"mobilised": "vận động được", "committed": "vận động được"}
QUALIFIER_EN = {"more than": "more than", "nearly": "nearly", "about": "about", "less than": "less than",
                "at least": "at least", "at most": "at most"}  # fmt: skip
UNIT_EN = {
    "projects": "programmes/projects", "organizations": "organisations", "aid items": "aid items",
    "people": "people", "countries": "countries", "sites": "sites", "provinces": "provinces",
    "communes": "communes", "districts": "districts", "works": "works", "schools": "schools",
    "households": "households", "years": "years",
}  # fmt: skip


_YEARS = re.compile(r"(?:19|20)\d\d-(?:19|20)\d\d")
_DATES = re.compile(r"(\d{1,2}/\d{1,2}/\d{4})-(\d{1,2}/\d{1,2}/\d{4})")


def period_vi(period: Period | None) -> str | None:
    """ "năm 2023", "giai đoạn 2015-2023", "từ 16/11/2023 đến 15/12/2024", "quý I/2023" as written."""
    if period is None:
        return None
    label = period.label
    if period.is_single_year:
        return f"năm {label}"
    if period.end is None:
        return f"{label.replace('từ', 'từ năm', 1) if label.startswith('từ ') else label} đến nay"
    dates = _DATES.fullmatch(label)
    if dates:
        return f"từ {dates.group(1)} đến {dates.group(2)}"
    if _YEARS.fullmatch(label):
        return f"giai đoạn {label}"
    return label


def period_en(period: Period | None) -> str | None:
    if period is None:
        return None
    label = period.label
    if period.is_single_year:
        return f"in {label}"
    if period.end is None:
        return f"since {label.replace('từ ', '')}"
    if label.startswith("đến "):
        return f"up to {label.replace('đến ', '')}"
    dates = _DATES.fullmatch(label)
    if dates:
        return f"from {dates.group(1)} to {dates.group(2)}"
    return f"in {_label_en(label)}"


_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _label_en(label: str) -> str:
    """Vietnamese period labels in English: "quý I/2023" -> "Q1 2023"."""
    label = re.sub(r"quý (IV|III|II|I)/(\d{4})", lambda m: f"Q{_QUARTERS[m.group(1)]} {m.group(2)}", label)
    label = re.sub(r"(\d+) tháng đầu năm (\d{4})", r"the first \1 months of \2", label)
    return re.sub(r"tháng (\d{1,2})/(\d{4})", r"\1/\2", label)


def subject_vi(fact: Fact) -> str | None:
    """ "Quảng Trị", "cả nước", "ChildFund tại huyện Na Rì, Bắc Kạn"."""
    where = [f"huyện {fact.district}"] if fact.district else []
    if fact.place and fact.place != NATIONAL:
        where.append(fact.place)
    elif fact.place == NATIONAL and not where and not fact.organization:
        return "cả nước"
    place = ", ".join(where)
    if fact.organization:
        return f"{fact.organization} tại {place}" if place else fact.organization
    return place or None


def subject_en(fact: Fact) -> str | None:
    where = [f"{fact.district} district"] if fact.district else []
    if fact.place and fact.place != NATIONAL:
        where.append(fact.place)
    elif fact.place == NATIONAL and not where and not fact.organization:
        return "Vietnam as a whole"
    place = ", ".join(where)
    if fact.organization:
        return f"{fact.organization} in {place}" if place else fact.organization
    return place or None


def own_metric(fact: Fact) -> str | None:
    """The metric the figure's own words name (not one carried from an earlier sentence)."""
    return metric_of(fact.descriptor)


def _metric_vi(fact: Fact) -> str | None:
    if fact.metric == "rate" and "giai ngan" in fold(fact.descriptor.lower()):
        return "tỷ lệ giải ngân"
    return METRIC_VI.get(fact.metric or "")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# Words before a figure that only join it to the one before ("11,342 tỷ đồng và 88.831USD")
_CONNECTIVES = re.compile(r"[\s,;]*(?:(?:và|and|cùng|hoặc|or|với|with)[\s,;]*)*", re.IGNORECASE)


def statement_vi(fact: Fact) -> str:
    """"Năm 2023, giá trị giải ngân của Quảng Trị là 17.216.450,40 USD." """
    if fact.period_source == "document":
        plain = statement_vi(undated(fact))
        year = fact.period.label if fact.period else ""
        return f"Báo cáo nói về năm {year}, nhưng câu chứa số liệu không ghi năm: {plain[:1].lower()}{plain[1:]}"
    when = period_vi(fact.period)
    who = subject_vi(fact)
    own_words = re.sub(r"^(trong đó|trong số đó|bao gồm)\s*:?\s*", "", fact.descriptor, flags=re.I).strip(" :,")
    if fact.unit in ("USD", "VND", "EUR", "percent", "fraction") and fact.part_of_total and own_words:
        # a part of an earlier figure: say which part, in the source's words
        body = f"{who + ': ' if who else ''}{own_words} {as_written(fact)}"
    elif fact.unit in ("USD", "VND", "EUR", "percent", "fraction") and _own_words_say_what(fact):
        # no known metric: the source's own words say what the figure is ("Lĩnh vực y tế đạt")
        body = f"{fact.descriptor} {as_written(fact)}" + (f" ({who})" if who and who not in fact.descriptor else "")
        if when and not body[:2].isupper():  # "GD&ĐT" keeps its capitals
            body = body[:1].lower() + body[1:]
    elif fact.unit in ("USD", "VND", "EUR", "percent", "fraction"):
        what = _metric_vi(fact) or "con số"
        body = f"{what} của {who} là {as_written(fact)}" if who else f"{what} là {as_written(fact)}"
    else:
        verb = COUNT_VERB_VI.get(fact.metric or "", "có")
        counted = counted_vi(fact)
        body = f"{who} {verb} {counted}" if who else f"có {counted}"
    return f"{_capitalise(when)}, {body}." if when else f"{_capitalise(body)}."


def _own_words_say_what(fact: Fact) -> bool:
    words = fact.descriptor.split()
    return (
        own_metric(fact) is None and 0 < len(words) <= 8
        and not _CONNECTIVES.fullmatch(fact.descriptor) and fact.descriptor[:1].isalpha()
    )  # fmt: skip


def says_what_it_measures(fact: Fact) -> bool:
    """Whether :func:`statement_vi` can say what a sum or a share measures; when it cannot, it says
    "con số" ("the figure"), which a speech cannot use. A bare count ("Hơn 500 triệu") says nothing."""
    if fact.unit == "count":
        return False
    if fact.unit not in ("USD", "VND", "EUR", "percent", "fraction"):
        # a unit that is the first syllable of a noun the reading did not know ("03 lĩnh" of "lĩnh
        # vực") says nothing unless the words after the count do
        return fact.unit.isascii() or bool(qualifying_words(fact))
    own_words = re.sub(r"^(trong đó|trong số đó|bao gồm)\s*:?\s*", "", fact.descriptor, flags=re.I).strip(" :,")
    return bool(fact.part_of_total and own_words) or _own_words_say_what(fact) or _metric_vi(fact) is not None


def figure_en(fact: Fact) -> str:
    """The source figure in an English sentence: qualifier translated, number and unit as written,
    counted things named in English ("more than 500 TCPCPNN (organisations)")."""
    number = fact.text
    qualifier = QUALIFIER_EN.get(fact.qualifier or "")
    if fact.unit in UNIT_EN and fact.unit_text:
        return f"{qualifier + ' ' if qualifier else ''}{_core(fact)} {UNIT_EN[fact.unit]} (“{number}”)"
    return f"{qualifier + ' ' if qualifier else ''}{_core(fact)} (“{number}”)"


def _core(fact: Fact) -> str:
    """The figure without its qualifier and counted noun: "hơn 262 triệu USD" -> "262 triệu USD"."""
    text = fact.text
    if not re.search(r"\d", text):
        return plain_number(fact.value)  # "Fifty foreign NGOs" -> 50
    if fact.unit_text and fact.unit in UNIT_EN and text.endswith(fact.unit_text):
        text = text[: -len(fact.unit_text)].strip()
    words = text.split()
    if fact.qualifier and len(words) > 1 and not words[0][0].isdigit():
        text = " ".join(words[1:])
    return text


def statement_en(fact: Fact) -> str:
    """"In 2023, the disbursement of Quảng Trị was 17.216.450,40 USD (“17.216.450,40 USD”)." """
    if fact.period_source == "document":
        year = fact.period.label if fact.period else ""
        return f"The report is about {year}, but the sentence with the figure gives no year: {statement_en(undated(fact))}"
    when = period_en(fact.period)
    who = subject_en(fact)
    if fact.unit in ("USD", "VND", "EUR", "percent", "fraction"):
        what = METRIC_EN.get(fact.metric or "", "figure")
        body = f"the {what} of {who} was {figure_en(fact)}" if who else f"the {what} was {figure_en(fact)}"
    else:
        body = f"{who} had {figure_en(fact)}" if who else f"there were {figure_en(fact)}"
    return f"{_capitalise(when)}, {body}." if when else f"{_capitalise(body)}."


# what a count is of, when its own words do not say it in Vietnamese ("Hà Tĩnh có 12" in a table)
COUNTED_VI = {"projects": "chương trình, dự án", "organizations": "tổ chức phi chính phủ nước ngoài", "people": "người",
              "communes": "xã", "districts": "huyện", "provinces": "tỉnh, thành phố", "countries": "quốc gia"}  # fmt: skip


def counted_vi(fact: Fact) -> str:
    """A count with what it counts: the source's own Vietnamese words ("94 chương trình, dự án PCPNN
    triển khai"), else, for a known unit, the figure and its Vietnamese name ("12 tổ chức ..." for a
    table cell, "20 tổ chức ..." for "20 non-governmental organizations NGOs) for")."""
    written, words, own = as_written(fact), _balanced(qualifying_words(fact)), own_noun(fact)
    if is_vietnamese(own) and (not words or is_vietnamese(words)):
        return _balanced(f"{written} {words}".strip())
    if not own and words and is_vietnamese(words):
        return f"{written} {words}"
    if fact.unit not in COUNTED_VI:
        return f"{written} {words}".strip()
    return f"{count_number(fact)} {COUNTED_VI[fact.unit]}"


def _balanced(text: str) -> str:
    """Without a closing bracket whose opening one was cut off ("tổ chức PCPNN)")."""
    depth, kept = 0, []
    for char in text:
        if char == ")" and depth == 0:
            continue
        depth += (char == "(") - (char == ")")
        kept.append(char)
    return "".join(kept).rstrip()


def own_noun(fact: Fact) -> str:
    """The words after the number inside the figure as written ("chương trình, dự án" of "94
    chương trình, dự án"); empty for a bare number."""
    return re.split(r"\d", re.sub(r"\(.*?\)", "", fact.text))[-1].strip() if re.search(r"\d", fact.text) else ""


def count_number(fact: Fact) -> str:
    """The number of a count as written, with its qualifier ("trên 50"), without its noun."""
    leading = re.match(r"^(.*?\d[\d.,]*)", fact.text)
    return leading.group(1) if leading else plain_number(fact.value)


def is_vietnamese(words: str) -> bool:
    return has_diacritics(words) or "PCPNN" in words


def qualifying_words(fact: Fact, limit: int = 8) -> str:
    """The words right after a count that say what kind ("94 chương trình, dự án PCPNN triển khai",
    "36 chương trình, dự án mới được vận động"), cut at the next clause."""
    trailing = re.split(r"[,;:(]|\bvới\b|\bvà\b|\btrong đó\b|\bwith\b|\band\b", fact.trailing, maxsplit=1)[0]
    words = trailing.split()
    # words that lead into the next figure ("500 tổ chức của | 33 quốc gia") are not about this one
    while words and fold(words[-1].lower()) in _LEADING_INTO:
        words.pop()
    said = " ".join(words)
    # the figure's own year at the end ("... được vận động vào năm 2023") is said before it already
    year = _OWN_YEAR.search(said)
    if year and fact.period is not None and fact.period.label == year.group(1):
        said = said[: year.start()].rstrip()
    return said if len(said.split()) <= limit else ""


_OWN_YEAR = re.compile(r"\s*(?:\b(?:vào|trong|in)\s+)?(?:\b(?:năm|the year)\s+)?((?:19|20)\d\d)$", re.IGNORECASE)


_LEADING_INTO = {"cua", "voi", "va", "tong", "gia", "tri", "dat", "la", "co", "gom", "trong", "tu", "den", "tai",
                 "cho", "so", "von", "o", "khap", "ca", "tren", "hon", "gan", "khoang", "of", "with", "and", "total",
                 "worth", "value", "in", "across", "all", "over", "about", "nearly"}  # fmt: skip
# (the last ones place or qualify the next figure: "800 tổ chức hoạt động khắp cả | 63 tỉnh")


def undated(fact: Fact) -> Fact:
    """The fact without its period, for sentences where the period would mislead."""
    return replace(fact, period=None, period_source=None)


def plain_number(value: float) -> str:
    """A figure in digits, the Vietnamese way: 50, 3.000.000, 1,5."""
    return format_number_vi(round(value, 6))


def as_written(fact: Fact) -> str:
    """The figure as the source writes it, with its value in digits when the source spells it out
    ("Fifty foreign NGOs (50)", "gần ba triệu đô la Mỹ (3.000.000)")."""
    if re.search(r"\d", fact.text):
        if fact.unit in ("USD", "VND", "EUR") and not re.search(r"[^\d\s.,]", fact.text):
            return f"{fact.text} {fact.unit_text or fact.unit}"  # a table cell: the unit is its column's
        return fact.text
    return f"{fact.text} ({plain_number(fact.value)})"


_SCALE_VI = {"trillion": "nghìn tỷ", "billion": "tỷ", "million": "triệu", "thousand": "nghìn"}


def amount_in_scale(value: float, like: Fact, language: str | None = None) -> str:
    """Write a computed amount the way the source wrote its figure ("223,8 triệu USD", "USD 1,981,371");
    in a Vietnamese answer, with Vietnamese digits and scale words ("20 triệu USD" from "250 million USD")."""
    scale_word, scale = "", 1.0
    lowered = like.text.lower()
    scales = (("tỷ", 1e9), ("tỉ", 1e9), ("triệu", 1e6), ("nghìn", 1e3), ("ngàn", 1e3), ("trillion", 1e12),
              ("billion", 1e9), ("million", 1e6), ("thousand", 1e3))  # fmt: skip
    for word, factor in scales:
        if re.search(rf"(?<![^\W\d_]){word}(?![^\W\d_])", lowered):
            scale_word, scale = word, factor
            break
    if scale > 1.0 and abs(value) < scale:
        scale_word, scale = "", 1.0  # a small difference of large figures: written in full
    # in the source's digits: "4.450.116 USD" would read as four and a half to an English reader
    english_digits = writes_digits_in_english(like.text) and language != "vi"
    number = (format_number_en if english_digits else format_number_vi)(round(value / scale, 3))
    if language == "vi":
        scale_word = _SCALE_VI.get(scale_word, scale_word)
    unit = like.unit if like.unit in ("USD", "VND", "EUR") and like.unit_text in ("$", "US$", None) else like.unit_text or like.unit
    return " ".join(p for p in (number, scale_word, unit) if p)


# --- answers put together -------------------------------------------------------------------------


def quote_lead(language: str) -> str:
    return "The report says" if language == "en" else "Theo tài liệu"


def with_quotes(statement: str, quotes: list[str], language: str) -> str:
    """A statement followed by the source sentences it rests on, quoted whole."""
    quoted = " ".join(f"“{q}”" for q in dict.fromkeys(quotes))
    return f"{statement} {quote_lead(language)}: {quoted}" if quoted else statement


def missing_ask(unit: str | None, noun: str | None, language: str) -> str:
    """A part of the question the documents give no figure for."""
    if language == "en":
        what = noun or UNIT_EN.get(unit or "", "figure")
        return f"The documents give no figure for the number of {what} asked." if unit not in (None, "money", "percent") else "The documents give no figure for the other part of the question."
    what = noun or ("số tiền" if unit == "money" else "tỷ lệ" if unit == "percent" else "số liệu")
    return f"Tài liệu không nêu {what} được hỏi."


def conflict_note(fact: Fact, others: list[Fact], name_of, language: str) -> str:
    """Sources that disagree with the figure given, each named."""
    if language == "en":
        parts = "; ".join(f"{name_of(o.doc_id)} gives {o.text}" for o in others)
        return f"Note: the sources disagree: {name_of(fact.doc_id)} gives {fact.text}, while {parts}."
    parts = "; ".join(f"{name_of(o.doc_id)} ghi {o.text}" for o in others)
    return f"Lưu ý: các nguồn không thống nhất: {name_of(fact.doc_id)} ghi {fact.text}, còn {parts}."


def side_line(label: str, facts: list[Fact], language: str) -> str:
    if not facts:
        return f"{label}: {'not in the documents' if language == 'en' else 'không có trong tài liệu'}"
    return f"{label}: {'; '.join(_labelled(f, language) for f in facts)}"


def _labelled(fact: Fact, language: str) -> str:
    what = (METRIC_EN if language == "en" else METRIC_VI).get(fact.metric or "")
    if fact.unit in ("USD", "VND", "EUR", "percent") and what:
        return f"{what} {as_written(fact)}"
    return as_written(fact)


def comparison_text(lines: list[str], verdict: str | None, language: str) -> str:
    text = "; ".join(lines) + "."
    return f"{text} {verdict}" if verdict else text


def larger_verdict(big_label: str, small_label: str, big: Fact, small: Fact, language: str) -> str:
    if language == "en":
        return f"{_capitalise(big_label)} is larger ({big.text} against {small.text})."
    return f"{_capitalise(big_label)} lớn hơn ({big.text} so với {small.text})."


def calculation_line(
    operands: list[Fact], result: float, operation: str, like: Fact, given: tuple[float, str] | None = None,
    language: str | None = None,
) -> str:  # fmt: skip
    """ "48,2 tỷ đồng − 43 tỷ đồng = 5,2 tỷ đồng": written in the unit and scale of the first figure
    (and the answer's language, see :func:`amount_in_scale`)."""
    def amount(v: float, fact: Fact = like) -> str:
        return amount_in_scale(v, fact, language)

    if operation == "sum":
        body = " + ".join(amount(f.value) for f in operands)
    elif operation == "change" and given is not None:
        sign = "−" if given[1] == "increase" else "+"
        body = f"{amount(operands[0].value)} {sign} {amount(given[0], operands[-1] if len(operands) > 1 else like)}"
    else:
        body = " − ".join(amount(f.value) for f in operands[:2])
    return f"{body} = {amount(result)}"


def calculation_text(calculation: str, result_text: str, operation: str, operands: list[Fact], labels: list[str], language: str) -> str:
    """The computed figure, how it was computed, and from which cited figures."""
    quoted = ", ".join(f"“{f.text}”" + (f" ({label})" if label else "") for f, label in zip(operands, labels, strict=False))
    if language == "en":
        lead = {"sum": "The total is", "difference": "The difference is", "change": "The figure would be"}[operation]
        return f"{lead} {result_text}: {calculation}, from the figures {quoted}."
    lead = {"sum": "Tổng cộng là", "difference": "Chênh lệch là", "change": "Con số là"}[operation]
    return f"{lead} {result_text}, tính từ các số liệu {quoted}: {calculation}."


def no_answer(language: str) -> str:
    return "The documents do not answer this question." if language == "en" else "Tài liệu không có thông tin để trả lời câu hỏi này."


def abstention(language: str, metric: str | None, who: str | None, when: str | None, covered: list[str], known_subject: bool) -> str:
    """Say plainly that the documents do not hold the figure, and what they do hold."""
    if language == "en":
        what = METRIC_EN.get(metric or "", "figures")
        asked = " ".join(x for x in (what, f"for {who}" if who else None, when) if x)
        text = f"The documents do not give the {asked}."
        if not known_subject and who:
            text = f"The documents contain no figures about {who}."
        elif covered:
            text += f" They give {what} for {who or 'this subject'} for: {'; '.join(covered)}."
        return text
    what = METRIC_VI.get(metric or "", "số liệu")
    asked = " ".join(x for x in (what, f"của {who}" if who else None, when) if x)
    text = f"Tài liệu không có {asked}."
    if not known_subject and who:
        text = f"Tài liệu không có số liệu nào về {who}."
    elif covered:
        text += f" Tài liệu có {what} {'của ' + who if who else ''} cho: {'; '.join(covered)}."
    return re.sub(r"\s+", " ", text)


def words_answer(key: str | None, quotes: list[str], language: str) -> str:
    """A span that answers, then the sentences it comes from."""
    if key:
        return with_quotes(f"{key}.", quotes, language)
    return with_quotes("", quotes, language).strip()
