"""Placeholders are a class of their own: values the data marks !placeholder, contacts at the
example domains, and text still as the `new` template wrote it are listed by `check` and refused
by `build --final` (and by anything that asks preflight with final=True)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import STATEMENT_ID, run_cli
from ready_copy import ready_copy
from statement_pdf.authoring.check import Scope, errors, preflight

SLUG = "2026-02-01-placeholders"


def _placeholders(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if "placeholder: " in line]


def test_the_bundled_statement_lists_its_placeholders(project_copy: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    result = run_cli("check", STATEMENT_ID, "--no-measure")
    assert result.exit_code == 0, "placeholders are warnings while a statement is written"
    found = "\n".join(_placeholders(result.output))
    assert "coalition.yaml:12:9: warning: placeholder: “Joint statement by the undersigned" in found
    assert found.count("coalition.yaml") == 6, (
        "the footer in English, Dari, Pashto and Urdu, and the two lines of the return address")
    assert "“[postal address to be confirmed]” is marked !placeholder" in found
    assert "“[ڈاک کا پتہ تصدیق طلب]، اسلام آباد” is marked !placeholder" in found
    assert "press@example.org is an example address" in found
    assert "“ar” " not in found and "بيان مشترك صادر" not in found, (
        "the Arabic footer is not printed by this statement")


def test_final_refuses_placeholders(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    for code in ("fa-AF", "ps", "ur"):
        text = project_copy / "data" / "statements" / STATEMENT_ID / f"{code}.md"
        text.write_text(text.read_text().replace("status: draft", "status: approved"))
    result = run_cli("build", STATEMENT_ID, "--final", "--out", project_copy / "out")
    assert result.exit_code == 2
    assert "draft translation" not in result.output
    assert all(": error: placeholder: " in line for line in _placeholders(result.output))
    assert len(_placeholders(result.output)) >= 6
    assert not (project_copy / "out").exists()


def test_the_press_release_does_not_answer_for_the_letters_addresses(
        project_copy: Path) -> None:
    statement = project_copy / "data" / "statements" / STATEMENT_ID
    press = preflight(statement, Scope(variants=["press"]), final=True, measure=False)
    letters = preflight(statement, Scope(variants=["letter"]), final=True, measure=False)
    assert not any("postal address" in problem.message for problem in press)
    assert any("postal address" in problem.message for problem in errors(letters))


def test_a_value_marked_in_shared_data_is_found_where_it_is_printed(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    organisations = project_copy / "data" / "organisations.yaml"
    text = organisations.read_text()
    organisations.write_text(text.replace("  name: Front Line Defenders",
                                          "  name: !placeholder Front Line Defenders")
                             .replace("  name: PEN Norway", "  name: !placeholder PEN Norway"))
    statement = project_copy / "data" / "statements" / STATEMENT_ID / "statement.yaml"
    statement.write_text(statement.read_text().replace("  - pen-norway\n", ""))
    found = _placeholders(run_cli("check", STATEMENT_ID, "--no-measure").output)
    assert any("“Front Line Defenders” is marked !placeholder" in line for line in found)
    assert not any("PEN Norway" in line for line in found), "not a signatory of this statement"


@pytest.fixture
def scaffolded(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_copy)
    assert run_cli("new", SLUG, "--date", "2026-02-01").exit_code == 0
    folder = project_copy / "data" / "statements" / SLUG
    meta = folder / "statement.yaml"
    meta.write_text(meta.read_text().replace("signatories: []", "signatories: [rsf]"))
    return folder


def test_the_templates_text_is_a_placeholder(scaffolded: Path) -> None:
    result = run_cli("check", SLUG, "--no-measure")
    assert result.exit_code == 0
    found = "\n".join(_placeholders(result.output))
    for text in ("Write the headline here", "Write the first paragraph of the body here. …",
                 "Write what the signatories call for here.", "Press office (replace this)"):
        assert f"“{text}” is the text of the `statement-pdf new` template" in found, found
    assert "press@example.org is an example address" in found
    assert run_cli("check", SLUG, "--no-measure", "--final").exit_code == 1


def test_the_templates_optional_sections_are_placeholders_once_used(scaffolded: Path) -> None:
    english = scaffolded / "en.md"
    english.write_text(english.read_text().replace("# translator_note:", "translator_note:"))
    found = "\n".join(_placeholders(run_cli("check", SLUG, "--no-measure").output))
    assert "“Translated by …” is the text of the `statement-pdf new` template" in found


def test_a_filled_in_value_with_its_mark_left_is_still_reported(project_copy: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    monkeypatch.chdir(project_copy)
    brand = project_copy / "data" / "brands" / "coalition.yaml"
    text = brand.read_text()
    brand.write_text(text.replace("Contact details are placeholders.", "press@pen.example"))
    found = "\n".join(_placeholders(run_cli("check", STATEMENT_ID, "--no-measure").output))
    assert ("“Joint statement by the undersigned organisations. press@pen.example” is marked"
            in found)
    brand.write_text(text.replace("footer: !placeholder >-", "footer: >-"))
    found = "\n".join(_placeholders(run_cli("check", STATEMENT_ID, "--no-measure").output))
    assert "coalition.yaml:12" not in found, "the mark deleted, the English footer is real"


def test_a_misspelt_mark_is_explained(project_copy: Path) -> None:
    brand = project_copy / "data" / "brands" / "coalition.yaml"
    brand.write_text(brand.read_text().replace("footer: !placeholder >-", "footer: !placehold >-"))
    result = run_cli("check", project_copy / "data" / "statements" / STATEMENT_ID)
    assert "coalition.yaml:12:9: error: invalid YAML: unknown mark !placehold: the only mark " \
           "is !placeholder" in result.output, result.output


def test_the_senders_address_is_a_placeholder_of_the_letters_only(project_copy: Path) -> None:
    statement = project_copy / "data" / "statements" / STATEMENT_ID
    press = preflight(statement, Scope(variants=["press"]), measure=False)
    letters = preflight(statement, Scope(variants=["letter"]), measure=False)
    assert not any("[street and number]" in problem.message for problem in press)
    assert [(problem.file.name, problem.line, problem.severity) for problem in letters
            if "“[street and number]” is marked !placeholder" in problem.message] == [
        ("coalition.yaml", 19, "warning")]


def test_send_refuses_a_placeholder_left_in_a_letter(tmp_path: Path) -> None:
    """A copy made ready to send but for one address line still marked: nothing goes out."""
    statement = ready_copy(tmp_path)
    recipients = tmp_path / "data" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("    - Constitution Avenue",
                                                         "    - !placeholder Constitution Avenue"))
    result = run_cli("send", statement, "--out", tmp_path / "out", "--dry-run")
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert ": error: placeholder: “Constitution Avenue” is marked !placeholder" in output, output
    assert "draft" not in output and "nothing was sent" in output
    assert not (tmp_path / "out" / STATEMENT_ID / "outbox").exists()
