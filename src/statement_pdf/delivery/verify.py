"""Reading signatures back, as the office that receives a letter would: who signed it and
when, whether the signed bytes are intact, whether the signature covers the whole file (nothing
was added after signing), and whether the signer's certificate chains to a trust root the
reader gave. Used by `inspect` and by `send`, which sends no letter whose signature is broken.

Trust is never assumed: without a trust root the chain is not judged, and the report says so.
Revocation is not checked (the test certificates name no revocation service, and a check
that needs the network cannot be part of an offline inspection).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import InvalidCertificateError

from ..errors import InputError, Problem


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    """The signing certificate's subject ("CN=…,O=…")."""
    signed_at: str | None
    """The time the signer's computer claimed (ISO 8601), without a timestamp to prove it."""
    timestamp: str | None
    """The time a timestamp server certified (PAdES B-T), or None (B-B)."""
    level: str
    intact: bool
    """The signed bytes are unchanged and the signature over them is valid."""
    covers_whole_file: bool
    """Nothing was appended after signing."""
    trusted: bool | None
    """The certificate chains to one of the trust roots; None when none was given."""
    trust_detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def read_signatures(path: Path, trust: list[Path] | None = None) -> list[SignatureReport]:
    """Every signature of the PDF at `path`, judged against the certificates in `trust`."""
    roots = [certificate for root in trust or [] for certificate in _certificates(root)]
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                revocation_mode="soft-fail")
    with path.open("rb") as file, _quiet():
        try:
            reader = PdfFileReader(file, strict=False)
            return [_report(signature, context, bool(roots))
                    for signature in reader.embedded_signatures]
        except (PdfReadError, ValueError) as error:
            raise InputError([Problem(path, 1, 1, f"cannot read the signatures: {error}")]
                             ) from None


@contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko logs each failed search for a certificate path with a traceback; the report
    says it in words."""
    logger = logging.getLogger("pyhanko")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def is_signed_intact(path: Path) -> bool:
    """At least one signature, each intact and covering the whole file: what `send` asks of
    a signed letter before it goes (trust is for the receiver to judge)."""
    signatures = read_signatures(path)
    return bool(signatures) and all(signature.intact and signature.covers_whole_file
                                    for signature in signatures)


def _report(signature: object, context: ValidationContext, has_roots: bool) -> SignatureReport:
    try:
        status: PdfSignatureStatus = validate_pdf_signature(
            signature, signer_validation_context=context, ts_validation_context=context)
    except (InvalidCertificateError, ValueError) as error:  # pyHanko's are ValueErrors
        return SignatureReport(str(signature.field_name), _subject(signature), None, None,
                               _level(signature), False, False, None if not has_roots else False,
                               f"the signature cannot be validated: {error}")
    timestamp = status.timestamp_validity
    return SignatureReport(
        field=str(signature.field_name),
        signer=_subject(signature),
        signed_at=_iso(status.signer_reported_dt),
        timestamp=_iso(timestamp.timestamp) if timestamp else None,
        level=_level(signature, timestamped=timestamp is not None),
        intact=status.intact and status.valid,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=status.trusted if has_roots else None,
        trust_detail=_trust_detail(status, has_roots),
    )


def _trust_detail(status: PdfSignatureStatus, has_roots: bool) -> str:
    if not (status.intact and status.valid):
        return "not judged: the signed bytes were altered"
    if not has_roots:
        return "not checked: no trust root was given (--trust CERT)"
    if status.trusted and status.validation_path is not None:
        anchor = status.validation_path.trust_anchor.authority.name
        return f"chains to {anchor.human_friendly}"
    reason = status.trust_problem_indic
    return f"does not chain to a given trust root ({reason.name if reason else 'untrusted'})"


def _subject(signature: object) -> str:
    certificate = x509.load_der_x509_certificate(signature.signer_cert.dump())
    return certificate.subject.rfc4514_string()


def _level(signature: object, timestamped: bool = False) -> str:
    """PAdES B-T when the signature carries a signature timestamp, else B-B (for
    ETSI.CAdES.detached signatures; others are named by their /SubFilter)."""
    subfilter = str(signature.sig_object.get("/SubFilter", "/unknown")).lstrip("/")
    if subfilter != "ETSI.CAdES.detached":
        return subfilter
    return "PAdES B-T" if timestamped else "PAdES B-B"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds") if moment else None


def _certificates(path: Path) -> list:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError([Problem(path, 1, 1, f"cannot read the trust root: {error.strerror}")]
                         ) from None
    blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [
        data]
    try:
        return [asn1_x509.Certificate.load(der) for der in blocks]
    except ValueError:
        raise InputError([Problem(path, 1, 1, "not a certificate (PEM or DER expected)")]
                         ) from None
