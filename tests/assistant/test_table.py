"""The figures table: filters, conflicts, files, the CLI and the API, on invented and on the real corpora."""

from __future__ import annotations

import csv
import io
import json

import httpx
import openpyxl
import pytest

from assistant.conflicts import disagreements
from assistant.table import FactFilter, FactQuery, TableError, iter_rows, page
from assistant.table_files import COLUMNS, FIGURES_SHEET, SOURCES_SHEET, write_csv, write_xlsx
from eval.measure import stop_process
from ingest.models import Fact, Span
from tests.helpers import SHARED, invoke_cli, start_server_process
from vntext.gazetteer import find_provinces, find_years
from vntext.periods import Period




def fact(n: int, doc: str, value: float, **changes) -> Fact:
    base = dict(
        fact_id=f"{doc}-p0-f{n}", doc_id=doc, passage_id=f"{doc}-p0", sentence=Span(0, 80), span=Span(10, 20),
        value=value, unit="USD", unit_text="USD", text=str(value), metric="aid", place="Việt Nam",
        period=Period.year(2024), period_source="sentence",
    )  # fmt: skip
    base.update(changes)
    return Fact(**base)


def test_two_reports_that_each_give_one_figure_for_a_scope_are_set_side_by_side():
    about_230 = fact(0, "a", 230e6, qualifier="about", metric="disbursed")
    over_233 = fact(0, "b", 233e6, qualifier="more than")
    nearly_224, exactly_223_7 = fact(0, "c", 224e6, qualifier="nearly", period=Period.year(2023)), fact(0, "d", 223.7e6, period=Period.year(2023))
    found = disagreements([about_230, over_233, nearly_224, exactly_223_7])
    assert found == {about_230.fact_id: [over_233.fact_id], over_233.fact_id: [about_230.fact_id]}  # 224 ~ 223,7 agree


def test_a_report_giving_several_figures_for_one_scope_gives_parts_not_its_figure():
    total, health, education = fact(0, "a", 220e6), fact(1, "a", 51e6), fact(2, "a", 30.9e6)
    other = fact(0, "b", 250e6)
    assert disagreements([total, health, education, other]) == {}
    assert disagreements([total, other])  # one figure each: they disagree


@pytest.mark.parametrize(
    ("a", "b", "flagged"),
    [
        ({"metric": "disbursed"}, {"metric": "committed"}, False),  # different measures
        ({"metric": None}, {"metric": None}, False),  # a sum whose measure no sentence names
        ({"organization": "World Vision", "period": Period("2003-01-01", None, "từ 2003")},
         {"organization": "World Vision", "period": Period("2004-01-01", None, "từ 2004")}, True),  # totals to date
        ({"period": Period.year(2023)}, {"period": Period.year(2024)}, False),
        ({"sector": "health"}, {}, False),
        ({"unit": "years", "unit_text": "năm"}, {"unit": "years", "unit_text": "năm"}, False),
        ({"change": "increase"}, {"change": "increase"}, False),
    ],
)  # fmt: skip
def test_what_is_set_side_by_side(a, b, flagged):
    one, two = fact(0, "a", 26e6, **a), fact(0, "b", 13.31e6, **b)
    assert bool(disagreements([one, two])) is flagged


def test_bad_filters_are_refused_before_any_row():
    with pytest.raises(TableError, match="unknown province"):
        FactFilter(place="Atlantis").equalities()
    with pytest.raises(TableError, match="years"):
        FactFilter(years="2024-2019").period()
    with pytest.raises(ValueError):
        FactQuery(limit=0)
    with pytest.raises(ValueError):
        FactFilter(colour="red")


# --- the real corpora ------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def catalog(both_corpora_store):
    return both_corpora_store.catalog


@pytest.fixture(scope="module")
def rows(catalog):
    return list(iter_rows(catalog, FactFilter()))


def _number_questions():
    for name in ("dev_questions.jsonl", "dev2_questions.jsonl"):
        for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            if q["kind"] == "number" and q.get("answer_value") is not None:
                yield q


def _right_scope(row, question: str) -> bool:
    """The row is about a province the question names (or the whole country, or an organisation),
    in a period holding a year it names, give or take one: a question often dates a figure by its
    report or its conference ("theo hội nghị năm 2020"), a year after the figure's period."""
    provinces = set(find_provinces(question))
    years = {y for y in find_years(question) if 1950 < y < 2100}
    place_ok = not provinces or row.place in provinces or row.place == "Việt Nam" or row.organisation
    if not years:
        return bool(place_ok)
    first, last = int((row.period_start or "0000")[:4]), int((row.period_end or "9999")[:4])
    return bool(place_ok) and any(first - 1 <= y <= last + 1 for y in years)


@pytest.mark.slow
def test_every_figure_the_questions_ask_is_in_the_table_with_its_scope_and_period(rows):
    missing = []
    for q in _number_questions():
        docs = {e["doc"] for e in q["evidence"]}
        value = float(q["answer_value"])
        found = [r for r in rows if r.doc in docs and abs(r.value - value) <= max(abs(value) * 0.005, 0.01)]
        if not any(_right_scope(r, q["question"]) for r in found):
            missing.append((q["id"], value, [(r.text, r.place, r.period) for r in found]))
    assert not missing, missing


@pytest.mark.slow
def test_the_known_disagreements_between_reports_are_flagged(catalog):
    flagged = page(catalog, FactQuery(conflicts="only", limit=1000)).rows
    national_2024 = {r.text for r in flagged if r.place == "Việt Nam" and r.period == "2024"}
    assert {"khoảng 230 triệu USD", "hơn 233 triệu USD"} <= national_2024
    world_vision = {r.text for r in flagged if r.organisation == "World Vision" and r.place == "Yên Bái"}
    assert {"gần 26 triệu USD", "13,31 triệu USD"} <= world_vision
    by_id = {r.id: r for r in flagged}
    for row in flagged:  # both sides are marked and point at each other
        assert row.conflicts_with and all(row.id in by_id[other].conflicts_with for other in row.conflicts_with)


@pytest.mark.slow
def test_filters_sorting_and_pages(catalog):
    quang_tri = page(catalog, FactQuery(place="quang tri", years="2023", measure="disbursed"))
    assert [r.text for r in quang_tri.rows] == ["17.216.450,40 USD"]
    row = quang_tri.rows[0]
    text = catalog.document_text(row.doc_id)
    assert text[row.sentence_start : row.sentence_end] == row.sentence and text[row.span_start : row.span_end] == row.text
    assert row.passage_id.startswith(row.doc_id)
    national = page(catalog, FactQuery(place="cả nước", unit="USD", years="2019-2024", sort="value", descending=True, limit=3))
    assert national.total > 3 and len(national.rows) == 3
    assert [r.value for r in national.rows] == sorted((r.value for r in national.rows), reverse=True)
    assert all(r.place == "Việt Nam" and "2019" <= r.period_start[:4] and r.period_end[:4] <= "2024" for r in national.rows)
    second = page(catalog, FactQuery(place="cả nước", unit="USD", years="2019-2024", sort="value", descending=True, limit=3, offset=3))
    assert not {r.id for r in second.rows} & {r.id for r in national.rows}
    one_doc = page(catalog, FactQuery(doc=row.doc_id, limit=1000))
    assert one_doc.total == len(one_doc.rows) and {r.doc_id for r in one_doc.rows} == {row.doc_id}


@pytest.mark.slow
def test_csv_and_excel_hold_the_filtered_rows(catalog, tmp_path):
    wanted = FactFilter(place="Quảng Trị")
    expected = list(iter_rows(catalog, wanted))
    assert write_csv(iter_rows(catalog, wanted), tmp_path / "t.csv") == len(expected) > 5
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        read = list(csv.DictReader(f))
    assert [r["id"] for r in read] == [r.id for r in expected] and read[0]["sentence"] == expected[0].sentence
    assert write_xlsx(iter_rows(catalog, wanted), catalog.documents(), tmp_path / "t.xlsx") == len(expected)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    sheet = book[FIGURES_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == [h for h, _ in COLUMNS] and sheet.max_row == len(expected) + 1
    value, written = header.index("value") + 1, header.index("figure_as_written") + 1
    assert isinstance(sheet.cell(2, value).value, int | float) and sheet.cell(2, written).value == expected[0].text
    assert {r[0].value for r in book[SOURCES_SHEET].iter_rows(min_row=2)} == {r.doc_id for r in expected}


@pytest.mark.slow
def test_the_cli(both_corpora_store, tmp_path):
    data = str(both_corpora_store.data_dir)
    shown = invoke_cli("facts", "--place", "Quang Tri", "--years", "2023", "--data-dir", data)
    assert shown.returncode == 0 and "17.216.450,40 USD" in shown.stdout
    conflicts = invoke_cli("facts", "--conflicts", "--json", "--data-dir", data)
    assert conflicts.returncode == 0 and all(r["conflicts_with"] for r in json.loads(conflicts.stdout)["rows"])
    out = tmp_path / "qt.xlsx"
    assert invoke_cli("facts", "--place", "Quảng Trị", "--xlsx", str(out), "--data-dir", data).returncode == 0
    assert openpyxl.load_workbook(out)[FIGURES_SHEET].max_row > 5
    bad = invoke_cli("facts", "--place", "Atlantis", "--data-dir", data)
    assert bad.returncode == 2 and "unknown province" in bad.stderr
    assert invoke_cli("facts", "--limit", "5000", "--data-dir", data).returncode == 0  # capped at a page
    empty = invoke_cli("facts", "--data-dir", str(tmp_path / "none"))
    assert empty.returncode == 1 and "ngoaid ingest" in empty.stderr


@pytest.mark.slow
def test_the_api(both_corpora_store, tmp_path):
    proc, base = start_server_process(both_corpora_store.data_dir, tmp_path / "server.log", timeout=240)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            listed = client.get("/facts", params={"place": "quang tri", "years": "2023", "measure": "disbursed"})
            assert listed.status_code == 200 and [r["text"] for r in listed.json()["rows"]] == ["17.216.450,40 USD"]
            assert client.get("/facts", params={"place": "Atlantis"}).status_code == 422
            assert client.get("/facts", params={"limit": 5000}).status_code == 422
            assert client.get("/facts", params={"colour": "red"}).status_code == 422
            conflicts = client.get("/facts", params={"conflicts": "only", "limit": 1000}).json()
            assert conflicts["total"] >= 4 and all(r["conflicts_with"] for r in conflicts["rows"])
            exported = client.get("/facts/export", params={"place": "Quảng Trị", "format": "csv"})
            assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
            rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
            assert rows and {r["place"] for r in rows} == {"Quảng Trị"}
            workbook = client.get("/facts/export", params={"place": "Quảng Trị", "format": "xlsx"})
            assert workbook.status_code == 200
            sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))[FIGURES_SHEET]
            assert sheet.max_row == len(rows) + 1
            assert client.get("/facts/export", params={"years": "soon"}).status_code == 422
            schema = client.get("/openapi.json").json()
            assert {"/facts", "/facts/export"} <= set(schema["paths"])
            assert {p["name"] for p in schema["paths"]["/facts"]["get"]["parameters"]} >= {"place", "measure", "years", "conflicts"}
    finally:
        stop_process(proc)
