"""`inspect` on hostile or damaged PDFs, made here with pikepdf from one of ours: a user
password, forms nested 3,000 deep, a TrimBox that is not four numbers, /OutputIntents as a
dictionary, a composite font with no descendant. Each used to end in a traceback (PasswordError,
RecursionError, ValueError, AttributeError, IndexError) and `--json` printed nothing. Now: what
can be read is shown, what cannot is listed as damage (exit 1); a file that cannot be opened is
one located problem (exit 2), in JSON too with --json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from conftest import STATEMENT_ID

from .harness import assert_no_traceback, cli


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ours")
    tmp = tmp_path_factory.mktemp("tmp")
    code, _, stderr = cli("build", STATEMENT_ID, "--lang", "en", "--variant", "press",
                          "--out", out, "--quiet", tmp=tmp)
    assert code == 0, stderr
    return out / STATEMENT_ID / "en" / "press.pdf"


def _nested_forms(pdf: pikepdf.Pdf) -> None:
    def form() -> pikepdf.Stream:
        stream = pikepdf.Stream(pdf, b"")
        stream.Subtype, stream.BBox = pikepdf.Name.Form, [0, 0, 1, 1]
        return stream

    outer = inner = form()
    for _ in range(3000):
        deeper = form()
        inner.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=deeper))
        inner = deeper
    pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(Deep=outer)


def _malformed_trim_box(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.TrimBox = pikepdf.Array([0, "x", 3])


def _output_intents_as_a_dictionary(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OutputIntents = pikepdf.Dictionary(S=pikepdf.Name.GTS_PDFX)


def _empty_descendant_fonts(pdf: pikepdf.Pdf) -> None:
    font = next(font for font in pdf.pages[0].Resources.Font.values()
                if "/DescendantFonts" in font)
    font.DescendantFonts = pikepdf.Array([])


DAMAGED: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "nested forms": (_nested_forms, "page 1: forms nested more than 32 deep; the fonts of the "
                     "deeper ones are not listed"),
    "malformed TrimBox": (_malformed_trim_box, "page 1: /TrimBox: cannot be read (/TrimBox "
                          "must be an array of four numbers, not pikepdf.Array([ 0, \"x\", 3 ]))"),
    "OutputIntents as a dictionary": (
        _output_intents_as_a_dictionary, "/OutputIntents: cannot be read (must be an array of "
        "output intent dictionaries, not pikepdf.Dictionary({ \"/S\": \"/GTS_PDFX\" }))"),
    "empty DescendantFonts": (_empty_descendant_fonts, "fonts: cannot be read (the "
                              "/DescendantFonts of "),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_damage_is_listed_and_the_rest_is_shown(ours: Path, tmp_path: Path, tmp_dir: Path,
                                                damage: str) -> None:
    spoil, expected = DAMAGED[damage]
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(ours) as pdf:
        spoil(pdf)
        pdf.save(damaged)
    code, stdout, stderr = cli("inspect", damaged, tmp=tmp_dir)
    assert code == 1
    assert_no_traceback(stdout + stderr)
    assert "pages:       2" in stdout and "language:    en" in stdout
    assert f"  {expected}" in stdout
    assert f"{damaged}: " in stderr and "could not be read (listed under damage)" in stderr
    code, stdout, _ = cli("inspect", "--json", damaged, tmp=tmp_dir)
    assert code == 1
    report = json.loads(stdout)
    assert report["pages"] == 2 and any(expected in problem for problem in report["problems"])


def test_a_pdf_with_a_user_password(ours: Path, tmp_path: Path, tmp_dir: Path) -> None:
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(ours) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    message = ("encrypted with a password: decrypt it first (qpdf --password=PASSWORD --decrypt "
               "in.pdf out.pdf), then inspect the copy")
    code, stdout, stderr = cli("inspect", locked, tmp=tmp_dir)
    assert code == 2
    assert_no_traceback(stdout + stderr)
    assert f"{locked}:1:1: error: {message}" in stderr
    code, stdout, _ = cli("inspect", "--json", locked, tmp=tmp_dir)
    assert code == 2
    assert json.loads(stdout) == {"path": str(locked), "problems": [message]}
