"""Letters to governments and UN offices (issue 4), read back the way the office reads them.

The letters are built once, in a copy of the project whose letter also has a named signer.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
import yaml

from conftest import ROOT, STATEMENT_ID, layer_chars, pdftotext, run_cli
from statement_pdf.text.markdown import read_text_file
from statement_pdf.yamlsource import read_yaml

MM = 72 / 25.4
INCH = 72

# The envelope windows, from the standards rather than from layout.yaml (so a wrong number there
# fails here): x0, top, x1, bottom in points from the sheet's top-left corner.
# DIN 5008 form B address field (85 × 45 mm at 20 mm from the left, 45 mm from the top).
DIN_5008_B = (20 * MM, 45 * MM, 105 * MM, 90 * MM)
# #10 window (4 1/2 × 1 1/8 in, 7/8 in from the left, 1/2 in from the bottom of a 4 1/8 in high
# envelope) over a US Letter sheet folded in three whose top panel (11/3 in) rests on the
# envelope's bottom edge: 2.04 to 3.17 in below the top of the sheet.
US_10_WINDOW = (7 / 8 * INCH, (11 / 3 - 1 - 5 / 8) * INCH, (7 / 8 + 4.5) * INCH,
                (11 / 3 - 1 / 2) * INCH)

SIGNER = {"name": "A. N. Example", "title": "Director", "organisation": "pen-international"}


def _write_yaml(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _copy_project(root: Path) -> Path:
    """A copy of the project whose statement's letter has a named signer."""
    for folder in ("layouts", "assets", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    statement = root / "data" / "statements" / STATEMENT_ID
    meta = yaml.safe_load((statement / "statement.yaml").read_text(encoding="utf-8"))
    meta["letter"]["signers"] = [SIGNER]
    _write_yaml(statement / "statement.yaml", meta)
    return statement


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every letter of the statement, on A4, with the combined print files: OUT/<id>."""
    root = tmp_path_factory.mktemp("project")
    statement = _copy_project(root)
    out = root / "out"
    result = run_cli("build", statement, "--variant", "letter", "--combined", "--out", out)
    assert result.exit_code == 0, result.output
    return out / STATEMENT_ID


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the project to break; returns the statement folder."""
    return _copy_project(tmp_path)


def _recipients() -> dict[str, dict]:
    """The offices the bundled statement writes to, as data/recipients.yaml has them."""
    entries = read_yaml(ROOT / "data" / "recipients.yaml").data
    statement = ROOT / "data" / "statements" / STATEMENT_ID / "statement.yaml"
    addressed = read_yaml(statement).data["letter"]["recipients"]
    return {entry["id"]: entry for entry in entries if entry["id"] in addressed}


def _address(recipient: dict, code: str) -> list[str]:
    own = recipient["languages"][code]
    return [line for line in [own.get("name", recipient.get("name")),
                              own.get("title", recipient["title"]),
                              own.get("office", recipient["office"]),
                              *own.get("address", recipient["address"]),
                              own.get("country", recipient["country"])] if line]


def _flat(text: str) -> str:
    return " ".join(text.replace("-", "").split())


def _signatory_names() -> list[str]:
    organisations = yaml.safe_load((ROOT / "data" / "organisations.yaml").read_text())
    meta = yaml.safe_load((ROOT / "data" / "statements" / STATEMENT_ID / "statement.yaml")
                          .read_text())
    names = {entry["id"]: entry["name"] for entry in organisations}
    return [names[org_id] for org_id in meta["signatories"]]


def _pages_text(pdf: Path) -> list[str]:
    return pdftotext(pdf, "-layout").split("\f")[:-1]


def test_every_recipient_gets_every_language_it_is_due(letters: Path) -> None:
    written = sorted(path.relative_to(letters).as_posix() for path in letters.rglob("*.pdf"))
    assert written == [
        "en/letter-interior-pakistan.pdf", "en/letter-pm-pakistan.pdf",
        "en/letter-sr-afghanistan.pdf", "en/letter-unhcr-pakistan.pdf", "en/letters.pdf",
        "ur/letter-interior-pakistan.pdf", "ur/letter-pm-pakistan.pdf", "ur/letters.pdf",
    ]


@pytest.mark.parametrize("recipient_id", ["pm-pakistan", "interior-pakistan", "unhcr-pakistan",
                                          "sr-afghanistan"])
def test_an_english_letter_names_addressee_subject_salutation_close_and_signatories(
    letters: Path, recipient_id: str
) -> None:
    recipient = _recipients()[recipient_id]
    printed = _flat(pdftotext(letters / "en" / f"letter-{recipient_id}.pdf"))
    source = read_text_file(ROOT / "data" / "statements" / STATEMENT_ID / "en.md")
    expected = [*_address(recipient, "en"), source.block("letter-subject.paragraph.1").plain,
                recipient["languages"]["en"]["salutation"], recipient["languages"]["en"]["close"],
                *_signatory_names(), SIGNER["name"], "Director, PEN International",
                f"2025-05-28/{recipient_id}", "28 May 2025"]
    for text in expected:
        assert _flat(text) in printed, text


def test_the_statement_body_is_the_letter_body_when_the_letter_has_none(letters: Path) -> None:
    printed = _flat(pdftotext(letters / "en" / "letter-unhcr-pakistan.pdf"))
    source = read_text_file(ROOT / "data" / "statements" / STATEMENT_ID / "en.md")
    for section in ("lead", "body", "call-to-action"):
        for block in source.sections[section].blocks:
            assert _flat(block.plain)[:120] in printed


def test_copies_go_to_the_other_offices_only(letters: Path) -> None:
    to_unhcr = _flat(pdftotext(letters / "en" / "letter-unhcr-pakistan.pdf"))
    to_pm = _flat(pdftotext(letters / "en" / "letter-pm-pakistan.pdf"))
    assert "Copy to: Special Rapporteur on the situation of human rights in Afghanistan" in to_unhcr
    assert "UNHCR Representative in Pakistan; Special Rapporteur" in to_pm
    assert "Copy to: UNHCR Representative in Pakistan" not in to_unhcr


def _inside(char: dict, window: tuple[float, float, float, float]) -> bool:
    """The glyph's box is inside the window, give or take 0.1 pt of rounding: the 6th line of a
    full DIN 5008 address zone ends exactly on the field's lower edge."""
    x0, top, x1, bottom = window
    return (x0 - 0.1 <= char["x0"] and char["x1"] <= x1 + 0.1 and top - 0.1 <= char["top"]
            and char["bottom"] <= bottom + 0.1)


def _lines_inside(pdf: Path, lines: list[str], window: tuple[float, float, float, float]) -> None:
    """Each of `lines` is printed on page 1 in lines of text whose every glyph is inside the
    window (a long line may wrap). The page is read left of the window's right edge, so that
    the date and reference beside the address are not taken as part of its lines."""
    with pdfplumber.open(pdf) as document:
        page = layer_chars(document.pages[0])
        left_part = page.crop((0, 0, window[2] + 1 * MM, page.height))
        inside = [line["text"] for line in left_part.extract_text_lines()
                  if all(_inside(char, window) for char in line["chars"])]
    printed = _flat(" ".join(inside))
    for text in lines:
        assert _flat(text) in printed, f"{text!r} is not inside the window: {inside}"


def test_the_address_lies_in_the_din_5008_window_on_a4(letters: Path) -> None:
    for recipient_id, recipient in _recipients().items():
        _lines_inside(letters / "en" / f"letter-{recipient_id}.pdf", _address(recipient, "en"),
                      DIN_5008_B)


def test_the_address_lies_in_the_us_10_window_on_letter_paper(tmp_path: Path) -> None:
    statement = _copy_project(tmp_path)
    result = run_cli("build", statement, "--variant", "letter", "--lang", "en", "--paper",
                     "letter", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for recipient_id, recipient in _recipients().items():
        pdf = tmp_path / "out" / STATEMENT_ID / "en" / f"letter-{recipient_id}.pdf"
        with pdfplumber.open(pdf) as document:
            assert (round(document.pages[0].width), round(document.pages[0].height)) == (612, 792)
        _lines_inside(pdf, _address(recipient, "en"), US_10_WINDOW)


def test_page_numbers_start_on_page_two_and_restart_for_each_letter(letters: Path) -> None:
    singles = ["pm-pakistan", "interior-pakistan", "unhcr-pakistan", "sr-afghanistan"]
    expected_labels, expected_headers = [], []
    for recipient_id in singles:
        pages = _pages_text(letters / "en" / f"letter-{recipient_id}.pdf")
        expected_labels += [None, *(f"Page {n} of {len(pages)}" for n in range(2, len(pages) + 1))]
        expected_headers += [None, *[_recipients()[recipient_id]["title"]] * (len(pages) - 1)]
    combined = _pages_text(letters / "en" / "letters.pdf")
    labels = [match.group() if (match := re.search(r"Page \d+ of \d+", page)) else None
              for page in combined]
    headers = [match.group(1) if (match := re.search(r"Letter to (.+?), 28 May 2025", page))
               else None for page in combined]
    assert labels == expected_labels
    assert headers == expected_headers
    assert len(expected_labels) > len(singles), "every letter should have a second page"


URDU_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def test_the_urdu_letter_is_mirrored_with_urdu_digits_and_nastaliq(letters: Path) -> None:
    """The Urdu words are checked as Nastaliq glyphs at their places, and the text layer for
    the digits, the reference and the date."""
    pdf = letters / "ur" / "letter-pm-pakistan.pdf"
    with pdfplumber.open(pdf) as document:
        pages = document.pages
        info = layer_chars(pages[0]).crop((120 * MM, 40 * MM, pages[0].width, 95 * MM)
                                          ).extract_text()
        assert "2025-05-28/pm-pakistan" in re.sub(r"[\s\u200e\u200f]", "", info)
        date_lines = [line for line in info.splitlines() if "pakistan" not in line]
        assert "۲۸" in info and "۲۰۲۵" in info and not re.search(r"\d", "".join(
            line for line in date_lines if line.isascii()))
        assert len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            footer = page.crop((0, page.height - 22 * MM, page.width / 2, page.height))
            digits = [char["text"] for char in sorted(layer_chars(footer).chars,
                                                      key=lambda c: c["x0"])
                      if char["text"] and (char["text"] in URDU_DIGITS or char["text"].isdigit())]
            # "صفحہ ۲ از ۳" read right to left: the total is the leftmost digit.
            expected = [] if number == 1 else [URDU_DIGITS[len(pages)], URDU_DIGITS[number]]
            assert digits == expected, (number, digits)
            assert number == 1 or any("Nastaliq" in char["fontname"] for char in footer.chars)
        first = pages[0]
        body = [char for char in first.chars if char["top"] > 100 * MM
                and "Nastaliq" in char["fontname"]]
        assert len(body) > 200
        # Mirrored: Urdu paragraphs end flush with the right margin (20 mm from the edge).
        assert max(char["x1"] for char in body) > first.width - 21 * MM
        # The address: every glyph between the letterhead and the subject, left of the
        # information block, is inside the window — and they are Nastaliq glyphs.
        address = [char for char in first.chars if 40 * MM < char["top"] < 95 * MM
                   and char["x0"] < 120 * MM]
        assert sum("Nastaliq" in char["fontname"] for char in address) > 30
        for char in address:
            assert _inside(char, DIN_5008_B), (char["text"], char["x0"], char["top"])


def _fails_with(statement: Path, *options: str) -> str:
    result = run_cli("build", statement, "--variant", "letter", "--out",
                     statement.parent / "out", *options)
    assert result.exit_code == 2, result.output
    assert not (statement.parent / "out").exists()
    return " ".join(result.output.split())


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


# Each: the file to break (relative to data/), the text replaced and its replacement, the text
# on the line the error must point at, what the message must say, extra options.
BAD_INPUT = {
    "unknown recipient": (
        f"statements/{STATEMENT_ID}/statement.yaml", "unhcr-pakistan", "unhcr-pakistn",
        "unhcr-pakistn", "unknown recipient 'unhcr-pakistn'", []),
    "no close in a due language": (
        # A missing key is reported where its mapping (the recipient's `ur:`) starts.
        "recipients.yaml", "      close: آپ کے مخلص،\n", "", "title: جناب وزیرِ اعظم",
        "languages.ur.close: required field is missing", []),
    "too many address lines": (
        "recipients.yaml", "    - Palais des Nations\n",
        "    - Palais des Nations\n    - Office 1\n    - Building 2\n", "Palais des Nations",
        "the address of sr-afghanistan in en takes 8 lines at 9.5 pt, but the a4 envelope "
        "window holds 6 in English", ["--lang", "en"]),
    "a long line counts as the lines it wraps to": (
        "recipients.yaml", "    - Palais des Nations\n",
        "    - Palais des Nations, 8-14 Avenue de la Paix, Office of the High Commissioner\n",
        "Palais des Nations", "the address of sr-afghanistan in en takes 7 lines",
        ["--lang", "en", "--recipient", "sr-afghanistan"]),
    "unknown placeholder in the reference": (
        f"statements/{STATEMENT_ID}/statement.yaml", "{date}/{recipient}",
        "{date}/{office}", "{office}", "reference: '{office}' is not a placeholder here "
        "(here: {statement}, {recipient}, {language}, {date}", []),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_letter_input_is_a_located_error(broken: Path, case: str) -> None:
    relative, old, new, needle, message, options = BAD_INPUT[case]
    path = broken.parents[1] / relative
    _replace(path, old, new)
    output = _fails_with(broken, *options)
    assert f"{path.name}:{_line_of(path, needle)}:" in output and message in output, output


def test_an_unknown_recipient_option_is_a_usage_error(broken: Path) -> None:
    output = _fails_with(broken, "--recipient", "embassy-nowhere")
    assert ("--recipient: unknown recipient 'embassy-nowhere' (recipients of this letter: "
            in output), output


def test_recipient_option_limits_the_letters(tmp_path: Path) -> None:
    statement = _copy_project(tmp_path)
    result = run_cli("build", statement, "--variant", "letter", "--recipient", "pm-pakistan",
                     "--recipient", "sr-afghanistan", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / "out").rglob("*.pdf"))
    assert written == ["letter-pm-pakistan.pdf", "letter-pm-pakistan.pdf",
                       "letter-sr-afghanistan.pdf"]


def test_a_due_language_without_a_letter_text_is_a_located_error(broken: Path) -> None:
    urdu = broken / "ur.md"
    text = urdu.read_text(encoding="utf-8")
    urdu.write_text(text[:text.index("\n::: letter-subject")] + "\n", encoding="utf-8")
    output = _fails_with(broken, "--recipient", "pm-pakistan")
    assert (f"{urdu}:1:1: error: no ::: letter-subject and no ::: letter-opening section in "
            "ur.md, but pm-pakistan is to receive the letter in ur") in output


def test_a_character_the_fonts_lack_in_an_address_is_located(broken: Path) -> None:
    recipients = broken.parents[1] / "recipients.yaml"
    _replace(recipients, "    - CH-1211 Geneva 10\n", "    - CH-1211 Genève 10 ☎\n")
    result = run_cli("build", broken, "--variant", "letter", "--recipient", "sr-afghanistan",
                     "--out", broken.parent / "out")
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert (f"recipients.yaml:{_line_of(recipients, 'Genève')}:" in output
            and "U+260E BLACK TELEPHONE has no glyph in the English fonts" in output), output
    assert not list((broken.parent / "out").rglob("*.pdf"))


def test_fold_marks_at_the_din_5008_form_b_folds(letters: Path) -> None:
    with pdfplumber.open(letters / "ur" / "letter-pm-pakistan.pdf") as document:
        page = document.pages[0]
        marks = sorted(round(edge["top"] / MM) for edge in page.edges
                       if edge["orientation"] == "h" and edge["x1"] <= 12 * MM)
    assert sorted(set(marks)) == [105, 210]


# --- the sender ---------------------------------------------------------------------------------


def test_the_sender_is_the_brands_address_in_the_letterhead_and_the_return_line(
        letters: Path) -> None:
    brand = read_yaml(ROOT / "data" / "brands" / "coalition.yaml")
    address = brand.data["address"]
    pdf = letters / "en" / "letter-pm-pakistan.pdf"
    return_zone = (DIN_5008_B[0], DIN_5008_B[1], DIN_5008_B[2], DIN_5008_B[1] + 17.7 * MM)
    _lines_inside(pdf, [" · ".join([brand.data["name"], *address])], return_zone)
    with pdfplumber.open(pdf) as document:
        page = layer_chars(document.pages[0])
        letterhead = page.crop((page.width / 2, 0, page.width, 40 * MM)).extract_text()
    assert letterhead.splitlines()[-len(address):] == address


def test_the_return_address_must_fit_the_window_on_one_line(broken: Path) -> None:
    brand = broken.parents[1] / "brands" / "coalition.yaml"
    _replace(brand, '"[street and number]"', '"[the street and number of the secretariat]"')
    output = _fails_with(broken, "--recipient", "pm-pakistan", "--lang", "en")
    assert (f"coalition.yaml:{_line_of(brand, 'the secretariat')}:3: error: the return line of "
            "letters in en (name and address) is 91 mm long at 6.5 pt, but the a4 envelope "
            "window is 80 mm wide: shorten the address") in output, output


# --- the opening -------------------------------------------------------------------------------


OLD_OPENING = ("We write to you on behalf of the undersigned organisations to share with you our "
               "joint statement of 28 May 2025 and to ask for your urgent action.")


def test_the_opening_does_not_repeat_the_statements_first_sentence(letters: Path) -> None:
    printed = _flat(pdftotext(letters / "en" / "letter-pm-pakistan.pdf"))
    opening = printed.index("We write to share with you the joint statement below")
    lead = printed.index("We, the undersigned organisations, call on the government")
    assert opening < lead
    assert "the undersigned organisations" not in printed[opening:lead]


def test_an_opening_that_repeats_the_lead_is_reported(project_copy: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    english = project_copy / "data" / "statements" / STATEMENT_ID / "en.md"
    text = english.read_text()
    start = text.index("::: letter-opening\n") + len("::: letter-opening\n")
    english.write_text(text[:start] + OLD_OPENING + "\n" + text[text.index(":::", start):])
    monkeypatch.chdir(project_copy)
    result = run_cli("check", STATEMENT_ID, "--no-measure")
    line = english.read_text().splitlines().index(OLD_OPENING) + 1
    assert (f"en.md:{line}:1: warning: letter opening repeats “the undersigned organisations” "
            "of the lead that follows it in the letter: reword the opening so that the letter "
            "does not say it twice") in " ".join(result.output.split())
