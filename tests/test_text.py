"""The text files: Markdown read into sections and blocks with their names, keys and lines,
problems located at file:line:column, and one block replaced without touching the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, STATEMENT
from statement_pdf.errors import InputError
from statement_pdf.text.markdown import parse_text, read_text_file, replace_block

FILE = Path("en.md")
EXAMPLE = re.search(r"```markdown\n(.*?)```", (ROOT / "docs" / "writing.md").read_text(),
                    re.S).group(1)
RICH = """---
language: en
status: source
---

# The *title*

::: lead
The lead[^a], on
two lines.
:::

A paragraph with a [link](https://example.org/a) and <https://example.org/b>.

    An indented paragraph.

## A heading

1. First item
   on two lines
   - nested item
2. Second item

> “A quote”
> on two lines.
>
> — Someone

::: call-to-action
We call on:

- one;
- two.
:::

[^a]: The note,
    on two lines.
"""


def _problems(source: str) -> list[str]:
    with pytest.raises(InputError) as raised:
        parse_text(source, FILE)
    return [str(problem) for problem in raised.value.problems]


def test_every_block_has_its_key_name_kind_and_lines() -> None:
    text = parse_text(RICH, FILE)
    assert [(block.key, block.name, block.kind, block.start_line, block.end_line, block.column)
            for block in text.blocks] == [
        ("title", "title", "heading", 6, 6, 3),
        ("lead.paragraph.1", "lead", "paragraph", 9, 10, 1),
        ("body.paragraph.1", "body paragraph 1", "paragraph", 13, 13, 1),
        ("body.paragraph.2", "body paragraph 2", "paragraph", 15, 15, 5),
        ("body.heading.1", "body heading 1", "heading", 17, 17, 4),
        ("body.item.1", "body list item 1", "item", 19, 20, 4),
        ("body.item.2", "body list item 2", "item", 21, 21, 6),
        ("body.item.3", "body list item 3", "item", 22, 22, 4),
        ("body.quote.1", "body quote 1", "quote", 24, 25, 3),
        ("body.attribution.1", "body attribution 1", "attribution", 27, 27, 3),
        ("call-to-action.paragraph.1", "call to action paragraph 1", "paragraph", 30, 30, 1),
        ("call-to-action.item.1", "demand 1", "item", 32, 32, 3),
        ("call-to-action.item.2", "demand 2", "item", 33, 33, 3),
        ("footnote.1", "footnote 1", "footnote", 36, 37, 7),
    ]
    assert text.block("body.item.1").text == "First item\non two lines"
    assert text.block("body.paragraph.1").links == ["https://example.org/a",
                                                    "https://example.org/b"]
    assert text.block("lead.paragraph.1").footnote_calls == [1]
    assert text.title == "The title"
    assert (text.language, text.status) == ("en", "source")


def test_the_documented_example_reads_as_documented() -> None:
    text = parse_text(EXAMPLE, FILE)
    assert set(text.sections) == {"title", "lead", "body", "call-to-action",
                                  "notes-to-editors"}
    assert text.block("call-to-action.item.2").name == "demand 2"
    assert text.block("body.attribution.1").text == "— An Afghan journalist in Islamabad"
    assert text.block("footnote.1").text == "UNHCR, figures for April 2025."


def test_the_bundled_statement_is_one_block_per_paragraph() -> None:
    text = read_text_file(STATEMENT / "en.md")
    assert [block.key for block in text.blocks] == [
        "title", "lead.paragraph.1", *(f"body.paragraph.{n}" for n in range(1, 6)),
        "call-to-action.paragraph.1", "letter-subject.paragraph.1",
        "letter-opening.paragraph.1"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("::: lead\n", "::: leed\n", "en.md:8:1: error: unknown section '::: leed'"),
    ("# The *title*", "The *title*", "en.md:6:1: error: the text starts with its title"),
    ("## A heading", "# A heading", "en.md:17:1: error: only the title starts with a single"),
    ("two.\n:::\n", "two.\n", "en.md:29:1: error: ::: call-to-action is not closed"),
    ("status: source", "status: [source", "en.md:3:16: error: invalid YAML"),
    ("language: en\n", "", "en.md:2:1: error: language: required field is missing"),
    ("---\nlanguage", "language", "en.md:1:1: error: a text file starts with its front matter"),
    ("[^a], on", "[^b], on", "en.md:9:9: error: footnote [^b] has no text"),
    ("\n::: call-to-action\n", "\nText after.\n\n::: call-to-action\n", None),
    # a section line inside a list or a quote is named where its colons are
    ("- two.\n", "- two.\n- :::\n", "en.md:34:3: error: a ::: line inside a list or a quote"),
    ("> on two lines.", "> ::: lead", "en.md:25:3: error: a ::: line inside a list or a quote"),
    ("2. Second item", "2. ::: call-to-action", "en.md:22:4: error: a ::: line inside a list"),
])
def test_a_mistake_is_located_at_its_line(old: str, new: str, expected: str | None) -> None:
    assert old in RICH
    source = RICH.replace(old, new, 1)
    if expected is None:  # not a mistake: more body text before the call to action
        assert parse_text(source, FILE).block("body.paragraph.3").text == "Text after."
        return
    problems = _problems(source)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_sections_out_of_order_and_text_after_them_are_named() -> None:
    moved = RICH.replace("::: lead\nThe lead[^a], on\ntwo lines.\n:::\n", "") + (
        "\n::: lead\nLate lead.\n:::\n\nLate body.\n")
    problems = _problems(moved)
    assert any("the lead must come before the call to action" in p for p in problems), problems
    assert any("text outside the sections after ::: call-to-action" in p
               for p in problems), problems


def test_a_footnote_nobody_calls_is_a_warning_for_check() -> None:
    text = parse_text(RICH.replace("The lead[^a], on", "The lead, on"), FILE)
    assert [str(problem) for problem in text.warnings] == [
        "en.md:36:1: warning: footnote [^a] is never referred to: put [^a] in the text where "
        "it belongs, or delete it"]
    assert text.footnotes == []


def test_raw_html_images_and_code_stay_literal_text() -> None:
    source = RICH.replace("A paragraph with", "<script>x</script> ![i](file:///etc/passwd) "
                          "`code` [j](javascript:x) A paragraph with")
    block = parse_text(source, FILE).block("body.paragraph.1")
    assert block.plain.startswith("<script>x</script> ![i](file:///etc/passwd) `code` "
                                  "[j](javascript:x) A paragraph")
    assert block.links == ["https://example.org/a", "https://example.org/b"]


def test_replacing_a_block_changes_its_lines_and_nothing_else() -> None:
    replaced = replace_block(RICH, "body.item.1", "Premier point\nsur deux lignes\net trois")
    before, after = RICH.splitlines(keepends=True), replaced.splitlines(keepends=True)
    assert after[:18] == before[:18] and after[21:] == before[20:]
    assert after[18:21] == ["1. Premier point\n", "   sur deux lignes\n", "   et trois\n"]
    assert parse_text(replaced, FILE).block("body.item.1").text == (
        "Premier point\nsur deux lignes\net trois")


@pytest.mark.parametrize(("key", "text", "lines"), [
    ("title", "Le titre", ["# Le titre\n"]),
    ("body.quote.1", "« Une citation »\nsur deux lignes.",
     ["> « Une citation »\n", "> sur deux lignes.\n"]),
    ("footnote.1", "La note", ["[^a]: La note\n"]),
    ("body.paragraph.2", "Un paragraphe", ["    Un paragraphe\n"]),
    ("call-to-action.item.2", "deux.", ["- deux.\n"]),
])
def test_each_kind_of_block_is_replaced_in_its_form(key: str, text: str,
                                                    lines: list[str]) -> None:
    block = parse_text(RICH, FILE).block(key)
    replaced = replace_block(RICH, key, text)
    before = RICH.splitlines(keepends=True)
    assert replaced == "".join([*before[:block.start_line - 1], *lines,
                                *before[block.end_line:]])


@pytest.mark.parametrize("text", ["Two\n\nparagraphs", "- a list", "## a heading", ":::",
                                  "# title"])
def test_a_replacement_that_would_change_the_blocks_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="changes the blocks of the file"):
        replace_block(RICH, "body.paragraph.1", text)


def test_replacing_keeps_windows_line_endings_and_an_unknown_key_is_named() -> None:
    crlf = RICH.replace("\n", "\r\n")
    replaced = replace_block(crlf, "body.quote.1", "One\nTwo")
    assert "> One\r\n> Two\r\n" in replaced
    assert replaced.count("\r\n") == replaced.count("\n")
    with pytest.raises(InputError, match=r"no block 'body\.paragraph\.9'"):
        replace_block(RICH, "body.paragraph.9", "x")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=40).filter(str.strip))
def test_any_words_replace_a_block_or_are_refused_with_a_reason(words: str) -> None:
    """Whatever a translator types into one block in the browser: either the file has the same
    blocks afterwards, with the rest of it byte for byte as before, or it is refused."""
    block = parse_text(RICH, FILE).block("body.paragraph.1")
    try:
        replaced = replace_block(RICH, "body.paragraph.1", words)
    except InputError as error:
        assert all(problem.line >= 1 for problem in error.problems)
        return
    before = RICH.splitlines(keepends=True)
    after = replaced.splitlines(keepends=True)
    assert after[:block.start_line - 1] == before[:block.start_line - 1]
    assert after[len(after) - (len(before) - block.end_line):] == before[block.end_line:]
