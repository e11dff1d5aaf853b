"""Output profiles (data/profiles.yaml): the WeasyPrint options that make a PDF meet the one
standard its profile claims — PDF/UA-1, PDF/A-3a or PDF/X-4 (see docs/profiles.md).

The profile's page CSS (bleed, marks) and its colour profile are part of the composed HTML
(compose.py); this module gives what goes to `Renderer.render` as options.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from importlib.resources import files
from pathlib import Path

import pydyf
from weasyprint import Attachment
from weasyprint.document import Document

from .compose import Job, job_profile
from .engine.actualtext import add_actual_text, pages
from .model import Profile, Project
from .render import source_date_epoch

Finisher = Callable[[Document, pydyf.PDF], None]
POINTS_PER_MM = 72 / 25.4
MEDIA_TYPES = {".yaml": "application/yaml", ".md": "text/markdown"}
"""Every attachment is one of the statement's files: statement.yaml (RFC 9512) or a language's
text (RFC 7763)."""


def render_options(project: Project, job: Job) -> dict[str, object]:
    profile = job_profile(project, job)
    options: dict[str, object] = {"pdf_tags": profile.pdf_tags, "finisher": _finisher(profile)}
    if profile.pdf_variant:
        options["pdf_variant"] = profile.pdf_variant
    if profile.attach_sources:
        options["attachments"] = source_attachments(job)
    return options


def source_attachments(job: Job) -> list[Attachment]:
    """statement.yaml, the text of the document's language and, for a translation, the source
    text it was made from: the provenance an archive keeps with the letter (PDF/A-3 associated
    files, relationship Source)."""
    statement = job.statement
    languages = dict.fromkeys([job.language, statement.meta.source_language])
    files_ = [statement.documents["statement"].file,
              *(statement.documents[code].file for code in languages)]
    moment = source_date_epoch() or dt.datetime.combine(statement.meta.date, dt.time(), dt.UTC)
    return [Attachment(filename=str(path), name=path.name, relationship="Source",
                       description=f"{statement.meta.id}/{path.name}: the data this PDF was "
                                   "made from", created=moment, modified=moment)
            for path in files_]


def _finisher(profile: Profile) -> Finisher:
    steps: list[Finisher] = []
    if profile.pdf_tags:
        steps.append(add_actual_text)
    if profile.attach_sources:
        steps.append(describe_attachments)
    if profile.output_profile:
        steps.append(calibrate_rgb)
    if not profile.links:
        steps.append(remove_links)
    if profile.bleed_mm:
        steps.append(partial(set_bleed_box, points=profile.bleed_mm * POINTS_PER_MM))

    def finish(document: Document, pdf: pydyf.PDF) -> None:
        for step in steps:
            step(document, pdf)
    return finish


def describe_attachments(document: Document, pdf: pydyf.PDF) -> None:
    """Name the attachments' media type (WeasyPrint writes application/octet-stream, which
    tells an archivist nothing) and list each once in the catalog's /AF (WeasyPrint lists the
    embedded files twice)."""
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("Type") == "/Filespec":
            stream = pdf.objects[int(item["EF"]["F"].split()[0])]
            media_type = MEDIA_TYPES[Path(item["UF"].string).suffix]
            stream.extra["Subtype"] = "/" + media_type.replace("/", "#2f")
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


def remove_links(document: Document, pdf: pydyf.PDF) -> None:
    """Drop the link annotations and their references in the structure tree; the Link
    structure elements keep the linked text, so it is still read as a link's words."""
    annotations = {reference for page in pages(pdf) for reference in page.pop("Annots", [])}
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("Type") == "/StructElem":
            item["K"] = pydyf.Array(kid for kid in item["K"]
                                    if not _is_reference_to(pdf, kid, annotations))


def _is_reference_to(pdf: pydyf.PDF, kid: object, annotations: set[str]) -> bool:
    """Whether a structure element's kid is an object reference (OBJR) to one of
    `annotations`."""
    if not isinstance(kid, str) or not kid.endswith(" R"):
        return False
    target = pdf.objects[int(kid.split()[0])]
    return (isinstance(target, pydyf.Dictionary) and target.get("Type") == "/OBJR"
            and target.get("Obj") in annotations)


def set_bleed_box(document: Document, pdf: pydyf.PDF, points: float) -> None:
    """Every page's BleedBox `points` outside its TrimBox (WeasyPrint puts it at most 10 pt
    out, whatever the CSS bleed)."""
    for page in pages(pdf):
        left, top, right, bottom = page["TrimBox"]
        page["BleedBox"] = pydyf.Array([left - points, top - points,
                                        right + points, bottom + points])


def calibrate_rgb(document: Document, pdf: pydyf.PDF) -> None:
    """Declare sRGB as the meaning of the RGB colours WeasyPrint writes (/DefaultRGB).

    CSS colours are sRGB, but WeasyPrint writes them as device RGB, which PDF/X forbids beside
    a CMYK output intent: with DefaultRGB they are calibrated colour that the print shop's RIP
    converts to its CMYK condition."""
    srgb = pydyf.Stream([(files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()],
                        pydyf.Dictionary({"N": 3}), compress=True)
    pdf.add_object(srgb)
    for colour_spaces in _colour_space_dictionaries(pdf):
        colour_spaces["DefaultRGB"] = pydyf.Array(("/ICCBased", srgb.reference))


def _colour_space_dictionaries(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    """WeasyPrint shares one /ColorSpace dictionary (named lab-d50, lab-d65 and the
    @color-profile names) between all resources."""
    return [item for item in pdf.objects
            if isinstance(item, pydyf.Dictionary) and "lab-d50" in item]
