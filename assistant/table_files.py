"""The figures table as files: CSV and Excel, written row by row so that a table of any size streams.

The Excel workbook is written with openpyxl in write-only mode (rows go to disk as they come; memory
stays flat): a sheet of figures with the value as a number cell and the figure as written beside it,
and a sheet of the source documents.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from assistant.table import FactRow
from index.catalog import DocumentInfo

FIGURES_SHEET, SOURCES_SHEET = "Số liệu", "Nguồn"
# (heading, value of a row): the columns of both formats, in order
COLUMNS: list[tuple[str, Callable[[FactRow], object]]] = [
    ("id", lambda r: r.id),
    ("figure_as_written", lambda r: r.text),
    ("value", lambda r: r.value),
    ("unit", lambda r: r.unit),
    ("qualifier", lambda r: r.qualifier),
    ("measure", lambda r: r.measure),
    ("change", lambda r: r.change),
    ("place", lambda r: r.place),
    ("district", lambda r: r.district),
    ("organisation", lambda r: r.organisation),
    ("sector", lambda r: r.sector),
    ("period", lambda r: r.period),
    ("period_start", lambda r: r.period_start),
    ("period_end", lambda r: r.period_end),
    ("part_of_total", lambda r: r.part_of_total),
    ("conflicts_with", lambda r: " ".join(r.conflicts_with)),
    ("document", lambda r: r.doc),
    ("doc_id", lambda r: r.doc_id),
    ("passage_id", lambda r: r.passage_id),
    ("sentence", lambda r: r.sentence),
    ("sentence_start", lambda r: r.sentence_start),
    ("sentence_end", lambda r: r.sentence_end),
    ("span_start", lambda r: r.span_start),
    ("span_end", lambda r: r.span_end),
]
SOURCE_COLUMNS = ["doc_id", "document", "title", "published", "figures"]
_BATCH = 500  # rows per CSV chunk


def csv_chunks(rows: Iterable[FactRow]) -> Iterator[str]:
    """The table as CSV text in chunks (UTF-8 with a byte-order mark, which Excel needs to read
    Vietnamese from a CSV file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([heading for heading, _ in COLUMNS])
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(v) if isinstance(v, str) else "" if v is None else v for v in (get(row) for _, get in COLUMNS)])
        if n % _BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(rows: Iterable[FactRow], path: Path) -> int:
    count = 0

    def counted() -> Iterator[FactRow]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with path.open("w", encoding="utf-8", newline="") as out:
        for chunk in csv_chunks(counted()):
            out.write(chunk)
    return count


def write_xlsx(rows: Iterable[FactRow], documents: list[DocumentInfo], path: Path) -> int:
    """The workbook at ``path``; the number of figures written."""
    book = Workbook(write_only=True)
    figures = book.create_sheet(FIGURES_SHEET)
    figures.append([heading for heading, _ in COLUMNS])
    per_doc: dict[str, int] = {}
    count = 0
    for row in rows:
        figures.append([_xlsx_cell(get(row), figures) for _, get in COLUMNS])
        per_doc[row.doc_id] = per_doc.get(row.doc_id, 0) + 1
        count += 1
    sources = book.create_sheet(SOURCES_SHEET)
    sources.append(SOURCE_COLUMNS)
    for doc in documents:
        if doc.doc_id in per_doc:
            sources.append([doc.doc_id, _xlsx_cell(doc.name, sources), _xlsx_cell(doc.title, sources), doc.published, per_doc[doc.doc_id]])
    book.save(path)
    return count


def _csv_cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value  # a spreadsheet would run it as a formula


_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(value: object, sheet) -> object:
    """A value as a cell: control characters (not allowed in the file format) left out, and text that
    starts with "=" kept as text rather than run as a formula. Plain values otherwise: a cell object
    for every string would make a large export several times slower."""
    if not isinstance(value, str):
        return value
    if _NOT_IN_XLSX.search(value):
        value = _NOT_IN_XLSX.sub("", value)
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
