"""The templates data may hold — "{page} of {pages}", "{statement}/{recipient}" — and nothing
more: a closed language of named placeholders.

Python's str.format, which filled them before, is a language of its own: a reference written
"{statement:>300000000}" passed `check` and then padded itself to 300 million characters (a
build that ran for ten minutes at 2.4 GB and could not be stopped), and "{recipient.__class__}"
reaches into objects. A template here is text in which a brace only ever opens or closes a
placeholder, `{name}`, whose name is one of those the field documents (model.py declares them).
"""

from __future__ import annotations

import re

_BRACES = re.compile(r"\{([^{}]*)\}|[{}]")


def problems(template: str, names: tuple[str, ...], required: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with `template`, given the placeholders it may and must use."""
    allowed = ", ".join(f"{{{name}}}" for name in names) or "none"
    found = []
    for match in _BRACES.finditer(template):
        if match.group(1) is None:
            found.append(f"a lone '{match.group()}': braces are only for placeholders "
                         f"(here: {allowed})")
        elif match.group(1) not in names:
            found.append(f"'{match.group()}' is not a placeholder here (here: {allowed}, "
                         "written exactly so, with nothing else between the braces)")
    used = {match.group(1) for match in _BRACES.finditer(template)}
    found += [f"{{{name}}} is missing" for name in required if name not in used]
    return found


def fill(template: str, **values: object) -> str:
    """The template with its placeholders replaced (it was checked when it was loaded)."""
    return _BRACES.sub(lambda match: str(values[match.group(1)]), template)
