"""Break and shape each line of text once per worker, not once per document.

A mail merge is the same letter hundreds of times over: only the address and the salutation
change, and every paragraph of the body breaks into the same lines at the same width. Those
lines are most of a letter's time, and shaping is the slow part of them (Nastaliq above all):
WeasyPrint shapes each line with Pango about three times while breaking it (a draft, the draft
with the next word tried on it, the kept line) and once more to draw it. A worker that has done
that for a line should not do it again.

Two of WeasyPrint's functions are remembered:

- `split_first_line` answers "how much of this text fits on a line this wide, in this style?"
  and its answer depends on nothing else: the text, the width, the font configuration's faces
  and the computed style properties in `SHAPING_PROPERTIES` (read off
  `weasyprint/text/line_break.py`; pyproject.toml pins WeasyPrint's major version for this).
  It returns a deactivated `Layout` — plain values, no Pango objects — so each document gets its
  own copy of a remembered one.
- `Layout.reactivate`, called by `draw_text` just before drawing a line, shapes the line's text
  again into a Pango layout that drawing only reads. Drawing a line the worker has drawn before
  reuses that Pango layout. Text cut short with an ellipsis is not remembered, because drawing
  it rewrites the layout's text.

Only fonts configured with `RememberingFontConfiguration` remember: each worker's renderer
makes one, and its memory lives and dies with it. A new @font-face forgets everything, because
a face can change which font a family name or a fallback resolves to. The tests render every
bundled document with and without this and compare the bytes.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from typing import Any

from weasyprint import draw
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
    """A font configuration that also keeps the lines broken and shaped with its fonts.

    A two-page letter has a few hundred line breaks and under a hundred drawn lines; the
    shaped lines hold Pango's glyphs, so fewer of them are kept.
    """

    def __init__(self, breaks: int = 8192, shapes: int = 1024) -> None:
        super().__init__()
        self.breaks, self.shapes = Recent(breaks), Recent(shapes)
        self._faces: set[str] = set()

    def add_font_face(self, rule_descriptors: dict, url_fetcher: Any) -> Any:
        # WeasyPrint itself tells faces apart by str(rule_descriptors).
        if (face := str(rule_descriptors)) not in self._faces:
            self._faces.add(face)
            self.breaks.answers.clear()
            self.shapes.answers.clear()
        return super().add_font_face(rule_descriptors, url_fetcher)


def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                     justification_spacing: float, is_line_start: bool = True,
                     minimum: bool = False) -> tuple:
    """`weasyprint.text.line_break.split_first_line`, remembered when the fonts allow it."""
    fonts = style.font_config
    arguments = (text, style, context, max_width, justification_spacing, is_line_start, minimum)
    if not isinstance(fonts, RememberingFontConfiguration):
        return _weasyprint_split_first_line(*arguments)
    key = (text, max_width, justification_spacing, is_line_start, minimum, _style_key(style))
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
    key = (layout.text, layout.justification_spacing, _style_key(style))
    if (answer := shapes.recall(key)) is None:
        line_break.Layout.reactivate(layout, style)
        shapes.remember(key, (layout.layout, layout.language, layout.text))
        return
    layout.style, layout.first_line_direction = style, 0
    layout.layout, layout.language, layout.text = answer


def _style_key(style: Any) -> str:
    return repr([style[name] for name in SHAPING_PROPERTIES])


def install() -> None:
    """Idempotent; called when the renderer is imported. WeasyPrint's modules imported these
    functions by name, so each module's reference is replaced."""
    for module in (line_break, inline, preferred):
        module.split_first_line = split_first_line
    draw.draw_text = draw_text
