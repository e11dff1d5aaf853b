"""`send` delivers the letters of the latest build by e-mail, recording each in the outbox so
that nothing goes twice (delivery/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..load import find_project_root, load_project, load_statement
from .app import PUBLISHING, app, ask_password, err, out, report_problems
from .arguments import StatementFolder

if TYPE_CHECKING:
    from ..delivery.outbox import MessageRecord
    from ..delivery.send import Planned


@app.command(rich_help_panel=PUBLISHING)
def send(
    statement_dir: StatementFolder,
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="FOLDER", help="The folder the letters were built into.")] = Path("out"),
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Write each message as OUT/<id>/outbox/<lang>-<recipient>.eml and "
        "send nothing.")] = False,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Send without asking for confirmation.")] = False,
    resend: Annotated[bool, typer.Option(
        "--resend", help="Also send the letters changed since they were sent.")] = False,
    smtp_config: Annotated[Path | None, typer.Option(
        "--smtp-config", metavar="FILE", help="SMTP settings (YAML: host, port, security, "
        "user, sender); default STATEMENT_PDF_SMTP_CONFIG or "
        "~/.config/statement-pdf/smtp.yaml; STATEMENT_PDF_SMTP_* variables override it.")
    ] = None,
) -> None:
    """E-mail every letter of the latest build to its office, each exactly once.

    OUT/<id>/outbox.json records what went to whom; a rerun sends only what was not accepted
    yet, and a letter changed since it was sent only with --resend. Refuses what `build
    --final` refuses, and unsigned letters when signing is set up. Exit 1 when a message
    failed (the others are sent), 2 when nothing could be sent."""
    # WeasyPrint (the preflight), smtplib and the e-mail modules only when sending
    from ..authoring.check import Scope, errors, preflight
    from ..delivery.outbox import Outbox
    from ..delivery.send import (
        default_sender,
        delivery_problems,
        letters_of_build,
        plan_messages,
        send_all,
        to_send,
        write_drafts,
    )
    from ..delivery.smtp import Connection, load_settings

    try:
        project = load_project(find_project_root(statement_dir))
        statement = load_statement(statement_dir, project)
        if statement.meta.letter is None:
            raise InputError([statement.documents["statement"].problem((), (
                "no `letter:` section: there are no letters to send"))])
        problems = list(errors(preflight(statement_dir, Scope(variants=["letter"]),
                                         final=True, measure=False)))
        letters = letters_of_build(project, statement, out_dir, problems)
        problems += delivery_problems(project, statement, letters)
        if problems:
            raise InputError(problems)
        settings = None if dry_run else load_settings(smtp_config)
    except InputError as error:
        report_problems(error, consequence="nothing was sent.")
        raise typer.Exit(2) from None
    sender = default_sender(statement)
    if settings is not None and settings.sender:
        from email.headerregistry import Address

        sender = Address(settings.sender_name or "", addr_spec=settings.sender)
    outbox = Outbox.load(out_dir / statement.meta.id, statement.meta.id)
    messages = plan_messages(project, statement, letters, outbox, sender)
    out.print(_plan_table(messages, resend))
    if dry_run:
        for path in write_drafts(project, statement, messages, out_dir, resend):
            out.print(f"wrote {path}", markup=False, soft_wrap=True)
        raise typer.Exit(0)
    due = [planned for planned in messages if to_send(planned, resend)]
    if not due:
        changed = sum(bool(planned.changed) for planned in messages)
        out.print("nothing to send" + (f": {changed} letter(s) changed since sent, which "
                                       "--resend sends again" if changed else
                                       ": every letter has been accepted by every address"),
                  markup=False, soft_wrap=True)
        raise typer.Exit(0)
    if not yes and not typer.confirm(f"Send {len(due)} message(s)?", default=False):
        err.print("nothing was sent.", markup=False)
        raise typer.Exit(1)
    password = None
    if settings.user:
        password = os.environ.get("STATEMENT_PDF_SMTP_PASSWORD") or ask_password(
            f"Password of {settings.user} at {settings.host}")
    records = list(send_all(project, statement, due, out_dir, outbox,
                            Connection(settings, password), resend, _report))
    failed = [delivery for record in records for delivery in record.deliveries
              if not delivery.accepted]
    accepted = sum(len(record.deliveries) for record in records) - len(failed)
    out.print(f"{accepted} address(es) accepted, {len(failed)} failed; "
              f"{out_dir / statement.meta.id / 'outbox.json'} records every answer",
              markup=False, soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


def _plan_table(messages: list[Planned], resend: bool) -> Table:
    table = Table("letter", "to", "status", title="Letters and where they go")
    for planned in messages:
        letter = planned.letter
        for address, field in planned.addresses.envelope:
            if (address, field) in planned.done:
                status = "sent"
            elif (address, field) in planned.changed:
                status = "changed since sent" + (": resend" if resend else " (--resend)")
            else:
                status = "to send"
            table.add_row(letter.key, f"{field}: {address}", status)
    return table


def _report(planned: Planned, record: MessageRecord) -> None:
    for delivery in record.deliveries:
        state = "[green]accepted[/green]" if delivery.accepted else "[red]FAILED[/red]"
        err.print(f"{state} {planned.letter.key} → {delivery.address}: {delivery.answer}",
                  soft_wrap=True, highlight=False)
