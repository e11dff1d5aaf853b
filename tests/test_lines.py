"""Lines broken and shaped once per worker change how fast a batch is, never what it makes:
the same bytes as WeasyPrint breaking and shaping every line itself."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from weasyprint.text.fonts import FontConfiguration

from conftest import ROOT, STATEMENT
from statement_pdf.compose import Composed, compose
from statement_pdf.engine.lines import (
    SHAPING_PROPERTIES,
    Recent,
    RememberingFontConfiguration,
    _replay,
)
from statement_pdf.fonts import face_css
from statement_pdf.load import load_project, load_statement
from statement_pdf.profiles import render_options
from statement_pdf.publish import plan
from statement_pdf.render import Renderer


def _render_all(renderer: Renderer, folder: Path) -> dict[str, bytes]:
    """Every document of the bundled statement, English and right-to-left, press and letters."""
    folder.mkdir()
    project = load_project(ROOT)
    statement = load_statement(STATEMENT, project)
    pdfs = {}
    for job in plan(project, statement):
        target = folder / f"{job.language}-{job.variant}-{job.recipient}.pdf"
        renderer.render(compose(project, job), target, **render_options(project, job),
                        pdf_identifier=bytes(16))
        pdfs[target.name] = target.read_bytes()
    return pdfs


def test_remembered_lines_give_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = Renderer(ROOT)
    plain.font_config = FontConfiguration()
    expected = _render_all(plain, tmp_path / "plain")

    remembering = Renderer(ROOT)  # with room for every line of every document at once
    remembering.font_config = RememberingFontConfiguration(breaks=100_000, shapes=100_000)
    for attempt in ("first", "second"):  # the first meets each script's fonts: it forgets
        assert _render_all(remembering, tmp_path / attempt) == expected
    learnt = []
    monkeypatch.setattr(Recent, "remember", lambda self, key, answer: learnt.append(key))
    assert _render_all(remembering, tmp_path / "third") == expected
    assert not learnt, "the third time, every line should come from memory"


def test_memory_is_bounded_and_forgets_the_least_recently_used() -> None:
    recent = Recent(size=2)
    for key in ("first", "second"):
        recent.remember((key,), key)
    assert recent.recall(("first",)) == "first"
    recent.remember(("third",), "third")
    assert recent.recall(("second",)) is None
    assert list(recent.answers) == [("first",), ("third",)]


def test_a_new_font_face_forgets_every_line() -> None:
    """A face can change which font a family or a fallback resolves to."""
    fonts = RememberingFontConfiguration()
    fonts.breaks.remember(("line",), "broken")
    fonts.shapes.remember(("line",), "shaped")
    fonts.drawn.remember(("line",), "drawn")
    fonts.add_font_face({"src": [], "font_family": "Remembered Sans"}, url_fetcher=None)
    assert not any(memory.answers for memory in (fonts.breaks, fonts.shapes, fonts.drawn))


# For each property that breaking, shaping or drawing a line reads, two paragraphs of TEXT that
# differ in it alone: the second must not be given the lines of the first. (Four of them change
# nothing with the bundled fonts — font-language-override, font-stretch and the alternates and
# East Asian variants — so for those the test cannot tell; they are in the key all the same.)
STYLE_VARIANTS = {
    "direction": ("", 'style="direction: rtl"'),
    "lang": ("", 'lang="de"'),
    "font_language_override": ("", 'style="font-language-override: &quot;ROM&quot;"'),
    "font_family": ("", 'style="font-family: &quot;Noto Sans&quot;"'),
    "font_style": ("", 'style="font-style: italic"'),
    "font_stretch": ("", 'style="font-stretch: condensed"'),
    "font_weight": ("", 'style="font-weight: bold"'),
    "font_size": ("", 'style="font-size: 13px"'),
    "font_kerning": ("", 'style="font-kerning: none"'),
    "font_variant_ligatures": ("", 'style="font-variant-ligatures: none"'),
    "font_variant_position": ("", 'style="font-variant-position: sub"'),
    "font_variant_caps": ("", 'style="font-variant-caps: small-caps"'),
    "font_variant_numeric": ("", 'style="font-variant-numeric: oldstyle-nums"'),
    "font_variant_alternates": ("", 'style="font-variant-alternates: historical-forms"'),
    "font_variant_east_asian": ("", 'style="font-variant-east-asian: full-width"'),
    "font_feature_settings": ("", 'style="font-feature-settings: &quot;smcp&quot;"'),
    "font_variation_settings": ("", 'style="font-variation-settings: &quot;wght&quot; 700"'),
    "text_decoration_line": ("", 'style="text-decoration-line: underline"'),
    "word_spacing": ("", 'style="word-spacing: 4px"'),
    "letter_spacing": ("", 'style="letter-spacing: 1px"'),
    "white_space": ("", 'style="white-space: pre-wrap"'),
    "overflow_wrap": ("", 'style="overflow-wrap: anywhere"'),
    "word_break": ("", 'style="word-break: break-all"'),
    "tab_size": ('style="white-space: pre"', 'style="white-space: pre; tab-size: 2"'),
    "hyphens": ("", 'style="hyphens: manual"'),
    "hyphenate_character": ("", 'style="hyphenate-character: &quot;~&quot;"'),
    "hyphenate_limit_chars": ("", 'style="hyphenate-limit-chars: 12 6 6"'),
    "hyphenate_limit_zone": ("", 'style="hyphenate-limit-zone: 60px"'),
}
TEXT = ("Affirmative\tinternational humanitarian respon\u00adsibilities of the Ministerpräsident, "
        "supercalifragilisticexpialidocious şi fi ffl 1234 تاریخ ۱۲۴۵۶ ")


def test_lines_in_different_styles_are_not_confused(tmp_path: Path) -> None:
    assert set(STYLE_VARIANTS) == set(SHAPING_PROPERTIES)
    project = load_project(ROOT)
    fonts = face_css(project.fonts, ["Noto Serif", "Noto Sans", "Noto Naskh Arabic"])
    paragraphs = "".join(f"<p {attributes}>{TEXT * 2}</p>"
                         for pair in STYLE_VARIANTS.values() for attributes in pair)
    html = (f"<html lang=en><style>{fonts} body {{ width: 140px; hyphens: auto; "
            "font-family: 'Noto Serif', 'Noto Naskh Arabic'; text-align: justify }}</style>"
            f"<body>{paragraphs}</body></html>")
    composed = Composed(html, (ROOT / "layouts").as_uri() + "/", "lines")
    plain = Renderer(ROOT, refuse_overflow=False)  # the long words stick out of 140px: the point
    plain.font_config = FontConfiguration()
    plain.render(composed, tmp_path / "plain.pdf")
    Renderer(ROOT, refuse_overflow=False).render(composed, tmp_path / "remembering.pdf")
    assert (tmp_path / "remembering.pdf").read_bytes() == (tmp_path / "plain.pdf").read_bytes()


def test_a_drawn_line_is_not_repeated_over_a_different_glyph_width() -> None:
    """A remembered line's operators hold the glyph widths it read; where this document has
    recorded another width for one of its glyphs, the line is drawn afresh instead."""
    font = SimpleNamespace(widths={7: 500}, to_unicode={})
    stream = SimpleNamespace(stream=[], add_font=lambda pango_font: (font, 10.0),
                             set_text_matrix=lambda *values: stream.stream.append(b"Tm"))
    script = [("matrix", None), ("font", ("pango font", {7: "a"}, {7: 600})),
              ("operators", b"[<0007>] TJ")]
    assert not _replay(stream, script, SimpleNamespace(values=(1, 0, 0, -1, 0, 0)))
    assert stream.stream == [] and font.to_unicode == {}
    font.widths[7] = 600
    assert _replay(stream, script, SimpleNamespace(values=(1, 0, 0, -1, 0, 0)))
    assert stream.stream == [b"Tm", b"[<0007>] TJ"] and font.to_unicode == {7: "a"}
