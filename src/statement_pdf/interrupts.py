"""How a run of the command stops when it is told to: Ctrl-C, `kill`, a cancelled CI job.

Ctrl-C sends SIGINT to the whole process group; `kill` and a CI job's timeout send SIGTERM to
the main process. Both must leave what a finished run leaves — complete files, a manifest that
lists them, no temporary files — so in the main process both become a KeyboardInterrupt: the
`finally` blocks clean up and the command exits with 130. (Worker processes do not take part:
see publish/pool.py.) Three rules make that dependable:

- after the first signal, further ones are ignored: pressing Ctrl-C again must not cut the
  clean-up short (SIGKILL remains for that, and the next run clears what it leaves);
- a step that must not be cut in two (moving a finished document into place and recording it)
  runs inside `deferred()`: a signal arriving meanwhile takes effect when the step is done;
- an interrupt is never lost: Python runs the handler wherever the main thread happens to be,
  which may be a callback whose exceptions Python only prints ("Exception ignored in:", with a
  traceback; seen in the import machinery's module locks). Such an interrupt is swallowed
  silently and raised again at the next opportunity.
"""

from __future__ import annotations

import signal
import sys
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
RETRY_AFTER = 0.01
"""Seconds after which an interrupt swallowed by a callback is raised again."""
_printed_by = [sys.unraisablehook]
"""What prints the exceptions that callbacks cannot pass on, other than our interrupts."""


def install() -> None:
    """Handle SIGINT and SIGTERM as described above, for the rest of the process (the command's
    entry point calls this before anything else)."""
    global _installed
    for number in SIGNALS:
        signal.signal(number, _interrupt)
    if sys.unraisablehook is not _unraisable:
        _printed_by[0] = sys.unraisablehook
        sys.unraisablehook = _unraisable
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
    global _installed
    _installed = False
    for number in (*SIGNALS, signal.SIGALRM):  # SIGALRM: an interrupt being raised again
        signal.signal(number, signal.SIG_IGN)


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An interrupt of ours raised inside such a callback: raise it again 10 ms later, once the
    callback is over (by then the main thread is back in ordinary code; if not, it comes back
    here and is tried again), instead of printing it and carrying on as if nothing happened."""
    exception = unraisable.exc_type
    if _installed and _received and exception and issubclass(exception, KeyboardInterrupt):
        signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, RETRY_AFTER)
        return
    _printed_by[0](unraisable)


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
