"""The Typer application every command module registers on, and what they share: the consoles,
how a list of problems is printed, and the project found from the working directory.

Typer 0.29 prints the type of every parameter in --help (`--force <bool>`, `STATEMENT <path>`),
which reads as if a switch took a value; `_Group` shows switches bare and a named value by its
name only (`--lang CODE`), as a person writes them.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from .. import __version__
from ..errors import InputError
from ..load import find_project_root, load_project
from ..model import Project

err = Console(stderr=True, highlight=False, emoji=False)  # ":two:" is not an emoji here
out = Console(highlight=False, emoji=False)


def _as_people_write_them(command: Any, ctx: Any) -> None:
    """A switch (`--force`, `-h`) takes no value: nothing after it in --help; a value with a
    name (`STATEMENT`, `--lang CODE`) is shown by its name, without Typer's type after it, and
    a required argument in the usage line as manual pages write it (`build STATEMENT`, not
    Typer's `{STATEMENT}`). The help's paragraphs are filled to the terminal's width."""
    command.help = _filled(command.help)
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif param.metavar and param.param_type_name == "argument":
            param.display_type_rich = lambda ctx: None
            if param.required and param.nargs == 1:
                param._usage_display_name = lambda param=param: param.display_name_raw


def _filled(text: str | None) -> str | None:
    """The paragraphs of a docstring with the line breaks of its source joined: Typer keeps
    them, so at 80 columns a paragraph wrapped at 95 in the source breaks every other line
    after a few words."""
    if not text:
        return text
    return "\n\n".join(" ".join(paragraph.split())
                       for paragraph in inspect.cleandoc(text).split("\n\n"))


class _Group(TyperGroup):
    """The command group, showing every command's parameters as people write them."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _as_people_write_them(self, ctx)
        super().format_help(ctx, formatter)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _as_people_write_them(command, ctx)
        return command


app = typer.Typer(
    cls=_Group,
    help="Publish joint statements as print-ready PDFs in every language.",
    epilog="Run `statement-pdf COMMAND -h` for a command's options. Exit codes: 0 success, "
           "1 a document failed (check: errors found), 2 bad input or usage.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

WRITING = "Writing and translating"
PUBLISHING = "Publishing"
LISTING = "The project's data"


def _print_version(value: bool) -> None:
    if value:
        out.print(f"statement-pdf {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """Publish joint statements as print-ready PDFs in every language.

    Start with `statement-pdf new ID`, fill in the files, `statement-pdf check ID`, then
    `statement-pdf build ID` (add --final for what is sent out)."""


def report_problems(error: InputError, consequence: str = "nothing was rendered.") -> None:
    for problem in error.problems:
        err.print(str(problem), markup=False, soft_wrap=True)
    err.print(f"{len(error.problems)} problem(s); {consequence}", markup=False)


def ask_password(prompt: str) -> str | None:
    """A password is typed, never stored: asked only where someone can answer."""
    if not sys.stdin.isatty():
        return None
    return typer.prompt(prompt, hide_input=True, err=True)


def project_here() -> Project:
    """The project the working directory is in, or exit 2 with its problems."""
    try:
        return load_project(find_project_root(Path.cwd()))
    except InputError as error:
        report_problems(error, consequence="the project's data must be fixed first.")
        raise typer.Exit(2) from None
