"""The `statement-pdf` command's entry point: signals first, then everything else.

Loading the command takes a good part of a second (typer, rich, pydantic, then WeasyPrint).
An interrupt during that time must end the command as quietly as one during a build, so the
signal handlers (interrupts.py) are installed before anything is imported, and the whole run
uses a scratch folder of its own for temporary files (scratch.py).
"""

from __future__ import annotations

import sys

from . import interrupts


def main() -> None:
    interrupts.install()
    try:
        from .scratch import scratch_folder

        with scratch_folder():
            from .cli import app

            app()
    except Exception:
        if not interrupts.received():
            raise
        _interrupted()
    except KeyboardInterrupt:
        _interrupted()
    finally:
        interrupts.ignore()
        _discard_scratch_folder()


def _discard_scratch_folder() -> None:
    """The scratch folder is removed on the way out of its block; this is for an interrupt that
    arrived just before that block's clean-up could start."""
    if scratch := sys.modules.get(f"{__package__}.scratch"):
        scratch.discard()


def _interrupted() -> None:
    sys.stderr.write("interrupted.\n")
    sys.exit(interrupts.EXIT_CODE)


if __name__ == "__main__":
    main()
