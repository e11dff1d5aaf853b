"""What keeps a local preview server from becoming a way into the machine or its statements.

Statements are confidential until their embargo, and the server can write files. So:

- it listens on 127.0.0.1 unless told otherwise (and then says what that exposes);
- it answers only to the Host names it is served under, so a web page whose domain is made to
  point at 127.0.0.1 (DNS rebinding) cannot read it;
- a request that changes anything must come from the server's own pages: the same origin, and
  the per-session token those pages carry (a page elsewhere can neither send the one nor read
  the other);
- a file named in a URL must be a file of the project's data/ or layouts/ (no `..`, no link out);
- every response forbids scripts and styles from anywhere but the server itself, so even an
  escaping mistake could not run injected code.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
ALL_INTERFACES = ("0.0.0.0", "::")
TOKEN_HEADER = "x-statement-pdf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
READABLE_FOLDERS = ("data", "layouts")
"""The project's folders a browser may read files from (the source view of a problem)."""

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; font-src 'self'; connect-src 'self'; "
                               "form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def exposed(host: str) -> bool:
    """Whether other machines may reach a server bound to `host`."""
    return host not in LOOPBACK_NAMES


def allowed_hosts(host: str) -> list[str] | None:
    """The Host names the server answers to; None (any) when it listens on every interface,
    where the names it is reached by cannot be known (the warning at start says so)."""
    if host in ALL_INTERFACES:
        return None
    return list(dict.fromkeys([*LOOPBACK_NAMES, host]))


class Guard:
    """ASGI middleware in front of the whole application (pure ASGI, so that the event stream
    passes through unbuffered)."""

    def __init__(self, app: ASGIApp, token: str, hosts: Iterable[str] | None) -> None:
        self.app = app
        self.token = token
        self.hosts = None if hosts is None else {name.lower() for name in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if refusal := self.refusal(scope):
            status, reason = refusal
            response = PlainTextResponse(reason, status_code=status, headers=SECURITY_HEADERS)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.hosts is not None and host_name(host) not in self.hosts:
            return 400, (f"refused: this server does not answer to the host name "
                         f"'{host_name(host)}'; open it by the address it printed")
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin != f"http://{host}":
            return 403, (f"refused: a change must come from this server's own pages, not from "
                         f"{origin or 'a request without an Origin'}")
        if not secrets.compare_digest(headers.get(TOKEN_HEADER, "").encode(),
                                      self.token.encode()):
            return 403, ("refused: the session token is missing or out of date (the server was "
                         "restarted?); reload the page and try again")
        return None


def host_name(host_header: str) -> str:
    """"127.0.0.1:8000" → "127.0.0.1", "[::1]:8000" → "::1"."""
    if host_header.startswith("["):
        return host_header[1:].partition("]")[0].lower()
    return host_header.rpartition(":")[0].lower() if ":" in host_header else host_header.lower()


def confined(root: Path, relative: str) -> Path | None:
    """The file `relative` names inside the project's readable folders, or None: absolute
    paths, `..` out of them and links pointing out of them are all refused the same way."""
    root = root.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_file():
        return None
    if any(candidate.is_relative_to(root / folder) for folder in READABLE_FOLDERS):
        return candidate
    return None
