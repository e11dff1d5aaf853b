"""Logos of any shape (issue 13): each the same area at its own proportions, in rows that fill the
measure, read back from the PDF — in English and Urdu, on A4 and US Letter — with two wide and one
tall placeholder logo from tests/fixtures/logos/ among the square monograms; and the warnings for
a logo that would print too small to read, or a bitmap with too few pixels for print."""

from __future__ import annotations

import math
import shutil
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from conftest import ROOT, STATEMENT_ID, run_cli

MM = 72 / 25.4
FIXTURES = Path(__file__).parent / "fixtures" / "logos"
MARGIN = 18  # mm, common.css @page
PAPER_WIDTH = {"a4": 210, "letter": 215.9}
# The press layout's rule (layouts/press/layout.yaml): area 196 mm², height 6 to 16 mm.
SHAPES = {  # organisation id: (logo file, expected printed width, height in mm)
    "test-wide-wordmark": ("wide-wordmark.svg", 28.0, 7.0),
    "test-wide-banner": ("wide-banner.png", math.sqrt(196 * 5), math.sqrt(196 / 5)),
    "test-tall-crest": ("tall-crest.svg", 8.0, 16.0),
}
SQUARE = 14 * 0.96
"""The bundled monograms are 14 mm squares whose drawn square spans 96 of their 100 units."""
AFTER = {"cpj": "test-wide-wordmark", "index-on-censorship": "test-tall-crest",
         "pen-america": "test-wide-banner"}


def _add_organisations(project: Path, shapes: dict[str, str]) -> None:
    """Organisations with these logos (copied under data/logos/), signing the statement after
    the ones AFTER names, or at the end."""
    entries = []
    for org_id, file in shapes.items():
        shutil.copy(FIXTURES / file if (FIXTURES / file).is_file() else project / file,
                    project / "data" / "logos" / Path(file).name)
        entries.append(f"- id: {org_id}\n  name: Placeholder {org_id}\n"
                       f"  logo: logos/{Path(file).name}\n")
    with (project / "data" / "organisations.yaml").open("a") as organisations:
        organisations.write("".join(entries))
    statement = project / "data" / "statements" / STATEMENT_ID / "statement.yaml"
    text = statement.read_text()
    for org_id in shapes:
        before = next((key for key, value in AFTER.items() if value == org_id), "iawrt")
        text = text.replace(f"  - {before}\n", f"  - {before}\n  - {org_id}\n", 1)
    statement.write_text(text)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The press release in English and Urdu, on A4 and on US Letter."""
    project = tmp_path_factory.mktemp("logos")
    for folder in ("layouts", "assets", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    _add_organisations(project, {org_id: file for org_id, (file, *_) in SHAPES.items()})
    made = {}
    for paper in PAPER_WIDTH:
        out = project / f"out-{paper}"
        result = run_cli("build", project / "data" / "statements" / STATEMENT_ID, "--variant",
                         "press", "--lang", "en", "--lang", "ur", "--paper", paper, "--out", out)
        assert result.exit_code == 0, result.output
        for code in ("en", "ur"):
            made[paper, code] = out / STATEMENT_ID / code / "press.pdf"
    return made


def _logo_boxes(pdf: Path) -> list[tuple[float, float, float, float]]:
    """x0, top, x1, bottom in mm of every logo: the outermost shapes (a rectangle, a rounded
    one, a bitmap) between 3 and 20 mm high and narrower than half the page, on the page that
    has most of them (the masthead's brand logo is alone on page 1)."""
    with pdfplumber.open(pdf) as document:
        pages = [[tuple(shape[key] / MM for key in ("x0", "top", "x1", "bottom"))
                  for shape in page.rects + page.curves + page.images
                  if 3 * MM <= shape["bottom"] - shape["top"] <= 20 * MM
                  and shape["x1"] - shape["x0"] < page.width / 2]
                 for page in document.pages]
    boxes = max(pages, key=len)
    return sorted({box for box in boxes if not any(
        other != box and other[0] <= box[0] + 0.01 and other[1] <= box[1] + 0.01
        and box[2] <= other[2] + 0.01 and box[3] <= other[3] + 0.01 for other in boxes)})


def _rows(boxes: list[tuple[float, ...]]) -> list[list[tuple[float, ...]]]:
    rows: dict[int, list] = {}
    for box in boxes:
        rows.setdefault(round((box[1] + box[3]) / 2), []).append(box)
    return [sorted(row) for _, row in sorted(rows.items())]


@pytest.mark.parametrize("paper", PAPER_WIDTH)
@pytest.mark.parametrize("code", ["en", "ur"])
def test_each_logo_keeps_its_shape_and_the_same_weight(pages, paper: str, code: str) -> None:
    boxes = _logo_boxes(pages[paper, code])
    assert len(boxes) == 15 + len(SHAPES)
    sizes = sorted((box[2] - box[0], box[3] - box[1]) for box in boxes)
    expected = sorted([(SQUARE, SQUARE)] * 15 + [(width, height)
                                             for _, width, height in SHAPES.values()])
    assert [value for size in sizes for value in size] == pytest.approx(
        [value for size in expected for value in size], abs=0.25)
    assert min(height for _, height in sizes) >= 6, "every logo at a legible height"


@pytest.mark.parametrize("paper", PAPER_WIDTH)
@pytest.mark.parametrize("code", ["en", "ur"])
def test_rows_fill_the_measure_from_the_start_side(pages, paper: str, code: str) -> None:
    rows = _rows(_logo_boxes(pages[paper, code]))
    start, end = MARGIN, PAPER_WIDTH[paper] - MARGIN
    assert len(rows) >= 2
    for row in rows[:-1]:
        assert row[0][0] == pytest.approx(start, abs=0.4), row
        assert row[-1][2] == pytest.approx(end, abs=0.4), row
        gaps = [right[0] - left[2] for left, right in pairwise(row)]
        assert min(gaps) >= 2.9, gaps
    last = rows[-1]
    if code == "ur":
        assert last[-1][2] == pytest.approx(end, abs=0.4), "RTL: the last row starts at the right"
    else:
        assert last[0][0] == pytest.approx(start, abs=0.4)


def test_reading_order_follows_the_signatories(pages) -> None:
    """The fourth signatory (after cpj) is the wide wordmark: fourth from the left in English,
    from the right in Urdu."""
    for code, order in (("en", 1), ("ur", -1)):
        first_row = _rows(_logo_boxes(pages["a4", code]))[0][::order]
        widths = [round(box[2] - box[0]) for box in first_row]
        assert widths[3] == 28, widths


# --- warnings ----------------------------------------------------------------------------------


def test_logos_that_would_not_print_well_are_warned_about(project_copy: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    (project_copy / "very-wide.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2000 100"><rect width="2000" '
        'height="100"/></svg>')
    with Image.open(FIXTURES / "wide-banner.png") as banner:
        banner.resize((200, 40)).save(project_copy / "small-banner.png")
    _add_organisations(project_copy, {"test-very-wide": "very-wide.svg",
                                      "test-small-banner": "small-banner.png",
                                      **{org_id: file for org_id, (file, *_) in SHAPES.items()}})
    monkeypatch.chdir(project_copy)
    result = run_cli("check", STATEMENT_ID, "--no-measure")
    logo_lines = [line.strip() for line in result.output.splitlines() if "logos/" in line]
    assert result.exit_code == 0
    assert len(logo_lines) == 2, logo_lines
    assert (": warning: logos/very-wide.svg prints 48 × 2.4 mm in the press layout: lower than "
            "the legible minimum of 6 mm, because it is 20.0 times as wide as it is high; use a "
            "version of the logo that is less wide (a stacked one)") in logo_lines[0]
    assert (": warning: logos/small-banner.png has 200 × 40 pixels: 162 dpi at its printed size "
            "in the press layout (31.3 × 6.26 mm), where print needs 300; use an image at least "
            "370 pixels wide, or an SVG") in logo_lines[1]
    assert all(line.startswith("data/organisations.yaml:") for line in logo_lines)
    final = run_cli("check", STATEMENT_ID, "--no-measure", "--final")
    assert final.exit_code == 1 and "error: logos/very-wide.svg prints" in final.output
