"""Worker processes that end when the run ends: whatever happens, within seconds.

multiprocessing.Pool could hang a build for ever: terminating it after its workers died waits
for a lock that a dead worker may hold (`_help_stuff_finish`), and a worker killed mid-task (by
the out-of-memory killer, say) leaves `imap` waiting for a result that never comes. This pool
shares no lock and no queue with its workers: each worker has its own pipe, is given one task
index at a time and sends back one result, and the parent watches the pipes and the processes
themselves. So:

- a worker that dies mid-task is noticed at once; its task gets a result saying so (`lost`) and
  a new worker takes the remaining tasks;
- stopping (at the end, or on an interrupt) asks each worker to end, then sends SIGTERM, then
  SIGKILL to any still alive after `GRACE` seconds, and reaps them all;
- a worker ignores SIGINT (Ctrl-C reaches the whole process group; the parent decides), dies at
  once on SIGTERM (the parent cleans up after it) and, on Linux, is killed by the kernel when
  the parent dies, even by SIGKILL;
- signals are blocked while a worker is forked, so that none arrives before it has set this up.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

from .. import interrupts

R = TypeVar("R")
GRACE = 2.0
"""Seconds a worker gets to end after SIGTERM before it is killed outright."""
_PR_SET_PDEATHSIG = 1


@dataclass
class _Process:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    task: int | None = None


class ProcessPool(Generic[R]):
    """`processes` workers, each running `initializer(*initargs)` once and then `work(index)`
    for every index it is given. Use it as a context manager: leaving the block, normally or
    not, stops and reaps every worker."""

    def __init__(self, processes: int, initializer: Callable[..., None], initargs: tuple,
                 work: Callable[[int], R], lost: Callable[[int, str], R]) -> None:
        self.processes = processes
        self.initializer, self.initargs, self.work, self.lost = initializer, initargs, work, lost
        self.workers: list[_Process] = []

    def __enter__(self) -> ProcessPool[R]:
        return self

    def __exit__(self, *exception: object) -> None:
        with interrupts.deferred():  # a signal now must not leave a worker unreaped
            self.stop()

    def run(self, indices: Iterable[int], on_result: Callable[[R], None]) -> None:
        """Make every index, calling `on_result` in this process as each result arrives.
        Receiving a result and handing it to `on_result` is one step an interrupt does not
        cut in two."""
        queue = deque(indices)
        while queue and len(self.workers) < self.processes:
            self._give(self._start(), queue)
        while busy := [worker for worker in self.workers if worker.task is not None]:
            ready = wait([worker.connection for worker in busy]
                         + [worker.process.sentinel for worker in busy])
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    with interrupts.deferred():
                        self._collect(worker, queue, on_result)

    def _collect(self, worker: _Process, queue: deque[int],
                 on_result: Callable[[R], None]) -> None:
        task = worker.task
        assert task is not None
        try:
            result = worker.connection.recv() if worker.connection.poll() else None
        except (EOFError, OSError):
            result = None
        if result is None and worker.process.is_alive():
            return  # woken by a partial message; the rest follows
        worker.task = None
        if result is None:
            self._retire(worker)
            result = self.lost(task, _describe_end(worker.process))
            if queue:
                worker = self._start()
        on_result(result)
        self._give(worker, queue)

    def _give(self, worker: _Process, queue: deque[int]) -> None:
        if queue:
            worker.task = queue.popleft()
            worker.connection.send(worker.task)

    def _start(self) -> _Process:
        parent_end, child_end = multiprocessing.Pipe()
        process = _context().Process(target=_serve, daemon=True, args=(
            child_end, os.getpid(), self.initializer, self.initargs, self.work, self.lost))
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, interrupts.SIGNALS)
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child_end.close()
        worker = _Process(process, parent_end)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Process) -> None:
        worker.connection.close()
        worker.process.join(GRACE)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        self.workers.remove(worker)

    def stop(self) -> None:
        """End every worker: idle ones are told to, busy ones get SIGTERM, and any still alive
        after `GRACE` seconds gets SIGKILL."""
        for worker in self.workers:
            try:
                if worker.task is None:
                    worker.connection.send(None)
                else:
                    worker.process.terminate()
            except (OSError, ValueError):
                worker.process.terminate()
        deadline = time.monotonic() + GRACE
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self.workers.clear()


def _serve(connection: Connection, parent: int, initializer: Callable[..., None],
           initargs: tuple, work: Callable[[int], R], lost: Callable[[int, str], R]) -> None:
    """A worker's life: set up, then make one index at a time until told to stop (None) or
    the parent is gone. A worker that cannot set up answers each task with what went wrong
    instead of dying with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts.SIGNALS)
    try:
        initializer(*initargs)
        failure = None
    except Exception as error:
        failure = f"the worker process could not start: {type(error).__name__}: {error}"
    while True:
        try:
            index = connection.recv()
        except (EOFError, OSError):
            return
        if index is None:
            return
        connection.send(work(index) if failure is None else lost(index, failure))


def _die_with(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; elsewhere a worker
    ends when it finds the pipe closed, after its current task)."""
    if sys.platform != "linux":
        return
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _describe_end(process: multiprocessing.process.BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"the worker process making it was killed by {name}{hint}"
    return f"the worker process making it ended unexpectedly (exit code {code})"


def _context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it: the workers inherit the imported WeasyPrint and the
    loaded project instead of starting from nothing."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])
