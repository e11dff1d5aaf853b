"""Reading a data file that people edit: a regular file, of bounded size, in UTF-8, inside the
project — or a located problem that says which of these it is not.

A symbolic link in data/ (or assets/, layouts/) to a file elsewhere, such as /etc/passwd, was
opened and hashed by `build` (the manifest fingerprints every shared file), which then crashed,
while `check` saw nothing: every link under the project's folders that resolves outside the
project is an error, found before any file is opened.

A text file of 50 MB used to be read and parsed whole (half a minute and 385 MB in `check`,
gigabytes in `build`), a named pipe in a statement folder made `check` wait for ever, and a byte
that is not UTF-8 was reported at its byte offset on line 1. The limit is far above any real
statement (the bundled texts are 4–8 KB; a registry of a thousand recipients is a few hundred
KB) and is stated in docs/reliability.md.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError, Problem

MAX_FILE_BYTES = 1024 * 1024
"""The largest data file statement-pdf reads (1 MiB)."""


def read_text(file: Path) -> str:
    """The file's text, or InputError with the problem located in it."""
    try:
        status = file.stat()
    except FileNotFoundError:
        raise _fail(file, 1, 1, "file not found") from None
    except OSError as error:
        raise _fail(file, 1, 1, f"cannot be read: {error.strerror or error}") from None
    if not stat.S_ISREG(status.st_mode):
        raise _fail(file, 1, 1, "not a regular file (a folder, a named pipe or a device): "
                    "statement-pdf reads only ordinary files; replace it with one")
    try:
        with file.open("rb") as opened:
            content = opened.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _fail(file, 1, 1, f"cannot be read: {error.strerror or error}") from None
    if len(content) > MAX_FILE_BYTES:
        raise _fail(file, 1, 1, f"{status.st_size:,} bytes, more than the "
                    f"{MAX_FILE_BYTES // 1024:,} KiB a data file may hold (see "
                    "docs/reliability.md): is it the right file?")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = position(content, error.start)
        raise _fail(file, line, column, f"byte 0x{content[error.start]:02X} is not UTF-8 text "
                    "(save the file as UTF-8)") from None


def position(content: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, from 1) of the byte at `offset`."""
    line_start = content.rfind(b"\n", 0, offset) + 1
    column = len(content[line_start:offset].decode("utf-8", errors="replace")) + 1
    return content.count(b"\n", 0, offset) + 1, column


def _fail(file: Path, line: int, column: int, message: str) -> InputError:
    return InputError([Problem(file, line, column, message)])


def outside_links(root: Path, folders: list[Path]) -> list[Problem]:
    """Symbolic links among `folders` and in them (searched without following links) that
    resolve outside `root`, or that never resolve (a loop). A folder that is itself such a
    link (assets/ linked to another checkout's) is one problem, and is not searched."""
    inside, problems = root.resolve(), []
    for folder in folders:
        if problem := _outside(folder, inside):
            problems.append(problem)
            continue
        for current, subfolders, files in os.walk(folder):
            problems += [problem for name in [*subfolders, *files]
                         if (problem := _outside(Path(current) / name, inside))]
    return problems


def _outside(path: Path, inside: Path) -> Problem | None:
    if not path.is_symlink():
        return None
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13)
        return Problem(path, 1, 1, "symbolic link that leads back to itself: replace it with "
                       "the file it should be")
    if target.is_relative_to(inside):
        return None
    return Problem(path, 1, 1, f"symbolic link to {target}, outside the project: statement-pdf "
                   "reads only the project's own files; put a copy here instead")
