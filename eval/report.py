"""Evaluation reports: ``report.json`` (everything), ``report.md`` (what a person reads) and plots.

The JSON holds every question with its answer, citations and scores, so two runs can be compared
later (:mod:`eval.compare`) and any figure of the Markdown can be traced to the questions behind it.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eval.measure import describe_machine, machine_description
from eval.runner import QuestionResult, summarize
from eval.scoring import CORRECT, ERROR, FALSE_ABSTENTION, MISSED_ABSTENTION, WRONG
from vntext.numbers import format_number_vi

REPORT_FORMAT = 1
SCORE_COLUMNS = (
    ("answer_accuracy", "answer"),
    ("citation_accuracy", "citation"),
    ("grounded", "grounded"),
    ("hit_at_1", "hit@1"),
    ("hit_at_5", "hit@5"),
    ("mrr", "MRR"),
)


class ReportError(ValueError):
    """A file that is not an evaluation report this version can read."""


@dataclass
class SystemRun:
    """One system's run over a question set."""

    config: dict[str, Any]
    results: list[QuestionResult]
    summary: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.summary:
            self.summary = summarize(self.results)

    def as_dict(self) -> dict[str, Any]:
        return {"config": self.config, "summary": self.summary, "results": [r.as_dict() for r in self.results]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SystemRun:
        return cls(data["config"], [QuestionResult.from_dict(r) for r in data["results"]], data["summary"])


@dataclass
class Report:
    question_set: dict[str, Any]  # path, number of questions, sha256 of the file
    run: SystemRun
    baseline: SystemRun | None = None
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    environment: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "created": self.created,
            "question_set": self.question_set,
            "environment": self.environment,
            **self.run.as_dict(),
            "baseline": self.baseline.as_dict() if self.baseline else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        baseline = data.get("baseline")
        return cls(
            question_set=data["question_set"],
            run=SystemRun.from_dict(data),
            baseline=SystemRun.from_dict(baseline) if baseline else None,
            created=data.get("created", ""),
            environment=data.get("environment", {}),
        )


def question_set_info(path: Path, n_questions: int) -> dict[str, Any]:
    return {
        "path": str(path),
        "name": path.name,
        "questions": n_questions,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def environment_info() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    from ingest.models import PIPELINE_VERSION

    try:
        ngoaid_version = version("ngoaid")
    except PackageNotFoundError:
        ngoaid_version = "unknown"
    return {
        "ngoaid": ngoaid_version,
        "pipeline_version": PIPELINE_VERSION,
        "python": platform.python_version(),
        "machine": machine_description(),
    }


def load_report(path: Path) -> Report:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
            raise ReportError(f"{path}: not an evaluation report of format {REPORT_FORMAT}")
        return Report.from_dict(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ReportError(f"{path}: cannot read the report ({exc.__class__.__name__}: {exc})") from exc


# --- Markdown -----------------------------------------------------------------------------------


def fmt_rate(value: float | None, counts: list[int] | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{100 * value:.1f} %"
    return f"{text} ({counts[0]}/{counts[1]})" if counts else text


def fmt_ms(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def abstention_cell(block: dict[str, Any], key: str) -> str:
    """``false_abstentions`` of the answerable questions, or ``missed_abstentions`` of the abstain
    questions, as "rate (count/of)"; "–" where none of those questions are in the block, or the
    summary predates the figure."""
    if key not in block:
        return "–"
    answerable = block["answerable"]
    of = answerable if key == "false_abstentions" else block["questions"] - answerable
    return fmt_rate(block[key] / of if of else None, [block[key], of])


def _summary_row(label: str, block: dict[str, Any]) -> str:
    counts = block.get("counts", {})
    cells = [
        label,
        str(block["questions"]),
        fmt_rate(block["answer_accuracy"], counts.get("answer")),
        abstention_cell(block, "false_abstentions"),
        abstention_cell(block, "missed_abstentions"),
        fmt_rate(block["citation_accuracy"], counts.get("citation")),
        fmt_rate(block["grounded"], counts.get("grounded")),
        fmt_rate(block["hit_at_1"]),
        fmt_rate(block["hit_at_5"]),
        "–" if block["mrr"] is None else f"{block['mrr']:.3f}",
        fmt_ms(block["latency_p50_ms"]),
        fmt_ms(block["latency_p95_ms"]),
    ]
    return "| " + " | ".join(cells) + " |"


def summary_table(summary: dict[str, Any]) -> list[str]:
    lines = [
        "| kind | questions | answer correct | false abstentions | missed abstentions | citation correct | grounded "
        "| hit@1 | hit@5 | MRR | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [_summary_row(kind, block) for kind, block in summary["by_kind"].items()]
    lines.append(_summary_row("**all**", summary["overall"]))
    return lines


def baseline_table(run: SystemRun, baseline: SystemRun) -> list[str]:
    ours, theirs = run.summary["overall"], baseline.summary["overall"]
    rows = [
        ("hit@5 (evidence in the top 5)", fmt_rate(ours["hit_at_5"]), fmt_rate(theirs["hit_at_5"])),
        ("MRR@10", f"{ours['mrr'] or 0:.3f}", f"{theirs['mrr'] or 0:.3f}"),
        (
            "answer correct",
            fmt_rate(ours["answer_accuracy"], ours["counts"]["answer"]),
            fmt_rate(theirs["answer_accuracy"], theirs["counts"]["answer"]) + " ¹",
        ),
        (
            "citation correct",
            fmt_rate(ours["citation_accuracy"], ours["counts"]["citation"]),
            fmt_rate(theirs["citation_accuracy"], theirs["counts"]["citation"]) + " ²",
        ),
        ("latency p50 / p95 (ms)", f"{fmt_ms(ours['latency_p50_ms'])} / {fmt_ms(ours['latency_p95_ms'])}",
         f"{fmt_ms(theirs['latency_p50_ms'])} / {fmt_ms(theirs['latency_p95_ms'])}"),
    ]  # fmt: skip
    lines = ["| | ngoaid | naive llama-index baseline |", "|---|---:|---:|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += [
        "",
        f"Baseline: {baseline.config.get('chunking', '')}; {baseline.config.get('chunks', '?')} chunks; "
        f"top {baseline.config.get('top_k', '?')} by the same embedding model; the answer is the top chunk.",
        "",
        "¹ The baseline's answer is a whole chunk (often over a thousand characters): it counts as correct when the "
        "gold figure or words appear anywhere in it, which flatters it; it never abstains, so questions whose answer "
        "is not in the documents always count against it.  ",
        "² The baseline cites its whole top chunk, not a sentence.",
    ]
    return lines


def _failure_reasons(r: QuestionResult) -> list[str]:
    reasons = []
    if r.error:
        reasons.append("error")
    if r.outcome in (FALSE_ABSTENTION, MISSED_ABSTENTION):
        reasons.append(r.outcome.replace("_", " "))
    elif not r.answer_correct:
        reasons.append("answer wrong")
    if r.citation_correct is False:
        reasons.append("citation wrong")
    if r.grounded is False:
        reasons.append("numbers without a source")
    return reasons


def _quote(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Failures are listed in this order of outcome: abstaining on an answerable question first, since an
# analyst gets nothing from it; then answers to questions the documents do not answer; then the rest.
FAILURE_ORDER = (FALSE_ABSTENTION, MISSED_ABSTENTION, ERROR, WRONG, CORRECT)


def abstention_lists(results: list[QuestionResult]) -> list[str]:
    """The ids of the false and the missed abstentions, one line each (none when there are none)."""
    answerable = [r for r in results if r.kind != "abstain"]
    unanswerable = [r for r in results if r.kind == "abstain"]
    lines = []
    for name, pool, meaning in (
        (FALSE_ABSTENTION, answerable, "the documents hold the answer, the assistant abstained"),
        (MISSED_ABSTENTION, unanswerable, "the documents do not hold the answer, the assistant gave one"),
    ):
        ids = [r.id for r in pool if r.outcome == name]
        if ids:
            label = name.replace("_", " ").capitalize() + "s"
            lines.append(f"- **{label}** ({meaning}): {len(ids)} of {len(pool)}: {', '.join(ids)}")
    return lines


def failures_section(results: list[QuestionResult]) -> list[str]:
    failed = [r for r in results if _failure_reasons(r)]
    if not failed:
        return ["Every question passed every check."]
    failed.sort(key=lambda r: FAILURE_ORDER.index(r.outcome))
    lines = abstention_lists(results)
    lines += [""] if lines else []
    for r in failed:
        lines.append(f"### {r.id} ({r.kind}): {', '.join(_failure_reasons(r))}")
        lines.append("")
        lines.append(f"- Question: {r.question}")
        expected = r.expected if r.kind != "abstain" else "an abstention (the documents do not say)"
        lines.append(f"- Expected: {expected}" + (f" (value {format_number_vi(r.expected_value)})" if r.expected_value is not None else ""))
        got = "(abstained) " if r.abstained else ""
        lines.append(f"- Got: {got}{_quote(r.answer) if r.answer else '(nothing)'}")
        if r.error:
            lines.append(f"- Error: {r.error}")
        for c in r.citations[:3]:
            lines.append(f"- Cited: {c['doc']}: “{_quote(str(c['sentence']), 240)}”")
        for e in r.retrieval:
            where = f"rank {e.rank}" if e.rank else ("not in the top 10" if e.locatable else "not found in the index")
            lines.append(f"- Evidence ({where}): {e.doc}: “{_quote(e.text, 240)}”")
        if r.ungrounded_numbers:
            lines.append(f"- Numbers not in a cited sentence: {', '.join(r.ungrounded_numbers)}")
        lines.append("")
    return lines


def render_markdown(report: Report, plots: list[str]) -> str:
    config = report.run.config
    qs = report.question_set
    lines = [
        f"# Evaluation: {qs['name']}",
        "",
        f"- Run: {report.created}; ngoaid {report.environment.get('ngoaid', '?')}",
        f"- Question set: `{qs['path']}` ({qs['questions']} questions, sha256 {qs['sha256'][:12]})",
        f"- Index: {config.get('documents')} documents, {config.get('passages')} passages in `{config.get('data_dir')}`; "
        f"model {config.get('embedding_model')}; answers {config.get('generator')}",
        *([f"- {describe_machine(report.environment['machine'])}"] if report.environment.get("machine") else []),
        "",
        "## Scores",
        "",
        *summary_table(report.run.summary),
        "",
        "Answer: the gold figure (within 0.5 %) or the gold words are in the answer; abstain questions must abstain. "
        "False abstentions: abstentions on questions whose answer is in the documents (share of the questions of "
        "every kind but abstain); missed abstentions: answers given to abstain questions (share of those). "
        "Citation: a cited sentence of the right document (or two, read in turn) holds each evidence text. Grounded: every number of the "
        "answer is in a cited sentence (abstentions are not scored). hit@k and MRR: rank of the first passage "
        "holding each evidence item among the top 10 the system retrieves for the question (for ngoaid, the passages "
        "its answers are built from).",
    ]
    unlocatable = report.run.summary.get("unlocatable_evidence") or []
    if unlocatable:
        lines += ["", f"**{len(unlocatable)} evidence item(s) are in no indexed passage** (document missing from the "
                  "index, or the text differs), so retrieval could not be scored for them:"]  # fmt: skip
        lines += [f"- {u['id']}: {u['doc']}: “{_quote(u['text'], 160)}”" for u in unlocatable]
    if report.baseline:
        lines += ["", "## Against the naive llama-index pipeline", "", *baseline_table(report.run, report.baseline)]
    lines += ["", "## Failures", "", *failures_section(report.run.results)]
    if plots:
        lines += ["", "## Plots", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in plots]
    return "\n".join(lines).rstrip() + "\n"


# --- plots --------------------------------------------------------------------------------------


def write_plots(report: Report, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only; no display on servers
    import matplotlib.pyplot as plt

    runs = [("ngoaid", report.run)] + ([("baseline", report.baseline)] if report.baseline else [])
    paths: list[Path] = []

    kinds = list(report.run.summary["by_kind"])
    metrics = [("answer_accuracy", "answer correct"), ("citation_accuracy", "citation correct"), ("hit_at_5", "hit@5")]
    fig, axes = plt.subplots(1, len(runs), figsize=(6 * len(runs), 4), sharey=True, squeeze=False)
    for ax, (name, run) in zip(axes[0], runs, strict=True):
        width = 0.8 / len(metrics)
        for i, (key, label) in enumerate(metrics):
            values = [(run.summary["by_kind"].get(k, {}).get(key) or 0.0) for k in kinds]
            ax.bar([x + i * width for x in range(len(kinds))], values, width, label=label)
        ax.set_xticks([x + width * (len(metrics) - 1) / 2 for x in range(len(kinds))])
        ax.set_xticklabels([f"{k}\n(n={run.summary['by_kind'].get(k, {}).get('questions', 0)})" for k in kinds])
        ax.set_ylim(0, 1.05)
        ax.set_title(name)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("share of questions / evidence items")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(metrics), fontsize="small")
    fig.suptitle("Scores by kind of question")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    paths.append(out_dir / "scores_by_kind.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, run in runs:
        latencies = [r.latency_ms for r in run.results]
        if latencies:
            ax.hist(latencies, bins=min(30, max(5, len(latencies) // 2)), alpha=0.6, label=f"{name} (n={len(latencies)})")
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    ax.legend()
    fig.tight_layout()
    paths.append(out_dir / "latency.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths


def write_report(report: Report, out_dir: Path) -> dict[str, Path]:
    """Write report.json, the plots and report.md into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "report.json"
    json_path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    plots = write_plots(report, out_dir)
    md_path = out_dir / "report.md"
    md_path.write_text(render_markdown(report, [str(p) for p in plots]), encoding="utf-8")
    return {"json": json_path, "markdown": md_path, **{p.stem: p for p in plots}}
