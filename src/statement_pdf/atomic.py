"""Files that appear complete or not at all.

A PDF or manifest is written beside its final path and renamed into place, so a journalist (or
the next build) sees the old file or the new one, never half of one. The two steps can be taken
apart (`write_partial`, then `commit`): a build's documents are written by its workers and moved
into place by the process that records them in the manifest, so that what is in place and what
is recorded cannot drift apart. Kept apart from render.py so that writing a manifest does not
have to load WeasyPrint.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PARTIAL_SUFFIX = ".part"
"""Suffix of the temporary files; one left behind means its writer was killed outright."""
PUBLISHED_MODE = 0o644
"""mkstemp makes private files; a published document is for everyone who can see the folder."""


def write_atomically(target: Path, content: bytes) -> None:
    """Write beside the target, then rename: readers see the old file or the new, never half."""
    commit(write_partial(target, content), target)


def write_partial(target: Path, content: bytes) -> Path:
    """The content in a temporary file beside `target` (hidden, named after it), removed again
    if it cannot be written whole (a full disk, an interrupt)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=PARTIAL_SUFFIX)
    try:
        os.chmod(temporary, PUBLISHED_MODE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def commit(partial: Path, target: Path) -> None:
    """Move a partial file into place (one rename: atomic)."""
    try:
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
