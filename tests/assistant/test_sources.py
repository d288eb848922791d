"""The answerers' cached reads follow the catalog document by document: a change costs what changed."""

from __future__ import annotations

from assistant.sources import Sources
from ingest.pipeline import prepare_document

NEW_REPORT = (
    "Viện trợ PCPNN tại tỉnh Thử Nghiệm năm 2025\n\n"
    "Năm 2025, các tổ chức phi chính phủ nước ngoài đã giải ngân 4.321.000 USD cho 27 dự án tại tỉnh.\n"
)


def _ids(facts) -> list[str]:
    return [f.fact_id for f in facts]


def test_a_change_keeps_what_was_read_of_other_documents(sample_store):
    sources = Sources(sample_store)
    sources.refresh()
    before = sources.facts(("USD",))
    assert before
    kept = before[0]
    words = sources.words(kept)
    text = sources.text(kept.doc_id)

    outcome = sample_store.add_document(prepare_document(NEW_REPORT.encode("utf-8"), "thu-nghiem.txt"))
    sources.refresh()
    after = sources.facts(("USD",))
    # the new report's figures are in, after the others, as a fresh read of the catalog gives them
    fresh = Sources(sample_store)
    fresh.refresh()
    assert _ids(after) == _ids(fresh.facts(("USD",)))
    assert any(f.doc_id == outcome.doc_id and f.value == 4_321_000 for f in after)
    assert _ids(after)[: len(before)] == _ids(before)
    # what was worked out for the other documents was not worked out again
    assert sources.words(kept) is words and sources.text(kept.doc_id) is text

    sample_store.remove_documents([kept.doc_id])
    sources.refresh()
    assert kept.doc_id not in {f.doc_id for f in sources.facts(("USD",))}
    assert _ids(sources.facts(("USD",))) == [f for f in _ids(after) if not f.startswith(kept.doc_id)]
    assert sources.text(kept.doc_id) == ""  # read again: the document is gone
