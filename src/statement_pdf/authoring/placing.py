"""Which piece of an imported text belongs to which part of a statement.

The rules follow how joint statements are written: the title first, then the lead (the first
paragraph), the body, and the call to action last — the paragraph that calls on someone, or one
that ends in a colon before the list of demands; the signatories after a "Signed:" line, the
notes to editors after their heading or the end mark. A date at the start of the body (the
dateline, "28 May 2025: …", with or without a city) gives the statement's date and is taken out,
since the layouts print it. What the rules cannot place is reported, never guessed silently:
each note says what was done and what to check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from babel.dates import get_month_names

from ..model import Organisation, Project
from .sources import Piece, Source

_RELEASE = re.compile(r"^(for immediate release|press release|joint statement)\W*$", re.I)
_EMBARGO = re.compile(r"^embargo", re.I)
_CALLS = re.compile(r"\b(call on|calls on|call upon|urge|urges|demand|demands)\b", re.I)
_MONTHS = {name.casefold(): number for number, name in
           get_month_names("wide", locale="en").items()}
_DATE = (r"(?:(?P<day>\d{1,2}) (?P<month>[A-Za-z]+),? (?P<year>\d{4})"
         r"|(?P<month2>[A-Za-z]+) (?P<day2>\d{1,2}),? (?P<year2>\d{4})"
         r"|(?P<iso>\d{4}-\d{2}-\d{2}))")
_DATELINE = re.compile(rf"^(?:(?P<city>[A-Z][\w .'’-]{{1,40}}),\s+)?{_DATE}\s*[:–—-]\s+")
_DATE_ONLY = re.compile(rf"^{_DATE}\W*$")


@dataclass
class Placed:
    """The parts of a statement found in an imported text."""

    sections: dict[str, list[str]] = field(default_factory=dict)
    """Markdown blocks by section (blocks.SECTIONS keys)."""
    footnotes: dict[str, str] = field(default_factory=dict)
    signatories: list[str] = field(default_factory=list)
    """Organisation ids, in the order the text lists them."""
    date: dt.date | None = None
    city: str | None = None
    notes: list[str] = field(default_factory=list)
    """What could not be placed, or was placed by a rule worth checking: for the person."""


@dataclass(frozen=True)
class Markers:
    """The lines that mark the parts around the text: in English, and as each language of the
    registry labels them (its "Signed:", "Notes to editors" and end mark)."""

    signed: re.Pattern[str]
    notes: re.Pattern[str]
    end: re.Pattern[str]

    @classmethod
    def of(cls, project: Project) -> Markers:
        labels = [language.labels for language in project.languages.values()]

        def words(english: list[str], local: list[str]) -> re.Pattern[str]:
            said = sorted({re.escape(word.strip(" :：")) for word in [*english, *local]},
                          key=len, reverse=True)
            return re.compile(rf"^\W*({'|'.join(said)})\W*$", re.I)

        return cls(
            signed=words(["signed", "signatories", "signed by", "signatures"],
                         [label.signed for label in labels]),
            notes=words(["notes to editors", "note to editors", "notes for editors"],
                        [label.notes_to_editors for label in labels]),
            end=words(["ends", "end", "###"], [label.end for label in labels]))


def place(source: Source, project: Project) -> Placed:
    placed = Placed(footnotes=dict(source.footnotes))
    markers = Markers.of(project)
    pieces = _without_release_lines(list(source.pieces), placed)
    pieces, names = _signatories(pieces, markers)
    placed.signatories = _matched(names, project.organisations, placed)
    pieces, notes = _notes_to_editors(pieces, markers)
    if not pieces:
        placed.notes.append("no text was found in the file")
        return placed
    title, *pieces = pieces
    placed.sections["title"] = [title.plain if title.kind != "paragraph" else title.text]
    pieces = _date(pieces, placed)
    if pieces and pieces[0].kind == "paragraph":
        placed.sections["lead"] = [pieces.pop(0).text]
    else:
        placed.notes.append("no lead: the text after the title is not a paragraph; write the "
                            "opening paragraph between ::: lead and :::")
    call, pieces = _call_to_action(pieces, placed)
    if pieces:
        placed.sections["body"] = [piece.markdown() for piece in pieces]
    else:
        placed.notes.append("no body: write the statement's paragraphs after the lead")
    placed.sections["call-to-action"] = [piece.markdown() for piece in call]
    if notes:
        placed.sections["notes-to-editors"] = [piece.markdown(3) for piece in notes]
    return placed


def _without_release_lines(pieces: list[Piece], placed: Placed) -> list[Piece]:
    """The lines a layout prints itself ("For immediate release"); an embargo line is
    reported: its moment goes into statement.yaml as written by a person."""
    kept = []
    for piece in pieces:
        if piece.kind == "paragraph" and _RELEASE.match(piece.plain):
            continue
        if piece.kind == "paragraph" and _EMBARGO.match(piece.plain):
            placed.notes.append(f"“{piece.plain}”: not imported; write the moment in "
                                "statement.yaml as `embargo: YYYY-MM-DDTHH:MM+HH:MM`")
            continue
        kept.append(piece)
    return kept


def _signatories(pieces: list[Piece], markers: Markers) -> tuple[list[Piece], list[str]]:
    """The names listed after "Signed:", taken out of the text."""
    for index, piece in enumerate(pieces):
        if not markers.signed.match(piece.plain):
            continue
        names, end = [], index + 1
        while end < len(pieces) and not markers.notes.match(pieces[end].plain):
            following = pieces[end]
            if following.kind == "list":
                names.extend(Piece("paragraph", item).plain for item in following.items)
            elif following.kind == "paragraph" and len(following.plain) < 120:
                names.append(following.plain)
            else:
                break
            end += 1
        if names:
            return [*pieces[:index], *pieces[end:]], names
    return pieces, []


def _notes_to_editors(pieces: list[Piece], markers: Markers
                      ) -> tuple[list[Piece], list[Piece]]:
    """The text before the end mark or the "Notes to editors" heading, and the notes after."""
    for index, piece in enumerate(pieces):
        if markers.end.match(piece.plain):
            rest = pieces[index + 1:]
            if rest and markers.notes.match(rest[0].plain):
                rest = rest[1:]
            return pieces[:index], rest
        if markers.notes.match(piece.plain):
            return pieces[:index], pieces[index + 1:]
    return pieces, []


def _date(pieces: list[Piece], placed: Placed) -> list[Piece]:
    """The statement's date: a paragraph that is only a date, or the dateline at the start of
    the first paragraph of the body (taken out: the layouts print the dateline)."""
    if pieces and pieces[0].kind == "paragraph" and (match := _DATE_ONLY.match(pieces[0].plain)):
        placed.date = _day(match)
        return pieces[1:]
    for piece in pieces[:3]:
        if piece.kind == "paragraph" and (match := _DATELINE.match(piece.text)):
            placed.date, placed.city = _day(match), match["city"]
            piece.text = piece.text[match.end():]
            return pieces
    return pieces


def _day(match: re.Match[str]) -> dt.date | None:
    if match["iso"]:
        return dt.date.fromisoformat(match["iso"])
    day, month, year = ((match["day"], match["month"], match["year"]) if match["day"]
                        else (match["day2"], match["month2"], match["year2"]))
    number = _MONTHS.get(month.casefold())
    try:
        return dt.date(int(year), number, int(day)) if number else None
    except ValueError:
        return None


def _call_to_action(pieces: list[Piece], placed: Placed) -> tuple[list[Piece], list[Piece]]:
    """The last paragraph that calls on someone, with the list that follows it; else the
    paragraph ending in a colon before the last list; else the last paragraph (reported)."""
    for index in range(len(pieces) - 1, 0, -1):
        piece = pieces[index]
        if piece.kind == "paragraph" and _CALLS.search(piece.plain):
            return pieces[index:], pieces[:index]
        if piece.kind == "list" and pieces[index - 1].plain.endswith(":"):
            return pieces[index - 1:], pieces[:index - 1]
    if len(pieces) > 1:
        placed.notes.append("the call to action was not recognised (a paragraph that calls on "
                            "someone, or one ending in a colon before a list): the last "
                            "paragraph was put in ::: call-to-action; check it")
        return pieces[-1:], pieces[:-1]
    placed.notes.append("no call to action: write it between ::: call-to-action and :::")
    return [], pieces


def _matched(names: list[str], organisations: dict[str, Organisation],
             placed: Placed) -> list[str]:
    """Each name as an organisation id: by its name, a name in another language or its
    acronym; the names that match none are reported with the closest known ones."""
    known: dict[str, str] = {}
    for organisation in organisations.values():
        for name in [organisation.name, *organisation.names.values()]:
            known[_key(name)] = organisation.id
        if organisation.acronym:
            known[_key(organisation.acronym)] = organisation.id
    ids = []
    for name in names:
        acronym = re.search(r"\(([^()]+)\)\s*$", name)
        candidates = [name, re.sub(r"\s*\([^()]*\)\s*$", "", name),
                      *([acronym.group(1)] if acronym else [])]
        found = next((known[_key(candidate)] for candidate in candidates
                      if _key(candidate) in known), None)
        if found is None:
            closest = get_close_matches(_key(name), list(known), n=3, cutoff=0.5)
            suggestions = ", ".join(dict.fromkeys(known[key] for key in closest)) or "none"
            placed.notes.append(f"signatory “{name}” is not in data/organisations.yaml "
                                f"(closest: {suggestions}): add it there, then its id to "
                                "statement.yaml")
        elif found not in ids:
            ids.append(found)
    return ids


def _key(name: str) -> str:
    return " ".join(re.sub(r"^the\s+", "", name.casefold().replace("&", "and")).split())
