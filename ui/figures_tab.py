"""The "Số liệu" tab of the chat page: the figures table with filters, sources, a chart and exports.

The chart is drawn as SVG by matplotlib (already used for the evaluation's plots) rather than with
Gradio's plot component: a static image needs no script or font from anywhere, copies into a report
as it is, and its points are elements a test can count.
"""

from __future__ import annotations

import html
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from assistant.headlines import yearly
from assistant.phrasing import plain_number
from assistant.service import Services
from assistant.table import MAX_PAGE, FactQuery, FactRow, TableError, iter_rows, page, resolve_place
from assistant.table_files import write_csv, write_xlsx
from vntext.entities import NATIONAL

MEASURES = [("Tất cả", ""), ("Giải ngân", "disbursed"), ("Cam kết", "committed"), ("Vận động", "mobilised"),
            ("Viện trợ", "aid"), ("Giá trị", "value"), ("Tỷ lệ", "rate")]  # fmt: skip
UNITS = [("Tất cả", ""), ("USD", "USD"), ("VND", "VND"), ("Dự án", "projects"), ("Tổ chức", "organizations"), ("%", "percent")]
CHART_MEASURES = [("Giải ngân (USD)", "disbursed|USD"), ("Viện trợ (USD)", "aid|USD"), ("Cam kết (USD)", "committed|USD"),
                  ("Vận động (USD)", "mobilised|USD"), ("Số dự án", "projects|"), ("Số tổ chức", "organizations|")]  # fmt: skip
_MEASURE_VI = {key: name for name, key in MEASURES if key}
HEADERS = ["#", "Thời gian", "Đối tượng", "Chỉ số", "Số liệu", "Mâu thuẫn", "Tài liệu"]
SHOWN = 500  # rows the page shows; the exports hold them all


def build_figures_tab(get_services: Callable[[], Services], source_html: Callable[[Services, dict], str]) -> None:
    """The tab's components and events, inside the page's ``gr.Blocks``. ``source_html`` shows a
    passage with its sentence highlighted, as the chat's sources do."""
    with gr.Tab("Số liệu"):
        with gr.Row():
            places = gr.Textbox(label="Tỉnh, thành phố (nhiều nơi: cách nhau bằng dấu phẩy; 'cả nước')", scale=3, elem_id="ngoaid-facts-place")
            measure = gr.Dropdown(label="Chỉ số", choices=MEASURES, value="", scale=1)
            unit = gr.Dropdown(label="Đơn vị", choices=UNITS, value="", scale=1)
            years = gr.Textbox(label="Năm hoặc giai đoạn", scale=1, elem_id="ngoaid-facts-years")
            conflicts = gr.Checkbox(label="Chỉ số liệu mâu thuẫn giữa các nguồn", scale=1)
        with gr.Row():
            show = gr.Button("Lọc số liệu", variant="primary", elem_id="ngoaid-facts-show")
            to_csv = gr.Button("Tải CSV", elem_id="ngoaid-facts-csv")
            to_xlsx = gr.Button("Tải Excel", elem_id="ngoaid-facts-xlsx")
        summary = gr.Markdown(elem_id="ngoaid-facts-summary")
        table = gr.Dataframe(headers=HEADERS, interactive=False, wrap=True, label="Số liệu — chọn một dòng để xem nguồn", elem_id="ngoaid-facts")
        rows_state = gr.State([])
        source_view = gr.HTML(elem_id="ngoaid-facts-source")
        chart_measure = gr.Dropdown(label="Biểu đồ theo năm", choices=CHART_MEASURES, value="disbursed|USD")
        chart = gr.HTML(elem_id="ngoaid-facts-chart")
        download = gr.File(label="Tệp tải về", elem_id="ngoaid-facts-file")

        def queries(place_text: str, measure_key: str, unit_key: str, years_text: str, only: bool) -> list[FactQuery]:
            """One query per place asked (none: every place)."""
            wanted = [p.strip() for p in (place_text or "").split(",") if p.strip()] or [None]
            fields = dict(measure=measure_key or None, unit=unit_key or None, years=years_text or None,
                          conflicts="only" if only else "any", limit=MAX_PAGE)  # fmt: skip
            try:
                return [FactQuery(place=p, **fields) for p in wanted]
            except ValueError as exc:
                raise gr.Error(f"Bộ lọc không hợp lệ: {exc}") from exc

        def shown(place_text, measure_key, unit_key, years_text, only, chart_key):
            catalog = get_services().store.catalog
            try:
                pages = [page(catalog, q) for q in queries(place_text, measure_key, unit_key, years_text, only)]
            except TableError as exc:
                raise gr.Error(f"Bộ lọc không hợp lệ: {exc}") from exc
            rows = [r for p in pages for r in p.rows][:SHOWN]
            total = sum(p.total for p in pages)
            cells = _cells(rows)
            note = f"{len(rows)} / {total} số liệu." if total > len(rows) else f"{total} số liệu."
            flagged = sum(1 for r in rows if r.conflicts_with)
            if flagged:
                note += f" ⚠ {flagged} số liệu có nguồn khác ghi khác (cột “Mâu thuẫn” ghi số dòng của nguồn kia)."
            return note, cells, [r.model_dump() for r in rows], "", drawn(place_text, chart_key)

        def drawn(place_text: str, chart_key: str) -> str:
            measure_key, unit_key = (chart_key or "disbursed|USD").split("|")
            try:
                named = [resolve_place(p.strip()) for p in (place_text or "").split(",") if p.strip()]
            except TableError as exc:
                raise gr.Error(f"Bộ lọc không hợp lệ: {exc}") from exc
            catalog = get_services().store.catalog
            series = {
                place: yearly(catalog.iter_facts({"place": place}, light=True), place, measure_key, unit_key or None)
                for place in (named or [NATIONAL])
            }  # each place's figures only, without the words around them
            label = next(name for name, key in CHART_MEASURES if key == chart_key)
            return chart_svg({p: {y: f.value for y, f in points.items()} for p, points in series.items() if points}, label)

        def selected(rows: list[dict], evt: gr.SelectData) -> str:
            index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            if not rows or not 0 <= index < len(rows):
                return ""
            row = FactRow(**rows[index])
            citation = {"doc": row.doc, "doc_id": row.doc_id, "passage_id": row.passage_id, "sentence": row.sentence,
                        "start": row.sentence_start, "end": row.sentence_end}  # fmt: skip
            view = source_html(get_services(), citation)
            if row.conflicts_with:
                others = {r["id"]: n for n, r in enumerate(rows, 1)}
                marks = ", ".join(f"dòng {others[i]}" if i in others else "một dòng ngoài bộ lọc" for i in row.conflicts_with)
                view += f"<p>⚠ Nguồn khác ghi số liệu khác cho cùng đối tượng và thời gian: {marks}.</p>"
            return view

        def exported(kind: str):
            def export(place_text, measure_key, unit_key, years_text, only):
                catalog = get_services().store.catalog
                folder = Path(tempfile.mkdtemp(prefix="ngoaid-facts-"))
                path = folder / f"so-lieu.{kind}"
                try:
                    rows = (r for q in queries(place_text, measure_key, unit_key, years_text, only) for r in iter_rows(catalog, q))
                    write_csv(rows, path) if kind == "csv" else write_xlsx(rows, catalog.documents(), path)
                except TableError as exc:
                    raise gr.Error(f"Bộ lọc không hợp lệ: {exc}") from exc
                return str(path)

            return export

        filters = [places, measure, unit, years, conflicts]
        show.click(shown, [*filters, chart_measure], [summary, table, rows_state, source_view, chart])
        chart_measure.change(drawn, [places, chart_measure], chart)
        table.select(selected, [rows_state], source_view)
        to_csv.click(exported("csv"), filters, download)
        to_xlsx.click(exported("xlsx"), filters, download)


def _cells(rows: list[FactRow]) -> list[list[object]]:
    number = {r.id: n for n, r in enumerate(rows, 1)}
    cells = []
    for n, r in enumerate(rows, 1):
        about = ", ".join(p for p in (r.organisation, r.district and f"huyện {r.district}", r.place) if p)
        against = ", ".join(f"#{number[i]}" if i in number else "ngoài bảng" for i in r.conflicts_with)
        measure = _MEASURE_VI.get(r.measure or "", r.measure or "")
        cells.append([n, r.period or "", about, measure, r.text, f"⚠ {against}" if against else "", r.doc])
    return cells


def chart_svg(series: dict[str, dict[int, float]], measure: str) -> str:
    """A line per place over the years, as inline SVG; each line's group is named ``series-<place>``."""
    if not series:
        return "<p>Không có số liệu theo năm cho lựa chọn này.</p>"
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: the page's own font, no glyph outlines
    figure = Figure(figsize=(7.5, 3.2))  # not pyplot: its global state is not safe across request threads
    axes = figure.subplots()
    for place, points in series.items():
        years = sorted(points)
        (line,) = axes.plot(years, [points[y] for y in years], marker="o", label=place)
        line.set_gid(f"series-{place}")
    axes.set_title(measure)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: str(int(value))))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: plain_number(value)))
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    svg = out.getvalue()
    return f"<div class='ngoaid-chart' aria-label='{html.escape(measure)}'>{svg[svg.index('<svg'):]}</div>"
