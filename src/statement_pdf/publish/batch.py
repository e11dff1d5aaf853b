"""The default executor: worker processes on this machine, each keeping one warm renderer.

Most of a document's time is layout in WeasyPrint, which is single-threaded Python, so the
documents are spread over processes, each a `Worker` (worker.py) that makes and writes the
documents it is given. The tasks are handed to the workers when the pool starts (inherited on
fork, pickled once per worker elsewhere), and each document is then named by its index:
nothing but small results crosses between processes.

Ctrl-C and SIGTERM reach the parent only (see interrupt.py): it stops the workers, removes
their temporary files and keeps what finished, so an interrupted build leaves complete files
and nothing else.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Project
from .worker import Result, Task, Worker, deliver


@dataclass(frozen=True)
class LocalPool:
    """`processes` worker processes; one renders in this process (no start-up cost, simplest
    to debug)."""

    processes: int

    def render_all(self, project: Project, tasks: list[Task],
                   on_result: Callable[[Result], None]) -> None:
        render_all(project, tasks, self.processes, on_result)


class _Worker:
    def __init__(self, project: Project, tasks: list[Task]) -> None:
        self.worker = Worker(project)
        self.tasks = tasks

    def make(self, index: int) -> Result:
        return deliver(self.worker.make(self.tasks[index], index), self.tasks[index].target)


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
    """Make every task, calling `on_result` in this process as each one finishes. An interrupt
    propagates as KeyboardInterrupt after the workers stopped."""
    from ..render import warn_if_slow_subsetting  # once, in the parent, not once per worker

    warn_if_slow_subsetting()
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
