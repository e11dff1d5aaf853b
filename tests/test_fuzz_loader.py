"""Fuzzing the loader: whatever an author types — random YAML or Markdown, or the bundled
statement with lines cut, doubled, spliced or overwritten — reading it ends in a valid statement
or in located problems, never in a traceback. The whole preflight (short of laying out) is held
to the same."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, STATEMENT, STATEMENT_ID
from statement_pdf.authoring.check import preflight
from statement_pdf.errors import InputError
from statement_pdf.load import load_project, load_statement
from statement_pdf.model import Project, Statement

FILES = ("statement.yaml", "en.md", "fa-AF.md", "ur.md")
ORIGINALS = {name: (STATEMENT / name).read_text(encoding="utf-8") for name in FILES}

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.dates()
           | st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=12) | st.integers(), inner, max_size=3),
                      max_leaves=10)
yaml_texts = values.map(lambda value: yaml.safe_dump(value, allow_unicode=True))
# Pieces of YAML syntax, so that random text often gets past the first line and reaches the
# corners: anchors and aliases (a value that contains itself), tags, complex keys, merges.
yaml_punctuation = st.lists(st.sampled_from([
    "&a ", "*a", "[", "]", "{", "}", ": ", ":", "- ", ",", "\n", "  ", "\t", "? ", "<<: ", "'",
    '"', "# ", "|", ">-", "!!binary ", "!!set ", "!!python/name:os.system ", "%YAML 1.1\n",
    "---\n", "...", "2025-02-30", "1e9", "0x1F", "~", "title", "body", "a", "é", "ی", "\u200c",
    # and of Markdown: sections, headings, lists, quotes, links, footnotes, raw HTML
    "::: lead\n", "::: call-to-action\n", ":::\n", "::: \n", "# ", "## ", "1. ", "> ", "— ",
    "[x](https://example.org)", "[^1]", "[^1]: ", "*", "**", "<script>", "\\", "    ",
]), max_size=16).map("".join)


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """The original file with a few line-level edits, the mistakes of a hurried editor."""
    lines = original.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, max(len(lines) - 1, 0)))
        edit = draw(st.sampled_from(["delete", "double", "insert", "splice", "retype",
                                     "alias"]))
        if edit == "delete" and lines:
            del lines[position]
        elif edit == "double" and lines:
            lines.insert(position, lines[position])
        elif edit == "insert":
            lines.insert(position, draw(yaml_texts | yaml_punctuation))
        elif edit == "splice" and lines:
            line = lines[position]
            cut = draw(st.integers(0, len(line)))
            lines[position] = line[:cut] + draw(yaml_punctuation) + line[cut:]
        elif edit == "retype" and lines and ":" in lines[position]:
            key = lines[position].split(":", 1)[0]
            lines[position] = f"{key}: {yaml.safe_dump(draw(values)).strip()}\n"
        elif edit == "alias":
            _wire_alias(draw, lines)
    return "".join(lines)


def _wire_alias(draw: st.DrawFn, lines: list[str]) -> None:
    """Anchor one key's value and refer to it from another key, or from inside itself."""
    keyed = [index for index, line in enumerate(lines) if ":" in line]
    if not keyed:
        return
    anchored, referring = draw(st.lists(st.sampled_from(keyed), min_size=2, max_size=2))
    anchor_value = draw(st.sampled_from(["[x, y]", "{k: v}", "[*a]", "{k: *a}", "text"]))
    lines[anchored] = lines[anchored].split(":", 1)[0] + f": &a {anchor_value}\n"
    if referring != anchored:
        lines[referring] = lines[referring].split(":", 1)[0] + ": *a\n"


def contents(name: str) -> st.SearchStrategy[str | bytes]:
    return st.one_of(mutated(ORIGINALS[name]), yaml_texts, yaml_punctuation,
                     st.binary(max_size=40))


@dataclass(frozen=True)
class Workspace:
    project: Project = field(repr=False)
    folder: Path


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A copy of the project whose bundled statement each example overwrites."""
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("layouts", "assets", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    return Workspace(load_project(root), root / "data" / "statements" / STATEMENT_ID)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_input_ends_in_a_statement_or_located_problems(
        workspace: Workspace, data: st.DataObject) -> None:
    folder = workspace.folder
    name = data.draw(st.sampled_from(FILES), label="file")
    content = data.draw(contents(name), label="content")
    for original in FILES:
        (folder / original).write_text(ORIGINALS[original], encoding="utf-8")
    target = folder / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    try:
        statement = load_statement(folder, workspace.project)
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file.parent == folder and problem.file.name in FILES, problem
            assert problem.line >= 1 and problem.column >= 1 and problem.message, problem
    else:
        assert isinstance(statement, Statement)
    for problem in preflight(folder, measure=False):
        assert problem.line >= 1 and problem.column >= 1 and problem.message, problem
