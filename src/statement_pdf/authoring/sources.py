"""What `statement-pdf import` reads: a Word document, a Markdown file or plain text, as a row of
pieces — paragraphs, headings, lists and quotations, their words already in the Markdown of the
statement format (emphasis, links, footnote calls) — and the footnotes' texts. placing.py then
decides which piece belongs to which section.

Word documents go through mammoth, which turns a .docx into plain semantic HTML (headings,
lists with their numbering, links, footnotes) without the document's looks; the HTML is read
here with the standard library's parser. Plain text is often copied out of a PDF, with a line
break at the end of every printed line and, worse, an empty line after each (the seed statement
is such a text): there, a paragraph ends where its last line ends a sentence and the next word
would still have fitted on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from ..text.markdown import LINK_SCHEMES
from ..text.write import literal

BULLETS = "●•◦▪‣-–*·"
_ORDERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
_BULLET = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s+(.*)$")
_SENTENCE_END = tuple(".!?:;’”»)؟۔")
QUOTE_STYLES = ("Quote", "Intense Quote")
_STYLE_MAP = "\n".join([
    "p[style-name='Title'] => h1:fresh",
    *(f"p[style-name='{style}'] => blockquote > p:fresh" for style in QUOTE_STYLES),
])


@dataclass
class Piece:
    """A paragraph, heading, list or quotation of the imported text, in Markdown."""

    kind: Literal["paragraph", "heading", "list", "quote"]
    text: str = ""
    """A paragraph's or heading's Markdown."""
    items: list[str] = field(default_factory=list)
    """A list's items, or a quotation's paragraphs (the last one may be its attribution)."""
    ordered: bool = False
    level: int = 1

    @property
    def plain(self) -> str:
        """Its words without Markdown, on one line: what the rules that place it look at."""
        words = " ".join([self.text, *self.items])
        words = re.sub(r"\[\^[^\]]+\]", "", words)
        words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", words)
        return " ".join(re.sub(r"\\(.)|[*_]", r"\1", words).split())

    def markdown(self, level_of_subheadings: int = 2) -> str:
        if self.kind == "heading":
            return "#" * max(level_of_subheadings, self.level) + " " + " ".join(self.text.split())
        if self.kind == "list":
            return "\n".join(f"{f'{number}.' if self.ordered else '-'} {item}"
                             for number, item in enumerate(self.items, start=1))
        if self.kind == "quote":
            return "\n>\n".join("\n".join(f"> {line}" for line in paragraph.splitlines())
                                for paragraph in self.items)
        return self.text


@dataclass
class Source:
    pieces: list[Piece]
    footnotes: dict[str, str] = field(default_factory=dict)
    """Each footnote's Markdown text by the label its call uses ([^label])."""


def read_source(file: Path) -> Source:
    """The pieces of `file`, by its suffix: .docx, .md or .txt."""
    suffix = file.suffix.lower()
    if suffix == ".docx":
        return read_docx(file)
    text = file.read_text(encoding="utf-8-sig")
    return read_markdown(text) if suffix in (".md", ".markdown") else read_plain_text(text)


# --- plain text --------------------------------------------------------------------------------


def read_plain_text(text: str) -> Source:
    pieces: list[Piece] = []
    for lines in _paragraph_lines(text):
        for line_group in _split_lists(lines):
            pieces.append(line_group)
    return Source(_merged_lists(pieces))


def _paragraph_lines(text: str) -> list[list[str]]:
    """The text's paragraphs, each as its printed lines. In a text copied out of a PDF, where
    an empty line follows every line, an empty line is only a line break: paragraphs are told
    apart by a line of spaces, by two empty lines, or by how their last line ends."""
    lines = [line.rstrip() for line in text.splitlines()]
    raw = text.splitlines()
    filled = [index for index, line in enumerate(lines) if line.strip()]
    double_spaced = len(filled) > 2 and sum(
        1 for index in filled if index + 1 < len(lines) and not raw[index + 1]
    ) > 0.8 * len(filled)
    chunks: list[list[str]] = [[]]
    for index, line in enumerate(lines):
        separator = not line.strip() and (not double_spaced or raw[index] != "" or (
            index > 0 and not raw[index - 1].strip()))
        if separator:
            chunks.append([])
        elif line.strip():
            chunks[-1].append(line.strip())
    chunks = [chunk for chunk in chunks if chunk]
    if not double_spaced:
        return chunks
    width = max((len(line) for chunk in chunks for line in chunk), default=0)
    return [paragraph for chunk in chunks for paragraph in _reflowed(chunk, width)]


def _reflowed(lines: list[str], width: int) -> list[list[str]]:
    """Cut a run of printed lines where a paragraph ends: a line that ends a sentence although
    the next word would have fitted on it, or a bullet or number that starts an item."""
    paragraphs: list[list[str]] = [[]]
    for index, line in enumerate(lines):
        if paragraphs[-1] and (_BULLET.match(line) or _ORDERED.match(line)):
            paragraphs.append([])
        paragraphs[-1].append(line)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is not None and line.endswith(_SENTENCE_END):
            next_word = following.split()[0]
            if len(line) + 1 + len(next_word) < width * 0.97:
                paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def _split_lists(lines: list[str]) -> list[Piece]:
    """A paragraph of lines, or the items of a list (a bullet or number starts each)."""
    pieces: list[Piece] = []
    for line in lines:
        bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
        if bullet or ordered:
            item = literal((bullet or ordered).group(1 if bullet else 2))
            pieces.append(Piece("list", items=[item], ordered=bool(ordered)))
        elif pieces and pieces[-1].kind == "list":
            pieces[-1].items[-1] += " " + literal(line)
        elif pieces:
            pieces[-1].text += " " + literal(line)
        else:
            pieces.append(Piece("paragraph", literal(line)))
    return pieces


def _merged_lists(pieces: list[Piece]) -> list[Piece]:
    """Consecutive items of one kind make one list."""
    merged: list[Piece] = []
    for piece in pieces:
        if (piece.kind == "list" and merged and merged[-1].kind == "list"
                and merged[-1].ordered == piece.ordered):
            merged[-1].items.extend(piece.items)
        else:
            merged.append(piece)
    return merged


# --- Markdown ----------------------------------------------------------------------------------


def read_markdown(text: str) -> Source:
    """Plain Markdown (not yet in the statement format): its blocks as they are written."""
    md = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)
    env: dict = {}
    tokens = md.parse(text, env)
    pieces: list[Piece] = []
    footnotes: dict[str, str] = {}
    stack: list[Piece] = []
    label: str | None = None
    for index, token in enumerate(tokens):
        if token.type == "footnote_open":
            label = token.meta["label"]
        elif token.type == "footnote_close":
            label = None
        elif token.type in ("bullet_list_open", "ordered_list_open") and not stack:
            stack.append(Piece("list", ordered=token.type.startswith("ordered")))
        elif token.type == "blockquote_open" and not stack:
            stack.append(Piece("quote"))
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            if stack and token.level == 0:
                pieces.append(stack.pop())
        elif token.type == "inline" and tokens[index - 1].type in ("paragraph_open",
                                                                   "heading_open"):
            content = token.content
            if label is not None:
                footnotes[label] = " ".join([footnotes.get(label, ""), content]).strip()
            elif stack:
                stack[-1].items.append(content)
            elif tokens[index - 1].type == "heading_open":
                pieces.append(Piece("heading", content, level=len(tokens[index - 1].markup)))
            else:
                pieces.append(Piece("paragraph", content))
    return Source(pieces, footnotes)


# --- Word --------------------------------------------------------------------------------------


def read_docx(file: Path) -> Source:
    import mammoth  # only when a Word document is imported

    with file.open("rb") as document:
        html = mammoth.convert_to_html(document, style_map=_STYLE_MAP).value
    reader = _HtmlReader()
    reader.feed(html)
    reader.close()
    return Source(reader.pieces, reader.footnotes)


class _HtmlReader(HTMLParser):
    """mammoth's HTML (p, h1-h6, ul/ol/li, blockquote, strong/em, a, sup, br, and the footnotes
    as an ordered list of `footnote-N` items at the end) as pieces of Markdown. A nested list's
    items join the list they are in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[Piece] = []
        self.footnotes: dict[str, str] = {}
        self.words: list[str] = []
        self.container: Piece | None = None
        self.depth = 0
        self.links: list[str | None] = []
        self.footnote: str | None = None
        self.skipping = False
        """Inside a link whose text is not printed: a footnote call's [1], or its ↑ back."""
        self.opened = False
        """Right after the opening `**` or `*` of an emphasis."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.opened = False
        if tag in ("ul", "ol"):
            self.depth += 1
            if self.depth == 1:
                self.container = Piece("list", ordered=tag == "ol")
        elif tag == "li":
            self._flush_item()
            identifier = attributes.get("id") or ""
            if identifier.startswith("footnote-"):
                self.footnote = identifier.removeprefix("footnote-")
        elif tag == "blockquote":
            self.container = Piece("quote")
        elif tag in _EMPHASIS:
            self.words.append(_EMPHASIS[tag])
            self.opened = True
            return
        elif tag == "a":
            self._open_link(attributes.get("href") or "")
        elif tag == "br":
            self.words.append(" ")

    def _open_link(self, href: str) -> None:
        if href.startswith("#footnote-ref-"):
            self.links.append(None)
            self.skipping = True
        elif href.startswith("#footnote-"):
            self.links.append(None)
            self.words.append(f"[^{href.removeprefix('#footnote-')}]")
            self.skipping = True
        elif href.lower().startswith(LINK_SCHEMES):
            self.links.append(href)
            self.words.append("[")
        else:
            self.links.append(None)

    def handle_endtag(self, tag: str) -> None:
        self.opened = False
        if tag in ("ul", "ol"):
            self.depth -= 1
            if self.depth == 0:
                self._flush_item()
                if self.container is not None and self.container.items:
                    self.pieces.append(self.container)
                self.container = None
        elif tag == "li":
            self._flush_item()
        elif tag == "blockquote" and self.container is not None:
            self.pieces.append(self.container)
            self.container = None
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            self._end_block(tag)
        elif tag in _EMPHASIS:
            self._close_emphasis(_EMPHASIS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            self.skipping = False
            if href is not None:
                self.words.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.opened and data[:1].isspace():
            self.words.insert(len(self.words) - 1, " ")  # `**` must touch its words
            data = data.lstrip()
        self.opened = False
        self.words.append(literal(data))

    def _close_emphasis(self, marker: str) -> None:
        trailing = ""
        if self.words and self.words[-1] != self.words[-1].rstrip():
            trailing = " "
            self.words[-1] = self.words[-1].rstrip()
        self.words.append(marker + trailing)

    def _end_block(self, tag: str) -> None:
        if self.footnote is not None or self.depth:
            self.words.append(" ")  # a paragraph inside a footnote or a list item goes on
            return
        text = self._take()
        if not text:
            return
        if self.container is not None and self.container.kind == "quote":
            self.container.items.append(text)
        elif tag.startswith("h"):
            self.pieces.append(Piece("heading", text, level=int(tag[1])))
        else:
            self.pieces.append(Piece("paragraph", text))

    def _flush_item(self) -> None:
        text = self._take()
        if self.footnote is not None:
            if text:
                self.footnotes[self.footnote] = text
            self.footnote = None
        elif text and self.container is not None and self.container.kind == "list":
            self.container.items.append(text)

    def _take(self) -> str:
        text = " ".join("".join(self.words).split())
        self.words = []
        return text


_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
