"""The font of the text layer: a glyph for every character, never painted.

The text layer (textlayer.py) is written in this font, invisibly (text rendering mode 3), as
OCR tools write the text of a scanned page: a character code is its Unicode code point (two
bytes, Identity-H), the ToUnicode map says so for the characters the document uses, and every
code shows the same blank glyph — half an em wide, stretched to each word's width by the text
layer — except combining marks and format characters, whose glyph has no width, because
readers place them on the letter before them. The wide glyph is a plain box from the font's
descent to its ascent, so that viewers highlight a selection over the line's height (text in
rendering mode 3 is never painted); the narrow one is empty. The font is embedded (PDF/A and
PDF/UA want every font embedded, even an invisible one) and its widths agree with the font
dictionary's.
"""

from __future__ import annotations

import codecs
import io
import unicodedata
import zlib
from functools import cache

import pydyf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from .reading import ZERO_WIDTH, zero_width

NAME = "TextLayer"
"""The font's name in the PDF, and its resource name on each page."""

ADVANCE = 500
"""The width of a blank glyph, in thousandths of an em."""

ANCHOR = "\ue000"
"""A private-use code (no text of ours has one): a box that gives no text (SILENT), on which a
line's /ActualText for PDFium is anchored (textlayer.py)."""

SILENT = b"<df40dc01>"
"""What a glyph that must give no text maps to in a ToUnicode map: the visible glyphs (whose
text the layer gives) and the layer's anchors. No Unicode string reads as nothing everywhere:
an empty one makes pdf.js fall back to the glyph's code, a format character (WORD JOINER)
comes out of pdfminer (pdfplumber) as it is. So two low surrogates that make no UTF-16:
pdfminer decodes the map ignoring errors (nothing), pdf.js pairs them without looking
(U+E0001 LANGUAGE TAG, a format character it skips); poppler and PDFium never read them, as
the glyphs sit in marked content whose /ActualText they honour (textlayer.SILENCE)."""


@cache
def font_program() -> bytes:
    """The TrueType font: .notdef, a box ADVANCE wide, an empty glyph with no width. Built
    with fixed dates, so that the same document gives the same bytes."""
    builder = FontBuilder(1000, isTTF=True)
    glyphs = (".notdef", "box", "mark")
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap({0x20: "box", 0x200B: "mark"})
    box = TTGlyphPen(None)
    box.moveTo((0, -200))
    box.lineTo((0, 800))
    box.lineTo((ADVANCE, 800))
    box.lineTo((ADVANCE, -200))
    box.closePath()
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "box": box.glyph(),
                       "mark": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (ADVANCE, 0), "box": (ADVANCE, 0),
                                    "mark": (0, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": NAME, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.updateHead(created=0, modified=0)
    builder.font.recalcTimestamp = False  # fontTools would stamp the time of saving
    program = io.BytesIO()
    builder.save(program)
    return program.getvalue()


@cache
def _cid_to_gid() -> bytes:
    """Every code of the Basic Multilingual Plane to glyph 1 (the box), or 2 (no width) for
    combining marks and format characters (`zero_width`, whose memory of characters is not
    filled with all of them); compressed once per process."""
    glyphs = bytearray(b"\x00\x01" * 0x10000)
    for code in range(0x10000):
        if unicodedata.category(chr(code)) in ZERO_WIDTH:
            glyphs[2 * code + 1] = 2
    return zlib.compress(bytes(glyphs), 9)


def codable(text: str) -> str:
    """The text without the characters beyond the BMP, which the text layer has no code for."""
    if not text or max(text) < "\U00010000":
        return text
    return "".join(char for char in text if ord(char) < 0x10000)


def encode(text: str) -> bytes:
    """The text as a PDF literal string of its two-byte codes, half the bytes of a hexadecimal
    one (characters beyond the BMP are left out: `codable`)."""
    return _literal(codable(text).encode("utf-16-be"))


def text_string(text: str) -> bytes:
    """The text as a PDF text string (an /ActualText): ASCII as it is, anything else in UTF-16
    after its byte-order mark, as a literal string — half the bytes of pydyf's hexadecimal one."""
    try:
        return _literal(text.encode("ascii"))
    except UnicodeEncodeError:
        return _literal(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))


def _literal(data: bytes) -> bytes:
    for special, escaped in _ESCAPES:
        data = data.replace(special, escaped)
    return b"(" + data + b")"


_ESCAPES = ((b"\\", b"\\\\"), (b"(", b"\\("), (b")", b"\\)"), (b"\r", b"\\r"))
"""What a literal string escapes (a bare carriage return would be read as a line feed)."""


def add_font(pdf: pydyf.PDF, characters: set[str], compress: bool) -> pydyf.Dictionary:
    """The font's objects, added to `pdf`; returns the font dictionary. `characters`: those the
    document's text layer uses, for its ToUnicode map and widths."""
    used = sorted(char for char in characters if ord(char) < 0x10000)
    program = pydyf.Stream([font_program()], pydyf.Dictionary(
        {"Length1": len(font_program())}), compress=compress)
    pdf.add_object(program)
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": f"/{NAME}", "Flags": 4,
        "FontBBox": pydyf.Array([0, -200, ADVANCE, 800]), "ItalicAngle": 0, "Ascent": 800,
        "Descent": -200, "CapHeight": 800, "StemV": 80, "FontFile2": program.reference})
    pdf.add_object(descriptor)
    glyph_map = pydyf.Stream([_cid_to_gid()], pydyf.Dictionary({"Filter": "/FlateDecode"}))
    pdf.add_object(glyph_map)
    widths = pydyf.Array()
    for char in used:
        if zero_width(char):
            widths.extend([ord(char), pydyf.Array([0])])
    descendant = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": f"/{NAME}",
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                           "Ordering": pydyf.String("Identity"),
                                           "Supplement": 0}),
        "DW": ADVANCE, "W": widths, "CIDToGIDMap": glyph_map.reference,
        "FontDescriptor": descriptor.reference})
    pdf.add_object(descendant)
    to_unicode = pydyf.Stream(_to_unicode_cmap(used), compress=compress)
    pdf.add_object(to_unicode)
    font = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": f"/{NAME}", "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([descendant.reference]),
        "ToUnicode": to_unicode.reference})
    pdf.add_object(font)
    return font


def _to_unicode_cmap(used: list[str]) -> list[bytes]:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    for start in range(0, len(used), 100):
        batch = used[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{ord(char):04x}> ".encode()
                  + (SILENT if char == ANCHOR else f"<{ord(char):04x}>".encode())
                  for char in batch]
        lines.append(b"endbfchar")
    return [*lines, b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end",
            b"end"]
