"""A text layer that gives back the words, in reading order, in every reader.

Copy, paste and search read a PDF's text from its glyphs: each glyph of a font maps to a string
(the ToUnicode map), and the reader puts the glyphs of a line back into reading order. Neither
works for Nastaliq, whose glyphs are shared between letters (a ToUnicode map cannot be right),
and the three readers we check — poppler, PDFium (Chrome) and pdf.js (Firefox) — each reorder
right-to-left lines their own way (reading.py). Marked-content /ActualText alone was measured
not to do (../shared/notes/text-layer-experiments.md): pdf.js ignores it.

So, as OCR tools do for scanned pages, every line of text is written a second time, invisibly
(text rendering mode 3, layerfont.py's blank font), over the visible glyphs: its characters as
typed, in the order the readers need (reading.py), each word stretched over its glyphs. The
visible glyphs give no text of their own, and no character in its place: each drawn line sits
in an empty /Span /ActualText (poppler then reads nothing from it) holding a /ShapedGlyphs
whose /ActualText is U+FFFD (PDFium then skips it), and their fonts' ToUnicode maps give
nothing in pdf.js and pdfminer (layerfont.SILENT). The layer is an /Artifact: the structure
tree keeps the text for screen readers (actualtext.py), so nothing is read twice. The only
characters the layer adds are the bidi marks poppler needs (reading.poppler_fences), in
poppler's text (which has its own embeddings around every right-to-left run anyway) and
pdfminer's.

Four of WeasyPrint's functions are wrapped:

- `draw_first_line` (weasyprint/draw/text.py) draws one line of a text box. Wrapped, it marks
  the visible glyphs silent and notes each character of the line with the span of its glyph
  cluster (kept per worker with the drawn lines, see lines.py). Lines of SVG text (logos) are
  silenced and left out of the layer: they are images with alternative text.
- `draw_inline_level` (weasyprint/draw/__init__.py) draws a line box. Wrapped, it collects the
  characters of all the line's text boxes, and writes the line's layer once the next line
  drawn is on another baseline: one line at a time is what the readers reorder.
- `draw_page` (imported by weasyprint/document.py) draws a page. Wrapped, it writes the page's
  last line of layer.
- `build_fonts_dictionary` (weasyprint/pdf/fonts.py) writes the fonts. Wrapped, it writes the
  visible fonts' ToUnicode maps silent and adds the layer's font.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import pydyf
from weasyprint import document, draw, pdf
from weasyprint.draw import text as draw_text_module
from weasyprint.formatting_structure.boxes import LineBox
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

from . import layerfont, lines
from .reading import (
    LRM,
    RLM,
    pdfium_order,
    pdfjs_order,
    poppler_fences,
    with_attached,
    zero_width,
)

SILENCE = (b"/Span <</ActualText ()>> BDC /ShapedGlyphs <</ActualText <FEFFFFFD>>> BDC",
           b"EMC EMC")
"""Around each line's visible glyphs: poppler honours /ActualText on /Span only (the empty one
here), PDFium the innermost /ActualText on any tag, and skips a run whose text is U+FFFD."""

FOR_PDFIUM = "ReadingOrder"
"""The marked content that gives PDFium a line's characters as /ActualText, for each line with
right-to-left text (PDFium reads left-to-right lines of the layer right as they are): inside
an empty /Span (poppler reads nothing from it), on
a blank glyph as wide as the line (PDFium spreads the text over the glyph's width) whose own
text is a format character (pdf.js skips it). The layer itself then sits in U+FFFD
/ActualText, which PDFium skips. pdf.js ends a run of text at every marked-content operator,
so these wrap a whole line, never a piece of one."""

_weasyprint_draw_first_line = draw_text_module.draw_first_line
_weasyprint_draw_inline_level = draw.draw_inline_level
_weasyprint_build_fonts_dictionary = pdf_fonts.build_fonts_dictionary
_weasyprint_draw_page = document.draw_page
_inner_draw_first_line = _weasyprint_draw_first_line


@dataclass(frozen=True)
class Char:
    """A character of a line and the horizontal span of its glyphs."""

    char: str
    x0: float
    x1: float
    size: float
    baseline: float
    level: int


@dataclass(frozen=True)
class Run:
    """What one text box drew: its characters in logical order with their spans from `x` and
    their bidi levels (remembered with the drawn lines, so the same tuple each time the line
    is drawn), where it stands, and the span of its glyphs on the page."""

    chars: tuple[tuple[str, float, float, int], ...]
    x: float
    baseline: float
    size: float
    left: float
    right: float
    remembered: object = None
    """What stands for `chars` while this process remembers them (`_line_chars`), in the key
    under which a line's layer is kept (`write`): hashing every character and span of every
    line of every document was a tenth of the layer's cost."""


# --- noting the characters of each drawn line -------------------------------------------------


def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any,
                    matrix: Any) -> list:
    """`draw_first_line`, with the visible glyphs silenced and the line's characters noted
    (WeasyPrint's SVG text is drawn with text_overflow "none": a logo, only silenced)."""
    if text_overflow == "none":
        stream.stream.append(SILENCE[0])
        try:
            return _inner_draw_first_line(stream, textbox, text_overflow, block_ellipsis,
                                          matrix)
        finally:
            stream.stream.append(SILENCE[1])
    drawn = bool(textbox.text.strip())
    if drawn:
        stream.stream.append(SILENCE[0])
    try:
        emojis = _inner_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        if drawn:
            stream.stream.append(SILENCE[1])
    chars, left, right, remembered = _line_chars(textbox) if drawn else _blank_chars(textbox)
    if not chars:
        return emojis
    *_, x, baseline = matrix.values
    run = Run(chars, x, baseline, textbox.style["font_size"], x + left, x + right, remembered)
    if (collecting := vars(stream).get("text_layer_lines")) and collecting[-1][0] == stream.ctm:
        collecting[-1][1].extend([*_apart(collecting[-1][1], run, textbox.style["direction"]),
                                  run])
    elif not (_is_marker(textbox) and _join_written(stream, [run])):
        _queue(stream, [run], textbox.style["direction"])
    return emojis


def _apart(before: list[Run], run: Run, direction: str) -> list[Run]:
    """A space between two boxes of a line that stand apart with none between them (a list
    item's marker and its text), at the paragraph's level: readers would otherwise join their
    words."""
    if not before or before[-1].chars[-1][0].isspace() or run.chars[0][0].isspace():
        return []
    left, right = min(other.left for other in before), max(other.right for other in before)
    gap = (right, run.left) if run.left > left else (run.right, left)
    if gap[1] - gap[0] < _APART * run.size:
        return []
    space = (" ", 0.0, gap[1] - gap[0], int(direction == "rtl"))
    return [Run((space,), gap[0], run.baseline, run.size, *gap)]


_APART = 0.2
"""How far apart, in ems, two boxes of a line stand before a space is put between them."""


def _line_chars(textbox: Any) -> tuple[tuple[tuple[str, float, float, int], ...], float,
                                       float, object]:
    """The characters of the text box's drawn line in logical order, each with the span of its
    glyph cluster from the line's start (shared by the characters of a cluster; none for
    combining marks and format characters) and its bidi level, the span of them all, and,
    when the fonts remember the drawn lines, what stands for the characters while they are
    remembered with them (None otherwise)."""
    layout, fonts = textbox.pango_layout, textbox.style.font_config
    if not isinstance(fonts, lines.RememberingFontConfiguration):
        return (*_spanned(_clusters(layout)), None)
    key = (textbox.text, layout.text, layout.justification_spacing,
           lines.style_key(textbox.style))
    if (chars := fonts.layers.recall(key)) is None:
        chars = (*_spanned(_clusters(layout)), object())
        fonts.layers.remember(key, chars)
    return chars


def _spanned(chars: tuple) -> tuple[tuple, float, float]:
    return (chars, min((char[1] for char in chars), default=0.0),
            max((char[2] for char in chars), default=0.0))


def _clusters(layout: Any) -> tuple[tuple[str, float, float, int], ...]:
    encoded = layout.text.encode()
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    found: dict[int, tuple[str, float, float, int]] = {}
    x, run = 0.0, line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        clusters: list[list] = []  # [byte offset in the item, x0, x1], left to right
        for i in range(glyphs.num_glyphs):
            width = glyphs.glyphs[i].geometry.width * FROM_UNITS
            if clusters and clusters[-1][0] == glyphs.log_clusters[i]:
                clusters[-1][2] += width
            else:
                clusters.append([glyphs.log_clusters[i], x, x + width])
            x += width
        ends = [*sorted({cluster[0] for cluster in clusters}), item.length]
        for start, x0, x1 in clusters:
            end = ends[ends.index(start) + 1]
            text = encoded[item.offset + start:item.offset + end].decode()
            found.update(_spread(text, item.offset + start, x0, x1, item.analysis.level))
    return tuple(found[offset] for offset in sorted(found))


def _spread(text: str, offset: int, x0: float, x1: float,
            level: int) -> dict[int, tuple[str, float, float, int]]:
    """A cluster's characters (by byte offset) over its span, in their visual order."""
    right_to_left = bool(level % 2)
    widths = [0 if zero_width(char) else 1 for char in text]
    step = (x1 - x0) / max(sum(widths), 1)
    spans, position = {}, x1 if right_to_left else x0
    for char, width in zip(text, widths, strict=True):
        end = position - width * step if right_to_left else position + width * step
        spans[offset] = (char, min(position, end), max(position, end), level)
        position, offset = end, offset + len(char.encode())
    return spans


def _blank_chars(textbox: Any) -> tuple[tuple[tuple[str, float, float, int], ...], float,
                                        float, None]:
    """A box of white space alone (the space between two elements) is not drawn, but its
    space is where the words on either side end (at the paragraph's level)."""
    text, level = textbox.text, int(textbox.style["direction"] == "rtl")
    step = textbox.width / max(len(text), 1)
    return tuple((char, i * step, (i + 1) * step, level) for i, char in enumerate(text)), \
        0.0, textbox.width, None


# --- writing the layer, one line at a time ----------------------------------------------------


def draw_inline_level(stream: Any, page: Any, box: Any, *arguments: Any, **options: Any) -> None:
    """`draw_inline_level`, writing a line box's text layer once all its text is drawn."""
    if not isinstance(box, LineBox):
        return _weasyprint_draw_inline_level(stream, page, box, *arguments, **options)
    collecting = vars(stream).setdefault("text_layer_lines", [])
    collecting.append((stream.ctm, []))
    try:
        _weasyprint_draw_inline_level(stream, page, box, *arguments, **options)
    finally:
        _, runs = collecting.pop()
    if not (runs and _is_marker(box) and _join_written(stream, runs)):
        _queue(stream, runs, box.style["direction"])
    return None


def _queue(stream: Any, runs: list[Run], direction: str) -> None:
    """Keep a line until the next one is drawn: lines drawn one after the other on about the
    same baseline (two columns of one-line list items, a footer beside the page number) are
    one line to a reader, and pdf.js would join their words where the second starts left of
    the first. They are read in the paragraph's direction: right to left, the rightmost
    first."""
    if not runs:
        return
    pending = vars(stream).get("text_layer_pending")
    last = pending and pending[2][-1][-1]
    if (pending and pending[0] == stream.ctm and abs(last.baseline - runs[0].baseline)
            < _SAME_LINE * max(last.size, runs[0].size)):
        pending[2].append(runs)
        return
    _flush(stream)
    vars(stream)["text_layer_pending"] = (stream.ctm, direction, [runs])


_SAME_LINE = 0.5
"""How close two baselines are, in ems, to be one line (pdf.js's own measure)."""


def _flush(stream: Any) -> None:
    if not (pending := vars(stream).pop("text_layer_pending", None)):
        return
    ctm, direction, lines = pending
    item = write(stream, _joined(lines, direction), direction)
    written = vars(stream).setdefault("text_layer_written", [])
    written.append((ctm, direction, lines, item))
    del written[:-_KEPT]


def _joined(lines: list[list[Run]], direction: str) -> list[Run]:
    lines.sort(key=lambda line: min(run.left for run in line), reverse=direction == "rtl")
    runs: list[Run] = []
    for line in lines:
        runs += [*_apart(runs, line[0], direction), *line]
    return runs


def _is_marker(box: Any) -> bool:
    """A list item's marker (WeasyPrint names its boxes after the pseudo-element)."""
    return (box.element_tag or "").endswith("::marker")


def _join_written(stream: Any, marker: list[Run]) -> bool:
    """A list item's marker standing outside it is drawn after the item's lines, whose layer
    is written by then: the line on its baseline is written again with the marker, where it
    was (a reader would otherwise read the marker on a line of its own, after the list).
    False when no line of the last few written stands there."""
    written = vars(stream).get("text_layer_written", [])
    for index in range(len(written) - 1, -1, -1):
        ctm, direction, lines, item = written[index]
        last = lines[-1][-1]
        if ctm == stream.ctm and abs(last.baseline - marker[0].baseline) < _SAME_LINE * min(
                last.size, marker[0].size):
            break
    else:
        return False
    at = next((k for k in range(len(stream.stream) - 1, -1, -1) if stream.stream[k] is item),
              None)
    if at is None:
        return False
    lines.append(marker)
    font = stream._current_font
    new = write(stream, _joined(lines, direction), direction)
    stream.stream.pop()
    stream.stream[at] = new
    stream._current_font = font
    written[index] = (ctm, direction, lines, new)
    return True


_KEPT = 64
"""How many written lines of a page a late marker may join (a list's items, a few lines each)."""


def draw_page(page: Any, stream: Any) -> None:
    """`draw_page`, writing the page's last line of text layer at its end."""
    _weasyprint_draw_page(page, stream)
    _flush(stream)


@dataclass(frozen=True)
class _Piece:
    """A run of the layer written with one operator: a word and the space after it, or a
    zero-width fence."""

    text: str
    x0: float
    x1: float
    size: float
    baseline: float


def write(stream: Any, runs: list[Run], direction: str) -> bytes:
    """The line's text layer, as an artifact: invisible, in the layer's font; returns what was
    written, one item of the stream's list of operators (its own text object, which WeasyPrint
    never merges with the next, so that a late list marker can find and replace it). The
    operators after the line's origin do not depend on where the line stands, so a line written
    before (the same paragraph in the next letter of a mail merge) is written from memory,
    without looking at its characters again."""
    x, baseline = runs[0].x, runs[0].baseline
    placed = [(run, round(run.x - x, 3), round(run.baseline - baseline, 3)) for run in runs]
    key = (direction, *((run.remembered or run.chars, dx, dy, run.size)
                        for run, dx, dy in placed))
    if (line := _written.recall(key)) is None:
        line = _line([Char(char, dx + x0, dx + x1, run.size, dy, level)
                      for run, dx, dy in placed for char, x0, x1, level in run.chars],
                     direction)
        _written.remember(key, line)
    operators, used = line
    tagged = stream._tags is not None  # then an artifact, as WeasyPrint's Stream.artifact does
    item = b"\n".join([*([b"/Artifact BMC"] if tagged else []), b"BT",
                       f"1 0 0 -1 {x:.3f} {baseline:.3f} Tm".encode(), operators, b"ET",
                       *([b"EMC"] if tagged else [])])
    stream.stream.append(item)
    stream._current_font = None  # the layer's font is set: the next text sets its own
    vars(stream).setdefault("text_layer_chars", set()).update(used)
    return item


_written = lines.Recent(2048)
"""The lines of layer written by this process, by their characters and relative positions."""


def _line(chars: list[Char], direction: str) -> tuple[bytes, frozenset]:
    """The operators of a line's layer, its characters placed from the line's origin (Td moves
    from there), and the characters they use."""
    logical = "".join(char.char for char in chars)
    pieces, for_poppler = pieces_of(chars, direction)
    for_pdfium = direction == "rtl" or any(
        unicodedata.bidirectional(char) in ("R", "AL", "AN") for char in logical)
    operators, at = [b"3 Tr"], _Pen(0.0, 0.0, 0.0, 100.0, 0.0)
    if for_pdfium:
        text = pdfium_order([char.char for char in chars])
        x0, x1 = min(char.x0 for char in chars), max(char.x1 for char in chars)
        size = max(char.size for char in chars)
        blanks = max(1, round((x1 - x0) / (size * layerfont.ADVANCE / 1000)))  # Tz is capped
        operators.append(b"/Span <</ActualText ()>> BDC /" + FOR_PDFIUM.encode()
                         + b" <</ActualText " + layerfont.text_string(text) + b">> BDC")
        at = _piece_operators(operators, _Piece(layerfont.ANCHOR * blanks, x0, x1, size,
                                                chars[0].baseline), at, tight=False)
        operators.append(b"EMC EMC " + _for_poppler(for_poppler)
                         + b"/ShapedGlyphs <</ActualText <FEFFFFFD>>> BDC")
    for k, piece in enumerate(pieces):
        at = _piece_operators(operators, piece, at, tight=_tight(piece, pieces[k + 1:k + 2]))
    operators.append((b"EMC " if for_pdfium else b"") + (b"EMC " if for_poppler else b"")
                     + b"100 Tz 0 Tr")
    used = {*logical, RLM, LRM, *((layerfont.ANCHOR,) if for_pdfium else ())}
    return b"\n".join(operators), frozenset(used)


def _for_poppler(text: str | None) -> bytes:
    return b"/Span <</ActualText " + layerfont.text_string(text) + b">> BDC " if text else b""


def pieces_of(chars: list[Char], direction: str) -> tuple[list[_Piece], str | None]:
    """The line in the order pdf.js needs it, cut after each space, at poppler's fences and,
    left to right, where the size or the baseline changes (a footnote's call), each piece over
    the glyphs it stands for; and, for a right-to-left line that pdf.js needs in another order
    than the glyphs stand in, poppler's text of it (`poppler_text`). pdf.js starts a new piece
    of text at another font size and gives a line's pieces in the order they are written, left
    to right: a right-to-left line is written in one size on one baseline, or a footnote's
    call would come first."""
    logical = [char.char for char in chars]
    glyphs = sorted(range(len(chars)), key=lambda i: (chars[i].x0, chars[i].x1))
    order, levels = pdfjs_order(logical, direction == "rtl", glyphs)
    slots = [chars[i] for i in glyphs]
    visual = [logical[i] for i in order]
    fences, for_poppler = {}, None
    if direction == "rtl" and _drawn(order, logical) == _drawn(glyphs, logical):
        fences = _fences(visual, [levels[i] for i in order])
    elif direction == "rtl":
        for_poppler = poppler_text(chars, glyphs)
    pieces, start = [], 0
    for k in range(len(visual) + 1):
        if direction != "rtl" and start < k < len(visual) and _restyled(slots[k - 1],
                                                                        slots[k]):
            pieces.append(_piece(visual, slots, start, k))
            start = k
        if k in fences and k > start:
            pieces.append(_piece(visual, slots, start, k))
            start = k
        if k in fences:
            slot = slots[min(k, len(slots) - 1)]
            x = slot.x0 if k < len(slots) else slot.x1
            pieces.append(_Piece(fences[k], x, x, slot.size, slot.baseline))
        if k < len(visual) and visual[k].isspace():
            pieces.append(_piece(visual, slots, start, k + 1))
            start = k + 1
    if start < len(visual):
        pieces.append(_piece(visual, slots, start, len(visual)))
    if direction == "rtl":
        size = max(char.size for char in chars)
        baseline = Counter(char.baseline for char in chars).most_common(1)[0][0]
        pieces = [replace(piece, size=size, baseline=baseline) for piece in pieces]
    return pieces, for_poppler


def _drawn(order: list[int], logical: list[str]) -> list[int]:
    return [i for i in order if unicodedata.category(logical[i]) != "Cf"]


def poppler_text(chars: list[Char], glyphs: list[int]) -> str:
    """A right-to-left line as poppler is given it when pdf.js needs its characters in another
    order than their glyphs stand in (a line that begins or ends inside a web address): the
    layer is then not over its glyphs word for word, and poppler, which reads by position,
    would read it in pdf.js's order. It gets the characters as /ActualText instead, in the
    order of their glyphs (and bidi levels) on the page, with its fences, and each combining
    mark or format character beside the letter before it, where poppler puts it back after
    that letter: poppler takes /ActualText on a /Span (PDFium takes the layer's innermost
    one, pdf.js none)."""
    logical = [char.char for char in chars]
    order = with_attached(logical, [i for i in glyphs if not zero_width(logical[i])],
                          [char.level for char in chars], zero_width)
    visual = [logical[i] for i in order]
    fences = _fences(visual, [chars[i].level for i in order])
    return "".join(fences.get(k, "") + char for k, char in enumerate(visual)) + fences.get(
        len(visual), "")


def _restyled(before: Char, after: Char) -> bool:
    """Two neighbouring glyphs of other sizes or on other baselines (combining marks, which
    stand on their letter, excepted)."""
    return not zero_width(after.char) and (before.size, before.baseline) != (after.size,
                                                                             after.baseline)


def _fences(visual: list[str], levels: list[int]) -> dict[int, str]:
    """poppler's fences in a right-to-left line met in this order (reading.poppler_fences), by
    the index of the character each goes before. poppler reorders a whole page in one
    direction, the one of most of its letters: a line of a right-to-left paragraph with more
    Latin letters than Arabic ones (a name, an e-mail address) gets enough right-to-left marks
    at its start to lean the page its way."""
    fences = dict(poppler_fences(visual, levels))
    marks = [*visual, *fences.values()]
    left = sum(unicodedata.bidirectional(char) == "L" for char in marks)
    right = sum(unicodedata.bidirectional(char) in ("R", "AL") for char in marks)
    if left >= right:
        fences[0] = RLM * (left - right + 1) + fences.get(0, "")
    return fences


def _piece(visual: list[str], slots: list[Char], start: int, end: int) -> _Piece:
    first = slots[start]
    return _Piece("".join(visual[start:end]), first.x0,
                  max(slot.x1 for slot in slots[start:end]),
                  max(slot.size for slot in slots[start:end]), first.baseline)


def _tight(piece: _Piece, following: list[_Piece]) -> bool:
    """A space before a word whose first character (left to right) is a combining mark is
    written almost without width: pdf.js does not check a mark's position, so it would add
    the space both before the mark and again before the letter after it."""
    if not (following and piece.text.endswith(" ")):
        return False
    marks = following[0].text.lstrip("\u200e\u200f")
    return bool(marks) and zero_width(marks[0])


_TIGHTENING = 450
"""Of a space's ADVANCE, how much a tight space gives back (a TJ adjustment)."""


@dataclass(frozen=True)
class _Pen:
    """Where the layer's text stands, as readers compute it from the numbers written: the line
    matrix that Td moves (x, baseline), the font size and horizontal scaling set, and the text
    position after the last piece shown."""

    x: float
    baseline: float
    size: float
    scale: float
    end: float


def _piece_operators(operators: list[bytes], piece: _Piece, at: _Pen, tight: bool) -> _Pen:
    """A piece's operators: a move (Td) unless the piece starts where the one before it ended
    (as the next word of a line does: each piece is stretched over its glyphs, so its advance
    ends where the next glyphs begin), its size and horizontal scaling unless set already, and
    its text; returns where that leaves the pen."""
    text = layerfont.codable(re.sub(r"\s", " ", piece.text))
    units = sum(0 if zero_width(char) else layerfont.ADVANCE for char in text)
    units -= _TIGHTENING if tight else 0
    advance, width = units, piece.x1 - piece.x0
    spaces = (len(text) - len(text.rstrip(" "))) * layerfont.ADVANCE
    if not tight and units > spaces > 0 and width * spaces / units > _WIDEST * piece.size:
        units, width = units - spaces, width - _WIDEST * piece.size
    scale = at.scale
    if units > 0:  # a piece of zero width (a fence) advances by nothing at any scaling
        scale = float(_number(max(100 * width / (units / 1000 * piece.size), 0.01)))
    written = []
    if piece.size != at.size:
        written.append(f"/{layerfont.NAME} {piece.size:g} Tf")
    x, baseline, end = at.x, at.baseline, at.end
    if abs(piece.baseline - baseline) > _PLACED or abs(piece.x0 - end) > _PLACED:
        dx, dy = _number(piece.x0 - x), _number(baseline - piece.baseline)
        written.append(f"{dx} {dy} Td")
        x, baseline = x + float(dx), baseline - float(dy)
        end = x
    if scale != at.scale:
        written.append(f"{_number(scale)} Tz")
    codes = layerfont.encode(text)
    show = b"[" + codes + f" {_TIGHTENING}] TJ".encode() if tight else codes + b" Tj"
    operators.append(" ".join([*written, ""]).encode() + show)
    return _Pen(x, baseline, piece.size, scale, end + advance / 1000 * piece.size * scale / 100)


_PLACED = 0.005
"""How far, in points, the pen may stand from where a piece starts before it is moved there:
half the hundredth of a point to which positions are written."""


_WIDEST = 0.4
"""The widest space, in ems, a word of the layer leaves after it: pdf.js ends its run of text
at a gap wider than 0.6 em between two glyphs, and runs its bidi algorithm over each run by
itself. A wider space (two lines of a letterhead joined, a justified line's) is the word's:
its letters are stretched over the rest; where the space glyph itself ends does not matter to
any reader, the next word is placed anew."""


def _number(value: float) -> str:
    """Two decimals, without trailing zeros: a hundredth of a point is finer than any reader
    places a character."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# --- the fonts --------------------------------------------------------------------------------


def build_fonts_dictionary(pdf_document: pydyf.PDF, fonts: dict, compress: bool, subset: bool,
                           options: dict) -> pydyf.Dictionary:
    """`build_fonts_dictionary`, with every visible glyph mapped to layerfont.SILENT, and the
    layer's font added when the document has a text layer. WeasyPrint writes each glyph's
    text as UTF-16, which SILENT is not on purpose: the glyphs are given a stand-in character
    (WORD JOINER), whose code in the maps it writes is then replaced."""
    saved = {key: font.to_unicode for key, font in fonts.items()}
    for font in fonts.values():
        font.to_unicode = dict.fromkeys(font.to_unicode, _STAND_IN)
    first_new = len(pdf_document.objects)
    try:
        dictionary = _weasyprint_build_fonts_dictionary(pdf_document, fonts, compress, subset,
                                                        options)
    finally:
        for key, font in fonts.items():
            font.to_unicode = saved[key]
    for item in pdf_document.objects[first_new:]:
        if isinstance(item, pydyf.Stream) and item.stream[:1] == [_CMAP_START]:
            item.stream[:] = [_silent(b"\n".join(item.stream))]
    characters = set()
    for item in pdf_document.objects:
        if isinstance(item, pydyf.Stream):
            characters |= vars(item).get("text_layer_chars", set())
    if characters:
        dictionary[layerfont.NAME] = layerfont.add_font(pdf_document, characters,
                                                        compress).reference
    return dictionary


_CMAP_START = b"/CIDInit /ProcSet findresource begin"
_STAND_IN = "\u2060"
_STAND_IN_CODE = b" <" + _STAND_IN.encode("utf-16-be").hex().encode() + b">\n"


def _silent(cmap: bytes) -> bytes:
    """The map's lines joined (as pydyf joins a stream's items), each glyph's stand-in
    replaced at once: a glyph's line is the only one ending in a code after a space."""
    return cmap.replace(_STAND_IN_CODE, b" " + layerfont.SILENT + b"\n")


def install(patched: bool = True) -> None:
    """Wraps `draw_first_line` (whichever is installed: lines.py's when it is patched, so
    install this after it), `draw_inline_level`, `draw_page` and `build_fonts_dictionary` (or
    puts them back). WeasyPrint's modules import some of them by name: each reference is
    replaced."""
    global _inner_draw_first_line
    if patched:
        if draw_text_module.draw_first_line is not draw_first_line:
            _inner_draw_first_line = draw_text_module.draw_first_line
        draw_text_module.draw_first_line = draw_first_line
    elif draw_text_module.draw_first_line is draw_first_line:
        draw_text_module.draw_first_line = _inner_draw_first_line
    draw.draw_inline_level = draw_inline_level if patched else _weasyprint_draw_inline_level
    document.draw_page = draw_page if patched else _weasyprint_draw_page
    fonts_function = build_fonts_dictionary if patched else _weasyprint_build_fonts_dictionary
    pdf_fonts.build_fonts_dictionary = pdf.build_fonts_dictionary = fonts_function
