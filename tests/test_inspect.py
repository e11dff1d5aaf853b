"""`statement-pdf inspect` reports what a file claims and contains — checked against files whose
content we know: our own profiles, a plain untagged PDF, and a file that is not a PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from weasyprint import HTML

from statement_pdf.cli import app
from statement_pdf.engine import layerfont

REPO = Path(__file__).resolve().parents[1]
STATEMENT = REPO / "data" / "statements" / "2025-05-28-pakistan-afghan-deportations"


def run_cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The English press release in each profile."""
    files = {}
    for profile in ("accessible", "archive", "print"):
        out = tmp_path_factory.mktemp(profile)
        code, output = run_cli("build", STATEMENT, "--lang", "en", "--variant", "press",
                               "--profile", profile, "--out", out)
        assert code == 0, output
        files[profile] = out / STATEMENT.name / "en" / "press.pdf"
    return files


def inspect_json(pdf: Path) -> dict:
    code, output = run_cli("inspect", pdf, "--json")
    assert code == 0, output
    return json.loads(output)


@pytest.mark.parametrize(("profile", "claim"), [("accessible", "PDF/UA-1"),
                                                ("archive", "PDF/A-3a"), ("print", "PDF/X-4")])
def test_reports_the_claim_and_the_profile(made, profile, claim):
    report = inspect_json(made[profile])
    assert report["claims"] == [claim]
    assert report["profile"] == profile
    assert report["tagged"] is True
    assert report["language"] == "en"
    assert report["pages"] == 2
    assert report["paper"] == "A4"
    assert report["trim_mm"] == [210.0, 297.0]


def test_reports_fonts_embedded_and_subset(made):
    """The bundled fonts, embedded and subset, and the text layer's blank font (a few hundred
    bytes, embedded whole)."""
    fonts = inspect_json(made["accessible"])["fonts"]
    layer = [font for font in fonts if font["name"] == layerfont.NAME]
    drawn = [font for font in fonts if font not in layer]
    assert {font["name"].split("+")[1] for font in drawn} == {
        "Noto-Serif", "Noto-Serif-Bold", "Noto-Sans", "Noto-Sans-Bold"}
    assert all(font["embedded"] and font["subset"] for font in drawn)
    assert len(layer) == 1 and layer[0]["embedded"]


def test_reports_the_text_layer_of_a_built_document(made):
    """The build's manifest says what the document shows, so inspect reads it back with every
    reader; a PDF the manifest does not know is not measured."""
    code, output = run_cli("inspect", made["accessible"])
    assert code == 0, output
    line = next(line for line in output.splitlines() if line.startswith("text layer:"))
    for reader in ("(pdftotext)", "(pdftotext -layout)", "(PDFium)", "(pdf.js)"):
        assert reader in line, line
    assert "meets the 99% words / 95% pairs threshold" in line
    report = inspect_json(made["accessible"])
    assert all(result["words"] >= 0.99 for result in report["text_layer"])


def test_reports_metadata_bookmarks_and_links(made):
    report = inspect_json(made["accessible"])
    assert report["metadata"]["title"].startswith("Pakistan: Mass expulsion")
    assert "PEN International" in report["metadata"]["authors"]
    assert report["metadata"]["created"] == "2025-05-28"
    assert report["bookmarks"][1:] == ["Signed:", "Media contacts"]
    assert report["links"] >= 2


def test_reports_print_boxes_and_attachments(made):
    printed = inspect_json(made["print"])
    assert printed["bleed_mm"] == 3.0
    assert printed["media_mm"] == [226.0, 313.0]  # A4 and 8 mm of CSS bleed for the marks
    assert "CMYK" in printed["output_intent"]
    archived = inspect_json(made["archive"])
    assert {(item["name"], item["relationship"]) for item in archived["attachments"]} == {
        ("statement.yaml", "Source"), ("en.md", "Source")}


def test_text_report_reads_as_a_checklist(made):
    code, output = run_cli("inspect", made["print"])
    assert code == 0
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip()
             for line in output.splitlines() if ":" in line and not line.startswith(" ")}
    assert lines["claims"] == "PDF/X-4"
    assert lines["profile"] == "print"
    assert lines["paper"] == "A4, 210 × 297 mm (sheet 226 × 313 mm, bleed 3 mm)"
    assert lines["tagged"] == "yes"
    assert lines["fonts"] == "5, 5 embedded"  # the four bundled ones and the text layer's


def test_a_plain_pdf_claims_nothing(tmp_path):
    pdf = tmp_path / "plain.pdf"
    HTML(string="<p>Hello</p>").write_pdf(pdf)
    report = inspect_json(pdf)
    assert report["claims"] == []
    assert report["profile"] is None
    assert report["tagged"] is False
    assert report["language"] is None
    assert report["text_layer"] is None  # no build manifest says what it shows


def test_a_file_that_is_not_a_pdf_is_a_located_error(tmp_path):
    not_pdf = tmp_path / "letter.pdf"
    not_pdf.write_text("Dear Minister,")
    code, output = run_cli("inspect", not_pdf)
    assert code == 2
    assert "letter.pdf:1:1: error: not a readable PDF" in "".join(output.split("\n"))
    assert "Traceback" not in output
