"""Stage 4: HTML to PDF with WeasyPrint, reading only the project's own files.

The composed HTML comes from data that people type; even though it is escaped, the engine is
kept on a short leash: it may open file: URLs under the project's layouts/, assets/ and data/
and nothing else — no other local file, no network. A PDF appears at its final path only when it
is complete (written beside it, then renamed), so a journalist can never pick up half a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from . import engine
from .atomic import write_atomically
from .compose import Composed
from .engine.overflow import overflowing_words
from .errors import Overflow, RenderError

engine.install()

SYSTEM_COLOUR_PROFILES = Path("/usr/share/color/icc")
"""Where Debian installs ICC profiles; a print profile's output condition is read from here."""


class ProjectFetcher(URLFetcher):
    """Serves file: URLs inside `roots`; refuses everything else (WeasyPrint then leaves the
    resource out and logs why, which `Renderer` turns into an error)."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve()
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not any(
                path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"refused: {url} is not a file of this project")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Rendered:
    path: Path
    pages: int
    bytes: int


@dataclass(frozen=True)
class PDF:
    content: bytes
    pages: int


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True)
class _Stylesheet:
    """A parsed stylesheet and what parsing it defined, which each document using it gets."""

    css: CSS
    counter_styles: dict
    colour_profiles: dict


class Renderer:
    """One per worker: the font configuration (with the lines broken and shaped in its fonts,
    see `lines`), the parsed stylesheets and the image cache are reused across documents."""

    def __init__(self, project_root: Path, *, refuse_overflow: bool = True) -> None:
        """`refuse_overflow`: a document with a word wider than its line is an `Overflow`
        error (engine/overflow.py) rather than a PDF with text cut off at the page's edge."""
        self.refuse_overflow = refuse_overflow
        self.fetcher = ProjectFetcher(
            [project_root / "layouts", project_root / "assets", project_root / "data",
             SYSTEM_COLOUR_PROFILES])
        self.font_config = engine.lines.RememberingFontConfiguration()
        self.image_cache: dict = {}
        self._stylesheets: dict[str, _Stylesheet] = {}

    def forget_files(self) -> None:
        """A renderer that outlives an edit of the layouts or images (the preview server's)
        must read them again; the font configuration, the costly part to warm up, stays."""
        self._stylesheets.clear()
        self.image_cache.clear()

    def render(self, composed: Composed, target: Path, **options: object) -> Rendered:
        return self.render_combined([composed], target, **options)

    def render_combined(self, documents: list[Composed], target: Path,
                        **options: object) -> Rendered:
        """Several documents, each laid out on its own (its page counter starts at 1), written
        one after the other as one PDF."""
        pdf = self.pdf(documents, **options)
        write_atomically(target, pdf.content)
        return Rendered(target, pdf.pages, len(pdf.content))

    def pdf(self, documents: list[Composed], **options: object) -> PDF:
        """The PDF's bytes, not yet written anywhere (a cluster worker sends them back to the
        client, which writes them). Several documents are joined in WeasyPrint's documented
        way: `Document.copy(pages)` of the first with every page of all of them."""
        rendered = [self.layout(composed, **options) for composed in documents]
        pages = [page for document in rendered for page in document.pages]
        with _weasyprint_warnings() as warnings:
            joined = rendered[0].copy(pages)
            _pin_dates(joined)
            seed = options.get("pdf_identifier") or "".join(
                composed.standalone_html() for composed in documents).encode()
            content = joined.write_pdf(**{**options, "finisher": _pin_document_id(
                options.get("finisher"), seed)})
        _refuse_incomplete(warnings)
        return PDF(content, len(pages))

    def layout(self, composed: Composed, **options: object) -> Document:
        """The laid-out pages without a PDF: enough to count them (preflight's page budget).

        The styles are given to WeasyPrint as user stylesheets, in the order the head would
        have linked them, the document's own CSS last. With no stylesheet left in the document
        itself, the cascade is the one the head would give (one origin, the same order): the
        bundled documents came out byte-identical, and tests/test_press_english.py lays out the
        --emit-html file with plain WeasyPrint and compares the two line for line.

        Each document gets its own counter styles and colour profiles (WeasyPrint adds to them
        while writing), filled with what its stylesheets defined. One difference: a user
        stylesheet cannot redefine one of WeasyPrint's built-in counter styles (WeasyPrint
        copies those in after).
        """
        counter_style, colour_profiles = CounterStyle(), {}
        with _weasyprint_warnings() as warnings:
            stylesheets = [self._parsed(url) for url in composed.stylesheets]
            for stylesheet in stylesheets:
                counter_style.update(stylesheet.counter_styles)
                colour_profiles.update(stylesheet.colour_profiles)
            own = CSS(string=composed.css, base_url=composed.base_url, url_fetcher=self.fetcher,
                      font_config=self.font_config, counter_style=counter_style,
                      color_profiles=colour_profiles)
            document = HTML(string=composed.html, base_url=composed.base_url,
                            url_fetcher=self.fetcher).render(
                font_config=self.font_config, counter_style=counter_style,
                color_profiles=colour_profiles, cache=self.image_cache,
                stylesheets=[*(stylesheet.css for stylesheet in stylesheets), own], **options)
        _refuse_incomplete(warnings)
        if self.refuse_overflow and (words := overflowing_words(document)):
            raise Overflow(words)
        return document

    def _parsed(self, url: str) -> _Stylesheet:
        """Parsing the layout's stylesheets took a tenth of a letter's time; they are the same
        for every document of a layout, so a worker parses each once."""
        if url not in self._stylesheets:
            counter_styles: dict = {}
            colour_profiles: dict = {}
            try:
                css = CSS(url=url, url_fetcher=self.fetcher, font_config=self.font_config,
                          counter_style=counter_styles, color_profiles=colour_profiles)
            except URLFetchingError as error:
                raise RenderError(f"Failed to load stylesheet at {url}: {error}") from None
            self._stylesheets[url] = _Stylesheet(css, counter_styles, colour_profiles)
        return self._stylesheets[url]


def _refuse_incomplete(warnings: list[str]) -> None:
    """A resource WeasyPrint could not or would not load is missing from the page: an error."""
    if refused := [message for message in warnings if "refused" in message
                   or "Failed to load" in message]:
        raise RenderError("; ".join(refused))


def _pin_dates(document: Document) -> None:
    """The PDF's dates come from the statement (the layout's dcterms meta tags), or from
    SOURCE_DATE_EPOCH when a build system sets it — never from the clock, so that the same
    inputs give the same bytes."""
    if moment := source_date_epoch():
        document.metadata.created = document.metadata.modified = moment.strftime(
            "%Y-%m-%dT%H:%M:%SZ")


def source_date_epoch() -> dt.datetime | None:
    """The reproducible-builds convention for "when", if the environment sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else None


def _pin_document_id(finisher: Callable | None, seed: bytes) -> Callable:
    """PDF/X-4 metadata carries an xmpMM:DocumentID that WeasyPrint draws at random; it is
    derived from `seed` instead — the PDF identifier, which comes from the inputs' fingerprint
    and so does not depend on where the project is, or else the composed HTML — after any
    other finishing step has run."""
    document_id = f"xmp.did:{uuid.UUID(bytes=hashlib.md5(seed).digest())}".encode()

    def finish(document: Document, pdf: pydyf.PDF) -> None:
        if finisher:
            finisher(document, pdf)
        for item in pdf.objects:
            if isinstance(item, pydyf.Stream) and item.extra.get("Type") == "/Metadata":
                item.stream = [_RANDOM_DOCUMENT_ID.sub(document_id, chunk)
                               if isinstance(chunk, bytes) else chunk for chunk in item.stream]

    return finish


_RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def can_subset_with_harfbuzz() -> bool:
    """WeasyPrint subsets fonts with libharfbuzz-subset when it can load it (≥ 4.1), and
    otherwise with fontTools, which is many times slower for the large Arabic-script fonts."""
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@cache
def warn_if_slow_subsetting() -> None:
    """Once per process: the fix is one package, and the user should not have to find it."""
    if not can_subset_with_harfbuzz():
        logging.getLogger("statement_pdf").warning(
            "WeasyPrint cannot load libharfbuzz-subset and falls back to fontTools to subset "
            "fonts, which makes every document several times slower. Install it with: "
            "sudo apt-get install libharfbuzz-subset0")


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous
