"""One build at a time per statement's output folder.

Two builds writing into the same folder each keep their own idea of the manifest, and the last
to save it wins: both used to exit 0 leaving a mix of their files and a manifest that listed
only some of them. A build therefore holds `OUT/<statement-id>/.build.lock` (locking.py) from
before it reads the manifest until it has saved it for the last time, and a second build is
refused at once with the first one's process id — never made to wait for a build that may hang.
A lock left by a killed build is stale (nobody holds it) and is taken over.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import interrupts, locking
from ..errors import OutputError
from .worker import cannot_write

LOCK_NAME = ".build.lock"


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the statement's output folder (made if need be) for the block."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = locking.acquire(folder / LOCK_NAME)
    except locking.Busy as busy:
        raise OutputError(f"{folder}: another build (process {busy.owner}) is writing into "
                          "this folder; wait for it to finish, or build into another --out"
                          ) from None
    except OSError as error:
        raise OutputError(cannot_write(folder, error)) from None
    try:
        yield
    finally:
        with interrupts.deferred():
            lock.release()
