"""Who signs and what: the seal (the coalition's key and certificate, loaded by keys.py) and
which documents a build signs (`build --sign`, or a `signing:` section in the statement or its
brand). How a signature is made is pades.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError
from ..model import FontRegistry, Project, SignatureField, Signing, Statement

PasswordSource = Callable[[str], str | None]
"""Asked for a password with a prompt text; returns None when nobody can answer."""


@dataclass(frozen=True)
class Seal:
    """A signing identity ready to use: the private key (decrypted, PKCS#8 DER), its
    certificate and the intermediate certificates (DER), and where timestamps come from.

    It is plain bytes so that it can travel with a task to the worker process that signs the
    document (a remote executor would ship the key with it: sign with the local pool when the
    key must not leave the machine)."""

    key: bytes = field(repr=False)
    certificate: bytes
    chain: tuple[bytes, ...] = ()
    timestamp_url: str | None = None
    variants: tuple[str, ...] = ("letter",)

    @property
    def signer(self) -> str:
        """The certificate's subject, as the manifest records it: "CN=…,O=…"."""
        from cryptography import x509

        return x509.load_der_x509_certificate(self.certificate).subject.rfc4514_string()

    @property
    def level(self) -> str:
        return "PAdES B-T" if self.timestamp_url else "PAdES B-B"

    @property
    def identity(self) -> dict[str, Any]:
        """What a signed document's fingerprint includes: another certificate or level makes
        another document (the key itself is not an input; its certificate names it)."""
        return {"certificate": hashlib.sha256(self.certificate).hexdigest(),
                "level": self.level, "timestamp_url": self.timestamp_url}

    def applies_to(self, variant: str) -> bool:
        return variant in self.variants

    def sign(self, pdf: bytes, visible: SignatureField | None = None,
             fonts: FontRegistry | None = None) -> bytes:
        """`pdf` with a signature appended as a new revision; visible in the box that the
        layout's `signature-field` element occupies when `visible` gives its size (and
        `fonts` the bundled fonts for its text), else invisible."""
        from .pades import sign_pdf  # pyHanko only where something is signed

        return sign_pdf(self, pdf, visible, fonts)


# --- which key a build signs with -----------------------------------------------------------


def configured_signing(project: Project, statement: Statement) -> Signing | None:
    """The statement's `signing:` section, or else its brand's: signing is set up."""
    return statement.meta.signing or project.brands[statement.meta.brand].signing


def seal_for_build(
    project: Project,
    statement: Statement,
    sign: bool | None,
    ask: PasswordSource,
    key: Path | None = None,
    certificate: Path | None = None,
    timestamp_url: str | None = None,
) -> Seal | None:
    """The seal a build signs with: `sign` None follows the data (signed when a `signing:`
    section is set up), True insists, False builds unsigned. The options name another key,
    certificate or timestamp server than the section's."""
    setup = configured_signing(project, statement)
    if sign is False or (sign is None and setup is None and key is None):
        return None
    overrides = {name: str(value) for name, value in (
        ("key", key), ("certificate", certificate), ("timestamp_url", timestamp_url))
        if value is not None}
    if setup is None and "key" not in overrides:
        raise InputError([statement.documents["statement"].problem((), (
            "--sign: no key to sign with; name one with --signing-key FILE, or add a "
            "`signing:` section (key, certificate) to statement.yaml or the brand"))])
    try:
        chosen = Signing.model_validate({**(setup.model_dump() if setup else {}), **overrides})
    except ValidationError as error:
        raise InputError([statement.documents["statement"].problem((), (
            f"signing options: {detail['msg']} ({'.'.join(map(str, detail['loc']))})"))
            for detail in error.errors()]) from None
    from . import pades  # noqa: F401 - imported once here, inherited by the forked workers
    from .keys import load_seal  # cryptography and pyHanko only where something is signed

    return load_seal(chosen, project.root, ask)
