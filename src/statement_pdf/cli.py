"""The `statement-pdf` command: a thin layer over load → compose → render → publish.

Exit codes: 0 success, 1 a document failed (`check`: problems found), 2 bad input or usage.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from .authoring.scaffold import scaffold
from .authoring.translations import record_translations
from .errors import InputError
from .load import find_project_root, load_project, load_statement
from .model import Project
from .publish import plan, run, run_combined
from .publish.batch import LocalPool
from .publish.report import Summary, progress_bar, summary_table
from .publish.report import as_json as report_json

if TYPE_CHECKING:
    from .authoring.check import Scope

app = typer.Typer(
    help="Publish joint statements as print-ready PDFs in every language.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


@app.callback()
def main() -> None:
    """Publish joint statements as print-ready PDFs in every language."""


@app.command()
def build(
    statement_dir: Annotated[Path, typer.Argument(help="The statement's folder "
                                                  "(data/statements/<id>).")],
    lang: Annotated[list[str] | None, typer.Option(
        "--lang", help="Language code to render (repeatable); default: every language.")] = None,
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", help="press or letter (repeatable); default: every variant.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out"),
    paper: Annotated[Paper, typer.Option(help="Paper size.")] = Paper.a4,
    emit_html: Annotated[bool, typer.Option(
        "--emit-html", help="Also write the composed HTML beside each PDF.")] = False,
    profile: Annotated[str | None, typer.Option(
        help="Output profile from data/profiles.yaml (accessible, archive, print); "
             "default: each layout's own.")] = None,
    recipient: Annotated[list[str] | None, typer.Option(
        "--recipient", help="Letters: only to this recipient id (repeatable); default: every "
        "recipient of the statement's letter.")] = None,
    combined: Annotated[bool, typer.Option(
        "--combined", help="Letters: also one print file per language with all its letters "
        "in sequence (OUT/<id>/<lang>/letters.pdf).")] = False,
    final: Annotated[bool, typer.Option(
        "--final", help="Publication build: refuse drafts, out-of-date translations and any "
        "problem `check` finds, rendering nothing.")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes rendering in parallel.",
        show_default="the number of CPUs")] = os.cpu_count() or 1,
    force: Annotated[bool, typer.Option(
        "--force", help="Render every document, even those the manifest shows are current.")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar or summary; failures are still reported.")
    ] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON document describing every output, and nothing else "
        "on standard output.")] = False,
) -> None:
    """Render a statement: OUT/<statement-id>/<lang>/<variant>.pdf for each language and variant.

    Documents whose inputs are unchanged since the last build (OUT/<statement-id>/manifest.json)
    are skipped; one failing document does not stop the others (exit code 1).
    """
    if final:
        from .authoring.check import (
            Scope,  # preflight lays pages out: WeasyPrint only when asked for
        )

        _refuse_unless_final(statement_dir, Scope(lang, variant, recipient, paper.value, profile))
    try:
        project = load_project(find_project_root(statement_dir))
        statement = load_statement(statement_dir, project)
        planned = plan(project, statement, lang, variant, paper.value, profile, recipient)
    except InputError as error:
        _report_problems(error)
        raise typer.Exit(2) from None
    logging.basicConfig(format="warning: %(message)s", level=logging.WARNING)
    started = time.perf_counter()
    try:
        with progress_bar(err, len(planned), enabled=not (quiet or as_json)) as progress:
            outcomes = run(project, planned, out_dir, emit_html, executor=LocalPool(jobs),
                           force=force, progress=progress)
        if combined:
            outcomes += run_combined(project, planned, out_dir, force=force)
    except KeyboardInterrupt:
        err.print("interrupted: finished documents are kept and recorded in the manifest; "
                  "no partial files were left.", markup=False)
        raise typer.Exit(130) from None
    summary = Summary.of(outcomes, time.perf_counter() - started)
    for outcome in outcomes:
        if outcome.error:
            err.print(f"[red]failed[/red] {outcome.path}: {outcome.error}", soft_wrap=True)
    if as_json:
        print(report_json(outcomes, summary))
    elif not quiet:
        out.print(summary_table(summary))
        out.print(f"in {out_dir / statement.meta.id}/ (manifest.json lists every file)",
                  markup=False, soft_wrap=True)
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def inspect(
    pdf_file: Annotated[Path, typer.Argument(help="The PDF to look into.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """What a PDF claims and contains: standard and profile, pages, paper and print boxes,
    language, tags, metadata, bookmarks, fonts (embedded, subset), attached files."""
    from .inspect_pdf import describe, inspect_pdf  # pikepdf only when asked for

    try:
        report = inspect_pdf(pdf_file)
    except InputError as error:
        _report_problems(error, consequence="nothing to inspect.")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in describe(report):
            out.print(line, markup=False, soft_wrap=True)


def _report_problems(error: InputError, consequence: str = "nothing was rendered.") -> None:
    for problem in error.problems:
        err.print(str(problem), markup=False, soft_wrap=True)
    err.print(f"{len(error.problems)} problem(s); {consequence}", markup=False)


def _refuse_unless_final(statement_dir: Path, scope: Scope) -> None:
    from .authoring.check import preflight

    if problems := preflight(statement_dir, scope, final=True):
        _report_problems(InputError(problems), consequence="--final: nothing was rendered, "
                         "the statement is not ready for publication.")
        raise typer.Exit(2)


@app.command()
def check(
    statement_dir: Annotated[Path, typer.Argument(help="The statement's folder.")],
    report_format: Annotated[ReportFormat, typer.Option(
        "--format", help="text for people, json for CI.")] = ReportFormat.text,
    final: Annotated[bool, typer.Option(
        "--final", help="Check as `build --final` does: drafts are errors.")] = False,
    measure: Annotated[bool, typer.Option(
        "--measure/--no-measure", help="Lay out every document to check its page limit "
        "(the slow part).")] = True,
    paper: Annotated[Paper, typer.Option(help="Paper size the pages are counted on.")] = Paper.a4,
) -> None:
    """Preflight a statement: every problem at once, grouped by file, with file:line:column.

    Exit 0 when there is no error (warnings such as drafts are listed), 1 when there are errors,
    2 on a usage error."""
    if not statement_dir.is_dir():
        err.print(f"{statement_dir}: not a folder (expected data/statements/<id>)", markup=False)
        raise typer.Exit(2)
    from .authoring import check as preflight_report

    problems = preflight_report.preflight(statement_dir, preflight_report.Scope(
        paper=paper.value), final=final, measure=measure)
    if report_format is ReportFormat.json:
        typer.echo(preflight_report.report_json(problems))
    else:
        preflight_report.print_report(out, problems)
    raise typer.Exit(1 if preflight_report.errors(problems) else 0)


@app.command()
def translated(
    statement_dir: Annotated[Path, typer.Argument(help="The statement's folder.")],
    lang: Annotated[list[str] | None, typer.Option(
        "--lang", help="A translation that is up to date (repeatable).")] = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every translation of the statement.")] = False,
) -> None:
    """Record that translations are up to date with the current source text.

    Run it once a translation has been brought in line with the source: `check` then compares
    later changes of the source with this version."""
    if not lang and not every:
        err.print("name the translations that are up to date: --lang CODE (repeatable) or --all",
                  markup=False)
        raise typer.Exit(2)
    try:
        statement = load_statement(statement_dir, load_project(find_project_root(statement_dir)))
        recorded = record_translations(statement, None if every else lang)
    except InputError as error:
        _report_problems(error, consequence="nothing was recorded.")
        raise typer.Exit(2) from None
    for code in recorded:
        out.print(f"recorded {code}.yaml as translated from the current "
                  f"{statement.meta.source_language}.yaml", markup=False)


@app.command()
def new(
    slug: Annotated[str, typer.Argument(help="The statement's id, e.g. 2025-06-01-topic.")],
    date: Annotated[str | None, typer.Option(
        help="The statement's date, YYYY-MM-DD; default: today.")] = None,
) -> None:
    """Start a statement: data/statements/SLUG/ from a template that explains every field."""
    project = _project_here()
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
        folder = scaffold(project, slug, day)
    except ValueError:
        err.print(f"--date {date}: expected a date as YYYY-MM-DD", markup=False)
        raise typer.Exit(2) from None
    except InputError as error:
        _report_problems(error, consequence="nothing was created.")
        raise typer.Exit(2) from None
    out.print(f"created {folder}: fill in statement.yaml and en.yaml, then run "
              f"`statement-pdf check {folder}`", markup=False, soft_wrap=True)


@app.command()
def languages() -> None:
    """List the languages the project can typeset (data/languages/)."""
    project = _project_here()
    table = Table("code", "name", "native", "dir", "script", "digits", "calendars")
    for code, language in sorted(project.languages.items()):
        table.add_row(code, language.name, language.native_name, language.direction,
                      language.script, language.digits, ", ".join(language.dates.forms))
    out.print(table)


@app.command()
def recipients() -> None:
    """List the offices letters can be sent to (data/recipients.yaml)."""
    project = _project_here()
    table = Table("id", "kind", "addressed to", "country", "languages")
    for recipient_id, recipient in sorted(project.recipients.items()):
        addressee = ", ".join(filter(None, [recipient.name, recipient.title]))
        table.add_row(recipient_id, recipient.kind, addressee, recipient.country,
                      ", ".join(recipient.languages))
    out.print(table)


def _project_here() -> Project:
    try:
        return load_project(find_project_root(Path.cwd()))
    except InputError as error:
        _report_problems(error, consequence="the project's data must be fixed first.")
        raise typer.Exit(2) from None
