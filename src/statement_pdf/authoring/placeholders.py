"""Placeholders: text that stands in for what is not known yet, and must not reach a reader.

Three kinds, each found by rule:

- values the data marks `!placeholder` (yamlsource.PLACEHOLDER_TAG): the bundled brand's footer,
  a recipient's "[postal address to be confirmed]" — the mark sits on the value, and whoever
  fills it in deletes the mark;
- contacts at the domains reserved for examples (example.org, example.com, example.net, and the
  .example, .invalid and .test names, RFC 2606), which no real reader can write to;
- text still as the `statement-pdf new` template wrote it ("Write the headline here").

`check` lists them as warnings; `build --final` (and anything else that asks `preflight` with
final=True) refuses them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path

from ..errors import InputError, Problem
from ..model import Project, Statement
from ..text.markdown import parse_text
from ..yamlsource import PLACEHOLDER_TAG, Path_, YamlDocument, parse_yaml

EXAMPLE_ADDRESS = re.compile(
    r"[\w.+-]*@?\b(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.(?:example|invalid|test))\b",
    re.IGNORECASE)
_TEMPLATE_FOLDER = ("templates", "new")
_TEMPLATE_MIN_WORDS = 3
"""Shorter template values (`en`, `human rights`) are real values as often as not."""


def placeholder_problems(
    project: Project, statement: Statement, languages: Iterable[str],
    recipients: Iterable[str] = (),
) -> list[Problem]:
    """Every placeholder in what the statement's documents in `languages` (and its letters to
    `recipients`) print, as a warning at its file:line:column."""
    seen: set[tuple] = set()
    problems = []
    for document, root in _places(project, statement, list(languages), list(recipients)):
        for path, value in document.strings(root):
            if (document.file, path) in seen:
                continue
            seen.add((document.file, path))
            if reason := _reason(document, path, value):
                problems.append(document.problem(path, reason, severity="warning"))
    return problems


def _reason(document: YamlDocument, path: Path_, value: str) -> str | None:
    shown = _shortened(value)
    if path in document.placeholders:
        return (f"placeholder: “{shown}” is marked {PLACEHOLDER_TAG}: replace it with the real "
                f"text and delete the mark before it is sent")
    if found := EXAMPLE_ADDRESS.search(value):
        return (f"placeholder: {found.group(0)} is an example address (example.org, .com and "
                ".net are reserved for examples): give the real one before it is sent")
    if _normalised(value) in template_texts():
        return (f"placeholder: “{shown}” is the text of the `statement-pdf new` template: "
                "write the real text")
    return None


def _places(project: Project, statement: Statement, languages: list[str],
            recipients: list[str]) -> Iterator[tuple[YamlDocument, Path_]]:
    """The files and the parts of them that the documents print: the statement's own files,
    its brand (its address only in letters), its signatories' entries and its letters'
    recipients — of the shared entries, only the words in `languages`."""
    yield statement.documents["statement"], ()
    yield from ((statement.documents[code], ()) for code in languages
                if code in statement.documents)
    if statement.meta.brand in project.brands:
        yield from ((document, path) for document, path in _entry(
            project.documents[f"brands/{statement.meta.brand}"], (), languages, "translations")
            if recipients or "address" not in path)
    for name, wanted in (("organisations", statement.meta.signatories),
                         ("recipients", recipients)):
        document = project.documents.get(name)
        for index, entry in enumerate(document.data if document else []):
            if isinstance(entry, dict) and entry.get("id") in wanted:
                yield from _entry(document, (index,), languages,
                                  "names" if name == "organisations" else "languages")


def _entry(document: YamlDocument, root: Path_, languages: list[str],
           by_language: str) -> Iterator[tuple[YamlDocument, Path_]]:
    """An entry's own values, and of its per-language values those of `languages`."""
    entry = document.at(root)
    for key in entry if isinstance(entry, dict) else []:
        if key != by_language:
            yield document, (*root, key)
    own = entry.get(by_language) if isinstance(entry, dict) else None
    for code in languages:
        words = own.get(code) if isinstance(own, dict) else None
        path = (*root, by_language, code)
        if isinstance(words, dict):
            yield from ((document, (*path, key)) for key in words)
        elif words is not None:
            yield document, path


@cache
def template_texts() -> frozenset[str]:
    """The texts of the `new` templates, also those of the sections it offers commented out
    (`# letter:` …), normalised."""
    texts: set[str] = set()
    for template in files(__package__).joinpath(*_TEMPLATE_FOLDER).iterdir():
        source = template.read_text(encoding="utf-8")
        for text in (source, _uncommented(source)):
            try:
                document = (parse_text(text, Path(template.name)) if template.name.endswith(
                    ".md") else parse_yaml(text, Path(template.name)))
            except InputError:
                continue  # the commented-out parts do not always make a whole file
            texts.update(_normalised(value) for _, value in document.strings()
                         if len(value.split()) >= _TEMPLATE_MIN_WORDS)
    return frozenset(texts)


def _uncommented(source: str) -> str:
    """The template with its commented-out YAML (`# letter:`, `#   subject: >-`) as YAML."""
    return "\n".join(re.sub(r"^# (?=[a-z_]+:|  )", "", line) for line in source.splitlines())


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _shortened(text: str, words: int = 8) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")
