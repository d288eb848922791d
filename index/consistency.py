"""What a consistency check of the index found, in a form tests can assert on and people can read.

The catalog is the record; the checks compare everything derived from it (vectors in Chroma, the
saved keyword index) against it, and the catalog against itself (documents whole, facts in place).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ingest.models import doc_id_of_passage

_EXAMPLES = 3


@dataclass
class VectorDrift:
    """How the vectors differ from the catalog: what :meth:`IndexStore.reconcile` repairs."""

    stray: set[str] = field(default_factory=set)  # vectors of passages the catalog does not hold
    missing: set[str] = field(default_factory=set)  # catalog passages without a vector
    stale: set[str] = field(default_factory=set)  # vectors made from another text than the catalog's


@dataclass
class CheckReport:
    documents: int
    passages: int
    vectors: int
    facts: int
    sqlite: str = "ok"
    partial_documents: list[str] = field(default_factory=list)
    passages_without_document: list[str] = field(default_factory=list)
    missing_vectors: list[str] = field(default_factory=list)
    stray_vectors: list[str] = field(default_factory=list)
    stale_vectors: list[str] = field(default_factory=list)
    facts_without_passage: list[str] = field(default_factory=list)
    misplaced_facts: list[str] = field(default_factory=list)
    keyword_missing: list[str] = field(default_factory=list)  # catalog passages the saved keyword index lacks
    keyword_extra: list[str] = field(default_factory=list)  # keyword entries for passages not in the catalog
    vectors_unreadable: str | None = None  # why the vectors could not be read, if they could not
    notes: list[str] = field(default_factory=list)  # worth knowing, but not an inconsistency

    @property
    def consistent(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """One plain sentence per kind of inconsistency found (empty when there is none)."""
        found = []
        if self.sqlite != "ok":
            found.append(f"the catalog database is damaged: SQLite reports {self.sqlite}")
        if self.vectors_unreadable:
            found.append(f"the vectors could not be read, so they were not compared ({self.vectors_unreadable})")
        checks = (
            (self.partial_documents, "documents are only partly in the catalog (passage count differs)", False),
            (self.passages_without_document, "catalog passages belong to no document", True),
            (self.missing_vectors, "catalog passages have no vector, so meaning-based search cannot find them", True),
            (self.stray_vectors, "vectors belong to no catalog passage (left by an interrupted write; search ignores them)", True),
            (self.stale_vectors, "vectors were made from a different text than the catalog passage", True),
            (self.facts_without_passage, "facts point to a passage that does not exist or belongs to another document", False),
            (self.misplaced_facts, "facts quote a figure that is not in their passage at the offsets recorded", False),
            (self.keyword_missing, "catalog passages are missing from the saved keyword index", True),
            (self.keyword_extra, "keyword index entries belong to no catalog passage", True),
        )  # fmt: skip
        for items, what, are_passages in checks:
            if items:
                found.append(f"{len(items)} {what}: {_examples(items, are_passages)}")
        return found

    def lines(self) -> list[str]:
        """The report as a person reads it."""
        out = [
            f"{self.documents} documents, {self.passages} passages, {self.vectors} vectors, {self.facts} facts."
        ]
        problems = self.problems()
        if problems:
            out.append("The index is INCONSISTENT:")
            out.extend(f"  - {p}" for p in problems)
        else:
            out.append(
                "The index is consistent: every document is wholly in, each passage has one vector and "
                "is in the keyword index, and every fact's figure is in its passage."
            )
        out.extend(f"Note: {n}" for n in self.notes)
        return out

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "consistent": self.consistent, "problems": self.problems()}


def _examples(items: list[str], are_passages: bool) -> str:
    if are_passages:  # name the documents: that is what a person can remove or ingest again
        docs = sorted({doc_id_of_passage(i) for i in items})
        shown = ", ".join(docs[:_EXAMPLES])
        more = f" and {len(docs) - _EXAMPLES} more" if len(docs) > _EXAMPLES else ""
        return f"{len(docs)} document(s): {shown}{more}"
    shown = ", ".join(sorted(items)[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")
