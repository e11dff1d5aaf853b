"""`statement-pdf check` on broken statement folders: every problem, its exact message and its
file:line:column, as an author sees them.

tests/broken/_demo/ is a small valid statement (English and a Dari draft, recorded as translated
from the English). Each other folder in tests/broken/ is laid over a copy of the project with that
demo in it and breaks one thing; the expected lines are what `check` prints for it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import STATEMENT, STATEMENT_ID, pdftotext, run_cli
from statement_pdf import engine
from statement_pdf.engine import textlayer

BROKEN = Path(__file__).parent / "broken"
DEMO = "data/statements/demo"
DRAFT = (f"{DEMO}/fa-AF.md:4:9: warning: draft translation, not reviewed: have it reviewed, "
         "then set status: approved")
ORGANISATIONS = ("aje, arc, cpj, free-press-unlimited, front-line-defenders, iawrt, icorn, "
                 "index-on-censorship, nai-soma, pen-afghanistan, pen-america, pen-germany, "
                 "pen-international, pen-norway, rsf")
SECTIONS = ("lead, call-to-action, notes-to-editors, letter-subject, letter-opening, "
            "letter-body")

EXPECTED = {
    "malformed-front-matter": [
        f"{DEMO}/en.md:5:33: error: invalid YAML: expected ',' or ']', but got '<stream end>'",
    ],
    "no-title": [
        f"{DEMO}/en.md:7:1: error: the text starts with its title: a line starting with '# ' "
        "(a hash and a space)",
    ],
    "unclosed-section": [
        f"{DEMO}/en.md:24:1: error: ::: call-to-action is not closed: end the call to action "
        "with a line ::: (three colons)",
    ],
    "unknown-section": [
        f"{DEMO}/en.md:7:1: error: no lead: write it between a line ::: lead and a line ::: "
        "(see docs/writing.md)",
        f"{DEMO}/en.md:9:1: error: unknown section '::: leed' (expected one of: {SECTIONS}; "
        "see docs/writing.md)",
    ],
    "wrong-types": [
        f"{DEMO}/en.md:4:9: error: status: Input should be 'source', 'draft' or 'approved'",
        f"{DEMO}/statement.yaml:3:7: error: date: '28 May 2025' is not a date: write dates as "
        "YYYY-MM-DD, e.g. 2025-05-28 (invalid character in year)",
        f"{DEMO}/statement.yaml:7:14: error: signatories: expected a list: write signatories: "
        "[first, second] or one “- item” per line under signatories:",
        f"{DEMO}/statement.yaml:10:12: error: media_contacts, item 1, email: 'press office' "
        "does not have the expected form",
    ],
    "unknown-organisation": [
        DRAFT,
        f"{DEMO}/statement.yaml:10:5: error: unknown organisation 'pen-atlantis': did you mean "
        f"'pen-afghanistan'? (expected one of: {ORGANISATIONS})",
    ],
    "unknown-references": [
        DRAFT,
        f"{DEMO}/statement.yaml:5:24: error: unknown language 'uz' (expected one of: ar, en, "
        "fa-AF, ps, ur)",
        f"{DEMO}/statement.yaml:6:8: error: unknown brand 'amnesty' (expected one of: "
        "coalition, demo)",
        f"{DEMO}/statement.yaml:11:32: error: unknown recipient 'president-narnia' (expected "
        "one of: example-ministry, interior-pakistan, pm-pakistan, sr-afghanistan, "
        "unhcr-pakistan)",
    ],
    "missing-translation": [
        DRAFT,
        f"{DEMO}/fa-AF.md:24:1: error: body paragraph 2 is not translated (the en text has 2 "
        "body paragraphs, this file 1 body paragraph)",
        f"{DEMO}/statement.yaml:5:24: error: no ur.md: the statement is to be published in "
        "ur but has no translation yet",
    ],
    "stale-translation": [
        DRAFT,
        f"{DEMO}/fa-AF.md:24:1: error: body paragraph 1 is out of date: en.md changed since it "
        "was translated: … Foreigners Repatriation Plan’, was [-publicly-] announced on 3 "
        "October …",
        f"{DEMO}/fa-AF.md:31:1: error: call to action is out of date: en.md changed since it "
        "was translated: … government of Pakistan to [-immediately-] suspend {+at once+} its "
        "‘Illegal Foreigners Repatriation …",
    ],
    "missing-glyph": [
        # at the character itself: line 7, column 147 of the title
        f"{DEMO}/en.md:7:147: error: U+270A RAISED FIST has no glyph in the English fonts "
        "(Noto Serif, Noto Sans)",
        DRAFT,
        f"{DEMO}/fa-AF.md:15:3: error: title is out of date: en.md changed since it was "
        "translated: … persecuted by the Taliban {+✊+}",
    ],
    "over-long": [
        f"{DEMO}/en.md:1:1: error: letter-sr-afghanistan.pdf in en: 5 pages, limit 4 "
        "(page_limit in layouts/letter/layout.yaml); page 5 starts with “The government of "
        "Pakistan’s decision to arbitrarily deport …”",
        f"{DEMO}/en.md:1:1: error: press.pdf in en: 5 pages, limit 2 (page_limit in "
        "layouts/press/layout.yaml); page 3 starts with “harassment, has instilled a renewed "
        "sense of fear …”",
        DRAFT,
        f"{DEMO}/fa-AF.md:24:1: error: body paragraph 2 to body paragraph 35 are not "
        "translated (the en text has 35 body paragraphs, this file 1 body paragraph)",
    ],
    "missing-logo": [
        "data/organisations.yaml:8:9: error: file not found: {project}/data/logos/"
        "reporters-without-borders.svg",
        DRAFT,
    ],
}


@pytest.fixture
def demo(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project copy with the demo statement, as the working directory (paths print short)."""
    shutil.copytree(BROKEN / "_demo", project_copy, dirs_exist_ok=True)
    monkeypatch.chdir(project_copy)
    return project_copy


def _check(*args: str) -> tuple[int, list[str]]:
    """Exit code and the problem lines (the indented ones) of `statement-pdf check`."""
    result = run_cli("check", *args)
    return result.exit_code, [line.strip() for line in result.output.splitlines()
                              if line.startswith("  ")]


def test_the_demo_is_clean_except_its_draft(demo: Path) -> None:
    assert _check(DEMO) == (0, [DRAFT])


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_broken_folder_is_reported_exactly(demo: Path, case: str) -> None:
    shutil.copytree(BROKEN / case, demo, dirs_exist_ok=True)
    expected = [line.replace("{project}", str(demo.resolve())) for line in EXPECTED[case]]
    assert _check(DEMO) == (1, expected)


def test_every_broken_folder_has_its_expectation() -> None:
    cases = {folder.name for folder in BROKEN.iterdir() if not folder.name.startswith("_")}
    assert cases == set(EXPECTED)


def test_a_paragraph_the_source_does_not_have_is_named(demo: Path) -> None:
    translation = demo / DEMO / "fa-AF.md"
    text = translation.read_text()
    translation.write_text(text.replace("\n\n::: call-to-action", "\n\nپاراگراف اضافی.\n\n"
                                        "::: call-to-action", 1))
    assert _check(DEMO, "--no-measure") == (1, [
        DRAFT,
        f"{DEMO}/fa-AF.md:30:1: error: body paragraph 2 is not in en.md (the en text has 1 "
        "body paragraph, this file 2 body paragraphs)",
    ])


def test_without_the_copy_of_the_old_source_the_new_text_is_shown(demo: Path) -> None:
    shutil.copytree(BROKEN / "stale-translation", demo, dirs_exist_ok=True)
    (demo / DEMO / "translated-from" / "fa-AF.md").unlink()
    code, lines = _check(DEMO, "--no-measure")
    assert code == 1
    assert lines[1] == (
        f"{DEMO}/fa-AF.md:24:1: error: body paragraph 1 is out of date: en.md changed since it "
        "was translated (the earlier text is not in translated-from/); it now reads: The "
        "government of Pakistan’s decision to arbitrarily deport Afghan nationals, officially "
        "referred …")


def test_json_report_for_ci(demo: Path) -> None:
    shutil.copytree(BROKEN / "stale-translation", demo, dirs_exist_ok=True)
    result = run_cli("check", DEMO, "--format", "json", "--no-measure")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert (report["errors"], report["warnings"]) == (2, 1)
    stale = report["problems"][1]
    assert {key: stale[key] for key in ("file", "line", "column", "severity")} == {
        "file": f"{DEMO}/fa-AF.md", "line": 24, "column": 1, "severity": "error"}
    assert stale["message"].startswith("body paragraph 1 is out of date")


def test_final_turns_drafts_into_errors(demo: Path) -> None:
    assert _check(DEMO, "--final", "--no-measure") == (1, [DRAFT.replace("warning", "error")])


def test_a_missing_folder_is_a_usage_error(demo: Path) -> None:
    assert run_cli("check", "data/statements/nothing-here").exit_code == 2


# --- the bundled statement --------------------------------------------------------------------


def test_bundled_statement_is_clean_except_drafts_and_placeholders(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """And notes of the signatories printed in Latin letters in right-to-left pages."""
    monkeypatch.chdir(project_copy)
    code, lines = _check(f"data/statements/{STATEMENT_ID}")
    assert code == 0
    notes = [line for line in lines if ": note: " in line]
    assert all(line.startswith("data/organisations.yaml:") for line in notes)
    lines = [line for line in lines if line not in notes]
    warnings = [line.split(": ", 1)[1] for line in lines]
    assert warnings.count("warning: draft translation, not reviewed: have it reviewed, then set "
                          "status: approved") == 3
    placeholders = [line for line in lines if ": warning: placeholder: " in line]
    assert len(placeholders) == len(lines) - 3
    assert {line.split(":")[0] for line in placeholders} == {
        "data/brands/coalition.yaml", "data/recipients.yaml",
        f"data/statements/{STATEMENT_ID}/statement.yaml"}


def test_editing_one_english_sentence_names_the_stale_field_in_each_translation(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    folder = Path("data/statements") / STATEMENT_ID
    english = folder / "en.md"
    english.write_text(english.read_text().replace("over 30,000 deportations",
                                                   "over 40,000 deportations"))
    code, lines = _check(str(folder), "--no-measure")
    stale = [line.split(": ", 1) for line in lines if "error" in line]
    assert code == 1
    assert stale == [
        [f"{folder}/{language}.md:{_line_of(folder / f'{language}.md', 2)}:1",
         "error: body paragraph 2 is out of date: en.md changed since it was translated: … "
         "months, resulting in over [-30,000-] {+40,000+} deportations in April alone."]
        for language in ("fa-AF", "ps", "ur")
    ]


def _line_of(file: Path, paragraph: int) -> int:
    """Where body paragraph `paragraph` starts in a text file (after the lead's closing :::,
    paragraphs are separated by empty lines)."""
    lines = file.read_text().splitlines()
    start = next(number for number, line in enumerate(lines) if line == ":::") + 2
    for _ in range(paragraph - 1):
        start = lines.index("", start) + 1
    return start + 1


# --- recording translations, and the final build ----------------------------------------------


def test_recording_a_translation_makes_it_current_again(demo: Path) -> None:
    shutil.copytree(BROKEN / "stale-translation", demo, dirs_exist_ok=True)
    translation = demo / DEMO / "fa-AF.md"
    before = translation.read_text()
    result = run_cli("translated", DEMO, "--lang", "fa-AF")
    assert result.exit_code == 0, result.output
    assert _check(DEMO, "--no-measure") == (0, [DRAFT])
    after = translation.read_text()
    assert after.split("translated_from:")[0] == before.split("translated_from:")[0]
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1], "the text is untouched"
    assert after != before
    assert (demo / DEMO / "translated-from" / "fa-AF.md").read_bytes() == (
        demo / DEMO / "en.md").read_bytes()


def test_translated_refuses_an_unknown_language_or_a_missing_paragraph(demo: Path) -> None:
    unknown = run_cli("translated", DEMO, "--lang", "ur")
    assert unknown.exit_code == 2
    assert f"{DEMO}:1:1: error: no translation ur.md (translations: fa-AF)" in unknown.output
    shutil.copytree(BROKEN / "missing-translation", demo, dirs_exist_ok=True)
    record = (demo / DEMO / "fa-AF.md").read_text()
    incomplete = run_cli("translated", DEMO, "--all")
    assert incomplete.exit_code == 2
    assert f"{DEMO}/fa-AF.md:24:1: error: body paragraph 2 is not translated" in " ".join(
        incomplete.output.split())
    assert (demo / DEMO / "fa-AF.md").read_text() == record
    assert run_cli("translated", DEMO).exit_code == 2, "which translations must be named"


def test_final_build_refuses_drafts_and_renders_nothing(project_copy: Path) -> None:
    out = project_copy / "out"
    result = run_cli("build", STATEMENT, "--final", "--out", out)
    assert result.exit_code == 2
    assert result.output.count("draft translation, not reviewed") == 3
    assert not out.exists()


def test_final_build_refuses_a_stale_translation(demo: Path) -> None:
    shutil.copytree(BROKEN / "stale-translation", demo, dirs_exist_ok=True)
    result = run_cli("build", DEMO, "--final", "--lang", "en", "--lang", "fa-AF",
                     "--out", demo / "out")
    assert result.exit_code == 2
    assert "body paragraph 1 is out of date" in " ".join(result.output.split())
    assert not (demo / "out").exists()


def test_final_check_refuses_a_text_layer_the_readers_cannot_read(demo: Path) -> None:
    """--final renders each document and reads it back with pdftotext, PDFium and pdf.js: with
    the text layer the approved demo passes; without it (WeasyPrint's own text, glyph by
    glyph) the Dari press release falls short and is refused, the reader and the missing
    words named."""
    translation = demo / DEMO / "fa-AF.md"
    translation.write_text(translation.read_text().replace("status: draft", "status: approved"))
    assert _check(DEMO, "--final") == (0, [])
    with engine.plain(textlayer):
        code, lines = _check(DEMO, "--final")
    assert code == 1
    assert lines and all(line.startswith(f"{DEMO}/fa-AF.md:") and
                         "press.pdf in fa-AF: text layer below the threshold in " in line
                         for line in lines), lines


def test_final_build_publishes_an_approved_current_statement(demo: Path) -> None:
    translation = demo / DEMO / "fa-AF.md"
    translation.write_text(translation.read_text().replace("status: draft", "status: approved"))
    result = run_cli("build", DEMO, "--final", "--out", demo / "out")
    assert result.exit_code == 0, result.output
    assert sorted(path.relative_to(demo / "out").as_posix()
                  for path in (demo / "out").rglob("*.pdf")) == [
        "demo/en/press.pdf", "demo/fa-AF/press.pdf"]
    dari = pdftotext(demo / "out" / "demo" / "fa-AF" / "press.pdf")
    assert "پاکستان" in dari
    assert "ترجمهٔ غیررسمی" not in dari, "an approved translation carries no draft notice"


# --- block by block: the example statement's Dari translation ------------------------------

EXAMPLE = "data/statements/2025-06-10-example-every-element"


def _example(project: Path, old: str, new: str) -> tuple[int, list[str]]:
    dari = project / EXAMPLE / "fa-AF.md"
    text = dari.read_text(encoding="utf-8")
    assert old in text
    dari.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, lines = _check(EXAMPLE, "--no-measure")
    return code, [line for line in lines if ": error: " in line]


def _line(project: Path, needle: str) -> int:
    lines = (project / EXAMPLE / "fa-AF.md").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_a_missing_demand_is_named_where_it_belongs(project_copy: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    code, errors_ = _example(project_copy, "4. جواز رادیو نمونه را دوباره معتبر کنند و ویب‌سایت "
                             "آن را از مسدودیت بیرون آورند.\n", "")
    assert code == 1
    assert errors_ == [
        f"{EXAMPLE}/fa-AF.md:{_line(project_copy, '3. تا زمانی')}:4: error: demand 4 is not "
        "translated (the en text has 4 demands, this file 3 demands)"]


def test_a_link_to_another_address_is_named_at_the_address(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    udhr = "https://www.un.org/en/about-us/universal-declaration-of-human-rights"
    code, errors_ = _example(project_copy, f"]({udhr})", "](https://example.net/udhr)")
    line = _line(project_copy, "https://example.net/udhr")
    column = (project_copy / EXAMPLE / "fa-AF.md").read_text(encoding="utf-8").splitlines()[
        line - 1].index("https://example.net/udhr") + 1
    paragraph = _line(project_copy, "گزارش‌دهی از یک فاجعه")
    assert code == 1
    assert errors_ == [
        f"{EXAMPLE}/fa-AF.md:{paragraph}:1: error: body paragraph 2 has no link to {udhr}, as "
        "the en text has: keep the link around the translated words, [words](address)",
        f"{EXAMPLE}/fa-AF.md:{line}:{column}: error: body paragraph 2 links to "
        "https://example.net/udhr, which the en text of body paragraph 2 does not (its links: "
        f"{udhr}, https://www.ohchr.org/en/instruments-mechanisms/instruments/"
        "international-covenant-civil-and-political-rights)"]


def test_a_lost_footnote_call_is_named(project_copy: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    code, errors_ = _example(project_copy, "بودند.[^1]", "بودند.")
    assert code == 1
    assert [line.split(": error: ")[1] for line in errors_] == [
        "body paragraph 1 calls 0 footnote(s), the en text 1: keep each [^…] where its "
        "sentence is",
        # the second note is now the first one called: the second is missing
        "footnote 2 is not translated (the en text has 2 footnotes, this file 1 footnote)"]
