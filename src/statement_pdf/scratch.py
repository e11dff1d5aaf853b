"""A run's scratch folder: whatever the engine puts in the temporary directory goes into one
folder that the run removes at its end — and that the next run removes if this one was killed.

WeasyPrint copies the fonts of @font-face rules into a temporary folder per font configuration
and removes it only in the configuration's finaliser, which never runs in a worker process that
is killed or ends with os._exit (as worker processes do): every parallel build used to leave a
few megabytes per worker in /tmp. Rather than chase each library's temporary files, the command
points the temporary directory (for itself and the workers it forks) at a folder of its own.
The folder holds a lock (locking.py) for as long as the run or one of its workers lives, so a
folder whose lock nobody holds is a leftover of a killed run, and is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import interrupts, locking

PREFIX = "statement-pdf-"
LOCK_NAME = ".lock"


_current: tuple[Path, locking.Lock] | None = None
"""This run's scratch folder and its lock, while they exist."""


@contextmanager
def scratch_folder() -> Iterator[Path | None]:
    """Make a scratch folder the process's temporary directory for the block (where none can
    be made, the block runs as it would have without: the engine reports what it cannot
    write). A signal while the folder is being made or removed takes effect once that is done;
    the command's entry point calls `discard` at its very end in case one came just before."""
    base = Path(tempfile.gettempdir())
    remove_stale(base)
    previous = tempfile.tempdir, os.environ.get("TMPDIR")
    try:
        with interrupts.deferred():
            folder = _make(base)
            if folder:
                tempfile.tempdir = os.environ["TMPDIR"] = str(folder)
        yield folder
    finally:
        with interrupts.deferred():
            tempfile.tempdir = previous[0]
            if previous[1] is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = previous[1]
            discard()


def _make(base: Path) -> Path | None:
    global _current
    try:
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
    except OSError:
        return None
    try:
        _current = folder, locking.acquire(folder / LOCK_NAME)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def discard() -> None:
    """Remove this run's scratch folder, if it is still there."""
    global _current
    if _current is not None:
        folder, lock = _current
        _current = None
        shutil.rmtree(folder, ignore_errors=True)
        lock.release()


def remove_stale(base: Path) -> list[Path]:
    """The scratch folders in `base` left by runs that were killed."""
    stale = [folder for folder in base.glob(f"{PREFIX}*")
             if locking.is_stale(folder / LOCK_NAME)]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale
