"""The `statement-pdf` command: a thin layer over load → compose → render → publish.

Exit codes: 0 success, 1 a document failed, 2 bad input or usage.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import InputError
from .inspect_pdf import describe, inspect_pdf
from .load import find_project_root, load_project, load_statement
from .publish import plan, run, run_combined

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
) -> None:
    """Render a statement: OUT/<statement-id>/<lang>/<variant>.pdf for each language and variant."""
    try:
        project = load_project(find_project_root(statement_dir))
        statement = load_statement(statement_dir, project)
        jobs = plan(project, statement, lang, variant, paper.value, profile, recipient)
    except InputError as error:
        _report_problems(error)
        raise typer.Exit(2) from None
    outcomes = run(project, jobs, out_dir, emit_html)
    if combined:
        outcomes += run_combined(project, jobs, out_dir)
    failed = [outcome for outcome in outcomes if outcome.error]
    for outcome in outcomes:
        if outcome.error:
            err.print(f"[red]failed[/red] {outcome.path}: {outcome.error}", soft_wrap=True)
        else:
            out.print(f"wrote {outcome.path} ({outcome.pages} pages, {outcome.bytes:,} bytes)")
    raise typer.Exit(1 if failed else 0)


@app.command()
def inspect(
    pdf_file: Annotated[Path, typer.Argument(help="The PDF to look into.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """What a PDF claims and contains: standard and profile, pages, paper and print boxes,
    language, tags, metadata, bookmarks, fonts (embedded, subset), attached files."""
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
