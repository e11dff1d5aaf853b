"""Stage 5: plan the documents of a statement, make each one, and report what happened.

One broken document must not stop the others: each job ends in an `Outcome`, and the caller
decides the exit code from all of them. Documents whose inputs have not changed since the last
run (see manifest.py) are not made again; the others are made by an executor (executor.py): worker
processes on this machine by default, or a Dask cluster.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import interrupts
from ..atomic import commit, write_partial
from ..authoring.translations import missing_text
from ..compose import Job, check_profile, compose, environment
from ..datatemplates import fill
from ..errors import InputError, OutputError, Problem, RenderError, unknown
from ..letters import due_languages, letter_problems
from ..model import Project, Statement
from .batch import LocalPool
from .manifest import (
    Entry,
    Manifest,
    file_sha256,
    fingerprint,
    inputs_of,
    remove_partial_files,
)
from .outlock import locked
from .worker import Result, Task, cannot_write

if TYPE_CHECKING:
    from ..delivery.sign import Seal
    from .executor import Executor


@dataclass(frozen=True)
class Outcome:
    job: Job
    path: Path
    pages: int = 0
    bytes: int = 0
    error: str | None = None
    skipped: bool = False
    """Already current (same fingerprint in the manifest): not rendered again."""
    sha256: str = ""
    seconds: float = 0.0
    worker: int = 0
    """Process id of the worker that rendered it."""
    peak_rss_kib: int = 0
    """That worker's peak resident memory so far, after this document."""
    signer: str | None = None
    """Who signed it (the certificate's subject), when it is signed."""


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
        Problem(statement.folder, 1, 1, unknown("language", code, statement.texts,
                                                "this statement is in"))
        for code in languages if code not in statement.texts
    ] + [
        Problem(project.root / "layouts", 1, 1, unknown("variant", variant, project.layouts,
                                                        "available"))
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
    if unknown_recipients := [name for name in recipients or []
                              if name not in letter.recipients]:
        raise InputError([document.problem(("letter", "recipients"), "--recipient: " + unknown(
            "recipient", name, letter.recipients, "recipients of this letter"))
            for name in unknown_recipients])
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
    name = fill(project.layouts[job.variant].output, recipient=job.recipient)
    return out / job.statement.meta.id / job.language / name


def run(
    project: Project,
    jobs: list[Job],
    out: Path,
    emit_html: bool = False,
    *,
    executor: Executor | None = None,
    force: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    seal: Seal | None = None,
) -> list[Outcome]:
    """Make every job whose output is not already current with `executor` (default: one
    worker process per CPU), and keep each statement's manifest true to what is on disk —
    also when the run is interrupted. `progress` hears of each outcome as it happens. `seal`
    signs the documents of the variants it applies to; who signs is one of their inputs.

    The manifest never claims a file that is not there as it says: the entries of the
    documents about to be made again are withheld from it before the first one is replaced,
    each finished document is moved into place and recorded in one step that an interrupt
    does not cut in two, and what was withheld but not replaced is put back at the end."""
    report = progress or (lambda outcome: None)
    with _opened(out, jobs) as manifests:
        outcomes: dict[int, Outcome] = {}
        pending: list[_Planned] = []
        known_digests: dict[tuple, str] = {}
        for position, job in enumerate(jobs):
            if reason := refused(project, job):
                outcomes[position] = Outcome(job, output_path(project, out, job), error=reason)
                report(outcomes[position])
                continue
            signed = seal if seal is not None and seal.applies_to(job.variant) else None
            item = _Planned(position, job, output_path(project, out, job),
                            inputs_of(project, job, known_digests), signed)
            manifest = manifests[job.statement.meta.id]
            if not force and manifest.is_current(item.target, item.fingerprint) and (
                    not emit_html or item.target.with_suffix(".html").is_file()):
                outcomes[position] = _skipped(item, manifest.entries[manifest.key(item.target)])
                report(outcomes[position])
            else:
                pending.append(item)
        saver = _Saver(list(manifests.values()))

        def finished(result: Result) -> None:
            with interrupts.deferred():
                item = pending[result.index]
                outcomes[item.position] = outcome = _outcome(item, _placed(result, item.target))
                if not outcome.error:
                    manifests[item.job.statement.meta.id].record(item.target,
                                                                 _entry(item, outcome))
                saver.maybe_save()
            report(outcome)

        with interrupts.handled(), saver.finishing():
            saver.withhold(pending, manifests)
            if pending:
                tasks = [Task(item.job, item.target, item.document_fingerprint, emit_html,
                              item.seal) for item in pending]
                (executor or LocalPool(os.cpu_count() or 1)).render_all(project, tasks, finished)
    return [outcomes[position] for position in sorted(outcomes)]


def refused(project: Project, job: Job) -> str | None:
    """Why a document is not made at all, in any build: its translation lacks text that the
    source has and the document prints (a reader would get the statement with a paragraph or
    a demand silently left out). The other documents are made all the same."""
    return missing_text(job.statement, job.language, project.layouts[job.variant].per_recipient)


def _placed(result: Result, target: Path) -> Result:
    """The result once its PDF is in place (or why it could not be put there)."""
    if result.error or not result.partial:
        return result
    try:
        commit(Path(result.partial), target)
    except OSError as error:
        return replace(result, error=cannot_write(target, error), partial="")
    return result


@contextmanager
def _opened(out: Path, jobs: list[Job]) -> Iterator[dict[str, Manifest]]:
    """The manifest of each statement the jobs belong to, by statement id, with its output
    folder held (outlock.py) for the block, after removing what a killed run left
    half-written in it."""
    with ExitStack() as stack:
        manifests = {}
        for statement_id in dict.fromkeys(job.statement.meta.id for job in jobs):
            folder = out / statement_id
            stack.enter_context(locked(folder))
            remove_partial_files(folder)
            manifests[statement_id] = Manifest.load(folder, statement_id)
        yield manifests


@dataclass(frozen=True)
class _Planned:
    position: int
    job: Job
    target: Path
    document_inputs: dict[str, Any]
    seal: Seal | None = None

    @cached_property
    def inputs(self) -> dict[str, Any]:
        """The document's inputs and who signs it: another signer makes another file."""
        return self.document_inputs | {"signing": self.seal.identity if self.seal else None}

    @cached_property
    def fingerprint(self) -> str:
        """Hashed once: the manifest check and the entry both need it."""
        return fingerprint(self.inputs)

    @cached_property
    def document_fingerprint(self) -> str:
        """Without the signature: the PDF's identifier comes from it, so that a signed file is
        the unsigned one, byte for byte, with the signature appended."""
        return fingerprint(self.document_inputs)


def _skipped(item: _Planned, entry: Entry) -> Outcome:
    return Outcome(item.job, item.target, entry.pages, entry.bytes, skipped=True,
                   sha256=entry.sha256, signer=entry.signer)


def _outcome(item: _Planned, result: Result) -> Outcome:
    return Outcome(item.job, item.target, result.pages, result.bytes, result.error,
                   sha256=result.sha256, seconds=result.seconds, worker=result.worker,
                   peak_rss_kib=result.peak_rss_kib, signer=result.signer)


def _entry(item: _Planned, outcome: Outcome) -> Entry:
    job = item.job
    return Entry(fingerprint=item.fingerprint, inputs=item.inputs, sha256=outcome.sha256,
                 pages=outcome.pages, bytes=outcome.bytes, language=job.language,
                 variant=job.variant, recipient=job.recipient, paper=job.paper,
                 signer=outcome.signer, statement=str(job.statement.folder.resolve()))


class _Saver:
    """Writes the manifests now and then while documents finish, and always at the end: often
    enough that a killed run loses little, rarely enough that a thousand letters do not mean a
    thousand rewrites. A manifest that cannot be written (a full disk) stops the build before
    anything is made, or is reported at the end; the one on disk then says less than is there,
    never more."""

    interval = 1.0

    def __init__(self, manifests: list[Manifest]) -> None:
        self.manifests = manifests
        self.last = time.monotonic()

    def withhold(self, items: list[_Planned], manifests: dict[str, Manifest]) -> None:
        """Take the entries of the documents about to be replaced out of the manifests on disk
        before any of them is replaced (inside `finishing`, which puts back what an interrupt
        leaves unreplaced: the soak run found all entries missing after a Ctrl-C that came
        between this save and the making of documents)."""
        changed = [manifests[item.job.statement.meta.id].withhold(item.target) for item in items]
        if any(changed):
            self.save()

    def maybe_save(self) -> None:
        if time.monotonic() - self.last >= self.interval:
            with suppress(OutputError):  # tried again later; reported at the end if it fails
                self.save()

    def save(self) -> None:
        for manifest in self.manifests:
            try:
                manifest.save()
            except OSError as error:
                raise OutputError(f"{cannot_write(manifest.path, error)}. The documents made "
                                  "are complete but not all are recorded in the manifest: "
                                  "the next build makes them again") from None
        self.last = time.monotonic()

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Around the making of documents. At the end, what was withheld and not replaced is
        put back and the manifests saved; on an interrupt (or any other end but the normal
        one), what was left half-written is removed first, and the interrupt goes on once
        what finished is saved. Either way in one step that a signal does not cut short."""
        try:
            yield
        except BaseException:
            with interrupts.deferred():
                for manifest in self.manifests:
                    remove_partial_files(manifest.folder)
                self._restore()
                try:
                    self.save()
                except OutputError as error:
                    logging.getLogger("statement_pdf").warning("%s", error)
            raise
        with interrupts.deferred():
            self._restore()
            self.save()

    def _restore(self) -> None:
        for manifest in self.manifests:
            manifest.restore_withheld()


def combined_path(project: Project, out: Path, job: Job) -> Path | None:
    name = project.layouts[job.variant].combined_output
    return out / job.statement.meta.id / job.language / name if name else None


def run_combined(project: Project, jobs: list[Job], out: Path, *,
                 force: bool = False) -> list[Outcome]:
    """For layouts with a `combined_output`, one print file per language holding all its
    documents in sequence. Each document is laid out on its own, so its page numbers (and
    running header) restart where it starts; the pages are then written as one PDF.

    A combined file is recorded in the manifest like any output, its inputs being the
    fingerprints of its documents in order, and is skipped when they are unchanged."""
    groups: dict[Path, list[Job]] = {}
    for job in jobs:
        if (target := combined_path(project, out, job)) is not None:
            groups.setdefault(target, []).append(job)
    outcomes: list[Outcome] = []
    for target, group in list(groups.items()):
        if reason := next(filter(None, (refused(project, job) for job in group)), None):
            outcomes.append(Outcome(replace(group[0], recipient=None), target, error=reason))
            del groups[target]
    known: dict[tuple, str] = {}
    planned = [_Planned(-1, replace(group[0], recipient=None), target, {"documents": [
        fingerprint(inputs_of(project, job, known)) for job in group]})
        for target, group in groups.items()]
    with _opened(out, jobs) as manifests:
        pending = []
        for item in planned:
            manifest = manifests[item.job.statement.meta.id]
            if not force and manifest.is_current(item.target, item.fingerprint):
                outcomes.append(_skipped(item, manifest.entries[manifest.key(item.target)]))
            else:
                pending.append(item)
        saver = _Saver(list(manifests.values()))
        renderer = _CombinedRenderer(project) if pending else None
        with interrupts.handled(), saver.finishing():
            saver.withhold(pending, manifests)
            for item in pending:
                result = renderer.render(groups[item.target], item.target)
                with interrupts.deferred():
                    outcome = _outcome(item, _placed(result, item.target))
                    if not outcome.error:
                        manifests[item.job.statement.meta.id].record(item.target,
                                                                     _entry(item, outcome))
                outcomes.append(outcome)
    return outcomes


class _CombinedRenderer:
    """Made only when a combined file must be rendered: WeasyPrint loads only then."""

    def __init__(self, project: Project) -> None:
        from ..render import Renderer

        self.project, self.env = project, environment(project)
        self.renderer = Renderer(project.root)

    def render(self, group: list[Job], target: Path) -> Result:
        """The combined PDF written beside `target`, for `_placed` to move into place."""
        from ..profiles import render_options

        try:
            pdf = self.renderer.pdf([compose(self.project, job, self.env) for job in group],
                                    **render_options(self.project, group[0]))
            partial = write_partial(target, pdf.content)
        except (InputError, RenderError) as error:
            return Result(-1, error=str(error))
        except OSError as error:
            return Result(-1, error=cannot_write(target, error))
        return Result(-1, pdf.pages, len(pdf.content), file_sha256(partial),
                      partial=str(partial))
