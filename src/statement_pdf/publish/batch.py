"""Rendering many documents at once: worker processes that each keep one WeasyPrint set-up.

Most of a document's time is layout in WeasyPrint, which is single-threaded Python, so the
documents are spread over processes. Starting WeasyPrint and loading fonts costs far more than
a press release, so each worker makes its `Renderer` (font configuration, fetcher, image cache)
and Jinja environment once and reuses them for every document it is given. The tasks are handed
to the workers when the pool starts (inherited on fork, pickled once per worker elsewhere), and
each document is then named by its index: nothing but small results crosses between processes.

Ctrl-C and SIGTERM reach the parent only: it stops the workers, removes their temporary files
and keeps what finished, so an interrupted build leaves complete files and nothing else.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compose import Job, compose, environment
from ..errors import InputError, RenderError
from ..model import Project
from ..profiles import render_options
from ..render import Renderer, warn_if_slow_subsetting, write_atomically
from .manifest import file_sha256


@dataclass(frozen=True)
class Task:
    """One document to make, with everything the worker needs and nothing it must look up."""

    job: Job
    target: Path
    fingerprint: str
    emit_html: bool


@dataclass(frozen=True)
class Result:
    """What a worker sends back: small, so that a thousand of them cost nothing to collect."""

    index: int
    pages: int = 0
    bytes: int = 0
    sha256: str = ""
    error: str | None = None
    seconds: float = 0.0
    worker: int = 0
    peak_rss_kib: int = 0


class _Worker:
    def __init__(self, project: Project, tasks: list[Task]) -> None:
        self.project = project
        self.tasks = tasks
        self.renderer = Renderer(project.root)
        self.env = environment(project)

    def make(self, index: int) -> Result:
        task, started = self.tasks[index], time.perf_counter()
        try:
            composed = compose(self.project, task.job, self.env)
            if task.emit_html:
                write_atomically(task.target.with_suffix(".html"),
                                 composed.standalone_html().encode())
            options = render_options(self.project, task.job)
            rendered = self.renderer.render(composed, task.target, **options,
                                            pdf_identifier=_identifier(task))
        except (InputError, RenderError) as error:
            return Result(index, error=str(error), **_measure(started))
        except Exception as error:  # one document's bug must not stop the batch
            return Result(index, error=f"internal error, please report it: "
                          f"{type(error).__name__}: {error}", **_measure(started))
        return Result(index, rendered.pages, rendered.bytes, file_sha256(task.target),
                      **_measure(started))


def _identifier(task: Task) -> bytes:
    """The same inputs must give the same bytes: the PDF's identifier (which PDF/A requires)
    comes from the fingerprint of the inputs, not from chance."""
    return bytes.fromhex(task.fingerprint[:32])


def _measure(started: float) -> dict[str, Any]:
    return {"seconds": time.perf_counter() - started, "worker": os.getpid(),
            "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


_worker: _Worker | None = None
"""The worker process's own state (set by `_start_worker` in each process of the pool)."""


def _start_worker(project: Project, tasks: list[Task]) -> None:
    """The parent decides what an interrupt means: workers ignore Ctrl-C and die quietly on
    the SIGTERM the parent sends them; the parent then removes what they left half-written."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global _worker
    _worker = _Worker(project, tasks)


def _make_in_worker(index: int) -> Result:
    assert _worker is not None, "the pool's initializer sets up each worker"
    return _worker.make(index)


def render_all(
    project: Project,
    tasks: list[Task],
    processes: int,
    on_result: Callable[[Result], None],
) -> None:
    """Make every task, calling `on_result` in this process as each one finishes.

    One process renders in this process (no start-up cost, simplest to debug); more use a
    pool. Either way an interrupt propagates as KeyboardInterrupt after the workers stopped.
    """
    warn_if_slow_subsetting()
    with _interruptible():
        if processes <= 1 or len(tasks) <= 1:
            worker = _Worker(project, tasks)
            for index in range(len(tasks)):
                on_result(worker.make(index))
            return
        pool = _context().Pool(min(processes, len(tasks)), _start_worker, (project, tasks))
        try:
            for result in pool.imap_unordered(_make_in_worker, range(len(tasks))):
                on_result(result)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()


def _context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it: the workers inherit the imported WeasyPrint and the
    loaded project instead of starting from nothing."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM (kill, a CI timeout) is handled like Ctrl-C, so the clean-up in `finally`
    blocks runs instead of the process vanishing mid-write."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
