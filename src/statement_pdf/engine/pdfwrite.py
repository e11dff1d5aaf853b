"""Serialise and compress each PDF stream once, not twice.

pydyf (WeasyPrint's PDF writer) computes a stream's bytes — every operator of a page's
content, then zlib at level 9 — each time its `data` is asked for, and when the PDF has an
identifier, as ours must (PDF/A requires one, and ours is derived from the inputs so that the
bytes are reproducible), `PDF.write` asks twice: once to write each object and once more to
hash all of them for the second half of the /ID. Nothing changes between the two, so while a
PDF is being written the second answer is the first one kept: about a tenth of an Urdu
letter's time (whose page content is a text-rise operator per Nastaliq glyph), the same bytes.
"""

from __future__ import annotations

from typing import Any

import pydyf

_pydyf_write = pydyf.PDF.write
_pydyf_stream_data = pydyf.Stream.data


def _write_serialising_once(pdf: pydyf.PDF, *arguments: Any, **options: Any) -> None:
    serialised: dict[int, tuple[pydyf.Stream, bytes]] = {}  # the stream kept: ids stay unique

    def data(stream: pydyf.Stream) -> bytes:
        if (known := serialised.get(id(stream))) is None:
            known = serialised[id(stream)] = (stream, _pydyf_stream_data.fget(stream))
        return known[1]

    pydyf.Stream.data = property(data)
    try:
        return _pydyf_write(pdf, *arguments, **options)
    finally:
        pydyf.Stream.data = _pydyf_stream_data


def install(patched: bool = True) -> None:
    """Replaces `pydyf.PDF.write` (or puts it back)."""
    pydyf.PDF.write = _write_serialising_once if patched else _pydyf_write
