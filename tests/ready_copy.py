"""A copy of the project made ready to send, as a coalition would make it: its placeholders
filled in, its drafts reviewed, e-mail addresses for the offices.

The addresses are at .localhost names (RFC 6761: never a real host), so that no address of
a real office is guessed; the tests' SMTP server receives everything sent to them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATEMENT_ID = "2025-05-28-pakistan-afghan-deportations"
EMAIL = {"pm-pakistan": ["pm@pmo.localhost"],
         "interior-pakistan": ["minister@interior.localhost", "registry@interior.localhost"],
         "unhcr-pakistan": ["representative@unhcr.localhost"],
         "sr-afghanistan": ["sr-afghanistan@ohchr.localhost"]}
PRESS = "press@coalition.localhost"
ARCHIVE = "archive@coalition.localhost"


def ready_copy(target: Path) -> Path:
    for folder in ("layouts", "assets", "data"):
        shutil.copytree(ROOT / folder, target / folder)
    data = target / "data"
    for path in [data / "recipients.yaml", data / "brands" / "coalition.yaml"]:
        path.write_text(path.read_text(encoding="utf-8").replace("!placeholder ", "")
                        .replace("[postal address to be confirmed]", "PO Box 1000")
                        .replace("[ڈاک کا پتہ تصدیق طلب]", "PO Box 1000")
                        .replace("Contact details are placeholders.", ""), encoding="utf-8")
    recipients = data / "recipients.yaml"
    text = recipients.read_text(encoding="utf-8")
    for recipient, addresses in EMAIL.items():
        text = text.replace(f"- id: {recipient}\n",
                            f"- id: {recipient}\n  email: [{', '.join(addresses)}]\n")
    recipients.write_text(text, encoding="utf-8")
    statement = data / "statements" / STATEMENT_ID
    meta = statement / "statement.yaml"
    meta.write_text(meta.read_text(encoding="utf-8")
                    .replace("Coalition press office (placeholder)", "Coalition press office")
                    .replace("press@example.org", PRESS)
                    .replace("    phone: \"+00 0000 000000\"\n", "")
                    .replace("  reference:", f"  email: {{bcc: [{ARCHIVE}]}}\n  reference:"),
                    encoding="utf-8")
    for text_file in statement.glob("*.md"):
        text_file.write_text(re.sub(r"^status: draft.*$", "status: approved",
                                    text_file.read_text(encoding="utf-8"), flags=re.M),
                             encoding="utf-8")
    urdu = data / "languages" / "ur.yaml"
    urdu.write_text(urdu.read_text(encoding="utf-8").replace(
        "cover_note:\n  status: draft", "cover_note:\n  status: approved"), encoding="utf-8")
    return target / "data" / "statements" / STATEMENT_ID
