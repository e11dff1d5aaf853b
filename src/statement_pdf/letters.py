"""Letters: a statement addressed to each office it calls on, in each language it is due.

Who gets the letter is data (statement.yaml `letter:`, data/recipients.yaml), and so is where
the envelope's window is (the layout's `address_windows`). This module turns that data into the
jobs of a per-recipient layout and into the part of the template context a letter adds; it
checks, before anything is rendered, that each address fits its window.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup

from .datatemplates import fill
from .errors import Problem
from .fonts import text_width
from .load import entry_index
from .localise import Localiser
from .model import (
    MM,
    AddressWindow,
    Layout,
    Project,
    Recipient,
    RecipientLanguage,
    Signer,
    Statement,
)

LETTER_SECTIONS = ("letter-subject", "letter-opening")
"""What each language a letter is due in must have; without `::: letter-body` the letter's
body is the statement's lead, body and call to action."""


def due_languages(statement: Statement, recipient: Recipient) -> list[str]:
    """The languages the recipient gets the letter in, in the statement's language order."""
    order = {code: index for index, code in enumerate(statement.languages)}
    return sorted(recipient.languages, key=lambda code: (order.get(code, len(order)), code))


def letter_problems(
    project: Project, statement: Statement, recipient_id: str, code: str, layout: Layout,
    paper: str,
) -> list[Problem]:
    """What stops the letter to `recipient_id` in language `code` from being written."""
    meta = statement.documents["statement"]
    index = statement.meta.letter.recipients.index(recipient_id)
    if code not in statement.texts:
        return [meta.problem(("letter", "recipients", index),
                             f"{recipient_id} is to receive the letter in {code}, but the "
                             f"statement has no {code}.md")]
    problems = []
    text = statement.texts[code]
    if missing := [name for name in LETTER_SECTIONS if text.section(name) is None]:
        problems.append(statement.documents[code].problem(
            (), f"no {' and no '.join(f'::: {name}' for name in missing)} section in "
            f"{code}.md, but {recipient_id} is to receive the letter in {code} (see "
            "docs/writing.md)"))
    if project.languages[code].labels.letter is None:
        problems.append(project.documents[f"languages/{code}"].problem(
            ("labels",), "no `letter:` labels (date, reference, signed, signers, cc, "
            "continuation) in this language, which a letter is due in"))
    if window := layout.address_windows.get(paper):
        problems.extend(_address_problems(project, recipient_id, code, window, paper))
        problems.extend(_return_line_problems(project, statement, code, window, paper))
    return problems


RETURN_LINE_SEPARATOR = " · "
REPEATED_WORDS = 3
"""An opening that shares this many words in a row (two of them longer than three letters)
with the paragraph after it says the same thing twice."""


def opening_problems(statement: Statement, code: str) -> list[Problem]:
    """A letter opens with its own paragraph, then says the statement (or its own body): an
    opening that repeats words of the paragraph it leads into — "We write to you on behalf of
    the undersigned organisations…" before "We, the undersigned organisations, call on…" —
    reads as written by a machine. A warning at the opening."""
    text = statement.texts[code]
    opening = text.section("letter-opening")
    following = text.section("letter-body") or text.section("lead")
    if not opening or not opening.blocks or not following or not following.blocks:
        return []
    repeated = _shared_run(opening.blocks[-1].plain, following.blocks[0].plain)
    if repeated is None:
        return []
    block = opening.blocks[-1]
    return [text.problem(block.key, (
        f"{block.name} repeats “{repeated}” of the {following.blocks[0].name} that follows it "
        "in the letter: reword the opening so that the letter does not say it twice"),
        severity="warning")]


def _shared_run(first: str, second: str) -> str | None:
    """The longest run of words the two texts share (compared without case and punctuation),
    when it is long enough to be noticed."""
    words_a, words_b = _words(first), _words(second)
    best: list[str] = []
    for start in range(len(words_a)):
        for other in range(len(words_b)):
            length = 0
            while (start + length < len(words_a) and other + length < len(words_b)
                   and words_a[start + length] == words_b[other + length]):
                length += 1
            if length > len(best):
                best = words_a[start:start + length]
    noticed = len(best) >= REPEATED_WORDS and sum(len(word) > 3 for word in best) >= 2
    return " ".join(best) if noticed else None


def _words(text: str) -> list[str]:
    return [word for word in (raw.strip(".,;:!?“”‘’\"'()«»،؛؟۔") for raw in text.casefold().split())
            if word]


def return_line(project: Project, statement: Statement, code: str) -> str:
    """The sender on one line, as the envelope window shows it above the address: the brand's
    name and its address (DIN 5008's return address)."""
    words = project.brands[statement.meta.brand].words(code)
    return RETURN_LINE_SEPARATOR.join([words.name, *(words.address or [])])


def _return_line_problems(
    project: Project, statement: Statement, code: str, window: AddressWindow, paper: str
) -> list[Problem]:
    """The return line must fit the window's width on one line (a window with no return zone
    shows none: the envelope carries the sender)."""
    if not window.return_zone:
        return []
    language = project.languages[code]
    width = text_width(project.fonts, return_line(project, statement, code),
                       [*language.fonts.heading], window.return_font_size) / MM
    room = window.width - window.indent
    if width <= room:
        return []
    brand = project.documents[f"brands/{statement.meta.brand}"]
    translated = "address" in ((brand.data.get("translations") or {}).get(code) or {})
    return [brand.problem(("translations", code, "address") if translated else ("address",),
                          f"the return line of letters in {code} (name and address) is "
                          f"{width:.0f} mm long at {window.return_font_size:g} pt, but the "
                          f"{paper} envelope window is {room:g} mm wide: shorten the address")]


def _address_problems(
    project: Project, recipient_id: str, code: str, window: AddressWindow, paper: str
) -> list[Problem]:
    """The address, wrapped at the window's width, must not have more lines than the window
    holds; the problem points at the address in data/recipients.yaml."""
    recipient = project.recipients[recipient_id]
    language = project.languages[code]
    families = [*language.fonts.text]
    width = (window.width - window.indent) * MM
    lines = sum(max(1, math.ceil(text_width(project.fonts, line, families, window.font_size)
                                 / width))
                for line in address_lines(recipient, code))
    fitting = window.lines(language.line_height)
    if lines <= fitting:
        return []
    document = project.documents["recipients"]
    index = entry_index(document, recipient_id)
    overridden = "address" in (document.data[index]["languages"].get(code) or {})
    path = (index, "languages", code, "address") if overridden else (index, "address")
    return [document.problem(path, f"the address of {recipient_id} in {code} takes {lines} lines "
                             f"at {window.font_size:g} pt, but the {paper} envelope window holds "
                             f"{fitting} in {language.name} ({window.width - window.indent:g} mm "
                             "wide): shorten it")]


def _in(recipient: Recipient, code: str) -> RecipientLanguage:
    return recipient.languages[code]


def _title(recipient: Recipient, code: str) -> str:
    """The title in `code` where the recipient has one in that language (a copied office need
    not receive the letter in every language)."""
    own = recipient.languages.get(code)
    return (own.title if own else None) or recipient.title


def address_lines(recipient: Recipient, code: str) -> list[str]:
    """The lines in the envelope window: name (if known), title, office, address, country."""
    own = _in(recipient, code)
    name = own.name or recipient.name
    return [
        *([name] if name else []),
        own.title or recipient.title,
        own.office or recipient.office,
        *(own.address or recipient.address),
        own.country or recipient.country,
    ]


def letter_context(project: Project, statement: Statement, recipient_id: str,
                   local: Localiser) -> dict[str, Any]:
    """What a letter's template adds to the statement's context: the addressee, the
    reference, the signers and the copies (the text's letter sections are in `text`)."""
    code = local.language.code
    letter = statement.meta.letter
    recipient = project.recipients[recipient_id]
    labels = local.language.labels.letter
    title = _title(recipient, code)
    date = local.date(statement.meta.date)
    reference = _reference(statement, recipient_id, code)
    sender = project.brands[statement.meta.brand].words(code)
    return {
        "sender": {"lines": [local.text(line) for line in sender.address or []],
                   "return_line": local.text(return_line(project, statement, code))},
        "letter_labels": {name: local.text(value) for name, value in labels
                          if name != "continuation"},
        "running_header": local.text(fill(labels.continuation, recipient=title, date=date,
                                          reference=reference)),
        "recipient": {
            "lines": [local.text(line) for line in address_lines(recipient, code)],
            "salutation": local.text(_in(recipient, code).salutation),
            "close": local.text(_in(recipient, code).close),
            "email": recipient.email,
        },
        "reference": local.text(reference),
        "signers": [_signer(project, local, signer) for signer in letter.signers],
        "cc": [_phrase(local, _title(project.recipients[other], code))
               for other in letter.cc if other != recipient_id],
    }


def _reference(statement: Statement, recipient_id: str, code: str) -> str:
    return fill(statement.meta.letter.reference, statement=statement.meta.id,
                recipient=recipient_id, language=code, date=statement.meta.date.isoformat())


def recipient_words(project: Project, statement: Statement, recipient_id: str,
                    code: str) -> dict[str, str]:
    """The salutation, close and reference of the letter to `recipient_id` in `code`, as
    plain text: the e-mail it is attached to says them too (delivery/message.py)."""
    own = _in(project.recipients[recipient_id], code)
    return {"salutation": own.salutation, "close": own.close,
            "reference": _reference(statement, recipient_id, code)}


def _phrase(local: Localiser, text: str) -> dict[str, Any]:
    """A name that may be wholly in Latin script in a right-to-left letter (an office without a
    title in the letter's language): the template sets it in the Latin font and leading."""
    return {"text": local.text(text),
            "latin_only": local.wholly_latin(text)}


def _signer(project: Project, local: Localiser, signer: Signer) -> dict[str, Markup]:
    organisation = project.organisations[signer.organisation]
    return {"name": local.text(signer.name), "title": local.text(signer.title),
            "organisation": local.text(organisation.names.get(local.language.code,
                                                               organisation.name))}
