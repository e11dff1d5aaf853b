"""Running the preview: the socket, uvicorn, the file watcher and the rebuilding thread.

Three things run at once: uvicorn answers the browser (asyncio, main thread); `watchfiles`
reports saved files under data/, layouts/ and assets/ (a task in the same loop); the `Builder`
thread renders. Rendering is CPU work in WeasyPrint, so it gets its own thread and never blocks
the pages; saves that arrive while it renders are gathered into the next rebuild.

Ctrl-C (or SIGTERM): uvicorn stops accepting, the open event streams are ended so they do not
hold it up, the watcher stops, and the builder stops between two documents — a PDF is written
whole or not at all (publish/ sees to that), and the manifest lists only what is on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from types import FrameType

import uvicorn
from starlette.applications import Starlette
from watchfiles import DefaultFilter, awatch

from ..atomic import PARTIAL_SUFFIX
from ..errors import InputError, Problem
from .app import create_app
from .events import Broadcaster
from .preview import LOG, Preview, Stopped, Superseded
from .safety import allowed_hosts, exposed, new_token

WATCHED = ("data", "layouts", "assets")
"""The project's folders whose files go into documents."""
STOP_WAIT_SECONDS = 30.0
"""How long Ctrl-C waits for the document being rendered (a letter takes about a second)."""


class Builder(threading.Thread):
    """The one thread that rebuilds. Requests gather while it works; a new one makes the
    rebuild in progress stop after its current document, and the next rebuild does both."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(name="statement-pdf rebuild", daemon=True)
        self.preview = preview
        preview.superseded = lambda: self._pending
        self._wake = threading.Condition()
        self._changed: set[Path] | None = None
        """The files saved since the last rebuild started; None: everything (the first)."""
        self._forced: set[str] = set()
        self._pending = True

    def request(self, changed: Iterable[Path] = (), force: str | None = None) -> None:
        with self._wake:
            self._take_over(set(changed), {force} if force else set())
            self._pending = True
            self._wake.notify()

    def _take_over(self, changed: set[Path] | None, forced: set[str]) -> None:
        """Called with the lock held: add to what the next rebuild must do."""
        self._changed = None if self._changed is None or changed is None \
            else self._changed | changed
        self._forced |= forced

    def stop(self) -> None:
        self.preview.stopping.set()
        with self._wake:
            self._wake.notify()
        self.join(STOP_WAIT_SECONDS)

    def run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self.preview.stopping.is_set():
                    self._wake.wait()
                if self.preview.stopping.is_set():
                    return
                changed, forced = self._changed, self._forced
                self._changed, self._forced, self._pending = set(), set(), False
            try:
                self.preview.rebuild(changed, forced)
            except Stopped:
                return
            except Superseded:
                LOG.info("newer changes came in: rendering again with them")
                with self._wake:
                    self._take_over(changed, forced)
            except Exception:  # the server must outlive one bad rebuild, and say what it was
                LOG.exception("rebuild failed; the preview keeps its last state. Please "
                              "report this error")


def watched_paths(root: Path) -> list[Path]:
    return [root / folder for folder in WATCHED if (root / folder).is_dir()]


class _SourceFilter(DefaultFilter):
    """Editors' and our own temporary files are not edits (a save renames one into place)."""

    def __call__(self, change: object, path: str) -> bool:
        name = Path(path).name
        return super().__call__(change, path) and not (
            name.startswith(".") or name.endswith(PARTIAL_SUFFIX))


async def watch(root: Path, builder: Builder, stop: asyncio.Event) -> None:
    async for changes in awatch(*watched_paths(root), stop_event=stop,
                                watch_filter=_SourceFilter()):
        builder.request(Path(path) for _, path in changes)


class _Server(uvicorn.Server):
    """uvicorn waits for open connections before it stops; the event streams never close by
    themselves, so a stop ends them first."""

    def __init__(self, config: uvicorn.Config, broadcaster: Broadcaster) -> None:
        super().__init__(config)
        self.broadcaster = broadcaster

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.broadcaster.close()
        super().handle_exit(sig, frame)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, made before anything else so that a port in use is a clear
    message rather than a traceback after the first build."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = ("is in use by another program: choose another with --port"
                  if error.errno == errno.EADDRINUSE else f"cannot be opened: {error.strerror}")
        raise InputError([Problem(Path("--port"), 1, 1, f"{host}:{port} {reason}")]) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The address to open on this machine (a server on every interface is also on the
    loopback one)."""
    host, port = sock.getsockname()[:2]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    root: Path,
    out: Path,
    statement_folders: list[Path] | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    languages: list[str] | None = None,
    variants: list[str] | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the preview until Ctrl-C. `announce` is told the address to open."""
    sock = bind(host, port)
    _log_to_stderr()
    token, broadcaster = new_token(), Broadcaster()
    preview = Preview(root, out, statement_folders, languages, variants, broadcaster.publish)
    builder = Builder(preview)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        builder.start()
        watcher = asyncio.create_task(watch(preview.root, builder, stop))
        try:
            yield
        finally:
            stop.set()
            broadcaster.close()
            await asyncio.to_thread(builder.stop)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(watcher, 5)

    app = create_app(preview, broadcaster, token, allowed_hosts(host),
                     lambda statement_id: builder.request(force=statement_id), lifespan)
    url = url_of(sock)
    if len(preview.folders()) == 1 and statement_folders:
        url += f"s/{preview.folders()[0].name}"
    if exposed(host):
        LOG.warning("warning: listening on %s: anyone who can reach this machine on port %d "
                    "can read these statements before their embargo, and change their "
                    "translations. Without --host only this machine can.", host,
                    sock.getsockname()[1])
    announce(f"Previewing {', '.join(folder.name for folder in preview.folders()) or 'nothing'}"
             f" at {url}  (PDFs in {preview.out}; Ctrl-C stops)")
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False,
                            lifespan="on", timeout_graceful_shutdown=5)
    started = time.perf_counter()
    try:
        _Server(config, broadcaster).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn has shut down cleanly, then re-raises the Ctrl-C it caught
    finally:
        sock.close()
    LOG.info("stopped after %.0f s", time.perf_counter() - started)


def _log_to_stderr() -> None:
    """One line per event, with the time: what re-rendered, how long it took, what failed."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
