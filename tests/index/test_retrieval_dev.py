"""Every dev-set question with evidence finds the passage holding it in the top 5.

Asked as written and typed without diacritics. A comparison over n items (kind "multi") needs n
passages, so it gets n times the room: top 5n.
"""

from __future__ import annotations

import pytest

from eval.questions import GoldQuestion, load_questions
from vntext.vietnamese import comparable, fold
from tests.helpers import DEV_QUESTIONS

QUESTIONS = load_questions(DEV_QUESTIONS) if DEV_QUESTIONS.is_file() else []
WITH_EVIDENCE = [q for q in QUESTIONS if q.evidence]


def _rank_of_evidence(store, query: str, question: GoldQuestion, top_k: int) -> dict[str, int | None]:
    hits = store.search(query, top_k=top_k).hits
    ranks: dict[str, int | None] = {}
    for evidence in question.evidence:
        wanted = comparable(evidence.text)
        ranks[evidence.text] = next(
            (h.rank for h in hits if h.doc_name == evidence.doc and wanted in comparable(h.passage.text)), None
        )
    return ranks


@pytest.mark.slow
@pytest.mark.parametrize("typed", ["as written", "without diacritics"])
@pytest.mark.parametrize("question", WITH_EVIDENCE, ids=[q.id for q in WITH_EVIDENCE])
def test_evidence_is_in_the_top_results(corpus_store, dev_questions_path, question, typed):
    query = question.question if typed == "as written" else fold(question.question)
    top_k = 5 * len(question.evidence) if question.kind == "multi" else 5
    ranks = _rank_of_evidence(corpus_store, query, question, top_k)
    missing = [text for text, rank in ranks.items() if rank is None]
    assert not missing, f"{question.id} ({typed}): evidence not in the top {top_k}: {missing}"


@pytest.mark.slow
def test_dev_set_is_present_and_has_evidence(dev_questions_path):
    assert len(WITH_EVIDENCE) >= 20
