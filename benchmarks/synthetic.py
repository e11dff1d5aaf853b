"""Synthetic data for the mail-merge benchmark, generated in a scratch folder (never in data/).

The project is copied (layouts, fonts, data) and data/recipients.yaml gets generated
recipients, made from the real recipients that receive the letter in every language that has a
letter (their salutations, closes and addresses, which are drafts but real text in each script),
each under a new id. The bundled statement's letter is then addressed to all of them, so one
`statement-pdf build --variant letter` renders the whole mail merge.
"""

from __future__ import annotations

import copy
import math
import shutil
from pathlib import Path

import yaml

from statement_pdf.text.markdown import read_text_file
from statement_pdf.yamlsource import read_yaml

BUNDLED = "2025-05-28-pakistan-afghan-deportations"


def generate_mail_merge(root: Path, folder: Path, letters: int) -> tuple[Path, str]:
    """Write a project into `folder` whose statement has about `letters` letters; return the
    statement's folder and a sentence saying what the letters are."""
    for name in ("layouts", "assets", "data"):
        shutil.copytree(root / name, folder / name)
    statement = folder / "data" / "statements" / BUNDLED
    meta = read_yaml(statement / "statement.yaml").data
    recipients = read_yaml(folder / "data" / "recipients.yaml").data
    languages = sorted(code for code in _letter_languages(folder, statement))
    templates = [entry for entry in recipients if set(languages) <= set(entry["languages"])]
    count = math.ceil(letters / len(languages))
    generated = [{**copy.deepcopy(templates[index % len(templates)]), "id": f"bench-{index:04d}"}
                 for index in range(count)]  # copies: YAML aliases are not accepted as data
    _write(folder / "data" / "recipients.yaml", recipients + generated)
    meta["letter"]["recipients"] = [entry["id"] for entry in generated]
    _write(statement / "statement.yaml", meta)
    return statement, (f"{count} generated recipients × {len(languages)} languages "
                     f"({', '.join(languages)}) = {count * len(languages)} letters")


def _letter_languages(project: Path, statement: Path) -> set[str]:
    """Languages in which a letter can be written: the statement's text has its letter
    sections and the language registry has the letter's labels."""
    return {path.stem for path in statement.glob("*.md")
            if read_text_file(path).section("letter-subject") is not None
            and "letter" in read_yaml(project / "data" / "languages" / f"{path.stem}.yaml"
                                      ).data["labels"]}


def _write(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
