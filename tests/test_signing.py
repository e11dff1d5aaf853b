"""Signed letters (issue 16): PAdES signatures from a test PKI made here (root, intermediate,
signer; a timestamp authority served over HTTP), read back with `inspect` as the office would.

The letters are built once unsigned and once signed (B-T, timestamped); the other tests sign
those bytes again or tamper with copies.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from conftest import ROOT, STATEMENT, STATEMENT_ID, layer_chars, run_cli
from pki import PASSWORD, SIGNER_NAME
from tsa import timestamp_server

PASSWORD_ENV = "STATEMENT_PDF_SIGNING_PASSWORD"
MM = 72 / 25.4


@pytest.fixture(scope="session")
def unsigned(demo_build: Path) -> Path:
    return demo_build


@pytest.fixture(scope="session")
def signed(tmp_path_factory: pytest.TempPathFactory, pki) -> tuple[Path, int]:
    """The letters signed at PAdES B-T: the folder, and how many timestamps were asked for."""
    out = tmp_path_factory.mktemp("signed")
    with pytest.MonkeyPatch.context() as patch, timestamp_server(pki) as (url, answered):
        patch.setenv(PASSWORD_ENV, PASSWORD)
        result = run_cli("build", STATEMENT, "--variant", "letter", "--out", out, "--quiet",
                         "--sign", "--signing-key", pki.signer_p12, "--timestamp-url", url)
    assert result.exit_code == 0, result.output
    return out / STATEMENT_ID, len(answered)


def add_to_brand(project: Path, section: str) -> None:
    brand = project / "data" / "brands" / "coalition.yaml"
    brand.write_text(brand.read_text() + section, encoding="utf-8")


def letters(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/letter-*.pdf"))


def inspect(pdf: Path, *trust: Path) -> tuple[int, dict]:
    result = run_cli("inspect", pdf, "--json", *(part for root in trust
                                                  for part in ("--trust", root)))
    return result.exit_code, json.loads(result.stdout)


def test_every_letter_is_signed_timestamped_intact_and_trusted(signed, pki):
    folder, timestamps = signed
    assert len(letters(folder)) == 6 and timestamps >= 6
    for pdf in letters(folder):
        code, report = inspect(pdf, pki.root)
        assert code == 0, pdf
        [signature] = report["signatures"]
        assert f"CN={SIGNER_NAME}" in signature["signer"]
        assert signature["level"] == "PAdES B-T" and signature["timestamp"]
        assert signature["intact"] and signature["covers_whole_file"]
        assert signature["trusted"] is True
        assert "Test root CA" in signature["trust_detail"]


def test_inspect_says_plainly_when_no_trust_root_was_given(signed):
    pdf = letters(signed[0])[0]
    result = run_cli("inspect", pdf)
    assert result.exit_code == 0
    assert "trust:     not checked: no trust root was given (--trust CERT)" in result.stdout
    assert "intact:    yes, the signed bytes are unchanged" in result.stdout
    assert "coverage:  the whole file" in result.stdout


def test_a_root_the_signer_does_not_chain_to_is_reported(signed, pki):
    code, report = inspect(letters(signed[0])[0], pki.other_root)
    assert code == 1
    assert report["signatures"][0]["trusted"] is False
    assert "does not chain" in report["signatures"][0]["trust_detail"]


def test_signed_letters_are_the_unsigned_bytes_plus_a_revision(signed, unsigned):
    """Reproducible up to the signature: the first revision is the unsigned build, byte for
    byte, and its metadata and PDF version are what the unsigned file claims."""
    for pdf in letters(signed[0]):
        original = (unsigned / pdf.relative_to(signed[0])).read_bytes()
        assert pdf.read_bytes().startswith(original), pdf
        with pikepdf.open(pdf) as after, pikepdf.open(unsigned / pdf.relative_to(
                signed[0])) as before:
            assert dict(after.docinfo) == dict(before.docinfo)
            assert after.Root.Metadata.read_bytes() == before.Root.Metadata.read_bytes()
            assert after.pdf_version == before.pdf_version == "1.7"
            assert "/Version" not in after.Root
            assert set(after.Root.Extensions.keys()) == {"/ESIC"}


def test_manifest_records_the_signed_file_and_its_signer(signed):
    folder = signed[0]
    documents = json.loads((folder / "manifest.json").read_text())["documents"]
    for pdf in letters(folder):
        entry = documents[pdf.relative_to(folder).as_posix()]
        assert entry["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert entry["signer"] == f"O=statement-pdf tests,CN={SIGNER_NAME}"
        assert entry["inputs"]["signing"]["level"] == "PAdES B-T"


def test_a_tampered_letter_is_reported_as_altered(signed, tmp_path):
    pdf = letters(signed[0])[0]
    data = bytearray(pdf.read_bytes())
    position = data.index(b"endstream") - 10  # inside the first stream the signature covers
    data[position] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    result = run_cli("inspect", tampered)
    assert result.exit_code == 1
    assert "intact:    NO: the document was ALTERED after it was signed" in result.stdout


def test_a_change_appended_after_signing_is_reported(signed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf = letters(signed[0])[0]
    with pdf.open("rb") as source:
        writer = IncrementalPdfFileWriter(source)
        writer.root["/PageLabels"] = generic.DictionaryObject()  # a harmless-looking change
        writer.update_root()
        changed = tmp_path / "changed.pdf"
        with changed.open("wb") as target:
            writer.write(target)
    result = run_cli("inspect", changed)
    assert result.exit_code == 1
    assert "coverage:  NOT the whole file: something was added after signing" in result.stdout


def test_a_pem_key_with_its_chain_signs_too(unsigned, pki, monkeypatch):
    from statement_pdf.delivery.keys import load_seal
    from statement_pdf.delivery.verify import read_signatures
    from statement_pdf.model import Signing

    monkeypatch.setenv("COALITION_KEY_PASSWORD", PASSWORD)
    seal = load_seal(Signing(key=str(pki.signer_key), certificate=str(pki.signer_chain),
                             password_env="COALITION_KEY_PASSWORD"), ROOT, lambda prompt: None)
    assert seal.level == "PAdES B-B" and len(seal.chain) == 1
    signed_pdf = pki.folder / "pem-signed.pdf"
    signed_pdf.write_bytes(seal.sign(letters(unsigned)[0].read_bytes()))
    [signature] = read_signatures(signed_pdf, [pki.root])
    assert signature.level == "PAdES B-B" and signature.timestamp is None
    assert signature.intact and signature.covers_whole_file and signature.trusted


def test_a_wrong_password_is_a_located_error_and_nothing_is_written(pki, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    result = run_cli("build", STATEMENT, "--variant", "letter", "--out", tmp_path, "--sign",
                     "--signing-key", pki.signer_p12)
    assert result.exit_code == 2
    assert f"{pki.signer_p12}:1:1: error: cannot open this PKCS#12 file: wrong password" in (
        result.output)
    assert not any(tmp_path.rglob("*.pdf"))


def test_without_a_password_or_a_terminal_it_says_how_to_give_one(pki, tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = run_cli("build", STATEMENT, "--variant", "letter", "--out", tmp_path, "--sign",
                     "--signing-key", pki.signer_p12)
    assert result.exit_code == 2
    assert f"set {PASSWORD_ENV} or run the command in a terminal" in result.output


def test_a_password_in_the_data_is_refused(project_copy):
    add_to_brand(project_copy, "signing:\n  key: ~/coalition.p12\n  password: hunter2\n")
    result = run_cli("check", project_copy / "data" / "statements" / STATEMENT_ID,
                     "--no-measure")
    assert result.exit_code == 1
    assert "signing.password: unknown field" in result.output


def test_a_signing_section_signs_without_asking_and_a_visible_field_sits_in_the_signature_block(
        project_copy, pki, monkeypatch):
    """The brand's `signing:` section signs every letter of its statements; the layout asks
    for a visible field, which pyHanko draws where the template reserved its box, in English
    (on the left) and in Urdu (on the right)."""
    shutil.copy(pki.signer_p12, project_copy / "coalition.p12")
    add_to_brand(project_copy, "signing:\n  key: coalition.p12\n"
                 "  password_env: COALITION_KEY_PASSWORD\n")
    layout = project_copy / "layouts" / "letter" / "layout.yaml"
    layout.write_text(layout.read_text() + "signature_field: {width: 70, height: 18}\n")
    monkeypatch.setenv("COALITION_KEY_PASSWORD", PASSWORD)
    out = project_copy / "out"
    result = run_cli("build", project_copy / "data" / "statements" / STATEMENT_ID, "--variant",
                     "letter", "--recipient", "pm-pakistan", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    for language, side in (("en", "left"), ("ur", "right")):
        pdf = out / STATEMENT_ID / language / "letter-pm-pakistan.pdf"
        code, report = inspect(pdf, pki.root)
        assert code == 0 and report["signatures"][0]["trusted"], language
        with pikepdf.open(pdf) as document:
            [(page, widget)] = [(number, annotation)
                                for number, page in enumerate(document.pages)
                                for annotation in page.get("/Annots", [])
                                if annotation.get("/FT") == "/Sig"]
            left, bottom, right, top = (float(value) for value in widget.Rect)
            page_width, page_height = (float(value) for value in widget.P.MediaBox[2:])
            assert int(widget.F) & 4, "printed (PDF/A)"
            assert "/N" in widget.AP, "drawn with its own appearance"
        assert (round((right - left) / MM), round((top - bottom) / MM)) == (70, 18)
        assert (left < page_width / 2) == (side == "left"), language
        if language == "en":  # between the close and the signatories, as a signature is
            with pdfplumber.open(pdf) as document:
                words = layer_chars(document.pages[page]).extract_words()
            close = next(word for word in words if word["text"] == "sincerely,")
            signed_for = next(word for word in words if word["text"] == "behalf")
            assert close["bottom"] < page_height - top
            assert page_height - bottom < signed_for["top"]
