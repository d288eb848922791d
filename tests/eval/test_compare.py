"""Comparing two evaluation runs question by question."""

from __future__ import annotations

from eval.compare import compare_runs, render_comparison
from tests.eval.factories import report, result

# Run A -> run B:
#   q1 answer and grounded regress (citation stays right)
#   q2 answer, citation and grounded improve
#   q3 answer improves, citation regresses
#   q4 only in A, q5 only in B
#   q6 abstained in A (grounded None), answered without a source in B: not a grounded change
A = [
    result("q1", latency_ms=100.0),
    result("q2", answer="Có 120 tổ chức.", answer_correct=False, citation_correct=False, grounded=False,
           latency_ms=100.0),
    result("q3", answer_correct=False, latency_ms=100.0),
    result("q4", answer_correct=False, latency_ms=100.0),
    result("q6", abstained=True, grounded=None, answer_correct=False, latency_ms=100.0),
]  # fmt: skip
B = [
    result("q1", answer="Có 120 tổ chức.", answer_correct=False, grounded=False, latency_ms=150.0),
    result("q2", latency_ms=150.0),
    result("q3", citation_correct=False, latency_ms=150.0),
    result("q5", latency_ms=150.0),
    result("q6", answer="Có 999 tổ chức.", grounded=False, answer_correct=False, latency_ms=150.0),
]  # fmt: skip


def changes(items) -> set[tuple[str, str]]:
    return {(c.id, c.check) for c in items}


def test_regressions_are_listed_per_check():
    comparison = compare_runs(report(A), report(B))
    assert changes(comparison.regressed) == {("q1", "answer"), ("q1", "grounded"), ("q3", "citation")}


def test_improvements_are_listed_per_check():
    comparison = compare_runs(report(A), report(B))
    assert changes(comparison.improved) == {("q2", "answer"), ("q2", "citation"), ("q2", "grounded"), ("q3", "answer")}


def test_a_change_keeps_both_answers():
    comparison = compare_runs(report(A), report(B))
    change = next(c for c in comparison.regressed if (c.id, c.check) == ("q1", "answer"))
    assert (change.before, change.after) == (True, False)
    assert change.answer_before == "Có 381 tổ chức."
    assert change.answer_after == "Có 120 tổ chức."
    assert change.question == "Câu hỏi q1?"


def test_unscored_checks_are_not_changes():
    comparison = compare_runs(report(A), report(B))
    assert "q6" not in {c.id for c in comparison.regressed + comparison.improved}


def test_questions_in_one_run_only_are_listed_not_scored():
    comparison = compare_runs(report(A), report(B))
    assert comparison.only_in_a == ["q4"]
    assert comparison.only_in_b == ["q5"]
    assert {"q4", "q5"}.isdisjoint({c.id for c in comparison.regressed + comparison.improved})


def test_same_run_twice_has_no_changes():
    comparison = compare_runs(report(A), report(A))
    assert (comparison.improved, comparison.regressed, comparison.only_in_a, comparison.only_in_b) == ([], [], [], [])
    assert comparison.same_set


def test_same_set_when_the_fingerprints_match():
    assert compare_runs(report(A, sha256="1" * 64), report(B, sha256="1" * 64)).same_set is True


def test_different_sets_when_the_fingerprints_differ():
    assert compare_runs(report(A, sha256="1" * 64), report(B, sha256="2" * 64)).same_set is False


# --- rendering ------------------------------------------------------------------------------------


def test_render_shows_score_deltas_in_points():
    # answer: A 1/5 -> B 3/5; citation: A 4/5 -> B 4/5; latency 100 -> 150 ms
    text = render_comparison(report(A), report(B))
    assert "| answer correct | 20.0 % | 60.0 % | +40.0 pt |" in text
    assert "| citation correct | 80.0 % | 80.0 % | +0.0 pt |" in text
    assert "| latency p50 (ms) | 100 | 150 | +50 |" in text


def test_render_shows_negative_deltas():
    text = render_comparison(report(B), report(A))
    assert "| answer correct | 60.0 % | 20.0 % | -40.0 pt |" in text


def test_render_warns_when_the_sets_differ():
    text = render_comparison(report(A, sha256="1" * 64), report(B, sha256="2" * 64))
    assert "different question sets" in text


def test_render_does_not_warn_for_the_same_set():
    assert "different question sets" not in render_comparison(report(A), report(B))


def test_render_lists_regressions_and_improvements_with_answers():
    text = render_comparison(report(A), report(B), names=("old", "new"))
    assert "# Comparison: old → new" in text
    assert "## Regressed (3)" in text
    assert "## Improved (4)" in text
    assert "- **q1** answer: Câu hỏi q1?\n  - old: Có 381 tổ chức.\n  - new: Có 120 tổ chức." in text


def test_render_lists_questions_not_in_both_runs():
    text = render_comparison(report(A), report(B), names=("old", "new"))
    assert "- only in old: q4" in text
    assert "- only in new: q5" in text


def test_render_with_no_changes_says_none():
    text = render_comparison(report(A), report(A))
    assert "## Regressed (0)\n\nNone." in text
    assert "## Improved (0)\n\nNone." in text
    assert "Not in both runs" not in text


def test_render_shows_false_and_missed_abstentions():
    # A: q6 (a number question) abstained -> 1 false abstention of 5; B: none. No abstain questions.
    text = render_comparison(report(A), report(B))
    assert "| false abstentions | 20.0 % (1/5) | 0.0 % (0/5) | -20.0 pt |" in text
    assert "| missed abstentions | – | – |  |" in text


def test_render_missed_abstentions_of_abstain_questions():
    before = [result("x", kind="abstain", abstained=False, answer_correct=False, citation_correct=None)]
    after = [result("x", kind="abstain", abstained=True, answer_correct=True, citation_correct=None)]
    text = render_comparison(report(before), report(after))
    assert "| missed abstentions | 100.0 % (1/1) | 0.0 % (0/1) | -100.0 pt |" in text


def test_render_works_out_the_abstention_figures_of_an_older_report():
    old = report(A)
    for key in ("answerable", "false_abstentions", "false_abstention_rate", "missed_abstentions",
                "missed_abstention_rate", "wrong_answers", "outcomes"):  # fmt: skip
        del old.run.summary["overall"][key]
    assert "| false abstentions | 20.0 % (1/5) | 0.0 % (0/5) | -20.0 pt |" in render_comparison(old, report(B))
