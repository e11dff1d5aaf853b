"""Bad input: every problem reported as file:line:column with what was expected, all at once,
exit 2, and no PDF written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit, run_cli, statement_in


def _build(project: Path) -> tuple[int, str]:
    result = run_cli("build", statement_in(project), "--lang", "en", "--out", project / "out")
    assert not list((project / "out").rglob("*.pdf")), "a PDF was written despite bad input"
    return result.exit_code, result.output


def _line_of(file: Path, text: str) -> int:
    return next(number for number, line in enumerate(file.read_text().splitlines(), start=1)
                if text in line)


CASES = {
    "malformed YAML": ("statement.yaml", "brand: coalition", "brand: coalition: plain",
                       "statement.yaml:{line}:17:", "invalid YAML: a value that contains “: ” "
                       "must be in quotes (a colon followed by a space starts a new key): write "
                       "it in quotes, brand: \"coalition: plain\""),
    "impossible date": ("statement.yaml", "date: 2025-05-28", "date: 2025-02-30",
                        "statement.yaml:{line}:7:", "date: '2025-02-30' is not a date: write dates "
                        "as YYYY-MM-DD, e.g. 2025-05-28 (day value is outside expected range)"),
    "unknown organisation": ("statement.yaml", "  - pen-norway", "  - pen-narnia",
                             "statement.yaml:{line}:5:", "unknown organisation 'pen-narnia'"),
    "unknown brand": ("statement.yaml", "brand: coalition", "brand: acme",
                      "statement.yaml:{line}:8:", "unknown brand 'acme' (expected one of: "
                      "coalition)"),
    "mistyped field": ("en.md", "keywords:", "keywrods:",
                       "en.md:{line}:1:", "keywrods: unknown field"),
    "wrong type": ("en.md", "status: source", "status: [source]",
                   "en.md:{line}:9:", "status: Input should be 'source', 'draft' or 'approved'"),
    # the headline in its usual form, which was a YAML error before the text was Markdown
    "misspelt section": ("en.md", "::: call-to-action", "::: call to action",
                         "en.md:{line}:1:", "unknown section '::: call to action'"),
    # the next section shows where the call to action should have ended
    "section not closed": ("en.md", "persecution for their peaceful expression.\n:::\n",
                           "persecution for their peaceful expression.\n",
                           "en.md:{line}:1:", "::: letter-subject inside ::: call-to-action "
                           "(line 49): end the call to action with a line ::: first"),
    "second title": ("en.md", "\nDespite the UNHCR", "\n# Despite the UNHCR",
                     "en.md:{line}:1:", "only the title starts with a single '# '"),
    "YAML text file": ("en.md", "language: en", "language: en",
                       "ur.yaml:1:1:", "a statement's text is Markdown: write ur.yaml as ur.md"),
}


@pytest.mark.parametrize("case", CASES)
def test_located_error(project_copy: Path, case: str) -> None:
    name, old, new, where, message = CASES[case]
    file = statement_in(project_copy) / name
    edit(file, old, new)
    if case == "YAML text file":
        (file.parent / "ur.md").rename(file.parent / "ur.yaml")
    line = _line_of(file, new.strip().splitlines()[-1] if case != "section not closed"
                    else "::: letter-subject")
    code, output = _build(project_copy)
    assert code == 2, output
    assert where.format(line=line) in output, output
    assert message in output, output
    assert "Traceback" not in output


def test_missing_field_is_reported_where_its_mapping_starts(project_copy: Path) -> None:
    file = statement_in(project_copy) / "statement.yaml"
    edit(file, "source_language: en\n", "")
    code, output = _build(project_copy)
    assert code == 2
    assert f"{file}:3:1: error: source_language: required field is missing" in output, output


def test_all_problems_are_reported_at_once(project_copy: Path) -> None:
    statement = statement_in(project_copy)
    edit(statement / "statement.yaml", "brand: coalition", "brand: acme")
    edit(statement / "statement.yaml", "  - rsf", "  - rfs")
    edit(statement / "en.md", "status: source", "status: final")
    code, output = _build(project_copy)
    assert code == 2
    assert "unknown brand 'acme'" in output
    assert "unknown organisation 'rfs'" in output
    assert "status: Input should be" in output
    assert "3 problem(s); nothing was rendered." in output


def test_missing_bundled_font_is_an_error_not_a_fallback(project_copy: Path) -> None:
    (project_copy / "assets" / "fonts" / "noto" / "NotoSerif-Bold.ttf").unlink()
    code, output = _build(project_copy)
    assert code == 2
    assert "fonts.yaml" in output and "file not found" in output and "NotoSerif-Bold.ttf" in output
