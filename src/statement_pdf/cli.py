"""The `statement-pdf` command: a thin layer over load → compose → render → publish.

Exit codes: 0 success, 1 a document failed, 2 bad input or usage.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import InputError
from .load import find_project_root, load_project, load_statement
from .publish import plan, run

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
) -> None:
    """Render a statement: OUT/<statement-id>/<lang>/<variant>.pdf for each language and variant."""
    try:
        project = load_project(find_project_root(statement_dir))
        statement = load_statement(statement_dir, project)
        jobs = plan(project, statement, lang, variant, paper.value, profile)
    except InputError as error:
        _report_problems(error)
        raise typer.Exit(2) from None
    outcomes = run(project, jobs, out_dir, emit_html)
    failed = [outcome for outcome in outcomes if outcome.error]
    for outcome in outcomes:
        if outcome.error:
            err.print(f"[red]failed[/red] {outcome.path}: {outcome.error}", soft_wrap=True)
        else:
            out.print(f"wrote {outcome.path} ({outcome.pages} pages, {outcome.bytes:,} bytes)")
    raise typer.Exit(1 if failed else 0)


def _report_problems(error: InputError) -> None:
    for problem in error.problems:
        err.print(str(problem), markup=False, soft_wrap=True)
    err.print(f"{len(error.problems)} problem(s); nothing was rendered.", markup=False)
