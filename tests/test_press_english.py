"""The English press release, read back the way a reader (or poppler) sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml
from weasyprint import HTML

from conftest import ROOT, STATEMENT, STATEMENT_ID, foreign_fonts, pdffonts, pdftotext, run_cli
from statement_pdf.text.markdown import read_text_file

MM = 72 / 25.4


def _flat(text: str) -> str:
    """One line of text without hyphens: pdftotext joins a word broken after its hyphen
    ("non-" / "refoulement") without the hyphen, so hyphens are compared out on both sides."""
    return " ".join(re.sub(r"-\s*\n\s*", "", text).replace("-", "").split())


def _text_above_footer(pdf_path: Path) -> str:
    """The text of every page without the page footer, so a sentence that runs on to the next
    page reads as one."""
    with pdfplumber.open(pdf_path) as pdf:
        sizes = [(page.width, page.height) for page in pdf.pages]
    return "\n".join(
        pdftotext(pdf_path, "-f", str(number), "-l", str(number), "-x", "0", "-y", "0",
                  "-W", str(int(width)), "-H", str(int(height - 20 * MM)))
        for number, (width, height) in enumerate(sizes, start=1))


def _source_sentences() -> list[str]:
    source = read_text_file(STATEMENT / "en.md")
    paragraphs = [block.plain for block in source.blocks if not block.section.startswith(
        "letter")]
    return [sentence for paragraph in paragraphs
            for sentence in re.split(r"(?<=[.’])\s+(?=[A-Z‘])", " ".join(paragraph.split()))]


def test_every_sentence_of_the_source_is_printed_in_order(english_press: Path) -> None:
    printed = _flat(_text_above_footer(english_press))
    position = 0
    for sentence in map(_flat, _source_sentences()):
        found = printed.find(sentence, position)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        position = found + len(sentence)


def test_the_dateline_opens_the_body(english_press: Path) -> None:
    assert "28 May 2025: The government of Pakistan’s decision" in _flat(
        pdftotext(english_press))


def test_all_fifteen_signatories_are_named(english_press: Path) -> None:
    printed = _flat(pdftotext(english_press))
    organisations = yaml.safe_load((ROOT / "data" / "organisations.yaml").read_text())
    signatories = yaml.safe_load((STATEMENT / "statement.yaml").read_text())["signatories"]
    assert len(signatories) == 15
    names = {entry["id"]: entry["name"] for entry in organisations}
    for org_id in signatories:
        assert names[org_id] in printed, names[org_id]
    assert _flat("Reporters without borders (RSF)") in printed


def test_one_or_two_a4_pages(english_press: Path) -> None:
    with pdfplumber.open(english_press) as pdf:
        assert 1 <= len(pdf.pages) <= 2
        for page in pdf.pages:
            assert (round(page.width / MM), round(page.height / MM)) == (210, 297)


def test_header_and_page_numbers(english_press: Path) -> None:
    printed = pdftotext(english_press)
    assert "FOR IMMEDIATE RELEASE" in printed
    assert "Page 1 of 2" in printed and "Page 2 of 2" in printed


def test_fonts_are_embedded_and_only_the_bundled_ones(english_press: Path) -> None:
    assert pdffonts(english_press)
    assert not foreign_fonts(english_press)


def test_us_letter_paper(tmp_path: Path) -> None:
    result = run_cli("build", STATEMENT, "--lang", "en", "--variant", "press",
                     "--paper", "letter", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    with pdfplumber.open(tmp_path / STATEMENT_ID / "en" / "press.pdf") as pdf:
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (612, 792)


@pytest.mark.parametrize(("code", "direction"), [("en", "ltr"), ("fa-AF", "rtl")])
def test_emit_html_writes_a_standalone_document(tmp_path: Path, code: str,
                                                direction: str) -> None:
    result = run_cli("build", STATEMENT, "--lang", code, "--variant", "press", "--emit-html",
                     "--out", tmp_path)
    assert result.exit_code == 0, result.output
    html = (tmp_path / STATEMENT_ID / code / "press.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{code}" dir="{direction}">' in html
    # its head links the stylesheets the renderer was given beside the HTML: plain WeasyPrint
    # lays it out the same, line for line
    plain = tmp_path / "plain.pdf"
    HTML(filename=tmp_path / STATEMENT_ID / code / "press.html").write_pdf(plain)
    assert pdftotext(plain, "-layout") == pdftotext(
        tmp_path / STATEMENT_ID / code / "press.pdf", "-layout")


@pytest.mark.parametrize("option", [["--lang", "xx"], ["--variant", "poster"]])
def test_unknown_language_or_variant_is_a_usage_error(tmp_path: Path, option: list[str]) -> None:
    result = run_cli("build", STATEMENT, *option, "--out", tmp_path)
    assert result.exit_code == 2
    assert not list(tmp_path.rglob("*.pdf"))
