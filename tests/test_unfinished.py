"""Nothing unfinished reaches a reader (issue 13): every build, not only --final, refuses a
document whose translation lacks text the source has — that document fails with the reason, the
others are made — and a translation the source has moved on from is marked in its PDF exactly
as a draft is, in its own language, until it is brought up to date."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, STATEMENT_ID, pdftotext, run_cli
from statement_pdf.text.markdown import read_text_file
from statement_pdf.yamlsource import read_yaml


@pytest.fixture
def statement(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_copy)
    return project_copy / "data" / "statements" / STATEMENT_ID


def _without_block(file: Path, key: str) -> None:
    """The text file without block `key` (its lines and the empty line after them)."""
    block = read_text_file(file).block(key)
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[block.start_line - 1:block.end_line + 1]
    file.write_text("".join(lines), encoding="utf-8")


def _build(*options: str) -> tuple[int, dict, str]:
    result = run_cli("build", STATEMENT_ID, "--json", *options)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_a_missing_paragraph_fails_its_documents_and_the_others_are_made(
        statement: Path, tmp_path: Path) -> None:
    urdu = statement / "ur.md"
    _without_block(urdu, "body.paragraph.5")
    assert read_text_file(urdu).block("body.paragraph.5") is None
    code, report, errors = _build("--lang", "en", "--lang", "ur", "--recipient", "pm-pakistan",
                                  "--combined", "--out", str(tmp_path))
    assert code == 1
    statuses = {"/".join(Path(document["path"]).parts[-2:]): document
                for document in report["documents"]}
    assert {name: document["status"] for name, document in statuses.items()} == {
        "en/press.pdf": "written", "en/letter-pm-pakistan.pdf": "written",
        "en/letters.pdf": "written", "ur/press.pdf": "failed",
        "ur/letter-pm-pakistan.pdf": "failed", "ur/letters.pdf": "failed"}
    reason = ("ur.md lacks body paragraph 5 of the en.md text, which this document prints: "
              "translate it (`statement-pdf check` shows where)")
    assert {statuses[name]["error"] for name in statuses if name.startswith("ur/")} == {reason}
    assert reason in " ".join(errors.split()), "the reason is listed for the person too"
    assert not list((tmp_path / STATEMENT_ID / "ur").glob("*.pdf"))
    assert (tmp_path / STATEMENT_ID / "en" / "press.pdf").is_file()


def test_a_missing_letter_body_fails_only_the_letters(statement: Path) -> None:
    """A letter with its own body: a translation without it would send the statement instead."""
    english, urdu = statement / "en.md", statement / "ur.md"
    for file, text in ((english, "We ask you to act."),
                       (urdu, "ہم آپ سے اقدام کی درخواست کرتے ہیں۔")):
        file.write_text(file.read_text(encoding="utf-8").rstrip("\n") + "\n\n::: letter-body\n"
                        f"{text}\n:::\n", encoding="utf-8")
    _without_block(urdu, "letter-body.paragraph.1")
    from statement_pdf.authoring.translations import missing_text
    from statement_pdf.load import load_project, load_statement

    loaded = load_statement(statement, load_project(statement.parents[2]))
    assert missing_text(loaded, "ur", letter=False) is None
    assert missing_text(loaded, "ur", letter=True) == (
        "ur.md lacks letter body paragraph 1 of the en.md text, which this document prints: "
        "translate it (`statement-pdf check` shows where)")


def _with_demands(file: Path, demands: list[str]) -> None:
    """The call to action followed by a list of these demands."""
    text = file.read_text(encoding="utf-8")
    end = text.index("\n:::\n", text.index("::: call-to-action"))
    items = "".join(f"\n- {demand}" for demand in demands)
    file.write_text(f"{text[:end]}\n{items}{text[end:]}", encoding="utf-8")


def test_a_demand_the_translation_lacks_is_missing_text(statement: Path) -> None:
    """A list item: the third demand of the English list is not in the Urdu one."""
    _with_demands(statement / "en.md", ["Suspend the deportations.", "Register the refugees.",
                                        "Protect journalists at risk."])
    _with_demands(statement / "ur.md", ["ملک بدری معطل کی جائے۔",
                                        "پناہ گزینوں کا اندراج کیا جائے۔"])
    from statement_pdf.authoring.translations import missing_text
    from statement_pdf.load import load_project, load_statement

    loaded = load_statement(statement, load_project(statement.parents[2]))
    assert missing_text(loaded, "fa-AF", letter=False).startswith("fa-AF.md lacks demand 1")
    assert missing_text(loaded, "ur", letter=False) == (
        "ur.md lacks demand 3 of the en.md text, which this document prints: translate it "
        "(`statement-pdf check` shows where)")
    result = run_cli("check", STATEMENT_ID, "--no-measure")
    assert "error: demand 3 is not translated" in result.output, result.output


def _notice(pdf: Path) -> str | None:
    """The words in the box the layout draws in the brand's accent colour at the top of page 1
    (the draft notice's box), or None."""
    brand = read_yaml(ROOT / "data" / "brands" / "coalition.yaml").data
    accent = tuple(int(brand["colours"]["accent"][i:i + 2], 16) / 255 for i in (1, 3, 5))
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        boxes = [rect for rect in page.rects if rect["top"] < 100
                 and rect["x1"] - rect["x0"] > page.width / 2
                 and rect["non_stroking_color"] == pytest.approx(accent, 1e-3)]
        if not boxes:
            return None
        box = boxes[0]
    return pdftotext(pdf, "-f", "1", "-l", "1", "-x", str(int(box["x0"])), "-y",
                     str(int(box["top"])), "-W", str(int(box["x1"] - box["x0"]) + 1), "-H",
                     str(int(box["bottom"] - box["top"]) + 1))


def _plain(text: str | None) -> str:
    """Without spaces and the format characters (ZWNJ, the bidi marks pdftotext adds)."""
    return "".join(char for char in "".join((text or "").split())
                   if unicodedata.category(char) != "Cf")


def test_a_stale_translation_is_marked_until_it_is_brought_up_to_date(statement: Path) -> None:
    english, dari = statement / "en.md", statement / "fa-AF.md"
    english.write_text(english.read_text().replace("over 30,000 deportations",
                                                   "over 40,000 deportations"))
    out = statement.parents[2] / "out"
    pdf = out / STATEMENT_ID / "fa-AF" / "press.pdf"
    stale = "به‌روز نیست: متن انگلیسی پس از این ترجمه تغییر کرده است."
    draft = "پیش‌نویس ترجمهٔ غیررسمی، بازبینی‌نشده."

    def notice() -> str:
        code, _, errors = _build("--lang", "fa-AF", "--variant", "press", "--out", str(out))
        assert code == 0, errors
        return _plain(_notice(pdf))

    assert notice() == _plain(draft + " " + stale), "a draft that is out of date: both"
    dari.write_text(dari.read_text().replace("status: draft", "status: approved"))
    assert notice() == _plain(stale), "approved, but the English text changed since"
    assert run_cli("translated", STATEMENT_ID, "--lang", "fa-AF").exit_code == 0
    assert notice() == "", "brought up to date: no notice"


def test_a_section_the_translation_lacks_is_missing_text(statement: Path, tmp_path: Path) -> None:
    """Notes to editors in the source, none in the Dari text: `check` says so, and the Dari
    press release is not made."""
    english = statement / "en.md"
    text = english.read_text(encoding="utf-8")
    at = text.index("::: letter-subject")
    english.write_text(text[:at] + "::: notes-to-editors\nThe signatories are available for "
                       "interview through the press office.\n:::\n\n" + text[at:],
                       encoding="utf-8")
    result = run_cli("check", STATEMENT_ID, "--no-measure")
    assert ("fa-AF.md:1:1: error: notes to editors paragraph 1 is not translated (the en text "
            "has 1 notes to editors paragraph, this file 0 notes to editors paragraphs)"
            in result.output), result.output
    code, report, _ = _build("--lang", "fa-AF", "--variant", "press", "--out", str(tmp_path))
    assert code == 1
    assert report["documents"][0]["error"].startswith(
        "fa-AF.md lacks notes to editors paragraph 1 of the en.md text")
