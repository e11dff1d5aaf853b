"""Where the documents of a run are made: the boundary between planning a run (run.py) and the
machinery that renders it.

    LocalPool    worker processes on this machine (batch.py), the default
    DaskCluster  the workers of a Dask cluster (cluster.py), for `build --cluster`

Both make each document with a warm `Worker` (worker.py) and hand back one `Result` per task;
everything else — the manifest, skipping what is current, reporting, cleaning up after an
interrupt — is run.py's, and so the same whichever executor is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..model import Project
from .worker import Result, Task


class Executor(Protocol):
    def render_all(self, project: Project, tasks: list[Task],
                   on_result: Callable[[Result], None]) -> None:
        """Make every task; call `on_result` in this process as each one finishes, once its
        files are written at the task's target (or it failed). Ctrl-C and SIGTERM arrive as
        KeyboardInterrupt, which must propagate once nothing is left writing."""
