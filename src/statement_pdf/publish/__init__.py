"""Stage 5: plan the documents of a statement, make each one, and keep a true record of them.

    run       plan the jobs (language × variant × recipient), make those not already current,
              and report each outcome (one broken document does not stop the others)
    batch     worker processes, each keeping one warm renderer
    manifest  what is on disk and the fingerprint of what it was made from (incremental builds)
    report    progress bar, summary table, JSON
"""

from .run import Outcome, output_path, plan, run, run_combined

__all__ = ["Outcome", "output_path", "plan", "run", "run_combined"]
