"""Shared fixtures: the project as a user has it, copies of it to break, and PDF readers."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from hypothesis import settings
from typer.testing import CliRunner

from statement_pdf.cli import app
from statement_pdf.engine import layerfont

# CI must not fail on a new random example nobody can see: there the fuzz tests replay a fixed
# sequence; on developers' machines they explore.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
STATEMENT_ID = "2025-05-28-pakistan-afghan-deportations"
STATEMENT = ROOT / "data" / "statements" / STATEMENT_ID
SHARED = ROOT.parent / "shared"


def statement_in(project: Path) -> Path:
    """The bundled statement's folder in a copy of the project."""
    return project / "data" / "statements" / STATEMENT_ID


def edit(file: Path, old: str, new: str) -> None:
    """Replace the first `old` in a data file, which must be there."""
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(file: Path, needle: str) -> int:
    """The number (from 1) of the first line of `file` holding `needle`."""
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def run_cli(*args: str):
    return CliRunner().invoke(app, [str(arg) for arg in args])


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts: name, type, encoding, emb, sub, uni."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    fonts = []
    for line in lines:
        name, *rest = line.split()
        emb, sub, uni = rest[-5:-2]
        fonts.append({"name": name, "emb": emb, "sub": sub, "uni": uni})
    return fonts


def foreign_fonts(pdf: Path) -> list[dict[str, str]]:
    """The fonts of `pdf` that are not embedded or not one of the bundled families (WeasyPrint
    names an embedded font after its family and style: "Noto-Naskh-Arabic-Bold") or the text
    layer's blank font."""
    families = {TTFont(path, lazy=True)["name"].getDebugName(1).replace(" ", "")
                for path in (ROOT / "assets" / "fonts").rglob("*.ttf")} | {layerfont.NAME}
    return [font for font in pdffonts(pdf) if font["emb"] != "yes" or not any(
        font["name"].split("+")[-1].replace("-", "").startswith(family) for family in families)]


def copy_project(target: Path) -> Path:
    """A copy of the project's data, layouts and fonts in `target`, safe to break."""
    for folder in ("layouts", "assets", "data"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def layer_chars(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page's characters as its text layer has them, where they stand: the visible glyphs
    give no text (engine/textlayer.py) but are still characters to pdfplumber, nor do the blank
    runs that carry PDFium's text, nor the bidi marks the layer has for poppler; the layer's
    characters lie over the words they stand for."""
    return page.filter(lambda item: item.get("object_type") != "char" or (
        item.get("fontname", "").split("+")[-1] == layerfont.NAME and item.get("text")
        and unicodedata.category(item["text"][0]) != "Cf"))


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the project's data, layouts and fonts, safe to break."""
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every document of the bundled statement as `make demo` builds it (each language, variant
    and recipient in its layout's default profile): OUT/<statement id>, for the tests that read
    them; not to be changed (a test copies what it changes). Built once for the whole run: the
    first of pytest-xdist's processes to need it builds it in their common temporary folder,
    while the other waits."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    out, done = shared / "demo-build", shared / "demo-build.done"
    with (shared / "demo-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)  # what a failed attempt left
            result = run_cli("build", STATEMENT, "--out", out, "--quiet")
            assert result.exit_code == 0, result.output
            done.touch()
    return out / STATEMENT_ID


@pytest.fixture(scope="session")
def english_press(demo_build: Path) -> Path:
    return demo_build / "en" / "press.pdf"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory):
    """The test PKI (tests/pki.py): root, intermediate, signer, timestamp authority, server."""
    from pki import make_pki

    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def dask_scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a Dask cluster started as docs/cluster.md says — `dask scheduler`, then
    `dask worker` with two single-threaded worker processes — once for the whole session, in
    processes of its own (so the test process never forks while a scheduler runs in it)."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address, dask = f"tcp://127.0.0.1:{port}", Path(sys.executable).parent / "dask"
    log = (folder / "cluster.log").open("w")
    processes = [subprocess.Popen(command, stdout=log, stderr=log, cwd=folder) for command in (
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
         "--local-directory", folder])]
    try:
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)  # generous: the machine may be busy
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
