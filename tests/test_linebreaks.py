"""Line breaks remembered across a worker's documents change how fast a batch is, never what
it makes: the same bytes as WeasyPrint breaking every line itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint.text.fonts import FontConfiguration

from conftest import ROOT, STATEMENT
from statement_pdf import linebreaks
from statement_pdf.compose import compose
from statement_pdf.linebreaks import RememberingFontConfiguration
from statement_pdf.load import load_project, load_statement
from statement_pdf.profiles import render_options
from statement_pdf.publish import plan
from statement_pdf.render import Renderer


def _render_all(renderer: Renderer, folder: Path) -> dict[str, bytes]:
    """Every document of the bundled statement, English and right-to-left, press and letters."""
    project = load_project(ROOT)
    statement = load_statement(STATEMENT, project)
    pdfs = {}
    for job in plan(project, statement):
        name = f"{job.language}-{job.variant}-{job.recipient}"
        renderer.render(compose(project, job), folder / f"{name}.pdf",
                        **render_options(project, job), pdf_identifier=bytes(16))
        pdfs[name] = (folder / f"{name}.pdf").read_bytes()
    return pdfs


def test_remembered_line_breaks_give_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = Renderer(ROOT)
    plain.font_config = FontConfiguration()
    (tmp_path / "plain").mkdir()
    expected = _render_all(plain, tmp_path / "plain")

    remembering = Renderer(ROOT)
    for attempt in ("first", "second"):  # the first meets each script's fonts: it forgets
        (tmp_path / attempt).mkdir()
        assert _render_all(remembering, tmp_path / attempt) == expected
    breaking = []
    monkeypatch.setattr(linebreaks, "_weasyprint_split_first_line",
                        lambda *arguments: breaking.append(1) or _original(*arguments))
    (tmp_path / "third").mkdir()
    assert _render_all(remembering, tmp_path / "third") == expected
    assert not breaking, "the second time, every line should come from memory"


_original = linebreaks._weasyprint_split_first_line


def test_memory_is_bounded_and_forgets_the_oldest_line() -> None:
    fonts = RememberingFontConfiguration(max_lines=2)
    for key in ("first", "second", "third"):
        fonts.remember((key,), ({}, ()))
    assert fonts.recall(("first",)) is None
    assert list(fonts.lines) == [("second",), ("third",)]


def test_a_new_font_face_forgets_every_line() -> None:
    """A face can change which font a family or a fallback resolves to."""
    fonts = RememberingFontConfiguration()
    fonts.remember(("line",), ({}, ()))
    fonts.add_font_face({"src": [], "font_family": "Remembered Sans"}, url_fetcher=None)
    assert not fonts.lines
