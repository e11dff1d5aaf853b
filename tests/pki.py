"""A test PKI made by the tests: a root, an intermediate and the coalition's signing
certificate under it, a timestamp authority and an SMTP server certificate under the root, and
an unrelated root that nothing chains to. Nothing here is a real authority."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PASSWORD = "correct horse battery staple"
SIGNER_NAME = "Test coalition signing key"


@dataclass(frozen=True)
class Pki:
    folder: Path
    root: Path
    """The trust root (PEM)."""
    other_root: Path
    """A root nothing chains to."""
    signer_p12: Path
    """Key, certificate and intermediate, protected by PASSWORD."""
    signer_key: Path
    """The same key as encrypted PEM (PASSWORD)."""
    signer_chain: Path
    """The signer's certificate followed by the intermediate (PEM)."""
    tsa_cert: Path
    tsa_key: Path
    server_cert: Path
    """For localhost and 127.0.0.1 (the SMTP server's STARTTLS)."""
    server_key: Path


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    root_key, other_key, intermediate_key = _key(), _key(), _key()
    root = _certificate("Test root CA", root_key, None, None, ca=True)
    other = _certificate("Unrelated root CA", other_key, None, None, ca=True)
    intermediate = _certificate("Test intermediate CA", intermediate_key, root, root_key,
                                ca=True)
    signer_key = _key()  # ECDSA on P-256: pyHanko would declare PDF 2.0 for it (pades.py)
    signer = _certificate(SIGNER_NAME, signer_key, intermediate, intermediate_key)
    # pyHanko's test TSA signs with RSA only
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _certificate("Test timestamp authority", tsa_key, root, root_key,
                       usage=ExtendedKeyUsageOID.TIME_STAMPING)
    server_key = _key()
    server = _certificate("localhost", server_key, root, root_key,
                          usage=ExtendedKeyUsageOID.SERVER_AUTH, host=True)
    secret = serialization.BestAvailableEncryption(PASSWORD.encode())
    files = {
        "root": _pem(root), "other_root": _pem(other),
        "signer_p12": pkcs12.serialize_key_and_certificates(
            b"coalition", signer_key, signer, [intermediate], secret),
        "signer_key": signer_key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8, secret),
        "signer_chain": _pem(signer) + _pem(intermediate),
        "tsa_cert": _pem(tsa), "tsa_key": _private_pem(tsa_key),
        "server_cert": _pem(server), "server_key": _private_pem(server_key),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = folder / (name + (".p12" if name.endswith("p12") else ".pem"))
        paths[name].write_bytes(content)
    return Pki(folder, **paths)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _certificate(name: str, key: Key, issuer: x509.Certificate | None,
                 issuer_key: Key | None, *, ca: bool = False,
                 usage: x509.ObjectIdentifier | None = None,
                 host: bool = False) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "statement-pdf tests")])
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=1 if ca else None),
                              critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca and usage is None,
                   key_encipherment=False, data_encipherment=False, key_agreement=host,
                   key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False),
                   critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   (issuer_key or key).public_key()), critical=False))
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
    if host:
        builder = builder.add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _private_pem(key: Key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
