"""Problems in the user's data, reported the way a compiler reports them.

A statement is written by people who are not developers: every problem names the file, line and
column and says what was expected, and all problems of a run are reported together so one edit
session can fix them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    file: Path
    line: int
    column: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


class InputError(Exception):
    """Bad input: the run stops before anything is rendered."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class RenderError(Exception):
    """One document could not be made; the others may still be."""
