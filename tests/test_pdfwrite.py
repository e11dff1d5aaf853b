"""Each PDF stream serialised once (pdfwrite.py) changes how fast a document is written, never
its bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, STATEMENT
from statement_pdf import engine
from statement_pdf.compose import compose
from statement_pdf.engine import pdfwrite
from statement_pdf.load import load_project, load_statement
from statement_pdf.profiles import render_options
from statement_pdf.publish import plan
from statement_pdf.render import Renderer


def test_streams_serialised_once_give_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(ROOT)
    statement = load_statement(STATEMENT, project)
    job = plan(project, statement, languages=["ur"], variants=["letter"])[0]
    composed, renderer = compose(project, job), Renderer(ROOT)
    serialised = []
    monkeypatch.setattr(pdfwrite, "_pydyf_stream_data", property(
        lambda stream: serialised.append(id(stream)) or _stream_data.fget(stream)))
    renderer.render(composed, tmp_path / "once.pdf", **render_options(project, job),
                    pdf_identifier=bytes(16))
    assert serialised and len(serialised) == len(set(serialised))

    with engine.plain(pdfwrite):
        renderer.render(composed, tmp_path / "pydyf.pdf", **render_options(project, job),
                        pdf_identifier=bytes(16))
    assert (tmp_path / "once.pdf").read_bytes() == (tmp_path / "pydyf.pdf").read_bytes()


_stream_data = pdfwrite._pydyf_stream_data
