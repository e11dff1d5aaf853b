"""Stage 4: HTML to PDF with WeasyPrint, reading only the project's own files.

The composed HTML comes from data that people type; even though it is escaped, the engine is
kept on a short leash: it may open file: URLs under the project's layouts/, assets/ and data/
and nothing else — no other local file, no network. A PDF appears at its final path only when it
is complete (written beside it, then renamed), so a journalist can never pick up half a file.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import actualtext
from .compose import Composed
from .errors import RenderError

actualtext.install()

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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class Renderer:
    """One per worker: the font configuration and image cache are reused across documents."""

    def __init__(self, project_root: Path) -> None:
        self.fetcher = ProjectFetcher(
            [project_root / "layouts", project_root / "assets", project_root / "data",
             SYSTEM_COLOUR_PROFILES])
        self.font_config = FontConfiguration()
        self.image_cache: dict = {}

    def render(self, composed: Composed, target: Path, **options: object) -> Rendered:
        return self.render_combined([composed], target, **options)

    def render_combined(self, documents: list[Composed], target: Path,
                        **options: object) -> Rendered:
        """Several documents, each laid out on its own (its page counter starts at 1), written
        one after the other as one PDF — WeasyPrint's documented way of joining documents:
        `Document.copy(pages)` of the first with every page of all of them."""
        rendered = [self.layout(composed, **options) for composed in documents]
        pages = [page for document in rendered for page in document.pages]
        with _weasyprint_warnings() as warnings:
            pdf = rendered[0].copy(pages).write_pdf(**options)
        _refuse_incomplete(warnings)
        write_atomically(target, pdf)
        return Rendered(target, len(pages), len(pdf))

    def layout(self, composed: Composed, **options: object) -> Document:
        """The laid-out pages without a PDF: enough to count them (preflight's page budget)."""
        with _weasyprint_warnings() as warnings:
            document = HTML(string=composed.html, base_url=composed.base_url,
                            url_fetcher=self.fetcher).render(
                font_config=self.font_config, cache=self.image_cache, **options)
        _refuse_incomplete(warnings)
        return document


def _refuse_incomplete(warnings: list[str]) -> None:
    """A resource WeasyPrint could not or would not load is missing from the page: an error."""
    if refused := [message for message in warnings if "refused" in message
                   or "Failed to load" in message]:
        raise RenderError("; ".join(refused))


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


def write_atomically(target: Path, content: bytes) -> None:
    """Write beside the target, then rename: readers see the old file or the new, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
