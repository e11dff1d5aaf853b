"""Files that appear complete or not at all.

A PDF or manifest is written beside its final path and renamed into place, so a journalist (or
the next build) sees the old file or the new one, never half of one. Kept apart from render.py
so that writing a manifest does not have to load WeasyPrint.
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
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=PARTIAL_SUFFIX)
    try:
        os.chmod(temporary, PUBLISHED_MODE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
