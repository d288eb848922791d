"""ingest/tables.py: tables pasted as text, on the real Hà Tĩnh report, every layout, and prose that
must not be mistaken for a table; then how segmentation turns a table into sentences and passages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest.cleaning import clean_text
from ingest.loaders import load_bytes
from ingest.models import Span
from ingest.segmenting import build_passages, paragraphs, split_sentences
from ingest.tables import Row, Table, cell_kind, find_tables, labelled_cells, table_context

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPUS2 = SHARED / "eval" / "corpus2"
HA_TINH = "22_hatinh-2017-2019-bang-giai-ngan.txt"

HEADER_1 = (
    "Năm",
    "Số lượng tổ chức PCPNN cùng nhà tài trợ",
    "Số lượng dự án",
    "Giá trị (USD) viện trợ đã giải ngân",
)
ROWS_1 = [["2017", "28", "31", "1.682.941"], ["2018", "18", "18", "1.536.781"], ["2019", "12", "12", "1.353.927"]]
HEADER_2 = ("Năm", "Lĩnh vực thứ 1", "Lĩnh vực thứ 2", "Lĩnh vực thứ 3", "Lĩnh vực còn lại")
ROW_2 = ["2017", "Phát triển vùng nông thôn", "Tập huấn rà phá bom mìn", "Giáo dục (cấp học bổng cho trẻ em nghèo"]


def _corpus_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    return path


def _cleaned(path: Path):
    loaded = load_bytes(path.read_bytes(), path.name)
    return clean_text(loaded.text, title=loaded.title, published=loaded.published)


def _cells(table: Table, text: str) -> list[list[str]]:
    return [[c.of(text) for c in row.cells] for row in table.rows]


def _all_corpus_files() -> list[Path]:
    files = sorted((SHARED / "corpus").glob("*.txt")) + sorted(CORPUS2.glob("*.txt"))
    if not files:
        pytest.skip("the shared corpora are not present")
    return files


# --------------------------------------------------------------------------- the Hà Tĩnh report


@pytest.fixture(scope="module")
def ha_tinh_raw() -> str:
    return _corpus_file(CORPUS2, HA_TINH).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ha_tinh_clean() -> str:
    return _cleaned(_corpus_file(CORPUS2, HA_TINH)).text


@pytest.mark.parametrize("which", ["raw", "cleaned"])
def test_both_tables_of_the_ha_tinh_report(which, ha_tinh_raw, ha_tinh_clean):
    text = ha_tinh_raw if which == "raw" else ha_tinh_clean
    tables = find_tables(text)
    assert len(tables) == 2
    first, second = tables
    # header lines that start in lower case ("cùng nhà tài trợ") continue the cell above
    assert first.header == HEADER_1
    assert _cells(first, text) == ROWS_1
    assert [row.key for row in first.rows] == ["2017", "2018", "2019"]
    assert first.caption is not None
    assert first.caption.of(text) == "2.1. Giá trị viện trợ nhận được giai đoạn 2017-2019:"
    assert first.header_span is not None and first.header_span.of(text).startswith("Năm")
    assert first.header_span.of(text).endswith("viện trợ đã giải ngân")
    # the second table is cut off by the end of the page: one row, its last cell missing
    assert second.header == HEADER_2
    assert _cells(second, text) == [ROW_2]
    assert second.rows[0].key == "2017"
    assert second.caption is not None and second.caption.of(text).startswith("2.2. Các lĩnh vực được viện trợ")


def test_a_row_runs_from_its_first_to_its_last_cell(ha_tinh_raw):
    table = find_tables(ha_tinh_raw)[0]
    assert table.rows[1].span.of(ha_tinh_raw) == "2018\n\n18\n\n18\n\n1.536.781"
    for row in table.rows:
        assert row.span.start == row.cells[0].start and row.span.end == row.cells[-1].end
    assert table.span.start == table.header_span.start and table.span.end == table.rows[-1].span.end


def test_context_joins_caption_and_header(ha_tinh_clean):
    table = find_tables(ha_tinh_clean)[0]
    assert table_context(table, ha_tinh_clean) == (
        "2.1. Giá trị viện trợ nhận được giai đoạn 2017-2019: Năm | Số lượng tổ chức PCPNN cùng nhà tài trợ"
        " | Số lượng dự án | Giá trị (USD) viện trợ đã giải ngân"
    )
    names = [(name, cell.of(ha_tinh_clean)) for name, cell in labelled_cells(table, table.rows[0])]
    assert names == list(zip(HEADER_1, ROWS_1[0], strict=True))


def test_no_table_in_any_other_corpus_file():
    """Precision: prose, bullet lists, headings, bylines and date lines of 34 real pages, raw and
    cleaned, hold no table; only the Hà Tĩnh report does."""
    with_tables = set()
    for path in _all_corpus_files():
        raw = path.read_text(encoding="utf-8")
        if find_tables(raw) or find_tables(_cleaned(path).text):
            with_tables.add(path.name)
    assert with_tables == {HA_TINH}


# --------------------------------------------------------------------------- other layouts


def _only_table(text: str) -> Table:
    tables = find_tables(text)
    assert len(tables) == 1, tables
    return tables[0]


@pytest.mark.parametrize("sep", ["\t", "    ", " | "])
def test_a_row_per_line_with_tabs_spaces_or_pipes(sep):
    lines = [["Năm", "Số dự án", "Giá trị (USD)"], ["2017", "31", "1.682.941"], ["2018", "18", "1.536.781"]]
    text = "Kết quả giải ngân:\n" + "\n".join(sep.join(cells) for cells in lines) + "\nĐây là câu văn bình thường."
    table = _only_table(text)
    assert table.header == ("Năm", "Số dự án", "Giá trị (USD)")
    assert _cells(table, text) == lines[1:]
    assert table.caption is not None and table.caption.of(text) == "Kết quả giải ngân:"
    assert table.rows[0].span.of(text) == sep.join(lines[1])


def test_single_spaces_when_every_cell_is_a_figure():
    text = (
        "Giá trị giải ngân qua các năm:\nNăm Số tổ chức Số dự án Giá trị (USD)\n"
        "2017 28 31 1.682.941\n2018 18 18 1.536.781\n2019 12 12 1.353.927"
    )
    table = _only_table(text)
    # the header line is split where a capitalised word starts a column
    assert table.header == ("Năm", "Số tổ chức", "Số dự án", "Giá trị (USD)")
    assert _cells(table, text)[1] == ["2018", "18", "18", "1.536.781"]
    assert table.rows[1].span.of(text) == "2018 18 18 1.536.781"


def test_markdown_table_raw_and_with_its_rule_removed():
    raw = "| Năm | Số dự án | Giá trị (USD) |\n|---|---|---|\n| 2022 | 85 | 15.211.724 |\n| 2023 | 94 | 17.216.450 |"
    table = _only_table(raw)
    assert table.header == ("Năm", "Số dự án", "Giá trị (USD)")
    assert _cells(table, raw) == [["2022", "85", "15.211.724"], ["2023", "94", "17.216.450"]]
    # as cleaning leaves it: outer pipes and the rule gone; one row under a header is enough
    cleaned = "Năm | Số dự án | Giá trị (USD)\n2022 | 85 | 15.211.724"
    assert _cells(_only_table(cleaned), cleaned) == [["2022", "85", "15.211.724"]]


def test_a_text_column_in_rows():
    text = (
        "Năm | Lĩnh vực thứ 1 | Lĩnh vực thứ 2 | Lĩnh vực thứ 3\n"
        "2017 | Phát triển vùng nông thôn | Tập huấn rà phá bom mìn | Giáo dục\n"
        "2018 | Y tế | Giáo dục | Nước sạch"
    )
    table = _only_table(text)
    assert [row.key for row in table.rows] == ["2017", "2018"]
    assert _cells(table, text)[0][1] == "Phát triển vùng nông thôn"


def test_years_as_column_names():
    text = "Chỉ tiêu | 2017 | 2018 | 2019\nSố dự án | 31 | 18 | 12\nGiá trị (USD) | 1.682.941 | 1.536.781 | 1.353.927"
    table = _only_table(text)
    assert table.header == ("Chỉ tiêu", "2017", "2018", "2019")
    assert [row.key for row in table.rows] == ["Số dự án", "Giá trị (USD)"]


def test_one_cell_per_line_with_labels_and_a_total():
    text = (
        "Tỉnh\nSố dự án\nGiá trị (USD)\nQuảng Trị\n94\n17.216.450\nHà Tĩnh\n18\n1.536.781"
        "\nTổng cộng\n112\n18.753.231"
    )
    table = _only_table(text)
    assert table.header == ("Tỉnh", "Số dự án", "Giá trị (USD)")
    assert [row.key for row in table.rows] == ["Quảng Trị", "Hà Tĩnh", "Tổng cộng"]


def test_one_cell_per_line_all_figures_counted_by_the_header():
    text = "Kết quả:\nSố tổ chức\nSố dự án\nGiá trị\n28\n31\n1.682.941\n18\n18\n1.536.781"
    table = _only_table(text)
    assert table.header == ("Số tổ chức", "Số dự án", "Giá trị")
    assert _cells(table, text) == [["28", "31", "1.682.941"], ["18", "18", "1.536.781"]]
    assert all(row.key is None for row in table.rows)
    # the figures do not fill whole rows of three: the header does not describe them
    assert find_tables(text + "\n5\nĐoạn văn tiếp theo của bài viết, không thuộc bảng nào cả.") == []


def test_blank_lines_between_cells_do_not_matter():
    text = "Năm\n\nSố dự án\n\nGiá trị\n\n2017\n\n31\n\n1.682.941\n\n2018\n\n18\n\n1.536.781\n"
    assert _cells(_only_table(text), text) == [["2017", "31", "1.682.941"], ["2018", "18", "1.536.781"]]


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("2017", "Y"), ("2017-2019", "Y"), ("1.682.941", "N"), ("4,53%", "N"), ("-", "N"), ("2,5 triệu USD", "N"),
     ("Số lượng dự án", "T"), ("Giáo dục (cấp học bổng cho trẻ em nghèo", "T"),
     ("- Diện tích: 5.990,67 km2", None), ("Khái quát chung:", None), ("Câu văn kết thúc bằng dấu chấm.", None),
     ("18/02/2022", None), ("07:11", None)],
)  # fmt: skip
def test_cell_kinds(cell, kind):
    assert cell_kind(cell) == kind


# --------------------------------------------------------------------------- what is not a table


@pytest.mark.parametrize(
    "text",
    [
        # bullet points with figures (the Hà Tĩnh report's own list)
        "- Diện tích: đất tự nhiên có tổng diện tích 5.990,67 km2\n- Quy mô dân số: 1,29 triệu người\n"
        "- Hộ nghèo: tỷ lệ 4,53% (ứng với 17.352 hộ).\n- Thu nhập bình quân mỗi người: 2,576 triệu đồng/tháng (2018).",
        # headings and short lines between paragraphs
        "Năm 2019:\nNỗ lực ra mắt 2 hội thành viên cấp tỉnh\nCập nhật ngày: 12/02/2019 - 13:03\n"
        "BTN - Liên hiệp Các tổ chức hữu nghị tỉnh, trong năm 2019, sẽ đẩy mạnh vận động.",
        # a date line with a pipe, a byline, a photo caption
        "Trang chủ Hữu nghị Tấm lòng tương trợ\n07:11 | 10/11/2025 GMT+7\nNguyễn Thuấn\n"
        "Đại diện Quỹ Nam Phương làm việc với Liên hiệp các Tổ chức hữu nghị tỉnh.",
        # a list of years, a list of labels, numbered headings
        "Các năm\n2017\n2018\n2019\n2020",
        "Y tế\nGiáo dục\nMôi trường\nNước sạch",
        "1. Giới thiệu tỉnh Hà Tĩnh\n1. Khái quát chung:\n2. Kết quả 2017\n3. Kết quả 2018",
        # two label-and-figure pairs with no header: too little to call a table
        "Hà Nội\n5\nHuế\n6",
        # one line of numbers, or two with no header and only two numbers each
        "2017 28 31 1.682.941",
        "2017 31\n2018 18",
        # a menu and a date line written with pipes
        "Trang chủ | Tin tức | Liên hệ\nThứ Hai | 15/04/2024",
        # prose lines that happen to be short
        "Tổng giá trị cam kết viện trợ 16,2 triệu USD.\nTỉnh có 53 dự án.\nNăm 2020 có 21 tổ chức.",
        "",
        "\n\n\n",
    ],
)
def test_prose_lists_and_headings_are_not_tables(text):
    assert find_tables(text) == []


def test_a_header_alone_or_a_row_alone_is_not_a_table():
    assert find_tables("Năm | Số dự án | Giá trị (USD)") == []
    assert find_tables("2022 | 85 | 15.211.724") == []
    assert find_tables("Năm\nSố dự án\nGiá trị\n2017\n31") == []


# --------------------------------------------------------------------------- segmentation


@pytest.fixture(scope="module")
def ha_tinh_segmented(ha_tinh_clean):
    sentences = split_sentences(ha_tinh_clean)
    return ha_tinh_clean, sentences, build_passages("doc", ha_tinh_clean, sentences)


def test_each_row_is_one_sentence(ha_tinh_segmented):
    text, sentences, _ = ha_tinh_segmented
    texts = [s.of(text) for s in sentences]
    for cells in ROWS_1:
        assert "\n".join(cells) in texts
    assert "\n".join(ROW_2) in texts
    # the header is one sentence too, and no cell is a sentence of its own
    assert any(t.startswith("Năm\nSố lượng tổ chức PCPNN") for t in texts)
    assert "1.682.941" not in texts and "Năm" not in texts


def test_a_tables_rows_share_a_passage_with_the_column_names_as_context(ha_tinh_segmented):
    text, sentences, passages = ha_tinh_segmented
    first = next(p for p in passages if "1.682.941" in p.text)
    assert "1.353.927" in first.text  # the three rows together, with the header
    assert [s.of(text) for s in first.sentences][1:] == ["\n".join(cells) for cells in ROWS_1]
    assert first.context == table_context(find_tables(text)[0], text)
    assert first.context.startswith("2.1. Giá trị viện trợ nhận được giai đoạn 2017-2019: Năm | Số lượng tổ chức")
    assert first.years == [2017, 2018, 2019]
    second = next(p for p in passages if "Phát triển vùng nông thôn" in p.text)
    assert second.context.endswith("Năm | Lĩnh vực thứ 1 | Lĩnh vực thứ 2 | Lĩnh vực thứ 3 | Lĩnh vực còn lại")
    # the caption keeps a passage of its own, outside the table
    caption = next(p for p in passages if "Giá trị viện trợ nhận được" in p.text)
    assert "2017\n" not in caption.text


def test_table_cells_are_not_headings_of_what_follows():
    text = (
        "Tiêu đề bài\nNăm\nSố dự án\nGiá trị\n2017\n31\n1.682.941\n2018\n18\n1.536.781"
        "\nSau bảng là một đoạn văn có dấu chấm."
    )
    passages = build_passages("doc", text, split_sentences(text))
    after = passages[-1]
    assert after.text == "Sau bảng là một đoạn văn có dấu chấm."
    assert after.context is None


def test_large_tables_are_cut_into_passages_that_all_name_the_columns():
    rows = "\n".join(f"{2000 + i} | {i} | {i * 1000}" for i in range(20))
    text = "Kết quả theo năm:\nNăm | Số dự án | Giá trị\n" + rows
    sentences = split_sentences(text)
    passages = build_passages("doc", text, sentences, max_sentences=4)
    table_passages = [p for p in passages if "|" in p.text]
    assert len(table_passages) == 6  # header and 20 rows, four sentences a passage
    assert all(p.context == "Kết quả theo năm: Năm | Số dự án | Giá trị" for p in table_passages)
    assert [s for p in passages for s in p.sentences] == sentences


def test_table_sentences_cover_every_line_of_raw_markdown():
    text = "Số liệu\n| Năm | Số dự án |\n|---|---|\n| 2022 | 85 |\n| 2023 | 94 |\nHết."
    sentences = [s.of(text) for s in split_sentences(text)]
    assert sentences == ["Số liệu", "| Năm | Số dự án |", "|---|---|", "| 2022 | 85 |", "| 2023 | 94 |", "Hết."]


def test_sentences_cover_every_paragraph_of_the_ha_tinh_report(ha_tinh_segmented):
    text, sentences, passages = ha_tinh_segmented
    covered = "".join(s.of(text) for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())
    assert [s for p in passages for s in p.sentences] == sentences
    covered_at = [False] * len(text)
    for s in sentences:
        covered_at[s.start : s.end] = [True] * (s.end - s.start)
    for para in paragraphs(text):
        assert all(covered_at[i] or text[i].isspace() for i in range(para.start, para.end))


# --------------------------------------------------------------------------- cost


@pytest.mark.parametrize(
    "text",
    [
        "2017\n5\n" * 120_000,
        "Hà Nội\n5\n" * 100_000,
        "Năm\nSố dự án\n" + "2017\n5\n" * 120_000,
        "Hà Nội | 5\n" * 90_000,
        "1\n" * 500_000,
        "1 2 3\n" * 160_000,
        "|" * 1_000_000,
    ],
    ids=["years and figures", "labels and figures", "one table", "pipe rows", "figures", "spaced figures", "pipes"],
)
@pytest.mark.slow
def test_a_megabyte_of_table_like_text_in_bounded_time(text):
    # rows refused for want of a header were retried from each of their lines: the first input
    # did not finish in 20 minutes
    started = time.perf_counter()
    find_tables(text)
    assert time.perf_counter() - started < 60  # linear: a few seconds on a busy 2-core machine


@pytest.mark.slow
def test_a_large_table_goes_through_cleaning_and_segmentation_in_bounded_time():
    raw = "Số liệu theo năm:\nNăm\nSố dự án\n" + "2017\n5\n" * 100_000
    started = time.perf_counter()
    text = clean_text(raw).text
    sentences = split_sentences(text)
    passages = build_passages("doc", text, sentences)
    assert time.perf_counter() - started < 60
    assert len(sentences) == 100_002  # the caption, the header and every row
    assert all(p.context == "Số liệu theo năm: Năm | Số dự án" for p in passages[1:])


def test_types_are_frozen():
    row = Row(Span(0, 4), (Span(0, 4),), "2017")
    with pytest.raises(AttributeError):
        row.key = "x"  # type: ignore[misc]
    table = Table(Span(0, 4), None, (), None, (row,))
    with pytest.raises(AttributeError):
        table.rows = ()  # type: ignore[misc]
