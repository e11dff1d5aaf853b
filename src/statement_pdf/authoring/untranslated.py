"""Text in another language than its file: what a translator left untranslated, and names a page
prints in another script than its own.

A block of a translation (text/blocks.py) whose letters are mostly in another script than its
language's (an English paragraph in a Dari file, Urdu pasted into the English source), or that is
word for word the source's block, is reported where it is. What may stay as written in any
language is set aside by rule before the letters are counted, not by a list of words:

- addresses: web addresses and e-mail addresses;
- quoted titles: text between quotation marks (“…”, ‘…’, "…", «…» and the language's own);
- acronyms: words written in capitals (UNHCR, NAI-SOMA);
- names: the names and acronyms of the organisations in data/organisations.yaml, and, among
  Latin words in a page of another script, a run of words whose every long word is capitalised
  (Human Rights Commission of Pakistan).

A block with too few letters left to judge (a line that is only a name or an address) is not
reported.

A signatory with no name of its own in a page's language, whose name is in another script, is
printed in that script: legitimate — many organisations are known by one name everywhere — so
it is a note for the person checking, never a reason to refuse a build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import Problem
from ..load import entry_index
from ..model import Language, Project, Statement
from ..scripts import SCRIPT_NAMES, letters_by_script, main_script
from ..text.blocks import Block

MIN_LETTERS = 20
"""Fewer letters than this, once names and addresses are set aside, are not judged."""
OWN_SCRIPT_SHARE = 0.5
"""A block with less than this share of its letters in its language's script is foreign."""
NOTE = "note"
"""The severity of what is listed for a person to look at, and is legitimate as it is."""

_ADDRESS = re.compile(r"(?:https?://|mailto:|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
                      re.IGNORECASE)
_QUOTE_PAIRS = [("“", "”"), ("‘", "’"), ('"', '"'), ("«", "»"), ("„", "“"), ("”", "“")]
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*(?:[-.&][A-Z0-9]+)*\b(?![a-z])")
_LATIN_WORDS = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*(?:[ ,]+[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*)*")


def untranslated_problems(project: Project, statement: Statement, code: str) -> list[Problem]:
    """Blocks of language `code`'s file that are not in its language: warnings (errors under
    --final, like every warning)."""
    language = project.languages[code]
    text = statement.texts[code]
    source_code = statement.meta.source_language
    source = statement.texts.get(source_code) if code != source_code else None
    names = _organisation_names(project)
    problems = []
    for block in text.blocks:
        prose = _prose(block.plain, language, names)
        counts = letters_by_script(prose)
        total = sum(counts.values())
        if total < MIN_LETTERS or language.script not in SCRIPT_NAMES:
            continue
        own = counts.get(language.script, 0)
        if own < OWN_SCRIPT_SHARE * total:
            other = max((script for script in counts if script != language.script),
                        key=counts.__getitem__)
            problems.append(text.problem(block.key, (
                f"{block.name} is not in {language.name}: {round(100 * counts[other] / total)}% "
                f"of its letters are {SCRIPT_NAMES.get(other, other)} (“{_opening(block)}”); "
                "translate it"), severity="warning"))
        elif source is not None and _same_as_source(block, source):
            problems.append(text.problem(block.key, (
                f"{block.name} is word for word the {source_code}.md text "
                f"(“{_opening(block)}”): translate it"), severity="warning"))
    return problems


def untranslated_blocks(project: Project, statement: Statement, code: str) -> list[Problem]:
    """The same problems as errors: what `statement-pdf translated` refuses to record."""
    return [Problem(problem.file, problem.line, problem.column,
                    problem.message + " before recording the translation")
            for problem in untranslated_problems(project, statement, code)]


def _prose(text: str, language: Language, names: list[str]) -> str:
    """The text without what may stay as written in any language."""
    text = _ADDRESS.sub(" ", text)
    quotes = [*_QUOTE_PAIRS, (language.quotes.open, language.quotes.close),
              (language.quotes.inner_open, language.quotes.inner_close)]
    for opening, closing in quotes:
        text = re.sub(f"{re.escape(opening)}[^{re.escape(closing)}]*{re.escape(closing)}", " ",
                      text)
    for name in names:
        text = text.replace(name, " ")
    text = _ACRONYM.sub(" ", text)
    if language.script != "Latn":
        text = _LATIN_WORDS.sub(lambda run: " " if _is_name(run.group()) else run.group(),
                                text)
    return text


def _is_name(run: str) -> bool:
    """Latin words whose every long word is capitalised: a name (Human Rights Commission of
    Pakistan), not a sentence."""
    long_words = [word for word in re.findall(r"[^\W\d_]+", run) if len(word) > 3]
    return all(word[0].isupper() for word in long_words)


def _organisation_names(project: Project) -> list[str]:
    """Every organisation's names and acronym, longest first (so that a name is set aside
    whole before a shorter one inside it)."""
    names = {name for organisation in project.organisations.values()
             for name in [organisation.name, organisation.acronym,
                          *organisation.names.values()] if name}
    return sorted(names, key=len, reverse=True)


def _same_as_source(block: Block, source) -> bool:
    original = source.block(block.key)
    return original is not None and " ".join(original.plain.split()).casefold() == " ".join(
        block.plain.split()).casefold()


def _opening(block: Block, words: int = 8) -> str:
    split = block.plain.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


# --- names of signatories ------------------------------------------------------------------


def signatory_name_notes(project: Project, statement: Statement,
                         codes: Iterable[str]) -> list[Problem]:
    """For each signatory without a name of its own in some languages of the statement whose
    script its name is not in: a note at its name in data/organisations.yaml."""
    document = project.documents.get("organisations")
    notes = []
    for org_id in dict.fromkeys(statement.meta.signatories):
        organisation = project.organisations.get(org_id)
        if organisation is None or document is None:
            continue
        script = main_script(organisation.name)
        lacking = [project.languages[code] for code in codes
                   if code not in organisation.names and script
                   and project.languages[code].script != script]
        if lacking:
            notes.append(document.problem((entry_index(document, org_id), "name"), _name_note(
                org_id, organisation.name, script, lacking), severity=NOTE))
    return notes


def _name_note(org_id: str, name: str, script: str, languages: list[Language]) -> str:
    names = [language.name for language in languages]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    codes = ", ".join(language.code for language in languages)
    return (f"{org_id} has no name of its own in {listed} (names: {codes}): those pages print "
            f"“{name}” in {SCRIPT_NAMES.get(script, script)} letters, which is legitimate for "
            "an organisation known by that name everywhere; add a name under `names:` only "
            "where it has an established one in that language")

