"""How a build tells people (and scripts) what it did: a progress bar while it runs, then a
summary table, or one JSON document for `--json`.

A release is a few hundred documents made minutes before an embargo: the person running it wants
to see it move, then one glance at what was written, what was already current and what failed
and why. Failures are always listed, whatever else is switched off.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .run import Outcome


@dataclass(frozen=True)
class Summary:
    documents: int
    written: int
    skipped: int
    failed: int
    pages: int
    bytes: int
    seconds: float
    peak_rss_kib_by_worker: dict[int, int]

    @classmethod
    def of(cls, outcomes: list[Outcome], seconds: float) -> Summary:
        present = [outcome for outcome in outcomes if not outcome.error]
        peaks: dict[int, int] = {}
        for outcome in outcomes:
            if outcome.worker:
                peaks[outcome.worker] = max(peaks.get(outcome.worker, 0), outcome.peak_rss_kib)
        return cls(
            documents=len(outcomes),
            written=sum(not outcome.skipped for outcome in present),
            skipped=sum(outcome.skipped for outcome in present),
            failed=len(outcomes) - len(present),
            pages=sum(outcome.pages for outcome in present),
            bytes=sum(outcome.bytes for outcome in present),
            seconds=round(seconds, 3),
            peak_rss_kib_by_worker=peaks,
        )


@contextmanager
def progress_bar(console: Console, total: int, enabled: bool) -> Iterator[Any]:
    """A callback for `publish.run` that moves a bar; a no-op when off or not on a terminal
    (a log file should not fill with redrawn bars). The bar is redrawn as documents finish,
    not by rich's refresh thread: the workers are forked, and forking a process while another
    thread may hold the terminal's lock is how child processes deadlock."""
    if not enabled or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.fields[current]}"))
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("rendering", total=total, current="")

        def advance(outcome: Outcome) -> None:
            progress.update(task, advance=1, current=f"{outcome.job.language} "
                            f"{outcome.job.variant} {outcome.job.recipient or ''}")
            progress.refresh()

        yield advance


def summary_table(summary: Summary) -> Table:
    table = Table(title="statement-pdf build", title_justify="left")
    for name in ("documents", "written", "skipped", "failed", "pages", "bytes", "time"):
        table.add_column(name, justify="right")
    table.add_row(str(summary.documents), str(summary.written), str(summary.skipped),
                  f"[red]{summary.failed}[/red]" if summary.failed else "0",
                  f"{summary.pages:,}", f"{summary.bytes:,}", f"{summary.seconds:.2f} s")
    return table


def as_json(outcomes: list[Outcome], summary: Summary) -> str:
    documents = [
        {"path": str(outcome.path), "statement": outcome.job.statement.meta.id,
         "language": outcome.job.language, "variant": outcome.job.variant,
         "recipient": outcome.job.recipient, "status": status(outcome),
         "pages": outcome.pages, "bytes": outcome.bytes, "sha256": outcome.sha256 or None,
         "seconds": round(outcome.seconds, 3), "error": outcome.error,
         "worker": outcome.worker or None, "peak_rss_kib": outcome.peak_rss_kib or None}
        for outcome in outcomes
    ]
    return json.dumps({"summary": asdict(summary), "documents": documents}, indent=2,
                      ensure_ascii=False)


def status(outcome: Outcome) -> str:
    if outcome.error:
        return "failed"
    return "skipped" if outcome.skipped else "written"
