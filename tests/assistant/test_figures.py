"""Which document a question's named source points to ("theo PACCOM", "theo hội nghị năm 2020")."""

from __future__ import annotations

from assistant.figures import _names_source, _source_words
from vntext.vietnamese import fold


def _names(source: str, document: str, published: int | None = None) -> bool:
    named, years = _source_words(source)
    return _names_source(named, years, fold(document.lower()), published)


def test_an_event_source_is_told_apart_by_its_year():
    # every report speaks of "hội nghị" and "năm": the year is what names the 2020 conference
    assert _names("hội nghị năm 2020", "sggpnews.org.vn quang tri province receives aid date 2020-10-03", published=2020)
    assert not _names("hội nghị năm 2020", "Hội nghị tổng kết công tác PCPNN năm 2023 của tỉnh Quảng Trị", published=2023)


def test_a_named_outlet_or_person_is_matched_by_whole_words_or_inside_an_address():
    assert _names("Vietnam Times", "https://vietnamtimes.org.vn/foreign-ngos-2024")
    assert _names("Chủ tịch VUFO Phan Anh Sơn", "Theo Chủ tịch VUFO Phan Anh Sơn, tổng số vốn giải ngân năm 2024")
    # "báo" and "năm" name no one; the rest of the name ("Định") is not in this report
    assert not _names("báo Nam Định", "Báo cáo của Việt Nam năm 2024")
