"""Outputs that cannot take a build: --out that is a file, on a read-only mount, not writable,
and a disk that fills up while a PDF or the manifest is written. Each gives one located
message with what to do (exit 2 when nothing could start or the manifest could not be saved,
1 when a document could not be written), never a traceback, and the manifest never claims a
file that is not there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import STATEMENT_ID

from .harness import CLI, assert_no_traceback, assert_tidy, cli, sha256

ENGLISH = ("--lang", "en", "--variant", "press", "--quiet")
PAGE = 4096
"""tmpfs hands out space in pages."""


def test_out_that_is_a_file(tmp_path: Path, tmp_dir: Path, small_statement: Path) -> None:
    out = tmp_path / "out.pdf"
    out.write_bytes(b"not a folder")
    code, _, stderr = cli("build", small_statement, "--out", out, *ENGLISH, tmp=tmp_dir)
    assert code == 2
    assert_no_traceback(stderr)
    assert f"error: could not write {out / STATEMENT_ID}: Not a directory; --out and the " \
        "folders in it must be folders, not files" in stderr
    assert out.read_bytes() == b"not a folder"
    assert not list(tmp_dir.iterdir())


def test_out_on_a_read_only_mount(tmpfs, tmp_dir: Path, small_statement: Path) -> None:
    disk = tmpfs(256, "ro")
    code, _, stderr = cli("build", small_statement, "--out", disk / "out", *ENGLISH, tmp=tmp_dir)
    assert code == 2
    assert_no_traceback(stderr)
    assert f"could not write {disk / 'out'}: Read-only file system; build into a folder you " \
        "can write to (--out)" in stderr


@pytest.fixture
def public_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own temporary folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="statement-pdf-faults-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_out_not_writable(public_folder: Path, small_statement: Path) -> None:
    """As a user without write permission (root may write anywhere, so the command runs as
    nobody)."""
    out, tmp = public_folder / "out", public_folder / "tmp"
    out.mkdir(mode=0o555)
    tmp.mkdir()
    tmp.chmod(0o1777)
    if subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true"],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot run a command as another user here (setpriv needs root)")
    process = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(CLI),
         "build", str(small_statement), "--out", str(out), *ENGLISH],
        capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp)}, timeout=120)
    assert process.returncode == 2, process.stderr
    assert_no_traceback(process.stderr)
    assert f"could not write {out / STATEMENT_ID}: Permission denied; build into a folder you " \
        "can write to (--out)" in process.stderr
    assert not list(tmp.iterdir())


def test_disk_full_while_writing_a_pdf(tmpfs, tmp_dir: Path, small_statement: Path) -> None:
    """64 KiB: the English press release (about 40 KB) fits, the Dari one (about 55 KB) does
    not. The Dari document fails with the reason and the fix, the English one is kept and
    recorded, and nothing half-written is left."""
    out = tmpfs(64)
    code, _, stderr = cli("build", small_statement, "--out", out, "--lang", "en", "--lang",
                          "fa-AF", "--variant", "press", "--jobs", "1", "--quiet", tmp=tmp_dir)
    assert code == 1, stderr
    assert_no_traceback(stderr)
    assert "fa-AF/press.pdf: No space left on device; free some space on that disk or build " \
        "into another --out" in stderr
    assert "internal error" not in stderr
    assert_tidy(out, tmp_dir)
    recorded = json.loads((out / STATEMENT_ID / "manifest.json").read_text())["documents"]
    assert list(recorded) == ["en/press.pdf"]


def test_disk_full_while_saving_the_manifest(tmpfs, tmp_path: Path, tmp_dir: Path,
                                            small_statement: Path) -> None:
    """Room for the lock and the PDF, none for the manifest: the message says what happened
    and what it means, the manifest claims nothing it cannot (here there is none), and once
    there is room again the next build completes."""
    reference = tmp_path / "reference"
    assert cli("build", small_statement, "--out", reference, *ENGLISH, tmp=tmp_dir)[0] == 0
    pdf_bytes = (reference / STATEMENT_ID / "en" / "press.pdf").stat().st_size
    disk = tmpfs(1024)
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    needed = (-(-pdf_bytes // PAGE) + 1) * PAGE  # the PDF's pages and the lock file's one
    filler = disk / "filler"
    subprocess.run(["fallocate", "-l", str(free - needed), str(filler)], check=True)
    out = disk / "out"

    code, _, stderr = cli("build", small_statement, "--out", out, *ENGLISH, tmp=tmp_dir)
    assert code == 2, stderr
    assert_no_traceback(stderr)
    manifest = out / STATEMENT_ID / "manifest.json"
    assert f"error: could not write {manifest}" in stderr
    assert "No space left on device; free some space on that disk or build into another " \
        "--out. The documents made are complete but not all are recorded in the manifest: " \
        "the next build makes them again" in stderr
    assert_tidy(out, tmp_dir, killed=True)
    assert not [path for path in out.rglob("*") if path.name.endswith(".part")]

    filler.unlink()
    code, _, stderr = cli("build", small_statement, "--out", out, *ENGLISH, tmp=tmp_dir)
    assert code == 0, stderr
    assert_tidy(out, tmp_dir)
    assert sha256(out / STATEMENT_ID / "en" / "press.pdf") == sha256(
        reference / STATEMENT_ID / "en" / "press.pdf")
