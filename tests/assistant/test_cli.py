"""The ``ngoaid`` command: the index is built by a child process, as a user runs it; the commands
after it run in this process (``invoke_cli``), with the same exit codes and output, which saves a
Python and model start-up for each."""

from __future__ import annotations

import json

import pytest

from tests.helpers import ROOT, SAMPLES, invoke_cli, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-data")
    done = run_cli("ingest", str(SAMPLES), "--data-dir", str(path))
    assert done.returncode == 0, done.stderr
    assert "4 added" in done.stdout
    return path


def test_search_json_with_options_after_the_subcommand(data_dir):
    done = invoke_cli("search", "--json", "--data-dir", str(data_dir), "quang tri giai ngan nam 2023")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["interpreted"].startswith("quảng trị giải ngân")
    top = result["results"][0]
    assert "17.216.450,40 USD" in top["text"] and top["doc"] == "quang-tri-vien-tro-pcpnn.txt"
    assert {"rank", "score", "passage_id", "doc_id", "start", "end", "provinces", "years"} <= set(top)


def test_search_text_output_and_empty_query(data_dir):
    done = invoke_cli("search", "Hòa Bình giải ngân năm 2020", "--data-dir", str(data_dir), "--top-k", "2")
    assert done.returncode == 0 and "1. [" in done.stdout and "2. [" in done.stdout and "3. [" not in done.stdout
    empty = invoke_cli("search", "   ", "--data-dir", str(data_dir))
    assert empty.returncode == 2 and "empty" in empty.stderr


def test_reingest_is_a_no_op(data_dir):
    done = invoke_cli("ingest", str(SAMPLES), "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0
    assert {r["status"] for r in json.loads(done.stdout)["results"]} == {"unchanged"}


def test_bad_files_are_reported_and_the_rest_goes_in(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Năm 2023, tỉnh Quảng Trị giải ngân 17.216.450,40 USD.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (folder / "menu-only.txt").write_text("Tin bài liên quan\nMột tiêu đề khác\nĐọc nhiều\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    missing = tmp_path / "missing.docx"
    done = invoke_cli("ingest", str(folder), str(missing), "--json", "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert [r["name"] for r in result["results"]] == ["good.txt"]
    failed = {f["file"].rsplit("/", 1)[-1]: f["reason"] for f in result["failed"]}
    assert set(failed) == {"empty.txt", "binary.txt", "broken.pdf", "menu-only.txt", "missing.docx"}
    assert "empty" in failed["empty.txt"]
    assert "binary" in failed["binary.txt"]
    assert "PDF" in failed["broken.pdf"]
    assert "no text left" in failed["menu-only.txt"]
    assert "no such file" in failed["missing.docx"]
    assert [s["file"].rsplit("/", 1)[-1] for s in result["skipped"]] == ["photo.jpg"]
    text = invoke_cli("ingest", str(folder), "--data-dir", str(tmp_path / "data"))
    assert "FAILED" in text.stdout and "binary.txt" in text.stdout and "Traceback" not in text.stderr


def test_file_over_the_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Quảng Trị. " * 200_000, encoding="utf-8")
    done = invoke_cli("ingest", str(big), "--max-file-mb", "1", "--json", "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 1
    assert "over the 1 MB limit" in json.loads(done.stdout)["failed"][0]["reason"]


def test_docs_list_and_remove(tmp_path):
    data = str(tmp_path / "data")
    assert invoke_cli("ingest", str(SAMPLES), "--data-dir", data).returncode == 0
    listed = json.loads(invoke_cli("docs", "list", "--json", "--data-dir", data).stdout)
    assert len(listed) == 4 and all(d["n_passages"] > 0 for d in listed)
    by_name = invoke_cli("docs", "remove", "quang-tri-vien-tro-pcpnn.txt", "--data-dir", data)
    assert by_name.returncode == 0 and "removed quang-tri-vien-tro-pcpnn.txt" in by_name.stdout
    other = next(d for d in listed if d["name"] != "quang-tri-vien-tro-pcpnn.txt")
    by_prefix = invoke_cli("docs", "remove", other["doc_id"][:10], "--data-dir", data)
    assert by_prefix.returncode == 0
    unknown = invoke_cli("docs", "remove", "nothing-like-this", "--data-dir", data)
    assert unknown.returncode == 1 and "no document matches" in unknown.stderr
    remaining = json.loads(invoke_cli("docs", "list", "--json", "--data-dir", data).stdout)
    assert len(remaining) == 2
    table = invoke_cli("docs", "list", "--data-dir", data).stdout
    assert "PASSAGES" in table and remaining[0]["name"] in table
    # each line names the place the document is mainly about, as its frame reads it
    places = {d["name"]: d["frame"]["main_place"] for d in remaining if d["frame"] and d["frame"]["main_place"]}
    assert places, remaining
    lines = {line.split()[-1] if "—" not in line else line.split(" — ")[0].split()[-1]: line for line in table.splitlines()[1:]}
    assert all(place in lines[name] for name, place in places.items()), table


def test_usage_errors():
    assert invoke_cli().returncode == 2
    assert invoke_cli("search", "x", "--top-k", "0").returncode == 2
    assert "at least 1" in invoke_cli("search", "x", "--top-k", "0").stderr
    unsupported = invoke_cli("ingest", "README.xlsx")
    assert unsupported.returncode == 1


def test_ask_json_and_text(data_dir):
    done = invoke_cli("ask", "--json", "--data-dir", str(data_dir), "Quảng Trị giải ngân bao nhiêu năm 2023?")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert "17.216.450,40 USD" in answer["answer"] and answer["abstained"] is False
    assert answer["citations"][0]["doc"] == "quang-tri-vien-tro-pcpnn.txt"
    text = invoke_cli("ask", "Hòa Bình giải ngân bao nhiêu năm 2020?", "--data-dir", str(data_dir))
    assert "trên 4,1 triệu USD" in text.stdout and "Sources:" in text.stdout
    missing = invoke_cli("ask", "--json", "--data-dir", str(data_dir), "Tỉnh Kon Tum có bao nhiêu dự án PCPNN năm 2023?")
    assert json.loads(missing.stdout)["abstained"] is True
    empty = invoke_cli("ask", " ", "--data-dir", str(data_dir))
    assert empty.returncode == 2 and "empty" in empty.stderr


SAMPLE_SET = ROOT / "eval" / "sets" / "samples.csv"


def test_eval_writes_a_report_with_the_baseline_and_compares_runs(tmp_path):
    data, first, second = str(tmp_path / "data"), tmp_path / "run1", tmp_path / "run2"
    done = invoke_cli("eval", str(SAMPLE_SET), "--corpus", str(SAMPLES), "--data-dir", data, "--out", str(first), "--baseline")
    assert done.returncode == 0, done.stderr
    assert "| **all** | 8 |" in done.stdout and str(first / "report.md") in done.stdout
    for name in ("report.json", "report.md", "scores_by_kind.png", "latency.png"):
        assert (first / name).stat().st_size > 0
    report = json.loads((first / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["overall"]["answer_accuracy"] == 1.0
    assert report["summary"]["overall"]["citation_accuracy"] == 1.0
    assert len(report["results"]) == len(report["baseline"]["results"]) == 8
    assert "Against the naive llama-index pipeline" in (first / "report.md").read_text(encoding="utf-8")

    done = invoke_cli("eval", str(SAMPLE_SET), "--data-dir", data, "--out", str(second), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["baseline"] is None
    compared = invoke_cli("eval", "--compare", str(first / "report.json"), str(second / "report.json"))
    assert compared.returncode == 0, compared.stderr
    assert "## Regressed (0)" in compared.stdout and "| answer correct | 100.0 % | 100.0 % | +0.0 pt |" in compared.stdout


def test_eval_usage_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answer": "1", "kind": "guess"}\n{broken\n', encoding="utf-8")
    done = invoke_cli("eval", str(bad), "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 2 and "line 1: kind 'guess'" in done.stderr and "line 2:" in done.stderr
    assert invoke_cli("eval", "--data-dir", str(tmp_path / "d")).returncode == 2
    empty_index = invoke_cli("eval", str(SAMPLE_SET), "--data-dir", str(tmp_path / "empty"))
    assert empty_index.returncode == 2 and "is empty: ingest the documents first" in empty_index.stderr
    not_a_report = invoke_cli("eval", "--compare", str(bad), str(bad))
    assert not_a_report.returncode == 2 and str(bad) in not_a_report.stderr


def test_in_process_runs_give_what_the_program_gives(data_dir):
    """The tests above run the command in this process; the program run as a user runs it gives the
    same exit code and output (a usage error, and an answer)."""
    for args in (("search", "x", "--top-k", "0"), ("ask", "--json", "--data-dir", str(data_dir), "Quảng Trị giải ngân bao nhiêu năm 2023?")):
        child, here = run_cli(*args), invoke_cli(*args)
        assert (child.returncode, child.stderr.splitlines()[-1:]) == (here.returncode, here.stderr.splitlines()[-1:])
        if child.returncode == 0:
            a, b = json.loads(child.stdout), json.loads(here.stdout)
            assert (a["answer"], a["citations"]) == (b["answer"], b["citations"])
