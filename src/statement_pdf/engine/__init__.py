"""Where statement-pdf reaches into WeasyPrint's (and pydyf's) internals, and nowhere else.

Each module replaces named functions of the engine, says which and why, and can put them back:

    actualtext  Stream.marked: the real text of each tagged run for the structure tree
    lines       split_first_line, draw_text, draw_first_line: each line broken, shaped and
                drawn once per worker, not once per document (same bytes)
    pdfwrite    pydyf.PDF.write: each stream serialised once, not twice (same bytes)
    textlayer   draw_first_line, draw_inline_level, draw_page, build_fonts_dictionary: an
                invisible text layer that every reader gives back in reading order (with
                reading.py, what each reader does with a line, and layerfont.py, the
                layer's blank font)

These are a liability accepted for measured gains (docs/performance.md, docs/languages.md);
pyproject.toml pins the engine versions they were written against. Setting
STATEMENT_PDF_PLAIN_ENGINE=1 runs the plain engine (=textlayer, or =lines,pdfwrite: without
the patches named), and `plain()` does so for a block of code — for some patches only, if
named: the tests compare the bytes made with and without the patches that must not change them
(lines, pdfwrite), and the benchmarks time the text layer's cost.

One module only reads what WeasyPrint made (its boxes have no public API), patching nothing:

    overflow    the words that stick out of their line in a laid-out document
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from . import actualtext, lines, pdfwrite, textlayer

PLAIN_ENGINE_VARIABLE = "STATEMENT_PDF_PLAIN_ENGINE"
_PATCHES = (actualtext, lines, pdfwrite, textlayer)
"""In the order they go on: textlayer wraps the draw_first_line that lines installs."""


def unwanted() -> tuple[ModuleType, ...]:
    """The patches the environment turns off: none, every one (1), or those it names."""
    value = os.environ.get(PLAIN_ENGINE_VARIABLE, "").strip()
    if value in ("", "0"):
        return ()
    names = {name.strip() for name in value.split(",")}
    by_name = {patch.__name__.rpartition(".")[2]: patch for patch in _PATCHES}
    if not names <= set(by_name):
        return _PATCHES
    return tuple(by_name[name] for name in names)


def install(patched: bool | None = None, without: tuple[ModuleType, ...] = ()) -> None:
    """Patch the engine (default: as the environment says), or put it back as it was; the
    patches in `without` stay off. Every patch comes off first, in reverse order, and the
    wanted ones go back on in order, so that the ones that wrap each other stay in step."""
    if patched is None:
        patched, without = True, (*without, *unwanted())
    for patch in reversed(_PATCHES):
        patch.install(False)
    for patch in _PATCHES:
        if patched and patch not in without:
            patch.install(True)


@contextmanager
def plain(*patches: ModuleType) -> Iterator[None]:
    """The plain engine inside the block (or the engine without the given patches); the
    patches as the environment says after it."""
    if patches:
        install(without=patches)
    else:
        install(patched=False)
    try:
        yield
    finally:
        install()
