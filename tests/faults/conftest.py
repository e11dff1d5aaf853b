"""Fixtures of the fault-injection suite (the helpers are in harness.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, STATEMENT_ID


@pytest.fixture
def tmp_dir(tmp_path: Path) -> Path:
    """The temporary directory the command under test uses (TMPDIR)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.fixture
def small_statement() -> Path:
    return ROOT / "data" / "statements" / STATEMENT_ID


@pytest.fixture
def tmpfs(tmp_path: Path):
    """Mount a tiny tmpfs of the given size (in KiB) at a fresh folder; skip the test with the
    reason when mounting is impossible (not root, no mount namespace rights)."""
    mounted: list[Path] = []

    def mount(size_kib: int, *options: str) -> Path:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(
            [f"size={size_kib}k", *options]), "tmpfs", str(point)], capture_output=True,
            text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)
        shutil.rmtree(point, ignore_errors=True)
