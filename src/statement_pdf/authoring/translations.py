"""Which version of the source text each translation was made from, and what changed since —
block by block (text/blocks.py: a paragraph, a list item, a quote, a footnote).

The source text keeps changing while translators work. Each translation file therefore records,
under `translated_from` in its front matter, a short fingerprint of every source block it was
translated from, by the block's key; when a source block changes, its fingerprint no longer
matches and the block is out of date. The fingerprints travel with the translation file (a
translator who mails the file back keeps them). A copy of the source file itself is kept in
translated-from/<code>.md beside the statement, so that `check` can show what changed in words
rather than only that something did.

A translation is also compared with its source block by block: a block the source has and the
translation lacks (a list item, a footnote), one it has and the source does not, and a block
whose links go elsewhere than the source's are reported where they are in the file.
"""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher
from itertools import groupby
from pathlib import Path

from ..atomic import write_atomically
from ..errors import InputError, Problem, did_you_mean
from ..model import Project, Statement
from ..text.blocks import REQUIRED, SECTIONS, Block, TextFile, kind_name
from ..text.markdown import read_text_file, replace_block

SNAPSHOT_FOLDER = "translated-from"
FINGERPRINT_LENGTH = 12
_RECORD_COMMENT = (
    "# The source text each block was translated from, as fingerprints: written by\n"
    "# `statement-pdf translated`, compared by `statement-pdf check`. Do not edit by hand.\n"
)


def fingerprint(text: str) -> str:
    """Reflowing a paragraph in the text file changes no word, so it must not make it stale."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def snapshot_file(statement: Statement, code: str) -> Path:
    return statement.folder / SNAPSHOT_FOLDER / f"{code}.md"


def expected_blocks(statement: Statement, code: str) -> dict[str, Block]:
    """The source blocks translation `code` must translate, by key: those of every section the
    press release prints (the notes to editors too, when the source has them), the footnotes,
    and those of the letter's sections the translation has. A letter section it leaves out
    (in a language no recipient reads) is not missing here; the layouts that need it say so
    (letters.letter_problems)."""
    source = statement.texts[statement.meta.source_language]
    translation = statement.texts[code]
    return {block.key: block for block in source.blocks
            if block.section in (*REQUIRED, "footnotes") or not block.section.startswith(
                "letter-") or translation.section(block.section)}


def translation_problems(statement: Statement, code: str) -> list[Problem]:
    """Blocks of translation `code` that are missing, extra, differently linked, unrecorded or
    out of date."""
    source_code = statement.meta.source_language
    translation = statement.texts[code]
    problems = [*coverage_problems(statement, code), *structure_problems(statement, code)]
    record = translation.front.translated_from
    if record is None:
        return [*problems, translation.problem((), (
            f"no translated_from record of the {source_code}.md text this translation was "
            f"made from; once it is up to date, run `statement-pdf translated {statement.folder} "
            f"--lang {code}`"))]
    earlier = earlier_source(statement, code)
    for key, block in expected_blocks(statement, code).items():
        if translation.block(key) is None:
            continue
        recorded = record.get(key)
        if recorded is None:
            problems.append(translation.problem(("translated_from",), (
                f"{block.name}: no record of the {source_code}.md text it was translated from; "
                f"once it is up to date, run `statement-pdf translated {statement.folder} "
                f"--lang {code}`")))
        elif recorded != fingerprint(block.text):
            problems.append(translation.problem(key, _stale_message(
                block.name, source_code, earlier.get(key), block.text)))
    return problems


def earlier_source(statement: Statement, code: str) -> dict[str, str]:
    """The source text each block of translation `code` was translated from, by key, where the
    snapshot still has it (its text has the fingerprint the translation recorded)."""
    record = statement.texts[code].front.translated_from or {}
    return {key: text for key, text in _read_snapshot(snapshot_file(statement, code)).items()
            if record.get(key) == fingerprint(text)}


def stale_blocks(statement: Statement, code: str) -> list[str]:
    """The keys of the source blocks that translation `code` lacks or translated from an
    earlier text: what a reader of this translation may be missing."""
    record = statement.texts[code].front.translated_from or {}
    translation = statement.texts[code]
    return [key for key, block in expected_blocks(statement, code).items()
            if translation.block(key) is None or record.get(key) != fingerprint(block.text)]


def printed_blocks(statement: Statement, letter: bool) -> dict[str, Block]:
    """The source blocks a document prints, by key: a press release the sections that are not
    the letter's; a letter its subject and opening, then its own body or else the statement's
    lead, body and call to action; either one the footnotes those blocks call."""
    source = statement.texts[statement.meta.source_language]
    if letter:
        body = ("letter-body",) if source.section("letter-body") else (
            "lead", "body", "call-to-action")
        sections = ("letter-subject", "letter-opening", *body)
    else:
        sections = tuple(name for name in SECTIONS if not name.startswith("letter-"))
    printed = [block for block in source.blocks if block.section in sections]
    called = {number for block in printed for number in block.footnote_calls}
    return {block.key: block for block in [*printed, *source.footnotes]
            if block.section in sections or block.number in called}


def missing_text(statement: Statement, code: str, letter: bool) -> str | None:
    """Why a document in `code` must not be made: the source blocks it would print that the
    translation lacks (a reader would get a statement with a paragraph or a demand silently
    left out). None when nothing is missing."""
    if code == statement.meta.source_language:
        return None
    translation = statement.texts[code]
    missing = [block for key, block in printed_blocks(statement, letter).items()
               if translation.block(key) is None]
    if not missing:
        return None
    source_code = statement.meta.source_language
    verb = "it" if len(missing) == 1 else "them"
    names = [block.name for block in missing]
    listed = names[0] if len(names) == 1 else (
        f"{', '.join(names[:-1])} and {names[-1]}" if len(names) <= 4
        else f"{', '.join(names[:3])} and {len(names) - 3} more blocks")
    return (f"{translation.file.name} lacks {listed} of the {source_code}.md text, "
            f"which this document prints: translate {verb} (`statement-pdf check` shows where)")


def out_of_date(statement: Statement, code: str, letter: bool) -> bool:
    """Whether a document in `code` prints a block translated from an earlier source text: its
    readers must be told. (A block with no record says nothing of when it was made: `check`
    asks for the record, and --final refuses the translation until it is there.)"""
    if code == statement.meta.source_language:
        return False
    translation = statement.texts[code]
    record = translation.front.translated_from or {}
    return any(key in record and record[key] != fingerprint(block.text)
               for key, block in printed_blocks(statement, letter).items()
               if translation.block(key) is not None)


def coverage_problems(statement: Statement, code: str) -> list[Problem]:
    """Source blocks the translation lacks, and blocks it has that the source does not, in
    runs of one kind in one section ("body paragraph 4 to body paragraph 6 are not
    translated")."""
    source_code = statement.meta.source_language
    source = statement.texts[source_code]
    translation = statement.texts[code]
    expected = expected_blocks(statement, code)
    missing = [block for key, block in expected.items() if translation.block(key) is None]
    extra = [block for block in translation.blocks if source.block(block.key) is None]
    problems = []
    for kind, blocks in (("missing", missing), ("extra", extra)):
        for (section, block_kind), group in groupby(blocks, key=_kind_of):
            group = list(group)
            count = (f" (the {source_code} text has {_count(source, section, block_kind)}, "
                     f"this file {_count(translation, section, block_kind)})")
            verb = "is" if len(group) == 1 else "are"
            if kind == "missing":
                line, column = _where_missing(translation, group[0])
                problems.append(Problem(translation.file, line, column,
                                        f"{_span(group)} {verb} not translated{count}"))
            else:
                problems.append(translation.problem(group[0].key, (
                    f"{_span(group)} {verb} not in {source_code}.md{count}")))
    return problems


def structure_problems(statement: Statement, code: str) -> list[Problem]:
    """A block whose links go to other addresses than the source block's, or that calls
    another number of footnotes: the reader of the translation would be sent elsewhere."""
    source_code = statement.meta.source_language
    source, translation = statement.texts[source_code], statement.texts[code]
    problems = []
    for block in translation.blocks:
        original = source.block(block.key)
        if original is None:
            continue
        for href in [href for href in block.links if href not in original.links]:
            problems.append(Problem(translation.file, *translation.locate(block, href), (
                f"{block.name} links to {href}, which the {source_code} text of "
                f"{original.name} does not (its links: {', '.join(original.links) or 'none'})"
            )))
        for href in [href for href in original.links if href not in block.links]:
            problems.append(translation.problem(block.key, (
                f"{block.name} has no link to {href}, as the {source_code} text has: keep the "
                "link around the translated words, [words](address)")))
        if len(block.footnote_calls) != len(original.footnote_calls):
            problems.append(translation.problem(block.key, (
                f"{block.name} calls {len(block.footnote_calls)} footnote(s), the "
                f"{source_code} text {len(original.footnote_calls)}: keep each [^…] where "
                "its sentence is")))
    return problems


def _kind_of(block: Block) -> tuple[str, str]:
    return block.section, block.kind


def _count(text: TextFile, section: str, kind: str) -> str:
    count = sum((block.section, block.kind) == (section, kind) for block in text.blocks)
    return f"{count} {kind_name(section, kind)}{'' if count == 1 else 's'}"


def _where_missing(translation: TextFile, block: Block) -> tuple[int, int]:
    """Where a missing block belongs: after the last block of its kind in its section, or at
    its section, or at the start of the file."""
    before = [other for other in translation.blocks
              if (other.section, other.kind) == (block.section, block.kind)
              and other.number < block.number]
    if before:
        return before[-1].start_line, before[-1].column
    section = translation.section(block.section)
    return (section.line, 1) if section else (1, 1)


def _span(blocks: list[Block]) -> str:
    if len(blocks) <= 2:
        return " and ".join(block.name for block in blocks)
    return f"{blocks[0].name} to {blocks[-1].name}"


def _stale_message(name: str, source_code: str, old: str | None, new: str) -> str:
    if old is None:
        return (f"{name} is out of date: {source_code}.md changed since it was translated "
                f"(the earlier text is not in {SNAPSHOT_FOLDER}/); it now reads: "
                f"{_shorten(new)}")
    return (f"{name} is out of date: {source_code}.md changed since it was translated: "
            f"{word_diff(old, new)}")


def word_diff(old: str, new: str, context: int = 4) -> str:
    """The change as `git diff --word-diff` shows it: [-removed-]{+added+}, with `context`
    unchanged words around each change and … for the rest."""
    changes = word_changes(old, new)
    parts: list[str] = []
    for number, (change, words) in enumerate(changes):
        if change == "same":
            parts.extend(_elide(words, context, first=number == 0,
                                last=number == len(changes) - 1))
        elif change == "removed":
            parts.append("[-" + " ".join(words) + "-]")
        else:
            parts.append("{+" + " ".join(words) + "+}")
    return " ".join(parts)


def word_changes(old: str, new: str) -> list[tuple[str, list[str]]]:
    """The change word by word, in reading order: runs of words that are the same, removed
    or added (a replacement is a removal followed by an addition)."""
    before, after = old.split(), new.split()
    changes: list[tuple[str, list[str]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.append(("same", before[i1:i2]))
            continue
        if i1 < i2:
            changes.append(("removed", before[i1:i2]))
        if j1 < j2:
            changes.append(("added", after[j1:j2]))
    return changes


def _elide(words: list[str], context: int, first: bool, last: bool) -> list[str]:
    head = [] if first else words[:context]
    tail = [] if last else words[-context:]
    if len(words) <= len(head) + len(tail) + 1:
        return words
    return [*head, "…", *tail]


def _shorten(text: str, words: int = 12) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _read_snapshot(file: Path) -> dict[str, str]:
    """The snapshot only adds detail to a report, so a missing or hand-mangled one is treated
    as absent: the fingerprints in the translation file remain the record."""
    try:
        return {block.key: block.text for block in read_text_file(file).blocks}
    except InputError:
        return {}


def record_translations(statement: Statement, codes: list[str] | None,
                        project: Project | None = None) -> list[str]:
    """Record translations `codes` (None: all) as made from the current source text. Nothing is
    written unless every one of them exists, lacks no block of the source and adds none — and,
    given the `project` (its language registry), has no block left in another language
    (untranslated.py)."""
    translations = statement.languages[1:]
    problems = [Problem(statement.folder, 1, 1, f"no translation {code}.md"
                        f"{did_you_mean(code, translations)} (translations: "
                        f"{', '.join(translations) or 'none'})")
                for code in codes or [] if code not in translations]
    chosen = [code for code in translations if codes is None or code in codes]
    problems += [problem for code in chosen for problem in coverage_problems(statement, code)]
    if project is not None:
        from .untranslated import untranslated_blocks

        problems += [problem for code in chosen
                     for problem in untranslated_blocks(project, statement, code)]
    if problems:
        raise InputError(problems)
    for code in chosen:
        stamp(statement, code)
    return chosen


def stamp(statement: Statement, code: str) -> None:
    """Record that translation `code` is a translation of the current source text: rewrite the
    `translated_from` fingerprints of the blocks it translates, and keep a copy of the source
    file."""
    source = statement.texts[statement.meta.source_language]
    translation = statement.texts[code]
    record = {key: fingerprint(block.text)
              for key, block in expected_blocks(statement, code).items()
              if translation.block(key) is not None}
    file = translation.file
    write_atomically(file, with_record(file.read_text(encoding="utf-8"), record).encode())
    write_atomically(snapshot_file(statement, code), source.source.encode())


def stamp_block(statement: Statement, code: str, key: str) -> None:
    """Record one block of translation `code` as translated from the current source text (a
    translator brought that block up to date), leaving the record of the others as it was. The
    snapshot gets the block's current source text, so that a later change of it shows word by
    word; a snapshot that cannot take it keeps what it had (it only adds detail)."""
    source = statement.texts[statement.meta.source_language]
    translation = statement.texts[code]
    block = expected_blocks(statement, code).get(key)
    if block is None or translation.block(key) is None:
        raise InputError([translation.problem((), f"{code}.md has no block '{key}' that "
                                              f"translates one of {source.file.name}")])
    record = {**(translation.front.translated_from or {}), key: fingerprint(block.text)}
    file = translation.file
    write_atomically(file, with_record(file.read_text(encoding="utf-8"), record).encode())
    snapshot = snapshot_file(statement, code)
    try:
        earlier = snapshot.read_text(encoding="utf-8")
        updated = replace_block(earlier, key, block.text, snapshot)
    except FileNotFoundError:
        updated = source.source
    except (OSError, UnicodeDecodeError, InputError):
        return
    write_atomically(snapshot, updated.encode())


def with_record(text: str, record: dict[str, str]) -> str:
    """The text file `text` with its front matter's `translated_from` record (the comment above
    it, the key and its indented lines) replaced by `record`, at the end of the front matter;
    the rest of the file is left as it is."""
    lines = text.splitlines(keepends=True)
    end = next(index for index in range(1, len(lines)) if lines[index].rstrip() == "---")
    kept: list[str] = []
    in_record = False
    for line in "".join(lines[1:end]).replace(_RECORD_COMMENT, "").splitlines(keepends=True):
        if line.startswith("translated_from:"):
            in_record = True
        elif in_record and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        else:
            in_record = False
            kept.append(line)
    entries = "".join(f'  {key}: "{value}"\n' for key, value in record.items())
    front = "".join(kept).rstrip("\n") + "\n" if "".join(kept).strip() else ""
    return (lines[0] + front + _RECORD_COMMENT + "translated_from:\n" + entries
            + "".join(lines[end:]))
