"""`build` makes the PDFs of a statement; `inspect` says what a finished PDF claims and holds."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..delivery.sign import seal_for_build
from ..errors import InputError, OutputError
from ..load import find_project_root, load_project, load_statement
from ..publish import plan, run, run_combined
from ..publish.batch import LocalPool
from ..publish.cluster import ClusterError, DaskCluster
from ..publish.report import Summary, progress_bar, summary_table
from ..publish.report import as_json as report_json
from .app import PUBLISHING, app, ask_password, err, out, report_problems
from .arguments import (
    DEFAULT_JOBS,
    Jobs,
    Languages,
    Paper,
    PaperSize,
    ProfileName,
    Recipients,
    StatementFolder,
    Variants,
)

if TYPE_CHECKING:
    from ..authoring.check import Scope


@app.command(rich_help_panel=PUBLISHING)
def build(
    statement_dir: StatementFolder,
    lang: Languages = None,
    variant: Variants = None,
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="FOLDER", help="Output folder.")] = Path("out"),
    paper: PaperSize = Paper.a4,
    emit_html: Annotated[bool, typer.Option(
        "--emit-html", help="Also write the composed HTML beside each PDF.")] = False,
    profile: ProfileName = None,
    recipient: Recipients = None,
    combined: Annotated[bool, typer.Option(
        "--combined", help="Letters: also one print file per language with all its letters "
        "in sequence (OUT/<id>/<lang>/letters.pdf).")] = False,
    final: Annotated[bool, typer.Option(
        "--final", help="The build to send out: refuse drafts, out-of-date translations, "
        "placeholders and any problem `check` finds, rendering nothing.")] = False,
    jobs: Jobs = DEFAULT_JOBS,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", metavar="ADDRESS", help="Render on a Dask cluster: its scheduler's "
        "address (tcp://host:8786), or local:N to start N worker processes here. Needs "
        "pip install 'statement-pdf\\[cluster]'; see docs/cluster.md.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Render every document, even those the manifest shows are current.")
    ] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar or summary; failures are still reported.")
    ] = False,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON document describing every output, and nothing else "
        "on standard output.")] = False,
    sign: Annotated[bool | None, typer.Option(
        "--sign/--no-sign", help="Sign the letters (PAdES) with the key of the `signing:` "
        "section or --signing-key; default: signed when a `signing:` section is set up.",
        show_default=False)] = None,
    signing_key: Annotated[Path | None, typer.Option(
        "--signing-key", metavar="FILE", help="PKCS#12 file, or PEM private key (with "
        "--signing-cert); its password from STATEMENT_PDF_SIGNING_PASSWORD or a prompt.")
    ] = None,
    signing_cert: Annotated[Path | None, typer.Option(
        "--signing-cert", metavar="FILE", help="PEM certificate of a PEM key, followed by "
        "its chain.")] = None,
    timestamp_url: Annotated[str | None, typer.Option(
        "--timestamp-url", metavar="URL", help="RFC 3161 timestamp server: PAdES B-T "
        "instead of B-B.")] = None,
) -> None:
    """Render a statement: OUT/<statement-id>/<lang>/<variant>.pdf for each language and variant.

    Documents whose inputs are unchanged since the last build (OUT/<statement-id>/manifest.json)
    are skipped; one failing document does not stop the others (exit code 1). Use --final for
    what goes out to journalists and offices."""
    if final:
        from ..authoring.check import (
            Scope,  # preflight lays pages out: WeasyPrint only when asked for
        )

        _refuse_unless_final(statement_dir, Scope(lang, variant, recipient, paper.value, profile))
    try:
        executor = DaskCluster.from_option(cluster) if cluster else LocalPool(jobs)
    except ClusterError as error:
        err.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        project = load_project(find_project_root(statement_dir))
        statement = load_statement(statement_dir, project)
        planned = plan(project, statement, lang, variant, paper.value, profile, recipient)
        seal = seal_for_build(project, statement, sign, ask_password, signing_key,
                              signing_cert, timestamp_url)
    except InputError as error:
        report_problems(error)
        raise typer.Exit(2) from None
    logging.basicConfig(format="warning: %(message)s", level=logging.WARNING)
    started = time.perf_counter()
    try:
        with progress_bar(err, len(planned), enabled=not (quiet or as_json)) as progress:
            outcomes = run(project, planned, out_dir, emit_html, executor=executor,
                           force=force, progress=progress, seal=seal)
        if combined:
            outcomes += run_combined(project, planned, out_dir, force=force)
    except ClusterError as error:
        err.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("interrupted: finished documents are kept and recorded in the manifest; "
                  "no partial files were left.", markup=False)
        raise typer.Exit(130) from None
    except OutputError as error:
        err.print(f"error: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
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


def _refuse_unless_final(statement_dir: Path, scope: Scope) -> None:
    from ..authoring.check import preflight

    if problems := preflight(statement_dir, scope, final=True):
        report_problems(InputError(problems), consequence="--final: nothing was rendered, "
                        "the statement is not ready for publication.")
        raise typer.Exit(2)


@app.command(rich_help_panel=PUBLISHING)
def inspect(
    pdf_file: Annotated[Path, typer.Argument(
        metavar="PDF", help="The PDF to look into.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    trust: Annotated[list[Path] | None, typer.Option(
        "--trust", metavar="CERT", help="A certificate (PEM or DER) the signatures must chain "
        "to (repeatable); without it the chain is not judged.")] = None,
) -> None:
    """What a PDF claims and contains, to look at before it is sent.

    Standard and profile, pages, paper and print boxes, language, tags, metadata, bookmarks,
    fonts (embedded, subset), attached files, each signature (signer, time, intact, whole
    file, trusted) and, for a document of a build, how much of its text each PDF reader gives
    back. Exit 1 when a signature is altered, does not cover the whole file, or does not chain
    to a --trust certificate."""
    from ..inspect_pdf import describe, inspect_pdf  # pikepdf only when asked for

    try:
        report = inspect_pdf(pdf_file, trust)
    except InputError as error:
        if as_json:
            print(json.dumps({"path": str(pdf_file), "problems": [
                problem.message for problem in error.problems]}, ensure_ascii=False, indent=2))
        report_problems(error, consequence="nothing to inspect.")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in describe(report):
            out.print(line, markup=False, soft_wrap=True)
    if report.problems:
        err.print(f"{pdf_file}: {len(report.problems)} part(s) of the PDF could not be read "
                  "(listed under damage)", markup=False, soft_wrap=True)
    raise typer.Exit(0 if report.signatures_hold and not report.problems else 1)
