"""Stage 5: plan the documents of a statement, make each one, and keep a true record of them.

    run       plan the jobs (language × variant × recipient), make those not already current,
              and report each outcome (one broken document does not stop the others)
    executor  where documents are made: the boundary between a run and the machinery
    worker    making one document with a warm renderer, and writing it
    batch     the default executor: worker processes on this machine
    pool      the processes themselves, which end with the run whatever happens
    outlock   one build at a time per output folder
    cluster   the other executor: the workers of a Dask cluster (`build --cluster`)
    manifest  what is on disk and the fingerprint of what it was made from (incremental builds)
    report    progress bar, summary table, JSON
"""

from .run import Outcome, output_path, plan, run, run_combined

__all__ = ["Outcome", "output_path", "plan", "run", "run_combined"]
