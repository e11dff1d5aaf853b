"""`statement-pdf send`: every letter of the latest build to its office, by e-mail.

What goes is decided here, before anything is sent: the letters of the statement as the
manifest records them (current with the data, or they must be built again), each office's
addresses (data/recipients.yaml `email:`) and the statement's copies (`letter: email:`), and
what the outbox says each address has already accepted. What refuses to go is refused as
`build --final` refuses (authoring/check.py `preflight(final=True)`: drafts, out-of-date
translations, placeholders, every error `check` finds) plus what only sending needs: an
address, a reviewed cover note, a press contact for Reply-To, and, when signing is set up, an
intact signature on every letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from ..atomic import write_atomically
from ..errors import Problem
from ..load import entry_index
from ..model import Project, Statement
from ..publish.manifest import Manifest, fingerprint, inputs_of
from ..publish.run import output_path, plan
from .message import Addresses, Letter, build_message, message_id, subject_of
from .outbox import Delivery, MessageRecord, Outbox
from .sign import configured_signing
from .smtp import Connection


@dataclass(frozen=True)
class Planned:
    """One letter's e-mail and where it stands: the addresses still due, and those that
    accepted an earlier version of the letter (changed since sent)."""

    letter: Letter
    addresses: Addresses
    due: list[tuple[str, str]]
    changed: list[tuple[str, str]]
    done: list[tuple[str, str]]


def outbox_folder(out: Path, statement: Statement) -> Path:
    return out / statement.meta.id


def letters_of_build(project: Project, statement: Statement, out: Path,
                     problems: list[Problem]) -> list[Letter]:
    """The letters of the latest build that are current with the data; each one missing or
    out of date is a problem saying to build it."""
    folder = out / statement.meta.id
    manifest = Manifest.load(folder, statement.meta.id)
    letters, known = [], {}
    for job in plan(project, statement, variants=["letter"]):
        target = output_path(project, out, job)
        entry = manifest.entries.get(manifest.key(target))
        recorded = entry and {key: value for key, value in entry.inputs.items()
                              if key != "signing"}
        if entry is None or fingerprint(recorded) != fingerprint(inputs_of(project, job, known)):
            problems.append(Problem(target, 1, 1, (
                "not built" if entry is None else "built from other data than the current") +
                f": run `statement-pdf build {statement.folder} --variant letter --out {out}`"))
            continue
        letters.append(Letter(job.recipient, job.language, target, manifest.key(target),
                              entry.sha256, entry.signer))
    return letters


def delivery_problems(project: Project, statement: Statement,
                      letters: list[Letter]) -> list[Problem]:
    """What only sending needs, beyond what `build --final` asks."""
    problems = []
    recipients = project.documents["recipients"]
    for recipient_id in dict.fromkeys(letter.recipient for letter in letters):
        if not project.recipients[recipient_id].email:
            problems.append(recipients.problem((entry_index(recipients, recipient_id),), (
                f"{recipient_id} has no e-mail address: add `email: [address]` to send the "
                "letter")))
    for code in dict.fromkeys(letter.language for letter in letters):
        document, note = project.documents[f"languages/{code}"], project.languages[code].cover_note
        if note is None:
            problems.append(document.problem((), "no `cover_note:` in this language, which "
                                             "letters are e-mailed in"))
        elif note.status == "draft":
            problems.append(document.problem(("cover_note", "status"), (
                "the cover note is a draft: have it reviewed, then set status: approved")))
    if not statement.meta.media_contacts:
        problems.append(statement.documents["statement"].problem((), (
            "no media_contacts: the e-mails need a press contact to reply to")))
    if configured_signing(project, statement) is not None:
        problems.extend(_signature_problems(letters))
    return problems


def _signature_problems(letters: list[Letter]) -> list[Problem]:
    from .verify import is_signed_intact  # pyHanko only where signing is set up

    return [Problem(letter.pdf, 1, 1, "not signed, but signing is set up: run build --sign"
                    if letter.signer is None else "its signature is broken or does not cover "
                    "the whole file: build it again")
            for letter in letters if letter.signer is None or not is_signed_intact(letter.pdf)]


def addresses_for(project: Project, statement: Statement, letter: Letter,
                  sender: Address) -> Addresses:
    email = statement.meta.letter.email
    return Addresses(
        to=list(project.recipients[letter.recipient].email), cc=list(email.cc),
        bcc=list(email.bcc), sender=sender,
        reply_to=[Address(contact.name, addr_spec=contact.email)
                  for contact in statement.meta.media_contacts])


def default_sender(statement: Statement) -> Address:
    contact = statement.meta.media_contacts[0]
    return Address(contact.name, addr_spec=contact.email)


def plan_messages(project: Project, statement: Statement, letters: list[Letter],
                  outbox: Outbox, sender: Address) -> list[Planned]:
    planned = []
    for letter in letters:
        addresses = addresses_for(project, statement, letter, sender)
        due, changed, done = [], [], []
        for address, field in addresses.envelope:
            versions = outbox.accepted_sha256(letter.recipient, letter.language, address)
            (done if letter.sha256 in versions else changed if versions else due).append(
                (address, field))
        planned.append(Planned(letter, addresses, due, changed, done))
    return planned


def to_send(planned: Planned, resend: bool) -> list[tuple[str, str]]:
    return planned.due + (planned.changed if resend else [])


def write_drafts(project: Project, statement: Statement, messages: list[Planned], out: Path,
                 resend: bool) -> list[Path]:
    """--dry-run: each message that would go, as OUT/<id>/outbox/<lang>-<recipient>.eml."""
    written = []
    for planned in messages:
        if not to_send(planned, resend):
            continue
        message = build_message(project, statement, planned.letter, planned.addresses,
                                dt.datetime.now(dt.UTC))
        path = outbox_folder(out, statement) / "outbox" / (
            f"{planned.letter.language}-{planned.letter.recipient}.eml")
        write_atomically(path, message.as_bytes())
        written.append(path)
    return written


def send_all(project: Project, statement: Statement, messages: list[Planned], out: Path,
             outbox: Outbox, connection: Connection, resend: bool,
             progress: Callable[[Planned, MessageRecord], None]) -> Iterator[MessageRecord]:
    """Send each message to the addresses it is due to, one at a time, recording each in the
    outbox as soon as the server answered. A failure is that message's, never the run's."""
    for planned in messages:
        envelope = to_send(planned, resend)
        if not envelope:
            continue
        letter = planned.letter
        message = build_message(project, statement, letter, planned.addresses,
                                dt.datetime.now(dt.UTC))
        content = message.as_bytes()
        identifier = message_id(letter, statement, planned.addresses.sender)
        copy = outbox_folder(out, statement) / "outbox" / "sent" / (
            f"{letter.language}-{letter.recipient}-{letter.sha256[:12]}.eml")
        write_atomically(copy, content)
        answers = connection.send(content, planned.addresses.sender.addr_spec,
                                  [address for address, _ in envelope])
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        record = MessageRecord(
            recipient=letter.recipient, language=letter.language, pdf=letter.key,
            sha256=letter.sha256, message_id=identifier,
            subject=subject_of(project, statement, letter),
            eml=copy.relative_to(outbox.folder).as_posix(),
            deliveries=[Delivery(address, field, answers[address].accepted,
                                 answers[address].reply, now) for address, field in envelope])
        outbox.record(record)
        progress(planned, record)
        yield record
    connection.close()
