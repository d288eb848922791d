"""Turn a file's bytes into raw text (plus title and date when the format carries them).

One loader per format; each raises :class:`IngestError` with a reason a person can act on.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ingest.encodings import looks_like_vni, vni_to_unicode
from ingest.isolation import run_isolated
from ingest.models import IngestError

SUPPORTED_TYPES = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
# A .docx is a zip archive; refuse archives that expand far beyond any real report.
MAX_DOCX_EXPANDED_BYTES = 300 * 1024 * 1024
# Seconds a PDF, Word or HTML file may take to parse: a thousand-page report takes well under a
# minute on a slow two-core machine, and one stuck file then holds a batch or an upload for two
# minutes at most.
DEFAULT_READ_TIME_LIMIT = 120.0
# Text kept from one file (about 4,000 pages). Cleaning and segmenting take about 22 MB of memory
# per MB of text (measured on the shared corpus), so this keeps one file under about 600 MB.
MAX_TEXT_CHARS = 10_000_000
# A text file larger than this cannot decode to MAX_TEXT_CHARS or fewer (even UTF-16 takes 2 bytes
# a character), so it is refused from its size, without being read; smaller ones are judged on the
# decoded text.
MAX_TEXT_FILE_BYTES = 20 * 2**20
# Imported once by the process that forks the readers.
_PARSER_MODULES = ("ingest.loaders", "pypdf", "docx", "trafilatura")


@dataclass
class LoadedText:
    text: str
    file_type: str
    title: str | None = None
    published: str | None = None  # ISO date


def file_type_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_TYPES:
        supported = ", ".join(sorted(SUPPORTED_TYPES))
        shown = suffix or "no extension"
        raise IngestError(name, f"unsupported file type ({shown}); supported: {supported}")
    return SUPPORTED_TYPES[suffix]


def load_bytes(data: bytes, name: str, time_limit: float | None = None) -> LoadedText:
    """Extract the text of a file given its bytes and its name (the extension picks the format).

    PDF, Word and HTML files are parsed in a child process stopped after ``time_limit`` seconds
    (:data:`DEFAULT_READ_TIME_LIMIT` when not given; ``0`` parses here, unguarded). Plain text and
    Markdown are decoded here: decoding cannot stall, and a process per file would slow big batches.
    """
    file_type = file_type_of(name)
    if not data or data.isspace():  # not data.strip(): that would copy a large file
        raise IngestError(name, "the file is empty")
    if file_type in ("text", "markdown"):
        text = decode_text(data, name)
        if not text or text.isspace():  # a byte-order mark or encoded spaces only
            raise IngestError(name, "the file is empty")
        _check_length(text, name)
        return LoadedText(text, file_type)
    if file_type == "docx":
        _check_docx_archive(data, name)  # here, so a zip bomb costs no reader process
    limit = DEFAULT_READ_TIME_LIMIT if time_limit is None else time_limit
    if limit < 0:
        raise ValueError("time_limit must be positive (or 0 for no limit)")
    if limit == 0:
        return _parse(file_type, data, name)
    return run_isolated(_parse, (file_type, data, name), name=name, time_limit=limit, preload=_PARSER_MODULES)


def _parse(file_type: str, data: bytes, name: str) -> LoadedText:
    """Run one format's parser (in the reader process when the time limit is on)."""
    loader = {"html": _load_html, "pdf": _load_pdf, "docx": _load_docx}[file_type]
    loaded = loader(data, name)
    _check_length(loaded.text, name)  # before the text is sent back: a small PDF can expand hugely
    return loaded


def _check_length(text: str, name: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(
            name,
            f"the file holds {len(text) / 1e6:.1f} million characters of text, more than the "
            f"{MAX_TEXT_CHARS / 1e6:g} million read from one file: split it into smaller files",
        )


# --- plain text ---------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")


def _vietnamese_score(text: str) -> float:
    """Share of characters that only Vietnamese text has; tells cp1258 from cp1252 and friends."""
    nfc = unicodedata.normalize("NFC", text)
    letters = [c for c in nfc if c.isalpha()]
    if not letters:
        return 0.0
    specific = sum(1 for c in letters if c in _VIETNAMESE_LETTERS or 0x1EA0 <= ord(c) <= 0x1EF9)
    return specific / len(letters)


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return controls / len(text) > 0.01


def decode_text(data: bytes, name: str = "text") -> str:
    """Decode text bytes: BOMs, then UTF-8, then the best-scoring legacy encoding.

    Vietnamese legacy files are usually Windows-1258, which generic detectors often mistake for
    Windows-1252 (both decode any byte), so candidates are ranked by how Vietnamese the result reads.
    Files typed with VNI fonts are Windows-1252 bytes with the letters spelled as base + mark; they
    are converted when the marks follow the VNI pattern (see ingest.encodings).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), name)
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        zeros_even = data[0:4096:2].count(0)
        zeros_odd = data[1:4096:2].count(0)
        if max(zeros_even, zeros_odd) > len(data[:4096]) // 8:
            encoding = "utf-16-be" if zeros_even > zeros_odd else "utf-16-le"
            return _checked(data.decode(encoding, errors="replace"), name)
        if data.count(0) * 1000 > len(data):
            raise IngestError(name, "this is not a text file (it contains binary data)")
        data = data.replace(b"\x00", b"")  # a stray NUL in an otherwise ordinary text file
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates: dict[str, str] = {}
    best = from_bytes(data).best()
    if best is not None:
        candidates[best.encoding] = str(best)
    for encoding in ("cp1258", "cp1252"):
        candidates.setdefault(encoding, data.decode(encoding, errors="replace"))
    text = max(candidates.values(), key=_vietnamese_score)
    vni = _vni_reading(candidates["cp1252"])
    # VNI only when it reads clearly more Vietnamese than every code page: when in doubt the file
    # keeps the Windows-1258/1252 reading it always had.
    if vni is not None and _vietnamese_score(vni) >= _vietnamese_score(text) + _VNI_MARGIN:
        text = vni
    return _checked(text, name)


# How much more Vietnamese (share of Vietnamese-only letters) the VNI reading must be.
_VNI_MARGIN = 0.05


def _vni_reading(cp1252_text: str) -> str | None:
    """The text converted from the VNI font encoding, or None when it does not look like VNI."""
    if not looks_like_vni(cp1252_text):
        return None
    return vni_to_unicode(cp1252_text)


def _checked(text: str, name: str) -> str:
    if _looks_binary(text):
        raise IngestError(name, "this is not a text file (it contains binary data)")
    return text


# --- HTML ---------------------------------------------------------------------------------------


def _load_html(data: bytes, name: str) -> LoadedText:
    import trafilatura

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = decode_text(data, name).encode("utf-8")  # the extractor reads UTF-16 poorly
    try:
        doc = trafilatura.bare_extraction(
            data, include_tables=True, favor_precision=True, with_metadata=True
        )
    except Exception as exc:  # trafilatura raises many kinds on malformed markup
        raise IngestError(name, f"unreadable HTML ({exc.__class__.__name__}: {exc})") from exc
    if doc is not None and doc.text and doc.text.strip():
        return LoadedText(doc.text, "html", title=doc.title or None, published=doc.date or None)
    # Very short pages fall below the main-content extractor's size threshold; take all the text
    # and let the text rules remove the clutter.
    text = trafilatura.html2txt(data) or ""
    if not text.strip():
        raise IngestError(name, "no readable text found in this HTML page")
    return LoadedText(text, "html")


# --- PDF ----------------------------------------------------------------------------------------


def _load_pdf(data: bytes, name: str) -> LoadedText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError(name, "the PDF is password-protected")
            except IngestError:
                raise
            except Exception as exc:
                raise IngestError(name, "the PDF is encrypted and cannot be opened") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
        title = None
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title).strip() or None
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise IngestError(name, f"unreadable PDF ({exc.__class__.__name__}: {exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(name, "the PDF has no text layer (scanned images need OCR first)")
    return LoadedText(text, "pdf", title=title)


# --- DOCX ---------------------------------------------------------------------------------------


def _check_docx_archive(data: bytes, name: str) -> None:
    """Refuse what is not a zip, or a zip that would expand far beyond any report (read from the
    archive's directory, nothing is expanded)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise IngestError(name, "not a valid .docx file (it is not a zip archive)") from exc
    if expanded > MAX_DOCX_EXPANDED_BYTES:
        raise IngestError(name, f"the .docx expands to {expanded // 2**20} MB, over the limit")


def _load_docx(data: bytes, name: str) -> LoadedText:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors...
        raise IngestError(name, f"unreadable .docx ({exc.__class__.__name__}: {exc})") from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    # paragraphs and tables in the order the document has them, so a caption stays by its table
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
                if any(cells):
                    blocks.append(" | ".join(cells))
    text = "\n".join(blocks)
    if not text.strip():
        raise IngestError(name, "the .docx contains no text")
    title = (document.core_properties.title or "").strip() or None
    return LoadedText(text, "docx", title=title)


def read_source(path: Path, max_bytes: int) -> bytes:
    """Read a file from disk, refusing what is missing, unreadable or over the size limit.

    Sizes are judged from the file system before anything is read, so a huge file costs no memory.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if size > max_bytes:
        raise IngestError(
            path, f"the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit"
        )
    if SUPPORTED_TYPES.get(path.suffix.lower()) in ("text", "markdown") and size > MAX_TEXT_FILE_BYTES:
        raise IngestError(
            path,
            f"the text file is {size / 2**20:.1f} MB; one over {MAX_TEXT_FILE_BYTES / 2**20:g} MB holds more "
            f"than the {MAX_TEXT_CHARS / 1e6:g} million characters read from one file: split it into smaller files",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
