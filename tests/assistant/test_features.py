"""Scoring features and conflicts, on hand-made figures: each rule stated and checked on its own."""

from __future__ import annotations

from assistant import features
from assistant.conflicts import agree, conflicting, groups
from assistant.features import Target
from assistant.question import analyze
from assistant.sources import FactWords
from ingest.models import Fact, Span
from vntext.entities import NATIONAL
from vntext.periods import Period


def fact(**changes) -> Fact:
    base = dict(
        fact_id="d-p0-f0", doc_id="d", passage_id="d-p0", sentence=Span(0, 80), span=Span(10, 20),
        value=2.6e6, unit="USD", unit_text="USD", text="2,6 triệu USD", metric="disbursed",
        place="Vĩnh Phúc", period=Period.year(2015), period_source="sentence", subject_source="sentence",
    )  # fmt: skip
    base.update(changes)
    return Fact(**base)


def words(sentence: str = "giải ngân 2,6 triệu USD", **changes) -> FactWords:
    base = dict(
        near={}, sentence=frozenset(), concepts=frozenset(), folded_near="", folded_sentence=sentence,
        headline=False, sentence_metrics=frozenset(),
    )  # fmt: skip
    base.update(changes)
    return FactWords(**base)


def target(question: str) -> Target:
    q = analyze(question)
    return Target.of(q, q.asks[0], {})


def test_another_province_or_the_whole_country_never_answers_a_province():
    t = target("Vĩnh Phúc giải ngân bao nhiêu năm 2015?")
    assert features.place(fact(), words(), t) == 1.0
    assert features.place(fact(place="Bắc Ninh"), words(), t) is None
    assert features.place(fact(place=NATIONAL), words(), t) is None
    # a place known only from the document counts, but less than one the sentence states
    assert 0 < features.place(fact(subject_source="document"), words(), t) < 1.0


def test_a_national_question_takes_national_figures_first():
    t = target("Cả nước giải ngân bao nhiêu năm 2015?")
    assert features.place(fact(place=NATIONAL), words(), t) == 1.0
    assert features.place(fact(place="Vĩnh Phúc"), words(), t) is None
    assert features.place(fact(place=None), words(), t) < 0


def test_periods_must_agree():
    t = target("Vĩnh Phúc giải ngân bao nhiêu năm 2015?")
    assert features.period(fact(), words(), t) == 1.0
    assert features.period(fact(period=Period.year(2014)), words(), t) is None
    assert features.period(fact(period=Period.years(2013, 2016)), words(), t) is None  # a longer period
    quarter = Period("2015-01-01", "2015-03-31", "quý I/2015")
    assert 0 < features.period(fact(period=quarter), words(), t) < 1.0  # a part of the year asked


def test_disbursement_is_not_answered_by_a_commitment_or_attracted_funds():
    t = target("Vĩnh Phúc giải ngân bao nhiêu năm 2015?")
    assert features.metric(fact(), words(), t) == 1.0
    assert features.metric(fact(metric="committed"), words(), t) is None
    attracted = words("thu hút 15 dự án với tổng vốn tài trợ 2 triệu USD", sentence_metrics=frozenset({"mobilised", "aid"}))
    assert features.metric(fact(metric="aid"), attracted, t) is None
    plain = words("giá trị viện trợ đạt 2,6 triệu USD", sentence_metrics=frozenset({"aid"}))
    assert features.metric(fact(metric="aid"), plain, t) < 0  # possible, weaker


def test_a_district_figure_does_not_answer_for_the_province_and_vice_versa():
    province = target("Vĩnh Phúc giải ngân bao nhiêu năm 2015?")
    assert features.subscope(fact(district="Tam Đảo"), words(), province) < 0
    district = target("Huyện Tam Đảo giải ngân bao nhiêu năm 2015?")
    assert features.subscope(fact(district="Tam Đảo"), words(), district) > 0
    assert features.subscope(fact(district="Lập Thạch"), words(), district) is None


def test_a_change_answers_only_a_question_about_change():
    t = target("Vĩnh Phúc giải ngân bao nhiêu năm 2015?")
    assert features.change(fact(change="increase"), words(), t) is None
    asked = target("Giải ngân của Vĩnh Phúc năm 2015 tăng bao nhiêu?")
    assert features.change(fact(change="increase"), words(), asked) == 1.0


def test_every_feature_is_weighted_in_one_place():
    assert set(features.FEATURES) <= set(features.WEIGHTS)


def test_qualifiers_set_how_far_figures_may_differ():
    about_230 = fact(value=230e6, qualifier="about", text="khoảng 230 triệu USD", doc_id="a")
    over_233 = fact(value=233e6, qualifier="more than", text="hơn 233 triệu USD", doc_id="b")
    nearly_224 = fact(value=224e6, qualifier="nearly", text="gần 224 triệu USD", doc_id="c")
    exact_223_7 = fact(value=223.7e6, qualifier=None, text="223,7 triệu USD", doc_id="d")
    assert not agree(about_230, over_233)
    assert agree(nearly_224, exact_223_7)
    assert conflicting(about_230, [over_233, nearly_224, fact(value=231e6, doc_id="e")]) == [over_233, nearly_224]
    assert [sorted(f.doc_id for f in g) for g in groups([about_230, over_233])] == [["a", "b"]]


def test_figures_of_different_scope_are_not_in_conflict():
    a = fact(value=230e6, doc_id="a")
    other_year = fact(value=260e6, doc_id="b", period=Period.year(2016))
    other_place = fact(value=260e6, doc_id="c", place="Bắc Ninh")
    assert conflicting(a, [other_year, other_place]) == []
