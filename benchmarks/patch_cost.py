"""What one engine patch costs per document, measured in one warm process: the same letters
rendered alternately with the whole engine and without the patch (`engine.plain(patch)`),
after one of each to warm both up; the median of each counts. Used by `run.py --without`.
Alternating letter by letter inside one process puts both sides in the same minute of a
shared machine, which whole builds run one after the other cannot. Each letter's CPU time in
the process is taken beside its wall-clock time (less disturbed by other work)."""

from __future__ import annotations

import importlib
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATEMENT = ROOT / "data" / "statements" / "2025-05-28-pakistan-afghan-deportations"


def per_letter(patch_name: str, rounds: int, scratch: Path) -> dict[str, dict[str, float]]:
    """Median seconds per letter (composing and rendering) with and without the patch, for
    one letter in each language that has letters: wall-clock, and CPU time of this process."""
    from statement_pdf import engine
    from statement_pdf.compose import compose
    from statement_pdf.load import load_project, load_statement
    from statement_pdf.profiles import render_options
    from statement_pdf.publish import plan
    from statement_pdf.render import Renderer

    patch = importlib.import_module(f"statement_pdf.engine.{patch_name}")
    project = load_project(ROOT)
    jobs = {}
    for job in plan(project, load_statement(STATEMENT, project), variants=["letter"]):
        jobs.setdefault(job.language, job)
    renderer, results = Renderer(ROOT), {}
    for language, job in jobs.items():
        times: dict[str, list[float]] = {"whole engine": [], f"without {patch_name}": []}
        cpu: dict[str, list[float]] = {side: [] for side in times}
        for attempt in range(rounds + 1):
            sides = list(times) if attempt % 2 == 0 else list(reversed(times))
            for side in sides:
                started, started_cpu = time.perf_counter(), time.process_time()
                if side == "whole engine":
                    renderer.render(compose(project, job), scratch / "letter.pdf",
                                    **render_options(project, job))
                else:
                    with engine.plain(patch):
                        renderer.render(compose(project, job), scratch / "letter.pdf",
                                        **render_options(project, job))
                if attempt:  # the first of each warms up
                    times[side].append(time.perf_counter() - started)
                    cpu[side].append(time.process_time() - started_cpu)
        results[language] = {**_medians(times), "cpu": _medians(cpu)}
    return results


def _medians(seconds: dict[str, list[float]]) -> dict[str, float]:
    medians = {side: round(statistics.median(values), 4) for side, values in seconds.items()}
    whole, without = medians.values()
    return {**medians, "whole_over_without": round(whole / without, 3)}
