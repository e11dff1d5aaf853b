"""Rich statement text, read back the way a reader sees it: the bundled example statement (every
element of the format, in English and Dari) as a press release, as a print file and as a letter
to a fictional office; and the HTML each element becomes, in a left-to-right and a right-to-left
language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pdfua import Severity, validate

from conftest import ROOT, copy_project, layer_chars, pdftotext, run_cli
from statement_pdf.load import load_project
from statement_pdf.localise import Localiser
from statement_pdf.text.html import Writer
from statement_pdf.text.markdown import parse_text

EXAMPLE_ID = "2025-06-10-example-every-element"
EXAMPLE = ROOT / "data" / "statements" / EXAMPLE_ID
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
LETTER_TO = "example-ministry"  # a fictional office
UDHR = "https://www.un.org/en/about-us/universal-declaration-of-human-rights"
ICCPR = ("https://www.ohchr.org/en/instruments-mechanisms/instruments/"
         "international-covenant-civil-and-political-rights")
LETTER_OPENING = """We write to you about the [journalists of Radio Example](https://example.net/radio)
and their families.[^3]"""
LETTER_NOTE = "\n[^3]: A note called from the letter only.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example's press releases (en, fa-AF), its Dari print file and letter, and an English
    letter whose opening has a link and a note of its own (in a copy of the project)."""
    root = copy_project(tmp_path_factory.mktemp("rich"))
    folder = root / "data" / "statements" / EXAMPLE_ID
    out = root / "out"
    for options in (["--variant", "press"], ["--variant", "letter", "--lang", "fa-AF"],
                    ["--variant", "press", "--lang", "fa-AF", "--profile", "print", "--out",
                     str(root / "print")]):
        result = run_cli("build", folder, "--out", out, "--emit-html", *options)
        assert result.exit_code == 0, result.output
    english = folder / "en.md"
    text = english.read_text(encoding="utf-8")
    opening = re.search(r"::: letter-opening\n(.*?)\n:::", text, re.S).group(1)
    english.write_text(text.replace(opening, LETTER_OPENING) + LETTER_NOTE, encoding="utf-8")
    result = run_cli("build", folder, "--out", out, "--variant", "letter", "--lang", "en")
    assert result.exit_code == 0, result.output
    letter = f"letter-{LETTER_TO}.pdf"
    return {"en": out / EXAMPLE_ID / "en" / "press.pdf",
            "fa-AF": out / EXAMPLE_ID / "fa-AF" / "press.pdf",
            "fa-AF print": root / "print" / EXAMPLE_ID / "fa-AF" / "press.pdf",
            "letter": out / EXAMPLE_ID / "en" / letter,
            "fa-AF letter": out / EXAMPLE_ID / "fa-AF" / letter}


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- the press release in English ----------------------------------------------------------


def test_every_element_is_printed_in_its_place(built: dict[str, Path]) -> None:
    printed = _flat(pdftotext(built["en"]))
    in_order = [
        "EMBARGOED UNTIL 10:00 (UTC+02:00), 10 JUNE 2025",
        "Example: Release the journalists detained",
        "call on the authorities to immediately release",
        "Geneva, 10 June 2025: On 2 June 2025, police arrested",
        "Reporting is not a crime",
        "“Our reporters went where the water was.",
        "— The editor of Radio Example (a fictional person)",
        "• its licence was suspended for a week in May;",
        "We call on the authorities to: 1. release the four journalists",
        "4. restore Radio Example's licence",
        "ENDS", "Notes to editors", "About this example", "not a real statement",
    ]
    positions = [printed.find(text) for text in in_order]
    assert -1 not in positions, [text for text, at in zip(in_order, positions, strict=True)
                                  if at < 0]
    assert positions == sorted(positions)
    assert "FOR IMMEDIATE RELEASE" not in printed


def test_footnotes_stand_at_the_foot_of_the_page_that_calls_them(built: dict[str, Path]) -> None:
    with pdfplumber.open(built["en"]) as pdf:
        page = layer_chars(pdf.pages[0])
        words = page.extract_words()
        note = next(word for word in words if word["text"] == "floods" and word["top"]
                    > page.height * 0.8)
        call = next(word for word in words if word["text"].startswith("floods.")
                    and word["top"] < page.height * 0.5)
        small = [char for char in page.chars if char["text"] == "1"
                 and abs(char["top"] - call["top"]) < 8 and char["x0"] >= call["x0"]]
    assert small and small[0]["size"] < 8, "the call is a small raised number after the word"
    assert note["top"] > call["top"]
    text = _flat(pdftotext(built["en"], "-f", "1", "-l", "1"))
    assert text.index("1. The floods and the arrests") > text.index("4. restore Radio Example")
    assert "2. The Covenant's Article 19 protects the freedom" in text


def _links(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as document:
        return [str(annotation.A.URI) for page in document.pages
                for annotation in page.get("/Annots", []) if "/A" in annotation]


def _tags(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as document:
        found: list[str] = []

        def walk(element: pikepdf.Object) -> None:
            if isinstance(element, pikepdf.Dictionary):
                if "/S" in element:
                    found.append(str(element.S))
                kids = element.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                    walk(kid)

        walk(document.Root.StructTreeRoot)
        return found


def test_links_are_live_tagged_and_their_addresses_not_printed_on_screen(
        built: dict[str, Path]) -> None:
    statement_links = [link for link in _links(built["en"]) if "un.org" in link
                       or "ohchr" in link]
    assert statement_links == [UDHR, ICCPR]
    tags = _tags(built["en"])
    assert tags.count("/Link") >= 2 and "/BlockQuote" in tags and "/L" in tags
    assert "un.org" not in pdftotext(built["en"])


def test_the_example_passes_the_pdfua_checks(built: dict[str, Path]) -> None:
    for language in ("en", "fa-AF"):
        report = validate(str(built[language]))
        assert not [finding.message for finding in report.findings
                    if finding.severity in (Severity.ERROR, Severity.WARNING)], language


# --- the press release in Dari --------------------------------------------------------------


def _numbers_at_the_right(pdf: Path) -> list[tuple[str, float]]:
    """The number and its size of each line that ends, at its right, in a full stop and a
    Persian digit: how a right-to-left list item or note starts."""
    with pdfplumber.open(pdf) as document:
        lines: dict[tuple[int, int], list[dict]] = {}
        for char in (char for page in document.pages for char in layer_chars(page).chars):
            lines.setdefault((char["page_number"], round(char["top"])), []).append(char)
    numbers = []
    for line in lines.values():
        line.sort(key=lambda char: char["x0"])
        right = [char for char in line if char["text"].strip()][-2:]
        if len(right) == 2 and right[0]["text"] == "." and right[1]["text"] in PERSIAN_DIGITS:
            numbers.append((right[1]["text"], right[1]["size"]))
    return numbers


def _dari(text: str) -> str:
    """_squeezed, and without the zero-width non-joiners and the hamza above that pdftotext
    drops or sets apart."""
    return re.sub("[\u200c\u0654]", "", _squeezed(text))


def test_dari_lists_count_in_persian_digits_with_markers_on_the_right(
        built: dict[str, Path]) -> None:
    markers = [digit for digit, size in _numbers_at_the_right(built["fa-AF"]) if size > 9]
    assert markers == list("۱۲۳۴"), "the four demands, numbered at the right of their lines"

    printed = pdftotext(built["fa-AF"])
    assert not re.search(r"[0-9]", printed.replace("UTC+02:00", "").replace("UDHR", "")
                         .replace("CPJ", "")), "no ASCII digit outside the Latin runs"


def test_dari_embargo_dateline_and_footnotes_are_in_the_language(built: dict[str, Path]) -> None:
    printed = _flat(pdftotext(built["fa-AF"], "-layout"))
    assert "ممنوع" in printed and "UTC+02:00" in printed and "۱۰:۰۰" in printed
    assert "ژنو" in printed, "the city as Dari writes it (fa-AF.md `city:`)"
    with pdfplumber.open(built["fa-AF"]) as pdf:
        page = pdf.pages[0]
        foot = layer_chars(page).crop((0, page.height * 0.8, page.width,
                                       page.height - 20 * 72 / 25.4))
        digits = [char["text"] for char in foot.chars if char["text"] in PERSIAN_DIGITS]
    assert "۱" in digits and "۲" in digits, "footnotes 1 and 2 at the foot, in Persian digits"


def _squeezed(text: str) -> str:
    """Without spaces, line breaks, hyphens, brackets and bidi controls: pdftotext drops the
    hyphen where an address is broken across lines after one, marks the direction of runs, and
    puts a right-to-left line's closing bracket before the rest of the address on it."""
    return re.sub(r"[\s\-()\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def test_the_print_file_prints_link_addresses_and_has_no_link_annotations(
        built: dict[str, Path]) -> None:
    """An address broken across two lines of a right-to-left paragraph comes back from
    pdftotext in two pieces, each in its line: every piece is there."""
    printed = _squeezed(pdftotext(built["fa-AF print"]))
    for address in (UDHR, ICCPR):
        head, tail = address.split("/en/")
        assert _squeezed(head) in printed and _squeezed(tail) in printed, address
    assert _links(built["fa-AF print"]) == []


# --- the letter ------------------------------------------------------------------------------


def test_a_letter_prints_link_addresses_and_its_notes_at_the_end(built: dict[str, Path]) -> None:
    printed = _flat(pdftotext(built["letter"]))
    assert ("about the journalists of Radio Example (https://example.net/radio) and their "
            "families.") in printed
    assert _squeezed(f"Universal Declaration of Human Rights ({UDHR}) and") in _squeezed(printed)
    notes = printed[printed.index("Notes"):]
    assert notes.index("1. A note called from the letter only.") < notes.index(
        "2. The floods and the arrests") < notes.index("3. The Covenant's Article 19")
    assert "Notes to editors" not in printed, "notes to editors are for the press"
    assert UDHR in _links(built["letter"])


def test_the_dari_letter_prints_addresses_and_numbers_its_notes_at_the_end(
        built: dict[str, Path]) -> None:
    printed = _dari(pdftotext(built["fa-AF letter"]))
    assert _dari("آزادی خبرنگاران رادیو نمونه") in printed, "the subject, in Dari"
    assert _squeezed(UDHR) in printed
    notes = printed[printed.index(_dari("یادداشت‌ها")):]
    assert notes.index(_dari("سیلاب و بازداشت‌هایی")) < notes.index(_dari("مادهٔ ۱۹ میثاق"))
    assert _dari("یادداشت برای سردبیران") not in printed, "notes to editors are for the press"
    small = [digit for digit, size in _numbers_at_the_right(built["fa-AF letter"]) if size < 10]
    assert small == ["۱", "۲"], "the two notes, numbered in Persian digits at the right"
    assert UDHR in _links(built["fa-AF letter"])


# --- the HTML of each element -------------------------------------------------------------------

SAMPLE = """---
language: {code}
status: source
---

# {word} *{word}*

::: lead
**{latin}** {word} 2021 [{word} {latin}](https://example.org/a?b=1) 1,500[^1]
:::

1. {word} *{latin}* <img src=file:///etc/passwd>
2. <script>alert(1)</script> {word}

> {word} 30
>
> — {latin}

::: call-to-action
{word}
:::

[^1]: {word} **{latin}** 12
"""


def _writer(code: str, word: str, latin: str = "UNHCR") -> Writer:
    text = parse_text(SAMPLE.format(code=code, word=word, latin=latin), Path(f"{code}.md"))
    return Writer(text, Localiser(load_project(ROOT).languages[code]))


def test_in_dari_every_inline_element_isolates_latin_and_localises_digits() -> None:
    writer = _writer("fa-AF", "گزارش")
    lead = str(writer.section("lead"))
    assert lead == (
        '<p><strong><bdi dir="ltr">UNHCR</bdi></strong> گزارش ۲۰۲۱ '
        '<a href="https://example.org/a?b=1">گزارش <bdi dir="ltr">UNHCR</bdi></a>'
        '<span class="link-url"> (<bdi dir="ltr">https://example.org/a?b=1</bdi>)</span> '
        '۱٬۵۰۰<span class="footnote">گزارش <strong><bdi dir="ltr">UNHCR</bdi></strong> ۱۲'
        '</span></p>\n')
    body = str(writer.section("body"))
    assert '<ol><li>گزارش <em><bdi dir="ltr">UNHCR</bdi></em>' in body
    assert '&lt;<bdi dir="ltr">img src=file:///etc/passwd</bdi>&gt;' in body
    assert "<img" not in body
    assert "<script" not in body and '&lt;<bdi dir="ltr">script</bdi>&gt;' in body
    # an attribution wholly in Latin letters is set left to right, as such paragraphs are
    assert ('<blockquote><p>گزارش ۳۰</p>\n<p dir="ltr" class="attribution latin-only">— '
            '<bdi dir="ltr">UNHCR</bdi></p>\n</blockquote>') in body


def test_in_english_the_text_is_escaped_and_left_in_its_digits() -> None:
    writer = Writer(_writer("en", "report").text, Localiser(load_project(ROOT).languages["en"]),
                    footnotes="end")
    lead = str(writer.section("lead"))
    assert lead == ('<p><strong>UNHCR</strong> report 2021 <a href="https://example.org/a?b=1">'
                    'report UNHCR</a><span class="link-url"> (https://example.org/a?b=1)</span> '
                    '1,500<sup class="footnote-call">1</sup></p>\n')
    assert [str(note) for note in writer.endnotes()] == ["report <strong>UNHCR</strong> 12"]
    assert str(writer.line("title")) == "report <em>report</em>"


def test_a_character_without_a_glyph_inside_markup_is_located(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    english = root / "data" / "statements" / EXAMPLE_ID / "en.md"
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("2. drop all charges", "2. drop **all ✊ charges**"),
                       encoding="utf-8")
    shutil.rmtree(root / "data" / "statements" / EXAMPLE_ID / "translated-from")
    result = run_cli("check", english.parent, "--no-measure")
    line = next(number for number, content in enumerate(text.splitlines(), start=1)
                if content.startswith("2. drop all charges"))
    column = len("2. drop **all ") + 1  # at the character itself, inside the strong emphasis
    assert (f"en.md:{line}:{column}: error: U+270A RAISED FIST has no glyph in the English fonts"
            in _flat(result.output)), result.output
