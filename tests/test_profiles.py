"""Output profiles, checked with tools that are not ours: qpdf, poppler (pdfinfo, pdffonts,
pdfdetach, pdftoppm), pdfplumber, and the PyPI `pdfua` checker.

Every language of the statement is built in every profile once per test session.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pdfua import Severity, validate
from PIL import Image
from typer.testing import CliRunner

from conftest import layer_chars
from pki import PASSWORD
from statement_pdf.cli import app
from statement_pdf.delivery.keys import load_seal
from statement_pdf.load import load_project, load_statement
from statement_pdf.localise import Localiser
from statement_pdf.model import Signing

REPO = Path(__file__).resolve().parents[1]
STATEMENT_ID = "2025-05-28-pakistan-afghan-deportations"
PROFILES = ["accessible", "archive", "print"]
RTL_LANGUAGES = ["ur", "fa-AF", "ps"]
MM = 72 / 25.4
A4 = (595.28, 841.89)
XMP_CLAIMS = {
    "accessible": [("http://www.aiim.org/pdfua/ns/id/", "part", "1")],
    "archive": [("http://www.aiim.org/pdfa/ns/id/", "part", "3"),
                ("http://www.aiim.org/pdfa/ns/id/", "conformance", "A")],
    "print": [("http://www.npes.org/pdfx/ns/id/", "GTS_PDFXVersion", "PDF/X-4")],
}
SIGNED = "archive, signed"
"""The archive files with a PAdES signature appended (delivery/pades.py): the PDF/A checks
run on them too, since signing must keep the claims true."""
XMP_CLAIMS[SIGNED] = XMP_CLAIMS["archive"]


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def project_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def statement_dir(project_root: Path) -> Path:
    return project_root / "data" / "statements" / STATEMENT_ID


@pytest.fixture(scope="session")
def languages(project_root: Path, statement_dir: Path) -> list[str]:
    return load_statement(statement_dir, load_project(project_root)).languages


@pytest.fixture(scope="session")
def built(project_root: Path, statement_dir: Path, tmp_path_factory: pytest.TempPathFactory,
          languages: list[str], pki) -> dict[tuple[str, str], Path]:
    """(profile, language) -> the press release PDF; SIGNED: the archive file, signed."""
    outputs = {}
    for profile in PROFILES:
        out = tmp_path_factory.mktemp(profile)
        code, output = run_cli("build", statement_dir, "--variant", "press", "--profile",
                               profile, "--out", out)
        assert code == 0, output
        for language in languages:
            outputs[profile, language] = out / STATEMENT_ID / language / "press.pdf"
    seal = load_seal(Signing(key=str(pki.signer_p12), password_env="TEST_PROFILES_PASSWORD"),
                     project_root, lambda prompt: PASSWORD)
    signed = tmp_path_factory.mktemp("signed")
    for language in languages:
        outputs[SIGNED, language] = signed / f"{language}.pdf"
        outputs[SIGNED, language].write_bytes(seal.sign(outputs["archive", language].read_bytes()))
    return outputs


def tool(*args: object) -> str:
    return subprocess.run([str(arg) for arg in args], capture_output=True, text=True,
                          check=True).stdout


def xmp_values(pdf: Path, namespace: str, name: str) -> list[str]:
    """A property of the XMP packet as poppler prints it, as attribute or element."""
    root = ET.fromstring(tool("pdfinfo", "-meta", pdf).split("?>", 1)[1].rsplit("<?", 1)[0])
    key = f"{{{namespace}}}{name}"
    return [value for element in root.iter() for value in
            [element.attrib.get(key), element.text if element.tag == key else None] if value]


def structure_text(element: dict, page_chars: dict[tuple[int, int], str]) -> str:
    """What a screen reader gets for a structure element: its /ActualText, or else the text of
    the marked content it points to."""
    if element.get("actual_text"):
        return element["actual_text"]
    own = "".join(page_chars.get((element.get("page_number"), mcid), "")
                  for mcid in element.get("mcids", []))
    return own + "".join(structure_text(child, page_chars)
                         for child in element.get("children", []))


def elements_of_type(tree: list[dict], kinds: set[str]) -> list[dict]:
    found = []
    for element in tree:
        if element["type"] in kinds:
            found.append(element)
        found += elements_of_type(element.get("children", []), kinds)
    return found


def squeeze(text: str) -> str:
    """Without whitespace and bidi controls: line breaks cut the text differently in each."""
    return re.sub(r"[\s\u200e\u200f\u2066-\u2069]", "", text)


# --- every profile ----------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [*PROFILES, SIGNED])
def test_every_file_passes_qpdf_and_embeds_every_font(built, languages, profile):
    for language in languages:
        pdf = built[profile, language]
        check = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors" in check.stdout
        rows = tool("pdffonts", pdf).splitlines()[2:]
        assert rows, f"{pdf}: no fonts"
        for row in rows:
            embedded = row.split()[-5]  # the columns end: emb sub uni object ID
            assert embedded == "yes", f"{language}/{profile}: font not embedded: {row}"


@pytest.mark.parametrize("profile", [*PROFILES, SIGNED])
def test_xmp_declares_the_part_the_profile_claims(built, languages, profile):
    for language in languages:
        pdf = built[profile, language]
        for namespace, name, value in XMP_CLAIMS[profile]:
            assert xmp_values(pdf, namespace, name) == [value], f"{language}/{profile}"
        others = {claim for other, claims in XMP_CLAIMS.items() if other != profile
                  for claim in claims if claim[0] != XMP_CLAIMS[profile][0][0]}
        for namespace, name, _ in others:
            assert not xmp_values(pdf, namespace, name), f"{profile} claims {namespace}{name}"


@pytest.mark.parametrize("profile", [*PROFILES, SIGNED])
def test_metadata_says_what_the_statement_is(built, statement_dir, project_root, profile):
    project = load_project(project_root)
    statement = load_statement(statement_dir, project)
    text = statement.texts["en"]
    info = dict(line.split(":", 1) for line in
                tool("pdfinfo", "-isodates", built[profile, "en"]).splitlines() if ":" in line)
    info = {key: value.strip() for key, value in info.items()}
    assert info["Title"] == " ".join(text.title.split())
    assert info["Subject"].startswith("We, the undersigned organisations, call on")
    assert "non-refoulement" in info["Keywords"]
    for org_id in statement.meta.signatories:
        assert project.organisations[org_id].name in info["Author"]
    assert info["CreationDate"].startswith(statement.meta.date.isoformat())
    assert info["Creator"].endswith(f"profile {profile.split(',')[0]}")
    assert info["Tagged"] == "yes"
    with pikepdf.open(built[profile, "en"]) as pdf:
        assert str(pdf.Root.Lang) == "en"


def test_translations_declare_their_own_language(built, languages):
    for language in languages:
        with pikepdf.open(built["accessible", language]) as pdf:
            assert str(pdf.Root.Lang) == language


def test_bookmarks_lead_to_the_title_and_sections(built, statement_dir, project_root):
    statement = load_statement(statement_dir, load_project(project_root))
    with pikepdf.open(built["accessible", "en"]) as pdf, pdf.open_outline() as outline:
        (title,) = outline.root
        assert title.title == " ".join(statement.texts["en"].title.split())
        assert [child.title for child in title.children] == ["Signed:", "Media contacts"]


def test_links_are_live(built, statement_dir, project_root):
    project = load_project(project_root)
    statement = load_statement(statement_dir, project)
    with pdfplumber.open(built["accessible", "en"]) as pdf:
        uris = {link["uri"] for page in pdf.pages for link in page.hyperlinks}
    websites = {project.organisations[org].website for org in statement.meta.signatories}
    assert "mailto:press@example.org" in uris
    assert websites - {None} <= uris


def test_every_logo_has_the_organisation_name_as_alternative_text(built, statement_dir,
                                                                   project_root, languages):
    project = load_project(project_root)
    statement = load_statement(statement_dir, project)
    for language in languages:
        with pdfplumber.open(built["accessible", language]) as pdf:
            figures = [figure for page in pdf.pages
                       for figure in elements_of_type(page.structure_tree, {"Figure"})]
        alts = [figure.get("alt_text") for figure in figures]
        assert len(alts) == len(statement.meta.signatories) + 1  # and the brand's logo
        assert all(alts), f"{language}: a figure without /Alt"
        assert not [alt for alt in alts if "<" in alt or ">" in alt], f"{language}: markup"
        brand = project.brands[statement.meta.brand].words(language).name
        assert any(brand in squeeze_keep_spaces(alt) for alt in alts), (language, brand)
        for org_id in statement.meta.signatories:
            organisation = project.organisations[org_id]
            name = organisation.names.get(language, organisation.name)
            assert any(name in squeeze_keep_spaces(alt) for alt in alts), (language, name)


def squeeze_keep_spaces(text: str) -> str:
    return re.sub(r"[\u200e\u200f\u2066-\u2069]", "", text)


# --- accessible: PDF/UA ---------------------------------------------------------------------


def test_pdfua_checker_finds_nothing_in_any_language(built, languages):
    for language in languages:
        report = validate(str(built["accessible", language]))
        problems = [f"{finding.rule_id}: {finding.message}" for finding in report.findings
                    if finding.severity in (Severity.ERROR, Severity.WARNING)]
        assert not problems, f"{language}: {problems}"


@pytest.mark.parametrize("language", RTL_LANGUAGES)
def test_structure_tree_of_rtl_documents_holds_their_text(built, statement_dir, project_root,
                                                          language):
    """WeasyPrint issue #2091: tags without their text. Every heading and paragraph of the
    source must be readable, in reading order, from the structure tree (a paragraph that
    runs over a page break is two elements, one on each page)."""
    project = load_project(project_root)
    text = load_statement(statement_dir, project).texts[language]
    local = Localiser(project.languages[language])  # digits, quotes and markup as printed
    with pdfplumber.open(built["accessible", language]) as pdf:
        readable = []
        for page in pdf.pages:
            chars: dict[tuple[int, int], str] = {}
            for char in page.chars:
                key = (page.page_number - 1, char.get("mcid"))
                chars[key] = chars.get(key, "") + char["text"]
            readable += [squeeze(structure_text(element, chars)) for element in
                         elements_of_type(page.structure_tree, {"H1", "P"})]
    for block in text.blocks:
        if block.section.startswith("letter"):
            continue
        expected = squeeze(local.isolated(block.plain).striptags())
        assert expected in "".join(readable), (
            f"{language}: not in the structure tree: {block.name}: {block.plain[:40]}…")


# --- archive: PDF/A-3a with the sources ----------------------------------------------------------


@pytest.mark.parametrize("profile", ["archive", SIGNED])
def test_archive_carries_the_statement_and_the_translation_used(built, statement_dir,
                                                                 tmp_path, profile):
    pdf = built[profile, "ur"]
    listing = tool("pdfdetach", "-list", pdf)
    assert set(re.findall(r"^\d+: (.+)$", listing, re.M)) == {"statement.yaml", "ur.md",
                                                               "en.md"}
    tool("pdfdetach", "-saveall", "-o", tmp_path, pdf)
    for name in ("statement.yaml", "ur.md", "en.md"):
        assert (tmp_path / name).read_bytes() == (statement_dir / name).read_bytes()
    with pikepdf.open(pdf) as document:
        specs = {str(spec.UF): spec for spec in document.Root.AF}
        assert len(specs) == 3
        assert {str(spec.AFRelationship) for spec in specs.values()} == {"/Source"}
        assert {name: str(spec.EF.F.Subtype) for name, spec in specs.items()} == {
            "statement.yaml": "/application/yaml", "ur.md": "/text/markdown",
            "en.md": "/text/markdown"}


def test_only_the_archive_profile_attaches_files(built):
    for profile in ("accessible", "print"):
        assert "0 embedded files" in tool("pdfdetach", "-list", built[profile, "en"])


# --- print: bleed, marks, PDF/X-4 -----------------------------------------------------------------


def page_boxes(pdf: Path) -> dict[str, tuple[float, ...]]:
    boxes = {}
    for line in tool("pdfinfo", "-box", pdf).splitlines():
        if match := re.match(r"(\w+Box):\s+(.+)", line):
            boxes[match.group(1)] = tuple(float(value) for value in match.group(2).split())
    return boxes


def test_print_trims_at_the_paper_size_with_3mm_bleed(built, languages):
    for language in languages:
        boxes = page_boxes(built["print", language])
        left, bottom, right, top = boxes["TrimBox"]
        assert (right - left, top - bottom) == pytest.approx(A4, abs=0.01)
        assert boxes["BleedBox"] == pytest.approx(
            (left - 3 * MM, bottom - 3 * MM, right + 3 * MM, top + 3 * MM), abs=0.01)
        media = boxes["MediaBox"]
        assert media[0] < boxes["BleedBox"][0] and media[2] > boxes["BleedBox"][2]


def test_print_trim_follows_the_paper_option(statement_dir, tmp_path):
    code, output = run_cli("build", statement_dir, "--lang", "en", "--variant", "press",
                           "--profile", "print", "--paper", "letter", "--out", tmp_path)
    assert code == 0, output
    left, bottom, right, top = page_boxes(tmp_path / STATEMENT_ID / "en" / "press.pdf")["TrimBox"]
    assert (right - left, top - bottom) == pytest.approx((612, 792), abs=0.01)


def corner_ink(pdf: Path, tmp_path: Path, width_mm: float, height_mm: float) -> int:
    """Dark pixels in a strip along the sheet's top edge, from its left corner, at 150 dpi."""
    width, height = (round(mm / 25.4 * 150) for mm in (width_mm, height_mm))
    tool("pdftoppm", "-gray", "-r", 150, "-f", 1, "-l", 1, "-x", 0, "-y", 0, "-W", width,
         "-H", height, "-png", "-singlefile", pdf, tmp_path / "corner")
    image = Image.open(tmp_path / "corner.png").convert("L")
    return sum(1 for value in image.get_flattened_data() if value < 128)


def test_print_shows_crop_marks_outside_the_bleed(built, tmp_path):
    """The sheet's top 5 mm, outside the bleed (8 mm - 3 mm), holds nothing but the vertical
    crop mark on the trim line, 8 mm in from the left edge."""
    assert corner_ink(built["print", "en"], tmp_path, 12, 4.5) > 20
    assert corner_ink(built["accessible", "en"], tmp_path, 12, 4.5) == 0


def test_print_declares_a_cmyk_print_condition_and_calibrated_rgb(built):
    with pikepdf.open(built["print", "en"]) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        profile = intent.DestOutputProfile
        assert profile.N == 4
        header = profile.read_bytes()[12:20]
        assert header == b"prtrCMYK"  # an output (printer) profile for CMYK
        colour_spaces = pdf.pages[0].Resources.ColorSpace
        assert colour_spaces.DefaultRGB[0] == "/ICCBased"
        assert str(pdf.trailer.Info.Trapped) == "/False"


def test_print_has_no_annotations_but_keeps_the_linked_text(built):
    """PDF/X: no annotations inside the bleed box; on paper a link does nothing anyway."""
    with pdfplumber.open(built["print", "en"]) as pdf:
        assert not [page.annots for page in pdf.pages if page.annots]
        text = squeeze(layer_chars(pdf.pages[-1]).extract_text())
    assert "press@example.org" in text and "ENDS" in text


# --- choosing a profile -----------------------------------------------------------------------


def test_layout_names_its_default_profile(project_root):
    project = load_project(project_root)
    assert project.layouts["press"].profile == "accessible"
    assert set(project.profiles) >= set(PROFILES)


def test_unknown_profile_is_a_usage_error(statement_dir, tmp_path):
    code, output = run_cli("build", statement_dir, "--profile", "glossy", "--out", tmp_path)
    assert code == 2
    assert ("unknown profile 'glossy' (available: accessible, archive, print)"
            in " ".join(output.split()))
    assert not list(tmp_path.rglob("*.pdf"))


def test_misspelt_profile_field_is_located(project_root, tmp_path):
    broken = tmp_path / "project"
    shutil.copytree(project_root / "data", broken / "data")
    shutil.copytree(project_root / "layouts", broken / "layouts")
    shutil.copytree(project_root / "assets", broken / "assets")  # a link out is refused
    profiles = broken / "data" / "profiles.yaml"
    profiles.write_text(profiles.read_text().replace("  pdf_tags: true\n", "  pdf_tag: true\n",
                                                     1))
    code, output = run_cli("build", broken / "data" / "statements" / STATEMENT_ID, "--out",
                           tmp_path / "out")
    assert code == 2
    line = profiles.read_text().splitlines().index("  pdf_tag: true") + 1
    output = "".join(output.split("\n"))  # rich wraps long paths
    assert f"profiles.yaml:{line}:" in output
    assert "pdf_tag: unknown field" in output
    assert "unknown profile 'accessible'" not in output  # no knock-on error from the layout


def test_creation_date_is_the_statement_date_not_today(built):
    with pikepdf.open(built["archive", "en"]) as pdf:
        created = str(pdf.trailer.Info.CreationDate)
    assert created.startswith("D:20250528")
    assert not created.startswith(dt.date.today().strftime("D:%Y%m%d"))
