"""Reading a PDF's text back the way its readers do, and measuring it against what the document
shows: the fidelity of the text layer (engine/textlayer.py).

Readers: poppler (`pdftotext`, in its default reading order and with `-layout`), PDFium (the
engine of Chrome's viewer, through pypdfium2) and pdf.js (Firefox's viewer; `readback.mjs` run
by Node with the pdfjs-dist that package.json pins, from the repository's node_modules). A
reader that is not installed is reported as such, never guessed.

The document shows the text of its composed HTML (`shown_text`): every word of the statement as
localised and laid out, whatever the statement files look like, but what its layout hides by
class (a link's address, on screen) — a footnote, which the page moves to its foot, is a block
of its own. Both sides are cut into words
at white space after folding (`fold`):

- Unicode compatibility normalisation (NFKC: presentation forms, ligatures, wide forms);
- format characters removed (category Cf: ZWNJ and ZWJ, the bidi marks, embeddings and
  isolates readers add or keep, WORD JOINER, soft hyphen);
- Arabic letter variants: ي and ى as ی, ك as ک, ہ and ە as ه (readers and fonts differ on
  which one a glyph stands for);
- digits of every script as ASCII digits (٣, ۳ and 3 are one digit);
- case folded (a layout may print a label in capitals).

Combining marks are kept: a word missing its tanwin or hamza is a different word. Fidelity is
the share of the source's words found in the reader's text (as many times as the source has
them) and the share of its consecutive word pairs found there, which catches words in the
wrong order as recall alone would not. Pairs are taken within each block the document shows
(a paragraph, a heading, a list item, a table cell, a line of an address): blocks that a
layout sets side by side (two columns of signatories, an address beside the date) have no
order between them that a reader could be held to.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compose import Composed

WORDS_NEEDED = 0.99
PAIRS_NEEDED = 0.95
"""What a document's text layer must give back in every reader: 99 % of its words, 95 % of its
consecutive word pairs."""

READERS = ("pdftotext", "pdftotext -layout", "PDFium", "pdf.js")
PDFJS_SCRIPT = Path(__file__).with_name("readback.mjs")
_TIMEOUT = 120
"""Seconds a reader may take over one document (generous: the machine may be busy)."""

_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ہ": "ه", "ە": "ه"})


@dataclass(frozen=True)
class Fidelity:
    """What one reader gives back of a document's words; None when the reader is missing."""

    reader: str
    words: float | None
    pairs: float | None
    missing: tuple[str, ...] = ()

    @property
    def enough(self) -> bool:
        return self.words is None or (self.words >= WORDS_NEEDED and self.pairs >= PAIRS_NEEDED)

    def __str__(self) -> str:
        if self.words is None:
            return f"{self.reader}: not installed"
        return f"{self.reader}: {self.words:.1%} of words, {self.pairs:.1%} of word pairs"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char
                   for char in text.translate(_LETTERS))
    return unicodedata.normalize("NFC", text).casefold()


def words(text: str) -> list[str]:
    return fold(text).split()


def measure(source: str, read: str) -> tuple[float, float, tuple[str, ...]]:
    """Word recall and word-pair recall of `read` against `source` (blocks on lines of their
    own, as `shown_text` gives them), and the missing words."""
    read_words = words(read)
    expected, found = Counter(words(source)), Counter(read_words)
    pairs = Counter(pair for block in source.split("\n") for pair in pairwise(words(block)))
    read_pairs = Counter(pairwise(read_words))
    recall = sum((expected & found).values()) / max(sum(expected.values()), 1)
    order = sum((pairs & read_pairs).values()) / max(sum(pairs.values()), 1)
    return recall, order, tuple((expected - found).elements())


def fidelity(pdf: Path, source: str, readings: dict[str, str | None] | None = None
             ) -> list[Fidelity]:
    """Each reader's fidelity to `source` (the text the document shows); `readings`: what
    `read_all` gave for `pdf`, when it was read before."""
    results = []
    for reader, text in (read_all(pdf) if readings is None else readings).items():
        if text is None:
            results.append(Fidelity(reader, None, None))
        else:
            results.append(Fidelity(reader, *measure(source, text)))
    return results


def read_all(pdf: Path) -> dict[str, str | None]:
    """Each reader's text of `pdf` (None for a reader that is not installed)."""
    return read_each([pdf])[pdf]


def read_each(pdfs: Sequence[Path]) -> dict[Path, dict[str, str | None]]:
    """`read_all` of each of `pdfs`, pdf.js reading them all in one run of Node (whose
    start-up, and pdf.js's, would otherwise be most of the time it takes)."""
    by_pdfjs = pdfjs_each(pdfs)
    return {pdf: {"pdftotext": pdftotext(pdf), "pdftotext -layout": pdftotext(pdf, "-layout"),
                  "PDFium": pdfium(pdf), "pdf.js": by_pdfjs[index]}
            for index, pdf in enumerate(pdfs)}


def pdftotext(pdf: Path, *options: str) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=_TIMEOUT).stdout


def pdfium(pdf: Path) -> str | None:
    """Each page's text as Chrome's viewer copies it (FPDFText_GetText)."""
    try:
        import pypdfium2
    except ImportError:
        return None
    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def pdfjs(pdf: Path) -> str | None:
    """The text as Firefox's viewer finds and copies it: pdf.js's text items in order, a line
    break where pdf.js ends a line (None without Node or pdfjs-dist)."""
    return pdfjs_each([pdf])[0]


def pdfjs_each(pdfs: Sequence[Path]) -> list[str | None]:
    """`pdfjs` of each of `pdfs`, read in one run of Node."""
    if not (node := shutil.which("node")) or not pdfjs_installed():
        return [None] * len(pdfs)
    return json.loads(subprocess.run(
        [node, str(PDFJS_SCRIPT), *(str(pdf) for pdf in pdfs)], check=True,
        capture_output=True, text=True, timeout=_TIMEOUT * len(pdfs)).stdout)


def pdfjs_installed() -> bool:
    return any((folder / "node_modules" / "pdfjs-dist").is_dir()
               for folder in PDFJS_SCRIPT.parents)


class _ShownText(HTMLParser):
    """The text a browser would render from the body: no head, scripts or styles, no
    attribute text, nothing of a class the layout hides, a break between blocks (and around an
    element of a class the layout takes out of its line, a footnote)."""

    BLOCKS = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl",
                        "dt", "figcaption", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                        "header", "hr", "li", "main", "nav", "ol", "p", "section", "table",
                        "td", "th", "tr", "ul"})
    """Blocks, and a line break, start a new line of the shown text; nothing else does."""
    HIDDEN = frozenset({"head", "script", "style", "template", "title"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})

    def __init__(self, classes: LayoutClasses) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.classes = classes
        self._open: list[tuple[str, bool, bool]] = []  # per open element: tag, hidden, apart
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = set((dict(attrs).get("class") or "").split())
        hidden = tag in self.HIDDEN or bool(names & self.classes.hidden)
        apart = tag in self.BLOCKS or bool(names & self.classes.apart)
        if apart:
            self.parts.append("\n")
        if tag not in self.VOID:
            self._open.append((tag, hidden, apart))
            self._hidden += hidden

    def handle_endtag(self, tag: str) -> None:
        """Closes the element, and any left open inside it (an `<li>` without its end tag)."""
        if tag in self.VOID or tag not in (name for name, _, _ in self._open):
            return
        while self._open:
            name, hidden, apart = self._open.pop()
            self._hidden -= hidden
            if apart:
                self.parts.append("\n")
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


@dataclass(frozen=True)
class LayoutClasses:
    """What a layout's stylesheets do to elements of a class, as far as the shown text goes:
    hide them (`display: none`) or take them out of their line (`float: footnote`)."""

    hidden: frozenset[str] = frozenset()
    apart: frozenset[str] = frozenset()


def layout_classes(stylesheets: Iterable[str]) -> LayoutClasses:
    """The classes hidden or taken apart by rules whose selector is one class or a list of
    them (`.link-url { display: none }`), in the stylesheets' order: a later rule that shows a
    class again (a profile's `.link-url { display: inline }`) wins. Other selectors are not
    followed: the layouts mark what they hide or move with a class."""
    import tinycss2

    display: dict[str, bool] = {}
    apart: set[str] = set()
    for css in stylesheets:
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue
            selector = tinycss2.serialize(rule.prelude).strip()
            if not re.fullmatch(r"\.[\w-]+(\s*,\s*\.[\w-]+)*", selector):
                continue
            names = [name.strip()[1:] for name in selector.split(",")]
            for item in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True):
                if item.type != "declaration":
                    continue
                value = tinycss2.serialize(item.value).strip().lower()
                for name in names:
                    if item.lower_name == "display":
                        display[name] = value != "none"
                    elif item.lower_name == "float" and value == "footnote":
                        apart.add(name)
    return LayoutClasses(frozenset(name for name, shown in display.items() if not shown),
                         frozenset(apart))


def shown_text(html: str, classes: LayoutClasses = LayoutClasses()) -> str:
    """The words of a composed document (compose.Composed.html), in document order, each
    block on a line of its own."""
    parser = _ShownText(classes)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def composed_text(composed: Composed) -> str:
    """The words a composed document shows, its layout's stylesheets and its own CSS read for
    the classes they hide or take apart."""
    sheets = [_stylesheet(url) for url in composed.stylesheets]
    return shown_text(composed.html, layout_classes([*sheets, composed.css]))


def _stylesheet(url: str) -> str:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    return Path(unquote(parsed.path)).read_text("utf-8") if parsed.scheme == "file" else ""


def short_of(results: Iterable[Fidelity]) -> list[Fidelity]:
    return [result for result in results if not result.enough]


def recorded_source(pdf: Path) -> str | None:
    """What a document we built shows, composed again from its statement as the manifest
    recorded it (None for a PDF the manifest does not know, or whose statement is gone)."""
    from .compose import Job, compose
    from .errors import InputError
    from .load import find_project_root, load_project, load_statement
    from .publish.manifest import recorded

    entry = recorded(pdf)
    if entry is None or entry.statement is None or not Path(entry.statement).is_dir():
        return None
    try:
        project = load_project(find_project_root(Path(entry.statement)))
        statement = load_statement(Path(entry.statement), project)
    except InputError:
        return None
    options = entry.inputs.get("options", {})
    job = Job(statement, entry.language, entry.variant, entry.paper, entry.recipient,
              options.get("profile"))
    return composed_text(compose(project, job))
