"""Problems in the user's data, reported the way a compiler reports them.

A statement is written by people who are not developers: every problem names the file, line and
column and says what was expected, and all problems of a run are reported together so one edit
session can fix them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
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


class Overflow(RenderError):
    """Words wider than their line, which would run off the page (engine/overflow.py); the
    caller, which knows the statement, says where they are (textrules.overflow_problems)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        super().__init__("text runs off the page: " + ", ".join(
            f"“{word[:30]}…”" if len(word) > 30 else f"“{word}”" for word in words))


def unknown(kind: str, value: str, known: Iterable[str], expected: str = "expected one of"
            ) -> str:
    """"unknown organisation 'rfs': did you mean 'rsf'? (expected one of: …)": every message
    about an id that is not there, wherever ids are checked, says the same thing the same way."""
    known = sorted(known)
    return f"unknown {kind} '{value}'{did_you_mean(value, known)} ({expected}: " \
           f"{', '.join(known) or 'none'})"


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """": did you mean 'rsf'?" when one of `known` is a likely intent, else nothing."""
    return f": did you mean '{match}'?" if (match := closest(value, known)) else ""


def closest(value: str, known: Iterable[str]) -> str | None:
    """The id someone most likely meant: the same in other letter case, the one it begins
    (`fa` for `fa-AF`), or the nearest spelling (`rfs` for `rsf`) — one suggestion, never a
    list of guesses."""
    known = list(known)
    folded = value.casefold()
    for candidate in known:
        if candidate.casefold() == folded:
            return candidate
    starting = [candidate for candidate in known
                if folded and candidate.casefold().startswith(folded)]
    if len(starting) == 1:
        return starting[0]
    matches = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


class OutputError(Exception):
    """The output folder cannot take the build (not a folder, read-only, full, or another build
    is writing into it): said in one sentence with what to do about it."""
