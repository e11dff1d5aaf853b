"""Measure batch publishing against what a user would script by hand, in one command:

    .venv/bin/python benchmarks/run.py [--jobs N] [--letters 1000] [--repeat 3] [--json FILE]

1. full batch: `statement-pdf build` of the bundled statement into an empty folder, every
   language × variant, in parallel workers;
2. naive baseline: one `weasyprint` command-line process per composed HTML file (written by
   `--emit-html`), one after the other, as a shell loop would — in the same run, alternating
   with 1; the fastest run of each counts (the one least disturbed by other work);
3. rebuild with nothing changed, against a bare interpreter start;
4. synthetic mail merge: about `--letters` letters to generated recipients (see
   `synthetic.py`) in one `build`, with each worker's peak memory after every letter, to show
   that it stays flat.

With `--cluster ADDRESS` (a Dask scheduler, or `local:2` for two worker processes started
here) only the mail merge runs, with the local pool and on the cluster side by side, followed
by the costs the cluster estimate in docs/performance.md uses (see `cluster.py`).

With `--without PATCH` (an engine patch: textlayer, lines, pdfwrite, actualtext) only the full
batch and the mail merge run, `--repeat` times each with the whole engine and without that
patch, alternating (STATEMENT_PDF_PLAIN_ENGINE=PATCH), then the same letters in one warm process
alternately with and without it (`patch_cost.py`): what the patch costs or saves. Each build's
CPU time (the command and its workers, user and system) is given beside its wall-clock time:
on a machine others share, it is disturbed far less by their work.

Every timing is wall-clock time of real processes; nothing here is part of the test suite.
`pace_at_start` and `pace_at_end` time a fixed pure-Python loop, to tell a slow run from a slow
minute of a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from synthetic import generate_mail_merge

ROOT = Path(__file__).resolve().parents[1]
STATEMENT = ROOT / "data" / "statements" / "2025-05-28-pakistan-afghan-deportations"
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the full batch and the baseline; the fastest of each counts")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--cluster", help="compare the mail merge on this Dask cluster "
                        "(tcp://host:8786, or local:N) with the local pool, and nothing else")
    parser.add_argument("--merge-runs", type=int, default=2,
                        help="with --cluster: runs of each, alternating; the fastest counts")
    parser.add_argument("--without", metavar="PATCH", help="time the full batch and the mail "
                        "merge with the whole engine and without this patch, and nothing else")
    parser.add_argument("--letter-rounds", type=int, default=40,
                        help="with --without: letters of each kind in one process, alternating")
    args = parser.parse_args()
    results: dict[str, object] = {"machine": machine(), "pace_at_start": pace()}
    with tempfile.TemporaryDirectory(prefix="bench-statement-pdf-") as scratch:
        work = Path(scratch)
        if args.cluster:
            results.update(on_a_cluster(work, args))
        elif args.without:
            results.update(with_and_without(work, args))
        else:
            results.update(on_this_machine(work, args))
    results["pace_at_end"] = pace()
    results["load_average_at_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def on_a_cluster(work: Path, args: argparse.Namespace) -> dict[str, object]:
    import cluster

    statement, description = generate_mail_merge(ROOT, work / "merge", args.letters)
    compared = cluster.side_by_side(work / "out", statement, args.jobs, args.cluster,
                                    args.merge_runs, _build)
    last_cluster_run = work / "out" / f"cluster-{args.merge_runs - 1}"
    report = _build(statement, last_cluster_run, "--variant", "letter", "--cluster",
                    args.cluster)  # skips everything: the report of what is there
    return {"mail_merge_side_by_side": {"what": description, **compared},
            "client_writes": cluster.client_writes(report, work / "writes"),
            "scheduler": cluster.scheduler_overhead(args.cluster)}


def with_and_without(work: Path, args: argparse.Namespace) -> dict[str, object]:
    """Each run makes the full batch and the mail merge with the whole engine and without the
    patch, the two in turn, which goes first changing every run (so that neither always meets
    the warmer or quieter moment); the fastest of each counts, every time is listed."""
    statement, description = generate_mail_merge(ROOT, work / "merge", args.letters)
    engines = {"whole engine": "", f"without {args.without}": args.without}
    times: dict[str, dict[str, list[float]]] = {
        name: {"full_batch": [], "mail_merge": []} for name in engines}
    cpu: dict[str, dict[str, list[float]]] = {
        name: {"full_batch": [], "mail_merge": []} for name in engines}
    for attempt in range(args.repeat):
        order = list(engines.items())
        for name, plain in order if attempt % 2 == 0 else reversed(order):
            environment = {**os.environ, "STATEMENT_PDF_PLAIN_ENGINE": plain}
            out = work / f"{attempt}-{plain or 'whole'}"
            builds = {"full_batch": (STATEMENT, out / "batch", "--jobs", str(args.jobs),
                                     "--force"),
                      "mail_merge": (statement, out / "merge", "--variant", "letter", "--jobs",
                                     str(args.jobs))}
            for part, arguments in builds.items():
                seconds, cpu_seconds, _ = _timed_with_cpu(partial(
                    _build, *arguments, environment=environment))
                times[name][part].append(round(seconds, 2))
                cpu[name][part].append(round(cpu_seconds, 2))
    from patch_cost import per_letter

    return {"mail_merge_what": description, "seconds": times, "cpu_seconds": cpu,
            "whole_over_without": _fastest_over(*(times[name] for name in engines)),
            "cpu_whole_over_without": _fastest_over(*(cpu[name] for name in engines)),
            "per_letter_in_one_process": per_letter(args.without, args.letter_rounds, work)}


def _fastest_over(whole: dict[str, list[float]],
                  without: dict[str, list[float]]) -> dict[str, float]:
    return {part: round(min(whole[part]) / min(without[part]), 3) for part in whole}


def on_this_machine(work: Path, args: argparse.Namespace) -> dict[str, object]:
    results: dict[str, object] = {}
    for attempt in range(args.repeat):  # alternated, so that a busy moment hits both
        batch = full_batch(work / f"batch-{attempt}", args.jobs)
        naive = naive_baseline(work / f"naive-{attempt}")
        if attempt == 0 or batch["seconds"] < results["full_batch"]["seconds"]:
            results["full_batch"] = batch
        if attempt == 0 or naive["seconds"] < results["naive_baseline"]["seconds"]:
            results["naive_baseline"] = naive
    results["speed_up"] = round(results["naive_baseline"]["seconds"]
                                / results["full_batch"]["seconds"], 2)
    results["nothing_changed"] = nothing_changed(work / "batch-0", args.jobs)
    results["mail_merge"] = mail_merge(work / "merge", args.jobs, args.letters)
    return results


def pace() -> float:
    """Seconds for a fixed pure-Python loop in a fresh interpreter: this machine's speed drifts
    by half within minutes, so runs are only comparable beside their pace."""
    seconds, _ = _timed(lambda: subprocess.run(
        [sys.executable, "-c", "sum(range(3 * 10**7))"], check=True))
    return round(seconds, 2)


def machine() -> dict[str, object]:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kib = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                       if line.startswith("MemTotal:")), 0)
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory_gib": round(memory_kib / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_start": os.getloadavg()}


def full_batch(out: Path, jobs: int) -> dict[str, object]:
    """Also splits the wall-clock time: the busiest worker's documents, and the rest — start-up
    (imports, loading and checking the project) and handing the work out — which no number of
    workers shortens."""
    seconds, report = _timed(lambda: _build(STATEMENT, out, "--jobs", str(jobs), "--force"))
    summary, by_worker = report["summary"], {}
    for document in report["documents"]:
        by_worker[document["worker"]] = by_worker.get(document["worker"], 0) + document["seconds"]
    busiest = max(by_worker.values())
    return {"seconds": round(seconds, 2), "documents": summary["documents"],
            "pages": summary["pages"], "jobs": jobs,
            "busiest_worker_seconds": round(busiest, 2),
            "outside_the_workers_seconds": round(seconds - busiest, 2)}


def naive_baseline(out: Path) -> dict[str, object]:
    """The HTML comes from our own composer (not timed); the loop of WeasyPrint processes is.
    A composed page links its layout's stylesheets relative to the layout's folder, so each
    command gets that folder as its base URL, as a user's script must; any error WeasyPrint
    reports (a stylesheet or font it could not load) stops the benchmark, since a baseline
    that skips work is no baseline."""
    report = _build(STATEMENT, out, "--emit-html", "--jobs", "1")
    pages = [(Path(document["path"]).with_suffix(".html"), ROOT / "layouts" / document["variant"])
             for document in report["documents"]]

    def loop() -> None:
        for html, layout in pages:
            result = subprocess.run(
                [BIN / "weasyprint", "--base-url", layout.as_uri() + "/", html,
                 html.with_suffix(".naive.pdf")], capture_output=True, text=True, check=True)
            if "ERROR" in result.stderr:
                sys.exit(f"the naive baseline failed on {html}:\n{result.stderr}")

    seconds, _ = _timed(loop)
    return {"seconds": round(seconds, 2), "documents": len(pages)}


def nothing_changed(out: Path, jobs: int) -> dict[str, object]:
    """Median of five rebuilds that skip everything, and of five bare interpreter starts."""
    rebuilds = [_timed(lambda: _build(STATEMENT, out, "--jobs", str(jobs)))[0] for _ in range(5)]
    starts = [_timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))[0]
              for _ in range(5)]
    rebuild, start = statistics.median(rebuilds), statistics.median(starts)
    return {"seconds": round(rebuild, 3), "interpreter_start_seconds": round(start, 3),
            "beyond_interpreter_start_seconds": round(rebuild - start, 3)}


def mail_merge(folder: Path, jobs: int, letters: int) -> dict[str, object]:
    statement, description = generate_mail_merge(ROOT, folder, letters)
    seconds, report = _timed(lambda: _build(statement, folder / "out", "--variant", "letter",
                                            "--jobs", str(jobs)))
    outcomes = report["documents"]
    failed = [outcome for outcome in outcomes if outcome["status"] != "written"]
    return {"what": description, "seconds": round(seconds, 2), "documents": len(outcomes),
            "failed": len(failed), "pages": report["summary"]["pages"], "jobs": jobs,
            "workers": _memory_by_worker(outcomes)}


def _memory_by_worker(outcomes: list[dict]) -> dict[str, dict[str, int]]:
    """Each worker's peak RSS after its first tenth of documents, after half and after its
    last: flat memory means these stay close, however many documents the worker made."""
    by_worker: dict[str, list[int]] = {}
    for outcome in outcomes:
        if outcome["worker"]:
            by_worker.setdefault(str(outcome["worker"]), []).append(outcome["peak_rss_kib"])
    return {worker: {"documents": len(peaks),
                     **{f"peak_rss_mib_after_{name}": round(max(peaks[:max(1, part)]) / 1024)
                        for name, part in (("first_tenth", len(peaks) // 10),
                                           ("half", len(peaks) // 2), ("all", len(peaks)))}}
            for worker, peaks in by_worker.items()}


def _build(statement: Path, out: Path, *options: str,
           environment: dict[str, str] | None = None) -> dict:
    command = [str(BIN / "statement-pdf"), "build", str(statement), "--out", str(out), "--json",
               *options]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def _timed_with_cpu(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock seconds, and CPU seconds of the processes the action started and waited
    for (with the processes they waited for: a build's workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, value = _timed(action)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime), value


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


if __name__ == "__main__":
    main()
