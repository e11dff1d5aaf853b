"""The default executor: worker processes on this machine, each keeping one warm renderer.

Most of a document's time is layout in WeasyPrint, which is single-threaded Python, so the
documents are spread over processes, each a `Worker` (worker.py) that makes and writes the
documents it is given. The tasks are handed to the workers when they start (inherited on fork),
and each document is then named by its index: nothing but small results crosses between
processes. The processes are pool.py's, which end with the run whatever happens: an interrupted
build stops its workers within seconds, and run.py keeps what finished and removes the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import interrupts
from ..model import Project
from .pool import ProcessPool
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
    global _worker
    _worker = _Worker(project, tasks)


def _make_in_worker(index: int) -> Result:
    assert _worker is not None, "the pool's initializer sets up each worker"
    return _worker.make(index)


def _lost(index: int, reason: str) -> Result:
    return Result(index, error=reason)


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
            result = worker.make(index)
            with interrupts.deferred():
                on_result(result)
        return
    with ProcessPool(min(processes, len(tasks)), _start_worker, (project, tasks),
                     _make_in_worker, _lost) as pool:
        pool.run(range(len(tasks)), on_result)
