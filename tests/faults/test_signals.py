"""Signals at random points of a build: Ctrl-C (SIGINT to the process group), SIGTERM and
SIGKILL to the command. After each: the exit code as documented, no traceback, every process of
the run gone within 5 s, no partial file at a final path, a manifest that never lies (and after
SIGINT and SIGTERM lists exactly the files on disk, with nothing temporary left), and a rerun
that completes.

The runs form two chains, run side by side: each build starts from what the fault before it
left (so each is also the rerun of the one before), every build is forced to make all its
documents again (so that there is something to interrupt), and a SIGKILL is followed at once by
a rerun that must complete. Seeds are fixed; STATEMENT_PDF_FAULT_RUNS sets the number of
signalled runs (50 by default, 500 for a soak run).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from statement_pdf import scratch

from .harness import (
    SMALL_BUILD,
    Run,
    assert_no_traceback,
    assert_tidy,
    cli,
    start,
    wait_until_gone,
)

RUNS = int(os.environ.get("STATEMENT_PDF_FAULT_RUNS", "50"))
SEED = 14
ENDS_WITHIN = 5.0
"""Seconds from a signal until the command and all its workers are gone: the issue's bound,
an order of magnitude above what is measured here (well under a second), so that a loaded
machine does not fail it."""
LONGEST_DELAY = 2.0
"""Signals are sent between 0.05 s after the start (Python itself has started and the
command's handlers are in place) and about when the build would end on its own."""
SIGNALS = {"SIGINT to the group": 2, "SIGTERM": 2, "SIGKILL": 1}
"""The kinds of signal and how often each is drawn: SIGKILL, rarer in practice, costs a rerun
on the spot (the other faults are followed by the next build of the chain)."""


def test_random_signals_never_hang_leak_or_leave_a_lying_manifest(
        tmp_path: Path, small_statement: Path) -> None:
    chains = [(index, RUNS // 2 + (index < RUNS % 2)) for index in range(2)]
    with ThreadPoolExecutor(2) as threads:
        records = [record for chain in threads.map(
            lambda chain: _chain(tmp_path / f"chain{chain[0]}", small_statement, *chain), chains)
            for record in chain]
    assert len(records) == RUNS
    endings = Counter((kind, code) for kind, code, _ in records)
    slowest = max(seconds for *_, seconds in records)
    print(f"\n{RUNS} signalled runs: {dict(sorted(endings.items()))}; "
          f"slowest end after its signal: {slowest:.2f} s")
    assert {kind for kind, code, _ in records if code not in (0,)} >= set(SIGNALS), \
        "every kind of signal interrupted at least one build"


def _chain(folder: Path, statement: Path, index: int, runs: int) -> list[tuple[str, int, float]]:
    chance = random.Random(SEED + index)
    out, records = folder / "out", []
    for number in range(runs):
        kind = chance.choices(list(SIGNALS), list(SIGNALS.values()))[0]
        tmp = folder / f"tmp{number}"
        run = start("build", statement, "--out", out, "--force", *SMALL_BUILD, tmp=tmp)
        time.sleep(chance.uniform(0.05, LONGEST_DELAY))
        _send(run, kind)
        code, _, stderr = run.wait()
        seconds = wait_until_gone(run, ENDS_WITHIN + 5)
        context = f"run {number} of chain {index}, {kind}: exit {code}\n{stderr}"
        assert seconds < ENDS_WITHIN, f"{context}\nstill running {seconds:.1f} s after the signal"
        assert_no_traceback(stderr)
        killed = kind == "SIGKILL" and code == -signal.SIGKILL
        assert code in (0, -signal.SIGKILL if kind == "SIGKILL" else 130), context
        assert_tidy(out, tmp, killed=killed)
        if killed:  # the rerun must also clear what the killed run left in its TMPDIR
            _rerun_completes(statement, out, tmp)
        records.append((kind, code, seconds))
    _rerun_completes(statement, out, folder / "tmp-last")
    return records


def _send(run: Run, kind: str) -> None:
    run.signalled_at = time.monotonic()
    if kind == "SIGINT to the group":
        os.killpg(run.process.pid, signal.SIGINT)
    else:
        run.process.send_signal(getattr(signal, kind))


def _rerun_completes(statement: Path, out: Path, tmp: Path) -> None:
    code, _, stderr = cli("build", statement, "--out", out, *SMALL_BUILD, tmp=tmp)
    assert code == 0, stderr
    assert_no_traceback(stderr)
    assert_tidy(out, tmp)


def test_a_worker_killed_mid_document_fails_that_document_alone(
        tmp_path: Path, small_statement: Path) -> None:
    """As the out-of-memory killer would: the document it was making fails with the reason,
    a new worker makes the rest, and the build ends (multiprocessing.Pool waited for ever)."""
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    run = start("build", small_statement, "--out", out, *SMALL_BUILD, "--json", tmp=tmp)
    deadline, seen = time.monotonic() + 60, set()
    while not (workers := seen & set(_workers(run))):  # seen twice: not a passing fork
        assert time.monotonic() < deadline, "no worker process started"
        seen = set(_workers(run))
        time.sleep(0.2)
    os.kill(workers.pop(), signal.SIGKILL)
    code, stdout, stderr = run.wait()
    assert code == 1, stderr
    assert_no_traceback(stderr)
    failed = [document for document in json.loads(stdout)["documents"] if document["error"]]
    assert [document["error"] for document in failed] == [
        "the worker process making it was killed by SIGKILL (out of memory?)"]
    assert_tidy(out, tmp)
    _rerun_completes(small_statement, out, tmp)


def _workers(run: Run) -> list[int]:
    """The run's forked processes: its children running the same command line (a worker, or
    for an instant a library's helper program between fork and exec)."""
    command = Path(f"/proc/{run.process.pid}/cmdline")
    found = []
    for pid in run.survivors():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == run.process.pid and Path(
                    f"/proc/{pid}/cmdline").read_bytes() == command.read_bytes():
                found.append(pid)
        except (OSError, IndexError, ValueError):
            continue
    return found


CALLBACK_INTERRUPTED = """
import signal, sys, time, weakref
from statement_pdf import interrupts

interrupts.install()
class Thing: pass
thing = Thing()
reference = weakref.ref(thing, lambda _: signal.raise_signal(signal.SIGTERM))
try:
    del thing  # the callback runs, and the handler raises inside it
    time.sleep(5)
    print("carried on")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_an_interrupt_raised_inside_a_callback_is_not_lost() -> None:
    """Python runs a signal's handler wherever the main thread is; in a callback (the import
    machinery's module locks, in the random-signal suite) the interrupt used to be printed
    with a traceback ("Exception ignored in") and dropped, and the build carried on."""
    result = subprocess.run([sys.executable, "-c", CALLBACK_INTERRUPTED], capture_output=True,
                            text=True, timeout=60)
    assert (result.stdout, result.stderr) == ("interrupted\n", "")


def test_what_a_run_killed_at_any_moment_leaves_in_tmp_is_removed_by_the_next(
        tmp_path: Path) -> None:
    """A killed run leaves its lock file unheld, with or without its scratch folder beside it
    (killed before the folder was made, or while it was being removed). The next run of any
    command removes them. (With the lock inside the folder, a run killed between making the two
    left an empty folder that no later run removed: chain 1, run 0, SIGKILL after 0.07 s.)"""
    for name in ("killed", "early"):
        (tmp_path / f"{scratch.PREFIX}{name}.lock").write_text("4242\n")
    (tmp_path / f"{scratch.PREFIX}killed").mkdir()
    (tmp_path / f"{scratch.PREFIX}killed" / "font.ttf").write_bytes(b"x" * 1000)
    someone_elses = tmp_path / "statement-pdf-warm-up-1"  # serve's, for one: not a leftover
    someone_elses.mkdir()
    code, _, stderr = cli("--help", tmp=tmp_path)
    assert code == 0, stderr
    assert list(tmp_path.iterdir()) == [someone_elses]
