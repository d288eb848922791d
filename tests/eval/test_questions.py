from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest

from eval.questions import Evidence, GoldQuestion, QuestionSetError, load_questions


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


# --- CSV ------------------------------------------------------------------------------------------

SAMPLES_CSV = Path(__file__).resolve().parents[2] / "eval" / "sets" / "samples.csv"
HEADER = "id,question,answer,kind,evidence\n"


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(QuestionSetError) as info:
        load_questions(path)
    return info.value.problems


def test_samples_csv_loads_every_question():
    questions = load_questions(SAMPLES_CSV)
    assert [q.id for q in questions] == [f"s0{i}" for i in range(1, 9)]
    assert [q.kind for q in questions] == ["number"] * 4 + ["entity", "multi", "abstain", "number"]


def test_samples_csv_reads_vietnamese_answer_value():
    s01 = load_questions(SAMPLES_CSV)[0]
    assert s01.answer == "17.216.450,40 USD"
    assert s01.answer_value == 17216450.4
    assert s01.unit == "USD"


def test_samples_csv_reads_evidence_pairs():
    by_id = {q.id: q for q in load_questions(SAMPLES_CSV)}
    assert by_id["s02"].evidence == (
        Evidence("hoa-binh-va-bac-kan.html", "Giá trị giải ngân của năm 2020 đạt trên 4,1 triệu USD"),
    )
    assert by_id["s05"].evidence == (
        Evidence("khung-phap-ly-pcpnn.txt", "được điều chỉnh bởi Nghị định số 58/2022/NĐ-CP ngày 31/8/2022"),
    )
    assert by_id["s05"].answer_value is None and by_id["s05"].unit is None


def test_samples_csv_multi_line_cell_gives_two_evidence_items():
    multi = {q.id: q for q in load_questions(SAMPLES_CSV)}["s06"]
    assert multi.evidence == (
        Evidence("tong-quan-vien-tro-pcpnn-2019-2024.md",
                 "giải ngân của các tổ chức này trong năm 2019 đạt hơn 262 triệu USD"),
        Evidence("tong-quan-vien-tro-pcpnn-2019-2024.md", "Giá trị giải ngân cả năm là 220 triệu USD"),
    )  # fmt: skip


def test_samples_csv_abstain_question_has_no_evidence():
    abstain = {q.id: q for q in load_questions(SAMPLES_CSV)}["s07"]
    assert (abstain.answer, abstain.evidence) == ("NOT_IN_CORPUS", ())


def test_samples_csv_keeps_the_whole_evidence_of_s01():
    s01 = load_questions(SAMPLES_CSV)[0]
    assert s01.evidence == (Evidence("quang-tri-vien-tro-pcpnn.txt", "với tổng số vốn giải ngân là 17.216.450,40 USD"),)


def test_csv_row_with_more_cells_than_the_header_is_reported(tmp_path):
    path = write(tmp_path, "set.csv", HEADER + "a1,Q?,Quảng Trị,entity,d.txt|tỉnh Quảng Trị, năm 2023\n")
    assert [p.split(":")[0] for p in problems_of(path)] == ["line 2"]


def test_csv_with_semicolons_as_written_by_a_vietnamese_excel(tmp_path):
    # Excel with a comma decimal mark saves ';'-separated cells, CRLF line ends and a BOM
    text = (
        "id;question;answer;answer_value;unit;kind;evidence\r\n"
        'h1;Hòa Bình giải ngân bao nhiêu?;trên 4,1 triệu USD;4,1;USD;number;"d.html|đạt trên 4,1 triệu USD\r\n'
        'd.html|năm 2020"\r\n'
        "h2;Ai?;ChildFund;;;entity;d.html|tổ chức ChildFund Việt Nam\r\n"
    )
    path = tmp_path / "set.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    first, second = load_questions(path)
    assert (first.id, first.answer, first.answer_value, first.unit) == ("h1", "trên 4,1 triệu USD", 4.1, "USD")
    assert first.evidence == (Evidence("d.html", "đạt trên 4,1 triệu USD"), Evidence("d.html", "năm 2020"))
    assert (second.id, second.kind, second.answer_value) == ("h2", "entity", None)


def test_csv_with_tabs_loads(tmp_path):
    path = write(tmp_path, "set.csv", "id\tquestion\tanswer\tkind\tevidence\na1\tQ?\tX, Y\tentity\td.txt|X, Y\n")
    assert load_questions(path)[0].evidence == (Evidence("d.txt", "X, Y"),)


def test_csv_header_names_ignore_case_and_spaces(tmp_path):
    path = write(tmp_path, "set.csv", " ID ,Question, Answer,KIND,Evidence\na1,Q?,X,entity,d.txt|X\n")
    assert load_questions(path)[0].id == "a1"


def test_csv_further_evidence_columns_are_read(tmp_path):
    text = "id,question,answer,kind,evidence,evidence 2,evidence_3\na1,Q?,X,entity,a.txt|một,b.txt|hai,c.txt|ba\n"
    path = write(tmp_path, "set.csv", text)
    assert load_questions(path)[0].evidence == (
        Evidence("a.txt", "một"), Evidence("b.txt", "hai"), Evidence("c.txt", "ba")
    )


def test_csv_bad_rows_are_reported_by_physical_line_number(tmp_path):
    text = HEADER + (
        'a1,Q1?,"2019: 262 triệu USD; 2020: 220 triệu USD",multi,"d.txt|năm 2019 đạt 262 triệu USD\n'  # line 2
        'd.txt|năm 2020 đạt 220 triệu USD"\n'  # line 3: the cell goes on
        "a2,Q2?,X,guess,d.txt|X\n"  # line 4: unknown kind
        "a3,Q3?,X,entity,d.txt\n"  # line 5: evidence without text
        "a4,,X,entity,d.txt|X\n"  # line 6: no question
        ",,,,\n"  # line 7: an empty row is skipped
        "a1,Q5?,X,entity,d.txt|X\n"  # line 8: duplicate id
    )
    problems = problems_of(write(tmp_path, "set.csv", text))
    assert [p.split(":")[0] for p in problems] == ["line 4", "line 5", "line 6", "line 8"]
    assert "kind 'guess'" in problems[0]
    assert "doc and text" in problems[1]
    assert "missing question" in problems[2]
    assert "duplicate id 'a1'" in problems[3]


def test_csv_bad_answer_value_is_reported(tmp_path):
    text = "id,question,answer,answer_value,kind,evidence\na1,Q?,nhiều,nhiều lắm,number,d.txt|X\n"
    problems = problems_of(write(tmp_path, "set.csv", text))
    assert problems == ["line 2: answer_value must be a number or null"]


def test_csv_bad_row_after_a_blank_line_is_reported_at_its_own_line(tmp_path):
    text = HEADER + "a1,Q?,X,entity,d.txt|X\n\na2,Q?,X,guess,d.txt|X\n"
    assert [p.split(":")[0] for p in problems_of(write(tmp_path, "set.csv", text))] == ["line 4"]


def test_csv_doubled_quotes_inside_a_cell_are_one_quote(tmp_path):
    with (tmp_path / "set.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([
            ["id", "question", "answer", "kind", "evidence"],
            ["a1", 'Dự án "Nước sạch" ở tỉnh nào?', "Quảng Trị", "entity", 'd.txt|dự án "Nước sạch" tại Quảng Trị'],
        ])  # fmt: skip
    q = load_questions(tmp_path / "set.csv")[0]
    assert q.question == 'Dự án "Nước sạch" ở tỉnh nào?'
    assert q.evidence == (Evidence("d.txt", 'dự án "Nước sạch" tại Quảng Trị'),)


def test_csv_missing_the_kind_column_gives_one_clear_problem(tmp_path):
    text = "id,question,answer,evidence\na1,Q?,X,d.txt|X\na2,Q?,Y,d.txt|Y\n"
    problems = problems_of(write(tmp_path, "set.csv", text))
    assert problems == ["line 1: the header row lacks the column(s) kind"]


@pytest.mark.parametrize("name", ["set.csv", "set.jsonl"])
def test_file_not_in_utf8_is_a_clear_error(tmp_path, name):
    # Vietnamese Windows code page; cp1258 stores "ả" as "a" + a combining hook
    text = 'id,question,answer,kind,evidence\na1,Tỉnh Quảng Trị?,Quảng Trị,entity,d.txt|Quảng Trị\n'
    path = tmp_path / name
    path.write_bytes(unicodedata.normalize("NFD", text).encode("cp1258"))
    with pytest.raises(QuestionSetError, match="not UTF-8") as info:
        load_questions(path)
    assert name in str(info.value)


def test_csv_with_only_a_header_is_an_empty_set(tmp_path):
    assert problems_of(write(tmp_path, "set.csv", HEADER)) == ["the set holds no questions"]


def test_jsonl_with_only_blank_lines_is_an_empty_set(tmp_path):
    assert problems_of(write(tmp_path, "set.jsonl", "\n  \n\n")) == ["the set holds no questions"]


ROWS = [
    {"id": "n1", "question": "Quảng Trị giải ngân bao nhiêu năm 2023?", "answer": "17.216.450,40 USD",
     "answer_value": 17216450.4, "unit": "USD", "kind": "number",
     "evidence": [{"doc": "qt.txt", "text": "số vốn giải ngân đạt 17.216.450,40 USD"}]},
    {"id": "m1", "question": "Giải ngân năm 2019 và 2020?", "answer": "2019: hơn 262 triệu USD; 2020: 220 triệu USD",
     "unit": "USD", "kind": "multi",
     "evidence": [{"doc": "tq.md", "text": "năm 2019 đạt hơn 262 triệu USD"},
                  {"doc": "tq.md", "text": "Giá trị giải ngân cả năm là 220 triệu USD"}]},
    {"id": "e1", "question": "Nghị định nào?", "answer": "Nghị định số 58/2022/NĐ-CP", "kind": "entity",
     "evidence": [{"doc": "pl.txt", "text": "Nghị định số 58/2022/NĐ-CP ngày 31/8/2022"}]},
    {"id": "a1", "question": "Năm 2015 thì sao?", "answer": "NOT_IN_CORPUS", "kind": "abstain"},
]  # fmt: skip


def test_jsonl_and_csv_of_the_same_questions_load_equal(tmp_path):
    jsonl = write(tmp_path, "set.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n")
    with (tmp_path / "set.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "question", "answer", "answer_value", "unit", "kind", "evidence"])
        for r in ROWS:
            value = "17.216.450,40" if r.get("answer_value") else ""  # written the Vietnamese way
            evidence = "\n".join(f"{e['doc']}|{e['text']}" for e in r.get("evidence", []))
            writer.writerow([r["id"], r["question"], r["answer"], value, r.get("unit", ""), r["kind"], evidence])
    from_jsonl, from_csv = load_questions(jsonl), load_questions(tmp_path / "set.csv")
    assert all(isinstance(q, GoldQuestion) for q in from_csv)
    assert from_csv == from_jsonl
    assert len(from_csv) == 4 and from_csv[1].evidence[1].text == "Giá trị giải ngân cả năm là 220 triệu USD"
