"""Hostile input: each case gives a located message (file:line:column, what is wrong, how to
fix it) and exit 1 (`check`: errors found; `build`: a document failed) or 2 (`build`: nothing
could start) — never a traceback, never a hang, and never text silently lost from a PDF.
Each runs the real command on a copy of the project."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import STATEMENT_ID, edit, line_of, pdftotext, statement_in

from .harness import assert_no_traceback, assert_tidy, cli


def _check(project: Path, tmp: Path, *options: str) -> tuple[int, str, str]:
    code, stdout, stderr = cli("check", statement_in(project), *options, tmp=tmp, cwd=project)
    assert_no_traceback(stdout + stderr)
    return code, stdout, stderr


def _build(project: Path, tmp: Path, *options: str) -> tuple[int, str, str]:
    code, stdout, stderr = cli("build", statement_in(project), "--out", project / "out",
                               "--quiet", *options, tmp=tmp, cwd=project)
    assert_no_traceback(stdout + stderr)
    return code, stdout, stderr


@pytest.fixture
def two_press_releases(project_copy: Path) -> Path:
    """The statement as a press release in English and Dari only, without its letters: what
    `check` lays out is two documents rather than ten."""
    folder = statement_in(project_copy)
    meta = folder / "statement.yaml"
    text = meta.read_text(encoding="utf-8")
    text = text[:text.index("\nletter:")] + "\n"
    meta.write_text(text.replace("languages: [en, fa-AF, ps, ur]", "languages: [en, fa-AF]"),
                    encoding="utf-8")
    for path in folder.rglob("*"):
        if path.stem in ("ps", "ur"):
            path.unlink()
    return project_copy


def _named_pipe_outside(project: Path, outside: Path) -> Path:
    """Opening it would wait for ever: a command that ends did not open it."""
    os.mkfifo(outside / "pipe")
    return outside / "pipe"


def _assets_of_another_checkout(project: Path, outside: Path) -> Path:
    """A complete copy: all that is wrong is where it is."""
    shutil.copytree(project / "assets", outside / "assets")
    shutil.rmtree(project / "assets")
    return outside / "assets"


OUTSIDE_LINKS = {
    "data/logos/x.svg": _named_pipe_outside,
    "assets": _assets_of_another_checkout,
    f"data/statements/{STATEMENT_ID}/notes.md": lambda project, outside: Path("/etc/passwd"),
}
"""Where a link leads outside the project, and what it leads to. Nothing references any of
them: the file links used to be opened and hashed into the manifest's fingerprint by `build`,
which then crashed (ValueError), while `check` said nothing; so did the files in a linked
assets/ folder."""


@pytest.mark.parametrize("link", list(OUTSIDE_LINKS))
def test_a_link_leading_outside_the_project_is_refused_before_it_is_opened(
        project_copy: Path, tmp_dir: Path, tmp_path_factory: pytest.TempPathFactory,
        link: str) -> None:
    target = OUTSIDE_LINKS[link](project_copy, tmp_path_factory.mktemp("elsewhere"))
    (project_copy / link).symlink_to(target)
    message = (f"{link}:1:1: error: symbolic link to {target.resolve()}, outside the project: "
               "statement-pdf reads only the project's own files; put a copy here instead")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1 and message in stdout
    code, _, stderr = _build(project_copy, tmp_dir)
    assert code == 2 and f"{project_copy}/{message}" in stderr
    assert not (project_copy / "out").exists()


def test_values_nested_500_deep(project_copy: Path, tmp_dir: Path) -> None:
    """PyYAML built the tree recursively (RecursionError; `check --format json` printed no
    JSON at all)."""
    english = statement_in(project_copy) / "en.md"
    edit(english, "status: source\n", "status: source\ndeep: " + "[" * 500 + "]" * 500 + "\n")
    line = line_of(english, "deep:")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure", "--format", "json")
    assert code == 1
    problem = next(problem for problem in json.loads(stdout)["problems"]
                   if "nested" in problem["message"])
    assert (problem["line"], problem["column"]) == (line, 26)  # the 20th bracket
    assert "values nested more than 20 levels deep" in problem["message"]
    code, _, stderr = _build(project_copy, tmp_dir)
    assert code == 2 and f"en.md:{line}:26: error: invalid YAML: values nested" in stderr


def test_a_byte_that_is_not_utf8_is_reported_at_its_line_and_column(
        project_copy: Path, tmp_dir: Path) -> None:
    english = statement_in(project_copy) / "en.md"
    lines = english.read_bytes().split(b"\n")
    lines[6] = lines[6][:5] + b"\xff" + lines[6][5:]
    english.write_bytes(b"\n".join(lines))
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1
    assert "en.md:7:6: error: byte 0xFF is not UTF-8 text (save the file as UTF-8)" in stdout


def test_a_file_of_50_mb_is_refused_without_being_read(project_copy: Path,
                                                       tmp_dir: Path) -> None:
    """It used to be parsed whole: 31 s and 385 MB in `check`, minutes and gigabytes in
    `build`."""
    huge = statement_in(project_copy) / "de.md"
    with huge.open("w", encoding="utf-8") as file:
        for _ in range(50 * 1024):
            file.write("x" * 1023 + "\n")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1
    assert re.search(r"de\.md:1:1: error: 52,[0-9,]+ bytes, more than the 1,024 KiB a data "
                     r"file may hold \(see docs/reliability\.md\)", stdout), stdout


def test_a_named_pipe_among_the_texts_is_refused_without_waiting(project_copy: Path,
                                                                  tmp_dir: Path) -> None:
    os.mkfifo(statement_in(project_copy) / "de.md")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1
    assert "de.md:1:1: error: not a regular file (a folder, a named pipe or a device)" in stdout


def test_a_text_over_the_size_limit(project_copy: Path, tmp_dir: Path) -> None:
    english = statement_in(project_copy) / "en.md"
    edit(english, ":::\n\n", ":::\n\n" + "word and word\n" * 8000 + "\n")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1
    assert re.search(r"en\.md:1:1: error: 1[0-9][0-9],[0-9]{3} characters of text, more "
                     r"than the 100,000 a statement's text may have in one language", stdout)


def test_control_and_bidi_override_characters(project_copy: Path, tmp_dir: Path) -> None:
    """U+202E turns "evil txt.exe" into "exe.txt live" on the page; ESC and NUL print as
    nothing. Typed into the Markdown text or escaped in its front matter, each is reported at
    its line and column."""
    english = statement_in(project_copy) / "en.md"
    text = english.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]  # after the front matter, whose comments start with "# "
    title = next(line for line in body.splitlines() if line.startswith("# "))
    english.write_text(text.replace(title, "# evil \u202etxt.exe \x1b[31m red").replace(
        "keywords: [Pakistan,", 'keywords: ["Pak\\0istan",'), encoding="utf-8")
    title_line, keywords_line = line_of(english, "evil"), line_of(english, "keywords:")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1
    assert (f"en.md:{title_line}:8: error: U+202E RIGHT-TO-LEFT OVERRIDE at character 6 of "
            "title: it reorders the text after it on the page") in stdout
    assert (f"en.md:{title_line}:17: error: U+001B at character 15 of title: a control "
            "character prints as nothing or as a box; delete it") in stdout
    assert (f"en.md:{keywords_line}:12: error: U+0000 at character 4 of keywords, item 1: a "
            "control character") in stdout
    code, _, stderr = _build(project_copy, tmp_dir, "--lang", "en", "--variant", "press")
    assert code == 2 and "U+202E RIGHT-TO-LEFT OVERRIDE" in stderr
    assert not (project_copy / "out").exists()


def test_a_format_string_in_data_is_not_a_template(project_copy: Path, tmp_dir: Path) -> None:
    """`reference: "{statement:>300000000}"` passed `check`, then the build ran for ten minutes
    at 2.4 GB, deaf to SIGTERM: placeholders are a closed language now."""
    meta = statement_in(project_copy) / "statement.yaml"
    edit(meta, 'reference: "{date}/{recipient}"', 'reference: "{statement:>300000000}"')
    line = line_of(meta, "reference:")
    message = (f"statement.yaml:{line}:14: error: letter.reference: '{{statement:>300000000}}' "
               "is not a placeholder here (here: {statement}, {recipient}, {language}, {date}")
    code, stdout, _ = _check(project_copy, tmp_dir, "--no-measure")
    assert code == 1 and message in stdout
    code, _, stderr = _build(project_copy, tmp_dir, "--variant", "letter")
    assert code == 2 and message in stderr


def test_a_word_wider_than_the_page_is_reported_not_lost(two_press_releases: Path,
                                                         tmp_dir: Path) -> None:
    """A 5,000-letter word showed 74 letters and lost the rest past the page's edge while
    `check` was silent. In Dari (right to left, where it runs off the other edge): `check`
    reports it where it was written, and `build` fails that document rather than publish it
    cut."""
    project = two_press_releases
    dari = statement_in(project) / "fa-AF.md"
    edit(dari, ":::\n\n", ":::\n\nپیش " + "بیشتر" * 1000 + " پس\n\n")
    line = line_of(dari, "بیشتربیشتر")
    code, stdout, _ = _check(project, tmp_dir, "--paper", "a4")
    assert code == 1
    assert (f"fa-AF.md:{line}:5: error: a word wider than its line runs off the page: "
            f"“{'بیشتر' * 8}…” (5,000 characters) in body paragraph 1; shorten it") in stdout
    code, _, stderr = _build(project, tmp_dir, "--lang", "fa-AF", "--lang", "en",
                             "--variant", "press")
    assert code == 1
    assert f"fa-AF/press.pdf: {dari}:{line}:5: error: a word wider than its line" in stderr
    out = project / "out" / STATEMENT_ID
    assert not (out / "fa-AF" / "press.pdf").exists() and (out / "en" / "press.pdf").exists()
    assert_tidy(project / "out", tmp_dir)


def test_a_long_url_breaks_instead_of_running_off(two_press_releases: Path,
                                                  tmp_dir: Path) -> None:
    """URLs and identifiers may break anywhere: the whole of each is on the page, in English
    and in Dari, and `check` has nothing to say about them."""
    project = two_press_releases
    url = "https://example.org/" + "/".join(["reports", "2025", "pakistan"] * 12) + "?id=42"
    identifier = "A/HRC/59/L.12/Add.1/Rev.2/2025-PK-0001234"
    for code in ("en", "fa-AF"):
        edit(statement_in(project) / f"{code}.md", ":::\n\n", f":::\n\n{url} {identifier}\n\n")
    code, stdout, _ = _check(project, tmp_dir, "--paper", "a4")
    assert "wider than its line" not in stdout
    code, _, stderr = _build(project, tmp_dir, "--lang", "en", "--lang", "fa-AF",
                             "--variant", "press")
    assert code == 0, stderr
    for language in ("en", "fa-AF"):
        printed = _latin(pdftotext(project / "out" / STATEMENT_ID / language / "press.pdf"))
        assert _latin(url) in printed and _latin(identifier) in printed, language


def _latin(text: str) -> str:
    """The characters of URLs and identifiers only: the lines of a URL broken in a Dari
    paragraph come out of the PDF with the dateline's Persian digits and brackets between
    them."""
    return re.sub(r"[^A-Za-z0-9/._?=-]", "", text)
