"""Lock files that never go stale: one build per output folder, and scratch folders that the
next run can tell from live ones.

A lock is a file holding its owner's process id and locked with flock(2). The kernel releases
the lock when the last process holding the file open ends, however it ends (SIGKILL included),
so a lock file left behind by a killed run is seen to be stale — nobody holds it — and is taken
over; the process id in it only serves the message that names the owner.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path


class Busy(Exception):
    """Another live process holds the lock."""

    def __init__(self, path: Path, owner: str) -> None:
        self.path, self.owner = path, owner
        super().__init__(f"{path} is held by process {owner}")


@dataclass
class Lock:
    path: Path
    descriptor: int

    def release(self) -> None:
        """Remove the file, then let go: a process that opened the old file meanwhile finds it
        gone once it holds it, and starts again with a new one."""
        self.path.unlink(missing_ok=True)
        os.close(self.descriptor)


def acquire(path: Path) -> Lock:
    """Hold `path` or raise `Busy` at once (never wait: a build that waits for another one
    which hangs would hang too)."""
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(descriptor)
            raise Busy(path, owner) from None
        if _still_at(path, descriptor):
            break
        os.close(descriptor)
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
    return Lock(path, descriptor)


def is_stale(path: Path) -> bool:
    """True when the lock file exists and no process holds it."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def _still_at(path: Path, descriptor: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(descriptor).st_ino
    except FileNotFoundError:
        return False
