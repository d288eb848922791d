"""Which source sentences a draft quotes: deeds, difficulties and directions of its own place and time."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.models import Citation
from assistant.question import content_words
from assistant.quotes import Limits, Setting, did_something, is_an_ngo, looks_ahead, quotes, states_difficulty
from ingest.models import Passage, Span
from vntext.entities import NATIONAL


@dataclass
class Hit:
    passage: Passage


def _hit(doc_id: str, *sentences: str) -> Hit:
    text = " ".join(sentences)
    spans, start = [], 0
    for s in sentences:
        spans.append(Span(start, start + len(s)))
        start += len(s) + 1
    return Hit(Passage(f"{doc_id}-p0", doc_id, 0, text, 0, len(text), spans))


def _found(hits, setting, written=None, topic="vận động y tế", limits=Limits(3, 3, 3)):
    texts = {h.passage.doc_id: h.passage.text for h in hits}

    def cite(doc_id, passage_id, span):
        return Citation(f"{doc_id}.txt", doc_id, passage_id, span.of(texts[doc_id]), span.start, span.end)

    return quotes(hits, setting, content_words(topic), cite, limits, written or {})


@pytest.mark.parametrize(
    ("sentence", "difficult"),
    [
        ("Công tác vận động viện trợ còn gặp nhiều khó khăn do nguồn vốn giảm.", True),
        ("Việc thẩm định dự án còn chậm, thủ tục còn nhiều vướng mắc.", True),
        ("Funding from donors remains a challenge.", True),
        ("Dự án hỗ trợ 200 hộ có hoàn cảnh khó khăn tại huyện miền núi.", False),
        ("Các tổ chức góp phần giảm bớt những khó khăn về kinh tế của người dân.", False),
        ("Chương trình ưu tiên các xã đặc biệt khó khăn.", False),
        ("Năm 2023, tỉnh giải ngân 17.216.450,40 USD.", False),
    ],
)
def test_a_difficulty_of_the_work_not_the_hardship_of_the_people_helped(sentence, difficult):
    assert states_difficulty(sentence) is difficult


@pytest.mark.parametrize(
    ("sentence", "deed"),
    [
        ("Tổ chức Plan International đã tài trợ 2 triệu USD xây dựng 10 trường học.", True),
        ("World Vision handed over 30 houses to poor families.", True),
        ("Đại diện World Vision tham dự hội nghị tổng kết năm 2023.", False),
        ("Hợp tác với các nhà tài trợ WB, ADB, JICA ngày càng toàn diện.", False),
    ],
)
def test_a_deed_is_something_given_or_done_not_a_meeting(sentence, deed):
    assert did_something(sentence) is deed


@pytest.mark.parametrize(
    ("name", "ngo"), [("Plan International", True), ("KFHI", True), ("Đại sứ quán Ai-len", False), ("Chính phủ Ai-len", False), ("Hội", False)]
)
def test_donor_governments_and_embassies_are_not_ngos(name, ngo):
    assert is_an_ngo(name) is ngo


def test_a_sentence_about_another_province_is_not_quoted():
    setting = Setting("Quảng Trị", 2023)
    assert setting.holds("Trong thời gian tới, tỉnh Quảng Trị sẽ tăng cường vận động viện trợ.", 2024)
    assert setting.holds("Trong thời gian tới, tỉnh sẽ tăng cường vận động viện trợ.", 2024)
    assert not setting.holds("Trong thời gian tới, tỉnh Hòa Bình sẽ tăng cường vận động viện trợ.", 2024)
    national = Setting(NATIONAL, 2023)
    assert not national.holds("Năm 2024, tỉnh Hòa Bình sẽ ưu tiên y tế.", 2024)  # a province's plan
    assert national.holds("Năm 2024, World Vision hỗ trợ tỉnh Hòa Bình 2 triệu USD.", 2024, local_ok=True)


def test_a_plan_from_an_older_report_is_stale_whatever_years_it_names():
    setting = Setting("Quảng Trị", 2023)
    plan = "Ủy ban đề ra kế hoạch phối hợp triển khai chương trình giai đoạn 2019 – 2025."
    assert not setting.holds(plan, 2019, plan=True)
    assert setting.holds(plan, 2024, plan=True)
    assert not setting.holds("Năm 2020, tỉnh sẽ tăng cường vận động.", None, plan=True)  # its own year is old
    assert setting.holds("WVI dành 2 triệu USD cho giai đoạn 2023-2027.", 2022)  # a deed that names its years
    assert Setting("Quảng Trị").holds(plan, 2010, plan=True)  # no period: any time


def test_one_deed_per_organisation_the_one_with_a_figure_first():
    hits = [
        _hit("a", "Tổ chức Plan International đã hỗ trợ tỉnh Quảng Trị nhiều dự án.",
             "Tổ chức Plan International đã tài trợ 2 triệu USD cho tỉnh Quảng Trị.",
             "Tổ chức ChildFund đã hỗ trợ 300 suất học bổng cho học sinh Quảng Trị."),
        _hit("b", "Tổ chức Plan International đã tài trợ 5 triệu USD cho tỉnh Hà Giang."),
    ]  # fmt: skip
    found = _found(hits, Setting("Quảng Trị", 2023), {"a": 2024, "b": 2024})
    assert [d.who for d in found.deeds] == ["Plan International", "ChildFund"]
    assert "2 triệu USD" in found.deeds[0].text and found.deeds[0].citation.sentence == found.deeds[0].text
    assert set(found.organisations) == {"Plan International", "ChildFund"}


def test_directions_difficulties_and_bodies_in_order_once_each():
    hits = [
        _hit("a", "Thời gian tới, Sở Ngoại vụ sẽ tăng cường vận động viện trợ cho y tế.",
             "Công tác vận động viện trợ còn nhiều khó khăn.", "Công tác vận động viện trợ còn nhiều khó khăn."),
        _hit("b", "Liên hiệp các tổ chức hữu nghị Việt Nam (VUFO) và Liên hiệp các tổ chức hữu nghị tỉnh phối hợp."),
    ]  # fmt: skip
    found = _found(hits, Setting("Quảng Trị", 2023), {"a": 2024, "b": 2024})
    assert [d.text for d in found.directions] == ["Thời gian tới, Sở Ngoại vụ sẽ tăng cường vận động viện trợ cho y tế."]
    assert [d.text for d in found.difficulties] == ["Công tác vận động viện trợ còn nhiều khó khăn."]
    assert found.bodies.count("Liên hiệp các tổ chức hữu nghị") == 0 and any("VUFO" in b for b in found.bodies)
    assert "y tế" in found.sectors
    assert not _found(hits, Setting("Quảng Trị", 2023), limits=Limits(0, 0, 0)).directions


def test_the_direction_must_share_the_topics_words():
    hits = [_hit("a", "Thời gian tới, tỉnh sẽ tăng cường quản lý đất đai.")]
    assert not _found(hits, Setting("Quảng Trị"), topic="vận động y tế").directions
    assert _found(hits, Setting("Quảng Trị"), topic="quản lý đất đai").directions
    assert looks_ahead(hits[0].passage.text)
