from __future__ import annotations

import json

import pytest

from eval.questions import QuestionSetError, load_questions


def test_dev_set_loads(dev_questions_path):
    questions = load_questions(dev_questions_path)
    assert len(questions) == len([l for l in dev_questions_path.read_text().splitlines() if l.strip()])
    kinds = {q.kind for q in questions}
    assert {"number", "entity", "abstain"} <= kinds
    assert all(q.evidence for q in questions if q.kind != "abstain")


def test_bad_rows_are_reported_by_line_number(tmp_path):
    good = {"id": "a", "question": "Q?", "answer": "1", "kind": "number", "answer_value": 1,
            "evidence": [{"doc": "d.txt", "text": "t"}]}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "id": "b", "kind": "guess"}),
        json.dumps({**good, "id": "c", "evidence": []}),
        json.dumps({**good, "id": "a"}),
        json.dumps({**good, "id": "d", "answer_value": "many"}),
        "",
        json.dumps({"id": "e", "question": "Q?", "answer": "NOT_IN_CORPUS", "kind": "abstain"}),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(QuestionSetError) as info:
        load_questions(path)
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert "duplicate id 'a'" in problems[3]
