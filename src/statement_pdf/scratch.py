"""A run's scratch folder: whatever the engine puts in the temporary directory goes into one
folder that the run removes at its end — and that the next run removes if this one was killed.

WeasyPrint copies the fonts of @font-face rules into a temporary folder per font configuration
and removes it only in the configuration's finaliser, which never runs in a worker process that
is killed or ends with os._exit (as worker processes do): every parallel build used to leave a
few megabytes per worker in /tmp. Rather than chase each library's temporary files, the command
points the temporary directory (for itself and the workers it forks) at a folder of its own.
Beside the folder is its lock file (locking.py), held for as long as the run or one of its
workers lives, so a folder whose lock nobody holds is a leftover of a killed run, and is
removed. The lock is made and held first and the folder after it, and the folder is removed
before its lock: a run killed at any moment leaves nothing that is not seen to be stale (with
the lock inside the folder, a run killed between making the two left an empty folder that no
later run would remove).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import interrupts, locking

PREFIX = "statement-pdf-scratch-"
"""Only folders so named are swept as leftovers: serve, benchmarks and anyone else may keep
folders named statement-pdf-… in the same temporary directory."""
LOCK_SUFFIX = ".lock"


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
        descriptor, name = tempfile.mkstemp(prefix=PREFIX, suffix=LOCK_SUFFIX, dir=base)
        os.close(descriptor)
        lock = locking.acquire(Path(name))
    except OSError:
        return None
    folder = lock.path.with_suffix("")
    try:
        folder.mkdir(mode=0o700)
    except OSError:
        lock.release()
        return None
    _current = folder, lock
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
    """The scratch folders in `base` left by runs that were killed (and their locks)."""
    locks = [lock for lock in base.glob(f"{PREFIX}*{LOCK_SUFFIX}") if locking.is_stale(lock)]
    stale = [lock.with_suffix("") for lock in locks]
    stale += [folder for folder in base.glob(f"{PREFIX}*") if folder.is_dir()
              and not folder.with_suffix(LOCK_SUFFIX).exists() and folder not in stale]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    for lock in locks:
        lock.unlink(missing_ok=True)
    return stale
