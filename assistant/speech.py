"""The sentences a speech states its results in: the headline figures of one scope joined into one
well-formed sentence, worded per measure, and the change from the year before.

"Năm 2023, trên địa bàn tỉnh Quảng Trị có 33 tổ chức PCPNN hoạt động, triển khai 94 chương trình,
dự án [3] [4], với giá trị giải ngân đạt 17.216.450,40 USD [1]." Every figure is written as its source
writes it and followed by the number of its note; a change is computed from two such figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.headlines import MONEY, Change, Headlines, measure_of
from assistant.phrasing import COUNTED_VI, as_written, count_number, is_vietnamese, own_noun, period_vi
from ingest.models import Fact
from vntext.entities import NATIONAL
from vntext.gazetteer import get_province
from vntext.numbers import format_number_vi

_MONEY_VI = {
    "disbursed": "giá trị giải ngân đạt",
    "committed": "tổng giá trị cam kết đạt",
    "mobilised": "giá trị vận động được đạt",
    "aid": "tổng giá trị viện trợ đạt",
}
_MEASURE_VI = {
    "disbursed": "giá trị giải ngân", "committed": "tổng giá trị cam kết", "mobilised": "giá trị vận động được",
    "aid": "tổng giá trị viện trợ", "projects": "số chương trình, dự án", "organizations": "số tổ chức hoạt động",
}  # fmt: skip

Note = Callable[[Fact], str]  # the note mark of a cited figure: "[1]"


def where_vi(place: str) -> str:
    """ "trên địa bàn tỉnh Quảng Trị", "trên địa bàn thành phố Hà Nội", "trên phạm vi cả nước"."""
    if place == NATIONAL:
        return "trên phạm vi cả nước"
    province = get_province(place)
    kind = "thành phố" if province is not None and province.kind == "city" else "tỉnh"
    return f"trên địa bàn {kind} {place.removeprefix('TP. ')}"


def counted(fact: Fact) -> str:
    """A count and what it counts, without the words after it (the sentence has its own verb)."""
    if is_vietnamese(own_noun(fact)):
        return as_written(fact)
    return f"{count_number(fact)} {COUNTED_VI.get(fact.unit, '')}".strip()


def results_sentence(headlines: Headlines, place: str, note: Note) -> str | None:
    """The headline figures of the latest year in one sentence, or None when there are none."""
    if not headlines.figures:
        return None
    by_measure = {_measure(f): f for f in headlines.figures}
    counts = []
    if "organizations" in by_measure:
        f = by_measure["organizations"]
        counts.append(f"có {counted(f)} hoạt động {note(f)}")
    if "projects" in by_measure:
        f = by_measure["projects"]
        counts.append(f"triển khai {counted(f)} {note(f)}")
    money = [f"{_MONEY_VI[m]} {as_written(f)} {note(f)}" for m, f in by_measure.items() if f.unit in MONEY]
    body = ", ".join(counts)
    if money:
        body = f"{body}, với {' và '.join(money)}" if counts else ", ".join(money)
    assert headlines.period is not None
    when = period_vi(headlines.period) or headlines.period.label
    lead = f"{when[:1].upper()}{when[1:]}, {where_vi(place)}"
    return f"{lead} {body}." if counts else f"{lead}, {body}."


def change_sentence(change: Change, note: Note) -> str | None:
    """ "So với năm 2022, giá trị giải ngân năm 2023 tăng 12,5% (từ X [5] lên Y [1])." """
    ratio = change.ratio
    if ratio is None:
        return None
    previous, current = change.previous, change.current
    assert previous.period is not None and current.period is not None
    about = "khoảng " if previous.qualifier or current.qualifier else ""
    if abs(ratio) < 0.0005:
        moved = "giữ nguyên"
    else:
        moved = f"{'tăng' if ratio > 0 else 'giảm'} {about}{format_number_vi(abs(ratio) * 100, 1)}%"
    return (
        f"So với năm {previous.period.label}, {_MEASURE_VI[_measure(current)]} năm {current.period.label} {moved} "
        f"(từ {_figure(previous)} {note(previous)} {'lên' if ratio >= 0 else 'xuống'} {_figure(current)} {note(current)})."
    )


def _measure(fact: Fact) -> str:
    measure = measure_of(fact)
    assert measure is not None, "only headline figures are worded here"
    return measure


def _figure(fact: Fact) -> str:
    return as_written(fact) if fact.unit in MONEY else counted(fact)
