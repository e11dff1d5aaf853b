"""Right-to-left output read back the way a reader sees it: the Dari, Pashto and Urdu press
releases, and UDHR articles (Arabic, English, Persian, Urdu) put through the same pipeline."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import pdfplumber
import pytest
import yaml

from conftest import ROOT, SHARED, foreign_fonts, pdftotext, run_cli
from statement_pdf import engine
from statement_pdf.engine import textlayer
from statement_pdf.fonts import missing_glyphs
from statement_pdf.load import load_project
from statement_pdf.localise import Localiser
from statement_pdf.text.write import literal, paragraph, text_file
from statement_pdf.yamlsource import read_yaml

RTL_LANGUAGES = ["fa-AF", "ps", "ur"]
NATIVE_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}
UDHR = SHARED / "corpus" / "udhr"
UDHR_FILES = {"en": "udhr_eng.xml", "ar": "udhr_arb.xml", "fa-AF": "udhr_pes_1.xml",
              "ur": "udhr_urd.xml"}
needs_udhr = pytest.mark.skipif(not UDHR.is_dir(), reason=f"the UDHR corpus is not at {UDHR} "
                                "(../shared is absent in this checkout)")
# Mixed-direction paragraphs typed the way an author types them: no control characters.
MIXED = {
    "date": "تاریخ: 28 May 2025",
    "acronym": "کمیساریای عالی ملل متحد برای پناهندگان (UNHCR) گزارش داد.",
    "email": "ایمیل: press@example.org برای تماس",
    "url": "وبسایت: https://www.ohchr.org/en/human-rights برای متن",
}


def registry(code: str) -> dict:
    return yaml.safe_load((ROOT / "data" / "languages" / f"{code}.yaml").read_text("utf-8"))


def footer_text(page: pdfplumber.page.Page) -> str:
    """The characters of the bottom margin (page number and brand footer)."""
    return "".join(char["text"] for char in page.crop(
        (0, page.height - 18 * 72 / 25.4, page.width, page.height)).chars)


def document_language(pdf_path: Path) -> str:
    with pdfplumber.open(pdf_path) as pdf:
        return pdf.doc.catalog["Lang"].decode()


# --- the Dari, Pashto and Urdu press releases ------------------------------------------------


@pytest.fixture(scope="module")
def rtl_press(demo_build: Path) -> dict[str, Path]:
    return {code: demo_build / code / "press.pdf" for code in RTL_LANGUAGES}


@pytest.mark.parametrize("code", RTL_LANGUAGES)
def test_lang_and_only_bundled_fonts(rtl_press: dict[str, Path], code: str) -> None:
    assert document_language(rtl_press[code]) == code
    assert not foreign_fonts(rtl_press[code])


@pytest.mark.parametrize("code", RTL_LANGUAGES)
def test_page_numbers_in_native_digits(rtl_press: dict[str, Path], code: str) -> None:
    """Every page's footer holds its own number and the page count in the language's digits,
    and no ASCII digit."""
    digits = NATIVE_DIGITS[registry(code)["digits"]]
    with pdfplumber.open(rtl_press[code]) as pdf:
        pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            footer = footer_text(page)
            assert digits[number] in footer and digits[pages] in footer, footer
            assert not re.search(r"[0-9]", footer), footer


def draft_notice(pdf_path: Path) -> str | None:
    """The text inside the box the layout draws in the brand's accent colour above the
    masthead, or None when page 1 has no such box."""
    brand = read_yaml(ROOT / "data" / "brands" / "coalition.yaml").data
    accent = tuple(int(brand["colours"]["accent"][i:i + 2], 16) / 255 for i in (1, 3, 5))
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        boxes = [rect for rect in page.rects if rect["top"] < 100 and rect["x1"] - rect["x0"]
                 > page.width / 2 and rect["non_stroking_color"] == pytest.approx(accent, 1e-3)]
        if not boxes:
            return None
        inside = page.within_bbox((boxes[0]["x0"], boxes[0]["top"], boxes[0]["x1"],
                                   boxes[0]["bottom"]))
        return "".join(char["text"] for char in inside.chars)


@pytest.mark.parametrize("code", RTL_LANGUAGES)
def test_draft_notice_in_the_language(rtl_press: dict[str, Path], code: str) -> None:
    """The box holds the registry's notice. Its letters are compared for Naskh only: the
    Nastaliq font's glyphs map back to text unreliably (غیر سرکاری comes back as ن ی ر سر گاری),
    so for Urdu the box must hold that many Arabic-script glyphs."""
    language = registry(code)
    notice, printed = language["labels"]["draft_notice"], draft_notice(rtl_press[code])
    assert printed is not None
    assert all("ARABIC" in unicodedata.name(char) for char in printed if char.isalpha())
    if "Nastaliq" in language["fonts"]["text"][0]:
        assert len(letters(printed)) >= len(letters(notice)) * 0.8
    else:
        assert letters(pdftotext(rtl_press[code], "-layout")).find(letters(notice)) >= 0


@pytest.mark.parametrize("code", RTL_LANGUAGES)
def test_dates_in_native_digits_and_local_calendar(rtl_press: dict[str, Path],
                                                   code: str) -> None:
    """28 May 2025 is 7 Jawza (month 3) 1404 in the Solar Hijri calendar: Dari and Pashto show
    that first with the Gregorian date in brackets, Urdu the Gregorian date only."""
    language = registry(code)
    native = str.maketrans("0123456789", NATIVE_DIGITS[language["digits"]])
    printed = pdftotext(rtl_press[code])
    assert "2025".translate(native) in printed and "28".translate(native) in printed
    if "solar_hijri" in language["dates"]["forms"]:
        assert "1404".translate(native) in printed
        assert language["dates"]["solar_hijri_months"][2] in printed
    else:
        assert "1404".translate(native) not in printed
    assert not re.search(r"\b(?:28|2025)\b", printed)


# --- UDHR articles through the same pipeline ------------------------------------------------


def udhr_articles(code: str, count: int = 6) -> tuple[str, list[str]]:
    """The declaration's title and its first articles as single-spaced paragraphs (the Persian
    file spells every letter as a character reference; the XML parser resolves them)."""
    namespace = {"udhr": "http://efele.net/udhr"}
    root = ET.parse(UDHR / UDHR_FILES[code]).getroot()
    articles = [" ".join(" ".join(para.itertext()) for para in article.iter(
        "{http://efele.net/udhr}para")).split() for article in root.findall(
        "udhr:article", namespace)[:count]]
    return " ".join(root.find("udhr:title", namespace).itertext()), [
        " ".join(words) for words in articles]


@pytest.fixture(scope="module")
def udhr_press(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A statement whose texts are UDHR articles 1-6 (the Persian one with the mixed-direction
    paragraphs after article 2), rendered as press releases in all four languages — without
    the text layer: these tests find glyphs by their own text, which the layer silences (the
    pages are the same pixels with it, tests/test_text_layer.py, which reads the layer)."""
    if not UDHR.is_dir():
        pytest.skip(f"the UDHR corpus is not at {UDHR} (../shared is absent)")
    root = tmp_path_factory.mktemp("udhr-project")
    folder = udhr_statement(root, UDHR_FILES, inserted={"fa-AF": list(MIXED.values())})
    out = root / "out"
    with engine.plain(textlayer):
        result = run_cli("build", folder, "--variant", "press", "--out", out)
    assert result.exit_code == 0, result.output
    return {code: out / "udhr" / code / "press.pdf" for code in UDHR_FILES}


def udhr_statement(root: Path, codes: Iterable[str], count: int = 6,
                   inserted: dict[str, list[str]] | None = None) -> Path:
    """A copy of the project in `root` with a statement `udhr` whose text in each language is
    the declaration's first `count` articles (the first the lead, the last the call to action);
    `inserted` adds paragraphs after a language's first body paragraph."""
    for folder in ("layouts", "assets", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    folder = root / "data" / "statements" / "udhr"
    folder.mkdir()
    (folder / "statement.yaml").write_text(yaml.safe_dump({
        "id": "udhr", "date": "2025-05-28", "source_language": "en", "brand": "coalition",
        "signatories": ["pen-afghanistan", "pen-america"]}, sort_keys=False), "utf-8")
    for code in codes:
        title, articles = udhr_articles(code, count)
        body = articles[1:-1]
        if code in (inserted or {}):
            body = [body[0], *inserted[code], *body[1:]]
        front = {"language": code, "status": "source" if code == "en" else "approved"}
        (folder / f"{code}.md").write_text(text_file(front, {
            "title": [literal(title)], "lead": [paragraph(literal(articles[0]))],
            "body": [paragraph(literal(article)) for article in body],
            "call-to-action": [paragraph(literal(articles[-1]))]}), "utf-8")
    return folder


@needs_udhr
@pytest.mark.parametrize("code", ["ar", "fa-AF", "ur"])
def test_udhr_has_a_glyph_for_every_character(code: str) -> None:
    project = load_project(ROOT)
    language = project.languages[code]
    families = [*language.fonts.text, *language.fonts.heading]
    title, articles = udhr_articles(code)
    assert articles and not missing_glyphs(project.fonts, " ".join([title, *articles]),
                                           families)


def letters(text: str) -> str:
    """Only the letters and digits of `text`, as both the source and `pdftotext` can spell
    them. pdftotext rebuilds the text from shaped glyphs: it adds bidi embedding marks around
    runs, drops the zero-width non-joiner (پیش‌نویس comes back as پیشنویس), sets combining
    marks (tanwin, the hamza above of ۀ) apart, sometimes on a line of their own, and may then
    break a word at the mark (عقلاً comes back as "عق ً" and "لا" on the next line).
    Presentation forms are undone by NFKC. What remains are the letters as typed."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if unicodedata.category(char)[0] in "LN")


@needs_udhr
@pytest.mark.parametrize("code", ["ar", "fa-AF"])
def test_naskh_text_layer_holds_the_source_words(udhr_press: dict[str, Path], code: str) -> None:
    """Every word of the title and articles is in the letters of the text layer, as
    pdftotext -layout reads it (lines by position). Not in order, and not in the default
    mode: poppler's reading-order heuristic places a line whose marks stack high (tanwin over
    an alef) before the line above it, and may move a lam-alef ligature carrying a mark to
    another line; -raw gives right-to-left lines in visual order. None of this is what the
    page shows, which the position tests below check."""
    title, articles = udhr_articles(code)
    words = {letters(word) for word in " ".join([title, *articles]).split()} - {""}
    printed = letters(pdftotext(udhr_press[code], "-layout"))
    assert len(words) > 100
    assert [word for word in sorted(words) if word not in printed] == []


@needs_udhr
@pytest.mark.parametrize("code", UDHR_FILES)
def test_udhr_lang_fonts_and_page_digits(udhr_press: dict[str, Path], code: str) -> None:
    assert document_language(udhr_press[code]) == code
    assert not foreign_fonts(udhr_press[code])
    assert draft_notice(udhr_press[code]) is None, "an approved text carries no draft notice"
    digits = NATIVE_DIGITS.get(registry(code)["digits"], "0123456789")
    with pdfplumber.open(udhr_press[code]) as pdf:
        assert digits[1] in footer_text(pdf.pages[0])


def line_of(page: pdfplumber.page.Page, marker: str) -> list[dict]:
    """The characters of the printed line holding the Latin word `marker`, left to right.
    Glyphs of one line from different fonts (Naskh, Serif) sit at slightly different tops, so
    a line is everything whose middle is within a few points of the marker's."""
    words = [word for word in page.extract_words() if marker in word["text"]]
    assert words, f"{marker!r} not printed"
    middle = (words[0]["top"] + words[0]["bottom"]) / 2
    return sorted((char for char in page.chars
                   if abs((char["top"] + char["bottom"]) / 2 - middle) < 6),
                  key=lambda char: char["x0"])


def is_arabic(char: dict) -> bool:
    return "ARABIC" in unicodedata.name(char["text"][0], "")


def latin_reading(line: list[dict]) -> str:
    return "".join(char["text"] for char in line if char["text"].isascii()).strip()


@needs_udhr
def test_a_latin_date_keeps_its_order_left_of_the_label(udhr_press: dict[str, Path]) -> None:
    """تاریخ: 28 May 2025 — without isolation WeasyPrint prints "May 2025 28". The label's
    colon stays with the label, between it and the date."""
    with pdfplumber.open(udhr_press["fa-AF"]) as pdf:
        line = line_of(pdf.pages[0], "May")
    date = [char for char in line if re.fullmatch(r"[0-9A-Za-z]", char["text"])]
    colon = next(char for char in line if char["text"] == ":")
    label = [char for char in line if is_arabic(char)]
    assert "".join(char["text"] for char in date) == "28May2025"
    assert date[-1]["x1"] <= colon["x0"] and colon["x1"] <= min(char["x0"] for char in label)


@needs_udhr
@pytest.mark.parametrize(("marker", "expected"), [
    ("UNHCR", "(UNHCR)"),
    ("example", "press@example.org"),
    ("ohchr", "https://www.ohchr.org/en/human-rights"),
])
def test_latin_runs_read_left_to_right_between_persian_words(
        udhr_press: dict[str, Path], marker: str, expected: str) -> None:
    """The run reads in order, brackets facing the right way, with Persian on both sides."""
    with pdfplumber.open(udhr_press["fa-AF"]) as pdf:
        line = line_of(pdf.pages[0], marker)
    latin = [char for char in line if char["text"].isascii() and char["text"].strip()]
    reading = "".join(char["text"] for char in latin)
    assert expected in reading
    start = reading.index(expected)
    run = latin[start:start + len(expected)]
    arabic = [char for char in line if is_arabic(char)]
    assert min(char["x0"] for char in arabic) < run[0]["x0"]
    assert max(char["x1"] for char in arabic) > run[-1]["x1"]


# --- the mechanisms, on the registry's languages --------------------------------------------


def localiser(code: str) -> Localiser:
    return Localiser(load_project(ROOT).languages[code])


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2025, 5, 28), "۷ جوزا ۱۴۰۴ (۲۸ می ۲۰۲۵)"),
    (dt.date(2025, 3, 21), "۱ حمل ۱۴۰۴ (۲۱ مارچ ۲۰۲۵)"),   # Nowruz
    (dt.date(2025, 3, 20), "۳۰ حوت ۱۴۰۳ (۲۰ مارچ ۲۰۲۵)"),  # 1403 is a leap year
])
def test_dari_dates_solar_hijri_first(day: dt.date, expected: str) -> None:
    assert localiser("fa-AF").date(day) == expected


def test_numbers_regrouped_in_native_digits() -> None:
    assert str(localiser("fa-AF").text("30,000 نفر در 2021")) == "۳۰٬۰۰۰ نفر در ۲۰۲۱"
    assert str(localiser("ar").text("1,234.5")) == "١٬٢٣٤٫٥"


@pytest.mark.parametrize(("typed", "isolated"), [
    ("تاریخ: 28 May 2025", 'تاریخ: <bdi dir="ltr">28 May 2025</bdi>'),
    ("سازمان (UNHCR) گفت.", 'سازمان <bdi dir="ltr">(UNHCR)</bdi> گفت.'),
    ("Artists at Risk Connection (ARC)", '<bdi dir="ltr">Artists at Risk Connection (ARC)</bdi>'),
    ("Contact details are placeholders.", '<bdi dir="ltr">Contact details are placeholders.</bdi>'),
    ("ایمیل press@example.org و https://example.org/a?b=1.",
     'ایمیل <bdi dir="ltr">press@example.org</bdi> و <bdi dir="ltr">https://example.org/a?b=1</bdi>.'),
    ("<b>PEN</b>", '<bdi dir="ltr">&lt;b&gt;PEN&lt;/b&gt;</bdi>'),
])
def test_latin_runs_are_isolated_with_their_brackets(typed: str, isolated: str) -> None:
    assert str(localiser("fa-AF").text(typed)) == isolated


def test_left_to_right_text_is_left_alone() -> None:
    assert str(localiser("en").text("UNHCR (2021)")) == "UNHCR (2021)"
