"""`statement-pdf import FILE`: a statement as it arrives — a Word document, an e-mail's text, a
Markdown file — written as a statement folder, or as one language's file in an existing one.

sources.py reads the file into pieces, placing.py decides where each piece goes; this module
writes the files (statement.yaml and <language>.md, in the format of docs/writing.md) and never
overwrites one. What could not be placed comes back as notes for the person, who then runs
`statement-pdf check`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..atomic import write_atomically
from ..errors import InputError, Problem
from ..model import Project
from ..text.markdown import parse_text
from ..text.write import paragraph, text_file
from .placing import Placed, place
from .sources import Source, read_source

SUFFIXES = (".docx", ".md", ".markdown", ".txt")
_SLUG_WORDS = 6


@dataclass
class Imported:
    folder: Path
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_file(project: Project, file: Path, language: str = "en",
                statement_id: str | None = None, date: dt.date | None = None) -> Imported:
    """Read `file` and write its statement: into data/statements/<statement_id>/ when that
    folder exists (as <language>.md, a draft translation unless `language` is the source), or
    as a new folder (with `language` as its source language)."""
    problems = _usage_problems(project, file, language)
    if problems:
        raise InputError(problems)
    if _in_statement_format(file):
        return _copied(project, file, language, statement_id)
    placed = place(_read(file), project)
    placed.date = date or placed.date
    folder = _folder(project, file, statement_id, placed)
    if (folder / "statement.yaml").is_file():
        return _translation(folder, placed, language)
    return _new_statement(project, folder, placed, language)


def _usage_problems(project: Project, file: Path, language: str) -> list[Problem]:
    problems = []
    if file.suffix.lower() not in SUFFIXES:
        kind = f"{file.suffix} file" if file.suffix else "file without a suffix"
        problems.append(Problem(file, 1, 1, f"cannot import a {kind}: give a .docx, .md or "
                                ".txt file"))
    elif not file.is_file():
        problems.append(Problem(file, 1, 1, "file not found"))
    if language not in project.languages:
        problems.append(Problem(project.data_dir / "languages", 1, 1,
                                f"unknown language '{language}' (the configured ones: "
                                f"{', '.join(sorted(project.languages))})"))
    return problems


def _read(file: Path) -> Source:
    try:
        return read_source(file)
    except UnicodeDecodeError as error:
        raise InputError([Problem(file, 1, 1, f"not UTF-8 text ({error.reason}): save it as "
                                  "UTF-8")]) from None
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as error:  # not a Word document
        raise InputError([Problem(file, 1, 1, f"cannot be read as a Word document ({error})")]
                         ) from None


def _in_statement_format(file: Path) -> bool:
    """A Markdown file that already is a statement's text (front matter and sections)."""
    if file.suffix.lower() not in (".md", ".markdown"):
        return False
    try:
        parse_text(file.read_text(encoding="utf-8"), file)
    except (InputError, UnicodeDecodeError):
        return False
    return True


def _copied(project: Project, file: Path, language: str, statement_id: str | None) -> Imported:
    text = parse_text(file.read_text(encoding="utf-8"), file)
    if statement_id is None:
        raise InputError([Problem(file, 1, 1, "this file already is a statement's text: name "
                                  "the statement it belongs to with --id")])
    folder = project.data_dir / "statements" / statement_id
    if not (folder / "statement.yaml").is_file():
        raise InputError([Problem(folder, 1, 1, "no such statement: a text in the statement "
                                  "format is added to an existing statement (see `new`)")])
    target = folder / f"{text.language}.md"
    _refuse_existing(target)
    write_atomically(target, file.read_bytes())
    return Imported(folder, [target])


def _folder(project: Project, file: Path, statement_id: str | None, placed: Placed) -> Path:
    if statement_id is None:
        words = re.findall(r"[a-z0-9]+", " ".join(placed.sections.get("title", [""])).lower())
        if not words or placed.date is None:
            raise InputError([Problem(file, 1, 1, "cannot make the statement's id from its "
                                      "date and title: give it with --id")])
        statement_id = f"{placed.date.isoformat()}-{'-'.join(words[:_SLUG_WORDS])}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", statement_id):
        raise InputError([Problem(Path(statement_id), 1, 1, "a statement id uses lower-case "
                                  "letters, digits and hyphens only")])
    return project.data_dir / "statements" / statement_id


def _new_statement(project: Project, folder: Path, placed: Placed, language: str) -> Imported:
    imported = Imported(folder, notes=placed.notes)
    if placed.date is None:
        placed.date = dt.date.today()
        imported.notes.append("no date found (a dateline such as “28 May 2025:” at the start of "
                              "the body): statement.yaml has today's date; correct it")
    if not placed.signatories:
        imported.notes.append("no signatories found: list their ids in statement.yaml")
    meta = {"id": folder.name, "date": placed.date, "source_language": language,
            "languages": [language], "brand": min(project.brands, default="")}
    if placed.city:
        meta["city"] = placed.city
    meta["signatories"] = placed.signatories
    header = (f"# Imported by `statement-pdf import`; run `statement-pdf check {folder.name}`.\n"
              "# What the import could not place:\n"
              + "".join(f"#   {line}\n" for note in imported.notes for line in
                        paragraph(note).splitlines()) if imported.notes else "")
    folder.mkdir(parents=True)
    statement = folder / "statement.yaml"
    write_atomically(statement, (header + yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, width=100)).encode())
    text = folder / f"{language}.md"
    write_atomically(text, _text(placed, language, "source").encode())
    imported.written = [statement, text]
    return imported


def _translation(folder: Path, placed: Placed, language: str) -> Imported:
    target = folder / f"{language}.md"
    _refuse_existing(target)
    source = yaml.safe_load((folder / "statement.yaml").read_text(encoding="utf-8")) or {}
    status = "source" if source.get("source_language") == language else "draft"
    front_extra = {"city": placed.city} if placed.city else {}
    write_atomically(target, _text(placed, language, status, front_extra).encode())
    return Imported(folder, [target], placed.notes)


def _text(placed: Placed, language: str, status: str,
          extra: dict[str, str] | None = None) -> str:
    return text_file({"language": language, "status": status, **(extra or {})},
                     {name: [_wrapped(block) for block in blocks]
                      for name, blocks in placed.sections.items()}, placed.footnotes)


def _wrapped(block: str) -> str:
    """A paragraph wrapped for an editor; lists, quotes and headings as they are."""
    return block if block.startswith(("#", ">", "- ")) or re.match(r"\d+\. ", block) else (
        paragraph(block))


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise InputError([Problem(target, 1, 1, "already exists: the import never overwrites "
                                  "a file (rename or delete it first)")])
