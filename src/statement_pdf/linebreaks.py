"""Break each line of text once per worker, not once per document.

A mail merge is the same letter hundreds of times over: only the address and the salutation
change, and every paragraph of the body breaks into the same lines at the same width. Breaking
them is most of a letter's layout time — WeasyPrint shapes each line with Pango about three
times (a draft, the draft with the next word tried on it, the kept line), and shaping Nastaliq
is slow — so a worker that has broken a paragraph once should not do it again.

WeasyPrint's `split_first_line` answers "how much of this text fits on a line this wide, in
this style?" and its answer depends on nothing else: the text, the width, the font
configuration's faces and the computed style properties listed in `SHAPING_PROPERTIES` (read
off `weasyprint/text/line_break.py`, which is why pyproject.toml pins WeasyPrint's major
version). The line it returns is a deactivated `Layout` — plain values, no Pango objects — so
each document gets its own copy of a remembered one.

Only fonts configured with `RememberingFontConfiguration` remember: each worker's renderer
makes one, and its memory lives and dies with it. A new @font-face forgets everything, because
a face can change which font a family name or a fallback resolves to. The tests render every
bundled document with and without this and compare the bytes.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from weasyprint.layout import inline, preferred
from weasyprint.text import line_break
from weasyprint.text.fonts import FontConfiguration

SHAPING_PROPERTIES = (
    "direction", "lang", "font_language_override", "font_family", "font_style", "font_stretch",
    "font_weight", "font_size", "line_height", "font_kerning", "font_variant_ligatures",
    "font_variant_position", "font_variant_caps", "font_variant_numeric",
    "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
    "font_variation_settings", "text_decoration_line", "word_spacing", "letter_spacing",
    "white_space", "overflow_wrap", "word_break", "tab_size", "hyphens",
    "hyphenate_character", "hyphenate_limit_chars", "hyphenate_limit_zone",
)
"""Every computed style property that `split_first_line` and the `Layout` it builds read."""

_weasyprint_split_first_line = line_break.split_first_line


class RememberingFontConfiguration(FontConfiguration):
    """A font configuration that also keeps the line breaks found with its fonts.

    Bounded (least recently used lines go first) so that a worker's memory stays flat however
    many different documents it makes: a two-page letter has a few hundred lines.
    """

    def __init__(self, max_lines: int = 8192) -> None:
        super().__init__()
        self.max_lines = max_lines
        self.lines: OrderedDict[tuple, tuple[dict[str, Any], tuple]] = OrderedDict()
        self._faces: set[str] = set()

    def add_font_face(self, rule_descriptors: dict, url_fetcher: Any) -> Any:
        # WeasyPrint itself tells faces apart by str(rule_descriptors).
        if (face := str(rule_descriptors)) not in self._faces:
            self._faces.add(face)
            self.lines.clear()
        return super().add_font_face(rule_descriptors, url_fetcher)

    def recall(self, key: tuple) -> tuple[dict[str, Any], tuple] | None:
        if (line := self.lines.get(key)) is not None:
            self.lines.move_to_end(key)
        return line

    def remember(self, key: tuple, line: tuple[dict[str, Any], tuple]) -> None:
        self.lines[key] = line
        if len(self.lines) > self.max_lines:
            self.lines.popitem(last=False)


def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                     justification_spacing: float, is_line_start: bool = True,
                     minimum: bool = False) -> tuple:
    """`weasyprint.text.line_break.split_first_line`, remembered when the fonts allow it."""
    fonts = style.font_config
    arguments = (text, style, context, max_width, justification_spacing, is_line_start, minimum)
    if not isinstance(fonts, RememberingFontConfiguration):
        return _weasyprint_split_first_line(*arguments)
    key = (text, max_width, justification_spacing, is_line_start, minimum,
           repr([style[name] for name in SHAPING_PROPERTIES]))
    if (line := fonts.recall(key)) is None:
        layout, *metrics = _weasyprint_split_first_line(*arguments)
        fonts.remember(key, line := (dict(vars(layout)), tuple(metrics)))
        return (layout, *metrics)
    state, metrics = line
    layout = line_break.Layout.__new__(line_break.Layout)
    vars(layout).update(state)
    return (layout, *metrics)


def install() -> None:
    """Idempotent; called when the renderer is imported. Both layout modules imported the
    function by name, so each module's reference is replaced."""
    for module in (line_break, inline, preferred):
        module.split_first_line = split_first_line
