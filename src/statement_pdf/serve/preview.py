"""What the server shows, kept up to date: the statements, their documents and their problems.

A save must show in well under two seconds, and most of a cold document's time is starting
WeasyPrint and warming its fonts. So one `Renderer` lives as long as the server, and a rebuild
is the incremental build of publish/: every document is planned, its inputs fingerprinted, and
only those whose fingerprint left the manifest are rendered again — in this process, with the
warm renderer, press releases before letters. The PDFs are the build's own (`out/` by default):
what the preview shows is what would be sent, and a later `build` finds them current.

Rebuilds run in one thread (the server's `Builder`); the web handlers read snapshots. A document
that fails keeps its last good PDF (on disk, named in the manifest) beside the error, so the
page can show both.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..authoring.check import Scope, over_page_limit, preflight
from ..authoring.translations import translation_problems
from ..compose import Job, compose, environment
from ..errors import InputError, Problem, RenderError
from ..load import load_project, load_statement
from ..model import Project, Statement
from ..publish import Outcome, output_path, plan, run
from ..publish.manifest import Entry, Manifest
from ..publish.worker import Result, Task, Worker, deliver
from .pages import page_words

if TYPE_CHECKING:
    from ..render import Renderer

LOG = logging.getLogger("statement_pdf.serve")
STATEMENTS = Path("data") / "statements"
OVERFLOW_WORDS = 8
"""How many words of the first page too many a page-limit problem quotes."""


class Stopped(Exception):
    """The server is stopping: the rebuild gives up between two documents."""


class Superseded(Exception):
    """A newer save came in: the rebuild gives up between two documents, and the next one
    takes over what it had left (those documents are still not current in the manifest)."""


@dataclass(frozen=True)
class Document:
    """One output of a statement as the preview shows it: its last good PDF (on disk) and, when
    its current inputs could not be made into a PDF, why."""

    language: str
    name: str
    """The output's file name: press.pdf, letter-<recipient>.pdf."""
    variant: str
    recipient: str | None
    path: Path
    title: str = ""
    direction: str = "ltr"
    sha256: str = ""
    """Of the last good PDF at `path`; empty when there has never been one."""
    pages: int = 0
    error: str | None = None
    seconds: float = 0.0
    """How long its last rendering took (0 when it was found current)."""
    version: int = 0

    @property
    def key(self) -> str:
        return f"{self.language}/{self.name}"


@dataclass(frozen=True)
class Translation:
    code: str
    name: str
    native_name: str
    direction: str
    labels: tuple[str, ...]
    """"source", or "draft"/"approved", and "out of date" when `check` finds it behind."""


@dataclass
class StatementView:
    id: str
    folder: Path
    title: str = ""
    date: str = ""
    translations: list[Translation] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    building: bool = True
    version: int = 0

    @property
    def outputs(self) -> list[str]:
        """Each output name once, in the order the documents were planned (press first)."""
        return list(dict.fromkeys(document.name for document in self.documents.values()))

    def document(self, language: str, name: str) -> Document | None:
        return self.documents.get(f"{language}/{name}")

    def snapshot(self) -> StatementView:
        return replace(self, translations=list(self.translations),
                       documents=dict(self.documents), problems=list(self.problems))


class Preview:
    """The statements of one project as the server shows them. `notify` hears of every change
    as a small event (see events.py); `rebuild` is called by one thread at a time."""

    def __init__(
        self,
        root: Path,
        out: Path,
        statement_folders: Iterable[Path] | None = None,
        languages: list[str] | None = None,
        variants: list[str] | None = None,
        notify: Callable[[dict[str, Any]], None] = lambda event: None,
    ) -> None:
        self.root = root.resolve()
        self.out = out.resolve()
        self.only = None if statement_folders is None else [
            folder.resolve() for folder in statement_folders]
        self.languages, self.variants = languages, variants
        self.notify = notify
        self.renderer: Renderer | None = None
        self.project: Project | None = None
        """As last read without errors (the web pages use its fonts and languages)."""
        self.stopping = threading.Event()
        self._warm: set[str] = set()
        """Languages the renderer has laid out text in (their fonts are loaded)."""
        self.superseded: Callable[[], bool] = lambda: False
        """Asked between two documents: whether a newer request waits (see `Superseded`)."""
        self._lock = threading.Lock()
        self._versions = itertools.count(1)
        self._views = {folder.name: StatementView(folder.name, folder)
                       for folder in self.folders()}

    # --- reading (any thread) ----------------------------------------------------------------

    def folders(self) -> list[Path]:
        """The statements served: those named at start, or every one the project has now."""
        if self.only is not None:
            return self.only
        return sorted(folder for folder in (self.root / STATEMENTS).glob("*")
                      if (folder / "statement.yaml").is_file())

    def statements(self) -> list[StatementView]:
        with self._lock:
            return [view.snapshot() for view in self._views.values()]

    def statement(self, statement_id: str) -> StatementView | None:
        with self._lock:
            view = self._views.get(statement_id)
            return view.snapshot() if view else None

    def manifest(self, statement_id: str) -> dict[str, Entry]:
        """What the last build recorded in the output folder (this server's builds included)."""
        return Manifest.load(self.out / statement_id, statement_id).entries

    def load(self, folder: Path) -> tuple[Project, Statement]:
        """The project and the statement in `folder` as they are on disk now (InputError if
        they cannot be read)."""
        project = load_project(self.root)
        return project, load_statement(folder, project)

    def relative(self, path: Path) -> str | None:
        """`path` relative to the project, for links to its source; None outside it."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    # --- rebuilding (the builder thread) -----------------------------------------------------

    def rebuild(self, changed: set[Path] | None = None, force: Iterable[str] = ()) -> None:
        """Bring every statement that `changed` files (None: all of them) may affect up to
        date; statements in `force` are rendered again whatever the manifest says."""
        force = set(force)
        self._keep_renderer_true(changed)
        with self._lock:
            self._views = {folder.name: self._views.get(folder.name)
                           or StatementView(folder.name, folder) for folder in self.folders()}
            affected = [view for view in self._views.values()
                        if view.id in force or changed is None or self._affects(changed, view)]
        if not affected:
            return
        if changed:
            LOG.info("changed: %s", ", ".join(sorted(
                self.relative(path) or str(path) for path in changed)))
        try:
            project = load_project(self.root)
        except InputError as error:
            for view in affected:
                self._failed(view, error.problems)
            return
        self.project = project
        for view in affected:
            self._rebuild_statement(project, view, view.id in force)

    def _affects(self, changed: set[Path], view: StatementView) -> bool:
        """A file of the statement's own folder, or any file outside data/statements/."""
        statements = self.root / STATEMENTS
        return any(path.is_relative_to(view.folder) or not path.is_relative_to(statements)
                   for path in changed)

    def _keep_renderer_true(self, changed: set[Path] | None) -> None:
        """The warm renderer keeps fonts, stylesheets and images: a changed font means a new
        renderer; a changed layout or image, that it reads its files again."""
        from ..render import Renderer  # WeasyPrint loads with the first rebuild, not at import

        if self.renderer is None or any(path.is_relative_to(self.root / "assets")
                                        for path in changed or ()):
            self.renderer, self._warm = Renderer(self.root), set()
        elif any(not path.is_relative_to(self.root / STATEMENTS) for path in changed or ()):
            self.renderer.forget_files()

    def _rebuild_statement(self, project: Project, view: StatementView, force: bool) -> None:
        started = time.perf_counter()
        try:
            statement = load_statement(view.folder, project)
            jobs = plan(project, statement, self.languages, self.variants)
        except InputError as error:
            self._failed(view, error.problems)
            return
        jobs.sort(key=lambda job: project.layouts[job.variant].per_recipient)
        self._plan_documents(project, statement, view, jobs)
        outcomes = run(project, jobs, self.out, executor=InThisProcess(self.renderer), force=force,
                       progress=lambda outcome: self._finished(view.id, outcome))
        self._warm_up(project, jobs, outcomes)
        problems = preflight(view.folder, Scope(self.languages, self.variants), measure=False)
        problems += self._page_limit_problems(project, view.id, jobs)
        with self._lock:
            view.problems, view.building = problems, False
            view.translations = _translations(project, statement)
            self._touch(view)
        rendered = [outcome for outcome in outcomes if not outcome.skipped]
        failed = sum(outcome.error is not None for outcome in outcomes)
        LOG.info("%s: %d rendered, %d current, %d failed, %d problem(s) in %.2f s", view.id,
                 len(rendered) - failed, len(outcomes) - len(rendered), failed, len(problems),
                 time.perf_counter() - started)

    def _plan_documents(self, project: Project, statement: Statement, view: StatementView,
                        jobs: list[Job]) -> None:
        """The documents the plan has now, each with what it had before — or, new to this
        server, with the PDF the last build left on disk as its last good version."""
        recorded = self.manifest(view.id)
        documents = {}
        for job in jobs:
            path = output_path(project, self.out, job)
            key = f"{job.language}/{path.name}"
            entry = recorded.get(key)
            documents[key] = replace(
                view.documents.get(key) or Document(
                    job.language, path.name, job.variant, job.recipient, path,
                    sha256=entry.sha256 if entry else "", pages=entry.pages if entry else 0),
                title=" ".join(statement.texts[job.language].title.split()),
                direction=project.languages[job.language].direction)
        with self._lock:
            view.documents = documents
            view.title = " ".join(statement.texts[statement.meta.source_language].title.split())
            view.date = statement.meta.date.isoformat()
            view.building = True
            self._touch(view)

    def _warm_up(self, project: Project, jobs: list[Job], outcomes: list[Outcome]) -> None:
        """Started on a build that is current, the server renders nothing, and the first save
        would wait for the fonts to load and the lines to be shaped: measured here, an English
        press release took 0.78 s from a cold renderer, and 0.10 s once one like it had been
        rendered. So each language that rendered nothing renders one document, once, into a
        scratch folder."""
        from ..profiles import render_options

        self._warm |= {outcome.job.language for outcome in outcomes if not outcome.skipped}
        cold: dict[str, Job] = {}
        for job in jobs:
            if job.language not in self._warm:
                cold.setdefault(job.language, job)
        env = environment(project)
        with tempfile.TemporaryDirectory(prefix="statement-pdf-warm-up-") as scratch:
            for language, job in cold.items():
                if self.stopping.is_set() or self.superseded():
                    return
                with contextlib.suppress(InputError, RenderError):
                    self.renderer.render(compose(project, job, env), Path(scratch) / "warm.pdf",
                                         **render_options(project, job))
                self._warm.add(language)

    def _finished(self, statement_id: str, outcome: Outcome) -> None:
        """One document is done (or found current): the page hears of it now, not at the end.
        Then, if the server is stopping or a newer save waits, the rebuild stops here."""
        self._record(statement_id, outcome)
        if self.stopping.is_set():
            raise Stopped
        if self.superseded():
            raise Superseded

    def _record(self, statement_id: str, outcome: Outcome) -> None:
        with self._lock:
            view = self._views[statement_id]
            key = outcome.path.relative_to(self.out / statement_id).as_posix()
            before = view.documents[key]
            if outcome.error:
                after = replace(before, error=self.shown(outcome.error), seconds=outcome.seconds)
            elif outcome.skipped:  # current: what it last took to render still holds
                after = replace(before, sha256=outcome.sha256, pages=outcome.pages, error=None)
            else:
                after = replace(before, sha256=outcome.sha256, pages=outcome.pages, error=None,
                                seconds=outcome.seconds)
            if after == before:
                return
            view.documents[key] = after = replace(after, version=next(self._versions))
        if outcome.error:
            LOG.warning("%s failed after %.2f s: %s", key, outcome.seconds, after.error)
        elif not outcome.skipped:
            LOG.info("rendered %s (%d pages) in %.2f s", key, outcome.pages, outcome.seconds)
        self.notify({"type": "document", "statement": statement_id, "key": key,
                     "version": after.version})

    def _failed(self, view: StatementView, problems: list[Problem]) -> None:
        """The statement (or the project) cannot be read: no document can be made, each shows
        why, over its last good pages."""
        summary = "\n".join(self.shown(str(problem)) for problem in problems[:5])
        if len(problems) > 5:
            summary += f"\n… and {len(problems) - 5} more (see the problems)"
        with self._lock:
            for key, document in view.documents.items():
                view.documents[key] = replace(document, error=summary,
                                              version=next(self._versions))
            view.problems, view.building = list(problems), False
            self._touch(view)
            keys = [(key, document.version) for key, document in view.documents.items()]
        LOG.warning("%s cannot be read: %d problem(s), first: %s", view.id, len(problems),
                    self.shown(str(problems[0])) if problems else "")
        for key, version in keys:
            self.notify({"type": "document", "statement": view.id, "key": key,
                         "version": version})

    def _page_limit_problems(self, project: Project, statement_id: str,
                             jobs: list[Job]) -> list[Problem]:
        """Counted on the PDFs just made: no second layout of every document, as `check`
        needs."""
        problems = []
        with self._lock:
            documents = dict(self._views[statement_id].documents)
        for job in jobs:
            path = output_path(project, self.out, job)
            document = documents[f"{job.language}/{path.name}"]
            limit = project.layouts[job.variant].page_limit
            if document.error is None and document.pages > limit:
                problems.append(over_page_limit(project, job, document.pages,
                                                page_words(path, limit, OVERFLOW_WORDS)))
        return problems

    def _touch(self, view: StatementView) -> None:
        """Called with the lock held: a new version of the statement's page, announced."""
        view.version = next(self._versions)
        self.notify({"type": "statement", "statement": view.id, "version": view.version,
                     "building": view.building})

    def shown(self, message: str) -> str:
        """Messages name files by their place in the project, as the author knows them."""
        return message.replace(f"{self.root}/", "")


@dataclass(frozen=True)
class InThisProcess:
    """The server's executor (see publish/executor.py): every document made here, one after
    the other, with the renderer the server keeps warm."""

    renderer: Renderer

    def render_all(self, project: Project, tasks: list[Task],
                   on_result: Callable[[Result], None]) -> None:
        worker = Worker(project, self.renderer)
        for index, task in enumerate(tasks):
            on_result(deliver(worker.make(task, index), task.target))


def _translations(project: Project, statement: Statement) -> list[Translation]:
    translations = []
    for code in statement.languages:
        language = project.languages[code]
        if code == statement.meta.source_language:
            labels: tuple[str, ...] = ("source",)
        else:
            labels = (statement.texts[code].status,) + (
                ("out of date",) if translation_problems(statement, code) else ())
        translations.append(Translation(code, language.name, language.native_name,
                                        language.direction, labels))
    return translations
