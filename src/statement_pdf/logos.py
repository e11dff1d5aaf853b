"""Logos of any shape in one row: the same visual weight for each, and a warning where one would
not print legibly.

Most real logos are wide (a wordmark beside a sign), some are tall, the placeholders are square.
Set in square cells, a 4:1 logo shrinks to a quarter of the height of its neighbours and cannot
be read. Each logo is therefore given the same area (the layout's `logos.area`), at its own
proportions, within a height range (a tall logo does not tower over a row, a wide one keeps a
legible height) and a maximum width; the layout wraps them in rows that fill the measure.

A logo that would still print below the legible height (an extremely wide one), or a bitmap
with fewer than `min_dpi` pixels per inch at its printed size, is a warning that names the file.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import Problem
from .load import entry_index
from .model import LogoRule, Project, Statement

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Intrinsic:
    """A logo file's own proportions, and its pixels when it is a bitmap."""

    width: float
    height: float
    pixels: tuple[int, int] | None = None

    @property
    def ratio(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class LogoSize:
    """Printed size in millimetres."""

    width: float
    height: float


def intrinsic(path: Path) -> Intrinsic:
    stat = path.stat()
    return _intrinsic(path, stat.st_mtime_ns, stat.st_size)


@cache
def _intrinsic(path: Path, mtime_ns: int, size: int) -> Intrinsic:
    """Read once per file version: an SVG's viewBox (or width and height), a bitmap's pixels.
    A file whose proportions cannot be read is taken as square."""
    if path.suffix.lower() == ".svg":
        return _svg_intrinsic(path)
    from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError):
        return Intrinsic(1, 1)
    return Intrinsic(width, height, (width, height)) if width and height else Intrinsic(1, 1)


def _svg_intrinsic(path: Path) -> Intrinsic:
    try:
        root = next(element for _, element in ET.iterparse(path, events=("start",)))
    except (ET.ParseError, OSError, StopIteration):
        return Intrinsic(1, 1)
    box = [float(number) for number in re.findall(r"-?[\d.]+(?:e-?\d+)?",
                                                  root.get("viewBox", ""))]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        return Intrinsic(box[2], box[3])
    width, height = (_length(root.get(name)) for name in ("width", "height"))
    return Intrinsic(width, height) if width and height else Intrinsic(1, 1)


def _length(value: str | None) -> float | None:
    found = re.match(r"\s*([\d.]+)\s*(px)?\s*$", value or "")
    return float(found.group(1)) if found else None


def logo_size(ratio: float, rule: LogoRule) -> LogoSize:
    """The printed size of a logo of proportions `ratio` (width / height): the rule's area at
    those proportions, its height kept within the rule's range, its width within the maximum
    (which may push an extremely wide logo below the minimum height: see `logo_problems`)."""
    height = math.sqrt(rule.area / ratio)
    height = min(max(height, rule.min_height), rule.max_height)
    width = height * ratio
    if width > rule.max_width:
        width, height = rule.max_width, rule.max_width / ratio
    return LogoSize(round(width, 2), round(height, 2))


def logo_problems(project: Project, statement: Statement, variants: list[str]) -> list[Problem]:
    """The signatories' logos that would not print well in the layouts of `variants` that show
    logos: too small to read, or a bitmap with too few pixels for print. Each warning points at
    the organisation's `logo:` in data/organisations.yaml and names the file."""
    document = project.documents.get("organisations")
    problems = []
    for variant in variants:
        rule = project.layouts[variant].logos
        if rule is None or document is None:
            continue
        for org_id in dict.fromkeys(statement.meta.signatories):
            if org_id not in project.organisations:
                continue
            logo = project.organisations[org_id].logo
            if message := _trouble(project.data_dir / logo, logo, rule, variant):
                problems.append(document.problem((entry_index(document, org_id), "logo"),
                                                 message, severity="warning"))
    return problems


def _trouble(path: Path, name: str, rule: LogoRule, variant: str) -> str | None:
    shape = intrinsic(path)
    size = logo_size(shape.ratio, rule)
    if size.height < rule.min_height - 0.01:
        return (f"{name} prints {size.width:g} × {size.height:g} mm in the {variant} layout: "
                f"lower than the legible minimum of {rule.min_height:g} mm, because it is "
                f"{shape.ratio:.1f} times as wide as it is high; use a version of the logo that "
                f"is less wide (a stacked one)")
    if shape.pixels:
        dpi = shape.pixels[0] / (size.width / MM_PER_INCH)
        if dpi < rule.min_dpi:
            needed = math.ceil(rule.min_dpi * size.width / MM_PER_INCH)
            return (f"{name} has {shape.pixels[0]} × {shape.pixels[1]} pixels: {dpi:.0f} dpi at "
                    f"its printed size in the {variant} layout ({size.width:g} × "
                    f"{size.height:g} mm), where print needs {rule.min_dpi}; use an image at "
                    f"least {needed} pixels wide, or an SVG")
    return None
