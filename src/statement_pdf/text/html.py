"""A text file's sections as HTML for the layouts: every string escaped, its digits localised
and its Latin runs isolated inside every inline element (localise.py), so that templates never
see raw author text.

markdown-it-py's own renderer is not used: it would put author text into HTML as it is, and
the bidi isolation and native digits must be applied to each run of text between the markup.
Only what the statement format allows is written: paragraphs, sub-headings, lists, quotes with
their attribution, emphasis, links and footnote calls; the parser leaves everything else as
literal text (text/markdown.py).

Links are live (`<a href>`), and carry their address in a `.link-url` span that layouts hide
or show: letters and the print profile print it, since paper has no links. Footnotes are
numbered per document in the order they are called: at the foot of the page (each note an
element with `float: footnote` at its call, numbered by the CSS `footnote` counter) or as
endnotes, as the layout says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from markdown_it.token import Token
from markupsafe import Markup

from ..localise import Localiser
from .blocks import TextFile

_OPENING = {"bullet_list_open": "ul", "ordered_list_open": "ol", "list_item_open": "li",
            "blockquote_open": "blockquote"}
_CLOSING = {"bullet_list_close": "ul", "ordered_list_close": "ol", "list_item_close": "li",
            "blockquote_close": "blockquote"}
_INLINE_TAGS = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>",
                "strong_close": "</strong>", "hardbreak": "<br>"}


@dataclass
class Writer:
    """Writes the sections of one language's text for one document: its footnotes are
    numbered from 1 in the order this writer meets their calls."""

    text: TextFile
    local: Localiser
    footnotes: Literal["page", "end"] = "page"
    numbers: dict[int, int] = field(default_factory=dict)
    """The file's footnote number → its number in this document."""
    written: dict[str, Markup] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.text.section(name) is not None

    def section(self, name: str, lead_in: Markup | None = None, level: int = 2) -> Markup:
        """The blocks of section `name` (nothing if the file has no such section), written
        once per document. `lead_in` starts the first paragraph (the dateline), or stands as a
        paragraph of its own when the section does not start with one. `level` is the HTML
        heading a `## ` sub-heading becomes (3 under a heading of the layout's own)."""
        section = self.text.section(name)
        if section is None:
            return Markup("")
        if name not in self.written:
            kinds = {id(inline): block.kind for block in section.blocks
                     for inline in block.inline}
            self.written[name] = self._blocks(section.tokens, kinds, lead_in, level - 2)
        return self.written[name]

    def line(self, name: str) -> Markup:
        """A one-paragraph section (the title, the letter's subject) as inline text."""
        return self.inline(self.text.sections[name].blocks[0].inline[0])

    def inline(self, token: Token) -> Markup:
        parts: list[Markup] = []
        words: list[str] = []
        links: list[str] = []

        def flush() -> None:
            if words:
                parts.append(self.local.isolated("".join(words)))
                words.clear()

        for child in token.children or []:
            if child.type in ("text", "text_special"):
                words.append(child.content)
            elif child.type == "softbreak":
                words.append(" ")
            else:
                flush()
                if child.type in _INLINE_TAGS:
                    parts.append(Markup(_INLINE_TAGS[child.type]))
                elif child.type == "link_open":
                    links.append(child.attrs["href"])
                    parts.append(Markup('<a href="%s">') % child.attrs["href"])
                elif child.type == "link_close":
                    parts.append(Markup("</a>") + self._address(links.pop(), parts))
                elif child.type == "footnote_ref":
                    parts.append(self._call(child.meta["id"] + 1))
        flush()
        return Markup("").join(parts)

    def endnotes(self) -> list[Markup]:
        """The notes called so far, in their order, when the layout prints them at the end."""
        if self.footnotes != "end":
            return []
        order = sorted(self.numbers, key=self.numbers.get)
        return [self._note(number) for number in order]

    # --- blocks ---------------------------------------------------------------------------

    def _blocks(self, tokens: list[Token], kinds: dict[int, str], lead_in: Markup | None,
                shift: int) -> Markup:
        out: list[Markup] = []
        if lead_in is not None and not (tokens and tokens[0].type == "paragraph_open"):
            out.append(Markup("<p>%s</p>") % lead_in)
            lead_in = None
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "paragraph_open" and not token.hidden:
                out.append(self._paragraph_open(tokens[index + 1], kinds, lead_in is None))
                if lead_in is not None:
                    out.append(lead_in + Markup(" "))
                    lead_in = None
            elif kind == "paragraph_close" and not token.hidden:
                out.append(Markup("</p>\n"))
            elif kind == "heading_open":
                out.append(Markup(f"<h{min(len(token.markup) + shift, 6)}>"))
            elif kind == "heading_close":
                out.append(Markup(f"</h{min(len(token.markup) + shift, 6)}>\n"))
            elif kind == "inline":
                out.append(self.inline(token))
            elif kind in _OPENING:
                out.append(Markup(_opening(token)))
            elif kind in _CLOSING:
                out.append(Markup(f"</{_CLOSING[kind]}>\n"))
        return Markup("").join(out)

    def _paragraph_open(self, inline: Token, kinds: dict[int, str], alone: bool) -> Markup:
        """A quote's attribution has its class; a paragraph wholly in Latin letters in a
        right-to-left page (a name, or text not yet translated) is set left to right, so its
        full stop stays at its end, in the Latin font and leading."""
        classes = ["attribution"] if kinds.get(id(inline)) == "attribution" else []
        latin = alone and self.local.wholly_latin(inline.content)
        if latin:
            classes.append("latin-only")
        attributes = (' dir="ltr"' if latin else "") + (
            f' class="{" ".join(classes)}"' if classes else "")
        return Markup(f"<p{attributes}>")

    # --- links and footnotes ----------------------------------------------------------------

    def _address(self, href: str, parts: list[Markup]) -> Markup:
        """The address after a link's text, for the layouts that print it, unless the text
        already is the address (`<https://…>`, an e-mail address)."""
        address = href.removeprefix("mailto:")
        label = Markup("").join(parts[_last_link(parts):]).striptags()
        if address.rstrip("/") in label:
            return Markup("")
        return Markup('<span class="link-url"> (%s)</span>') % self.local.verbatim(address)

    def _call(self, number: int) -> Markup:
        first = number not in self.numbers
        if first:
            self.numbers[number] = len(self.numbers) + 1
        shown = self.local.digits(str(self.numbers[number]))
        if self.footnotes == "page" and first:
            return Markup('<span class="footnote">%s</span>') % self._note(number)
        return Markup('<sup class="footnote-call">%s</sup>') % shown

    def _note(self, number: int) -> Markup:
        """A footnote's text: its paragraphs as lines of one note."""
        tokens = self.text.footnote_tokens.get(number, [])
        return Markup("<br>").join(self.inline(token) for token in tokens
                                   if token.type == "inline")


def _opening(token: Token) -> str:
    tag = _OPENING[token.type]
    start = token.attrs.get("start")
    return f'<{tag} start="{int(start)}">' if tag == "ol" and start not in (None, 1) else f"<{tag}>"


def _last_link(parts: list[Markup]) -> int:
    return max(index for index, part in enumerate(parts) if part.startswith("<a href="))
