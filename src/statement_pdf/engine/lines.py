"""Break, shape and draw each line of text once per worker, not once per document.

A mail merge is the same letter hundreds of times over: only the address and the salutation
change, and every paragraph of the body breaks into the same lines at the same width. Those
lines are most of a letter's time (Nastaliq above all): WeasyPrint shapes each line with Pango
about three times while breaking it (a draft, the draft with the next word tried on it, the kept
line), shapes it once more to draw it, and then writes it glyph by glyph in Python. A worker
that has done that for a line should not do it again.

Three of WeasyPrint's functions are remembered:

- `split_first_line` answers "how much of this text fits on a line this wide, in this style?"
  and its answer depends on nothing else: the text, the width, the font configuration's faces
  and the computed style properties in `SHAPING_PROPERTIES` (read off
  `weasyprint/text/line_break.py`; pyproject.toml pins WeasyPrint's major version for this).
  It returns a deactivated `Layout` — plain values, no Pango objects — so each document gets its
  own copy of a remembered one.
- `Layout.reactivate`, called by `draw_text` just before drawing a line, shapes the line's text
  again into a Pango layout that drawing only reads. Drawing a line the worker has drawn before
  reuses that Pango layout.
- `draw_first_line` writes the line's PDF operators. Once the text position is set they are
  the same wherever the line stands, so a line drawn before is written from what was recorded
  the first time (see `_Recorder` for what that takes).

Text cut short with an ellipsis is never remembered (drawing it rewrites the layout's text).
Only fonts configured with `RememberingFontConfiguration` remember: each worker's renderer
makes one, and its memory lives and dies with it. A new @font-face forgets everything, because
a face can change which font a family name or a fallback resolves to. The tests render every
bundled document with and without this and compare the bytes.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from weasyprint import draw
from weasyprint.draw import text as draw_text_module
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.layout import inline, preferred
from weasyprint.text import line_break
from weasyprint.text.fonts import FontConfiguration

SHAPING_PROPERTIES = (
    "direction", "lang", "font_language_override", "font_family", "font_style", "font_stretch",
    "font_weight", "font_size", "font_kerning", "font_variant_ligatures",
    "font_variant_position", "font_variant_caps", "font_variant_numeric",
    "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
    "font_variation_settings", "text_decoration_line", "word_spacing", "letter_spacing",
    "white_space", "overflow_wrap", "word_break", "tab_size", "hyphens",
    "hyphenate_character", "hyphenate_limit_chars", "hyphenate_limit_zone",
)
"""Every computed style property that breaking, shaping or drawing a line reads."""

_weasyprint_split_first_line = line_break.split_first_line
_weasyprint_draw_text = draw.draw_text
_weasyprint_draw_first_line = draw_text_module.draw_first_line


class Recent:
    """The most recently used answers, at most `size` of them, so that a worker's memory stays
    flat however many different documents it makes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.answers: OrderedDict[tuple, Any] = OrderedDict()

    def recall(self, key: tuple) -> Any:
        if (answer := self.answers.get(key)) is not None:
            self.answers.move_to_end(key)
        return answer

    def remember(self, key: tuple, answer: Any) -> None:
        self.answers[key] = answer
        if len(self.answers) > self.size:
            self.answers.popitem(last=False)


class RememberingFontConfiguration(FontConfiguration):
    """A font configuration that also keeps the lines broken, shaped and drawn with its fonts.

    A two-page letter asks for a few hundred line breaks and draws about a hundred lines; a
    batch makes the documents of one language one after the other, so a few documents' worth
    is enough to keep. The bounds keep a worker's memory flat: a mail merge adds a few lines
    per letter (the address, the reference), which would otherwise pile up.
    """

    def __init__(self, breaks: int = 2048, shapes: int = 512) -> None:
        super().__init__()
        self.breaks, self.shapes, self.drawn = Recent(breaks), Recent(shapes), Recent(shapes)
        self.layers = Recent(shapes)  # each drawn line's characters and positions: textlayer
        self._faces: set[str] = set()

    def add_font_face(self, rule_descriptors: dict, url_fetcher: Any) -> Any:
        # WeasyPrint itself tells faces apart by str(rule_descriptors).
        if (face := str(rule_descriptors)) not in self._faces:
            self._faces.add(face)
            for memory in (self.breaks, self.shapes, self.drawn, self.layers):
                memory.answers.clear()
        return super().add_font_face(rule_descriptors, url_fetcher)


def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                     justification_spacing: float, is_line_start: bool = True,
                     minimum: bool = False) -> tuple:
    """`weasyprint.text.line_break.split_first_line`, remembered when the fonts allow it."""
    fonts = style.font_config
    arguments = (text, style, context, max_width, justification_spacing, is_line_start, minimum)
    if not isinstance(fonts, RememberingFontConfiguration):
        return _weasyprint_split_first_line(*arguments)
    key = (text, max_width, justification_spacing, is_line_start, minimum, style_key(style))
    if (answer := fonts.breaks.recall(key)) is None:
        layout, *metrics = _weasyprint_split_first_line(*arguments)
        fonts.breaks.remember(key, (dict(vars(layout)), tuple(metrics)))
        return (layout, *metrics)
    state, metrics = answer
    layout = line_break.Layout.__new__(line_break.Layout)
    vars(layout).update(state)
    return (layout, *metrics)


def draw_text(stream: Any, textbox: Any, offset_x: float, text_overflow: str,
              block_ellipsis: Any) -> None:
    """`weasyprint.draw.text.draw_text`, reusing the line's shaped Pango layout when the fonts
    allow it and the line is drawn as it is (no ellipsis)."""
    layout, fonts = textbox.pango_layout, textbox.style.font_config
    if (isinstance(fonts, RememberingFontConfiguration) and text_overflow == "clip"
            and block_ellipsis == "none"):
        vars(layout)["reactivate"] = partial(_reactivate_shaped, layout, fonts.shapes)
    try:
        _weasyprint_draw_text(stream, textbox, offset_x, text_overflow, block_ellipsis)
    finally:
        vars(layout).pop("reactivate", None)


def _reactivate_shaped(layout: line_break.Layout, shapes: Recent, style: Any) -> None:
    key = (layout.text, layout.justification_spacing, style_key(style))
    if (answer := shapes.recall(key)) is None:
        line_break.Layout.reactivate(layout, style)
        shapes.remember(key, (layout.layout, layout.language, layout.text))
        return
    layout.style, layout.first_line_direction = style, 0
    layout.layout, layout.language, layout.text = answer


def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any,
                    matrix: Any) -> list:
    """`weasyprint.draw.text.draw_first_line`, writing a line drawn before as it was written
    then: WeasyPrint walks the line glyph by glyph in Python (a text-rise operator for every
    Nastaliq glyph), and the same line gives the same operators wherever it stands, once the
    text position is set."""
    fonts = getattr(textbox.style, "font_config", None)
    if not (isinstance(fonts, RememberingFontConfiguration) and isinstance(textbox, TextBox)
            and text_overflow == "clip" and block_ellipsis == "none"):
        return _weasyprint_draw_first_line(stream, textbox, text_overflow, block_ellipsis,
                                           matrix)
    layout = textbox.pango_layout
    key = (textbox.text, layout.text, layout.justification_spacing,
           style_key(textbox.style))
    if (script := fonts.drawn.recall(key)) is not None and _replay(stream, script, matrix):
        return []
    recorder = _Recorder(stream)
    try:
        with _warnings_while_drawing() as warned:
            emojis = _weasyprint_draw_first_line(recorder, textbox, text_overflow,
                                                 block_ellipsis, matrix)
    finally:
        script = recorder.finish()  # gives the fonts their own maps back, whatever happened
    if script is not None and not emojis and not warned:
        fonts.drawn.remember(key, script)
    return emojis


class _Recorder:
    """Stands in for the page's stream while WeasyPrint draws a line, and writes down what
    drawing the same line again must repeat: the fonts it adds, the font sizes it sets (the
    stream skips a size already set, so these are calls, not bytes), the operators in between
    (as bytes), and for each font the glyphs' Unicode text and widths the line would record.

    WeasyPrint records a glyph's text and width the first time a document draws it; the line
    is drawn here against a fresh text map (so that every glyph's text is noted) and a copy of
    the width map that notes which widths it read (the operators depend on them)."""

    def __init__(self, stream: Any) -> None:
        self._stream, self._mark = stream, len(stream.stream)
        self._script: list[tuple[str, Any]] = []
        self._fonts: dict[int, tuple[Any, dict, dict, dict, _ReadingDict]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def set_text_matrix(self, *values: float) -> None:
        """Where the line starts: set anew each time (a line with nothing to draw sets none)."""
        self._stream.set_text_matrix(*values)
        self._script.append(("matrix", None))
        self._mark = len(self._stream.stream)

    def add_font(self, pango_font: Any) -> tuple[Any, float]:
        self._operators()
        font, size = self._stream.add_font(pango_font)
        if id(font) not in self._fonts:
            texts, widths = {}, _ReadingDict(font.widths)
            self._fonts[id(font)] = (font, font.to_unicode, font.widths, texts, widths)
            font.to_unicode, font.widths = texts, widths
            self._script.append(("font", (pango_font, texts, widths.read)))
        return font, size

    def set_font_size(self, font: str, size: float) -> None:
        self._operators()
        self._stream.set_font_size(font, size)
        self._script.append(("size", (font, size)))
        self._mark = len(self._stream.stream)

    def _operators(self) -> None:
        if written := self._stream.stream[self._mark:]:
            self._script.append(("operators", written))
        self._mark = len(self._stream.stream)

    def finish(self) -> list[tuple[str, Any]] | None:
        """Put the fonts' own maps back, with what the line added; the script, or None if the
        line cannot be repeated this way (bitmap or colour glyphs, non-byte operators)."""
        self._operators()
        repeatable = True
        for font, texts, widths, line_texts, line_widths in self._fonts.values():
            font.to_unicode, font.widths = texts, widths
            for glyph, text in line_texts.items():
                texts.setdefault(glyph, text)
            widths.update(line_widths)
            repeatable &= not (font.bitmap or font.png or font.svg or font.colr)
        script = [(kind, (b"\n".join(value) if kind == "operators" else value))
                  for kind, value in self._script]
        repeatable &= all(isinstance(item, bytes) for kind, value in self._script
                          if kind == "operators" for item in value)
        return script if repeatable else None


class _ReadingDict(dict):
    """A copy of a glyph-width map that remembers the widths read from it, with their values."""

    def __init__(self, widths: dict) -> None:
        super().__init__(widths)
        self.read: dict[int, int] = {}

    def __getitem__(self, glyph: int) -> int:
        self.read[glyph] = width = super().__getitem__(glyph)
        return width

    def __setitem__(self, glyph: int, width: int) -> None:
        self.read[glyph] = width
        super().__setitem__(glyph, width)


def _replay(stream: Any, script: list[tuple[str, Any]], matrix: Any) -> bool:
    """Write a remembered line; False (nothing written) if a width it relied on is not the
    one this document has recorded for that glyph."""
    fonts = {}
    for kind, value in script:
        if kind == "font":
            pango_font, _, widths = value
            fonts[pango_font], _ = stream.add_font(pango_font)
            if any(fonts[pango_font].widths.get(glyph, width) != width
                   for glyph, width in widths.items()):
                return False
    for kind, value in script:
        if kind == "matrix":
            stream.set_text_matrix(*matrix.values)
        elif kind == "font":
            pango_font, texts, widths = value
            font = fonts[pango_font]
            for glyph, text in texts.items():
                font.to_unicode.setdefault(glyph, text)
            for glyph, width in widths.items():
                font.widths.setdefault(glyph, width)
        elif kind == "size":
            stream.set_font_size(*value)
        else:
            stream.stream.append(value)
    return True


@contextmanager
def _warnings_while_drawing() -> Iterator[list[logging.LogRecord]]:
    """What WeasyPrint warns about while drawing (a .notdef glyph): such a line is not kept."""
    warned: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = warned.append
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield warned
    finally:
        logger.removeHandler(handler)


def style_key(style: Any) -> tuple | str:
    """The remembered properties' values: as they are when they can be hashed (a few
    microseconds, called for every line), their repr otherwise."""
    values = tuple([style[name] for name in SHAPING_PROPERTIES])
    try:
        hash(values)
    except TypeError:
        return repr(values)
    return values


def install(patched: bool = True) -> None:
    """Replaces `split_first_line`, `draw_text` and `draw_first_line` (or puts them back).
    WeasyPrint's modules imported them by name, so each module's reference is replaced."""
    for module in (line_break, inline, preferred):
        module.split_first_line = (split_first_line if patched
                                   else _weasyprint_split_first_line)
    draw.draw_text = draw_text if patched else _weasyprint_draw_text
    draw_text_module.draw_first_line = (draw_first_line if patched
                                        else _weasyprint_draw_first_line)
