"""Every output of `make demo` — each language, variant and recipient in its layout's default
profile — declares its profile's standard and passes the independent checks for it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from conftest import ROOT, pdffonts
from statement_pdf.inspect_pdf import inspect_pdf

CLAIMS = {"pdf/ua-1": "PDF/UA-1", "pdf/a-3a": "PDF/A-3a", "pdf/x-4": "PDF/X-4"}


def _expected_claim(variant: str) -> tuple[str, str]:
    profile = yaml.safe_load((ROOT / "layouts" / variant / "layout.yaml").read_text())["profile"]
    variant_of = yaml.safe_load((ROOT / "data" / "profiles.yaml").read_text())[profile]
    return profile, CLAIMS[variant_of["pdf_variant"]]


def test_demo_renders_every_language_and_variant(demo_build: Path) -> None:
    pdfs = {path.relative_to(demo_build).as_posix() for path in demo_build.rglob("*.pdf")}
    assert {f"{code}/press.pdf" for code in ("en", "fa-AF", "ps", "ur")} <= pdfs
    assert {"en/letter-pm-pakistan.pdf", "ur/letter-pm-pakistan.pdf",
            "en/letter-unhcr-pakistan.pdf", "en/letter-sr-afghanistan.pdf"} <= pdfs


def test_every_output_claims_and_passes_its_profile(demo_build: Path) -> None:
    checked = 0
    for pdf in sorted(demo_build.rglob("*.pdf")):
        variant = "press" if pdf.name == "press.pdf" else "letter"
        profile, claim = _expected_claim(variant)
        report = inspect_pdf(pdf)
        assert report.claims == [claim], pdf
        assert report.profile == profile, pdf
        assert report.language == pdf.parent.name, pdf
        assert report.tagged, pdf
        qpdf = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert qpdf.returncode == 0 and "No syntax or stream encoding errors" in qpdf.stdout, pdf
        assert all(font["emb"] == "yes" for font in pdffonts(pdf)), pdf
        checked += 1
    assert checked >= 10
