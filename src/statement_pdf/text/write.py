"""Writing a language's text file from its parts, in the convention markdown.py reads (for
`statement-pdf import`, and for code that makes statements: tests, benchmarks)."""

from __future__ import annotations

import re
import textwrap

import yaml

from .blocks import MARKED, SECTIONS

WIDTH = 100


def text_file(front: dict[str, object], sections: dict[str, list[str]],
              footnotes: dict[str, str] | None = None) -> str:
    """A text file: `front` as its front matter, then each section of `sections` (by its key
    in blocks.SECTIONS: "title", "lead", "body", …) as its Markdown blocks, in the order of
    the format; `footnotes` are the texts of the footnotes the blocks call, by label."""
    front_matter = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=WIDTH)
    parts = [f"---\n{front_matter}---"]
    for name in SECTIONS:
        blocks = [block.strip() for block in sections.get(name, []) if block.strip()]
        if not blocks:
            continue
        if name == "title":
            parts.append("# " + " ".join(blocks[0].split()))
        elif name in MARKED:
            parts.append(f"::: {name}\n" + "\n\n".join(blocks) + "\n:::")
        else:
            parts.extend(blocks)
    parts.extend(f"[^{label}]: {' '.join(note.split())}"
                 for label, note in (footnotes or {}).items())
    return "\n\n".join(parts) + "\n"


def literal(text: str) -> str:
    """Plain text as Markdown that reads as that text: the characters that would start
    emphasis, a link or an escape are escaped."""
    return re.sub(r"([\\*_\[\]`])", r"\\\1", text)


def paragraph(text: str) -> str:
    """One paragraph of Markdown, wrapped for reading in an editor; a line that would start
    with what Markdown takes for a list, quote or heading is joined to the line before."""
    lines: list[str] = []
    for line in textwrap.wrap(" ".join(text.split()), WIDTH, break_long_words=False,
                              break_on_hyphens=False):
        if lines and _starts_a_block(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def _starts_a_block(line: str) -> bool:
    first = line.split(" ", 1)[0]
    return (first in ("-", "+", "*", ">", ":::") or first.startswith(("#", ">", "[^"))
            or (first[:-1].isdigit() and first[-1:] in ".)"))
