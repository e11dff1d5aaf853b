"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 with STARTTLS (the certificate is
the test PKI's) and AUTH required, keeping every message exactly as it arrived. It can refuse
one address, and drop the connection in the middle of a chosen message."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "coalition", "smtp secret"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Handler:
    refuse: set[str] = field(default_factory=set)
    drop_at: int | None = None
    """Drop the connection instead of answering this message's DATA (counted from 1)."""
    received: list[Received] = field(default_factory=list)
    data_seen: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.data_seen == self.drop_at:
            server.transport.abort()  # gone before it answered: nothing was delivered
            return "421 closing"
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content))
        return f"250 2.0.0 Ok: queued as {len(self.received)}"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
    return AuthResult(success=ok)


@contextmanager
def smtp_server(pki, handler: Handler) -> Iterator[int]:
    """The port of a server that requires STARTTLS before AUTH, and AUTH before mail."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=_authenticate,
                            auth_required=True, auth_require_tls=True,
                            ready_timeout=30)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
