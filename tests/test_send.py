"""`statement-pdf send` (issue 16) against a real SMTP server in the tests (aiosmtpd with
STARTTLS and AUTH, its certificate from the test PKI): build --sign, send --dry-run, send;
every letter arrives once, byte for byte as recorded, signed; reruns send nothing; an edited
letter is listed as changed and goes again only with --resend; a refused address and a dropped
connection fail alone, and the rerun completes without duplicates.

One ready project copy (tests/ready_copy.py) is built once; the tests run in order on it."""

from __future__ import annotations

import email
import json
from email.policy import default
from pathlib import Path

import pytest

from conftest import run_cli
from pki import PASSWORD as KEY_PASSWORD
from ready_copy import ARCHIVE, EMAIL, PRESS, STATEMENT_ID, ready_copy
from smtp_server import PASSWORD, USER, Handler, smtp_server

ADDRESSES = sum(len(addresses) + 1 for addresses in EMAIL.values()) + 2  # + archive, ur copies


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory, pki) -> dict:
    """The ready copy with a signing section, built and signed once."""
    root = tmp_path_factory.mktemp("ready")
    statement = ready_copy(root)
    brand = root / "data" / "brands" / "coalition.yaml"
    brand.write_text(brand.read_text() + f"signing:\n  key: {pki.signer_p12}\n",
                     encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATEMENT_PDF_SIGNING_PASSWORD", KEY_PASSWORD)
        result = run_cli("build", statement, "--variant", "letter", "--out", root / "out",
                         "--quiet")
    assert result.exit_code == 0, result.output
    return {"root": root, "statement": statement, "out": root / "out",
            "folder": root / "out" / STATEMENT_ID}


@pytest.fixture
def smtp(pki, monkeypatch):
    """Start a server with a handler; the environment points `send` at it."""
    def start(handler: Handler):
        context = smtp_server(pki, handler)
        port = context.__enter__()
        monkeypatch.setenv("STATEMENT_PDF_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("STATEMENT_PDF_SMTP_PORT", str(port))
        monkeypatch.setenv("STATEMENT_PDF_SMTP_SECURITY", "starttls")
        monkeypatch.setenv("STATEMENT_PDF_SMTP_USER", USER)
        monkeypatch.setenv("STATEMENT_PDF_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("STATEMENT_PDF_SMTP_CA_FILE", str(pki.root))
        monkeypatch.setenv("STATEMENT_PDF_SMTP_TIMEOUT", "30")
        started.append(context)
        return handler

    started: list = []
    yield start
    for context in started:
        context.__exit__(None, None, None)


def send(ready: dict, *options: str):
    return run_cli("send", ready["statement"], "--out", ready["out"], *options)


def outbox(ready: dict) -> list[dict]:
    return json.loads((ready["folder"] / "outbox.json").read_text())["messages"]


def test_the_bundled_drafts_and_placeholders_are_refused(tmp_path):
    from conftest import STATEMENT

    result = run_cli("send", STATEMENT, "--out", tmp_path, "--dry-run")
    assert result.exit_code == 2
    assert "draft" in result.output and "placeholder" in result.output
    assert "not built: run `statement-pdf build" in result.output
    assert "nothing was sent" in result.output


def test_dry_run_writes_every_message_and_sends_nothing(ready):
    result = send(ready, "--dry-run")
    assert result.exit_code == 0, result.output
    drafts = sorted((ready["folder"] / "outbox").glob("*.eml"))
    assert len(drafts) == 6
    assert not (ready["folder"] / "outbox.json").exists()
    message = email.message_from_bytes(drafts[-1].read_bytes(), policy=default)
    assert drafts[-1].name == "ur-pm-pakistan.eml"
    assert message["To"] == EMAIL["pm-pakistan"][0] and "Bcc" not in message


def test_send_delivers_every_letter_once_byte_for_byte(ready, smtp):
    server = smtp(Handler())
    result = send(ready, "--yes")
    assert result.exit_code == 0, result.output
    assert len(server.received) == 6
    records = outbox(ready)
    by_id = {record["message_id"]: record for record in records}
    for arrived in server.received:
        message = email.message_from_bytes(arrived.content, policy=default)
        record = by_id[message["Message-ID"]]
        assert arrived.content == (ready["folder"] / record["eml"]).read_bytes()
        pdf = ready["folder"] / record["pdf"]
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content() == pdf.read_bytes()
        assert attachment.get_content_type() == "application/pdf"
        assert record["sha256"] == json.loads((ready["folder"] / "manifest.json").read_text(
        ))["documents"][record["pdf"]]["sha256"]
        assert message["Reply-To"].addresses[0].addr_spec == PRESS
        assert arrived.mail_from == PRESS
        expected = [*EMAIL[record["recipient"]], ARCHIVE]
        assert sorted(arrived.rcpt_tos) == sorted(expected)
        assert "Bcc" not in message and ARCHIVE not in arrived.content.decode(errors="replace")
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        if record["language"] == "ur":
            assert message["Subject"].startswith("خطرے سے دوچار افغانوں")
            assert '<html lang="ur" dir="rtl">' in html
            assert plain.startswith("محترم") and "آپ کے مخلص،" in plain
        else:
            assert message["Subject"].startswith("Halt the mass deportation")
            assert plain.startswith("Dear ") and "Yours sincerely," in plain
        for delivery in record["deliveries"]:
            assert delivery["accepted"] and delivery["answer"].startswith("250 2.0.0 Ok")
    code = run_cli("inspect", ready["folder"] / records[0]["pdf"]).exit_code
    assert code == 0


def test_a_rerun_sends_nothing(ready, smtp):
    server = smtp(Handler())
    result = send(ready, "--yes")
    assert result.exit_code == 0, result.output
    assert "nothing to send" in result.output
    assert server.received == []


def test_an_edited_letter_is_changed_since_sent_and_goes_again_only_with_resend(ready, smtp,
                                                                               monkeypatch):
    urdu = ready["statement"] / "ur.md"
    urdu.write_text(urdu.read_text().replace("منسلک", "منسلک", 1) + "\n")  # the Urdu letters only
    monkeypatch.setenv("STATEMENT_PDF_SIGNING_PASSWORD", KEY_PASSWORD)
    built = run_cli("build", ready["statement"], "--variant", "letter", "--out", ready["out"],
                    "--json")
    assert built.exit_code == 0, built.output
    written = [document["path"] for document in json.loads(built.stdout)["documents"]
               if document["status"] == "written"]
    assert sorted(Path(path).parent.name for path in written) == ["ur", "ur"]
    server = smtp(Handler())
    listed = send(ready, "--yes")
    assert listed.exit_code == 0 and server.received == []
    assert "nothing to send: 2 letter(s) changed since sent, which --resend sends again" in (
        listed.output)
    resent = send(ready, "--yes", "--resend")
    assert resent.exit_code == 0, resent.output
    assert len(server.received) == 2
    assert {email.message_from_bytes(arrived.content, policy=default)["Content-Language"]
            for arrived in server.received} == {"ur"}


def test_a_refused_address_fails_alone_and_the_rerun_sends_only_to_it(ready, smtp):
    _change_every_letter(ready, "to send you")
    refused = EMAIL["interior-pakistan"][1]
    server = smtp(Handler(refuse={refused}))
    result = send(ready, "--yes", "--resend")
    assert result.exit_code == 1
    assert f"FAILED en/letter-interior-pakistan.pdf → {refused}: 550 5.1.1" in result.output
    assert len(server.received) == 6  # every message went, to its other addresses
    healed = smtp(Handler())
    again = send(ready, "--yes", "--resend")  # as the interrupted run was asked
    assert again.exit_code == 0, again.output
    assert [received.rcpt_tos for received in healed.received] == [[refused], [refused]]


def test_a_dropped_connection_fails_the_message_in_flight_and_the_rerun_completes(ready, smtp):
    _change_every_letter(ready, "to bring you")
    dropping = smtp(Handler(drop_at=3))
    result = send(ready, "--yes", "--resend")
    assert result.exit_code == 1
    assert "closed the connection before it answered" in result.output
    assert len(dropping.received) == 5  # the third was cut off, the others went
    server = smtp(Handler())
    again = send(ready, "--yes", "--resend")  # as the interrupted run was asked
    assert again.exit_code == 0, again.output
    assert len(server.received) == 1
    everything = dropping.received + server.received
    ids = [email.message_from_bytes(item.content, policy=default)["Message-ID"]
           for item in everything]
    assert len(set(ids)) == 6, "every letter once, none twice"


def _change_every_letter(ready: dict, words: str) -> None:
    """A new version of every letter: the opening edited, rebuilt and signed."""
    english = ready["statement"] / "en.md"
    english.write_text(english.read_text().replace(ready.get("words", "to share with you"),
                                                   words, 1))
    ready["words"] = words
    recorded = run_cli("translated", ready["statement"], "--all")
    assert recorded.exit_code == 0, recorded.output
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATEMENT_PDF_SIGNING_PASSWORD", KEY_PASSWORD)
        built = run_cli("build", ready["statement"], "--variant", "letter", "--out",
                        ready["out"], "--quiet")
    assert built.exit_code == 0, built.output
