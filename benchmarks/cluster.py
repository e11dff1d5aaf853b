"""The mail merge with the local pool and on a Dask cluster side by side, and the costs the
estimate in docs/performance.md is built from. Run by `benchmarks/run.py --cluster ADDRESS`
(`local:2` starts a cluster of two worker processes on this machine).

- side by side: the same generated mail merge built with `--jobs N` and with `--cluster`,
  alternating (local, cluster, then cluster, local, …) so that a busy minute of a shared machine
  hits both; the fastest run of each counts, and the PDFs of the two must be the same bytes;
- per letter: each document's rendering seconds in its worker, by language;
- transfer: the bytes of a letter (what comes back from a worker to the client);
- client writes: the time the client takes to write one letter the way it does (beside its
  final name, then moved into place), over all the letters of a run;
- scheduler: the wall-clock time per task of a batch of tasks that do nothing, through the
  same kind of cluster: what Dask itself costs per group of documents.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from statement_pdf.atomic import commit, write_partial

Build = Callable[..., dict]


def side_by_side(folder: Path, statement: Path, jobs: int, cluster: str, runs: int,
                 build: Build) -> dict[str, object]:
    timings: dict[str, list[tuple[float, dict]]] = {"local_pool": [], "cluster": []}
    for attempt in range(runs):
        order = [("local_pool", ("--jobs", str(jobs))), ("cluster", ("--cluster", cluster))]
        for name, options in order if attempt % 2 == 0 else reversed(order):
            started = time.perf_counter()
            report = build(statement, folder / f"{name}-{attempt}", "--variant", "letter",
                           *options)
            timings[name].append((time.perf_counter() - started, report))
    fastest = {name: min(runs_, key=lambda run: run[0]) for name, runs_ in timings.items()}
    local, on_cluster = fastest["local_pool"], fastest["cluster"]
    return {
        **{name: _describe(runs_, fastest[name][1]) for name, runs_ in timings.items()},
        "cluster_overhead_percent": round(100 * (on_cluster[0] / local[0] - 1), 1),
        "identical_pdfs": _digests(local[1]) == _digests(on_cluster[1]),
        "bytes_per_letter": _bytes_per_letter(on_cluster[1]),
    }


def _describe(runs: list[tuple[float, dict]], report: dict) -> dict[str, object]:
    documents = report["documents"]
    by_language: dict[str, list[float]] = {}
    for document in documents:
        by_language.setdefault(document["language"], []).append(document["seconds"])
    return {"seconds": [round(seconds, 2) for seconds, _ in runs],
            "fastest_seconds": round(min(seconds for seconds, _ in runs), 2),
            "documents": len(documents),
            "failed": sum(document["status"] != "written" for document in documents),
            "workers": len({document["worker"] for document in documents}),
            "median_letter_seconds_by_language": {
                language: round(statistics.median(seconds), 4)
                for language, seconds in sorted(by_language.items())}}


def _digests(report: dict) -> dict[str, str]:
    return {"/".join(Path(document["path"]).parts[-3:]): document["sha256"]
            for document in report["documents"]}


def _bytes_per_letter(report: dict) -> dict[str, int]:
    sizes = [document["bytes"] for document in report["documents"]]
    return {"mean": round(statistics.mean(sizes)), "max": max(sizes)}


def client_writes(report: dict, folder: Path) -> dict[str, float]:
    """The client's share per letter: write the bytes of every letter of a run again, as the
    client does (a temporary file beside the target, then moved into place)."""
    letters = [Path(document["path"]).read_bytes() for document in report["documents"]]
    started = time.perf_counter()
    for number, content in enumerate(letters):
        target = folder / f"{number // 1000}" / f"letter-{number}.pdf"
        commit(write_partial(target, content), target)
    seconds = time.perf_counter() - started
    return {"letters": len(letters), "seconds": round(seconds, 3),
            "letters_per_second": round(len(letters) / seconds),
            "megabytes_per_second": round(sum(map(len, letters)) / seconds / 1e6, 1)}


def scheduler_overhead(cluster: str, tasks: int = 2000) -> dict[str, float]:
    """Tasks that do (almost) nothing, submitted at once and gathered: what is left is Dask's
    own work per task (client, scheduler, worker, the messages between them)."""
    from distributed import Client, LocalCluster

    local = None
    if cluster.startswith("local:"):
        local = LocalCluster(n_workers=int(cluster.removeprefix("local:")), threads_per_worker=1,
                             processes=True, dashboard_address=None,
                             silence_logs=logging.CRITICAL)
    try:
        with Client(local or cluster, set_as_default=False) as client:
            client.wait_for_workers(1)
            client.gather(client.map(abs, range(100), pure=False))  # warm
            started = time.perf_counter()
            client.gather(client.map(abs, range(tasks), pure=False))
            seconds = time.perf_counter() - started
    finally:
        if local is not None:
            local.close()
    return {"tasks": tasks, "seconds": round(seconds, 3),
            "milliseconds_per_task": round(1000 * seconds / tasks, 3)}
