"""What only a cluster can get wrong: a worker dying mid-run, a worker whose project is not the
client's, a scheduler that is not there, Dask not installed. (How a batch behaves on a cluster
— manifest, skipping, failures, reports, interrupts — is tested in test_batch.py, against both
executors.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, STATEMENT, STATEMENT_ID, run_cli
from test_batch import (
    ENGLISH_PRESS_RELEASE,
    _build,
    _manifest,
    _sha256,
    _statuses,
    only_complete_recorded_files,
)

ENGLISH = "en/press.pdf"


def test_a_killed_worker_loses_no_document(tmp_path: Path) -> None:
    """`--cluster local:2`; as soon as the first document is written, one of the two worker
    processes is killed (SIGKILL) while the others are being made. Dask makes its documents
    again elsewhere: the build succeeds, the manifest lists every document, and every PDF is
    byte-identical to the local pool's."""
    import psutil

    reference, out = tmp_path / "local", tmp_path / "cluster"
    assert _build(STATEMENT, reference, "--jobs", "2")[0] == 0
    folder = out / STATEMENT_ID
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "statement-pdf"), "build", str(STATEMENT), "--out",
         str(out), "--json", "--cluster", "local:2"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # generous: the machine may be busy
    while not list(folder.rglob("*.pdf")) and build.poll() is None:
        assert time.monotonic() < deadline, "no document was written"
        time.sleep(0.02)
    workers = [child for child in psutil.Process(build.pid).children(recursive=True)
               if "spawn_main" in " ".join(child.cmdline())]
    made_before = len(list(folder.rglob("*.pdf")))
    assert len(workers) == 2
    workers[0].kill()
    stdout, stderr = build.communicate(timeout=180)

    assert build.returncode == 0, stderr
    expected = sorted(path.relative_to(reference).as_posix() for path in reference.rglob("*.pdf"))
    assert made_before <= len(expected) - 3, "each worker still had a document in hand"
    report = json.loads(stdout)
    assert set(_statuses(report).values()) == {"written"}
    assert sorted(path.relative_to(out).as_posix() for path in out.rglob("*.pdf")) == expected
    for name in expected:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    recorded = _manifest(out)["documents"]
    assert len(recorded) == len(expected)
    for name, entry in recorded.items():
        assert entry["sha256"] == _sha256(folder / name)
    assert not [path for path in out.rglob("*") if path.name.startswith(".")]


def test_ctrl_c_stops_a_local_cluster_cleanly(tmp_path: Path) -> None:
    """Ctrl-C at a terminal reaches the whole process group — the client and the workers it
    started — as soon as the first document is written. The build ends with exit 130 and its
    message, no process prints a traceback, no worker outlives it, and only complete, recorded
    files are left."""
    import psutil

    out = tmp_path / "out"
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "statement-pdf"), "build", str(STATEMENT), "--out",
         str(out), "--quiet", "--cluster", "local:2"], cwd=ROOT, stderr=subprocess.PIPE,
        text=True, start_new_session=True)
    deadline = time.monotonic() + 120  # generous: the machine may be busy
    while not list(out.rglob("*.pdf")) and build.poll() is None:
        assert time.monotonic() < deadline, "no document was written"
        time.sleep(0.02)
    children = psutil.Process(build.pid).children(recursive=True)
    os.killpg(build.pid, signal.SIGINT)
    stderr = build.communicate(timeout=60)[1]
    assert build.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert not psutil.wait_procs(children, timeout=30)[1], "a worker outlived the build"
    only_complete_recorded_files(out)


def test_an_unreachable_scheduler_fails_fast_with_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from statement_pdf.publish import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)  # Dask retries a refused connection
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    started = time.monotonic()
    result = run_cli("build", STATEMENT, *ENGLISH_PRESS_RELEASE, "--out", tmp_path,
                     "--cluster", address)
    assert result.exit_code == 2
    assert f"cannot reach the Dask scheduler at {address}" in result.stderr
    assert "dask scheduler" in result.stderr and "Traceback" not in result.output
    assert time.monotonic() - started < 60  # generous: the point is that it does not hang
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_scheduler_without_workers_is_a_usage_error(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import LocalCluster

    from statement_pdf.publish import cluster

    monkeypatch.setattr(cluster, "WORKERS_SECONDS", 1)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty:
        result = run_cli("build", STATEMENT, *ENGLISH_PRESS_RELEASE, "--out", tmp_path,
                         "--cluster", empty.scheduler_address)
    assert result.exit_code == 2
    assert f"has no workers after 1 s: start some with `dask worker {empty.scheduler_address}`" \
        in result.stderr
    assert not list(tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize("value", ["local:0", "local:two", "scheduler.example.org"])
def test_a_malformed_cluster_option_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = run_cli("build", STATEMENT, "--out", tmp_path, "--cluster", value)
    assert result.exit_code == 2
    assert f"--cluster {value}: expected" in result.stderr
    assert not tmp_path.exists() or not list(tmp_path.iterdir())


def test_without_dask_the_cluster_option_says_how_to_install_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    result = run_cli("build", STATEMENT, "--out", tmp_path, "--cluster", "local:2")
    assert result.exit_code == 2
    assert "pip install 'statement-pdf[cluster]'" in result.stderr


def test_a_worker_with_other_software_refuses_and_says_what_differs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dask_scheduler: str) -> None:
    """This process claims another WeasyPrint than the workers have: they refuse each document,
    naming the difference, and nothing is written or recorded."""
    from statement_pdf.publish import manifest

    software = manifest._software()
    monkeypatch.setattr(manifest, "_software", lambda: {**software, "weasyprint": "99.0"})
    code, report = _build(STATEMENT, tmp_path, *ENGLISH_PRESS_RELEASE, "--cluster",
                          dask_scheduler)
    assert (code, _statuses(report)) == (1, {ENGLISH: "failed"})
    error = report["documents"][0]["error"]
    assert "refused by the Dask worker tcp://" in error
    assert f"software (weasyprint: 99.0 here, {software['weasyprint']} there)" in error
    assert "docs/cluster.md" in error
    assert not list(tmp_path.rglob("*.pdf")) and not _manifest(tmp_path)["documents"]


@pytest.fixture
def workers_without_the_project(dask_scheduler: str, tmp_path: Path) -> Iterator[Path]:
    """The session's workers told that their project is in an empty folder, for one test."""
    from distributed import Client

    from statement_pdf.publish.cluster import PROJECT_VARIABLE

    def point_at(folder: str | None) -> None:  # local, so that it travels by value
        if folder is None:
            os.environ.pop(PROJECT_VARIABLE, None)
        else:
            os.environ[PROJECT_VARIABLE] = folder

    nowhere = tmp_path / "nowhere"
    with Client(dask_scheduler, set_as_default=False) as client:
        client.run(point_at, str(nowhere))
        try:
            yield nowhere
        finally:
            client.run(point_at, None)


def test_a_worker_without_the_project_says_how_to_install_it(
        tmp_path: Path, dask_scheduler: str, workers_without_the_project: Path) -> None:
    code, report = _build(STATEMENT, tmp_path / "out", *ENGLISH_PRESS_RELEASE, "--cluster",
                          dask_scheduler)
    assert (code, _statuses(report)) == (1, {ENGLISH: "failed"})
    error = report["documents"][0]["error"]
    assert f"no statement-pdf project at {workers_without_the_project}" in error
    assert "STATEMENT_PDF_PROJECT" in error


def test_the_composed_html_comes_back_from_the_cluster(tmp_path: Path,
                                                       dask_scheduler: str) -> None:
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    assert _build(STATEMENT, local, *ENGLISH_PRESS_RELEASE, "--emit-html")[0] == 0
    assert _build(STATEMENT, cluster, *ENGLISH_PRESS_RELEASE, "--emit-html", "--cluster",
                  dask_scheduler)[0] == 0
    html = Path(STATEMENT_ID, "en", "press.html")
    assert (cluster / html).read_bytes() == (local / html).read_bytes()
    assert b'lang="en"' in (cluster / html).read_bytes()


def test_the_difference_names_each_kind_of_input() -> None:
    from statement_pdf.publish.cluster import difference_of

    here = {"assets": "a" * 64, "layout": "b" * 64, "software": {"pango": "1.50.12"},
            "options": {"source_date_epoch": None}}
    there = {**here, "assets": "c" * 64, "software": {"pango": "1.52.0"},
             "options": {"source_date_epoch": "1767225600"}}
    assert difference_of(here, there) == (
        "assets, options (source_date_epoch: None here, 1767225600 there), "
        "software (pango: 1.50.12 here, 1.52.0 there)")


def test_a_group_that_kills_its_workers_is_split_so_one_document_fails_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents travel in groups; when the scheduler gives up on a group because every worker
    that tried it died, its documents are sent again one by one, and only a document that
    still kills its workers on its own fails, with that reason. (Dask itself stands in here:
    making a document kill real workers again and again would take the tests minutes.)"""
    import distributed
    from distributed import KilledWorker

    from statement_pdf.load import load_project, load_statement
    from statement_pdf.publish import plan
    from statement_pdf.publish.cluster import _Build
    from statement_pdf.publish.worker import Task

    class Future:
        def __init__(self, group: object) -> None:
            self.group = group

        def result(self) -> None:
            raise KilledWorker("a key", None, 3)

        def release(self) -> None:
            pass

    class Client:
        loop = None

        def submit(self, function: object, group: object, **options: object) -> Future:
            return Future(group)

    monkeypatch.setattr(distributed, "as_completed", lambda loop: set())
    project = load_project(ROOT)
    jobs = plan(project, load_statement(STATEMENT, project), ["en"], ["letter"])
    tasks = [Task(job, Path("unused"), "0" * 64, False) for job in jobs]
    build = _Build(Client(), project, tasks)
    build.submit([0, 1, 2])
    (group,) = build.submitted
    assert list(build.results(group)) == [], "nothing to report yet"
    assert sorted(build.submitted.values()) == [[0], [1], [2]]
    alone = next(iter(build.submitted))
    (result,) = build.results(alone)
    assert result.index == alone.group.orders[0].index
    assert "every Dask worker that tried it died" in result.error


def test_letters_made_on_the_cluster_are_signed_by_the_client(
        tmp_path: Path, dask_scheduler: str, pki, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key stays on the machine the build runs on: the workers make the unsigned letters
    (byte for byte the local pool's), the client appends the signature; `inspect` finds it
    intact and made by the test signer, and the manifest records it."""
    from pki import PASSWORD, SIGNER_NAME

    local, cluster = tmp_path / "local", tmp_path / "cluster"
    letters = ("--lang", "en", "--variant", "letter")
    assert _build(STATEMENT, local, *letters)[0] == 0
    monkeypatch.setenv("STATEMENT_PDF_SIGNING_PASSWORD", PASSWORD)
    assert _build(STATEMENT, cluster, *letters, "--sign", "--signing-key", str(pki.signer_p12),
                  "--cluster", dask_scheduler)[0] == 0
    documents = _manifest(cluster)["documents"]
    assert len(documents) >= 3
    for name, entry in documents.items():
        signed = (cluster / STATEMENT_ID / name).read_bytes()
        assert signed.startswith((local / STATEMENT_ID / name).read_bytes()), name
        assert entry["signer"] == f"O=statement-pdf tests,CN={SIGNER_NAME}"
        report = json.loads(run_cli("inspect", cluster / STATEMENT_ID / name, "--json").stdout)
        (signature,) = report["signatures"]
        assert signature["intact"] and SIGNER_NAME in signature["signer"], signature
