"""YAML syntax errors in the words of the people who write statements.

PyYAML reports what its parser expected ("mapping values are not allowed here", "expected
<block end>, but found '<scalar>'"), often lines after the mistake. The people who edit
statement and registry files are not developers: each error here is said as what is wrong on
the line where it is and how to write it instead, with an example, and pointed at that line
(the opening quote that is never closed, the text that should have been indented).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_QUOTE_IT = "write it in quotes, {key}: \"{value}\""
_SPECIAL_START = "*&!@`|>?[{%#"


@dataclass(frozen=True)
class Explained:
    line: int
    column: int
    message: str


def explain(error: yaml.MarkedYAMLError, text: str) -> Explained:
    """The error at the place to edit, said for people; PyYAML's own words when no rule
    knows better."""
    lines = text.splitlines()
    problem, context = error.problem or "", error.context or ""
    at = error.problem_mark or error.context_mark
    line, column = (at.line + 1, at.column + 1) if at else (1, 1)
    opened = error.context_mark
    for rule in _RULES:
        if explained := rule(problem, context, lines, line, column, opened):
            return explained
    return Explained(line, column, f"invalid YAML: {problem or context}")


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _key_value(line: str) -> tuple[str, str]:
    """"  - title: Pakistan: Mass …" → ("title", "Pakistan: Mass …")."""
    match = re.match(r"\s*(?:-\s+)?([^:#\s][^:]*):\s+(.*)$", line)
    return (match.group(1), match.group(2).strip()) if match else ("title", line.strip())


def _shortened(value: str, words: int = 4) -> str:
    split = value.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _colon_in_value(problem: str, context: str, lines: list[str], line: int, column: int,
                    opened: yaml.Mark | None) -> Explained | None:
    if problem != "mapping values are not allowed here":
        return None
    text = _line(lines, line)
    first_colon = text.find(": ")
    if first_colon == -1 or column - 1 <= first_colon:
        return Explained(line, column, "invalid YAML: this line is indented more than the key "
                         "above it: the keys of one mapping start in the same column (indent "
                         "with the same number of spaces)")
    key, value = _key_value(text)
    return Explained(line, column, "invalid YAML: a value that contains “: ” must be in quotes "
                     "(a colon followed by a space starts a new key): "
                     + _QUOTE_IT.format(key=key, value=_shortened(value).replace('"', '\\"')))


def _tab(problem: str, context: str, lines: list[str], line: int, column: int,
         opened: yaml.Mark | None) -> Explained | None:
    if "'\\t'" not in problem:
        return None
    return Explained(line, column, "invalid YAML: a tab character: YAML is indented with "
                     "spaces only (replace the tab with spaces)")


def _unclosed_quote(problem: str, context: str, lines: list[str], line: int, column: int,
                    opened: yaml.Mark | None) -> Explained | None:
    """Either YAML ran to the end of the file looking for the closing quote, or it took the
    next quote in the file for it and stumbled on the text after that: then the value that
    opened a quote and never closed it on its line is the mistake."""
    if context == "while scanning a quoted scalar" and opened is not None:
        return _never_closed(lines, opened.line + 1, opened.column + 1)
    if problem != "expected <block end>, but found '<scalar>'":
        return None
    for number in range(line - 1, 0, -1):
        found = re.match(r"(\s*(?:-\s+)?[^:#\s][^:]*:\s+)([\"'])", _line(lines, number))
        if found and _line(lines, number).count(found.group(2)) % 2:
            return _never_closed(lines, number, len(found.group(1)) + 1)
    return None


def _never_closed(lines: list[str], line: int, column: int) -> Explained:
    mark = _line(lines, line)[column - 1:column] or '"'
    inside = "''" if mark == "'" else '\\"'
    return Explained(line, column, f"invalid YAML: the quote {mark} that starts this value is "
                     f"never closed: end the value with {mark} (a {mark} inside it is written "
                     f"{inside})")


def _special_start(problem: str, context: str, lines: list[str], line: int, column: int,
                   opened: yaml.Mark | None) -> Explained | None:
    at = opened if context.startswith(("while scanning an alias", "while scanning an anchor",
                                       "while scanning a block scalar", "while scanning a tag"))\
        else None
    starts = ("cannot start any token" in problem or problem == "mapping keys are not allowed here"
              or at is not None)
    if not starts:
        return None
    line, column = (at.line + 1, at.column + 1) if at else (line, column)
    key, value = _key_value(_line(lines, line))
    first = _line(lines, line)[column - 1:column] or value[:1]
    return Explained(line, column, f"invalid YAML: a value that starts with {first} must be in "
                     f"quotes, as must one starting with any of {' '.join(_SPECIAL_START)}: "
                     + _QUOTE_IT.format(key=key, value=_shortened(value).replace('"', '\\"')))


def _text_after_closed_value(problem: str, context: str, lines: list[str], line: int,
                             column: int, opened: yaml.Mark | None) -> Explained | None:
    if problem != "expected <block end>, but found '<scalar>'":
        return None
    key, value = _key_value(_line(lines, line))
    return Explained(line, column, "invalid YAML: text goes on after a value that ended with "
                     "its closing quote or bracket; for a value that starts with a quote or a "
                     "bracket, "
                     + _QUOTE_IT.format(key=key, value=_shortened(value).replace('"', '\\"')))


def _misplaced_item(problem: str, context: str, lines: list[str], line: int, column: int,
                    opened: yaml.Mark | None) -> Explained | None:
    if problem == "expected <block end>, but found '-'":
        return Explained(line, column, "invalid YAML: a list item (“- …”) where a key was "
                         "expected: the items of a list go under their key, indented (body:, "
                         "then “  - …” on the next lines)")
    if problem == "expected <block end>, but found '?'":
        return Explained(line, column, "invalid YAML: a “key: value” among the items of a "
                         "list: start it with “- ” if it is an item, or indent it under one")
    if problem == "expected <block end>, but found '<block mapping start>'":
        return Explained(line, column, "invalid YAML: this line is indented differently from "
                         "the keys of its mapping: the keys of one mapping start in the same "
                         "column")
    return None


def _unindented_text(problem: str, context: str, lines: list[str], line: int, column: int,
                     opened: yaml.Mark | None) -> Explained | None:
    if problem != "could not find expected ':'" or opened is None:
        return None
    number = opened.line + 1
    above = next((_line(lines, n) for n in range(number - 1, 0, -1)
                  if _line(lines, n).strip() and not _line(lines, n).lstrip().startswith("#")),
                 "")
    if re.search(r":\s*[>|][+-]?\s*$", above):
        key = _key_value(above + " x")[0]
        how = (f"the text of “{key}:” must be indented under it (two spaces more than "
               f"“{key}:”)")
    else:
        how = ("write it as “key: value” (a space after the colon), or indent it under the key "
               "whose text it continues")
    return Explained(number, opened.column + 1, f"invalid YAML: this line is neither "
                     f"“key: value” nor part of the value above: {how}")


def _tag(problem: str, context: str, lines: list[str], line: int, column: int,
         opened: yaml.Mark | None) -> Explained | None:
    """The one tag these files use is !placeholder, on a single text."""
    if problem.startswith("expected a scalar node"):
        return Explained(line, column, "invalid YAML: !placeholder marks one text, not a list "
                         "or a mapping: write it before each text that is a placeholder")
    if found := re.search(r"constructor for the tag '(!?[^']*)'", problem):
        return Explained(line, column, f"invalid YAML: unknown mark {found.group(1)}: the only "
                         "mark is !placeholder (for a value that is not real yet); a value "
                         "that starts with ! must be in quotes")
    return None


_RULES = (_tag, _colon_in_value, _tab, _unclosed_quote, _special_start, _text_after_closed_value,
          _misplaced_item, _unindented_text)
