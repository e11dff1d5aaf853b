"""The coalition's key and certificate, from a PKCS#12 file or a PEM key and certificate
(followed by its chain), with the password from the environment or a prompt, never from a data
file. Every failure is a problem located at the file, saying what to do.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ..errors import InputError, Problem
from ..model import Signing
from .sign import PasswordSource, Seal


def load_seal(setup: Signing, root: Path, ask: PasswordSource) -> Seal:
    """The key and certificates that `setup` names, decrypted with the password from the
    environment variable `setup.password_env` or else from `ask`; relative paths are relative
    to `root`, the project's folder."""
    key_path = _resolve(root, setup.key)
    data = _read(key_path)
    password = os.environ.get(setup.password_env)

    def password_or_ask() -> bytes:
        given = password if password is not None else ask(
            f"Password for {key_path} (or set {setup.password_env})")
        if given is None:
            raise _problem(key_path, f"the key is protected by a password: set "
                           f"{setup.password_env} or run the command in a terminal to be asked")
        return given.encode()

    if not data.lstrip().startswith(b"-----BEGIN"):
        key, certificate, chain = _from_pkcs12(key_path, data, password_or_ask, setup)
    else:
        if setup.certificate is None:
            raise _problem(key_path, "a PEM key needs its certificate: `certificate:` in the "
                           "signing section, or --signing-cert")
        key = _pem_key(key_path, data, password_or_ask)
        certificate_path = _resolve(root, setup.certificate)
        certificate, *chain = _pem_certificates(certificate_path)
    _check_pair(key_path, key, certificate)
    der = serialization.Encoding.DER
    return Seal(
        key=key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()),
        certificate=certificate.public_bytes(der),
        chain=tuple(other.public_bytes(der) for other in chain),
        timestamp_url=setup.timestamp_url,
        variants=tuple(setup.variants),
    )


def _from_pkcs12(path: Path, data: bytes, password: Callable[[], bytes],
                 setup: Signing) -> tuple[Any, x509.Certificate, list[x509.Certificate]]:
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, None)
    except ValueError:
        try:
            key, certificate, chain = pkcs12.load_key_and_certificates(data, password())
        except ValueError:
            raise _problem(path, f"cannot open this PKCS#12 file: wrong password (from "
                           f"{setup.password_env} or the prompt), or not a PKCS#12 file") from None
    if key is None or certificate is None:
        raise _problem(path, "this PKCS#12 file holds no private key with its certificate")
    return key, certificate, list(chain)


def _pem_key(path: Path, data: bytes, password: Callable[[], bytes]) -> Any:
    secret = password() if b"ENCRYPTED" in data else None
    try:
        return serialization.load_pem_private_key(data, secret)
    except (ValueError, TypeError) as error:
        raise _problem(path, f"cannot read this PEM private key ({error})") from None


def _pem_certificates(path: Path) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(_read(path))
    except ValueError:
        raise _problem(path, "not a PEM certificate (expected -----BEGIN CERTIFICATE-----)"
                       ) from None
    return certificates


def _check_pair(path: Path, key: Any, certificate: x509.Certificate) -> None:
    der, spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(der, spki) != certificate.public_key().public_bytes(
            der, spki):
        raise _problem(path, "the private key does not belong to the certificate "
                       f"({certificate.subject.rfc4514_string()})")


def _resolve(root: Path, name: str) -> Path:
    path = Path(name).expanduser()
    return path if path.is_absolute() else root / path


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise _problem(path, f"cannot read the file: {error.strerror}") from None


def _problem(path: Path, message: str) -> InputError:
    return InputError([Problem(path, 1, 1, message)])
