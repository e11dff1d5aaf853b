"""The text layer, read back as people read PDFs: poppler's pdftotext (with and without
-layout), PDFium (Chrome) and pdf.js (Firefox), for every bundled document and for the UDHR in
Arabic, Persian and Urdu set as a statement. Each must give back 99 % of the words the document
shows and 95 % of its consecutive word pairs, combining marks counted (readback.py says what
is folded before words are compared)."""

from __future__ import annotations

import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from conftest import ROOT, STATEMENT, pdffonts
from statement_pdf import readback
from statement_pdf.compose import compose
from statement_pdf.engine import layerfont, reading
from statement_pdf.fonts import face_css
from statement_pdf.load import load_project, load_statement
from statement_pdf.profiles import render_options
from statement_pdf.publish import plan
from statement_pdf.render import Renderer
from test_rtl import UDHR, udhr_statement

UDHR_LANGUAGES = ["ar", "fa-AF", "ur"]


def _render(project_root: Path, statement_dir: Path, out: Path,
            languages: list[str] | None = None, prefix: str = "") -> dict[str, tuple[Path, str]]:
    """Every document of the statement: name -> (PDF, the text it shows)."""
    out.mkdir()
    project = load_project(project_root)
    statement = load_statement(statement_dir, project)
    renderer, documents = Renderer(project_root), {}
    for job in plan(project, statement, languages=languages):
        pdf = out / f"{_name(job)}.pdf"
        composed = compose(project, job)
        renderer.render(composed, pdf, **render_options(project, job))
        documents[prefix + _name(job)] = (pdf, readback.composed_text(composed))
    _READINGS.update(readback.read_each([pdf for pdf, _ in documents.values()]))
    return documents


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every document of every bundled statement."""
    out, documents = tmp_path_factory.mktemp("layer"), {}
    for statement in STATEMENTS:
        documents.update(_render(ROOT, statement, out / statement.name,
                                 prefix=_prefix(statement)))
    return documents


@pytest.fixture(scope="session")
def udhr(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """The whole declaration (title and 30 articles) in each language, as one press release:
    the first article the lead, the last the call to action."""
    if not UDHR.is_dir():
        pytest.skip(f"the UDHR corpus is not at {UDHR} (../shared is absent)")
    root = tmp_path_factory.mktemp("udhr-layer")
    folder = udhr_statement(root, ["en", *UDHR_LANGUAGES], count=30)
    return _render(root, folder, root / "out", languages=UDHR_LANGUAGES)


_READINGS: dict[Path, dict[str, str | None]] = {}
"""Each reader's text of each document `_render` made, read once (together) for all the
tests."""


def _read(pdf: Path) -> dict[str, str | None]:
    return _READINGS[pdf]


def _assert_faithful(pdf: Path, source: str) -> None:
    """Enough of the words, in order, and not too many: a text read twice (the layer's and
    the glyphs' own) would be twice as long; running headers and footers, printed on every
    page but shown once in the source, are the only words that may repeat."""
    results = readback.fidelity(pdf, source, _read(pdf))
    assert all(result.words is not None for result in results), (
        f"a reader is missing: {results} (make test installs pdf.js with npm)")
    short = [f"{result} (missing: {' '.join(result.missing[:12])})"
             for result in readback.short_of(results)]
    assert not short, f"{pdf.name}: " + "; ".join(short)
    shown = len(readback.words(source))
    for reader, text in _read(pdf).items():
        assert len(readback.words(text)) < 1.5 * shown, f"{pdf.name}: {reader} reads words twice"


def _name(job) -> str:
    return f"{job.language}-{job.variant}" + (f"-{job.recipient}" if job.recipient else "")


STATEMENTS = sorted(path for path in (ROOT / "data" / "statements").iterdir() if path.is_dir())


def _prefix(statement: Path) -> str:
    """The first statement's documents go by their own names, another's after its id."""
    return "" if statement == STATEMENT else f"{statement.name}/"


BUNDLED = [_prefix(statement) + _name(job) for statement in STATEMENTS
           for job in plan(load_project(ROOT), load_statement(statement, load_project(ROOT)))]


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_documents_read_back_in_every_reader(bundled: dict, name: str) -> None:
    _assert_faithful(*bundled[name])


@pytest.mark.parametrize("code", UDHR_LANGUAGES)
def test_udhr_reads_back_in_every_reader(udhr: dict, code: str) -> None:
    _assert_faithful(*udhr[f"{code}-press"])


def test_the_measure_counts_marks_and_order() -> None:
    """A word without its tanwin is another word; the same words in another order lose their
    pairs; what readers add (bidi marks, presentation forms, other digits) is folded."""
    source = "عقلاً آزاد ہیں ۲۰۲۵"
    assert readback.measure(source, "\u202bعقلاً\u200f آزاد ﮨﯿﮟ 2025\u202c")[:2] == (1.0, 1.0)
    recall, _, missing = readback.measure(source, "عقلا آزاد ہیں ۲۰۲۵")
    assert recall == 0.75 and missing == ("عقلاً",)
    assert readback.measure(source, "۲۰۲۵ ہیں آزاد عقلاً")[:2] == (1.0, 0.0)


READERS_OWN = {
    "pdftotext": "\u202a\u202b\u202c",
    "pdftotext -layout": "\u202a\u202b\u202c",
    "PDFium": "\r\ufffe",
}
"""What readers add of their own, with or without a text layer: poppler embeds each run of a
right-to-left line (LRE, RLE, PDF), PDFium ends lines with CR LF and marks a hyphen that breaks
a word at a line's end as U+FFFE."""
FENCES = reading.RLM + reading.LRM
"""The one thing the layer adds: bidi marks where poppler needs them (reading.poppler_fences),
which poppler and pdfminer give back (pdf.js skips them, PDFium reads its own text)."""


def _unseen(char: str) -> bool:
    """A character nobody sees: format, control, private-use, surrogate or unassigned, or a
    replacement character (a layout may print what its HTML does not hold — a list's numbers,
    a label in capitals — but never one of these)."""
    return (unicodedata.category(char) in ("Cf", "Cc", "Co", "Cs", "Cn")
            or char in "\ufffc\ufffd") and char not in "\n\t\f"


@pytest.mark.parametrize("name", BUNDLED)
def test_readers_get_no_character_the_document_does_not_show(bundled: dict, name: str) -> None:
    """Copy and paste gives what the page shows: no stand-in for the visible glyphs (a WORD
    JOINER, a replacement character), no private-use code of the layer's anchors — in the
    three readers and in pdfminer (pdfplumber), which reads the ToUnicode maps alone."""
    pdf, source = bundled[name]
    readings = dict(_read(pdf))
    if name.endswith("press"):
        with pdfplumber.open(pdf) as document:
            readings["pdfplumber"] = "".join(page.extract_text() for page in document.pages)
    for reader, text in readings.items():
        allowed = set(source) | set(READERS_OWN.get(reader, "")) | set(FENCES)
        foreign = {char for char in set(text) - allowed if _unseen(char)}
        assert not foreign, (reader, sorted(f"U+{ord(char):04X} {unicodedata.name(char, '?')}"
                                            for char in foreign))
        if reader in ("PDFium", "pdf.js"):
            assert not set(FENCES) & set(text), f"{reader} gives the layer's bidi marks"


@pytest.mark.parametrize("name", BUNDLED)
def test_the_content_stays_well_formed(bundled: dict, name: str) -> None:
    """The layer's marked content and text objects nest as they must: poppler, which says so
    when they do not, has nothing to say (a list's markers are written into their lines after
    the fact, engine/textlayer.py)."""
    result = subprocess.run(["pdftotext", str(bundled[name][0]), "/dev/null"],
                            capture_output=True, text=True, check=True)
    assert not result.stderr, result.stderr[:500]


# --- selecting a line copies it once ------------------------------------------------------------


@pytest.mark.parametrize("name", ["ur-press", "fa-AF-press", "en-press"])
def test_selecting_a_line_copies_it_once(bundled: dict, name: str) -> None:
    """Chrome and poppler copy the characters inside a selection, Firefox the text items of
    the lines it covers: those of the title's first line, each once — not the layer's and the
    glyphs' both."""
    pdf, _ = bundled[name]
    project = load_project(ROOT)
    title = readback.words(load_statement(STATEMENT, project).texts[name[:-6]].title)
    document = pypdfium2.PdfDocument(pdf)
    page, text = document[0], document[0].get_textpage()
    found = text.search(" ".join(title[:1])).get_next()
    assert found, f"{title[0]!r} not found by PDFium"
    _, bottom, _, top = text.get_charbox(found[0])
    middle = (bottom + top) / 2
    copied = {"PDFium": text.get_text_bounded(0, middle - 2, page.get_width(), middle + 2)}
    copied["pdftotext"] = subprocess.run(
        ["pdftotext", "-l", "1", "-x", "0", "-y", str(round(page.get_height() - top)),
         "-W", str(round(page.get_width())), "-H", str(round(top - bottom)), str(pdf), "-"],
        check=True, capture_output=True, text=True).stdout
    document.close()
    first_page = _read(pdf)["pdf.js"].split("\f")[0].split("\n")
    copied["pdf.js"] = next((line for line in first_page if title[0] in readback.words(line)),
                            "")
    for reader, line in copied.items():
        line_words = readback.words(line)
        assert line_words, f"{reader} copied nothing"
        if reader == "pdf.js":
            # pdf.js cuts a line into pieces at a space wider than 0.6 of its font size and
            # gives the pieces of a right-to-left line left to right: the Urdu title's first
            # word, which stands apart, comes back at its line's end (counted in the pairs)
            assert not Counter(line_words) - Counter(title), (reader, line_words, title)
        else:
            assert " ".join(line_words) in " ".join(title), (reader, line_words, title)


# --- what each reader does, against the readers themselves -------------------------------------


def test_brackets_and_quotes_come_back_as_typed(tmp_path: Path) -> None:
    """Between Arabic letters PDFium mirrors brackets and quotation marks (reading.py knows
    which, PDFIUM_MIRRORS), pdf.js and poppler do not: each of them gives back what was typed
    (but < and >, which pdf.js deletes from right-to-left text)."""
    from statement_pdf.compose import Composed

    marks = "".join(reading.PDFIUM_MIRRORS).replace("<>", "") + "!-/:"
    fonts = face_css(load_project(ROOT).fonts, ["Noto Naskh Arabic", "Noto Sans"])
    html = (f"<html lang=ar dir=rtl><style>{fonts} body {{ font-family: 'Noto Naskh Arabic', "
            f"'Noto Sans' }}</style><body>" + "".join(f"<p>بب {mark}بب</p>" for mark in marks)
            + "</body></html>")
    Renderer(ROOT).render(Composed(html, (ROOT / "layouts").as_uri() + "/", "marks"),
                          tmp_path / "marks.pdf")
    for reader, read in readback.read_all(tmp_path / "marks.pdf").items():
        assert read is not None, f"{reader} is missing"
        assert readback.words(read) == readback.words(
            " ".join(f"بب {mark}بب" for mark in marks)), reader


def test_the_layer_font_is_the_same_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same inputs, same bytes: fontTools would stamp the font with the time it was saved."""
    program = layerfont.font_program.__wrapped__()
    monkeypatch.setattr("time.time", lambda: 2e9)
    assert layerfont.font_program.__wrapped__() == program
    assert program[:4] == b"\x00\x01\x00\x00"


def test_the_layer_is_invisible_and_only_in_the_patched_engine(bundled: dict,
                                                               tmp_path: Path) -> None:
    """Without the patch (STATEMENT_PDF_PLAIN_ENGINE=1 turns them all off) there is no layer,
    and the pages look exactly the same with it."""
    from statement_pdf import engine
    from statement_pdf.engine import textlayer

    project = load_project(ROOT)
    job = plan(project, load_statement(STATEMENT, project), languages=["ur"],
               variants=["press"])[0]
    with engine.plain(textlayer):
        Renderer(ROOT).render(compose(project, job), tmp_path / "plain.pdf",
                              **render_options(project, job))
    assert layerfont.NAME not in [font["name"] for font in pdffonts(tmp_path / "plain.pdf")]
    assert layerfont.NAME in [font["name"] for font in pdffonts(bundled["ur-press"][0])]
    for name, pdf in (("plain", tmp_path / "plain.pdf"), ("layer", bundled["ur-press"][0])):
        subprocess.run(["pdftoppm", "-r", "50", "-gray", str(pdf), str(tmp_path / name)],
                       check=True)
    pages = sorted(tmp_path.glob("plain-*.pgm"))
    assert pages and len(pages) == len(list(tmp_path.glob("layer-*.pgm")))
    for page in pages:
        layer = tmp_path / page.name.replace("plain", "layer")
        assert page.read_bytes() == layer.read_bytes(), page.name


def test_the_environment_turns_off_the_patches_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """STATEMENT_PDF_PLAIN_ENGINE=1 is the plain engine; naming patches turns off those alone
    (the benchmarks time the text layer so)."""
    from statement_pdf import engine
    from statement_pdf.engine import lines, pdfwrite, textlayer

    for value, off in (("", set()), ("0", set()), ("1", set(engine._PATCHES)),
                       ("textlayer", {textlayer}), ("lines, pdfwrite", {lines, pdfwrite})):
        monkeypatch.setenv(engine.PLAIN_ENGINE_VARIABLE, value)
        assert set(engine.unwanted()) == off, value
