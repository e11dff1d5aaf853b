"""The block model of a statement's text: the pieces a translator translates one at a time.

A language's text file (<code>.md, read by markdown.py) is cut into sections — the title, the
lead, the body, the call to action, the notes to editors, the letter's subject, opening and body
— and each section into blocks: a paragraph, a sub-heading, a list item, a quoted paragraph, a
quote's attribution. Footnotes are blocks of their own, numbered in the order they are referred
to. Every block has

- a key, the same in every language, by which a translation is aligned with its source and its
  staleness recorded: `<section>.<kind>.<n>` ("body.paragraph.3", "call-to-action.item.2"),
  "title", and "footnote.<n>";
- a name for people, counting from 1: "body paragraph 3", "demand 2", "footnote 1"; the lead,
  the call to action and the letter's subject and opening, when they are one paragraph, are
  named after their section ("lead");
- its kind, its Markdown text, and the lines of the file it stands on, so that a problem is
  reported where it is and a block can be replaced without touching anything else in the file
  (markdown.replace_block).

n counts the blocks of one kind in one section, from 1, in the order of the file; the items of
every list in a section are counted together (nested ones too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem
from ..yamlsource import Path_, YamlDocument

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ..model import FrontMatter

SECTIONS = {
    "title": "title",
    "lead": "lead",
    "body": "body",
    "call-to-action": "call to action",
    "notes-to-editors": "notes to editors",
    "letter-subject": "letter subject",
    "letter-opening": "letter opening",
    "letter-body": "letter body",
}
"""Every section, in the order it must have in the file, with its name for people."""
MARKED = ("lead", "call-to-action", "notes-to-editors", "letter-subject", "letter-opening",
          "letter-body")
"""Sections written between a line `::: <section>` and a line `:::`. The title is the `# `
heading that starts the text, and the body is the text outside the marked sections."""
REQUIRED = ("title", "lead", "body", "call-to-action")
ONE_PARAGRAPH = ("title", "letter-subject")
"""Sections printed as one line of text (a heading): one paragraph, no lists or quotes."""
FOOTNOTE = "footnote"

_KIND_NAMES = {"item": "list item"}
_NAMED_AFTER_SECTION = ("lead", "call-to-action", "letter-subject", "letter-opening")
_SECTION_KIND_NAMES = {("call-to-action", "item"): "demand"}


@dataclass(frozen=True)
class Block:
    key: str
    name: str
    section: str
    """A key of SECTIONS, or "footnotes"."""
    kind: str
    """paragraph, heading, item, quote, attribution or footnote."""
    number: int
    """Counted from 1 among the blocks of its kind in its section."""
    text: str
    """Its Markdown text, without what makes it a list item, quote, heading or footnote
    (the `1. `, `> `, `## `, `[^1]: `): what a translator translates."""
    start_line: int
    end_line: int
    """The lines of the file it stands on, from 1, both included."""
    column: int
    """Where its text starts on its first line, from 1."""
    inline: tuple[Token, ...] = field(default=(), compare=False, repr=False)
    """The parsed text: one markdown-it `inline` token per paragraph of the block."""

    @property
    def plain(self) -> str:
        """Its words without their markup, on one line (a link's text, not its address)."""
        words = [child.content if child.type != "softbreak" else " "
                 for token in self.inline for child in token.children or []
                 if child.type in ("text", "text_special", "softbreak")]
        return " ".join("".join(words).split())

    @property
    def links(self) -> list[str]:
        """The addresses the block links to, in order."""
        return [child.attrs["href"] for token in self.inline for child in token.children or []
                if child.type == "link_open"]

    @property
    def footnote_calls(self) -> list[int]:
        """The footnotes it refers to, by number, in order."""
        return [child.meta["id"] + 1 for token in self.inline for child in token.children or []
                if child.type == "footnote_ref"]


def block_key(section: str, kind: str, number: int) -> str:
    if section == "title":
        return "title"
    if kind == FOOTNOTE:
        return f"{FOOTNOTE}.{number}"
    return f"{section}.{kind}.{number}"


def block_name(section: str, kind: str, number: int, alone: bool = False) -> str:
    """The name a person reads in a message. `alone`: the only block of its section. The
    sections that are one paragraph as a rule (the lead, the call to action, the letter's
    subject and opening) name it after themselves."""
    if section == "title":
        return "title"
    if alone and kind == "paragraph" and section in _NAMED_AFTER_SECTION:
        return SECTIONS[section]
    return f"{kind_name(section, kind)} {number}"


def kind_name(section: str, kind: str) -> str:
    """What the blocks of one kind in one section are called: "body paragraph", "demand"."""
    if kind == FOOTNOTE:
        return FOOTNOTE
    if (section, kind) in _SECTION_KIND_NAMES:
        return _SECTION_KIND_NAMES[section, kind]
    return f"{SECTIONS[section]} {_KIND_NAMES.get(kind, kind)}"


@dataclass
class Section:
    name: str
    """A key of SECTIONS."""
    tokens: list[Token] = field(repr=False)
    """Its block-level markdown-it tokens, in order (for the layouts, text/html.py)."""
    blocks: list[Block]
    line: int
    """Where it starts: its `::: name` line, or its first block's line."""


@dataclass
class TextFile:
    """One language's text of a statement, as read from <code>.md."""

    file: Path
    source: str = field(repr=False)
    front: FrontMatter
    front_document: YamlDocument = field(repr=False)
    sections: dict[str, Section]
    footnotes: list[Block]
    """In the order they are numbered: the order they are first referred to."""
    footnote_tokens: dict[int, list[Token]] = field(default_factory=dict, repr=False)
    """Each footnote's block-level tokens, by number."""
    warnings: list[Problem] = field(default_factory=list)
    """What reading found doubtful but not wrong (a footnote nobody calls), for `check`."""

    @property
    def language(self) -> str:
        return self.front.language

    @property
    def status(self) -> str:
        return self.front.status

    @property
    def blocks(self) -> list[Block]:
        """Every block, section by section in the order of SECTIONS, then the footnotes."""
        return [block for section in self.sections.values() for block in section.blocks
                ] + self.footnotes

    def block(self, key: str) -> Block | None:
        return next((block for block in self.blocks if block.key == key), None)

    def section(self, name: str) -> Section | None:
        return self.sections.get(name)

    @property
    def title(self) -> str:
        """The title as plain words on one line (for the PDF's metadata)."""
        return self.sections["title"].blocks[0].plain

    @property
    def placeholders(self) -> set[Path_]:
        """The front matter's values marked !placeholder."""
        return self.front_document.placeholders

    def strings(self, root: Path_ = ()) -> list[tuple[Path_ | str, str]]:
        """Every text of the file with where it is: the front matter's values under `root`
        (by their path), and with the whole file, each block's text (by its key)."""
        blocks = [(block.key, block.text) for block in self.blocks] if not root else []
        return [*self.front_document.strings(root), *blocks]

    def problem(self, at: Path_ | str, message: str, severity: str = "error",
                at_key: bool = False) -> Problem:
        """A problem located at a block (its key), or at a front matter value (its path, as
        for a YAML document: ("status",)); () is the start of the file."""
        if isinstance(at, str):
            block = self.block(at)
            if block is None:
                return Problem(self.file, 1, 1, message, severity)
            return Problem(self.file, block.start_line, block.column, message, severity)
        if not at:
            return Problem(self.file, 1, 1, message, severity)
        return self.front_document.problem(at, message, severity, at_key)

    def locate(self, block: Block, needle: str) -> tuple[int, int]:
        """Line and column of the first `needle` in the block's lines (its start otherwise)."""
        lines = self.source.splitlines()
        for number in range(block.start_line, block.end_line + 1):
            column = lines[number - 1].find(needle)
            if column >= 0:
                return number, column + 1
        return block.start_line, block.column
