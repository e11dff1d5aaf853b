"""What text from data may contain: every string a statement or the shared data prints.

Checked on what loading made — the registries' models, statement.yaml's, and each language's
text file as blocks (text/blocks.py) — and located at the character itself where the file
allows (a block's line and column), else at the value:

- control characters (NUL, ESC, …: YAML's double-quoted escapes let them in) print as nothing
  or as a box, and no reader can see what was meant;
- the bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) reorder
  the text that follows on the page: U+202E turns "evil txt.exe" into "exe.txt live". The
  layouts isolate runs of the other direction themselves (localise.py), so data never needs
  them; the marks U+200E and U+200F, and ZWNJ, which Persian needs, are allowed;
- a language's text longer than `MAX_TEXT_CHARACTERS`: a statement is two pages, and laying
  out a book's worth of text took minutes and gigabytes before its page count was known.

And once laid out, a word wider than its line (engine/overflow.py) is reported where it was
written (`overflow_problems`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any, Protocol

from pydantic import BaseModel

from .errors import Problem
from .model import Statement
from .text.blocks import Block, TextFile

MAX_TEXT_CHARACTERS = 100_000
"""The most characters a statement's text in one language may have (the bundled ones have
4,000–8,000)."""
BIDI_CONTROLS = {chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
ALLOWED_CONTROLS = {"\n", "\t"}


class Located(Protocol):
    def problem(self, path: tuple, message: str, severity: str = "error",
                at_key: bool = False) -> Problem: ...


def model_text_problems(document: Located, model: BaseModel, at: tuple = ()) -> list[Problem]:
    """Forbidden characters in any string of `model`, which stands at `at` in `document`."""
    return [document.problem(path, message) for path, value in strings(model, at)
            for _, message in _character_problems(field_name(path), value)]


def text_file_problems(text: TextFile) -> list[Problem]:
    """Forbidden characters in a language's text (each at its line and column), and a text
    over the size limit."""
    problems = []
    for where, value in text.strings():
        block = text.block(where) if isinstance(where, str) else None
        name = block.name if block else field_name(where)
        for char, message in _character_problems(name, value):
            problems.append(_at(text, block, char, message) if block else text.problem(
                where, message))
    total = sum(len(value) for _, value in text.strings())
    if total > MAX_TEXT_CHARACTERS:
        problems.append(text.problem((), (
            f"{total:,} characters of text, more than the {MAX_TEXT_CHARACTERS:,} a "
            "statement's text may have in one language (see docs/reliability.md): is this "
            "the right file?")))
    return problems


def overflow_problems(statement: Statement, code: str, words: list[str]) -> list[Problem]:
    """Each word that runs off the page, where it was written: in the language's text (at the
    word itself), in statement.yaml, or else at the top of the language's file (a label or a
    name from the shared data)."""
    text, meta = statement.texts[code], statement.documents["statement"]
    problems = []
    for word in words:
        shown = f"“{word[:40]}…” ({len(word):,} characters)" if len(word) > 40 else f"“{word}”"
        message = (f"a word wider than its line runs off the page: {shown}{{where}}; shorten "
                   "it, or add spaces or hyphens (URLs, e-mail addresses and identifiers break "
                   "by themselves)")
        block = next((block for block in text.blocks if word in block.text), None)
        path = next((path for path, value in strings(statement.meta, ()) if word in value), None)
        if block is not None:
            problems.append(_at(text, block, word[:20], message.format(where=f" in {block.name}")))
        elif path is not None:
            problems.append(meta.problem(path, message.format(where=f" in {field_name(path)}")))
        else:
            problems.append(text.problem((), message.format(where="")))
    return problems


def strings(value: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    """Every string in a model, with its path (field names, list indices, mapping keys)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from strings(getattr(value, name), (*path, name))
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from strings(inner, (*path, key))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from strings(inner, (*path, index))


def field_name(path: tuple) -> str:
    """A value's place as people count: "media_contacts.name, item 2"."""
    names = ".".join(str(part) for part in path if not isinstance(part, int)) or "the text"
    numbers = ", ".join(f"item {part + 1}" for part in path if isinstance(part, int))
    return f"{names}, {numbers}" if numbers else names


def _at(text: TextFile, block: Block, needle: str, message: str) -> Problem:
    line, column = text.locate(block, needle)
    return Problem(text.file, line, column, message)


def _character_problems(name: str, value: str) -> list[tuple[str, str]]:
    """Each forbidden character of `value` (once), with the message about it."""
    found: dict[str, str] = {}
    for position, char in enumerate(value, start=1):
        if char in found:
            continue
        if char in BIDI_CONTROLS:
            found[char] = (f"{_describe(char)} at character {position} of {name}: it reorders "
                           "the text after it on the page (U+202E shows “evil txt.exe” as "
                           "“exe.txt live”); delete it — the layouts isolate text of the other "
                           "direction themselves")
        elif unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS:
            found[char] = (f"{_describe(char)} at character {position} of {name}: a control "
                           "character prints as nothing or as a box; delete it")
    return list(found.items())


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")  # control characters have none in Python's database
    return f"U+{ord(char):04X} {name}".rstrip()
