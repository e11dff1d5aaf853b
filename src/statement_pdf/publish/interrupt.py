"""SIGTERM (kill, a CI timeout) is handled like Ctrl-C while documents are made, whichever
executor makes them, so the clean-up in `finally` blocks runs instead of the process vanishing
mid-write: finished documents are kept and recorded, nothing half-written is left."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def interruptible() -> Iterator[None]:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
