"""`new`, `check` and `translated`: for the people who write and translate statements."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..authoring.scaffold import scaffold
from ..authoring.translations import record_translations
from ..errors import InputError
from ..load import find_project_root, load_project, load_statement
from .app import WRITING, app, err, out, project_here, report_problems
from .arguments import (
    Paper,
    PaperSize,
    StatementFolder,
    Translations,
    complete_language,
    complete_statement,
    shown,
)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(rich_help_panel=WRITING)
def new(
    slug: Annotated[str, typer.Argument(
        metavar="ID", help="The statement's id, e.g. 2025-06-01-topic.", show_default=False)],
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="The statement's date; default: today.")] = None,
) -> None:
    """Start a statement: data/statements/ID/ from a template that explains every field."""
    project = project_here()
    try:
        folder = scaffold(project, slug, _date_option(date) or dt.date.today())
    except InputError as error:
        report_problems(error, consequence="nothing was created.")
        raise typer.Exit(2) from None
    out.print(f"created {folder}: fill in statement.yaml and en.md, then run "
              f"`statement-pdf check {slug}`", markup=False, soft_wrap=True)


@app.command(rich_help_panel=WRITING)
def check(
    statement_dir: StatementFolder,
    report_format: Annotated[ReportFormat, typer.Option(
        "--format", help="text for people, json for CI.")] = ReportFormat.text,
    final: Annotated[bool, typer.Option(
        "--final", help="Check as `build --final` does: drafts, out-of-date translations, "
        "placeholders and every other warning are errors.")] = False,
    measure: Annotated[bool, typer.Option(
        "--measure/--no-measure", help="Lay out every document to check its page limit "
        "(the slow part).")] = True,
    paper: PaperSize = Paper.a4,
) -> None:
    """Preflight a statement: every problem at once, grouped by file, with file:line:column.

    Exit 0 when there is no error (warnings such as drafts are listed), 1 when there are errors,
    2 on a usage error."""
    from ..authoring import check as preflight_report

    problems = preflight_report.preflight(statement_dir, preflight_report.Scope(
        paper=paper.value), final=final, measure=measure)
    if report_format is ReportFormat.json:
        typer.echo(preflight_report.report_json(problems))
    else:
        preflight_report.print_report(out, problems)
    raise typer.Exit(1 if preflight_report.errors(problems) else 0)


@app.command(rich_help_panel=WRITING)
def translated(
    statement_dir: StatementFolder,
    lang: Translations = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every translation of the statement.")] = False,
) -> None:
    """Record that translations are up to date with the current source text.

    Run it once a translation has been brought in line with the source: `check` then compares
    later changes of the source with this version. Name them with --lang CODE or --all."""
    if not lang and not every:
        err.print("name the translations that are up to date: --lang CODE (repeatable) or --all",
                  markup=False)
        raise typer.Exit(2)
    try:
        project = load_project(find_project_root(statement_dir))
        statement = load_statement(statement_dir, project)
        recorded = record_translations(statement, None if every else lang, project)
    except InputError as error:
        report_problems(error, consequence="nothing was recorded.")
        raise typer.Exit(2) from None
    for code in recorded:
        out.print(f"recorded {code}.md as translated from the current "
                  f"{statement.meta.source_language}.md", markup=False)


@app.command("import", rich_help_panel=WRITING)
def import_statement(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="A Word document (.docx), Markdown (.md) or plain text (.txt).",
        show_default=False)],
    lang: Annotated[str, typer.Option(
        "--lang", metavar="CODE", autocompletion=complete_language,
        help="The language FILE is written in.")] = "en",
    statement_id: Annotated[str | None, typer.Option(
        "--id", metavar="ID", autocompletion=complete_statement,
        help="The statement: an existing one gets FILE as its CODE.md; a new one is made "
        "with this id. Default: a new statement, its id made of its date and title.")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="The statement's date, when the text has no "
        "dateline.")] = None,
) -> None:
    """Make a statement (or one language's text of one) from a Word, Markdown or text file.

    The title, lead, body, call to action, notes to editors, signatories and date are placed
    as docs/writing.md describes them; what could not be placed is listed. Nothing is ever
    overwritten. Check the result with `statement-pdf check`."""
    from ..authoring.importing import import_file  # mammoth only when asked for

    project = project_here()
    try:
        imported = import_file(project, file, lang, statement_id, _date_option(date))
    except InputError as error:
        report_problems(error, consequence="nothing was imported.")
        raise typer.Exit(2) from None
    for path in imported.written:
        out.print(f"wrote {shown(path)}", markup=False, soft_wrap=True)
    for note in imported.notes:
        out.print(f"note: {note}", markup=False, soft_wrap=True)
    out.print(f"next: statement-pdf check {imported.folder.name}", markup=False)


def _date_option(date: str | None) -> dt.date | None:
    """The --date given, or None; a date not written YYYY-MM-DD is a usage error."""
    try:
        return dt.date.fromisoformat(date) if date else None
    except ValueError:
        err.print(f"--date {date}: expected a date as YYYY-MM-DD, e.g. 2025-06-01", markup=False)
        raise typer.Exit(2) from None
