"""Two builds into one output folder: the second is refused at once, with the first one's
process id and what to do, and the first finishes as if alone; a lock left by a killed build is
stale and taken over."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import STATEMENT_ID

from .harness import LOCK_NAME, SMALL_BUILD, assert_no_traceback, assert_tidy, cli, start


def test_a_second_build_into_the_same_folder_is_refused(tmp_path: Path,
                                                         small_statement: Path) -> None:
    out = tmp_path / "out"
    lock = out / STATEMENT_ID / LOCK_NAME
    first = start("build", small_statement, "--out", out, "--force", *SMALL_BUILD,
                  tmp=tmp_path / "tmp1")
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.01)
    code, _, stderr = cli("build", small_statement, "--out", out, "--force", *SMALL_BUILD,
                          tmp=tmp_path / "tmp2")
    assert code == 2
    assert_no_traceback(stderr)
    assert (f"error: {out / STATEMENT_ID}: another build (process {first.process.pid}) is "
            "writing into this folder; wait for it to finish, or build into another --out"
            ) in stderr
    first_code, _, first_stderr = first.wait()
    assert first_code == 0, first_stderr
    assert_tidy(out, tmp_path / "tmp1")
    assert len(list((out / STATEMENT_ID).rglob("*.pdf"))) == 3


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path: Path, tmp_dir: Path,
                                                     small_statement: Path) -> None:
    out = tmp_path / "out"
    lock = out / STATEMENT_ID / LOCK_NAME
    lock.parent.mkdir(parents=True)
    lock.write_text("4194304\n")  # no process holds it
    code, _, stderr = cli("build", small_statement, "--out", out, "--lang", "en", "--variant",
                          "press", "--quiet", tmp=tmp_dir)
    assert code == 0, stderr
    assert_no_traceback(stderr)
    assert_tidy(out, tmp_dir)
