"""`serve`: the statements in the browser while they are written (see the serve/ package)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..load import find_project_root
from .app import WRITING, app, err, report_problems
from .arguments import Languages, Variants, complete_statement, find_statement


def _statement_or_all(value: Path | None) -> Path | None:
    return None if value is None else find_statement(value)


@app.command(rich_help_panel=WRITING)
def serve(
    statement_dir: Annotated[Path | None, typer.Argument(
        metavar="STATEMENT", callback=_statement_or_all, autocompletion=complete_statement,
        help="The statement: its id or its folder; default: every statement of the project "
        "here.", show_default=False)] = None,
    host: Annotated[str, typer.Option(
        "--host", metavar="ADDRESS", help="Address to listen on. Anything but 127.0.0.1 lets "
        "other machines read the statements (a warning says so).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        "--port", metavar="N", min=0, max=65535, help="Port; 0 picks a free one.")] = 8000,
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="FOLDER", help="Output folder, as for build.")] = Path("out"),
    lang: Languages = None,
    variant: Variants = None,
) -> None:
    """Preview in the browser while you write: every language side by side as the real PDF
    pages, with check's problems beside them, rendered again a moment after each save.

    The PDFs are the build's own (OUT/<statement-id>/, manifest included). Ctrl-C stops."""
    try:
        from ..serve.server import serve as serve_preview
    except ImportError as error:
        err.print(f"statement-pdf serve needs the serve extra ({error.name} is not installed): "
                  "pip install 'statement-pdf[serve]'", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if statement_dir and not (statement_dir / "statement.yaml").is_file():
        err.print(f"{statement_dir}: not a statement's folder (no statement.yaml)", markup=False,
                  soft_wrap=True)
        raise typer.Exit(2)
    try:
        serve_preview(find_project_root(statement_dir or Path.cwd()), out_dir,
                      [statement_dir] if statement_dir else None, host, port, lang, variant,
                      announce=lambda line: print(line, flush=True))
    except InputError as error:
        report_problems(error, consequence="nothing was served.")
        raise typer.Exit(2) from None
