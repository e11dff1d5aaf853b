"""Stage 5: plan the documents of a statement, make each one, and report what happened.

One broken document must not stop the others: each job ends in an `Outcome`, and the caller
decides the exit code from all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compose import Job, compose, environment
from .errors import InputError, Problem, RenderError
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
) -> list[Job]:
    """Every requested language × variant; an unknown one is a located usage error."""
    languages = languages or statement.languages
    variants = variants or sorted(project.layouts)
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
    return [Job(statement, code, variant, paper, profile=profile)
            for code in languages for variant in variants]


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
