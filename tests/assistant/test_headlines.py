"""Headline figures of a draft: scope filtering, choice by importance, sentence forms, year-on-year wording."""

from __future__ import annotations

import itertools
import re

import pytest

from assistant.drafting import Drafter
from assistant.grounding import numbers_in
from assistant.headlines import Scope, headlines, in_scope
from assistant.speech import change_sentence, counted, results_sentence, where_vi
from ingest.models import Fact, Span
from vntext.entities import NATIONAL
from vntext.periods import OPEN_START, Period

_ids = itertools.count()


def fact(value, unit, text, year=2023, metric=None, place="Quảng Trị", **extra) -> Fact:
    values = dict(
        fact_id=f"f{next(_ids)}", doc_id="d", passage_id="p", sentence=Span(0, 10), span=Span(0, 5), value=value,
        unit=unit, unit_text=None, text=text, metric=metric, place=place,
        period=Period.year(year) if year else None, period_source="sentence", subject_source="sentence",
    )  # fmt: skip
    values.update(extra)
    return Fact(**values)


DISBURSED = fact(17216450.4, "USD", "17.216.450,40 USD", metric="disbursed")
PROJECTS = fact(94, "projects", "94 chương trình, dự án", trailing="PCPNN triển khai")
ORGS = fact(33, "organizations", "33 tổ chức PCPNN")


def note_numbers():
    numbers: dict[str, int] = {}
    return lambda f: f"[{numbers.setdefault(f.fact_id, len(numbers) + 1)}]"


@pytest.mark.parametrize(
    "other",
    [
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", district="Hướng Hóa"),
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", organization="ChildFund"),
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", sector="health"),
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", part_of_total=True),
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", change="increase"),
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", place="Hà Tĩnh"),
        fact(36, "projects", "36 chương trình, dự án", trailing="mới được vận động"),
        fact(5e6, "USD", "5 triệu USD", metric="disbursed", period=Period(OPEN_START, "2023-12-31", "đến 2023")),
    ],
    ids=["district", "organisation", "sector", "part of a total", "a change", "another province", "new projects", "no start"],
)
def test_a_figure_of_another_scope_is_never_a_headline(other):
    assert not in_scope(other, Scope("Quảng Trị"))
    assert headlines([DISBURSED, other], Scope("Quảng Trị")).figures == (DISBURSED,)


def test_a_span_of_years_ending_later_leads_and_a_year_comes_before_the_span_ending_with_it():
    span = fact(3e7, "USD", "30 triệu USD", metric="disbursed", period=Period.years(2019, 2024))
    later = fact(2e7, "USD", "20 triệu USD", metric="disbursed", period=Period.years(2022, 2024))
    year = fact(1e7, "USD", "10 triệu USD", year=2024, metric="disbursed")
    assert headlines([span, later, DISBURSED], Scope("Quảng Trị")).figures == (later,)
    assert headlines([span, later, year], Scope("Quảng Trị")).figures == (year,)
    assert headlines([span, later, year], Scope("Quảng Trị"), rank=1).figures == (later,)


def test_the_latest_year_leads_and_the_period_asked_bounds_it():
    old = fact(9e6, "USD", "9 triệu USD", year=2019, metric="disbursed")
    later = fact(1e6, "USD", "1 triệu USD", year=2024, metric="disbursed")
    assert headlines([old, DISBURSED, later], Scope("Quảng Trị")).year == 2024
    assert headlines([old, DISBURSED, later], Scope("Quảng Trị", Period.years(2019, 2023))).year == 2023


def test_a_year_stated_with_the_figure_outranks_the_reports_year():
    guessed = fact(62, "organizations", "62 tổ chức PCPNN", year=2025, period_source="document")
    found = headlines([guessed, DISBURSED], Scope("Quảng Trị"))
    assert found.year == 2023 and found.figures == (DISBURSED,)


def test_figures_in_spoken_order_and_one_per_measure():
    carried = fact(17e6, "USD", "17 triệu USD", metric="disbursed", period_source="paragraph")
    found = headlines([DISBURSED, carried, PROJECTS, ORGS], Scope("Quảng Trị"))
    assert found.figures == (ORGS, PROJECTS, DISBURSED)


def test_the_change_from_the_year_before_is_computed_from_two_figures():
    before = fact(15304144.5, "USD", "15.304.144,50 USD", year=2022, metric="disbursed")
    other_unit = fact(90, "projects", "90 dự án", year=2022, metric=None, trailing="mới")
    found = headlines([DISBURSED, before, PROJECTS, other_unit], Scope("Quảng Trị"))
    (change,) = found.changes
    assert change.previous is before and change.ratio == pytest.approx(17216450.4 / 15304144.5 - 1)
    sentence = change_sentence(change, note_numbers())
    assert sentence == (
        "So với năm 2022, giá trị giải ngân năm 2023 tăng 12,5% (từ 15.304.144,50 USD [1] lên 17.216.450,40 USD [2])."
    )
    fall = headlines([fact(1e6, "USD", "1 triệu USD", year=2024, metric="disbursed", qualifier="more than"), DISBURSED], Scope("Quảng Trị"))
    assert "giảm khoảng 94,2%" in change_sentence(fall.changes[0], note_numbers())


def test_one_sentence_per_scope_worded_per_measure():
    found = headlines([DISBURSED, PROJECTS, ORGS, fact(15211724, "USD", "15.211.724 USD", metric="committed")], Scope("Quảng Trị"))
    assert results_sentence(found, "Quảng Trị", note_numbers()) == (
        "Năm 2023, trên địa bàn tỉnh Quảng Trị có 33 tổ chức PCPNN hoạt động [1], triển khai 94 chương trình, dự án [2], "
        "với giá trị giải ngân đạt 17.216.450,40 USD [3] và tổng giá trị cam kết đạt 15.211.724 USD [4]."
    )
    money_only = headlines([fact(228.7e6, "USD", "228,7 triệu USD", metric="aid", place=NATIONAL)], Scope(NATIONAL))
    assert results_sentence(money_only, NATIONAL, note_numbers()) == (
        "Năm 2023, trên phạm vi cả nước, tổng giá trị viện trợ đạt 228,7 triệu USD [1]."
    )
    assert results_sentence(headlines([], Scope(NATIONAL)), NATIONAL, note_numbers()) is None


def test_place_and_count_wording():
    assert where_vi("Hà Nội") == "trên địa bàn thành phố Hà Nội"
    assert where_vi("TP. Hồ Chí Minh") == "trên địa bàn thành phố Hồ Chí Minh"
    assert where_vi("Quảng Trị") == "trên địa bàn tỉnh Quảng Trị"
    assert counted(fact(12, "organizations", "12")) == "12 tổ chức phi chính phủ nước ngoài"  # a table cell
    assert counted(fact(25, "organizations", "25 foreign non-governmental organizations")) == "25 tổ chức phi chính phủ nước ngoài"
    assert counted(fact(50, "organizations", "trên 50")) == "trên 50 tổ chức phi chính phủ nước ngoài"
    assert counted(ORGS) == "33 tổ chức PCPNN"


@pytest.mark.slow
def test_drafts_on_the_shared_corpus_lead_with_their_own_headline_figures(corpus_store):
    drafter = Drafter(corpus_store)
    provincial = drafter.draft("công tác viện trợ PCPNN", province="Quảng Trị", years="2023-2024")
    assert provincial.results and "17.216.450,40 USD" in " ".join(provincial.results)
    national = drafter.draft("công tác viện trợ PCPNN")
    assert national.results and "cả nước" in national.results[0]
    for draft in (provincial, national):
        cited = {f.number: f for f in draft.figures}
        for sentence in draft.results:
            for mark in re.findall(r"\[(\d+)\]", sentence):
                figure = cited[int(mark)]
                assert figure.fact.subject == (draft.province or "Việt Nam") or figure.fact.subject == "cả nước"
                # the figure as the sentence writes it is in the cited source sentence
                assert set(numbers_in(figure.fact.text)) <= set(numbers_in(figure.citation.sentence))
