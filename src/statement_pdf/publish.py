"""Stage 5: plan the documents of a statement, make each one, and report what happened.

One broken document must not stop the others: each job ends in an `Outcome`, and the caller
decides the exit code from all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compose import Job, compose, environment
from .errors import InputError, Problem, RenderError
from .letters import due_languages, letter_problems
from .load import Project, Statement
from .profiles import check_profile, render_options
from .render import Renderer, write_atomically


@dataclass(frozen=True)
class Outcome:
    job: Job
    path: Path
    pages: int = 0
    bytes: int = 0
    error: str | None = None


def plan(
    project: Project,
    statement: Statement,
    languages: list[str] | None = None,
    variants: list[str] | None = None,
    paper: str = "a4",
    profile: str | None = None,
    recipients: list[str] | None = None,
) -> list[Job]:
    """Every requested language × variant (× recipient, for per-recipient layouts); an unknown
    one is a located usage error."""
    requested = languages
    languages = languages or statement.languages
    variants = variants or default_variants(project, statement)
    problems = [
        Problem(statement.folder, 1, 1, f"no {code}.yaml translation in this statement "
                f"(available: {', '.join(statement.languages)})")
        for code in languages if code not in statement.texts
    ] + [
        Problem(project.root / "layouts", 1, 1, f"unknown variant '{variant}' "
                f"(available: {', '.join(sorted(project.layouts))})")
        for variant in variants if variant not in project.layouts
    ]
    if problems:
        raise InputError(problems)
    check_profile(project, profile)
    jobs = []
    for variant in variants:
        if project.layouts[variant].per_recipient:
            jobs.extend(recipient_jobs(project, statement, variant, paper, requested, recipients,
                                       profile))
        else:
            jobs.extend(Job(statement, code, variant, paper, profile=profile)
                        for code in languages)
    return sorted(jobs, key=lambda job: languages.index(job.language))


def default_variants(project: Project, statement: Statement) -> list[str]:
    """Every layout the statement has content for: letters only when it has a `letter:`
    section, so that a press-only statement builds without naming its variant."""
    return [variant for variant, layout in sorted(project.layouts.items())
            if statement.meta.letter or not layout.per_recipient]


def recipient_jobs(
    project: Project,
    statement: Statement,
    variant: str,
    paper: str,
    languages: list[str] | None = None,
    recipients: list[str] | None = None,
    profile: str | None = None,
) -> list[Job]:
    """One job per recipient of the statement's letter and language it is due in (limited to
    `languages` and `recipients` when given). Everything that would stop one of them — a missing
    translation or label, an address too long for the window — is reported before any is made."""
    letter = statement.meta.letter
    document = statement.documents["statement"]
    if letter is None:
        raise InputError([document.problem((), f"the {variant} layout needs a `letter:` section "
                                           "(recipients) in statement.yaml")])
    if unknown := [name for name in recipients or [] if name not in letter.recipients]:
        raise InputError([document.problem(("letter", "recipients"), f"--recipient {name} is not "
                                           f"a recipient of this letter (recipients: "
                                           f"{', '.join(letter.recipients)})")
                          for name in unknown])
    layout, jobs, problems = project.layouts[variant], [], []
    for recipient_id in letter.recipients:
        if recipients and recipient_id not in recipients:
            continue
        for code in due_languages(statement, project.recipients[recipient_id]):
            if languages and code not in languages:
                continue
            problems.extend(letter_problems(project, statement, recipient_id, code, layout, paper))
            jobs.append(Job(statement, code, variant, paper, recipient_id, profile))
    if problems:
        raise InputError(problems)
    return jobs


def output_path(project: Project, out: Path, job: Job) -> Path:
    name = project.layouts[job.variant].output.format(recipient=job.recipient)
    return out / job.statement.meta.id / job.language / name


def run(project: Project, jobs: list[Job], out: Path, emit_html: bool = False) -> list[Outcome]:
    renderer, env = Renderer(project.root), environment(project)
    outcomes = []
    for job in jobs:
        target = output_path(project, out, job)
        try:
            composed = compose(project, job, env)
            if emit_html:
                write_atomically(target.with_suffix(".html"), composed.html.encode())
            rendered = renderer.render(composed, target, **render_options(project, job))
        except (InputError, RenderError) as error:
            outcomes.append(Outcome(job, target, error=str(error)))
            continue
        outcomes.append(Outcome(job, target, rendered.pages, rendered.bytes))
    return outcomes


def combined_path(project: Project, out: Path, job: Job) -> Path | None:
    name = project.layouts[job.variant].combined_output
    return out / job.statement.meta.id / job.language / name if name else None


def run_combined(project: Project, jobs: list[Job], out: Path) -> list[Outcome]:
    """For layouts with a `combined_output`, one print file per language holding all its
    documents in sequence. Each document is laid out on its own, so its page numbers (and
    running header) restart where it starts; the pages are then written as one PDF."""
    groups: dict[Path, list[Job]] = {}
    for job in jobs:
        if (target := combined_path(project, out, job)) is not None:
            groups.setdefault(target, []).append(job)
    renderer, env = Renderer(project.root), environment(project)
    outcomes = []
    for target, group in groups.items():
        try:
            rendered = renderer.render_combined(
                [compose(project, job, env) for job in group], target,
                **render_options(project, group[0]))
        except (InputError, RenderError) as error:
            outcomes.append(Outcome(group[0], target, error=str(error)))
            continue
        outcomes.append(Outcome(group[0], target, rendered.pages, rendered.bytes))
    return outcomes
