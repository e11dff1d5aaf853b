"""The same batch on a Dask cluster: `build --cluster tcp://host:8786`, or `--cluster local:N`
for N worker processes started on this machine (docs/cluster.md).

A mail merge to every parliamentarian of several countries outgrows one machine. Its documents
are independent, so Dask distributed — an optional extra, `pip install 'statement-pdf[cluster]'`
— spreads them over every worker it has. Only this module knows about Dask; what a run does
around it (the manifest, skipping, reporting, failures) is run.py's, as with the local pool.

- **What travels.** A worker gets, per document, which statement (its folder inside the
  project), language, variant, recipient and profile, and the fingerprint of the inputs as the
  client computed it — never the project itself, nor a signing key (the client signs what
  comes back). It renders from its own installed copy of the
  project (`STATEMENT_PDF_PROJECT`, or else the client's path, which is right on this machine)
  and first computes the fingerprint itself: if its fonts, layouts, data or software differ from
  the client's it refuses the document, and the client names what differs, rather than
  publish a PDF unlike the one this machine would make.
- **Warm workers.** Each worker process keeps one warm `Worker` (worker.py) per build, reused
  for all the documents it is given, as the local pool's processes do. Documents go out in small
  groups of one language and variant, in the planned order (by language), so the lines a worker
  remembers are those its next documents need, and the scheduler handles tens of tasks per
  worker rather than thousands.
- **Bytes back.** The PDFs come back as bytes, straight from the workers, and the client writes
  them (atomically, like every output): workers need no shared file system, and a worker that
  dies leaves nothing half-written. The scheduler re-runs a dead worker's groups elsewhere.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import signal
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from typing import Any

from ..compose import Job
from ..errors import InputError, RenderError
from ..model import Project, Statement
from .manifest import fingerprint, inputs_of
from .worker import Made, Result, Task, Worker, deliver, sign

LOCAL = "local:"
PROJECT_VARIABLE = "STATEMENT_PDF_PROJECT"
"""Where a worker finds its copy of the project, when not at the same path as the client's."""
CONNECT_SECONDS = 5
"""A scheduler that does not answer within this is reported as unreachable (exit 2)."""
WORKERS_SECONDS = 30
"""How long to wait for a scheduler without workers to get one before giving up."""
GROUP_SIZE = 8
"""At most this many documents per task: few enough that the last tasks end together and a
dead worker's are soon redone, enough that the scheduler's work per document is negligible."""
GROUPS_PER_WORKER = 4
"""Smaller groups when there are few documents, so that every worker gets several."""
INSTALL = "pip install 'statement-pdf[cluster]'"


class ClusterError(Exception):
    """The cluster cannot be used at all: Dask missing, no scheduler, no workers. A usage
    error (exit 2), not a document's failure."""


@dataclass(frozen=True)
class DaskCluster:
    """An executor (executor.py): the scheduler at `address`, or `local_workers` processes."""

    address: str
    local_workers: int = 0

    @classmethod
    def from_option(cls, value: str) -> DaskCluster:
        """`--cluster`'s value, checked before anything is planned."""
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ClusterError(f"--cluster needs Dask distributed, which is not installed: "
                               f"{INSTALL}") from None
        if value.startswith(LOCAL):
            count = value.removeprefix(LOCAL)
            if not count.isdigit() or int(count) < 1:
                raise ClusterError(f"--cluster {value}: expected local:N, N the number of "
                                   "worker processes to start here (e.g. local:2)")
            return cls(value, int(count))
        if "://" not in value:
            raise ClusterError(f"--cluster {value}: expected the Dask scheduler's address, "
                               "e.g. tcp://scheduler.example.org:8786, or local:N")
        return cls(value)

    def render_all(self, project: Project, tasks: list[Task],
                   on_result: Callable[[Result], None]) -> None:
        with self._client() as client:
            build = _Build(client, project, tasks)
            for indices in _groups(tasks, len(client.scheduler_info()["workers"])):
                build.submit(indices)
            try:
                for future in build.completed:
                    for result in build.results(future):
                        on_result(result)
            except BaseException:
                build.cancel()
                raise

    @contextmanager
    def _client(self) -> Iterator[Any]:
        from distributed import Client, LocalCluster

        cluster = None
        try:
            if self.local_workers:  # its log (a heartbeat lost as it stops) is not news
                cluster = LocalCluster(n_workers=self.local_workers, threads_per_worker=1,
                                       processes=True, dashboard_address=None,
                                       silence_logs=logging.CRITICAL, preload=[__name__])
            client = Client(cluster or self.address, timeout=CONNECT_SECONDS,
                            set_as_default=False, direct_to_workers=True)
        except (OSError, TimeoutError) as error:
            if cluster is not None:
                cluster.close()
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address} ({error}); "
                               "start it with `dask scheduler` or check the address "
                               "(docs/cluster.md). Nothing was rendered.") from None
        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
            yield client
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler at {self.address} has no workers after "
                               f"{WORKERS_SECONDS} s: start some with `dask worker "
                               f"{self.address}` (docs/cluster.md). Nothing was rendered."
                               ) from None
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _groups(tasks: list[Task], workers: int) -> list[list[int]]:
    """Consecutive documents of one statement, language and variant, in groups of a size that
    gives every worker several."""
    size = max(1, min(GROUP_SIZE, math.ceil(len(tasks) / (GROUPS_PER_WORKER * max(1, workers)))))
    groups = []
    for _, run in groupby(range(len(tasks)), key=lambda index: _kind(tasks[index].job)):
        indices = list(run)
        groups.extend(indices[start:start + size] for start in range(0, len(indices), size))
    return groups


def _kind(job: Job) -> tuple[str, str, str]:
    return job.statement.meta.id, job.language, job.variant


# What crosses to a worker, and back.


@dataclass(frozen=True)
class _Order:
    """One document, named rather than described: the worker has the project."""

    index: int
    statement: str
    """The statement's folder, relative to the project's root."""
    language: str
    variant: str
    paper: str
    recipient: str | None
    profile: str | None
    fingerprint: str
    target: str
    """Where the client will write it (a worker writes nothing)."""


@dataclass(frozen=True)
class _Group:
    run: str
    """One build: a worker's warm state belongs to one build, so that files edited between
    two builds are read again."""
    project: str
    """The client's project folder, where a worker without STATEMENT_PDF_PROJECT looks."""
    source_date_epoch: str | None
    """The client's SOURCE_DATE_EPOCH, which the worker renders with (it is an input)."""
    emit_html: bool
    orders: list[_Order]


@dataclass(frozen=True)
class _Refusal:
    """A worker whose inputs differ from the client's: the client says how (it has both)."""

    index: int
    worker: str
    project: str
    inputs: dict[str, Any] | None = None
    problem: str | None = None
    """Why the worker could not even compute its inputs (no project, broken data)."""


class _Build:
    """The client's side of one build on the cluster: the groups submitted, and what comes
    back from them."""

    def __init__(self, client: Any, project: Project, tasks: list[Task]) -> None:
        from distributed import as_completed

        self.client, self.project, self.tasks = client, project, tasks
        self.run = os.urandom(8).hex()
        self.emit_html = any(task.emit_html for task in tasks)
        self.completed = as_completed(loop=client.loop)
        self.submitted: dict[Any, list[int]] = {}
        self.count = 0

    def submit(self, indices: list[int], priority: int | None = None) -> None:
        """Groups run in the order they are submitted, unless given a priority."""
        self.count += 1
        future = self.client.submit(
            _make_group, self.group(indices), pure=False, key=f"statement-pdf-{self.run}-"
            f"{self.count}", priority=-self.count if priority is None else priority)
        self.submitted[future] = indices
        self.completed.add(future)

    def cancel(self) -> None:
        self.client.cancel(list(self.submitted))

    def group(self, indices: list[int]) -> _Group:
        root = self.project.root.resolve()
        orders = []
        for index in indices:
            task = self.tasks[index]
            job = task.job
            orders.append(_Order(index, job.statement.folder.resolve().relative_to(root)
                                 .as_posix(), job.language, job.variant, job.paper,
                                 job.recipient, job.profile, task.fingerprint, str(task.target)))
        return _Group(self.run, str(root), os.environ.get("SOURCE_DATE_EPOCH"),
                      self.emit_html, orders)

    def results(self, future: Any) -> Iterator[Result]:
        """Each document of a finished group, written. A group that killed every worker that
        tried it is split, so that the one document to blame fails alone; a group the cluster
        could not make otherwise fails each of its documents with the reason."""
        from distributed import KilledWorker

        indices = self.submitted.pop(future)
        try:
            answers = future.result()
        except KilledWorker:
            if len(indices) > 1:
                for index in indices:
                    self.submit([index], priority=1)
                return
            yield Result(indices[0], error="not made: every Dask worker that tried it died "
                         "(it may exhaust a worker's memory)")
            return
        except Exception as error:
            yield from (Result(index, error=f"not made on the cluster: "
                               f"{type(error).__name__}: {error}") for index in indices)
            return
        finally:
            future.release()
        for answer in answers:
            if isinstance(answer, _Refusal):
                yield Result(answer.index, error=self.refusal(answer))
            else:
                yield deliver(self.signed(answer), self.tasks[answer.result.index].target)

    def signed(self, made: Made) -> Made:
        """Signed here, where the key is: it is never sent to the workers (worker.sign)."""
        task = self.tasks[made.result.index]
        if task.seal is None or made.result.error:
            return made
        try:
            content = sign(made.pdf, task, self.project)
        except RenderError as error:
            return Made(replace(made.result, error=str(error)))
        return Made(replace(made.result, bytes=len(content), signer=task.seal.signer,
                            sha256=hashlib.sha256(content).hexdigest()), content, made.html)

    def refusal(self, refusal: _Refusal) -> str:
        if refusal.problem:
            difference = refusal.problem
        else:
            assert refusal.inputs is not None
            mine = inputs_of(self.project, self.tasks[refusal.index].job)
            difference = "its project differs from this one in " + difference_of(
                mine, refusal.inputs)
        return (f"refused by the Dask worker {refusal.worker} (project {refusal.project}): "
                f"{difference}. Every worker needs the same project, data and software as "
                "this machine (docs/cluster.md).")


def difference_of(here: dict[str, Any], there: dict[str, Any]) -> str:
    """The kinds of input (as the manifest names them) that differ, with the values where
    they say something to a person (versions, options) rather than being digests."""
    parts = []
    for kind in sorted(set(here) | set(there)):
        mine, theirs = here.get(kind), there.get(kind)
        if mine == theirs:
            continue
        if isinstance(mine, dict) and isinstance(theirs, dict):
            parts.append(f"{kind} (" + ", ".join(
                f"{name}: {_short(mine.get(name))} here, {_short(theirs.get(name))} there"
                for name in sorted(set(mine) | set(theirs)) if mine.get(name) != theirs.get(name)
            ) + ")")
        else:
            parts.append(kind)
    return ", ".join(parts)


def _short(value: object) -> str:
    text = str(value)
    return text[:12] + "…" if len(text) == 64 else text  # a digest: its start is enough


# The worker's side: one warm state per build, one document at a time per worker process.


def dask_setup(worker: object) -> None:
    """Dask's preload hook, run in each worker process `--cluster local:N` starts: Ctrl-C at
    the terminal reaches every process of the group, and the client decides what it means
    (it stops the cluster); the workers must not die with tracebacks of their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)



_lock = threading.Lock()
"""A worker started with several threads still renders one document at a time: a renderer
is not made to be shared, and WeasyPrint's layout holds the GIL anyway."""
_states: OrderedDict[str, _State] = OrderedDict()
_KEEP_STATES = 2
"""Two builds sharing the cluster each keep their warm state; older ones are dropped."""


def _make_group(group: _Group) -> list[Made | _Refusal]:
    """A Dask task: make every document of the group, in this worker process."""
    from distributed import get_worker

    address = get_worker().address
    with _lock, _source_date_epoch(group.source_date_epoch):
        root = Path(os.environ.get(PROJECT_VARIABLE) or group.project)
        try:
            state = _state(group.run, root)
        except InputError as error:
            problem = f"its copy of the project cannot be loaded: {error}"
            return [_Refusal(order.index, address, str(root), problem=problem)
                    for order in group.orders]
        except _NoProject:
            problem = (f"no statement-pdf project at {root} on that machine: install it there, "
                       f"or set {PROJECT_VARIABLE} to its folder when starting the worker")
            return [_Refusal(order.index, address, str(root), problem=problem)
                    for order in group.orders]
        return [state.make(order, group.emit_html, address) for order in group.orders]


class _NoProject(Exception):
    pass


def _state(run: str, root: Path) -> _State:
    if run not in _states:
        if not ((root / "layouts").is_dir() and (root / "data" / "languages").is_dir()):
            raise _NoProject
        _states[run] = _State(root)
        while len(_states) > _KEEP_STATES:
            _states.popitem(last=False)
    _states.move_to_end(run)
    return _states[run]


class _State:
    """A worker's warm state for one build: its own project, loaded once, and the renderer."""

    def __init__(self, root: Path) -> None:
        from ..load import load_project
        from ..render import warn_if_slow_subsetting

        warn_if_slow_subsetting()
        self.project = load_project(root)
        self.worker = Worker(self.project)
        self.statements: dict[str, Statement] = {}
        self.known: dict[tuple, str] = {}

    def make(self, order: _Order, emit_html: bool, address: str) -> Made | _Refusal:
        root = str(self.project.root)
        try:
            job = Job(self.statement(order.statement), order.language, order.variant,
                      order.paper, order.recipient, order.profile)
        except InputError as error:
            return _Refusal(order.index, address, root,
                            problem=f"its copy of the statement cannot be loaded: {error}")
        inputs = inputs_of(self.project, job, self.known)
        if fingerprint(inputs) != order.fingerprint:
            return _Refusal(order.index, address, root, inputs)
        task = Task(job, Path(order.target), order.fingerprint, emit_html)
        return self.worker.make(task, order.index)

    def statement(self, folder: str) -> Statement:
        from ..load import load_statement

        if folder not in self.statements:
            self.statements[folder] = load_statement(self.project.root / folder, self.project)
        return self.statements[folder]


@contextmanager
def _source_date_epoch(value: str | None) -> Iterator[None]:
    """The client's SOURCE_DATE_EPOCH while the worker renders (the PDF's dates come from
    it); the worker's own is put back afterwards."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    _set_environment("SOURCE_DATE_EPOCH", value)
    try:
        yield
    finally:
        _set_environment("SOURCE_DATE_EPOCH", previous)


def _set_environment(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
