"""Authoring commands: `new` starts a statement from a template that explains every field, and
`languages` shows what the project can typeset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli
from statement_pdf.model import FrontMatter, StatementMeta

SLUG = "2026-01-15-test-statement"
FOLDER = f"data/statements/{SLUG}"


@pytest.fixture
def scaffolded(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_copy)
    result = run_cli("new", SLUG, "--date", "2026-01-15")
    assert result.exit_code == 0, result.output
    return project_copy / FOLDER


def _comment_above(lines: list[str], key: str) -> str:
    """The comment block right above the top-level `key:` (optional sections are shown
    commented out, so `# key:` counts), up to the previous key or commented-out key."""
    index = next(number for number, line in enumerate(lines)
                 if line.startswith((f"{key}:", f"# {key}:")))
    block = []
    for line in reversed(lines[:index]):
        if not line.startswith("#") or re.match(r"#\s*[a-z_]+:", line):
            break
        block.append(line)
    return " ".join(reversed(block))


@pytest.mark.parametrize(("file", "model"), [("statement.yaml", StatementMeta),
                                              ("en.md", FrontMatter)])
def test_the_template_explains_every_field(scaffolded: Path, file: str, model: type) -> None:
    """Every field, and in en.md's front matter every field of it."""
    lines = (scaffolded / file).read_text().split("\n---\n")[0].splitlines()
    fields = set(model.model_fields) - {"translated_from"}  # written by `translated`
    unexplained = [name for name in fields if len(_comment_above(lines, name)) < 40]
    assert not unexplained


def test_a_new_statement_is_checked_and_needs_only_its_signatories(scaffolded: Path) -> None:
    statement = (scaffolded / "statement.yaml").read_text()
    assert f"id: {SLUG}" in statement and "date: 2026-01-15" in statement
    assert "pen-international" in statement, "the template lists the configured organisations"
    result = run_cli("check", FOLDER, "--no-measure")
    line = statement.splitlines().index("signatories: []") + 1
    assert result.exit_code == 1
    assert [row.strip() for row in result.output.splitlines() if ": error: " in row] == [
        f"{FOLDER}/statement.yaml:{line}:14: error: signatories: List should have at least 1 "
        "item after validation, not 0"]


def test_the_text_template_shows_every_section_and_element(scaffolded: Path) -> None:
    """en.md reads as a complete small statement: title, lead, body with emphasis, a link and
    a footnote, call to action; each is a block of its own."""
    from statement_pdf.text.markdown import read_text_file

    text = read_text_file(scaffolded / "en.md")
    assert [block.key for block in text.blocks] == [
        "title", "lead.paragraph.1", "body.paragraph.1", "body.paragraph.2",
        "call-to-action.paragraph.1", "footnote.1"]
    assert text.block("body.paragraph.2").links == ["https://example.org"]


def test_a_filled_in_statement_builds(scaffolded: Path) -> None:
    statement = scaffolded / "statement.yaml"
    statement.write_text(statement.read_text().replace("signatories: []",
                                                       "signatories: [pen-international]"))
    result = run_cli("build", FOLDER, "--out", scaffolded.parent / "out")
    assert result.exit_code == 0, result.output
    assert (scaffolded.parent / "out" / SLUG / "en" / "press.pdf").is_file()


def test_new_never_overwrites_and_checks_the_id(scaffolded: Path) -> None:
    again = run_cli("new", SLUG)
    assert again.exit_code == 2 and "already exists" in again.output
    wrong = run_cli("new", "My Statement")
    assert wrong.exit_code == 2 and "lower-case letters, digits and hyphens" in wrong.output


def _listed(command: str) -> dict[str, list[str]]:
    """The rows of the table a listing command prints, by their first cell (a row that wraps
    continues on lines with an empty first cell, which are left out)."""
    result = run_cli(command)
    assert result.exit_code == 0, result.output
    return {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
            for line in result.output.splitlines() if line.count("│") > 2}


def test_languages_lists_the_registry(project_copy: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    rows = _listed("languages")
    assert rows["ur"] == ["Urdu", "اردو", "rtl", "Arab", "arabext", "gregorian"]
    assert rows["fa-AF"][2:] == ["rtl", "Arab", "arabext", "solar_hijri, gregorian"]
    assert rows["en"] == ["English", "English", "ltr", "Latn", "latn", "gregorian"]


def test_recipients_lists_the_offices(project_copy: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    rows = _listed("recipients")
    assert rows["pm-pakistan"][0] == "government"
    assert rows["pm-pakistan"][-1] == "en, ur"
    assert rows["sr-afghanistan"][-1] == "en"
