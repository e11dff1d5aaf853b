"""How a run of the command stops when it is told to: Ctrl-C, `kill`, a cancelled CI job.

Ctrl-C sends SIGINT to the whole process group; `kill` and a CI job's timeout send SIGTERM to
the main process. Both must leave what a finished run leaves — complete files, a manifest that
lists them, no temporary files — so in the main process both become a KeyboardInterrupt: the
`finally` blocks clean up and the command exits with 130. (Worker processes do not take part:
see publish/pool.py.) Two rules make that dependable:

- after the first signal, further ones are ignored: pressing Ctrl-C again must not cut the
  clean-up short (SIGKILL remains for that, and the next run clears what it leaves);
- a step that must not be cut in two (moving a finished document into place and recording it)
  runs inside `deferred()`: a signal arriving meanwhile takes effect when the step is done.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)
EXIT_CODE = 130
"""What an interrupted command exits with (128 + SIGINT, the shell's convention), for SIGTERM
as well: both mean "stopped before the end, cleaned up"."""

_installed = False
_deferring = 0
_pending = False
_received = False


def install() -> None:
    """Handle SIGINT and SIGTERM as described above, for the rest of the process (the command's
    entry point calls this before anything else)."""
    global _installed
    for number in SIGNALS:
        signal.signal(number, _interrupt)
    _installed = True


@contextmanager
def handled() -> Iterator[None]:
    """The same for the block only, for a run started from Python rather than the command
    (nothing to do where the handlers are already installed, or outside the main thread,
    which cannot have signal handlers)."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in SIGNALS}
    install()
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _installed = False


def ignore() -> None:
    """Once the command is done: a signal arriving while the interpreter shuts down would
    otherwise meet the default handlers Python puts back as it finalises, and kill a
    process that already finished its work (exit -15 instead of its own exit code)."""
    for number in SIGNALS:
        signal.signal(number, signal.SIG_IGN)


def received() -> bool:
    """Whether a signal has asked this process to stop. An interrupt raised in the middle of
    an import can come out as another exception (CPython raises TypeError when it lands while
    an ImportError is being made): the entry point then knows it was an interrupt all the
    same."""
    return _received


def _interrupt(signum: int, frame: object) -> None:
    global _pending, _received
    _received = True
    for number in SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if _deferring:
        _pending = True
        return
    raise KeyboardInterrupt


@contextmanager
def deferred() -> Iterator[None]:
    """Run the block to its end even if a signal arrives; the interrupt is raised after it.

    Only signals handled by `install` are deferred (in the main thread); elsewhere, as in
    tests that call the command in-process, the block is simply run."""
    global _deferring, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _pending:
            _pending = False
            raise KeyboardInterrupt
