"""`statement-pdf inspect`: what a PDF claims and contains, read back from the file itself.

Before a letter goes to a registry or a press release to a print shop, a person wants to see
what they are sending: which standard it claims (the XMP identification schemas), which of our
profiles made it, the paper and the print boxes, whether every font is embedded, the language,
whether it is tagged, the metadata, the bookmarks and the attached source files. Everything here
is read with pikepdf from the PDF alone, so it works on any PDF, ours or not. Signatures are
read with pyHanko (delivery/verify.py), loaded only for a PDF that has one.

Any PDF includes a hostile or damaged one: a user password, forms nested thousands deep, a
print box that is not four numbers, an /OutputIntents that is not an array, a composite font
without its descendant. Each part of the report is read on its own; a part that cannot be read
is reported as damage found there (`Report.problems`, exit 1) while the rest is still shown, and
a file that cannot be opened at all is one located problem (exit 2) — never a traceback.

The text layer's fidelity needs to know what the document shows: for a document of a build,
whose manifest records its statement, it is read back with every PDF reader (readback.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pikepdf

from . import readback
from .errors import InputError, Problem
from .readback import Fidelity

if TYPE_CHECKING:
    from .delivery.verify import SignatureReport

POINTS_PER_MM = 72 / 25.4
PAPER_NAMES = {(210, 297): "A4", (216, 279): "Letter", (148, 210): "A5", (297, 420): "A3"}
_PROFILE = re.compile(r"\bprofile (\S+)")
_XMP = {
    "pdfuaid": "{http://www.aiim.org/pdfua/ns/id/}",
    "pdfaid": "{http://www.aiim.org/pdfa/ns/id/}",
    "pdfxid": "{http://www.npes.org/pdfx/ns/id/}",
    "dc": "{http://purl.org/dc/elements/1.1/}",
    "pdf": "{http://ns.adobe.com/pdf/1.3/}",
    "xmp": "{http://ns.adobe.com/xap/1.0/}",
}


@dataclass(frozen=True)
class Font:
    name: str
    subtype: str
    embedded: bool
    subset: bool


@dataclass(frozen=True)
class Attachment:
    name: str
    relationship: str
    media_type: str
    bytes: int


@dataclass(frozen=True)
class Report:
    path: str
    pdf_version: str
    pages: int
    paper: str
    trim_mm: tuple[float, float]
    media_mm: tuple[float, float]
    bleed_mm: float | None
    claims: list[str]
    profile: str | None
    language: str | None
    tagged: bool
    output_intent: str | None
    metadata: dict[str, str]
    bookmarks: list[str]
    links: int
    fonts: list[Font] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    text_layer: list[Fidelity] | None = None
    """Each reader's fidelity to what the document shows, when the build's manifest says what
    that is (readback.py); None for other PDFs."""
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def signatures_hold(self) -> bool:
        """No signature is broken, covers only part of the file, or fails the trust asked
        for."""
        return all(signature.intact and signature.covers_whole_file
                   and signature.trusted is not False for signature in self.signatures)
    problems: list[str] = field(default_factory=list)
    """Damage found: each part of the PDF that could not be read, and why."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Damaged(ValueError):
    """A part of the PDF is not what the PDF standard says it must be."""


_DAMAGE = (Damaged, pikepdf.PdfError, ValueError, TypeError, AttributeError, IndexError,
           KeyError, RecursionError)
"""What reading a part of a damaged PDF can raise: pikepdf's own errors, and what its objects
raise when a value has another type than the standard says (a name where an array should be)."""
T = TypeVar("T")


class _Reader:
    """Reads each part of the report on its own, keeping what went wrong."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    @property
    def problems(self) -> list[str]:
        return list(self.reasons.values())

    def read(self, part: str, reading: Callable[[], T], otherwise: T) -> T:
        try:
            return reading()
        except _DAMAGE as error:
            reason = str(error) if isinstance(error, Damaged) else (
                f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
            self.reasons.setdefault(reason, f"{part}: cannot be read ({reason})")
            return otherwise

    def note(self, problem: str) -> None:
        self.reasons.setdefault(problem, problem)


def inspect_pdf(path: Path, trust: list[Path] | None = None) -> Report:
    """What the PDF at `path` claims and contains; its signatures are judged against the
    certificates in `trust` (none: the chain is not judged)."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise InputError([Problem(path, 1, 1, "encrypted with a password: decrypt it first "
                                  "(qpdf --password=PASSWORD --decrypt in.pdf out.pdf), then "
                                  "inspect the copy")]) from None
    except (OSError, pikepdf.PdfError) as error:
        raise InputError([Problem(path, 1, 1, f"not a readable PDF: {error}")]) from None
    reader = _Reader()
    with pdf:
        xmp = reader.read("XMP metadata", lambda: dict(
            pdf.open_metadata(set_pikepdf_as_editor=False)), {})
        first = reader.read("page 1", lambda: pdf.pages[0] if len(pdf.pages) else None, None)
        trim = reader.read("page 1: /TrimBox", lambda: _box_size(first, "/TrimBox"),
                           (0.0, 0.0)) if first is not None else (0.0, 0.0)
        return Report(
            path=str(path),
            pdf_version=pdf.pdf_version,
            pages=len(pdf.pages),
            paper=_paper_name(trim),
            trim_mm=trim,
            media_mm=reader.read("page 1: /MediaBox", lambda: _box_size(first, "/MediaBox"),
                                 (0.0, 0.0)) if first is not None else (0.0, 0.0),
            bleed_mm=reader.read("page 1: /BleedBox", lambda: _bleed(first), None)
            if first is not None else None,
            claims=reader.read("XMP identification", lambda: _claims(xmp), []),
            profile=reader.read("creator", lambda: _profile(xmp, pdf), None),
            language=reader.read("/Lang", lambda: str(pdf.Root["/Lang"])
                                 if "/Lang" in pdf.Root else None, None),
            tagged=reader.read("/MarkInfo", lambda: "/StructTreeRoot" in pdf.Root and bool(
                pdf.Root.get("/MarkInfo", {}).get("/Marked", False)), False),
            output_intent=reader.read("/OutputIntents", lambda: _output_intent(pdf), None),
            metadata=reader.read("metadata", lambda: _metadata(xmp, pdf), {}),
            bookmarks=reader.read("bookmarks", lambda: _bookmarks(pdf), []),
            links=reader.read("links", lambda: sum(
                1 for page in pdf.pages for annotation in page.get("/Annots", [])
                if annotation.get("/Subtype") == "/Link"), 0),
            fonts=_fonts(pdf, reader),
            attachments=reader.read("attached files", lambda: _attachments(pdf), []),
            signatures=reader.read("signatures", lambda: _signatures(path, trust)
                                   if _has_signatures(pdf) else [], []),
            text_layer=reader.read("text layer", lambda: _text_layer(path), None),
            problems=reader.problems,
        )


def _text_layer(path: Path) -> list[Fidelity] | None:
    source = readback.recorded_source(path)
    return None if source is None else readback.fidelity(path, source)


def describe(report: Report) -> list[str]:
    """The report as lines for a terminal, most important first."""
    trim_w, trim_h = report.trim_mm
    media_w, media_h = report.media_mm
    lines = [
        f"file:        {report.path}",
        f"claims:      {', '.join(report.claims) or 'no PDF/A, PDF/UA or PDF/X claim'}",
        f"profile:     {report.profile or 'unknown (not made by statement-pdf)'}",
        f"pages:       {report.pages}",
        f"paper:       {report.paper}, {trim_w:g} × {trim_h:g} mm"
        + (f" (sheet {media_w:g} × {media_h:g} mm, bleed {report.bleed_mm:g} mm)"
           if report.bleed_mm else ""),
        f"language:    {report.language or 'not declared'}",
        f"tagged:      {'yes' if report.tagged else 'no'}",
        f"colour:      {report.output_intent or 'no output intent'}",
        f"PDF version: {report.pdf_version}",
    ]
    lines += [f"{key + ':':<13}{value}" for key, value in report.metadata.items()]
    lines.append(f"bookmarks:   {' / '.join(report.bookmarks) or 'none'}")
    lines.append(f"links:       {report.links}")
    embedded = sum(font.embedded for font in report.fonts)
    lines.append(f"fonts:       {len(report.fonts)}, {embedded} embedded")
    lines += [f"  {font.name} ({font.subtype}"
              f"{', embedded' if font.embedded else ', NOT EMBEDDED'}"
              f"{', subset' if font.subset else ''})" for font in report.fonts]
    lines.append(f"attachments: {len(report.attachments) or 'none'}")
    lines += [f"  {item.name} ({item.relationship}, {item.media_type}, {item.bytes:,} bytes)"
              for item in report.attachments]
    lines.append(f"signatures:  {len(report.signatures) or 'none'}")
    for signature in report.signatures:
        lines += _describe_signature(signature)
    lines.append(f"text layer:  {_fidelity_line(report.text_layer)}")
    if report.problems:
        lines.append(f"damage:      {len(report.problems)} part(s) could not be read")
        lines += [f"  {problem}" for problem in report.problems]
    return lines


def _describe_signature(signature: SignatureReport) -> list[str]:
    time = (f"{signature.timestamp} (certified by a timestamp server)" if signature.timestamp
            else f"{signature.signed_at or 'not given'} (as the signer's computer claimed)")
    return [
        f"  {signature.field}: signed by {signature.signer}",
        f"    time:      {time}",
        f"    level:     {signature.level}",
        "    intact:    " + ("yes, the signed bytes are unchanged" if signature.intact
                             else "NO: the document was ALTERED after it was signed"),
        "    coverage:  " + ("the whole file" if signature.covers_whole_file
                             else "NOT the whole file: something was added after signing"),
        f"    trust:     {signature.trust_detail}",
    ]


def _fidelity_line(results: list[Fidelity] | None) -> str:
    """`99.8 % of words (pdftotext), …`, and whether that is enough to publish."""
    if results is None:
        return "not measured (no build manifest records this file and its statement)"
    measured = [result for result in results if result.words is not None]
    line = ", ".join(f"{result.words:.1%} of words, {result.pairs:.1%} of pairs "
                     f"({result.reader})" for result in measured)
    line += "".join(f"; {result.reader} not installed" for result in results
                    if result.words is None)
    short = readback.short_of(results)
    return line + ("; BELOW the " if short else "; meets the ") + (
        f"{readback.WORDS_NEEDED:.0%} words / {readback.PAIRS_NEEDED:.0%} pairs threshold")


def _box_size(page: pikepdf.Page, box: str) -> tuple[float, float]:
    left, bottom, right, top = _rectangle(page.obj.get(box, page.mediabox), box)
    return round((right - left) / POINTS_PER_MM, 1), round((top - bottom) / POINTS_PER_MM, 1)


def _rectangle(value: object, name: str) -> tuple[float, ...]:
    """A PDF rectangle: an array of four numbers."""
    if not isinstance(value, pikepdf.Array) or len(value) != 4 or not all(
            isinstance(number, int | float | Decimal) for number in value):
        raise Damaged(f"{name} must be an array of four numbers, not {_shown(value)}")
    return tuple(float(number) for number in value)


def _shown(value: object) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= 60 else text[:60] + "…"


def _bleed(page: pikepdf.Page) -> float | None:
    if "/BleedBox" not in page.obj or "/TrimBox" not in page.obj:
        return None
    trim, bleed = _rectangle(page.obj.TrimBox, "/TrimBox"), _rectangle(page.obj.BleedBox,
                                                                          "/BleedBox")
    return round((trim[0] - bleed[0]) / POINTS_PER_MM, 1)


def _paper_name(size_mm: tuple[float, float]) -> str:
    width, height = sorted(size_mm)
    for (known_width, known_height), name in PAPER_NAMES.items():
        if abs(width - known_width) <= 1 and abs(height - known_height) <= 1:
            return name
    return "custom"


def _claims(xmp: dict[str, object]) -> list[str]:
    """The standards the XMP identification schemas declare (ISO 19005, 14289, 15930)."""
    claims = []
    if part := xmp.get(_XMP["pdfaid"] + "part"):
        claims.append(f"PDF/A-{part}{str(xmp.get(_XMP['pdfaid'] + 'conformance', '')).lower()}")
    if part := xmp.get(_XMP["pdfuaid"] + "part"):
        claims.append(f"PDF/UA-{part}")
    if version := xmp.get(_XMP["pdfxid"] + "GTS_PDFXVersion"):
        claims.append(str(version))
    return claims


def _profile(xmp: dict[str, object], pdf: pikepdf.Pdf) -> str | None:
    """Our profile, from the creator tool ("statement-pdf 0.1.0, profile print")."""
    creator = str(xmp.get(_XMP["xmp"] + "CreatorTool") or pdf.docinfo.get("/Creator", ""))
    return match.group(1) if (match := _PROFILE.search(creator)) else None


def _output_intent(pdf: pikepdf.Pdf) -> str | None:
    intents = pdf.Root.get("/OutputIntents", pikepdf.Array())
    if not isinstance(intents, pikepdf.Array) or not all(
            isinstance(intent, pikepdf.Dictionary) for intent in intents):
        raise Damaged(f"must be an array of output intent dictionaries, not {_shown(intents)}")
    return "; ".join(f"{intent.get('/OutputConditionIdentifier', '?')} "
                     f"({str(intent.get('/S', '')).lstrip('/')})" for intent in intents) or None


def _metadata(xmp: dict[str, object], pdf: pikepdf.Pdf) -> dict[str, str]:
    """XMP first (what PDF/A and PDF/UA read), the document information dictionary after."""
    info = pdf.docinfo
    authors = xmp.get(_XMP["dc"] + "creator") or info.get("/Author")
    values = {
        "title": xmp.get(_XMP["dc"] + "title") or info.get("/Title"),
        "authors": "; ".join(authors) if isinstance(authors, list) else authors,
        "subject": xmp.get(_XMP["dc"] + "description") or info.get("/Subject"),
        "keywords": xmp.get(_XMP["pdf"] + "Keywords") or info.get("/Keywords"),
        "created": xmp.get(_XMP["xmp"] + "CreateDate") or info.get("/CreationDate"),
        "creator": xmp.get(_XMP["xmp"] + "CreatorTool") or info.get("/Creator"),
        "producer": xmp.get(_XMP["pdf"] + "Producer") or info.get("/Producer"),
    }
    return {key: str(value) for key, value in values.items() if value}


def _bookmarks(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        return [item.title for item in _walk_outline(outline.root)]


def _walk_outline(items: list[pikepdf.OutlineItem]) -> list[pikepdf.OutlineItem]:
    return [walked for item in items for walked in [item, *_walk_outline(item.children)]]


def _fonts(pdf: pikepdf.Pdf, reader: _Reader) -> list[Font]:
    """Every font of every page and of the forms (SVG images) they draw, once each."""
    fonts: dict[str, Font] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for font in reader.read(f"page {number}: resources", lambda page=page, number=number:
                                _page_fonts(page.obj.get("/Resources", pikepdf.Dictionary()),
                                            reader, number), []):
            name = str(font.get("/BaseFont", "?")).lstrip("/")
            if name not in fonts:
                fonts[name] = Font(name, str(font.get("/Subtype", "?")).lstrip("/"),
                                   reader.read("fonts", lambda font=font, name=name:
                                               _embedded(font, name), False),
                                   bool(re.match(r"[A-Z]{6}\+", name)))
    return sorted(fonts.values(), key=lambda font: font.name)


MAX_FORM_NESTING = 32
"""Forms drawn inside forms deeper than this are not searched for fonts (a page of ours nests
two: the page draws an SVG logo, which is a form)."""


def _page_fonts(resources: pikepdf.Dictionary, reader: _Reader, page: int) -> list:
    """The fonts of a page's resources and of the forms they draw, searched breadth first with
    a bound on the depth (a hostile file nests forms thousands deep)."""
    found, seen, level = [], set(), [resources]
    for _depth in range(MAX_FORM_NESTING):
        deeper = []
        for current in level:
            found += list(current.get("/Font", {}).values())
            for xobject in current.get("/XObject", {}).values():
                if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                    seen.add(xobject.objgen)
                    deeper.append(xobject.get("/Resources", pikepdf.Dictionary()))
        if not (level := deeper):
            return found
    reader.note(f"page {page}: forms nested more than {MAX_FORM_NESTING} deep; the "
                           "fonts of the deeper ones are not listed")
    return found


def _embedded(font: pikepdf.Dictionary, name: str) -> bool:
    """A composite font carries its program in its descendant's descriptor; Type 3 fonts are
    drawn with PDF operators and so always embedded."""
    if font.get("/Subtype") == "/Type3":
        return True
    descriptor_owner = font
    if "/DescendantFonts" in font:
        descendants = font.DescendantFonts
        if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
            raise Damaged(f"the /DescendantFonts of {name} must be an array of one font, not "
                          f"{_shown(descendants)}")
        descriptor_owner = descendants[0]
    descriptor = descriptor_owner.get("/FontDescriptor", {})
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _has_signatures(pdf: pikepdf.Pdf) -> bool:
    form = pdf.Root.get("/AcroForm")
    return form is not None and any(
        field.get("/FT") == "/Sig" and "/V" in field for field in form.get("/Fields", []))


def _signatures(path: Path, trust: list[Path] | None) -> list[SignatureReport]:
    from .delivery.verify import read_signatures

    return read_signatures(path, trust)


def _attachments(pdf: pikepdf.Pdf) -> list[Attachment]:
    return [Attachment(name, str(spec.obj.get("/AFRelationship", "/Unspecified")).lstrip("/"),
                       str(spec.obj.EF.F.get("/Subtype", "/unknown")).lstrip("/"),
                       int(spec.obj.EF.F.get("/Params", {}).get("/Size", 0)))
            for name, spec in pdf.attachments.items()]
