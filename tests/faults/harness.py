"""The fault-injection suite: the real command, run as a subprocess, under signals, concurrent
builds, full and read-only disks, and hostile files — and what must hold after every fault.

Each run gets its own temporary directory (TMPDIR) and a marker in its environment, so that the
tests can see what it left in the temporary directory and whether any of its processes (the
workers are forked, so they carry the marker too) outlive it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, STATEMENT_ID

CLI = Path(sys.executable).parent / "statement-pdf"
MARKER = "STATEMENT_PDF_FAULT_RUN"
SMALL_BUILD = ("--lang", "en", "--lang", "fa-AF", "--lang", "ps", "--variant", "press",
               "--jobs", "2", "--quiet")
"""Three short documents on two workers: enough for a signal to find every stage of a build
(loading, a queue of tasks, workers mid-document, the manifest being saved) in two seconds."""
LOCK_NAME = ".build.lock"


@dataclass
class Run:
    """One start of the command, in its own session (so that Ctrl-C can go to its group)."""

    process: subprocess.Popen
    tmp: Path
    marker: str
    signalled_at: float | None = None

    def wait(self, timeout: float = 120) -> tuple[int, str, str]:
        stdout, stderr = self.process.communicate(timeout=timeout)
        return self.process.returncode, stdout, stderr

    def survivors(self) -> list[int]:
        """Processes of this run still alive (the command itself or a worker)."""
        return marked_processes(self.marker)


def start(*args: object, tmp: Path, cwd: Path = ROOT, env: dict | None = None) -> Run:
    tmp.mkdir(parents=True, exist_ok=True)
    marker = uuid.uuid4().hex
    process = subprocess.Popen(
        [str(CLI), *(str(arg) for arg in args)], cwd=cwd, text=True, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **(env or {}), "TMPDIR": str(tmp), MARKER: marker})
    return Run(process, tmp, marker)


def cli(*args: object, tmp: Path, cwd: Path = ROOT, timeout: float = 120,
        env: dict | None = None) -> tuple[int, str, str]:
    """Run the command to its end: exit code, stdout, stderr."""
    return start(*args, tmp=tmp, cwd=cwd, env=env).wait(timeout)


def marked_processes(marker: str) -> list[int]:
    needle = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_gone(run: Run, limit: float) -> float:
    """Seconds from the signal until neither the command nor any of its workers is alive
    (or `limit`, if some still are)."""
    assert run.signalled_at is not None
    while run.survivors() and time.monotonic() - run.signalled_at < limit:
        time.sleep(0.02)
    return time.monotonic() - run.signalled_at


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "Error:" not in stderr.replace("error:", ""), stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def complete_pdf(path: Path) -> bool:
    """A whole PDF: the header at the start, the end-of-file marker at the end."""
    content = path.read_bytes()
    return content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")


def assert_tidy(out: Path, tmp: Path, *, killed: bool = False) -> None:
    """What must hold after any fault. Every PDF at its final path is complete, and the
    manifest never claims a file that is not there as it says. After SIGKILL (no clean-up
    possible) that is all; after anything else, also: the manifest lists exactly the PDFs on
    disk, and no temporary file, lock or scratch folder is left."""
    folder = out / STATEMENT_ID
    pdfs = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*.pdf")}
    for name, path in pdfs.items():
        assert complete_pdf(path), f"{name} is not a complete PDF"
    manifest = folder / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))["documents"] \
        if manifest.exists() else {}
    for name, entry in recorded.items():
        assert name in pdfs, f"the manifest lists {name}, which is not there"
        assert entry["sha256"] == sha256(pdfs[name]), f"the manifest's sha256 of {name} is wrong"
    if killed:
        return
    assert set(recorded) == set(pdfs), f"complete but not recorded: {set(pdfs) - set(recorded)}"
    leftovers = [path for path in folder.rglob("*") if path.name.startswith(".")]
    assert not leftovers, f"left behind: {leftovers}"
    assert not list(tmp.iterdir()), f"left in the temporary directory: {list(tmp.iterdir())}"
