"""Where statement-pdf reaches into WeasyPrint's (and pydyf's) internals, and nowhere else.

Each module replaces named functions of the engine, says which and why, and can put them back:

    actualtext  Stream.marked: the real text of each tagged run for the structure tree
    lines       split_first_line, draw_text, draw_first_line: each line broken, shaped and
                drawn once per worker, not once per document (same bytes)
    pdfwrite    pydyf.PDF.write: each stream serialised once, not twice (same bytes)

These are a liability accepted for measured gains (docs/performance.md); pyproject.toml pins
the engine versions they were written against. Setting STATEMENT_PDF_PLAIN_ENGINE=1 runs the
plain engine, and `plain()` does so for a block of code: the tests compare the bytes made with
and without the patches.

One module only reads what WeasyPrint made (its boxes have no public API), patching nothing:

    overflow    the words that stick out of their line in a laid-out document
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from . import actualtext, lines, pdfwrite

PLAIN_ENGINE_VARIABLE = "STATEMENT_PDF_PLAIN_ENGINE"
_PATCHES = (actualtext, lines, pdfwrite)


def wanted() -> bool:
    """Patched unless the environment asks for the plain engine."""
    return os.environ.get(PLAIN_ENGINE_VARIABLE, "") in ("", "0")


def install(patched: bool | None = None) -> None:
    """Patch the engine (default: as the environment says), or put it back as it was."""
    patched = wanted() if patched is None else patched
    for patch in _PATCHES:
        patch.install(patched)


@contextmanager
def plain() -> Iterator[None]:
    """The plain engine inside the block; the patches as the environment says after it."""
    install(patched=False)
    try:
        yield
    finally:
        install()
