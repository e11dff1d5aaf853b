"""Text that runs off its line: read from the laid-out boxes (WeasyPrint has no public API for
them, hence here, beside the engine's other internals; nothing is patched).

A word wider than its line cannot be broken (long URLs and identifiers can: localise.breakable),
so WeasyPrint lets it stick out of its block: a 5,000-letter word showed 74 letters and lost
the rest past the page's edge, while `check` said nothing. `overflowing_words` finds every such
word, in left-to-right and right-to-left lines alike (a right-to-left line overflows to the
left), in the page's body and its margin boxes.
"""

from __future__ import annotations

from collections.abc import Iterator

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

TOLERANCE = 0.5
"""CSS pixels a glyph may stick out (a hanging stop, rounding) without losing anything."""


def overflowing_words(document: Document) -> list[str]:
    """The text of each box that sticks out of its line, in page order, each once."""
    found: dict[str, None] = {}
    for page in document.pages:
        for text in _overflowing(page._page_box, None):
            found.setdefault(text)
    return list(found)


def _overflowing(box: boxes.Box, parent: boxes.Box | None) -> Iterator[str]:
    if isinstance(box, boxes.LineBox) and parent is not None:
        start = parent.content_box_x()
        end = start + parent.width
        for child in box.descendants():
            if isinstance(child, boxes.TextBox) and child.text.strip() and (
                    child.position_x + child.width > end + TOLERANCE
                    or child.position_x < start - TOLERANCE):
                yield child.text.strip()
        return
    for child in getattr(box, "children", []):
        yield from _overflowing(child, box)
