"""Benchmark the figures table: a page, and CSV and Excel exports, at a given number of figures.

    python -m eval.bench_facts [--facts 100000] [--work-dir bench-work/facts]

Builds a catalog holding about ``--facts`` figures (synthetic reports made by the real pipeline, then
copied under new IDs until the count is reached; no embedding is needed to read figures), then times
a page of the table (sorted by period), a filtered page, and exports of every figure as CSV and as an
Excel workbook, with how far each one raised the process's peak resident memory above what it held
before, beside the same exports of a tenth of the figures: an export that streams keeps about the
same peak whatever the number of rows.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant.table import FactFilter, FactQuery, iter_rows, page
from assistant.table_files import write_csv, write_xlsx
from eval.measure import machine_description, peak_rss_mb, reset_peak_rss, rss_mb
from eval.synthetic import generate_corpus, prepare
from index.catalog import CATALOG_FILE, Catalog
from ingest.models import Document, passage_id


def build(folder: Path, wanted: int) -> Catalog:
    """A catalog of about ``wanted`` figures in ``folder`` (reused when it already holds them)."""
    catalog = Catalog(folder / CATALOG_FILE)
    have = sum(1 for _ in catalog.iter_facts())
    if have >= wanted:
        return catalog
    originals = [prepare(d) for d in generate_corpus(400, seed=7)]
    originals = [d for d in originals if d.facts]
    copy = have
    while have < wanted:
        for doc in originals:
            catalog.put_document(renamed(doc, copy), [""] * len(doc.passages))
            copy += 1
            have += len(doc.facts)
            if have >= wanted:
                break
    return catalog


def renamed(doc: Document, number: int) -> Document:
    """The document under another ID (its passages and figures with it)."""
    new_id = f"{number:08x}{doc.doc_id[8:20]}"
    passages = [replace(p, passage_id=passage_id(new_id, p.ordinal), doc_id=new_id) for p in doc.passages]
    by_old = {p.passage_id: q.passage_id for p, q in zip(doc.passages, passages, strict=True)}
    facts = [
        replace(f, fact_id=f"{by_old[f.passage_id]}-f{n}", doc_id=new_id, passage_id=by_old[f.passage_id])
        for n, f in enumerate(doc.facts)
    ]
    return replace(doc, doc_id=new_id, name=f"{number:05d}-{doc.name}", source=f"copy/{number}/{doc.source}", passages=passages, facts=facts)


def measured(label: str, work: Callable[[], object]) -> tuple[float, float, object]:
    """Seconds taken and the rise of peak resident memory (MB) above the resident memory before."""
    gc.collect()
    reset_peak_rss()
    before = rss_mb()
    t = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - t
    rise = peak_rss_mb() - before
    print(f"{label:<46} {seconds:7.2f} s   peak memory +{rise:6.1f} MB   {result}")
    return seconds, rise, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--work-dir", type=Path, default=Path("bench-work/facts"))
    parser.add_argument("--fresh", action="store_true", help="rebuild the catalog")
    args = parser.parse_args(argv)
    if args.fresh and args.work_dir.exists():
        shutil.rmtree(args.work_dir)
    t = time.perf_counter()
    catalog = build(args.work_dir, args.facts)
    total = sum(1 for _ in catalog.iter_facts())
    docs = catalog.documents()
    print(f"machine: {machine_description()}")
    print(f"command: python -m eval.bench_facts {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"catalog: {total} figures in {len(docs)} documents ({time.perf_counter() - t:.1f} s to build or open)\n")
    tenth = FactFilter(doc=None)
    some_docs = {d.doc_id for d in docs[: max(1, len(docs) // 10)]}

    def export_csv(rows_filter: FactFilter, out: Path, only: set[str] | None = None) -> int:
        rows = iter_rows(catalog, rows_filter)
        return write_csv((r for r in rows if only is None or r.doc_id in only), out)

    measured("page 1 of the whole table, by period", lambda: f"{page(catalog, FactQuery(limit=100)).total} rows")
    measured("page of one province, 2019-2024", lambda: f"{page(catalog, FactQuery(place='Quảng Trị', years='2019-2024')).total} rows")
    _, peak_small, _ = measured("CSV export, a tenth of the figures", lambda: export_csv(tenth, args.work_dir / "tenth.csv", some_docs))
    seconds, peak, _ = measured("CSV export, every figure", lambda: export_csv(FactFilter(), args.work_dir / "all.csv"))
    measured("Excel export, a tenth of the figures", lambda: write_xlsx((r for r in iter_rows(catalog, tenth) if r.doc_id in some_docs), docs, args.work_dir / "tenth.xlsx"))
    measured("Excel export, every figure", lambda: write_xlsx(iter_rows(catalog, FactFilter()), docs, args.work_dir / "all.xlsx"))
    print(f"\nprocess RSS at the end: {rss_mb():.0f} MB")
    print(f"CSV of {total} figures: {seconds:.1f} s; peak memory {peak:.1f} MB against {peak_small:.1f} MB for a tenth")
    return 0


if __name__ == "__main__":
    sys.exit(main())
