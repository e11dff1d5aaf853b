"""Which version of the source text each translation was made from, and what changed since.

The source text keeps changing while translators work. Each translation file therefore records,
under `translated_from`, a short fingerprint of every source field it was translated from; when
a source field changes, its fingerprint no longer matches and the field is out of date. The
fingerprints travel with the translation file (a translator who mails the file back keeps them).
A copy of the source text itself is kept in translated-from/<code>.yaml beside the statement, so
that `check` can show what changed in words rather than only that something did.
"""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher
from itertools import groupby
from pathlib import Path

import yaml

from ..atomic import write_atomically
from ..errors import InputError, Problem, did_you_mean
from ..model import Statement, StatementText

SNAPSHOT_FOLDER = "translated-from"
FINGERPRINT_LENGTH = 12
_RECORD_COMMENT = (
    "# The source text each field was translated from, as fingerprints: written by\n"
    "# `statement-pdf translated`, compared by `statement-pdf check`. Do not edit by hand.\n"
)


_NOT_TRANSLATED = {"language", "status", "translator_note", "keywords", "translated_from"}
"""Fields of a text file that are not a translation of the source's field of the same name."""


def source_fields(text: StatementText) -> dict[str, str]:
    """Every translatable text by the name the record uses ("title", "body.0", …): walked from
    the schema's data, so a text field added to the schema is tracked without code here."""
    return dict(_flatten(text.model_dump(exclude=_NOT_TRANSLATED), ()))


def _flatten(value: object, path: tuple[str, ...]) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(".".join(path), value)]
    if isinstance(value, dict):
        return [item for key, inner in value.items() for item in _flatten(inner, (*path, key))]
    if isinstance(value, list):
        return [item for index, inner in enumerate(value)
                for item in _flatten(inner, (*path, str(index)))]
    return []


def fingerprint(text: str) -> str:
    """Reflowing a paragraph in the YAML file changes no word, so it must not make it stale."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def field_path(name: str) -> tuple[str | int, ...]:
    """"letter.body.3" → ("letter", "body", 3): the path `YamlDocument.problem` locates."""
    return tuple(int(part) if part.isdigit() else part for part in name.split("."))


def snapshot_file(statement: Statement, code: str) -> Path:
    return statement.folder / SNAPSHOT_FOLDER / f"{code}.yaml"


def translation_problems(statement: Statement, code: str) -> list[Problem]:
    """Fields of translation `code` that are missing, extra, unrecorded or out of date."""
    source_code = statement.meta.source_language
    source = source_fields(statement.texts[source_code])
    translation = statement.texts[code]
    document = statement.documents[code]
    problems = _coverage_problems(statement, code)
    if translation.translated_from is None:
        return [*problems, document.problem((), (
            f"no translated_from record of the {source_code}.yaml text this translation was "
            f"made from; once it is up to date, run `statement-pdf translated {statement.folder} "
            f"--lang {code}`"))]
    snapshot = _read_snapshot(snapshot_file(statement, code))
    translated = source_fields(translation)
    for name, text in source.items():
        if name not in translated:
            continue
        recorded = translation.translated_from.get(name)
        if recorded is None:
            problems.append(document.problem(("translated_from",), (
                f"{name}: no record of the {source_code}.yaml text it was translated from; once it "
                f"is up to date, run `statement-pdf translated {statement.folder} "
                f"--lang {code}`")))
        elif recorded != fingerprint(text):
            old = snapshot.get(name)
            known = old is not None and fingerprint(old) == recorded
            problems.append(document.problem(field_path(name), _stale_message(
                name, source_code, old if known else None, text)))
    return problems


def _coverage_problems(statement: Statement, code: str) -> list[Problem]:
    """Source texts the translation lacks, and texts it has that the source does not, grouped by
    the field they belong to (paragraphs of one list are reported together)."""
    source_code = statement.meta.source_language
    source = list(source_fields(statement.texts[source_code]))
    translated = list(source_fields(statement.texts[code]))
    document = statement.documents[code]
    problems = []
    missing = [name for name in source
               if name not in translated and _expected(name, statement.texts[code])]
    for kind, names in (("missing", missing),
                        ("extra", [name for name in translated if name not in source])):
        for parent, group in groupby(names, key=_list_parent):
            group = list(group)
            count = "" if parent is None else (
                f" (the {source_code} text has {_paragraphs(source, parent)}, this file "
                f"{_items(translated, parent)})")
            verb = "is" if len(group) == 1 else "are"
            if kind == "missing":
                message = f"{_span(group)} {verb} not translated{count}"
            else:
                message = f"{_span(group)} {verb} not in {source_code}.yaml{count}"
            problems.append(document.problem(field_path(group[0]), message))
    return problems


def _expected(name: str, translation: StatementText) -> bool:
    """A text is expected in a translation when its section is required, or present in the
    translation. An optional section it leaves out (`letter:` in a language no recipient reads)
    is not missing here; the layouts that need it report it (publish.letter_problems)."""
    section = name.split(".")[0]
    return (StatementText.model_fields[section].is_required()
            or getattr(translation, section) is not None)


def _list_parent(name: str) -> str | None:
    """"body.3" → "body"; None for a field that is not an item of a list."""
    parent, _, last = name.rpartition(".")
    return parent if last.isdigit() else None


def _items(names: list[str], parent: str) -> int:
    return sum(_list_parent(name) == parent for name in names)


def _paragraphs(names: list[str], parent: str) -> str:
    count = _items(names, parent)
    return f"{count} paragraph{'' if count == 1 else 's'}"


def _span(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]} to {names[-1]}"


def _stale_message(name: str, source_code: str, old: str | None, new: str) -> str:
    if old is None:
        return (f"{name} is out of date: {source_code}.yaml changed since it was translated "
                f"(the earlier text is not in {SNAPSHOT_FOLDER}/); it now reads: "
                f"{_shorten(new)}")
    return (f"{name} is out of date: {source_code}.yaml changed since it was translated: "
            f"{word_diff(old, new)}")


def word_diff(old: str, new: str, context: int = 4) -> str:
    """The change as `git diff --word-diff` shows it: [-removed-]{+added+}, with `context`
    unchanged words around each change and … for the rest."""
    before, after = old.split(), new.split()
    parts: list[str] = []
    opcodes = SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            parts.extend(_elide(before[i1:i2], context, first=number == 0,
                                last=number == len(opcodes) - 1))
            continue
        if i1 < i2:
            parts.append("[-" + " ".join(before[i1:i2]) + "-]")
        if j1 < j2:
            parts.append("{+" + " ".join(after[j1:j2]) + "+}")
    return " ".join(parts)


def _elide(words: list[str], context: int, first: bool, last: bool) -> list[str]:
    head = [] if first else words[:context]
    tail = [] if last else words[-context:]
    if len(words) <= len(head) + len(tail) + 1:
        return words
    return [*head, "…", *tail]


def _shorten(text: str, words: int = 12) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _read_snapshot(file: Path) -> dict[str, str]:
    """The snapshot only adds detail to a report, so a missing or hand-mangled one is treated
    as absent: the fingerprints in the translation file remain the record."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, str)}


def record_translations(statement: Statement, codes: list[str] | None) -> list[str]:
    """Record translations `codes` (None: all) as made from the current source text. Nothing is
    written unless every one of them exists, lacks no text of the source and adds none."""
    translations = statement.languages[1:]
    problems = [Problem(statement.folder, 1, 1, f"no translation {code}.yaml"
                        f"{did_you_mean(code, translations)} (translations: "
                        f"{', '.join(translations) or 'none'})")
                for code in codes or [] if code not in translations]
    chosen = [code for code in translations if codes is None or code in codes]
    problems += [problem for code in chosen for problem in _coverage_problems(statement, code)]
    if problems:
        raise InputError(problems)
    for code in chosen:
        stamp(statement, code)
    return chosen


def stamp(statement: Statement, code: str) -> None:
    """Record that translation `code` is a translation of the current source text: rewrite its
    `translated_from` fingerprints of the texts it translates, and keep a copy of them."""
    source_code = statement.meta.source_language
    translated = source_fields(statement.texts[code])
    source = {name: text for name, text in source_fields(statement.texts[source_code]).items()
              if name in translated}
    file = statement.documents[code].file
    record = {name: fingerprint(text) for name, text in source.items()}
    write_atomically(file, _with_record(file.read_text(encoding="utf-8"), record).encode())
    header = (f"# The {source_code} text that {code}.yaml was translated from, as recorded by "
              f"`statement-pdf translated`.\n# Generated; `statement-pdf check` shows what "
              f"changed in {source_code}.yaml since.\n")
    dumped = yaml.safe_dump(source, allow_unicode=True, sort_keys=False, width=100)
    write_atomically(snapshot_file(statement, code), (header + dumped).encode())


def _with_record(text: str, record: dict[str, str]) -> str:
    """`text` without its old record (the comment above it, the key and its indented lines),
    with the new record appended at the end of the file."""
    kept: list[str] = []
    in_record = False
    for line in text.replace(_RECORD_COMMENT, "").splitlines(keepends=True):
        if line.startswith("translated_from:"):
            in_record = True
        elif in_record and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        else:
            in_record = False
            kept.append(line)
    entries = "".join(f'  {name}: "{value}"\n' for name, value in record.items())
    return "".join(kept).rstrip("\n") + "\n\n" + _RECORD_COMMENT + "translated_from:\n" + entries
