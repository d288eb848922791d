"""Footnotes in a Word document, for the sources of a draft's figures.

python-docx (1.2) reads and writes paragraphs, headings and tables but has no footnote API, so the
footnotes part (``word/footnotes.xml``) and the reference runs are written here, in the
WordprocessingML that Word itself writes: two separator notes (ids -1 and 0), then one note per
reference, each marked with a superscript number.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SUPERSCRIPT = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'


class Footnotes:
    """Footnotes of one document: :meth:`add` places a reference, :meth:`attach` writes the part."""

    def __init__(self) -> None:
        self._notes: list[str] = []

    def add(self, paragraph, text: str) -> int:
        """Append a footnote reference to ``paragraph`` (a python-docx paragraph) whose note reads
        ``text``; returns the note's number."""
        from docx.oxml import parse_xml

        number = len(self._notes) + 1
        self._notes.append(text)
        run = parse_xml(f'<w:r xmlns:w="{_W}">{_SUPERSCRIPT}<w:footnoteReference w:id="{number}"/></w:r>')
        paragraph._p.append(run)
        return number

    def attach(self, document) -> None:
        """Add the footnotes part to ``document`` (a python-docx Document); nothing when there is none."""
        if not self._notes:
            return
        from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, self._xml(), document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)

    def _xml(self) -> bytes:
        notes = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
        ]
        for number, text in enumerate(self._notes, 1):
            notes.append(
                f'<w:footnote w:id="{number}"><w:p><w:r>{_SUPERSCRIPT}<w:footnoteRef/></w:r>'
                f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
            )
        body = "".join(notes)
        return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{_W}">{body}</w:footnotes>'.encode()
