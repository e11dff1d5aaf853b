"""Give each tagged run of text its real characters (/ActualText on its structure element), so
that a screen reader reads Urdu as written, not as a guess from glyph shapes.

A PDF maps each glyph of a font to one string (the ToUnicode map). The Nastaliq font builds
words from shared pieces — one dotless tooth glyph serves ب, ت, ث, ن and ی, the dots are
separate glyphs — so no such map can be right, and the structure tree of an Urdu PDF reads as
nonsense (WeasyPrint issue #2091 reported empty tags for Hebrew, fixed there by embedding full
fonts; here full fonts make it worse: the glyphs lose their mapping altogether). PDF's answer is
/ActualText (ISO 32000-1, 14.9.4): the text that the content stands for, in reading order.

It goes on the structure element, not on the marked content: poppler reverses marked-content
ActualText of right-to-left lines as if it were in visual order, which would spoil `pdftotext`
for Dari and Pashto (whose Naskh glyphs map correctly). WeasyPrint has no option for it, so
`Stream.marked` is wrapped to remember which text each marked-content id (MCID) holds, and a
finisher writes it into the matching structure elements.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.pdf.stream import Stream

_weasyprint_marked = Stream.marked


@contextmanager
def _marked_remembering_text(self: Stream, box: object, tag: str) -> Iterator[None]:
    with _weasyprint_marked(self, box, tag):
        if self._tags is not None and isinstance(box, TextBox) and box.text:
            self.__dict__.setdefault("actual_texts", {})[self._tags[box]["mcid"]] = box.text
        yield


def install(patched: bool = True) -> None:
    """Replaces `weasyprint.pdf.stream.Stream.marked` (or puts it back)."""
    Stream.marked = _marked_remembering_text if patched else _weasyprint_marked


def add_actual_text(document: Document, pdf: pydyf.PDF) -> None:
    """A WeasyPrint finisher: /ActualText on each structure element holding one text run."""
    page_of_stream = {page["Contents"]: page_reference
                      for page_reference, page in zip(pdf.page_references, pages(pdf), strict=True)}
    texts = {(page_of_stream[stream.reference], mcid): text
             for stream in pdf.objects if isinstance(stream, Stream)
             for mcid, text in stream.__dict__.get("actual_texts", {}).items()}
    for element in pdf.objects:
        if (isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem"
                and len(kids := element.get("K", ())) == 1 and isinstance(kids[0], int)
                and (text := texts.get((element.get("Pg"), kids[0])))):
            element["ActualText"] = pydyf.String(text)


def pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [pdf.objects[int(reference.split()[0])] for reference in pdf.page_references]
