"""Signing documents: PAdES signatures with pyHanko, so that an office can check that a letter
comes from the coalition and was not altered.

A signature is added as an incremental update after the document is final: the bytes WeasyPrint
wrote stay as they are, in front, and the signature is a second revision appended to them. So
the archive profile's PDF/A claims stay true (nothing of the first revision changes; the
revision adds the signature field, its widget and the signature dictionary, none of which PDF/A
forbids), and the document is reproducible up to the signature: the same inputs give the same
first revision, byte for byte (docs/delivery.md says what the appended revision changes).

pyHanko rewrites the document information and the XMP packet when it writes a revision (a new
modification date and producer, in one of them only), which would break PDF/A's rule that the
two agree; and it would declare PDF 2.0 for some keys, which a PDF/A-3 file is not.
`_KeepClaims` writes the revision without either. It overrides a private method of pyHanko's
writer, which is why pyproject.toml pins pyHanko's minor version; the tests compare the
metadata and version before and after signing.

Signature level: PAdES B-B (ETSI.CAdES.detached with the signing certificate attribute), or
B-T when a timestamp server is configured (an RFC 3161 signature timestamp from it).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pikepdf
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.extensions import DeveloperExtension
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import RenderError
from ..model import MM, FontRegistry, SignatureField

if TYPE_CHECKING:
    from .sign import Seal

FIELD_NAME = "Signature"
"""The signature field's name; `send` and `inspect` look for any signature, not this name."""
ANCHOR = "signature-field"
"""The id of the element a layout places where a visible signature goes."""
STAMP_FAMILY = "Noto Sans"
"""The bundled family of a visible signature's text (embedded, as PDF/A requires)."""


def sign_pdf(seal: Seal, pdf: bytes, visible: SignatureField | None = None,
             fonts: FontRegistry | None = None) -> bytes:
    """`pdf` with a signature appended as a new revision; visible in the box that the
    layout's `signature-field` element occupies when `visible` gives its size (and `fonts`
    the bundled fonts for its text), else invisible."""
    writer = _KeepClaims(io.BytesIO(pdf), strict=False)
    spec, style = None, None
    if visible is not None:
        spec = fields.SigFieldSpec(FIELD_NAME, **_field_place(pdf, visible),
                                   readable_field_name="Digital signature")
        style = _stamp_style(fonts) if fonts else None
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    signer = signers.PdfSigner(meta, signer=_pyhanko_signer(seal),
                               timestamper=_timestamper(seal.timestamp_url),
                               new_field_spec=spec, stamp_style=style)
    try:
        return signer.sign_pdf(writer).getvalue()
    except TimestampRequestError as error:
        raise RenderError(f"could not sign: the timestamp server {seal.timestamp_url} did "
                          f"not answer ({error})") from None
    except (SigningError, OSError) as error:
        raise RenderError(f"could not sign: {error}") from None


class _KeepClaims(IncrementalPdfFileWriter):
    """A revision that keeps what the first revision claims: its metadata, and its PDF
    version. PDF/A-3 and PDF/UA-1 are PDF 1.7 documents; pyHanko would declare PDF 2.0 (with
    the ISO 32002 extension) for an ECDSA key on a NIST curve, whereas PAdES in PDF 1.7 is
    declared by the ESIC extension alone, which is kept."""

    highest_version = (1, 7)

    def _update_meta(self) -> None:
        """The first revision's metadata stays as it is (see the module's docstring)."""

    def ensure_output_version(self, version: tuple[int, int]) -> None:
        super().ensure_output_version(min(version, self.highest_version))

    def register_extension(self, ext: DeveloperExtension) -> None:
        major, minor = (int(part) for part in str(ext.base_version).lstrip("/").split("."))
        if (major, minor) <= self.highest_version:
            super().register_extension(ext)


def _pyhanko_signer(seal: Seal) -> signers.SimpleSigner:
    certificate = asn1_x509.Certificate.load(seal.certificate)
    chain = [asn1_x509.Certificate.load(der) for der in seal.chain]
    return signers.SimpleSigner(certificate, asn1_keys.PrivateKeyInfo.load(seal.key),
                                SimpleCertificateStore.from_certs([certificate, *chain]))


def _timestamper(url: str | None) -> HTTPTimeStamper | None:
    """Generous timeout: a public timestamp server may be slow, and a build waits anyway."""
    return HTTPTimeStamper(url, timeout=30) if url else None


def _field_place(pdf: bytes, size: SignatureField) -> dict[str, Any]:
    """The page and box of the element the layout placed for the signature: WeasyPrint writes
    each element id as a named destination at the top-left corner of its border box."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        names = document.Root.get("/Names", {}).get("/Dests")
        destination = pikepdf.NameTree(names).get(ANCHOR) if names is not None else None
        if destination is None:
            raise RenderError(f"the layout asks for a visible signature but its template has "
                              f"no element with id=\"{ANCHOR}\"")
        page = next(index for index, page in enumerate(document.pages)
                    if page.obj.objgen == destination[0].objgen)
        left, top = float(destination[2]), float(destination[3])
    width, height = size.width * MM, size.height * MM
    return {"on_page": page, "box": (round(left), round(top - height), round(left + width),
                                     round(top))}


def _stamp_style(fonts: FontRegistry) -> TextStampStyle:
    regular = next(face for face in fonts.families[STAMP_FAMILY].faces
                   if face.weight == 400 and face.style == "normal")
    return TextStampStyle(
        stamp_text="Digitally signed by\n%(signer)s\n%(ts)s",
        timestamp_format="%Y-%m-%d %H:%M UTC",
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(fonts.folder / regular.file)), font_size=8),
        border_width=1,
    )
