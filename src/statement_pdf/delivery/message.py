"""The e-mail of one letter: the letter's subject, a short cover note in the letter's language
(the language file's `cover_note`), the PDF attached, Reply-To the press contacts.

The body has a plain-text part and an HTML part. A right-to-left letter's HTML is
`<html dir="rtl" lang="ur">`, its Latin runs (the reference, an address) isolated with <bdi>
as in the PDFs; the plain text isolates them with the Unicode isolate controls instead.
Everything the data puts in the HTML is escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from markupsafe import Markup

from ..datatemplates import fill
from ..letters import recipient_words
from ..localise import Localiser
from ..model import Project, Statement

POLICY = SMTP.clone(max_line_length=998)
"""CRLF line ends; headers folded only at SMTP's hard limit: CPython's folding at 78 drops the
space between two encoded words of a long right-to-left subject ("کی اجتماعی" came back as
"کیاجتماعی"); a header within the limit comes back as it was written."""


@dataclass(frozen=True)
class Letter:
    """One letter of the latest build, as the manifest records it."""

    recipient: str
    language: str
    pdf: Path
    key: str
    """Its path relative to the statement's output folder ("ur/letter-pm-pakistan.pdf")."""
    sha256: str
    signer: str | None


@dataclass(frozen=True)
class Addresses:
    to: list[str]
    cc: list[str]
    bcc: list[str]
    sender: Address
    reply_to: list[Address]

    @property
    def envelope(self) -> list[tuple[str, str]]:
        """Every address the server is asked to deliver to, with the field it is in."""
        return [(address, field) for field in ("to", "cc", "bcc")
                for address in getattr(self, field)]


def subject_of(project: Project, statement: Statement, letter: Letter) -> str:
    local = Localiser(project.languages[letter.language])
    block = statement.texts[letter.language].section("letter-subject").blocks[0]
    return local.plain(block.plain)


def message_id(letter: Letter, statement: Statement, sender: Address) -> str:
    """The same letter (same PDF) has the same Message-ID whenever it is sent, so that a mail
    system can recognise a message that went twice; a changed PDF is another message."""
    return (f"<{letter.sha256[:24]}.{letter.recipient}.{letter.language}."
            f"{statement.meta.id}@{sender.domain}>")


def build_message(project: Project, statement: Statement, letter: Letter,
                  addresses: Addresses, when: dt.datetime) -> EmailMessage:
    local = Localiser(project.languages[letter.language])
    paragraphs = cover_note(project, statement, letter, addresses)
    message = EmailMessage(policy=POLICY)
    message["From"] = addresses.sender
    message["To"] = ", ".join(addresses.to)
    if addresses.cc:
        message["Cc"] = ", ".join(addresses.cc)
    message["Reply-To"] = addresses.reply_to
    message["Subject"] = subject_of(project, statement, letter)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id(letter, statement, addresses.sender)
    plain = "\n\n".join("\n".join(local.plain(line) for line in paragraph.splitlines())
                        for paragraph in paragraphs)
    message.set_content(plain + "\n", cte="quoted-printable")
    message.add_alternative(_html(local, paragraphs), subtype="html", cte="quoted-printable")
    message.add_attachment(letter.pdf.read_bytes(), maintype="application", subtype="pdf",
                           filename=attachment_name(statement, letter))
    message["Content-Language"] = letter.language  # after the parts: they take Content-*
    return message


def attachment_name(statement: Statement, letter: Letter) -> str:
    return f"{statement.meta.id}-{letter.recipient}-{letter.language}.pdf"


def cover_note(project: Project, statement: Statement, letter: Letter,
               addresses: Addresses) -> list[str]:
    """The cover note's paragraphs with the letter's values filled in (plain text; the line
    breaks inside a paragraph are kept, as under the close)."""
    language = project.languages[letter.language]
    local = Localiser(language)
    words = recipient_words(project, statement, letter.recipient, letter.language)
    contact = ", ".join(str(address) for address in addresses.reply_to)
    text = fill(
        language.cover_note.text, salutation=words["salutation"], close=words["close"],
        reference=words["reference"], date=local.date(statement.meta.date), contact=contact,
        subject=statement.texts[letter.language].section("letter-subject").blocks[0].plain)
    return [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]


def _html(local: Localiser, paragraphs: list[str]) -> str:
    """The cover note as a small HTML document in the letter's direction and language."""
    language = local.language
    body = "\n".join(Markup("<p>%s</p>") % Markup("<br>\n").join(
        local.text(line) for line in paragraph.splitlines()) for paragraph in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="{language.code}" dir="{language.direction}">\n'
            f'<head><meta charset="utf-8"></head>\n<body dir="{language.direction}">\n'
            f"{body}\n</body>\n</html>\n")
