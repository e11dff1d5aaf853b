"""Untranslated text is found (issue 13): a block of a file in another script than its
language's, or word for word the source's, is a warning in `check`, an error under --final, and
refused by `translated` — with names, acronyms, addresses and quoted titles left alone by rule.
And a signatory printed in another script than its page's is a note, never a refusal."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import STATEMENT_ID, layer_chars, run_cli
from statement_pdf.text.markdown import read_text_file, replace_block

ENGLISH_PARAGRAPH = ("Despite the UNHCR’s active non-return advisory for Afghanistan and calls "
                     "from UN experts to halt the deportations, the government of Pakistan has "
                     "accelerated its forced returns in recent months.")


@pytest.fixture
def statement(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_copy)
    return project_copy / "data" / "statements" / STATEMENT_ID


def _replace(file: Path, key: str, text: str) -> int:
    """Put `text` in place of block `key`; the line it starts on."""
    file.write_text(replace_block(file.read_text(encoding="utf-8"), key, text, file),
                    encoding="utf-8")
    return read_text_file(file).block(key).start_line


def _lines(*args: str, severity: str = "warning") -> list[str]:
    result = run_cli("check", STATEMENT_ID, "--no-measure", *args)
    return [" ".join(line.split()) for line in result.output.splitlines()
            if f": {severity}: " in line and "placeholder" not in line
            and "draft translation" not in line]


def test_english_paragraphs_in_a_dari_file_are_reported(statement: Path) -> None:
    dari = statement / "fa-AF.md"
    line = _replace(dari, "body.paragraph.2", ENGLISH_PARAGRAPH)
    call = _replace(dari, "call-to-action.paragraph.1", "We call on Pakistan to stop.  " * 3)
    lines = [line for line in _lines() if "fa-AF.md" in line]
    assert lines == [
        f"data/statements/{STATEMENT_ID}/fa-AF.md:{line}:1: warning: body paragraph 2 is not "
        "in Dari: 100% of its letters are Latin (“Despite the UNHCR’s active non-return "
        "advisory for Afghanistan …”); translate it",
        f"data/statements/{STATEMENT_ID}/fa-AF.md:{call}:1: warning: call to action is not in "
        "Dari: 100% of its letters are Latin (“We call on Pakistan to stop. We call …”); "
        "translate it"]
    final = [line for line in _lines("--final", severity="error") if "fa-AF.md" in line]
    assert [line.replace(": error: ", ": warning: ") for line in final] == lines


def test_arabic_script_in_the_english_source_is_reported(statement: Path) -> None:
    urdu = read_text_file(statement / "ur.md").block("body.paragraph.3").text
    line = _replace(statement / "en.md", "body.paragraph.3", urdu)
    assert (f"data/statements/{STATEMENT_ID}/en.md:{line}:1: warning: body paragraph 3 is not "
            "in English: 100% of its letters are Arabic") in " ".join(_lines())


def test_a_block_identical_to_the_source_is_reported(statement: Path) -> None:
    """Two languages of one script: Dari and Pashto, the Pashto lead pasted from Dari."""
    dari = read_text_file(statement / "fa-AF.md").block("lead.paragraph.1").text
    source = read_text_file(statement / "en.md").block("lead.paragraph.1").text
    _replace(statement / "en.md", "lead.paragraph.1", dari)
    line = _replace(statement / "ps.md", "lead.paragraph.1", dari)
    assert any(f"ps.md:{line}:1: warning: lead is word for word the en.md text" in warning
               for warning in _lines()), _lines()
    assert source  # the English lead was replaced only to make the two texts the same


def test_names_acronyms_addresses_and_quoted_titles_are_left_alone(statement: Path) -> None:
    urdu = statement / "ur.md"
    paragraph = read_text_file(urdu).block("body.paragraph.2").text
    _replace(urdu, "body.paragraph.2", (
        paragraph + " Human Rights Commission of Pakistan, UNHCR, NAI-SOMA, Reporters without "
        "borders, “Illegal Foreigners Repatriation Plan and other measures taken in 2023”, "
        "https://www.unhcr.org/pk/ and press@example.org."))
    assert not any("ur.md" in line for line in _lines())


def test_translated_refuses_to_record_untranslated_blocks(statement: Path) -> None:
    dari = statement / "fa-AF.md"
    line = _replace(dari, "body.paragraph.2", ENGLISH_PARAGRAPH)
    before = dari.read_text()
    result = run_cli("translated", STATEMENT_ID, "--lang", "fa-AF")
    assert result.exit_code == 2
    assert (f"fa-AF.md:{line}:1: error: body paragraph 2 is not in Dari: 100% of its letters "
            "are Latin") in " ".join(result.output.split())
    assert "translate it before recording the translation" in " ".join(result.output.split())
    assert dari.read_text() == before


def test_a_name_in_another_script_is_a_note_not_a_refusal(statement: Path) -> None:
    notes = _lines(severity="note")
    assert ("data/organisations.yaml:17:9: note: cpj has no name of its own in Pashto and Urdu "
            "(names: ps, ur): those pages print “Committee to Protect Journalists” in Latin "
            "letters, which is legitimate for an organisation known by that name everywhere; "
            "add a name under `names:` only where it has an established one in that "
            "language") in notes
    assert not any("rsf " in note for note in notes), "RSF has its names in every language"
    final = run_cli("check", STATEMENT_ID, "--no-measure", "--final")
    assert ": note: cpj has no name" in final.output and ": error: cpj" not in final.output


def test_an_english_paragraph_in_a_right_to_left_page_keeps_its_full_stop_at_its_end(
        statement: Path, tmp_path: Path) -> None:
    """Not translated yet, it is printed as it is read: left to right."""
    _replace(statement / "fa-AF.md", "body.paragraph.2", ENGLISH_PARAGRAPH)
    result = run_cli("build", STATEMENT_ID, "--lang", "fa-AF", "--variant", "press", "--out",
                     tmp_path)
    assert result.exit_code == 0, result.output
    with pdfplumber.open(tmp_path / STATEMENT_ID / "fa-AF" / "press.pdf") as pdf:
        lines = [line for page in pdf.pages for line in layer_chars(page).extract_text_lines()]
    first = next(line for line in lines if line["text"].startswith("Despite the UNHCR"))
    last = next(line for line in lines if "recent months." in line["text"])
    assert first["x0"] == pytest.approx(min(line["x0"] for line in lines), abs=1), (
        "it starts at the left margin")
    assert last["text"].rstrip().endswith("months."), last["text"]
