"""Drafts sets: speech drafts requested for a topic, place and years, and the checks each must pass.

A drafts set is JSON Lines, one request a line: ``{"id", "topic", "province" (absent: the whole
country), "years", "occasion", "expect": [figures the draft must state, as written]}``. Each draft is
checked for: its own headline figures (when the index has any for its scope, and every expected one),
every note mark pointing at a numbered figure, every figure grounded in its cited sentence, no figure
of another place among its results, no quoted sentence (a deed, a difficulty, a direction) about
other provinces, and no sentence that is a fragment ("Hà Tĩnh có 12.").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.drafting import Draft, Drafter, DraftError, parse_years
from assistant.headlines import Scope, headlines
from assistant.phrasing import plain_number
from assistant.grounding import numbers_in
from vntext.entities import NATIONAL
from vntext.gazetteer import find_provinces


@dataclass(frozen=True)
class DraftCase:
    id: str
    topic: str
    province: str | None = None
    years: str | None = None
    occasion: str | None = None
    expect: tuple[str, ...] = ()


@dataclass
class DraftCheck:
    id: str
    headline: bool | None  # results in sentences holding every expected figure; None: the index has none
    cited: bool  # every note mark is a numbered figure
    grounded: bool  # every figure's numbers are in its cited sentence
    in_scope: bool  # every figure of the results is about the draft's place
    quotes_in_scope: bool = True  # every quoted sentence naming provinces names the draft's own
    fragments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.headline is not False and self.cited and self.grounded and self.in_scope and self.quotes_in_scope
            and not self.fragments
        )  # fmt: skip


def is_drafts_set(path: Path) -> bool:
    """A drafts set's rows ask for a topic, a question set's for a question."""
    try:
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
        row = json.loads(first)
    except (OSError, ValueError):
        return False
    return isinstance(row, dict) and "topic" in row and "question" not in row


def load_drafts(path: Path) -> list[DraftCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if not row.get("id") or not row.get("topic"):
                raise ValueError(f"{path}: line {number}: each request needs an id and a topic")
            cases.append(DraftCase(str(row["id"]), row["topic"], row.get("province"), row.get("years"),
                                   row.get("occasion"), tuple(row.get("expect") or ())))  # fmt: skip
    return cases


# A sentence cut short: it ends on a word that leads into something, or on a bare count.
_FRAGMENT_END = re.compile(r"(?:\b(?:của|và|với|là|tại|các|những|cho|of|and|the|with|for)|\b(?:có|has|have|had) (?:(?:hơn|trên|gần|khoảng|over|about|nearly) )?[\d.,]+)\s*\.?\s*$", re.IGNORECASE)
_MARK = re.compile(r"\s*\[(\d+)\]")


def _sentences(draft: Draft) -> list[str]:
    texts = list(draft.results) + [f.statement for f in draft.figures]
    return [s.strip() for text in texts for s in re.split(r"(?<=\.)\s+(?=[A-ZĐÀ-Ỹ])", _MARK.sub("", text)) if s.strip()]


def check_draft(case: DraftCase, draft: Draft, has_headlines: bool = True) -> DraftCheck:
    """``has_headlines``: whether the index holds headline figures of the draft's scope at all."""
    numbers = {f.number: f for f in draft.figures}
    results = " ".join(draft.results)
    marks = [int(n) for text in (results, *(f.statement for f in draft.figures)) for n in _MARK.findall(text)]
    missing = [figure for figure in case.expect if figure not in results]
    ungrounded = [
        f.statement for f in draft.figures
        if not set(numbers_in(_MARK.sub("", f.statement)))
        <= set(numbers_in(f.citation.sentence)) | set(numbers_in(f.fact.period or "")) | set(numbers_in(plain_number(f.fact.value)))
    ]  # fmt: skip
    place = draft.province or NATIONAL
    elsewhere = [q.text for q in (*draft.deeds, *draft.directions, *draft.difficulties) if not _quotable(q, place)]
    off_scope = [numbers[n].fact.text for n in map(int, _MARK.findall(results)) if n in numbers and numbers[n].fact.subject != place]
    check = DraftCheck(
        case.id,
        headline=(bool(draft.results) and not missing) if has_headlines or case.expect else None,
        cited=all(n in numbers for n in marks),
        grounded=not ungrounded,
        in_scope=not off_scope,
        quotes_in_scope=not elsewhere,
        fragments=[s for s in _sentences(draft) if _FRAGMENT_END.search(s) or not s[:1].isalnum()],
    )
    check.problems = [f"missing {m}" for m in missing] + [f"ungrounded: {u}" for u in ungrounded] + [f"other scope: {o}" for o in off_scope]
    check.problems += [f"quoted from elsewhere: {e[:120]}" for e in elsewhere]
    return check


def _quotable(quote, place: str) -> bool:
    """A provincial draft quotes sentences that name no province or its own; a national one may quote a
    province only for an organisation's deed."""
    named = set(find_provinces(quote.text))
    if place == NATIONAL:
        return not named or quote.who is not None
    return not named or place in named


def run_drafts(drafter: Drafter, cases: list[DraftCase]) -> list[DraftCheck]:
    facts = drafter.store.catalog.facts()
    checks = []
    for case in cases:
        try:
            draft = drafter.draft(case.topic, province=case.province, years=case.years, occasion=case.occasion)
        except DraftError as exc:
            checks.append(DraftCheck(case.id, False, False, False, False, problems=[f"refused: {exc}"]))
            continue
        scope = Scope(draft.province or NATIONAL, parse_years(case.years))
        checks.append(check_draft(case, draft, bool(headlines(facts, scope).figures)))
    return checks


def render_checks(checks: list[DraftCheck]) -> str:
    def mark(ok: bool | None) -> str:
        return "n/a" if ok is None else "yes" if ok else "NO"

    lines = ["| draft | headline | cited | grounded | in scope | quotes in scope | fragments | passed |", "|---|---|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| {c.id} | {mark(c.headline)} | {mark(c.cited)} | {mark(c.grounded)} | {mark(c.in_scope)} | {mark(c.quotes_in_scope)} | "
                     f"{len(c.fragments)} | {mark(c.passed)} |")  # fmt: skip
    passed = sum(c.passed for c in checks)
    lines.append(f"\n{passed}/{len(checks)} drafts pass every check.")
    for c in checks:
        for problem in c.problems + [f"fragment: {f}" for f in c.fragments]:
            lines.append(f"- {c.id}: {problem}")
    return "\n".join(lines)
