"""Statement text can never inject markup, read local files or reach the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, STATEMENT_ID, pdftotext, run_cli
from statement_pdf.compose import Composed
from statement_pdf.errors import RenderError
from statement_pdf.render import ProjectFetcher, Renderer

INJECTION = ('<img src="file:///etc/passwd"> <script>alert(1)</script> [x](file:///etc/passwd) '
             '![y](file:///etc/hostname) [z](javascript:alert(1))')


def test_markup_in_statement_text_is_printed_as_text(project_copy: Path) -> None:
    en = project_copy / "data" / "statements" / STATEMENT_ID / "en.md"
    text = en.read_text(encoding="utf-8")
    en.write_text(text.replace("::: lead\n", f"::: lead\n{INJECTION}\n", 1), encoding="utf-8")
    result = run_cli("build", en.parent, "--lang", "en", "--variant", "press", "--emit-html",
                     "--out", project_copy / "out")
    assert result.exit_code == 0, result.output
    out = project_copy / "out" / STATEMENT_ID / "en"
    html = (out / "press.html").read_text(encoding="utf-8")
    main = html.split("<main>")[1].split("</main>")[0]
    assert "<script>" not in main and "<img" not in main and "href" not in main
    printed = " ".join(pdftotext(out / "press.pdf").split())
    assert '<img src="file:///etc/passwd"> <script>alert(1)</script>' in printed
    assert "[x](file:///etc/passwd)![y](file:///etc/hostname)[z](javascript:alert(1))" in \
        printed.replace(" ", "")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file:///work/../etc/passwd",
    f"file://{ROOT}/layouts/../../etc/passwd",
    "http://127.0.0.1:9/",
    "https://example.org/logo.png",
    "data:text/plain,hello",
])
def test_the_fetcher_refuses_anything_outside_the_project(url: str) -> None:
    fetcher = ProjectFetcher([ROOT / "layouts", ROOT / "assets", ROOT / "data"])
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)


def test_the_fetcher_serves_project_files() -> None:
    fetcher = ProjectFetcher([ROOT / "layouts"])
    response = fetcher.fetch((ROOT / "layouts" / "common.css").as_uri())
    assert b"@counter-style" in response.read()
    response.close()


def test_a_document_that_reaches_outside_is_not_written(tmp_path: Path) -> None:
    html = '<html><body><p>x</p><img src="file:///etc/hostname"></body></html>'
    target = tmp_path / "out.pdf"
    with pytest.raises(RenderError, match="refused"):
        Renderer(ROOT).render(Composed(html, (ROOT / "layouts").as_uri() + "/", "x"), target)
    assert list(tmp_path.iterdir()) == []


def test_a_logo_path_outside_data_is_a_located_error(project_copy: Path) -> None:
    organisations = project_copy / "data" / "organisations.yaml"
    text = organisations.read_text(encoding="utf-8")
    organisations.write_text(text.replace("logo: logos/cpj.svg", "logo: ../../../etc/passwd"),
                             encoding="utf-8")
    line = next(number for number, content in enumerate(
        organisations.read_text().splitlines(), start=1) if "etc/passwd" in content)
    result = run_cli("build", project_copy / "data" / "statements" / STATEMENT_ID,
                     "--out", project_copy / "out")
    assert result.exit_code == 2
    assert f"organisations.yaml:{line}:9: error: '../../../etc/passwd' is outside" in result.output
