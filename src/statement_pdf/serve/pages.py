"""A PDF's pages as images, drawn by PDFium: the preview shows what will be printed.

The browser's own layout of the HTML is not what WeasyPrint prints (other line breaks, other
shaping of Nastaliq), so the preview never shows HTML: each page of the real PDF is drawn to a
PNG. An image is asked for by the sha256 of the PDF it comes from, so a URL names one version of
a page for ever (the browser may cache it) and a request for a version no longer on disk finds
nothing rather than the wrong page.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pypdfium2

PAGE_WIDTH_PX = 800
"""Wide enough to read a page shown at a quarter of a wide screen on a high-density display."""

_pdfium = threading.Lock()
"""PDFium is not thread-safe, and the server draws pages in a pool of threads."""


class NotOnDisk(LookupError):
    """The PDF on disk is not the version asked for (it was re-rendered or removed since)."""


@lru_cache(maxsize=256)
def page_png(pdf: Path, sha256: str, index: int, width: int = PAGE_WIDTH_PX) -> bytes:
    """Page `index` (from 0) of the version `sha256` of `pdf`, `width` pixels wide."""
    data = _version(pdf, sha256)
    with _pdfium:
        document = pypdfium2.PdfDocument(data)
        try:
            if not 0 <= index < len(document):
                raise NotOnDisk(f"{pdf.name} has no page {index + 1}")
            page = document[index]
            image = page.render(scale=width / page.get_width()).to_pil()
        finally:
            document.close()
    png = BytesIO()
    image.save(png, format="PNG")
    return png.getvalue()


def page_words(pdf: Path, index: int, count: int) -> list[str]:
    """The first `count` words of page `index` (from 0) as the PDF's text layer gives them."""
    with _pdfium:
        document = pypdfium2.PdfDocument(pdf)
        try:
            text = document[index].get_textpage().get_text_range()
        finally:
            document.close()
    return text.split()[:count]


def _version(pdf: Path, sha256: str) -> bytes:
    try:
        data = pdf.read_bytes()
    except OSError:
        raise NotOnDisk(f"{pdf.name} is not on disk") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise NotOnDisk(f"{pdf.name} has changed since this page was asked for")
    return data
