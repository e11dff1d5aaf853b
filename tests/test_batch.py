"""Batch builds: everything in one command, only what changed on a rebuild, every failure
isolated, the same bytes every time, and nothing half-written when a build is interrupted.

The tests of how a batch behaves run twice, through the `executor` fixture: with the local
process pool and on a Dask cluster (`--cluster`), which must behave the same."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, STATEMENT, STATEMENT_ID, pdftotext, run_cli

TWO_PRESS_RELEASES = ("--lang", "en", "--lang", "fa-AF", "--variant", "press")
ENGLISH, DARI = "en/press.pdf", "fa-AF/press.pdf"
ENGLISH_PRESS_RELEASE = ("--lang", "en", "--variant", "press")


@pytest.fixture(params=["local pool", "dask cluster"])
def executor(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The build options that choose the executor: none for the local pool, `--cluster` with
    the session's Dask scheduler (conftest.py) for the cluster."""
    if request.param == "local pool":
        return ()
    return ("--cluster", request.getfixturevalue("dask_scheduler"))


def _statement(project: Path) -> Path:
    return project / "data" / "statements" / STATEMENT_ID


def _build(statement: Path, out: Path, *options: str) -> tuple[int, dict]:
    """Build with --json and return the exit code and the parsed report."""
    result = run_cli("build", statement, "--out", out, "--json", *options)
    assert result.stdout, (result.output, result.exception)
    return result.exit_code, json.loads(result.stdout)


def _statuses(report: dict) -> dict[str, str]:
    """Each document's status by its path in the statement's output folder ("en/press.pdf")."""
    return {"/".join(Path(document["path"]).parts[-2:]): document["status"]
            for document in report["documents"]}


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _manifest(out: Path) -> dict:
    return json.loads((out / STATEMENT_ID / "manifest.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_rebuild_redoes_only_what_changed(project_copy: Path,
                                         executor: tuple[str, ...]) -> None:
    statement, out = _statement(project_copy), project_copy / "out"
    code, report = _build(statement, out, *TWO_PRESS_RELEASES, *executor)
    assert code == 0
    assert _statuses(report) == {ENGLISH: "written", DARI: "written"}
    english = out / STATEMENT_ID / "en" / "press.pdf"
    first_write = english.stat().st_mtime_ns

    code, report = _build(statement, out, *TWO_PRESS_RELEASES, *executor)
    assert (code, _statuses(report)) == (0, {ENGLISH: "skipped", DARI: "skipped"})
    assert english.stat().st_mtime_ns == first_write, "a skipped document was rewritten"

    _edit(statement / "fa-AF.md", "\n\n# ", "\n\n# تازه ")
    code, report = _build(statement, out, *TWO_PRESS_RELEASES, *executor)
    assert (code, _statuses(report)) == (0, {ENGLISH: "skipped", DARI: "written"})
    assert "تازه" in pdftotext(out / STATEMENT_ID / "fa-AF" / "press.pdf")

    _edit(project_copy / "layouts" / "press" / "press.css", "{", "{ orphans: 3; ")
    code, report = _build(statement, out, *TWO_PRESS_RELEASES, *executor)
    assert (code, _statuses(report)) == (0, {ENGLISH: "written", DARI: "written"})

    code, report = _build(statement, out, *TWO_PRESS_RELEASES, "--force", *executor)
    assert (code, set(_statuses(report).values())) == (0, {"written"})


def test_a_changed_layout_rebuilds_only_the_documents_that_use_it(
        project_copy: Path, executor: tuple[str, ...]) -> None:
    statement, out = _statement(project_copy), project_copy / "out"
    code, report = _build(statement, out, "--lang", "en", *executor)
    assert code == 0 and len(report["documents"]) >= 2
    _edit(project_copy / "layouts" / "letter" / "letter.css", "{", "{ orphans: 3; ")
    code, report = _build(statement, out, "--lang", "en", *executor)
    statuses = _statuses(report)
    assert statuses.pop("en/press.pdf") == "skipped"
    assert statuses and set(statuses.values()) == {"written"}, "every letter, nothing else"


def test_a_changed_profile_stylesheet_rebuilds_what_uses_it(project_copy: Path) -> None:
    statement = _statement(project_copy)
    printed, accessible = project_copy / "print", project_copy / "accessible"
    assert _build(statement, printed, *ENGLISH_PRESS_RELEASE, "--profile", "print")[0] == 0
    assert _build(statement, accessible, *ENGLISH_PRESS_RELEASE)[0] == 0
    _edit(project_copy / "layouts" / "profiles" / "print.css", "bleed: 8mm", "bleed: 9mm")
    report = _build(statement, printed, *ENGLISH_PRESS_RELEASE, "--profile", "print")[1]
    assert _statuses(report) == {ENGLISH: "written"}
    assert _statuses(_build(statement, accessible, *ENGLISH_PRESS_RELEASE)[1]) == {
        ENGLISH: "skipped"}


def test_combined_letter_files_are_recorded_and_rebuilt_only_when_a_letter_changes(
        project_copy: Path) -> None:
    statement, out = _statement(project_copy), project_copy / "out"
    letters = ("--variant", "letter", "--combined")
    code, report = _build(statement, out, *letters)
    assert code == 0 and _statuses(report)["en/letters.pdf"] == "written"
    assert _manifest(out)["documents"]["en/letters.pdf"]["pages"] == _pdf_pages(
        out / STATEMENT_ID / "en" / "letters.pdf")
    assert set(_statuses(_build(statement, out, *letters)[1]).values()) == {"skipped"}
    _edit(statement / "ur.md", "\nlanguage: ur", "\n# edited\nlanguage: ur")
    statuses = _statuses(_build(statement, out, *letters)[1])
    assert statuses["ur/letters.pdf"] == "written" and statuses["en/letters.pdf"] == "skipped"


def test_manifest_describes_the_files_on_disk(tmp_path: Path,
                                              executor: tuple[str, ...]) -> None:
    code, report = _build(STATEMENT, tmp_path, "--lang", "en", "--lang", "ur", "--variant", "press",
                          *executor)
    assert code == 0
    documents = _manifest(tmp_path)["documents"]
    assert sorted(documents) == ["en/press.pdf", "ur/press.pdf"]
    for name, entry in documents.items():
        pdf = tmp_path / STATEMENT_ID / name
        assert entry["sha256"] == _sha256(pdf)
        assert entry["bytes"] == pdf.stat().st_size
        assert entry["pages"] == _pdf_pages(pdf)
        assert (entry["language"], entry["variant"]) == (name.split("/")[0], "press")
        assert set(entry["inputs"]) >= {"statement", "translation", "language", "layout",
                                        "shared_data", "assets", "software", "options"}
    assert report["summary"]["pages"] == sum(entry["pages"] for entry in documents.values())


def test_a_batch_shares_digests_without_mixing_up_documents() -> None:
    """A run digests the shared inputs once for all its documents; each document's inputs must
    still be exactly what it would get on its own (its language's text, its layout)."""
    from statement_pdf.load import load_project, load_statement
    from statement_pdf.publish import plan
    from statement_pdf.publish.manifest import inputs_of

    project = load_project(ROOT)
    jobs = plan(project, load_statement(STATEMENT, project))
    known: dict[tuple, str] = {}
    shared = [inputs_of(project, job, known) for job in jobs]
    alone = [inputs_of(project, job) for job in jobs]
    assert shared == alone
    assert len({inputs["translation"] for inputs in alone}) == len({job.language for job in jobs})
    assert len({inputs["layout"] for inputs in alone}) == len({job.variant for job in jobs}) >= 2


def test_one_broken_translation_fails_alone(project_copy: Path,
                                            executor: tuple[str, ...]) -> None:
    """A character no bundled font has (an Egyptian hieroglyph) in the Pashto text: that
    document fails with the reason, every other one is written, the exit code is 1."""
    statement, out = _statement(project_copy), project_copy / "out"
    _edit(statement / "ps.md", "\n\n# ", "\n\n# \U00013000 ")
    result = run_cli("build", statement, "--out", out, "--json", *executor)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    statuses = _statuses(report)
    assert statuses.pop("ps/press.pdf") == "failed"
    assert set(statuses.values()) == {"written"} and len(statuses) >= 3
    failure = next(document for document in report["documents"] if document["status"] == "failed")
    assert "U+13000" in failure["error"] and "ps.md" in failure["error"]
    assert "U+13000" in result.stderr, "failures are listed for the person too"
    assert not (out / STATEMENT_ID / "ps" / "press.pdf").exists()
    assert "ps/press.pdf" not in _manifest(out)["documents"]
    for name in statuses:
        assert (out / STATEMENT_ID / name).is_file()


def test_two_clean_builds_are_byte_identical(tmp_path: Path, project_copy: Path,
                                             executor: tuple[str, ...]) -> None:
    """Built from two checkouts in different folders, with different numbers of workers: the
    executor under test, and one process of the local pool."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert _build(STATEMENT, first, "--jobs", "2", *executor)[0] == 0
    assert _build(_statement(project_copy), second, "--jobs", "1")[0] == 0
    pdfs = sorted(path.relative_to(first) for path in first.rglob("*.pdf"))
    assert len(pdfs) >= 4
    assert pdfs == sorted(path.relative_to(second) for path in second.rglob("*.pdf"))
    for pdf in pdfs:
        assert (first / pdf).read_bytes() == (second / pdf).read_bytes(), pdf


@pytest.mark.parametrize("profile", ["archive", "print"])
def test_every_profile_is_reproducible(tmp_path: Path, project_copy: Path,
                                       profile: str) -> None:
    """PDF/A needs an identifier and PDF/X-4 a document id in its metadata: neither is random,
    nor does either depend on the folder the project is in."""
    pdfs = []
    for statement, folder in ((STATEMENT, "first"), (_statement(project_copy), "second")):
        assert _build(statement, tmp_path / folder, *ENGLISH_PRESS_RELEASE,
                      "--profile", profile)[0] == 0
        pdfs.append((tmp_path / folder / STATEMENT_ID / ENGLISH).read_bytes())
    assert pdfs[0] == pdfs[1]


def test_source_date_epoch_sets_the_pdf_dates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              executor: tuple[str, ...]) -> None:
    """Set where the build is started: a cluster's workers render with the client's."""
    english = tmp_path / STATEMENT_ID / "en" / "press.pdf"
    assert _build(STATEMENT, tmp_path, *ENGLISH_PRESS_RELEASE, *executor)[0] == 0
    assert "2025-05-28" in _pdfinfo_iso_dates(english)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    code, report = _build(STATEMENT, tmp_path, *ENGLISH_PRESS_RELEASE, *executor)
    assert (code, _statuses(report)) == (0, {ENGLISH: "written"}), "the date is an input"
    assert _pdfinfo_iso_dates(english) == "2026-01-01T00:00:00Z 2026-01-01T00:00:00Z"


def _pdfinfo_iso_dates(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", "-isodates", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(line.split()[-1] for line in info.splitlines()
                    if line.startswith(("CreationDate:", "ModDate:")))


def test_an_interrupted_build_leaves_only_complete_recorded_files(
        tmp_path: Path, executor: tuple[str, ...]) -> None:
    """SIGTERM as soon as the first document is written: the others were mid-render in the
    workers. What remains must be complete PDFs, no temporary files, and a manifest that lists
    only files that are really there with their real checksums; the next build finishes."""
    out = tmp_path / "out"
    folder = out / STATEMENT_ID
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "statement-pdf"), "build", str(STATEMENT),
         "--out", str(out), "--jobs", "2", "--quiet", *executor], cwd=ROOT, stderr=subprocess.PIPE,
        text=True)
    deadline = time.monotonic() + 60
    while not list(folder.rglob("press.pdf")) and time.monotonic() < deadline:
        time.sleep(0.02)
    build.send_signal(signal.SIGTERM)
    stderr = build.communicate(timeout=60)[1]
    assert build.returncode == 130, stderr
    assert "Traceback" not in stderr
    recorded = only_complete_recorded_files(out)

    code, report = _build(STATEMENT, out, *executor)
    assert code == 0
    assert {document["status"] for document in report["documents"]
            if document["path"].endswith(tuple(recorded))} <= {"skipped"}
    assert len(_manifest(out)["documents"]) == len(report["documents"])


def only_complete_recorded_files(out: Path) -> dict[str, dict]:
    """After an interrupted build: complete PDFs (at least the first one, finished before the
    interrupt), no temporary files, and a manifest that lists only files that are really there
    with their real checksums; returns the manifest's entries."""
    folder = out / STATEMENT_ID
    assert not [path for path in out.rglob("*") if path.name.startswith(".")]
    written = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.pdf"))
    assert written, "the first document was finished before the interrupt"
    recorded = _manifest(out)["documents"]
    assert set(recorded) <= set(written)
    for name, entry in recorded.items():
        assert entry["sha256"] == _sha256(folder / name)
    for name in written:
        assert _pdf_pages(folder / name) >= 1  # poppler reads the whole file
    return recorded


def test_leftovers_of_a_killed_build_are_cleaned_up(tmp_path: Path,
                                                    executor: tuple[str, ...]) -> None:
    """SIGKILL gives no chance to clean up: the next build removes the temporary file and
    does not trust a manifest entry whose file was replaced behind its back."""
    assert _build(STATEMENT, tmp_path, *ENGLISH_PRESS_RELEASE, *executor)[0] == 0
    folder = tmp_path / STATEMENT_ID
    leftover = folder / "en" / ".press.pdf.abc123.part"
    leftover.write_bytes(b"%PDF-1.7 half a file")
    (folder / "en" / "press.pdf").write_bytes(b"%PDF-1.7 not what the manifest says")

    code, report = _build(STATEMENT, tmp_path, *ENGLISH_PRESS_RELEASE, *executor)
    assert (code, _statuses(report)) == (0, {ENGLISH: "written"})
    assert not leftover.exists()
    assert _manifest(tmp_path)["documents"]["en/press.pdf"]["sha256"] == _sha256(
        folder / "en" / "press.pdf")


def test_quiet_prints_nothing_and_the_default_prints_a_summary(
        tmp_path: Path, executor: tuple[str, ...]) -> None:
    quiet = run_cli("build", STATEMENT, *ENGLISH_PRESS_RELEASE, "--out", tmp_path, "--quiet",
                    *executor)
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    summary = run_cli("build", STATEMENT, *ENGLISH_PRESS_RELEASE, "--out", tmp_path, *executor)
    assert summary.exit_code == 0
    assert "skipped" in summary.stdout and "documents" in summary.stdout


def test_json_reports_the_worker_processes(tmp_path: Path, executor: tuple[str, ...]) -> None:
    code, report = _build(STATEMENT, tmp_path, "--lang", "en", "--lang", "ps", "--jobs", "2",
                          *executor)
    assert code == 0
    workers = {document["worker"] for document in report["documents"]}
    assert workers and os.getpid() not in workers, "rendered in worker processes"
    peaks = report["summary"]["peak_rss_kib_by_worker"]
    assert set(peaks) == {str(worker) for worker in workers}
    assert all(peak > 10_000 for peak in peaks.values())


def test_the_progress_bar_counts_every_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                executor: tuple[str, ...]) -> None:
    """On a terminal the bar moves once per document as it is finished, to all of them."""
    from rich.console import Console

    from statement_pdf.cli import publishing

    terminal = io.StringIO()
    monkeypatch.setattr(publishing, "err", Console(file=terminal, force_terminal=True,
                                                    width=120))
    result = run_cli("build", STATEMENT, "--lang", "en", "--out", tmp_path, *executor)
    assert result.exit_code == 0, terminal.getvalue()
    documents = len(_manifest(tmp_path)["documents"])
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    assert documents >= 5 and "rendering" in screen
    assert [count for count in range(documents + 1) if f" {count}/{documents} " in screen] == list(
        range(documents + 1))


def test_slow_font_subsetting_is_reported_once_with_the_fix(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Without libharfbuzz-subset WeasyPrint falls back to fontTools: say so once, with the
    command that fixes it."""
    from statement_pdf import render

    monkeypatch.setattr(render, "harfbuzz_subset", None)
    render.warn_if_slow_subsetting.cache_clear()
    try:
        render.warn_if_slow_subsetting()
        render.warn_if_slow_subsetting()
    finally:
        render.warn_if_slow_subsetting.cache_clear()
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "apt-get install libharfbuzz-subset0" in warnings[0]
    assert render.can_subset_with_harfbuzz() is False


def test_the_fingerprint_names_the_pango_and_harfbuzz_that_shape_the_text(
        tmp_path: Path) -> None:
    """A system upgrade of either can move glyphs, so it must make the documents stale; the
    versions recorded are those of the libraries WeasyPrint loaded."""
    from weasyprint.text.ffi import harfbuzz, pango

    assert _build(STATEMENT, tmp_path, *ENGLISH_PRESS_RELEASE)[0] == 0
    software = _manifest(tmp_path)["documents"][ENGLISH]["inputs"]["software"]
    major, minor, micro = (int(part) for part in software["pango"].split("."))
    assert pango.pango_version() == major * 10_000 + minor * 100 + micro
    major, minor, micro = (int(part) for part in software["harfbuzz"].split("."))
    assert harfbuzz.hb_version_atleast(major, minor, micro)
    assert not harfbuzz.hb_version_atleast(major, minor, micro + 1)


def test_the_fingerprint_covers_the_code_of_every_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change to the renderer or an engine patch must make the documents stale, not only a
    change to the publishing modules beside the manifest."""
    from statement_pdf.publish import manifest

    digested: list[Path] = []
    digest_files = manifest._digest_files

    def spy(root: Path, paths) -> str:
        paths = list(paths)
        digested.extend(path.relative_to(root) for path in paths)
        return digest_files(root, paths)

    monkeypatch.setattr(manifest, "_digest_files", spy)
    manifest._software.__wrapped__()
    names = {path.as_posix() for path in digested}
    assert {"render.py", "compose.py", "engine/lines.py", "publish/run.py"} <= names


def test_an_organisation_rebuilds_only_the_statements_that_list_it(project_copy: Path) -> None:
    """Two statements in one project: the bundled one (which lists PEN Norway) and the demo
    (PEN International and RSF only). Editing PEN Norway rebuilds the first; adding a new
    organisation, with its logo, rebuilds neither until a statement lists it."""
    import shutil

    shutil.copytree(Path(__file__).parent / "broken" / "_demo", project_copy,
                    dirs_exist_ok=True)
    bundled = _statement(project_copy)
    demo = project_copy / "data" / "statements" / "demo"
    out = project_copy / "out"

    def build_both() -> dict[str, str]:
        statuses = {}
        for statement in (bundled, demo):
            code, report = _build(statement, out, *ENGLISH_PRESS_RELEASE)
            assert code == 0, report
            statuses[statement.name] = _statuses(report)["en/press.pdf"]
        return statuses

    assert set(build_both().values()) == {"written"}
    organisations = project_copy / "data" / "organisations.yaml"
    _edit(organisations, "  name: PEN Norway", "  name: Norwegian PEN")
    assert build_both() == {STATEMENT_ID: "written", "demo": "skipped"}
    shutil.copy(project_copy / "data" / "logos" / "rsf.svg",
                project_copy / "data" / "logos" / "new-voices.svg")
    with organisations.open("a", encoding="utf-8") as file:
        file.write("- id: new-voices\n  name: New Voices\n  logo: logos/new-voices.svg\n")
    assert build_both() == {STATEMENT_ID: "skipped", "demo": "skipped"}
    _edit(demo / "statement.yaml", "  - rsf\n", "  - rsf\n  - new-voices\n")
    assert build_both() == {STATEMENT_ID: "skipped", "demo": "written"}
    (project_copy / "data" / "logos" / "new-voices.svg").write_text(
        (project_copy / "data" / "logos" / "cpj.svg").read_text())
    assert build_both() == {STATEMENT_ID: "skipped", "demo": "written"}, "its logo changed"
    (project_copy / "data" / "notes.txt").write_text("a file no entry names is shared by all")
    assert build_both() == {STATEMENT_ID: "written", "demo": "written"}
