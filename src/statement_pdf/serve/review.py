"""Translation review: a translation beside its source, block by block, and the three changes a
translator makes from the browser — a block's new text, "this block is up to date", and "the
whole translation is" (what `statement-pdf translated` records).

Translators work on the text, not on files, and often while the author still edits the source,
or while a colleague edits the same file. So every change names the version of the file it was
made against (its sha256 when the page was loaded) and is refused when the file has changed on
disk since: nobody's edit is silently lost. A block's text is replaced by
`text.markdown.replace_block`, which changes those lines only and refuses a text that would
change the file's blocks; what is written is therefore a file `check` reads back with the same
blocks.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically
from ..authoring.translations import (
    earlier_source,
    expected_blocks,
    record_translations,
    stale_blocks,
    stamp_block,
    word_changes,
)
from ..errors import InputError, Problem
from ..model import Statement
from ..text.markdown import replace_block

_writing = threading.Lock()
"""One change at a time from this server: the check of the version and the write belong
together."""


class Conflict(Exception):
    """The file changed on disk since the page that asks for the change was loaded."""


@dataclass(frozen=True)
class Row:
    """One block of the source, and what the translation has for it."""

    key: str
    name: str
    source: str
    translation: str | None
    """None: the translation lacks this block (it must be added in the file itself)."""
    line: int
    """Where the block is in the translation's file (where it belongs, when it lacks it)."""
    stale: bool
    changes: list[tuple[str, list[str]]] | None = None
    """For a stale block whose earlier source text is known: what changed, word by word."""


@dataclass(frozen=True)
class Review:
    code: str
    source_code: str
    file: Path
    sha256: str
    """Of the translation's file as read: the version every change from this page is made
    against."""
    status: str
    rows: list[Row]

    @property
    def stale(self) -> int:
        return sum(row.stale for row in self.rows)


def review(statement: Statement, code: str) -> Review:
    """Translation `code` of `statement`, as read from disk, beside its source."""
    translation = statement.texts[code]
    stale, earlier = set(stale_blocks(statement, code)), earlier_source(statement, code)
    rows = []
    for key, block in expected_blocks(statement, code).items():
        translated = translation.block(key)
        old = earlier.get(key) if key in stale else None
        rows.append(Row(key, block.name, block.text, translated and translated.text,
                        translated.start_line if translated else 1, key in stale,
                        word_changes(old, block.text) if old is not None else None))
    return Review(code, statement.meta.source_language, translation.file,
                  file_sha256(translation.file), translation.status, rows)


def save_block(file: Path, base: str, key: str, text: str) -> str:
    """Replace the text of block `key` in `file`, made against version `base`; the new
    version's sha256. Refused (Conflict) when the file is no longer `base`, and (InputError)
    when the text would change the file's blocks or is empty."""
    if not text.strip():
        raise InputError([Problem(file, 1, 1, "an empty block cannot be saved: to remove a "
                                  "block, edit the file itself")])
    with _writing:
        source = _version(file, base)
        updated = replace_block(source.decode("utf-8"), key, text, file).encode()
        write_atomically(file, updated)
    return hashlib.sha256(updated).hexdigest()


def mark_block_current(statement: Statement, code: str, base: str, key: str) -> str:
    """Record block `key` of translation `code` as translated from the current source."""
    file = statement.texts[code].file
    with _writing:
        _version(file, base)
        stamp_block(statement, code, key)
    return file_sha256(file)


def mark_reviewed(statement: Statement, code: str, base: str) -> str:
    """Record the whole translation as translated from the current source, as
    `statement-pdf translated --lang CODE` does (refused while it lacks source blocks)."""
    file = statement.texts[code].file
    with _writing:
        _version(file, base)
        record_translations(statement, [code])
    return file_sha256(file)


def file_sha256(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _version(file: Path, base: str) -> bytes:
    content = file.read_bytes()
    if hashlib.sha256(content).hexdigest() != base:
        raise Conflict(f"{file.name} has changed on disk since this page was loaded (another "
                       "editor, or the author): nothing was saved. Copy your text, reload the "
                       "page to see the file as it is now, and make your change again.")
    return content
