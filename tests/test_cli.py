"""The command line as a person meets it: --version, -h, help that shows switches as switches,
shell completion, statements named by id, listings of what can be named, "did you mean" for
every unknown id, and YAML mistakes explained with how to write the line instead."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import ROOT, STATEMENT_ID, run_cli
from statement_pdf import __version__

COMMAND = Path(sys.executable).parent / "statement-pdf"
BROKEN = Path(__file__).parent / "broken"


def _help(*args: str) -> str:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_version_and_short_help() -> None:
    assert run_cli("--version").output.strip() == f"statement-pdf {__version__}"
    assert _help("-h") == _help("--help")
    assert _help("build", "-h") == _help("build", "--help")


@pytest.mark.parametrize("command", ["build", "check", "translated", "new", "inspect"])
def test_help_shows_switches_bare_and_values_by_name(command: str) -> None:
    text = _help(command, "-h")
    assert "<bool>" not in text and "list[" not in text and "<str>" not in text, text
    assert "<path>" not in text and "<int" not in text, text


def test_build_help_reads_as_a_person_writes_the_command() -> None:
    rows = {line.split()[1]: line for line in _help("build", "-h").splitlines()
            if line.startswith("│ --")}
    assert rows["--lang"].split()[2] == "CODE"
    assert rows["--recipient"].split()[2] == "ID"
    assert rows["--out"].split()[2] == "FOLDER"
    assert rows["--emit-html"].split()[2] == "Also", "a switch takes no value"
    assert rows["--final"].split()[2] == "The", "a switch takes no value"
    assert "STATEMENT" in _help("build", "-h").splitlines()[1]


def test_commands_are_listed_in_the_order_of_the_work() -> None:
    """Write, then build, look into and send: not send before build (the modules' A to Z)."""
    text = _help("-h")
    places = [text.index(f"│ {command} ") for command in ("new", "check", "translated", "build",
                                                           "inspect", "send", "languages")]
    assert places == sorted(places), text


def test_usage_names_the_statement_as_manual_pages_do() -> None:
    """`build [OPTIONS] STATEMENT`: Typer's own usage line is `{STATEMENT}`."""
    usage = next(line for line in _help("build", "-h").splitlines() if "Usage:" in line)
    assert usage.split()[-3:] == ["build", "[OPTIONS]", "STATEMENT"], usage
    words = " ".join(_help("build", "-h").replace("│", "").split())
    assert "pip install 'statement-pdf[cluster]'" in words, "brackets are text, not markup"


def _prose(text: str) -> list[list[str]]:
    """The paragraphs of the help's description: the lines between the usage line and the
    first panel, each paragraph a list of lines."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if "Usage:" in line) + 1
    end = next(index for index, line in enumerate(lines) if line.startswith("╭"))
    paragraphs: list[list[str]] = [[]]
    for line in lines[start:end]:
        if line.strip():
            paragraphs[-1].append(line.rstrip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


@pytest.mark.parametrize("command", ["build", "check", "translated", "send", "inspect"])
def test_help_paragraphs_fill_an_80_column_terminal(command: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the docstring's own line breaks, which at 80 columns broke a line after a word."""
    monkeypatch.setenv("COLUMNS", "80")
    paragraphs = _prose(_help(command, "-h"))
    assert len(paragraphs) >= 2, paragraphs
    for paragraph in paragraphs:
        assert all(len(line) + 1 + len(after.split()[0]) > 76
                   for line, after in pairwise(paragraph)), "the next word would fit"


def test_shell_completion_offers_ids() -> None:
    script = subprocess.run([COMMAND, "--show-completion", "bash"], capture_output=True,
                            text=True, cwd=ROOT)
    assert "_STATEMENT_PDF_COMPLETE" in script.stdout

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_STATEMENT_PDF_COMPLETE": "complete_bash",
               "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        return subprocess.run([COMMAND], capture_output=True, text=True, env=env,
                              cwd=ROOT).stdout.split()

    assert complete("statement-pdf build 2025-05") == [STATEMENT_ID]
    assert complete(f"statement-pdf build {STATEMENT_ID} --lang f") == ["fa-AF"]
    assert complete(f"statement-pdf build {STATEMENT_ID} --recipient pm") == ["pm-pakistan"]


def test_a_statement_is_found_by_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("check", STATEMENT_ID, "--no-measure", "--format", "json")
    assert result.exit_code == 0, result.output
    assert f"data/statements/{STATEMENT_ID}/fa-AF.md" in result.output
    build = run_cli("build", STATEMENT_ID, "--lang", "fa")
    assert build.exit_code == 2
    assert ("unknown language 'fa': did you mean 'fa-AF'? (this statement is in: en, fa-AF, "
            "ps, ur)") in build.output


def test_a_mistyped_statement_id_is_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("build", STATEMENT_ID.replace("deportations", "deportatons"))
    assert result.exit_code == 2
    assert f"Did you mean {STATEMENT_ID}?" in " ".join(result.output.replace("│", "").split())


def test_unknown_ids_suggest_the_likely_one(project_copy: Path) -> None:
    statement = project_copy / "data" / "statements" / STATEMENT_ID / "statement.yaml"
    text = statement.read_text()
    statement.write_text(text.replace("  - rsf\n", "  - rfs\n").replace("brand: coalition",
                                                                        "brand: coalitoin"))
    result = run_cli("check", statement.parent, "--no-measure")
    assert result.exit_code == 1
    assert "unknown organisation 'rfs': did you mean 'rsf'?" in result.output
    assert "unknown brand 'coalitoin': did you mean 'coalition'?" in result.output
    letters = run_cli("build", ROOT / "data" / "statements" / STATEMENT_ID, "--variant",
                      "letters")
    assert "unknown variant 'letters': did you mean 'letter'?" in letters.output


def _listed(command: str) -> dict[str, list[str]]:
    result = run_cli(command)
    assert result.exit_code == 0, result.output
    return {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
            for line in result.output.splitlines() if line.count("│") > 2}


def test_organisations_and_brands_are_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    organisations = _listed("organisations")
    assert organisations["rsf"][0].startswith("Reporters") and organisations["rsf"][1] == "RSF"
    assert organisations["cpj"][2] == "ar, fa-AF"
    assert _listed("brands")["coalition"][0] == "Joint statement"


# --- YAML for people ---------------------------------------------------------------------------


YAML_MISTAKES = {
    "a colon in a value": (
        "brand: coalition", "brand: coalition: the new one",
        "invalid YAML: a value that contains “: ” must be in quotes (a colon followed by a "
        "space starts a new key): write it in quotes, brand: \"coalition: the new one\""),
    "a date in words": (
        "date: 2025-05-28", "date: 28 May 2025",
        "date: '28 May 2025' is not a date: write dates as YYYY-MM-DD, e.g. 2025-05-28"),
    "an unclosed quote": (
        "brand: coalition", "brand: \"coalition",
        "invalid YAML: the quote \" that starts this value is never closed: end the value "
        "with \""),
    "a tab": ("  - rsf", "\t- rsf", "invalid YAML: a tab character: YAML is indented with "
              "spaces only"),
    "a value read as a number": (
        "brand: coalition", "brand: 2025",
        "brand: expected text, but YAML read 2025 as a number: write it in quotes, "
        "brand: \"2025\""),
    "emphasis at the start": (
        "brand: coalition", "brand: *coalition*",
        "invalid YAML: a value that starts with * must be in quotes"),
}


@pytest.mark.parametrize("case", YAML_MISTAKES)
def test_yaml_mistakes_are_explained_where_they_are(project_copy: Path, case: str) -> None:
    old, new, message = YAML_MISTAKES[case]
    statement = project_copy / "data" / "statements" / STATEMENT_ID / "statement.yaml"
    text = statement.read_text()
    statement.write_text(text.replace(old, new, 1))
    line = text.splitlines().index(old) + 1
    result = run_cli("check", statement.parent, "--no-measure")
    assert result.exit_code == 1
    assert f"statement.yaml:{line}:" in result.output, result.output
    assert message in " ".join(result.output.split()), result.output


def test_a_colon_in_a_list_item_of_a_registry_is_explained(project_copy: Path) -> None:
    """In a list, `- Constitution Avenue: Red Zone` is not a syntax error: YAML reads a key and
    its value where the office's address wanted a line of text."""
    recipients = project_copy / "data" / "recipients.yaml"
    text = recipients.read_text()
    line = text.splitlines().index("    - Constitution Avenue") + 1
    recipients.write_text(text.replace("    - Constitution Avenue",
                                       "    - Constitution Avenue: Red Zone", 1))
    result = run_cli("check", project_copy / "data" / "statements" / STATEMENT_ID,
                     "--no-measure")
    assert result.exit_code == 1
    assert (f"recipients.yaml:{line}:7: error: address, item 1: expected text, but YAML read "
            "“Constitution Avenue: Red Zone” as a key and its value (a colon followed by a space "
            "starts a key): write it in quotes, - \"Constitution Avenue: Red Zone\""
            ) in " ".join(result.output.split()), result.output


# --- check reports everything ------------------------------------------------------------------


def _problem_lines(result) -> list[str]:
    return [line.strip().split(": ", 1)[1] for line in result.output.splitlines()
            if line.startswith("  ")]


def test_check_goes_on_when_shared_data_is_broken(project_copy: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(BROKEN / "_demo", project_copy, dirs_exist_ok=True)
    shutil.copytree(BROKEN / "stale-translation", project_copy, dirs_exist_ok=True)
    monkeypatch.chdir(project_copy)
    organisations = project_copy / "data" / "organisations.yaml"
    organisations.write_text(organisations.read_text().replace(
        "  website: https://rsf.org", "  website: rsf.org"))
    recipients = project_copy / "data" / "brands" / "coalition.yaml"
    recipients.write_text(recipients.read_text().replace("primary: \"#1f3a5f\"",
                                                         "primary: navy"))
    lines = _problem_lines(run_cli("check", "data/statements/demo", "--no-measure"))
    assert any(line.startswith("error: website: 'rsf.org' does not have") for line in lines)
    assert any(line.startswith("error: colours.primary: 'navy'") for line in lines)
    assert any(line.startswith("error: body paragraph 1 is out of date") for line in lines), lines
    assert any("draft translation" in line for line in lines)
    assert not any("unknown organisation" in line or "unknown brand" in line
                   for line in lines), "a broken entry is not an unknown one"


def test_check_goes_on_when_a_registry_is_not_valid_yaml(project_copy: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry YAML cannot read at all (a colon in a name) costs its own entries only: the
    statement's problems are still listed, and its signatories are not called unknown."""
    monkeypatch.chdir(project_copy)
    organisations = project_copy / "data" / "organisations.yaml"
    text = organisations.read_text()
    line = text.splitlines().index("  name: Artists at Risk Connection") + 1
    organisations.write_text(text.replace("  name: Artists at Risk Connection",
                                          "  name: Artists at Risk: Connection"))
    result = run_cli("check", STATEMENT_ID, "--no-measure")
    lines = _problem_lines(result)
    assert (f"data/organisations.yaml:{line}:24: error: invalid YAML: a value that contains “: ” "
            "must be in quotes") in " ".join(result.output.split()), result.output
    assert any("draft translation" in line for line in lines)
    assert any("is marked !placeholder" in line for line in lines)
    assert not any("unknown organisation" in line for line in lines), lines


def test_check_goes_on_when_the_folder_and_the_id_differ(project_copy: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(BROKEN / "_demo", project_copy, dirs_exist_ok=True)
    shutil.copytree(BROKEN / "stale-translation", project_copy, dirs_exist_ok=True)
    monkeypatch.chdir(project_copy)
    folder = project_copy / "data" / "statements"
    (folder / "demo").rename(folder / "demo-2")
    lines = _problem_lines(run_cli("check", "demo-2", "--no-measure"))
    assert "error: id 'demo' must match the folder name 'demo-2'" in lines
    assert any(line.startswith("error: body paragraph 1 is out of date") for line in lines), lines
    assert any("draft translation" in line for line in lines)
