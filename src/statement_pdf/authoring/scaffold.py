"""`statement-pdf new`: a statement folder to fill in, from a template that explains every field.

The templates are data (templates/new/ in this package), so that improving the guidance for
authors means editing a commented file. They list the ids this project has configured,
so an author sees at once what a field may contain.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files
from pathlib import Path
from string import Template
from textwrap import wrap

from ..errors import InputError, Problem
from ..model import Project

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def scaffold(project: Project, slug: str, date: dt.date) -> Path:
    """Create data/statements/<slug>/ with statement.yaml and en.md; never overwrite."""
    folder = project.data_dir / "statements" / slug
    if not _SLUG.match(slug):
        raise InputError([Problem(Path(slug), 1, 1, "a statement id uses lower-case letters, "
                                  "digits and hyphens only (for example 2025-06-01-topic)")])
    if folder.exists():
        raise InputError([Problem(folder, 1, 1, "already exists; choose another id")])
    values = {
        "id": slug,
        "folder": folder.relative_to(project.root).as_posix(),
        "date": date.isoformat(),
        "brand": min(project.brands, default=""),
        "brands": _comment_list(project.brands),
        "languages": _comment_list(project.languages),
        "organisations": _comment_list(project.organisations),
        "recipients": _comment_list(project.recipients),
        "first_recipient": min(project.recipients, default=""),
    }
    folder.mkdir(parents=True)
    for template in sorted(files(__package__).joinpath("templates", "new").iterdir()):
        text = Template(template.read_text(encoding="utf-8")).substitute(values)
        (folder / template.name).write_text(text, encoding="utf-8")
    return folder


def _comment_list(ids: dict[str, object]) -> str:
    """The ids, wrapped into YAML comment lines (the template supplies the first "# ")."""
    return "\n# ".join(wrap(", ".join(sorted(ids)), width=96, break_on_hyphens=False))
