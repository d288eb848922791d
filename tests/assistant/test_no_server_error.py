"""No exception reaches a user: every question of both dev sets, and variants of each, asked through
``POST /ask`` of real servers over both corpora, gets HTTP 200 and a well-formed answer whose
citations quote the documents exactly.

The variants are the ways people really type questions (each question is asked as written and in two
of them, taken in turn): without diacritics, cut short, two at once,
in capitals, pasted with the clutter of a news page around them, or in English. They are generated
from what each question names (its years and provinces), so they follow the question sets.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from eval.measure import stop_process
from tests.helpers import start_server_process
from vntext.gazetteer import find_provinces, find_years
from vntext.vietnamese import fold

ANSWER_FIELDS = {"question": str, "answer": str, "abstained": bool, "citations": list}
CITATION_FIELDS = {"doc": str, "doc_id": str, "passage_id": str, "sentence": str, "start": int, "end": int}
CLUTTER_BEFORE = "Trang chủ > Thời sự > Xã hội\nTin bài liên quan\n"
CLUTTER_AFTER = "\nChia sẻ: Facebook | Zalo | In bài\nTin bài liên quan: Hội nghị tổng kết viện trợ"
# Each request costs a server about 0.1 s of one core, half of it the query embedding, and one server
# gains little from requests in flight together (300 requests: 43 s with two at a time, 47 s one at a
# time): one server a core (up to 4; each holds about 0.6 GB), each asked its share, uses the cores. One
# embedding thread per server: a query is one short text, and with the default threads 150 requests
# took 50 s of CPU instead of 14 s.
SERVERS = max(2, min(4, os.cpu_count() or 2))
SERVER_ENV = {"NGOAID_RATE_LIMIT": "off", "OMP_NUM_THREADS": "1"}  # hundreds of requests from one client


@dataclass(frozen=True)
class Asked:
    """One request: which question it comes from, how it was changed, and the text sent."""

    source: str  # question id
    variant: str
    text: str


def english(question: str) -> str:
    """An English question about what ``question`` names: its first province (or the whole country)
    and its first year, when it has one."""
    places = find_provinces(question)
    years = find_years(question)
    place = fold(places[0]) if places else "Vietnam"
    year = f" in {years[0]}" if years else ""
    return f"How much foreign NGO aid did {place} receive{year}?"


def variants(question: str, following: str) -> dict[str, str]:
    """The question as asked and the ways a person may mistype or reword it; ``following`` is another
    question of the set, to ask two at once."""
    words = question.split()
    return {
        "as asked": question,
        "no diacritics": fold(question),
        "first half": " ".join(words[: max(1, len(words) // 2)]),
        "first three words": " ".join(words[:3]),
        "two joined": f"{question} {following}",
        "upper case": question.upper(),
        "web clutter": f"{CLUTTER_BEFORE}{question}{CLUTTER_AFTER}",
        "English": english(question),
    }


VARIANTS_PER_QUESTION = 2  # besides the question as asked; 8 each took 5 minutes of a 2-core machine


def requests_for(questions: list[dict], per_question: int = VARIANTS_PER_QUESTION) -> list[Asked]:
    """Every question as asked, and ``per_question`` of its variants, taken in turn so that every kind
    of variant is asked of many questions; each distinct text once."""
    seen: set[str] = set()
    asked = []
    for i, q in enumerate(questions):
        following = questions[(i + 1) % len(questions)]["question"]
        made = variants(q["question"], following)
        others = [name for name in made if name != "as asked"]
        chosen = ["as asked"] + [others[(i * per_question + k) % len(others)] for k in range(per_question)]
        for name in chosen:
            text = made[name]
            if text not in seen:
                seen.add(text)
                asked.append(Asked(q["id"], name, text))
    return asked


def problems(body: object) -> list[str]:
    """What is wrong with the shape of an answer (nothing when it is a valid answer)."""
    if not isinstance(body, dict):
        return [f"the body is not a JSON object: {str(body)[:200]}"]
    found = [
        f"{key} is not a {kind.__name__}" for key, kind in ANSWER_FIELDS.items() if not isinstance(body.get(key), kind)
    ]
    if isinstance(body.get("answer"), str) and not body["answer"].strip():
        found.append("the answer is empty")
    for i, citation in enumerate(body.get("citations") or []):
        if not isinstance(citation, dict):
            found.append(f"citation {i} is not an object")
            continue
        found += [
            f"citation {i}: {key} is not a {kind.__name__}"
            for key, kind in CITATION_FIELDS.items()
            if not isinstance(citation.get(key), kind) or isinstance(citation.get(key), bool)
        ]
    return found


def misquotes(body: dict, text_of) -> list[str]:
    """Citations whose sentence is not the document's text at [start, end)."""
    found = []
    for citation in body["citations"]:
        text = text_of(citation["doc_id"])
        if text is None:
            found.append(f"{citation['doc']}: no document with ID {citation['doc_id']}")
        elif text[citation["start"] : citation["end"]] != citation["sentence"]:
            where = f"{citation['doc']} [{citation['start']}, {citation['end']})"
            found.append(f"{where} is not “{citation['sentence'][:80]}”")
    return found


def logged_errors(log_path: Path) -> str:
    """The distinct exceptions a server logged (the last line of each traceback)."""
    log = log_path.read_text(encoding="utf-8", errors="replace")
    found = dict.fromkeys(re.findall(r"^(\w+(?:Error|Exception)\b.*)$", log, re.M))
    return f"\nexceptions in {log_path.name}:\n" + "\n".join(list(found)[:10]) if found else ""


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- the variants themselves (no server) ----------------------------------------------------------


def test_variants_change_the_question_as_named():
    question = "Năm 2023, tỉnh Quảng Trị tiếp nhận bao nhiêu viện trợ PCPNN?"
    made = variants(question, "Có bao nhiêu tổ chức?")
    assert made["no diacritics"] == "Nam 2023, tinh Quang Tri tiep nhan bao nhieu vien tro PCPNN?"
    assert made["first half"] == "Năm 2023, tỉnh Quảng Trị tiếp"
    assert made["first three words"] == "Năm 2023, tỉnh"
    assert made["two joined"].endswith("PCPNN? Có bao nhiêu tổ chức?")
    assert made["upper case"].startswith("NĂM 2023, TỈNH QUẢNG TRỊ")
    assert made["web clutter"].startswith("Trang chủ") and question in made["web clutter"]
    assert made["English"] == "How much foreign NGO aid did Quang Tri receive in 2023?"


def test_english_question_without_a_place_or_year_asks_about_the_country():
    made = english("Có bao nhiêu tổ chức phi chính phủ nước ngoài?")
    assert made == "How much foreign NGO aid did Vietnam receive?"


def test_each_distinct_text_is_asked_once():
    questions = [{"id": "a", "question": "Một hai ba bốn?"}, {"id": "b", "question": "Một hai ba năm?"}]
    asked = requests_for(questions, per_question=7)
    texts = [a.text for a in asked]
    assert len(texts) == len(set(texts))
    assert [a.variant for a in asked if a.source == "b"].count("first three words") == 0  # same as a's


def test_every_kind_of_variant_is_asked_and_every_question_as_written():
    questions = [{"id": str(i), "question": f"Câu hỏi số {i} về viện trợ năm {2000 + i}?"} for i in range(10)]
    asked = requests_for(questions)
    assert {a.variant for a in asked} == set(variants("x y z", "w"))
    assert {a.source for a in asked if a.variant == "as asked"} == {q["id"] for q in questions}


def test_problems_finds_a_bad_answer_shape():
    good = {"question": "q", "answer": "a", "abstained": False, "citations": [
        {"doc": "d.txt", "doc_id": "ab12", "passage_id": "p", "sentence": "s", "start": 0, "end": 1}]}  # fmt: skip
    assert problems(good) == []
    assert problems({**good, "answer": "  "}) == ["the answer is empty"]
    assert problems({**good, "abstained": "no"}) == ["abstained is not a bool"]
    assert problems({"error": "internal error"}) == [
        "question is not a str",
        "answer is not a str",
        "abstained is not a bool",
        "citations is not a list",
    ]
    bad_citation = {**good, "citations": [{**good["citations"][0], "start": True, "end": "1"}]}
    assert problems(bad_citation) == ["citation 0: start is not a int", "citation 0: end is not a int"]


# --- the real servers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(both_corpora_store, tmp_path_factory) -> Iterator[tuple[list[str], list[Path]]]:
    """:data:`SERVERS` ``ngoaid serve`` processes over both corpora, started side by side; their base
    URLs and logs."""
    folder = tmp_path_factory.mktemp("no-server-error")
    logs = [folder / f"server-{i}.log" for i in range(SERVERS)]
    with ThreadPoolExecutor(SERVERS) as pool:
        starting = [pool.submit(start_server_process, both_corpora_store.data_dir, log, env=SERVER_ENV) for log in logs]
    started = [f.result() for f in starting if f.exception() is None]
    try:
        if len(started) < SERVERS:
            raise next(f.exception() for f in starting if f.exception() is not None)
        yield [base for _, base in started], logs
    finally:
        for process, _ in started:
            stop_process(process)


def ask_share(base: str, share: list[Asked], documents: dict[str, str]) -> list[str]:
    """Ask one server its share of the requests in turn; one line per request that failed, saying how."""

    def post(client: httpx.Client, item: Asked) -> httpx.Response:
        try:
            return client.post(f"{base}/ask", json={"question": item.text}, timeout=120)
        except httpx.TransportError:
            # After a 500 the server closes the connection, so the next request on it is reset: that
            # request is asked again on a new connection, to be judged on its own.
            with httpx.Client() as fresh:
                return fresh.post(f"{base}/ask", json={"question": item.text}, timeout=120)

    def one(client: httpx.Client, item: Asked) -> str | None:
        try:
            response = post(client, item)
        except httpx.HTTPError as exc:
            return f"no response ({exc.__class__.__name__}: {exc})"
        if response.status_code != 200:
            return f"HTTP {response.status_code} {response.text[:200]}"
        try:
            body = response.json()
        except ValueError:
            return f"the body is not JSON: {response.text[:200]}"
        return "; ".join(problems(body) or misquotes(body, documents.get)) or None

    with httpx.Client() as client:
        outcomes = [(item, one(client, item)) for item in share]
    return [f"{i.source} ({i.variant}): {problem}  <- {i.text[:100]!r}" for i, problem in outcomes if problem]


@pytest.mark.slow
def test_no_question_of_the_dev_sets_or_their_variants_gets_an_error(
    servers, both_corpora_store, dev_questions_path, dev2_questions_path
):
    bases, logs = servers
    questions = load_set(dev_questions_path) + load_set(dev2_questions_path)
    asked = requests_for(questions)
    catalog = both_corpora_store.catalog
    documents = {d.doc_id: catalog.document_text(d.doc_id) or "" for d in catalog.documents()}
    assert len(asked) > (VARIANTS_PER_QUESTION + 0.5) * len(questions)  # the variants were made
    assert {a.variant for a in asked} == set(variants("x y z", "w"))

    started = time.perf_counter()
    with ThreadPoolExecutor(len(bases)) as pool:
        shares = [asked[i :: len(bases)] for i in range(len(bases))]
        failed = [line for lines in pool.map(ask_share, bases, shares, [documents] * len(bases)) for line in lines]
    elapsed = time.perf_counter() - started
    print(f"\n{len(asked)} questions asked of {len(bases)} servers in {elapsed:.1f} s")
    logged = "".join(map(logged_errors, logs))
    assert not failed, f"{len(failed)} of {len(asked)} questions failed:\n" + "\n".join(failed[:25]) + logged
