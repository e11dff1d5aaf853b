"""Reading a language's text file: Markdown (CommonMark, by markdown-it-py) with a front matter.

    ---
    language: en
    status: source
    ---

    # The title

    ::: lead
    The opening paragraph.
    :::

    The body: paragraphs, ## sub-headings, lists, > quotes, [links](https://…), footnotes[^1].

    ::: call-to-action
    What the signatories call for.
    :::

    [^1]: The footnote's text.

docs/writing.md describes the convention for authors and translators. Statement text is data,
never markup: raw HTML is off (`<script>` stays the text "<script>"), and so is everything that
could fetch a file or change how text is read — images, code blocks, setext headings,
thematic breaks (their characters stay literal text). Links go only to http(s) and mailto
addresses; any other target leaves the text as typed.

Every problem is located at file:line:column, and every block keeps its lines, so that
`replace_block` can put a new text in place of one block and leave every other byte alone.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..errors import InputError, Problem
from ..model import FrontMatter
from ..sourcefile import read_text
from ..yamlsource import YamlDocument, parse_yaml, validate
from .blocks import (
    FOOTNOTE,
    MARKED,
    ONE_PARAGRAPH,
    REQUIRED,
    SECTIONS,
    Block,
    Section,
    TextFile,
    block_key,
    block_name,
)

LINK_SCHEMES = ("https://", "http://", "mailto:")
_DISABLED = ["image", "code", "fence", "lheading", "hr", "backticks", "html_block", "html_inline"]
_ATTRIBUTION = re.compile(r"^(?:—|―|–|--)\s*\S")
"""A quote's last paragraph that starts with a dash names who said it."""
_UNDEFINED_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_CONTAINERS = {"bullet_list_open": "list", "ordered_list_open": "list",
               "list_item_open": "item", "blockquote_open": "quote"}
_CLOSERS = {"bullet_list_close", "ordered_list_close", "list_item_close", "blockquote_close"}


@cache
def parser() -> MarkdownIt:
    """CommonMark, raw HTML off, with footnotes, a front matter and `:::` sections."""
    md = MarkdownIt("commonmark", {"html": False})
    md.use(front_matter_plugin).use(footnote_plugin)
    md.use(container_plugin, "section", validate=lambda params, *args: True)
    md.disable(_DISABLED)
    md.validateLink = lambda url: url.lower().startswith(LINK_SCHEMES)
    return md


def read_text_file(file: Path) -> TextFile:
    """The text file `file`; its problems, all at once, as an InputError."""
    return parse_text(read_text(file), file)


def parse_text(source: str, file: Path) -> TextFile:
    problems: list[Problem] = []
    env: dict = {}
    tokens = parser().parse(source.removeprefix("\ufeff"), env)
    front, front_document = _front_matter(tokens, file, problems)
    lines = source.splitlines()
    reader = _SectionReader(file, problems, lines)
    for token in tokens:
        reader.add(token)
    sections = reader.finish(_first_text_line(tokens), lines)
    footnotes, footnote_tokens = _footnotes(tokens, lines)
    problems.extend(_footnote_problems(file, lines, env, sections))
    if front is None or any(problem.severity == "error" for problem in problems):
        raise InputError(problems)
    return TextFile(file, source, front, front_document, sections, footnotes, footnote_tokens,
                    warnings=problems)


def replace_block(source: str, key: str, text: str, file: Path = Path("text.md")) -> str:
    """`source` (a text file's content) with the block `key` replaced by `text`, written the
    way the block was (its list marker, `> ` or `## ` kept, continuation lines indented alike)
    and every other byte unchanged. Refused (InputError) when the file does not parse, has no
    such block, or would not have the same blocks afterwards — a text that starts a list or
    splits the block in two must be edited in the file itself."""
    document = parse_text(source, file)
    block = document.block(key)
    if block is None:
        raise InputError([Problem(file, 1, 1, f"no block '{key}' in the file (blocks: "
                                  f"{', '.join(item.key for item in document.blocks)})")])
    lines = source.splitlines(keepends=True)
    first, last = lines[block.start_line - 1], lines[block.end_line - 1]
    prefix = first[:block.column - 1]
    continuation = "".join(char if char in "> \t" else " " for char in prefix)
    newline = "\r\n" if first.endswith("\r\n") else "\n"
    written = [prefix + line if number == 0 else (continuation + line if line.strip()
                                                   else continuation.rstrip())
               for number, line in enumerate(text.strip().splitlines())]
    ending = last[len(last.rstrip("\r\n")):]
    replaced = ("".join(lines[:block.start_line - 1]) + newline.join(written) + ending
                + "".join(lines[block.end_line:]))
    refusal = (f"the new text of {block.name} changes the blocks of the file (a line that "
               "starts a list, a quote, a heading or a section, or an empty line that makes two "
               "paragraphs): edit the file itself")
    try:
        after = parse_text(replaced, file)
    except InputError as error:
        raise InputError([Problem(file, block.start_line, block.column,
                                  f"{refusal}; it would read: {error.problems[0].message}")]
                         ) from None
    new = after.block(key)
    if ([item.key for item in after.blocks] != [item.key for item in document.blocks]
            or new is None or new.text.split() != text.split()):
        raise InputError([Problem(file, block.start_line, block.column, refusal)])
    return replaced


def _front_matter(tokens: list[Token], file: Path, problems: list[Problem]
                  ) -> tuple[FrontMatter | None, YamlDocument | None]:
    if not tokens or tokens[0].type != "front_matter":
        problems.append(Problem(file, 1, 1, "a text file starts with its front matter: a line "
                                "---, the lines `language: <code>` and `status: <status>`, and "
                                "another line --- (see docs/writing.md)"))
        return None, None
    try:
        document = parse_yaml(tokens[0].content, file, first_line=2)
    except InputError as error:
        problems.extend(error.problems)
        return None, None
    if document.data is None:
        document.data = {}
    return validate(document, document.data, (), FrontMatter, problems), document


def _first_text_line(tokens: list[Token]) -> int:
    """Where the text after the front matter starts (for a problem about a missing title)."""
    return next((token.map[0] + 1 for token in tokens
                 if token.map and token.type != "front_matter"), 1)


class _SectionReader:
    """Cuts the block-level tokens into sections, checking the convention as it goes: the
    title first, `:::` sections known, closed, not nested and in order, the body outside them."""

    def __init__(self, file: Path, problems: list[Problem], source_lines: list[str]) -> None:
        self.file, self.problems, self.source_lines = file, problems, source_lines
        self.tokens: dict[str, list[Token]] = {}
        self.lines: dict[str, int] = {}
        self.marked: str | None = None
        """The `:::` section being read ("" for an unknown or repeated one, whose text is
        left out)."""
        self.opening: Token | None = None
        self.outside = "title"
        """Where text outside the `:::` sections goes: the title, then the body."""
        self.last = -1
        """The place in SECTIONS of the last section met."""
        self.in_footnotes = False
        self.containers: list[bool] = []
        """For each `:::` line open: whether it opened a section (False: one inside a list or a
        quote, reported and read as the text around it, so that lists and quotes stay whole)."""

    def problem(self, token: Token, message: str, column: int = 1) -> None:
        line = token.map[0] + 1 if token.map else 1
        self.problems.append(Problem(self.file, line, column, message))

    def add(self, token: Token) -> None:
        if token.type in ("footnote_block_open", "footnote_block_close"):
            self.in_footnotes = token.type == "footnote_block_open"
        if self.in_footnotes or token.type in ("front_matter", "footnote_block_close"):
            return  # the footnotes are read from their block at the end (_footnotes)
        if token.type == "container_section_open":
            # a section starts at the margin, or (a mistake _open names) in another section
            self.containers.append(token.level <= (self.marked is not None))
            if self.containers[-1]:
                self._open(token)
            else:
                self.problem(token, "a ::: line inside a list or a quote: write the lines "
                             "that open and close sections on their own, at the start of "
                             "the line", column=self._colons(token))
        elif token.type == "container_section_close":
            if not self.containers.pop():
                return
            if not token.markup and self.marked:
                self.problem(self.opening, f"::: {self.marked} is not closed: end the "
                             f"{SECTIONS[self.marked]} with a line ::: (three colons)")
            self.marked = None
        elif self.marked is not None:
            self.tokens.setdefault(self.marked, []).append(token)
        else:
            if token.level == 0 and token.nesting == 1:
                self._outside(token)
            self.tokens[self.outside].append(token)

    def _colons(self, token: Token) -> int:
        """The column of the colons on the line where `token` starts."""
        line = self.source_lines[token.map[0]] if token.map else ""
        return line.find(":::") + 1 or 1

    def _open(self, token: Token) -> None:
        name = token.info.strip()
        if self.marked:
            self.problem(token, f"::: {name} inside ::: {self.marked} (line "
                         f"{self.opening.map[0] + 1}): end the {SECTIONS[self.marked]} with a "
                         "line ::: first")
            name = ""
        elif name not in MARKED:
            self.problem(token, f"unknown section '::: {name}' (expected one of: "
                         f"{', '.join(MARKED)}; see docs/writing.md)")
            name = ""
        elif name in self.tokens:
            self.problem(token, f"a second ::: {name}: the {SECTIONS[name]} is written once")
            name = ""
        else:
            self._enter(name, token)
            self.tokens[name] = []
        self.marked, self.opening = name, token

    def _outside(self, token: Token) -> None:
        """A block outside the `:::` sections begins: the title, or part of the body."""
        is_title = token.type == "heading_open" and token.markup == "#"
        if "title" not in self.tokens:
            if not is_title:
                self.problem(token, "the text starts with its title: a line starting with "
                             "'# ' (a hash and a space)")
            self._enter("title", token)
            self.tokens["title"] = []
            return
        if is_title:
            self.problem(token, "only the title starts with a single '# ': write a "
                         "sub-heading as '## ' (two hashes)")
        if self.outside == "title" or self.last > list(SECTIONS).index("body"):
            self._enter("body", token)
        self.outside = "body"
        self.tokens.setdefault("body", [])

    def _enter(self, name: str, token: Token) -> None:
        order = list(SECTIONS).index(name)
        if order < self.last:
            after = list(SECTIONS)[self.last]
            self.problem(token, f"text outside the sections after ::: {after}: move it up "
                         "into the body, or put it between ::: lines in a section"
                         if name == "body" else
                         f"the {SECTIONS[name]} must come before the {SECTIONS[after]} (the "
                         f"order is: {', '.join(SECTIONS.values())})")
        self.last = max(self.last, order)
        self.lines.setdefault(name, token.map[0] + 1 if token.map else 1)

    def finish(self, first_line: int, lines: list[str]) -> dict[str, Section]:
        for name in REQUIRED:
            if not any(token.type == "inline" for token in self.tokens.get(name, [])):
                self.problems.append(Problem(self.file, self.lines.get(name, first_line), 1,
                                             _missing(name)))
        sections = {}
        for name in SECTIONS:
            if name in self.tokens:
                tokens = self.tokens[name]
                blocks = _blocks(name, tokens, lines)
                if name in ONE_PARAGRAPH and (len(blocks) > 1 or any(
                        token.type in _CONTAINERS for token in tokens)):
                    line = blocks[-1].start_line if blocks else self.lines.get(name, 1)
                    self.problems.append(Problem(self.file, line, 1,
                                                 f"the {SECTIONS[name]} is one paragraph of "
                                                 "text, without lists or quotes"))
                sections[name] = Section(name, tokens, blocks, self.lines.get(name, 1))
        return sections


def _missing(name: str) -> str:
    if name == "title":
        return "no title: the text starts with a line '# ' and the title"
    if name == "body":
        return "no body: write the statement's paragraphs after the ::: lead section"
    return (f"no {SECTIONS[name]}: write it between a line ::: {name} and a line :::"
            " (see docs/writing.md)")


def _blocks(section: str, tokens: list[Token], lines: list[str]) -> list[Block]:
    """The blocks of one section, numbered per kind (see blocks.py)."""
    leaves = _leaves(tokens)
    groups: list[tuple[str, list[tuple[Token, Token]]]] = []
    previous_item = None
    for index, (kind, owner, opening, inline) in enumerate(leaves):
        if kind == "item" and owner == previous_item and groups and groups[-1][0] == "item":
            groups[-1][1].append((opening, inline))
            continue
        if kind == "quote" and _is_attribution(leaves, index):
            kind = "attribution"
        previous_item = owner if kind == "item" else None
        groups.append((kind, [(opening, inline)]))
    counts: dict[str, int] = {}
    alone = len(groups) == 1
    blocks = []
    for kind, parts in groups:
        counts[kind] = counts.get(kind, 0) + 1
        blocks.append(_block(section, kind, counts[kind], parts, alone, lines))
    return blocks


def _leaves(tokens: list[Token]) -> list[tuple[str, int | None, Token, Token]]:
    """Each paragraph or heading as (kind, the list item or quote it is in, its opening token,
    its inline token). A paragraph after a nested list starts a block of its own."""
    stack: list[tuple[str, int]] = []
    leaves = []
    for index, token in enumerate(tokens):
        if token.type in _CONTAINERS:
            stack.append((_CONTAINERS[token.type], index))
        elif token.type in _CLOSERS:
            stack.pop()
            if stack and stack[-1][0] == "item" and token.type.endswith("list_close"):
                stack[-1] = ("item", index)  # what follows the nested list is a new block
        elif token.type in ("paragraph_open", "heading_open"):
            kind, owner = ("heading" if token.type == "heading_open" else "paragraph"), None
            if stack and stack[-1][0] in ("item", "quote"):
                kind, owner = stack[-1]
            leaves.append((kind, owner, token, tokens[index + 1]))
    return leaves


def _is_attribution(leaves: list, index: int) -> bool:
    _, owner, _, inline = leaves[index]
    same_quote = [leaf for leaf in leaves if leaf[0] == "quote" and leaf[1] == owner]
    return (len(same_quote) > 1 and same_quote[-1][3] is inline
            and bool(_ATTRIBUTION.match(inline.content)))


def _block(section: str, kind: str, number: int, parts: list[tuple[Token, Token]],
           alone: bool, lines: list[str]) -> Block:
    first, last = parts[0], parts[-1]
    start_line = first[0].map[0] + 1
    return Block(
        key=block_key(section, kind, number),
        name=block_name(section, kind, number, alone),
        section=section, kind=kind, number=number,
        text="\n\n".join(inline.content for _, inline in parts),
        start_line=start_line, end_line=last[0].map[1],
        column=_column(lines[start_line - 1], first[1].content),
        inline=tuple(inline for _, inline in parts))


def _column(line: str, content: str) -> int:
    """Where the text of a block starts on its first line, after its marker (`1. `, `> `,
    `## `, `[^1]: `): markdown-it's content is the line's end without them."""
    start = content.split("\n", 1)[0].rstrip()
    if start and line.rstrip().endswith(start):
        return len(line.rstrip()) - len(start) + 1
    found = line.find(start) if start else -1
    return found + 1 if found >= 0 else len(line) - len(line.lstrip()) + 1


def _footnotes(tokens: list[Token], lines: list[str]
               ) -> tuple[list[Block], dict[int, list[Token]]]:
    """The footnote definitions that are referred to, numbered by their first reference."""
    blocks, contents = [], {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current, number = [], token.meta["id"] + 1
        elif token.type == "footnote_close" and current is not None:
            paragraphs = [(opening, current[index + 1]) for index, opening in enumerate(current)
                          if opening.type == "paragraph_open"]
            if paragraphs:
                blocks.append(_block("footnotes", FOOTNOTE, number, paragraphs, False, lines))
            contents[number] = current
            current = None
        elif current is not None and token.type != "footnote_anchor":
            current.append(token)
    return blocks, contents


def _footnote_problems(file: Path, lines: list[str], env: dict,
                       sections: dict[str, Section]) -> list[Problem]:
    """A reference without a definition stays literal text; a definition nobody refers to is
    never printed. Both are mistakes to point at."""
    problems = []
    refs = env.get("footnotes", {}).get("refs", {})
    for label, footnote_id in refs.items():
        if footnote_id == -1:
            line = next((number for number, text in enumerate(lines, start=1)
                         if text.lstrip().startswith(f"[^{label[1:]}]:")), 1)
            problems.append(Problem(file, line, 1, f"footnote [^{label[1:]}] is never referred "
                                    f"to: put [^{label[1:]}] in the text where it belongs, or "
                                    "delete it", "warning"))
    for section in sections.values():
        for block in section.blocks:
            for token in block.inline:
                for child in token.children or []:
                    for match in _UNDEFINED_FOOTNOTE.finditer(child.content
                                                              if child.type == "text" else ""):
                        line, column = _find(lines, block, match.group())
                        problems.append(Problem(file, line, column, (
                            f"footnote {match.group()} has no text: add a line "
                            f"'{match.group()}: …' at the end of the file")))
    return problems


def _find(lines: list[str], block: Block, needle: str) -> tuple[int, int]:
    for number in range(block.start_line, block.end_line + 1):
        if (column := lines[number - 1].find(needle)) >= 0:
            return number, column + 1
    return block.start_line, 1
