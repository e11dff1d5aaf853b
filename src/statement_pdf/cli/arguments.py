"""The arguments and options that several commands share, each with its help text, the name
--help shows for its value (`--lang CODE`, not `--lang <list[str]>`) and shell completion.

A statement is named by its id (`build 2025-05-28-topic`, found in data/statements/ of the
project the working directory is in) or by its folder. Completion reads the project's files
directly (their names, or the ids in one small YAML file): a completion runs on every Tab, and
must not load and validate the whole project.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, closest
from ..load import find_project_root
from ..yamlsource import read_yaml


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


def _project_root() -> Path | None:
    try:
        return find_project_root(Path.cwd())
    except InputError:
        return None


def _statement_ids(root: Path | None) -> list[str]:
    folder = root / "data" / "statements" if root else None
    return sorted(child.name for child in folder.iterdir()
                  if child.is_dir()) if folder and folder.is_dir() else []


def find_statement(value: Path) -> Path:
    """A folder as given, or an id as data/statements/ID of the project here."""
    if value.is_dir():
        return value
    root = _project_root()
    ids = _statement_ids(root)
    if root and len(value.parts) == 1 and value.name in ids:
        return shown(root / "data" / "statements" / value.name)
    hint = f" Did you mean {match}?" if (match := closest(value.name, ids)) else ""
    known = f" Statements here: {', '.join(ids)}." if ids else ""
    raise typer.BadParameter(
        f"'{value}' is neither a folder nor the id of a statement in data/statements/.{hint}"
        f"{known}")


def shown(path: Path) -> Path:
    """Relative to the working directory when inside it: what messages print."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def complete_statement(incomplete: str) -> list[str]:
    return [name for name in _statement_ids(_project_root()) if name.startswith(incomplete)]


def _file_stems(folder: str, pattern: str) -> list[str]:
    root = _project_root()
    return sorted(path.stem if pattern.endswith(".yaml") else path.parent.name
                  for path in (root / folder).glob(pattern)) if root else []


def _ids_in(file: str) -> list[str]:
    """The ids of a list file (recipients.yaml) or the keys of a mapping (profiles.yaml)."""
    root = _project_root()
    try:
        data = read_yaml(root / "data" / file).data if root else []
    except InputError:
        return []
    if isinstance(data, dict):
        return sorted(data)
    return sorted(entry["id"] for entry in data or []
                  if isinstance(entry, dict) and isinstance(entry.get("id"), str))


def _starting(options: list[str], incomplete: str) -> list[str]:
    return [option for option in options if option.startswith(incomplete)]


def complete_language(incomplete: str) -> list[str]:
    return _starting(_file_stems("data/languages", "*.yaml"), incomplete)


def _complete_variant(incomplete: str) -> list[str]:
    return _starting(_file_stems("layouts", "*/layout.yaml"), incomplete)


def _complete_recipient(incomplete: str) -> list[str]:
    return _starting(_ids_in("recipients.yaml"), incomplete)


def _complete_profile(incomplete: str) -> list[str]:
    return _starting(_ids_in("profiles.yaml"), incomplete)


def _at_least_one(value: int) -> int:
    if value < 1:
        raise typer.BadParameter(f"{value}: at least 1")
    return value


StatementFolder = Annotated[Path, typer.Argument(
    metavar="STATEMENT", callback=find_statement, autocompletion=complete_statement,
    help="The statement: its id (a folder of data/statements/) or its folder.",
    show_default=False)]
Languages = Annotated[list[str] | None, typer.Option(
    "--lang", metavar="CODE", autocompletion=complete_language,
    help="A language to make, by code (repeatable); default: every language of the statement.")]
Translations = Annotated[list[str] | None, typer.Option(
    "--lang", metavar="CODE", autocompletion=complete_language,
    help="A translation to record, by code (repeatable).")]
Variants = Annotated[list[str] | None, typer.Option(
    "--variant", metavar="VARIANT", autocompletion=_complete_variant,
    help="press or letter (repeatable); default: every variant the statement has.")]
Recipients = Annotated[list[str] | None, typer.Option(
    "--recipient", metavar="ID", autocompletion=_complete_recipient,
    help="Letters: only to this recipient (repeatable); default: every recipient of the "
         "statement's letter.")]
PaperSize = Annotated[Paper, typer.Option("--paper", help="Paper size.")]
ProfileName = Annotated[str | None, typer.Option(
    "--profile", metavar="NAME", autocompletion=_complete_profile,
    help="Output profile from data/profiles.yaml (accessible, archive, print); default: each "
         "layout's own.")]
Jobs = Annotated[int, typer.Option(
    "--jobs", "-j", metavar="N", callback=_at_least_one,
    help="Worker processes rendering in parallel (on this machine; not used with --cluster).",
    show_default="the number of CPUs")]
DEFAULT_JOBS = os.cpu_count() or 1
