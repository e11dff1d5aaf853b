"""`OUT/<statement-id>/outbox.json`: what was sent to whom, so that nothing goes twice.

Each message is recorded with its recipient, language, the PDF and its sha256, its Message-ID,
and per address the server's answer and when it came. An address counts as served once the
server accepted a message for it; a rerun sends only to the addresses not yet served (an
interrupted or partly failed run is finished by running it again). A letter whose PDF changed
since it was accepted is "changed since sent" and goes again only when asked (`--resend`).

The log is rewritten (atomically) after every message, so that a run killed between two
messages loses nothing. One window cannot be closed on our side: a server that accepts a
message and is cut off before its answer arrives leaves it recorded as not sent; the message
then goes again with the same Message-ID, by which mail systems recognise a duplicate.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..atomic import write_atomically

OUTBOX_NAME = "outbox.json"


@dataclass
class Delivery:
    address: str
    field: str
    """to, cc or bcc."""
    accepted: bool
    answer: str
    time: str


@dataclass
class MessageRecord:
    recipient: str
    language: str
    pdf: str
    """Relative to the statement's output folder."""
    sha256: str
    message_id: str
    subject: str
    eml: str = ""
    """The copy of the bytes sent, relative to the statement's output folder."""
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class Outbox:
    folder: Path
    statement_id: str
    messages: list[MessageRecord] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.folder / OUTBOX_NAME

    @classmethod
    def load(cls, folder: Path, statement_id: str) -> Outbox:
        outbox = cls(folder, statement_id)
        if outbox.path.is_file():
            recorded = json.loads(outbox.path.read_text(encoding="utf-8"))["messages"]
            outbox.messages = [MessageRecord(**{**message, "deliveries": [
                Delivery(**delivery) for delivery in message["deliveries"]]})
                for message in recorded]
        return outbox

    def accepted_sha256(self, recipient: str, language: str, address: str) -> set[str]:
        """The versions of this letter (PDF digests) the address has accepted."""
        return {message.sha256 for message in self.messages
                if (message.recipient, message.language) == (recipient, language)
                and any(delivery.address == address and delivery.accepted
                        for delivery in message.deliveries)}

    def record(self, message: MessageRecord) -> None:
        """Add the message, or its new deliveries to the same message sent before."""
        for known in self.messages:
            if known.message_id == message.message_id:
                known.deliveries.extend(message.deliveries)
                known.eml = message.eml or known.eml
                break
        else:
            self.messages.append(message)
        self.save()

    def save(self) -> None:
        document = {"statement": self.statement_id,
                    "messages": [asdict(message) for message in self.messages]}
        write_atomically(self.path, (json.dumps(document, ensure_ascii=False, indent=2)
                                     + "\n").encode())
