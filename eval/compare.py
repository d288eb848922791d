"""Compare two evaluation runs: what improved, what regressed, how the scores moved.

Questions are matched by id. A question in only one run is listed, not scored, and a warning is
given when the two runs used different question sets (a different sha256 of the set file). The
figures a report written before them lacks (false and missed abstentions) are worked out from its
questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.report import Report, abstention_cell, fmt_ms, fmt_rate
from eval.runner import summarize

CHECKS = (("answer_correct", "answer"), ("citation_correct", "citation"), ("grounded", "grounded"))


@dataclass
class Change:
    id: str
    check: str  # "answer", "citation" or "grounded"
    before: bool | None
    after: bool | None
    question: str
    answer_before: str
    answer_after: str


@dataclass
class Comparison:
    improved: list[Change] = field(default_factory=list)
    regressed: list[Change] = field(default_factory=list)
    only_in_a: list[str] = field(default_factory=list)
    only_in_b: list[str] = field(default_factory=list)
    same_set: bool = True


def compare_runs(a: Report, b: Report) -> Comparison:
    before = {r.id: r for r in a.run.results}
    after = {r.id: r for r in b.run.results}
    comparison = Comparison(
        only_in_a=[i for i in before if i not in after],
        only_in_b=[i for i in after if i not in before],
        same_set=a.question_set.get("sha256") == b.question_set.get("sha256"),
    )
    for qid, old in before.items():
        new = after.get(qid)
        if new is None:
            continue
        for attr, label in CHECKS:
            was, now = getattr(old, attr), getattr(new, attr)
            if was is None or now is None or was == now:
                continue
            change = Change(qid, label, was, now, new.question, old.answer, new.answer)
            (comparison.improved if now else comparison.regressed).append(change)
    return comparison


def _delta_row(label: str, key: str, a: dict, b: dict, rate: bool = True) -> str:
    x, y = a.get(key), b.get(key)
    if rate:
        delta = "" if x is None or y is None else f"{100 * (y - x):+.1f} pt"
        return f"| {label} | {fmt_rate(x)} | {fmt_rate(y)} | {delta} |"
    delta = "" if x is None or y is None else f"{y - x:+.0f}"
    return f"| {label} | {fmt_ms(x)} | {fmt_ms(y)} | {delta} |"


def _abstention_row(label: str, key: str, a: dict, b: dict) -> str:
    """False or missed abstentions as "rate (count/of)" on each side; a fall is an improvement."""
    x, y = (abstention_cell(s, key) for s in (a, b))
    rate = key.replace("abstentions", "abstention_rate")
    delta = "" if a.get(rate) is None or b.get(rate) is None else f"{100 * (b[rate] - a[rate]):+.1f} pt"
    return f"| {label} | {x} | {y} | {delta} |"


def _overall(report: Report) -> dict:
    """The run's overall scores, with any figure its summary lacks worked out from its questions."""
    return {**summarize(report.run.results)["overall"], **report.run.summary["overall"]}


def _short(result_answer: str, limit: int = 160) -> str:
    text = " ".join(result_answer.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_comparison(a: Report, b: Report, names: tuple[str, str] = ("A", "B")) -> str:
    comparison = compare_runs(a, b)
    sa, sb = _overall(a), _overall(b)
    lines = [f"# Comparison: {names[0]} → {names[1]}", ""]
    if not comparison.same_set:
        lines += ["**Warning: the two runs used different question sets; only shared ids are compared.**", ""]
    lines += [
        f"| | {names[0]} | {names[1]} | change |",
        "|---|---:|---:|---:|",
        _delta_row("answer correct", "answer_accuracy", sa, sb),
        _abstention_row("false abstentions", "false_abstentions", sa, sb),
        _abstention_row("missed abstentions", "missed_abstentions", sa, sb),
        _delta_row("citation correct", "citation_accuracy", sa, sb),
        _delta_row("grounded", "grounded", sa, sb),
        _delta_row("hit@1", "hit_at_1", sa, sb),
        _delta_row("hit@5", "hit_at_5", sa, sb),
        _delta_row("MRR", "mrr", sa, sb),
        _delta_row("latency p50 (ms)", "latency_p50_ms", sa, sb, rate=False),
        _delta_row("latency p95 (ms)", "latency_p95_ms", sa, sb, rate=False),
        "",
    ]
    for title, changes in (("Regressed", comparison.regressed), ("Improved", comparison.improved)):
        lines.append(f"## {title} ({len(changes)})")
        lines.append("")
        if not changes:
            lines.append("None.")
        for c in changes:
            lines.append(f"- **{c.id}** {c.check}: {c.question}")
            if c.answer_before != c.answer_after:
                lines.append(f"  - {names[0]}: {_short(c.answer_before)}")
                lines.append(f"  - {names[1]}: {_short(c.answer_after)}")
        lines.append("")
    if comparison.only_in_a or comparison.only_in_b:
        lines.append("## Not in both runs")
        lines.append("")
        if comparison.only_in_a:
            lines.append(f"- only in {names[0]}: {', '.join(comparison.only_in_a)}")
        if comparison.only_in_b:
            lines.append(f"- only in {names[1]}: {', '.join(comparison.only_in_b)}")
    return "\n".join(lines).rstrip() + "\n"

