"""From a file to a cleaned, segmented :class:`Document` (no I/O beyond reading the file)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.cleaning import clean_text
from ingest.facts import extract_facts, reference_year
from ingest.frame import document_frame
from vntext.gazetteer import find_provinces, find_years
from ingest.loaders import SUPPORTED_TYPES, file_type_of, load_bytes, read_source
from ingest.models import Document, IngestError
from ingest.segmenting import build_passages, split_sentences


def content_id(data: bytes) -> str:
    """A document's ID: the start of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:20]


@dataclass(frozen=True)
class PassageOptions:
    max_chars: int = 700
    max_sentences: int = 4


def prepare_document(
    data: bytes,
    name: str,
    source: str | None = None,
    options: PassageOptions = PassageOptions(),
    time_limit: float | None = None,
) -> Document:
    """Load, clean and segment one file given its bytes. Raises :class:`IngestError`.

    ``time_limit``: seconds a PDF, Word or HTML file may take to parse (see ``load_bytes``).
    """
    loaded = load_bytes(data, name, time_limit=time_limit)
    cleaned = clean_text(loaded.text, title=loaded.title, published=loaded.published)
    if not cleaned.text.strip():
        raise IngestError(name, "no text left after removing menus, links and other page clutter")
    doc_id = content_id(data)
    sentences = split_sentences(cleaned.text)
    passages = build_passages(
        doc_id, cleaned.text, sentences, max_chars=options.max_chars, max_sentences=options.max_sentences
    )
    frame = document_frame(loaded.text, cleaned.text, cleaned.title, cleaned.published)
    title = frame.title or cleaned.title
    published = frame.published or cleaned.published
    context = f"{title or ''}\n{cleaned.text}"
    facts = extract_facts(doc_id, cleaned.text, passages, title, published, frame=frame)
    return Document(
        doc_id=doc_id,
        name=Path(name).name,
        source=source or Path(name).name,
        file_type=loaded.file_type,
        size_bytes=len(data),
        text=cleaned.text,
        title=title,
        published=published,
        passages=passages,
        provinces=find_provinces(context),
        years=find_years(context),
        facts=facts,
        reference_year=frame.main_year or reference_year(cleaned.text, published),
        frame=frame,
    )


def prepare_file(
    path: Path, max_bytes: int, options: PassageOptions = PassageOptions(), time_limit: float | None = None
) -> Document:
    """Read, load, clean and segment one file from disk. Errors name the path as given, like the
    size and read errors do, so a file in a batch from several folders can be found."""
    data = read_source(path, max_bytes)
    try:
        return prepare_document(data, path.name, source=str(path.resolve()), options=options, time_limit=time_limit)
    except IngestError as exc:
        raise IngestError(path, exc.reason) from exc


@dataclass
class FileSelection:
    files: list[Path] = field(default_factory=list)
    skipped: list[IngestError] = field(default_factory=list)  # unsupported files found in folders
    errors: list[IngestError] = field(default_factory=list)  # named paths that cannot be used


def collect_files(paths: Iterable[Path]) -> FileSelection:
    """Expand folders (recursively, hidden files ignored) into the supported files they hold.

    A file named explicitly with an unsupported type is an error; one found inside a folder is
    reported as skipped.
    """
    selection = FileSelection()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            selection.files.append(path)

    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if not child.is_file():
                    continue
                if child.suffix.lower() in SUPPORTED_TYPES:
                    add(child)
                elif child.resolve() not in seen:
                    seen.add(child.resolve())
                    selection.skipped.append(IngestError(child, "unsupported file type, skipped"))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_TYPES:
                add(path)
            else:
                try:
                    file_type_of(path.name)
                except IngestError as exc:
                    selection.errors.append(exc)
        else:
            selection.errors.append(IngestError(path, "no such file or folder"))
    return selection
