"""The bundled fonts: @font-face rules for WeasyPrint and glyph coverage before rendering.

A character that no font of its language has would come out as a tofu box, or silently in a
system font. Both are unacceptable in a statement, so every character is checked against the
cmaps of the bundled files first, and a gap is an error that names the character and the field.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from .errors import Problem
from .load import entry_index
from .model import FontRegistry, Project, Statement


def face_css(registry: FontRegistry, families: list[str]) -> str:
    """@font-face rules for `families`, as file URLs (the fetcher allows assets/ only)."""
    rules = []
    for name in dict.fromkeys(families):
        for face in registry.families[name].faces:
            url = (registry.folder / face.file).resolve().as_uri()
            rules.append(f'@font-face {{ font-family: "{name}"; src: url("{url}"); '
                         f"font-weight: {face.weight}; font-style: {face.style}; }}")
    return "\n".join(rules)


def font_files(registry: FontRegistry, families: list[str]) -> list[Path]:
    return [registry.folder / face.file for name in dict.fromkeys(families)
            for face in registry.families[name].faces]


def missing_glyphs(registry: FontRegistry, text: str, families: list[str]) -> list[str]:
    """Characters of `text` that none of `families` can draw (format characters such as ZWNJ
    and the bidi controls are shaping instructions, not glyphs)."""
    return list(_missing(text, tuple(font_files(registry, families))))


@lru_cache(maxsize=4096)
def _missing(text: str, paths: tuple[Path, ...]) -> tuple[str, ...]:
    """Kept per text: a batch checks the same paragraphs again for every recipient."""
    covered = _coverage(paths)
    return tuple(sorted({char for char in text if ord(char) not in covered
                         and unicodedata.category(char) not in ("Cf", "Cc")}))


@cache
def _coverage(paths: tuple[Path, ...]) -> frozenset[int]:
    """The union of the files' cmaps, kept: every field of every document is checked against
    the same few font stacks, and joining the large cmaps again for each field cost more than
    a tenth of an English letter's time."""
    return frozenset().union(*(_cmap(path) for path in paths))


def describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


@cache
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def glyph_problems(
    project: Project, statement: Statement, code: str, recipient: str | None = None
) -> list[Problem]:
    """Every character a document in language `code` prints — the statement's text, the
    registry's labels, the brand's words, the organisations' names, a letter's addressee — must
    have a glyph in the language's fonts. Names that do not resolve (an unknown brand or
    organisation, reported by loading) are left out, so `check` can still look at the rest."""
    text = statement.texts[code]
    sources = [
        (text.front_document, ()),
        (statement.documents["statement"], ("media_contacts",)),
        (statement.documents["statement"], ("city",)),
        (project.documents[f"languages/{code}"], ("labels",)),
        *_brand_words(project, statement.meta.brand, code, letter=recipient is not None),
        *_organisation_names(project, statement.meta.signatories, code),
        *(_addressee(project, recipient, code) if recipient else []),
    ]
    language = project.languages[code]
    families = [*language.fonts.text, *language.fonts.heading]
    files = tuple(font_files(project.fonts, families))
    message = f"has no glyph in the {language.name} fonts ({', '.join(families)})"
    return [
        document.problem(path, f"{describe(char)} {message}")
        for document, root in sources
        for path, value in document.strings(root)
        for char in _missing(value, files)
    ] + [
        Problem(text.file, *text.locate(block, char), f"{describe(char)} {message}")
        for block in text.blocks for char in _missing(block.text, files)
    ]


def _brand_words(project: Project, brand_id: str, code: str,
                 letter: bool) -> list[tuple[Any, tuple]]:
    """Where the brand's name and footer printed in `code` come from, and in a letter its
    address (a translation's own, or the brand's)."""
    if brand_id not in project.brands:
        return []
    brand = project.documents[f"brands/{brand_id}"]
    translation = (brand.data.get("translations") or {}).get(code)
    own = [(brand, ("translations", code))] if translation else [(brand, ("name",)),
                                                                   (brand, ("footer",))]
    if letter and not (isinstance(translation, dict) and "address" in translation):
        own.append((brand, ("address",)))
    return own


def _organisation_names(project: Project, signatories: list[str],
                        code: str) -> list[tuple[Any, tuple]]:
    """Where the signatories' names printed in `code` come from."""
    document = project.documents.get("organisations")
    return [(document, _organisation_name(entry, index, code))
            for index, entry in enumerate(document.data if document else [])
            if isinstance(entry, dict) and entry.get("id") in signatories
            and entry.get("id") in project.organisations]


def _addressee(project: Project, recipient: str, code: str) -> list[tuple[Any, tuple]]:
    """Where the lines, salutation and close of the letter to `recipient` in `code` come from
    (not its other languages' words, which other fonts print)."""
    document = project.documents["recipients"]
    index = entry_index(document, recipient)
    return [(document, (index, key)) for key in ("name", "title", "office", "address", "country")
            ] + [(document, (index, "languages", code))]


def _organisation_name(entry: dict, index: int, code: str) -> tuple:
    """Where the name printed for this organisation in `code` comes from."""
    return (index, "names", code) if code in (entry.get("names") or {}) else (index, "name")


def text_width(registry: FontRegistry, text: str, families: list[str], size: float) -> float:
    """The width of `text` in points, from the advance widths of the regular faces (each
    character from the first family that has it). Kerning and contextual shaping are ignored:
    unshaped Arabic-script forms are wider than joined ones, so the estimate errs on the long
    side — what a check that text fits a box wants."""
    metrics = [_advances(registry.folder / face.file) for name in dict.fromkeys(families)
               for face in registry.families[name].faces[:1]]
    width = 0.0
    for char in text:
        width += next((advances[ord(char)] for advances in metrics if ord(char) in advances), 0.0)
    return width * size


@cache
def _advances(path: Path) -> dict[int, float]:
    """Advance width of each character of the font, in ems."""
    with TTFont(path, lazy=True) as font:
        scale = 1 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[glyph][0] * scale for code, glyph in font.getBestCmap().items()}
