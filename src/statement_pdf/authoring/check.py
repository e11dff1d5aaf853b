"""Preflight: everything that would make a statement wrong or unsendable, found before it is sent.

Statements are written under time pressure by people who are not developers, and translated
while the source still changes. `preflight` gathers every problem at once — schema errors and
unknown references (from load.py), languages and paragraphs without a translation, translations
made from an older source text, characters without a glyph, documents over their page budget,
drafts — each located at file:line:column, so that one editing session can fix them all.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import groupby, islice
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from weasyprint.formatting_structure import boxes

from .. import readback
from ..compose import Job, compose, environment
from ..errors import InputError, Overflow, Problem, RenderError
from ..fonts import glyph_problems
from ..letters import opening_problems
from ..load import find_project_root, read_project, read_statement
from ..logos import logo_problems
from ..model import Project, Statement
from ..profiles import render_options
from ..publish.run import output_path, plan
from ..render import Renderer
from ..textrules import overflow_problems
from .placeholders import placeholder_problems
from .translations import translation_problems
from .untranslated import NOTE, signatory_name_notes, untranslated_problems


@dataclass(frozen=True)
class Scope:
    """Which documents to check, chosen as for `build`: None means all of them."""

    languages: list[str] | None = None
    variants: list[str] | None = None
    recipients: list[str] | None = None
    paper: str = "a4"
    profile: str | None = None


def preflight(
    statement_dir: Path, scope: Scope = Scope(), *, final: bool = False, measure: bool = True,
) -> list[Problem]:
    """All problems of the statement in `statement_dir`, sorted by file and line.

    `scope` chooses the documents as `build`'s options do (a language that statement.yaml lists
    without a file is reported only when all languages are checked). `final` turns warnings
    (drafts) into errors: nothing unreviewed may be published. `measure` lays out every document
    to count its pages, the slow part of a check, and with `final` renders each and reads its
    text back with every PDF reader (the slowest).

    Broken shared data, or a statement file that does not validate, does not hide the rest: the
    texts that could be read are still checked; only what needs every file sound (the glyphs of
    shared names, the documents' pages) waits until the errors are fixed."""
    try:
        project, problems = read_project(find_project_root(statement_dir))
    except InputError as error:
        return error.problems
    shared_data_sound = not problems
    statement, statement_problems = read_statement(statement_dir, project)
    problems += statement_problems
    if statement is None:
        return _as_final(problems) if final else sorted(set(problems))
    jobs: list[Job] = []
    if not errors(problems):
        try:
            jobs = plan(project, statement, scope.languages, scope.variants, scope.paper,
                        scope.profile, scope.recipients)
        except InputError as error:
            problems.extend(error.problems)
    codes = [code for code in statement.texts if code in project.languages
             and (not scope.languages or code in scope.languages)]
    problems += [] if scope.languages else _missing_languages(project, statement)
    source = statement.meta.source_language
    for code in codes:
        problems.extend(statement.texts[code].warnings)
        if shared_data_sound:
            problems.extend(glyph_problems(project, statement, code))
        if code != source and source in statement.texts:
            problems.extend(translation_problems(statement, code))
            problems.extend(_draft(statement, code))
        if statement.meta.letter:
            problems.extend(opening_problems(statement, code))
        problems.extend(untranslated_problems(project, statement, code))
    if shared_data_sound:
        variants = list(dict.fromkeys(job.variant for job in jobs)) or [
            variant for variant in scope.variants or project.layouts
            if variant in project.layouts]
        problems.extend(logo_problems(project, statement, variants))
        problems.extend(signatory_name_notes(project, statement, codes))
    problems.extend(placeholder_problems(project, statement, codes,
                                         _recipients(project, statement, scope, jobs)))
    if measure and jobs:
        problems.extend(page_budget_problems(project, statement, jobs))
    if measure and final and jobs and not errors(problems):
        problems.extend(text_layer_problems(project, statement, jobs))
    return _as_final(problems) if final else sorted(set(problems))


def _recipients(project: Project, statement: Statement, scope: Scope,
                jobs: list[Job]) -> list[str]:
    """The offices whose letters are checked, with those copied on them: the planned jobs', or
    when nothing could be planned, the letter's as the scope chooses them."""
    letter = statement.meta.letter
    if letter is None:
        return []
    addressed = [job.recipient for job in jobs if job.recipient] if jobs else [
        recipient for recipient in letter.recipients
        if not scope.recipients or recipient in scope.recipients]
    letters = not scope.variants or any(project.layouts[variant].per_recipient for variant
                                        in scope.variants if variant in project.layouts)
    return list(dict.fromkeys([*addressed, *letter.cc])) if addressed and letters else []


def _as_final(problems: list[Problem]) -> list[Problem]:
    """Under --final nothing is a mere warning: what `check` points out must be fixed first.
    Notes stay notes: they point at what is legitimate as it is."""
    return sorted({problem if problem.severity == NOTE else replace(problem, severity="error")
                   for problem in problems})


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == "error"]


def _missing_languages(project: Project, statement: Statement) -> list[Problem]:
    """Languages the statement is to be published in with no file (a file that is there but
    broken, or a language the project does not know, is reported as what it is)."""
    document = statement.documents["statement"]
    return [
        document.problem(("languages", index), f"no {code}.md: the statement is to be "
                         f"published in {code} but has no translation yet")
        for index, code in enumerate(statement.meta.languages)
        if code in project.languages and not (statement.folder / f"{code}.md").is_file()
    ]


def _draft(statement: Statement, code: str) -> list[Problem]:
    if statement.texts[code].status != "draft":
        return []
    return [statement.documents[code].problem(("status",), (
        "draft translation, not reviewed: have it reviewed, then set status: approved"),
        severity="warning")]


def page_budget_problems(project: Project, statement: Statement,
                         jobs: list[Job]) -> list[Problem]:
    """Lay out every document as it would be printed and compare with its layout's page limit.
    The problem points at the text file, which is what has to be shortened."""
    renderer, env = Renderer(project.root), environment(project)
    problems = []
    for job in jobs:
        try:
            document = renderer.layout(compose(project, job, env),
                                       **render_options(project, job))
        except InputError as error:
            problems.extend(error.problems)
            continue
        except Overflow as overflow:
            problems.extend(overflow_problems(statement, job.language, overflow.words))
            continue
        except RenderError as error:
            problems.append(Problem(project.layout_dir(job.variant) / "layout.yaml", 1, 1,
                                    f"{job.variant} in {job.language} cannot be laid out: "
                                    f"{error}"))
            continue
        limit = project.layouts[job.variant].page_limit
        if len(document.pages) > limit:
            overflow = list(islice(_words(document.pages[limit]._page_box), 8))
            problems.append(over_page_limit(project, job, len(document.pages), overflow))
    return problems


def over_page_limit(project: Project, job: Job, pages: int, overflow: list[str]) -> Problem:
    """A document longer than its layout allows, pointing at the text file, which is what has
    to be shortened; `overflow` are the first words of the first page too many."""
    limit = project.layouts[job.variant].page_limit
    name = output_path(project, Path(), job).name
    return job.statement.documents[job.language].problem((), (
        f"{name} in {job.language}: {pages} pages, limit {limit} (page_limit in "
        f"layouts/{job.variant}/layout.yaml); page {limit + 1} starts with "
        f"“{' '.join(overflow)} …”"))


def text_layer_problems(project: Project, statement: Statement,
                        jobs: list[Job]) -> list[Problem]:
    """Render every document (in a temporary folder) and read its text back as poppler, PDFium
    and pdf.js do: a document that gives back less than readback's threshold of its words or
    word pairs is not signed off. A reader that is not installed is a warning: the document
    could not be checked with it."""
    renderer, env = Renderer(project.root), environment(project)
    problems, rendered = [], {}
    with tempfile.TemporaryDirectory(prefix="statement-pdf-check-") as folder:
        for job in jobs:
            target = output_path(project, Path(folder), job)  # kept until all are read
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                composed = compose(project, job, env)
                renderer.render(composed, target, **render_options(project, job))
            except (InputError, RenderError):
                continue  # reported by page_budget_problems
            rendered[target] = (job, readback.composed_text(composed))
        readings = readback.read_each(list(rendered))
        for target, (job, source) in rendered.items():
            name = f"{target.name} in {job.language}"
            for result in readback.fidelity(target, source, readings[target]):
                if result.words is None:
                    problems.append(statement.documents[job.language].problem((), (
                        f"{name}: its text layer could not be read with {result.reader}, "
                        f"which is not installed (`make readers` installs it)"),
                        severity="warning"))
                elif not result.enough:
                    problems.append(statement.documents[job.language].problem((), (
                        f"{name}: text layer below the threshold in {result}; the "
                        f"missing words include {' '.join(result.missing[:8]) or 'none'}")))
    return problems


def _words(box: boxes.Box) -> Iterator[str]:
    """The words a reader sees on a laid-out page, in reading order, without the running
    footer and page number (WeasyPrint offers no public API for a page's text)."""
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.TextBox):
        yield from box.text.split()
    for child in getattr(box, "children", []):
        yield from _words(child)


# --- reporting -------------------------------------------------------------------------------


def print_report(console: Console, problems: list[Problem]) -> None:
    """Grouped by file, errors in red, warnings in yellow and notes in cyan, each line
    clickable in an editor (file:line:column)."""
    for file, group in groupby(problems, key=lambda problem: problem.file):
        console.print(f"[bold]{escape(_shown(file))}[/bold]", soft_wrap=True)
        for problem in group:
            colour = _COLOURS.get(problem.severity, "yellow")
            console.print(f"  {escape(_shown(problem.file))}:{problem.line}:{problem.column}: "
                          f"[{colour}]{problem.severity}[/{colour}]: {escape(problem.message)}",
                          soft_wrap=True)
    console.print(summary(problems))


_COLOURS = {"error": "red", "warning": "yellow", NOTE: "cyan"}


def _count(problems: list[Problem], severity: str) -> int:
    return sum(problem.severity == severity for problem in problems)


def summary(problems: list[Problem]) -> str:
    files = len({problem.file for problem in problems})
    if not problems:
        return "No problems found."
    notes = _count(problems, NOTE)
    return (f"{_count(problems, 'error')} error(s), {_count(problems, 'warning')} warning(s)"
            f"{f', {notes} note(s)' if notes else ''} in {files} file(s).")


def report_json(problems: list[Problem]) -> str:
    return json.dumps({
        "errors": _count(problems, "error"),
        "warnings": _count(problems, "warning"),
        "notes": _count(problems, NOTE),
        "problems": [
            {"file": _shown(problem.file), "line": problem.line, "column": problem.column,
             "severity": problem.severity, "message": problem.message}
            for problem in problems
        ],
    }, ensure_ascii=False, indent=2)


def _shown(file: Path) -> str:
    """Relative to the working directory when it is inside it: short, and what editors open.
    The path itself, not where it leads: the problem may be that it is a link."""
    try:
        return str(Path(os.path.abspath(file)).relative_to(Path.cwd()))
    except ValueError:
        return str(file)
