"""YAML files that remember where each value came from.

PyYAML's safe loader forgets positions once it builds Python objects; we keep the node tree's
marks in a map from the value's path (keys and list indices) to its line and column, so that a
validation error deep inside a document can be reported at the exact place the user must edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .sourcefile import read_text
from .yamlerrors import explain

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
MAX_NESTING = 20
"""How deep values may be nested in a data file (the deepest the project's own files go is 6)."""


class _Loader(yaml.SafeLoader):
    """Safe loader without implicit timestamps: an impossible date such as 2025-02-30 must reach
    validation as text (and be reported at its line) instead of crashing the YAML constructor.

    It also refuses values nested deeper than `MAX_NESTING`: PyYAML builds the node tree
    recursively, and a file of a few hundred opening brackets ended in a RecursionError (and
    `check --format json` printed nothing)."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.depth >= MAX_NESTING:
            raise yaml.composer.ComposerError(
                None, None, f"values nested more than {MAX_NESTING} levels deep (statement-pdf's "
                "files need at most 6): check the indentation and the brackets",
                self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

PLACEHOLDER_TAG = "!placeholder"
"""Written before a value that is not real yet (`footer: !placeholder Contact details …`): the
value is used as it is while a statement is drafted, `check` lists it, and `build --final`
refuses it until someone replaces it and deletes the mark."""
_Loader.add_constructor(PLACEHOLDER_TAG, lambda loader, node: loader.construct_scalar(node))


@dataclass
class YamlDocument:
    file: Path
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    """Where the key of a mapping entry stands: the place to point at for a misspelt key."""
    placeholders: set[Path_] = field(default_factory=set)
    """The values marked !placeholder."""

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest ancestor that exists
        (a missing key is reported where its parent mapping starts)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                return self.marks[path[:end]]
        return (1, 1)

    def problem(self, path: Path_, message: str, severity: str = "error",
                at_key: bool = False) -> Problem:
        line, column = self.key_marks[path] if at_key and path in self.key_marks else self.where(
            path)
        return Problem(self.file, line, column, message, severity)

    def at(self, path: Path_) -> Any:
        """The value at `path`, or None where the document has nothing there."""
        data = self.data
        for key in path:
            if isinstance(data, dict):
                data = data.get(key)
            elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
                data = data[key]
            else:
                return None
        return data

    def strings(self, root: Path_ = ()) -> list[tuple[Path_, str]]:
        """Every text under `root`, with its path: what a check of the words walks."""
        return _strings(self.at(root), root)


def _strings(value: Any, path: Path_) -> list[tuple[Path_, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for key, inner in value.items() for item in _strings(inner, (*path, key))]
    if isinstance(value, list):
        return [item for index, inner in enumerate(value)
                for item in _strings(inner, (*path, index))]
    return []


def read_yaml(file: Path) -> YamlDocument:
    """Parse `file`; raise a list of located problems instead of a traceback."""
    return parse_yaml(read_text(file), file)



def parse_yaml(text: str, file: Path, first_line: int = 1) -> YamlDocument:
    """Parse YAML `text` that stands in `file` from line `first_line` on (the front matter of a
    Markdown file starts on line 2), so that every position points into the file."""
    offset = first_line - 1
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:
        raise _unacceptable(file, text, error, offset) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(file, None, {(): (first_line, 1)})
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        explained = explain(error, text)
        raise _fail(file, explained.line + offset, explained.column, explained.message) from None
    except yaml.YAMLError as error:
        raise _fail(file, first_line, 1, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    document = YamlDocument(file, data)
    problems: list[Problem] = []
    _collect_marks(node, (), document, problems, set(), _position(node, offset), offset)
    if problems:
        raise InputError(problems)
    return document


def _unacceptable(file: Path, text: str, error: yaml.reader.ReaderError,
                  offset: int) -> InputError:
    """YAML refuses control characters (such as NUL) anywhere in a file, before parsing."""
    line = text.count("\n", 0, error.position) + 1 + offset
    column = error.position - text.rfind("\n", 0, error.position)
    return _fail(file, line, column, f"invalid YAML: character U+{error.character:04X} is not "
                 "allowed in a YAML file (delete it)")


def _fail(file: Path, line: int, column: int, message: str) -> InputError:
    return InputError([Problem(file, line, column, message)])


def _collect_marks(
    node: yaml.Node,
    path: Path_,
    document: YamlDocument,
    problems: list[Problem],
    visited: set[int],
    used_at: tuple[int, int],
    offset: int = 0,
) -> None:
    """Record where each value is; report duplicate keys and aliases.

    An alias (*name) is the same node met twice. Statements never need one, and allowing them
    would let a file refer to itself (an endless value) or multiply itself (a few lines that
    expand to millions of values), so an alias is reported where it is used (`used_at`)."""
    if id(node) in visited:
        problems.append(Problem(document.file, *used_at, "aliases (*name) are not supported "
                                "here: write the value out in full"))
        return
    visited.add(id(node))
    document.marks[path] = _position(node, offset)
    if node.tag == PLACEHOLDER_TAG:
        document.placeholders.add(path)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                problems.append(Problem(document.file, *_position(key_node, offset),
                                        f"duplicate key '{key}'"))
            seen.add(key)
            document.key_marks[(*path, key)] = _position(key_node, offset)
            _collect_marks(value_node, (*path, key), document, problems, visited,
                           _position(key_node, offset), offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, (*path, index), document, problems, visited,
                           _position(node, offset), offset)


def _position(node: yaml.Node, offset: int = 0) -> tuple[int, int]:
    return node.start_mark.line + 1 + offset, node.start_mark.column + 1


def validate(
    document: YamlDocument, data: object, at: tuple, model: type[M], problems: list[Problem]
) -> M | None:
    """`data` (found at `at` in `document`) as a `model`, or None with its problems added,
    each at the line of the value it is about."""
    if not isinstance(data, dict):
        problems.append(document.problem(at, f"expected a mapping of {model.__name__} fields"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            location = (*at, *detail["loc"])
            problems.append(document.problem(location, _describe(detail),
                                             at_key=detail["type"] == "extra_forbidden"))
        return None


def _describe(detail: dict) -> str:
    """pydantic's message, prefixed with the dotted field name the user sees in the file, and
    said in the author's terms where pydantic's are a programmer's: how to write the value."""
    field_name = _field_name(detail["loc"]) or "document"
    return f"{field_name}: {_explained(detail, detail['loc'][-1] if detail['loc'] else '')}"


def _field_name(location: tuple) -> str:
    """The field as its author finds it: keys dotted (colours.primary), the items of a list
    counted from 1 (media_contacts, item 1, email), not pydantic's media_contacts.0.email."""
    name, after_item = "", False
    for part in location:
        if isinstance(part, int):
            name += f", item {part + 1}"
        else:
            name += (", " if after_item else "." if name else "") + str(part)
        after_item = isinstance(part, int)
    return name


_READ_AS = {bool: "yes/no (true/false)", int: "a number", float: "a number"}


def _in_quotes(key: str | int, text: str) -> str:
    """The line as it should be written: `key: "text"`, or `- "text"` for an item of a list."""
    return f'- "{text}"' if isinstance(key, int) else f'{key}: "{text}"'


def _read_as_key(value: object) -> str | None:
    """`a: b` when YAML read a text with “: ” in it as a key and its value (in a list, where
    `- Constitution Avenue: Red Zone` is a one-key mapping, not an error of syntax)."""
    if isinstance(value, dict) and len(value) == 1:
        (key, item), = value.items()
        if isinstance(key, str) and isinstance(item, str | int | float):
            return f"{key}: {item}"
    return None


def _explained(detail: dict, key: str | int) -> str:
    kind, value = detail["type"], detail.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see the template from `statement-pdf new`)"
    if kind == "value_error":  # a validator's own message (model.py), without pydantic's prefix
        return str(detail["ctx"]["error"])
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not have the expected form"
    if kind.startswith("date_"):
        return (f"{value!r} is not a date: write dates as YYYY-MM-DD, e.g. 2025-05-28 "
                f"({detail['msg'].split(', ', 1)[-1]})")
    if kind == "string_type" and type(value) in _READ_AS:
        return (f"expected text, but YAML read {value!r} as {_READ_AS[type(value)]}: write it "
                f"in quotes, {_in_quotes(key, str(value))}")
    if kind == "string_type" and (text := _read_as_key(value)):
        return (f"expected text, but YAML read “{text}” as a key and its value (a colon "
                f"followed by a space starts a key): write it in quotes, {_in_quotes(key, text)}")
    if kind == "list_type":
        return (f"expected a list: write {key}: [first, second] or one “- item” per line "
                f"under {key}:")
    return detail["msg"]
