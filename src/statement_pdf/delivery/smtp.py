"""The SMTP server letters are sent through: its settings, from a config file or the
environment, and one connection that sends a message and reports the server's answer for each
address.

Settings (a YAML file named by --smtp-config or STATEMENT_PDF_SMTP_CONFIG, else
~/.config/statement-pdf/smtp.yaml when it exists; each STATEMENT_PDF_SMTP_<FIELD> variable
overrides the file): host, port, security (starttls, tls or none), user, sender (the From
address), ca_file (a certificate authority to trust besides the system's), timeout. The password
is never in the file: it comes from STATEMENT_PDF_SMTP_PASSWORD or is asked for.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from ..errors import InputError, Problem
from ..model import EmailAddress, Schema, Text
from ..yamlsource import read_yaml

ENVIRONMENT_PREFIX = "STATEMENT_PDF_SMTP_"
PASSWORD_VARIABLE = "STATEMENT_PDF_SMTP_PASSWORD"
DEFAULT_CONFIG = Path("~/.config/statement-pdf/smtp.yaml")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


class SmtpSettings(Schema):
    host: Text
    port: int | None = Field(default=None, ge=1, le=65535)
    """Default: 587 with STARTTLS, 465 with implicit TLS, 25 without."""
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: Text | None = None
    sender: EmailAddress | None = None
    """The From address; default: the statement's first press contact."""
    sender_name: Text | None = None
    ca_file: Text | None = None
    timeout: float = Field(default=60, gt=0)
    """Seconds to wait for the server before that message fails."""


def load_settings(config: Path | None = None) -> SmtpSettings:
    """The settings from the config file and the environment; a located problem when they are
    missing or wrong."""
    path = config or _config_from_environment()
    values: dict[str, object] = {}
    document = None
    if path is not None:
        document = read_yaml(path)
        if not isinstance(document.data, dict):
            raise InputError([Problem(path, 1, 1, "expected a mapping of SMTP settings "
                                      "(host, port, security, user, sender)")])
        if "password" in document.data:
            raise InputError([document.problem(("password",), (
                f"no password in a file: set {PASSWORD_VARIABLE}, or type it when asked"),
                at_key=True)])
        values.update(document.data)
    for name in SmtpSettings.model_fields:
        if (value := os.environ.get(ENVIRONMENT_PREFIX + name.upper())) is not None:
            values[name] = value
    if "host" not in values:
        raise InputError([Problem(path or DEFAULT_CONFIG.expanduser(), 1, 1, (
            f"no SMTP server: write its settings there (host, port, security, user, sender) "
            f"or set {ENVIRONMENT_PREFIX}HOST"))])
    try:
        return SmtpSettings.model_validate(values)
    except ValidationError as error:
        where = document or None
        raise InputError([
            where.problem(tuple(detail["loc"]), f"{'.'.join(map(str, detail['loc']))}: "
                          f"{detail['msg']}") if where is not None else
            Problem(Path(ENVIRONMENT_PREFIX + "*"), 1, 1, f"{detail['loc'][0]}: {detail['msg']}")
            for detail in error.errors()]) from None


def _config_from_environment() -> Path | None:
    if named := os.environ.get("STATEMENT_PDF_SMTP_CONFIG"):
        return Path(named)
    default = DEFAULT_CONFIG.expanduser()
    return default if default.is_file() else None


@dataclass(frozen=True)
class Answer:
    """What the server said about one address of a message."""

    accepted: bool
    reply: str
    """Its reply ("250 2.0.0 Ok: queued as …"), or what went wrong on our side."""


class Connection:
    """One SMTP session, opened when the first message is sent and again after the server
    dropped it: a dropped connection fails the message in flight, not the ones after it."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: bytes, sender: str, addresses: list[str]) -> dict[str, Answer]:
        """Send `message` to `addresses`; the answer for each address. Nothing raises: a
        refused or unreachable address is an answer."""
        try:
            smtp = self.smtp or self._open()
            return _transaction(smtp, message, sender, addresses)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            return {address: Answer(False, _failure(error)) for address in addresses}

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context(cafile=settings.ca_file)
        port = settings.port or DEFAULT_PORTS[settings.security]
        if settings.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, port, timeout=settings.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(settings.host, port, timeout=settings.timeout)
            if settings.security == "starttls":
                smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, self.password or "")
        self.smtp = smtp
        return smtp


def _transaction(smtp: smtplib.SMTP, message: bytes, sender: str,
                 addresses: list[str]) -> dict[str, Answer]:
    """MAIL, one RCPT per address, DATA: each address gets the server's own answer."""
    code, reply = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        return {address: Answer(False, _reply(code, reply)) for address in addresses}
    answers = {}
    for address in addresses:
        code, reply = smtp.rcpt(address)
        answers[address] = Answer(code in (250, 251), _reply(code, reply))
    if not any(answer.accepted for answer in answers.values()):
        smtp.rset()
        return answers
    code, reply = smtp.data(message)
    final = Answer(code == 250, _reply(code, reply))
    return {address: final if answer.accepted else answer for address, answer in answers.items()}


def _reply(code: int, reply: bytes) -> str:
    return f"{code} {reply.decode(errors='replace')}"


def _failure(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection before it answered (not delivered)"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"the server refused the login: {_reply(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return f"no connection to the server: {error}"
