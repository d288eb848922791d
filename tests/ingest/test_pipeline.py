"""ingest.pipeline: from bytes to a segmented Document, and from command-line paths to files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.models import IngestError
from ingest.pipeline import PassageOptions, collect_files, prepare_document, prepare_file
from tests.ingest.fixtures_files import HTML_DATE, HTML_TITLE, SENTENCE, make_docx, news_page

TITLE = "Quảng Trị thu hút viện trợ phi chính phủ nước ngoài"
REPORT = "\n".join(
    [
        TITLE,
        "Về phía tỉnh Quảng Trị, năm 2023, tỉnh có 94 chương trình, dự án PCPNN triển khai với số vốn "
        "giải ngân đạt 17.216.450,40 USD. Trong tổng số 94 chương trình, dự án đang triển khai có 36 dự án "
        "mới. Các dự án tập trung vào y tế, giáo dục, nước sạch và khắc phục hậu quả bom mìn sau chiến tranh.",
        "Nhiều tổ chức đã gắn bó lâu dài với tỉnh. Tổ chức PeaceTrees Vietnam hoạt động tại đây từ năm 1995 "
        "và đã rà phá bom mìn trên hàng nghìn héc-ta đất. Tổ chức Plan International hỗ trợ xây dựng trường "
        "mầm non ở huyện Hướng Hóa. Các dự án sinh kế giúp hàng trăm hộ nghèo có thu nhập ổn định.",
        "Tin bài liên quan",
        "Hội nghị xúc tiến vận động viện trợ năm 2024",
        "Khánh thành cầu dân sinh ở Đakrông",
    ]
)
DATA = REPORT.encode("utf-8")


@pytest.fixture(scope="module")
def doc():
    return prepare_document(DATA, "folder/quang-tri.txt", source="/kho/bao-cao/quang-tri.txt")


# --- the document -------------------------------------------------------------------------------


def test_document_fields(doc):
    assert doc.name == "quang-tri.txt"  # the file's name, without the folder
    assert doc.source == "/kho/bao-cao/quang-tri.txt"
    assert doc.file_type == "text"
    assert doc.size_bytes == len(DATA)
    assert doc.title == TITLE
    assert doc.passages and doc.text.strip()


def test_source_defaults_to_the_file_name():
    assert prepare_document(DATA, "sub/quang-tri.txt").source == "quang-tri.txt"


def test_web_clutter_is_removed_and_the_report_kept(doc):
    assert "17.216.450,40 USD" in doc.text
    assert "PeaceTrees Vietnam" in doc.text
    for clutter in ("Tin bài liên quan", "Hội nghị xúc tiến", "Khánh thành cầu"):
        assert clutter not in doc.text


def test_provinces_and_years_are_filled(doc):
    assert "Quảng Trị" in doc.provinces
    assert 2023 in doc.years
    assert 2024 not in doc.years  # only named in the related-news list that cleaning removed
    assert doc.reference_year == 2023


def test_a_figure_becomes_a_fact_inside_its_passage(doc):
    fact = next(f for f in doc.facts if f.value == pytest.approx(17_216_450.40))
    assert fact.unit == "USD"
    passage = next(p for p in doc.passages if p.passage_id == fact.passage_id)
    assert passage.start <= fact.span.start < fact.span.end <= passage.end
    assert "17.216.450,40" in fact.span.of(doc.text)


# --- ids ----------------------------------------------------------------------------------------


def test_same_bytes_give_the_same_id_whatever_the_name_or_options(doc):
    again = prepare_document(DATA, "khac.txt", source="/noi/khac.txt", options=PassageOptions(max_chars=200))
    assert again.doc_id == doc.doc_id
    assert re.fullmatch(r"[0-9a-f]{8,}", doc.doc_id)


@pytest.mark.parametrize("position", [0, len(DATA) // 2, len(DATA) - 1], ids=["first", "middle", "last"])
def test_one_changed_byte_gives_a_different_id(doc, position):
    # change one ASCII letter (the nearest from the position) so the bytes stay valid UTF-8
    at = next(i for i in range(position, len(DATA)) if DATA[i] < 128 and chr(DATA[i]).isalpha())
    changed = bytearray(DATA)
    changed[at] = ord("x") if DATA[at] != ord("x") else ord("y")
    other = prepare_document(bytes(changed), "folder/quang-tri.txt", source=doc.source)
    assert other.doc_id != doc.doc_id


def test_same_text_in_other_bytes_is_another_document(doc):
    # the id is of the bytes, not of the text: a re-saved copy is a new version
    assert prepare_document(b"\xef\xbb\xbf" + DATA, "quang-tri.txt").doc_id != doc.doc_id


def test_passages_belong_to_their_document(doc):
    assert {p.doc_id for p in doc.passages} == {doc.doc_id}
    assert [p.ordinal for p in doc.passages] == list(range(len(doc.passages)))
    assert len({p.passage_id for p in doc.passages}) == len(doc.passages)
    assert all(p.passage_id.startswith(doc.doc_id) for p in doc.passages)


# --- offsets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [PassageOptions(), PassageOptions(max_chars=160, max_sentences=2), PassageOptions(max_chars=10_000, max_sentences=1)],
    ids=["default", "small", "one-sentence"],
)
def test_passage_and_sentence_offsets_point_into_the_text(options):
    doc = prepare_document(DATA, "quang-tri.txt", options=options)
    previous_end = 0
    for passage in doc.passages:
        assert passage.text == doc.text[passage.start : passage.end]
        assert passage.text == passage.text.strip() and passage.text
        assert "\n" not in passage.text  # never spans two paragraphs
        assert passage.start >= previous_end  # in order, no overlap
        previous_end = passage.end
        assert passage.sentences, passage
        assert passage.sentences[0].start == passage.start and passage.sentences[-1].end == passage.end
        for before, after in zip(passage.sentences, passage.sentences[1:]):
            assert before.end <= after.start
        for sentence in passage.sentences:
            assert passage.start <= sentence.start < sentence.end <= passage.end
            assert sentence.of(doc.text).strip() == sentence.of(doc.text)
        assert len(passage.sentences) <= options.max_sentences
        if len(passage.sentences) > 1:
            assert passage.end - passage.start <= options.max_chars


def test_sentences_cover_every_word_of_the_text(doc):
    covered = [False] * len(doc.text)
    for passage in doc.passages:
        for sentence in passage.sentences:
            covered[sentence.start : sentence.end] = [True] * (sentence.end - sentence.start)
    lost = "".join(c if not ok and not c.isspace() else "" for c, ok in zip(doc.text, covered))
    assert lost == ""


def test_small_passages_split_the_text_more(doc):
    small = prepare_document(DATA, "quang-tri.txt", options=PassageOptions(max_chars=160, max_sentences=2))
    assert len(small.passages) > len(doc.passages)
    assert small.text == doc.text


def test_the_figure_sentence_is_whole(doc):
    sentences = [s.of(doc.text) for p in doc.passages for s in p.sentences]
    assert any(s.endswith("giải ngân đạt 17.216.450,40 USD.") for s in sentences)


# --- other formats through the pipeline ---------------------------------------------------------


def test_html_title_and_date_reach_the_document():
    doc = prepare_document(news_page().encode(), "tin.html")
    assert doc.file_type == "html"
    assert doc.title == HTML_TITLE and doc.published == HTML_DATE
    assert "Quảng Trị" in doc.provinces and 2023 in doc.years
    assert "Tin bài liên quan" not in doc.text


def test_docx_title_wins_over_the_first_line():
    data = make_docx(["Phần mở đầu của báo cáo", SENTENCE, [["Tỉnh", "Số dự án"], ["Quảng Trị", "94"]]], title="Báo cáo năm 2023")
    doc = prepare_document(data, "bao-cao.docx")
    assert doc.file_type == "docx" and doc.title == "Báo cáo năm 2023"
    assert SENTENCE in doc.text.split("\n")
    assert "Quảng Trị" in doc.provinces and 2023 in doc.years


def test_prepare_file_reads_from_disk(tmp_path):
    path = tmp_path / "quang-tri.txt"
    path.write_bytes(DATA)
    doc = prepare_file(path, max_bytes=2**20)
    assert doc.source == str(path.resolve()) and doc.name == "quang-tri.txt"
    assert doc.doc_id == prepare_document(DATA, "x.txt").doc_id


def test_prepare_file_refuses_a_file_over_the_limit(tmp_path):
    path = tmp_path / "quang-tri.txt"
    path.write_bytes(DATA)
    with pytest.raises(IngestError, match="limit"):
        prepare_file(path, max_bytes=len(DATA) - 1)


# --- files with nothing to keep -----------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "Tin bài liên quan\nHội nghị xúc tiến vận động viện trợ\nKhánh thành cầu dân sinh ở Đakrông\n",
        "Trang chủ | Tin tức | Liên hệ\nTin bài liên quan\nHội nghị xúc tiến vận động viện trợ\n"
        "Đọc nhiều\nKhánh thành cầu dân sinh ở Đakrông\nTrao học bổng cho học sinh nghèo\n",
    ],
    ids=["related-list", "menu-and-lists"],
)
def test_a_file_of_web_clutter_only_is_refused(page):
    with pytest.raises(IngestError) as info:
        prepare_document(page.encode(), "chi-co-menu.txt")
    assert info.value.reason.startswith("no text left")
    assert info.value.source == "chi-co-menu.txt"


def test_loader_errors_pass_through_prepare_document():
    with pytest.raises(IngestError, match="unsupported file type"):
        prepare_document(DATA, "bang-tinh.xlsx")
    with pytest.raises(IngestError, match="empty"):
        prepare_document(b"  \n", "trong.txt")


# --- collecting the files to ingest -------------------------------------------------------------


def _tree(root: Path, files: list[str]) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def _rel(paths, root: Path) -> list[str]:
    return [Path(p).relative_to(root).as_posix() for p in paths]


@pytest.fixture
def reports(tmp_path) -> Path:
    root = tmp_path / "reports"
    # created out of order on purpose: the listing must not follow creation order
    _tree(
        root,
        [
            "g/tin.HTML", "c/e/f.docx", "b.txt", "c/d.pdf", "a.md", "c/e/ghi-chu.markdown", "h.htm",
            ".an.txt", ".git/config.txt", "c/.cache/x.pdf", "c/e/.~lock.f.docx",
            "anh.jpg", "c/bang.xlsx", "c/e/README",
        ],
    )  # fmt: skip
    return root


EXPECTED = ["a.md", "b.txt", "c/d.pdf", "c/e/f.docx", "c/e/ghi-chu.markdown", "g/tin.HTML", "h.htm"]


def test_folder_expands_recursively_in_sorted_order(reports):
    selection = collect_files([reports])
    assert _rel(selection.files, reports) == EXPECTED
    assert selection.errors == []


def test_hidden_files_and_folders_are_ignored(reports):
    listed = _rel(collect_files([reports]).files, reports)
    skipped = _rel((e.source for e in collect_files([reports]).skipped), reports)
    for hidden in (".an.txt", ".git/config.txt", "c/.cache/x.pdf", "c/e/.~lock.f.docx"):
        assert hidden not in listed and hidden not in skipped


def test_a_named_folder_inside_a_hidden_one_is_still_expanded(tmp_path):
    root = tmp_path / ".config" / "ngoaid" / "reports"  # hidden only above the folder the user named
    _tree(root, ["a.txt", "sub/b.md"])
    assert _rel(collect_files([root]).files, root) == ["a.txt", "sub/b.md"]


def test_unsupported_files_in_folders_are_skipped_not_errors(reports):
    selection = collect_files([reports])
    assert sorted(_rel((e.source for e in selection.skipped), reports)) == ["anh.jpg", "c/bang.xlsx", "c/e/README"]
    assert all(isinstance(e, IngestError) and "unsupported" in e.reason for e in selection.skipped)
    assert selection.errors == []


def test_named_unsupported_file_and_missing_path_are_errors(reports, tmp_path):
    sheet = tmp_path / "so-lieu.xlsx"
    sheet.write_bytes(b"x")
    readme = tmp_path / "README"
    readme.write_bytes(b"x")
    missing = tmp_path / "khong-co"
    selection = collect_files([sheet, missing, reports / "b.txt", readme])
    assert selection.files == [reports / "b.txt"]
    assert selection.skipped == []
    reasons = {Path(e.source).name: e.reason for e in selection.errors}
    assert set(reasons) == {"so-lieu.xlsx", "khong-co", "README"}
    assert "unsupported" in reasons["so-lieu.xlsx"] and ".xlsx" in reasons["so-lieu.xlsx"]
    assert "unsupported" in reasons["README"] and "no extension" in reasons["README"]
    assert "no such file" in reasons["khong-co"]


@pytest.mark.parametrize("file_first", [False, True], ids=["folder-then-file", "file-then-folder"])
def test_a_file_named_with_its_folder_is_listed_once(reports, file_first):
    named = [reports / "c/d.pdf", reports] if file_first else [reports, reports / "c/d.pdf"]
    files = _rel(collect_files(named).files, reports)
    assert sorted(files) == sorted(EXPECTED)
    assert files.count("c/d.pdf") == 1


def test_the_same_file_spelled_two_ways_is_listed_once(reports):
    files = collect_files([reports / "b.txt", reports / "c" / ".." / "b.txt", reports / "c" / "e"]).files
    assert [p.name for p in files] == ["b.txt", "f.docx", "ghi-chu.markdown"]


def test_overlapping_folders_list_each_file_once(reports):
    files = _rel(collect_files([reports / "c", reports, reports / "c" / "e"]).files, reports)
    assert sorted(files) == sorted(EXPECTED) and len(files) == len(set(files))


def test_overlapping_folders_report_each_skipped_file_once(reports):
    skipped = _rel((e.source for e in collect_files([reports, reports / "c"]).skipped), reports)
    assert sorted(skipped) == ["anh.jpg", "c/bang.xlsx", "c/e/README"]


def test_nothing_named_gives_nothing():
    selection = collect_files([])
    assert selection.files == [] and selection.skipped == [] and selection.errors == []
