"""How PDF readers put a line of text back into reading order, and what to give each of them.

A PDF holds glyphs at positions, not text in reading order: a reader rebuilds each line from
its characters left to right and runs its own bidi algorithm over it to turn visual order back
into logical order. The three readers our readers use each do it differently, and each in a way
that can be undone exactly, because each algorithm is small and deterministic:

- pdf.js (Firefox) runs a simplified Unicode bidi algorithm (no explicit embeddings or
  isolates, no mirroring, its own character classes) over each run of text it collects,
  choosing right-to-left when 30 % or more of the run is Arabic or Hebrew (`_pdfjs_levels`,
  ported from pdf.js's `src/core/bidi.js`). Format characters (Cf) it skips altogether.
- poppler (`pdftotext`) decides one direction per page, then outputs, from the line's end,
  runs of non-left-to-right characters reversed and runs starting at a letter or number
  forward, taking the neutral characters before them along (`reorderText` in
  TextOutputDev.cc). A right-to-left mark (U+200F) or left-to-right mark (U+200E) placed where
  a run must stop keeps it from taking neutrals that belong elsewhere: `poppler_fences`.
- PDFium (Chrome) cuts the line into segments of right-to-left, left-to-right, weak and neutral
  characters, reverses the order of the segments when right-to-left ones outnumber
  left-to-right ones, and reverses and mirrors each right-to-left segment (and each neutral one
  met while right-to-left) (`CPDF_TextPage::CloseTempLine`, `CFX_BidiChar`). It also takes
  marked-content /ActualText, which the other two ignore here, so it is given its own
  characters where they differ: `pdfium_order`.

The text layer (textlayer.py) writes each line in the order pdf.js needs, with poppler's fences
as zero-width characters, and PDFium's characters as /ActualText where they differ. The tests
read every document back with all three readers (tests/test_text_layer.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

RLM, LRM = "\u200f", "\u200e"

PDFIUM_MIRRORS = dict(zip("()<>[]{}«»‘’“”‹›⁅⁆〈〉《》「」『』【】〔〕〖〗〘〙〚〛",
                          ")(><][}{»«’‘”“›‹⁆⁅〉〈》《」「』『】【〕〔〗〖〙〘〛〚", strict=True))
"""The punctuation PDFium mirrors in right-to-left text (it mirrors quotation marks too, which
Unicode does not); tests/test_text_layer.py checks the list against PDFium itself."""


ZERO_WIDTH = ("Mn", "Me", "Cf")
"""The general categories of the characters that take no room (`zero_width`)."""


@cache
def zero_width(char: str) -> bool:
    """Combining marks and format characters take no room: readers place them on the letter
    before them (pdf.js even skips format characters), so the text layer gives them none."""
    return unicodedata.category(char) in ZERO_WIDTH


# --- pdf.js -----------------------------------------------------------------------------------


@cache
def _pdfjs_type(char: str) -> str:
    """pdf.js's own character classes: Unicode's below U+0100 and in the Arabic block, R for
    Hebrew, AL for other Arabic ranges, and L for everything else (curly quotes included)."""
    code = ord(char)
    if code <= 0xFF or 0x600 <= code <= 0x6FF:
        kind = unicodedata.bidirectional(char)
        if code == 0x61C:
            return ""  # missing from pdf.js's table: it stops any rule that looks at it
        return {"LRE": "L", "LRO": "L", "RLE": "R", "RLO": "R", "PDF": "BN", "LRI": "ON",
                "RLI": "ON", "FSI": "ON", "PDI": "ON"}.get(kind, kind)
    if 0x590 <= code <= 0x5F4:
        return "R"
    if 0x700 <= code <= 0x8AC or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "AL"
    return "L"


def pdfjs_levels(text: Sequence[str], start: int | None = None) -> list[int]:
    """The embedding level pdf.js gives each character (bidi.js: W1-W7, N1-N2, I1-I2, with
    pdf.js's own quirks kept: its N1 looks one character past a run of neutrals), in a line of
    the direction it would guess, or of `start` (0 left to right, 1 right to left)."""
    n = len(text)
    types = [_pdfjs_type(char) for char in text]
    bidi = sum(kind in ("R", "AL", "AN") for kind in types)
    if bidi == 0 and start is None:
        return [0] * n
    if start is None:
        start = 0 if bidi / n < 0.3 and n > 4 else 1
    sor = "R" if start % 2 else "L"
    last = sor
    for i, kind in enumerate(types):
        if kind == "NSM":
            types[i] = last
        else:
            last = kind
    last = sor
    for i, kind in enumerate(types):
        if kind == "EN":
            types[i] = "AN" if last == "AL" else "EN"
        elif kind in ("R", "L", "AL"):
            last = kind
    types = ["R" if kind == "AL" else kind for kind in types]
    for i in range(1, n - 1):
        if types[i] == "ES" and types[i - 1] == "EN" and types[i + 1] == "EN":
            types[i] = "EN"
        if types[i] == "CS" and types[i - 1] in ("EN", "AN") and types[i + 1] == types[i - 1]:
            types[i] = types[i - 1]
    for i in range(n):
        if types[i] == "EN":
            for j in range(i - 1, -1, -1):
                if types[j] != "ET":
                    break
                types[j] = "EN"
            for j in range(i + 1, n):
                if types[j] != "ET":
                    break
                types[j] = "EN"
    types = ["ON" if kind in ("WS", "ES", "ET", "CS") else kind for kind in types]
    last = sor
    for i, kind in enumerate(types):
        if kind == "EN":
            types[i] = "L" if last == "L" else "EN"
        elif kind in ("R", "L"):
            last = kind
    i = 0
    while i < n:
        if types[i] == "ON":
            end = i + 1
            while end < n and types[end] == "ON":
                end += 1
            before = types[i - 1] if i > 0 else sor
            after = types[end + 1] if end + 1 < n else sor
            before = before if before == "L" else "R"
            after = after if after == "L" else "R"
            if before == after:
                types[i:end] = [before] * (end - i)
            i = end
        else:
            i += 1
    embedding = "R" if start % 2 else "L"
    types = [embedding if kind == "ON" else kind for kind in types]
    levels = [start] * n
    for i, kind in enumerate(types):
        if levels[i] % 2 == 0:
            levels[i] += 1 if kind == "R" else 2 if kind in ("AN", "EN") else 0
        elif kind in ("L", "AN", "EN"):
            levels[i] += 1
    return levels


def reorder(levels: Sequence[int]) -> list[int]:
    """Rule L2: the indices of the characters in the order that reversing every run at each
    level from the highest down gives. The same levels undo it."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def pdfjs_order(logical: Sequence[str], right_to_left: bool,
                glyphs: Sequence[int] = ()) -> tuple[list[int], list[int]]:
    """The order in which to write the characters of a line (indices into `logical`) so that
    pdf.js reads them back in logical order, and each character's level there.

    pdf.js computes the levels from the characters in the order it meets them, so the order is
    a fixed point: start from the order pdf.js would display the logical line in, then, while
    pdf.js would not read it back, rebuild it from the levels pdf.js gives the last attempt (a
    few rounds). Not every line has one: pdf.js reads a line as left to right when less than
    30 % of it is Arabic letters (a date in Extended Arabic-Indic digits), and may then find no
    order that reads back; such a line is written as the page shows it (in the paragraph's
    direction), which the other readers read right. Format characters (ZWNJ, the fences),
    which pdf.js skips, stay between their neighbours: next to the character before them, on
    its side.

    `glyphs`, the characters in the order their glyphs stand on the page, is taken first when
    pdf.js reads it back: then every character of the layer lies over its own glyph."""
    seen = [i for i, char in enumerate(logical) if unicodedata.category(char) != "Cf"]
    text = [logical[i] for i in seen]
    position = {index: k for k, index in enumerate(seen)}
    order = [position[i] for i in glyphs if i in position]
    met = [text[i] for i in order]
    met_levels = pdfjs_levels(met) if len(met) == len(text) else []
    if not met_levels or [met[k] for k in reorder(met_levels)] != text:
        order, met_levels = _fixed_point(text, reorder(pdfjs_levels(text)), right_to_left)
    levels = [0] * len(logical)
    for k, i in enumerate(order):
        levels[seen[i]] = met_levels[k]
    return with_attached(logical, [seen[i] for i in order], levels), levels


def _fixed_point(text: list[str], order: list[int],
                 right_to_left: bool) -> tuple[list[int], list[int]]:
    """An order of `text` that pdf.js reads back, from `order` on, and the levels it gives
    the characters so met (or the line as the page shows it, when there is none)."""
    for _ in range(_ROUNDS):
        met = [text[i] for i in order]
        read = reorder(pdfjs_levels(met))
        if [met[k] for k in read] == text:
            met_levels = pdfjs_levels(met)
            break
        rebuilt = [0] * len(order)
        for i, k in enumerate(read):
            rebuilt[k] = i
        order = rebuilt
    else:
        logical_levels = pdfjs_levels(text, start=1 if right_to_left else 0)
        order = reorder(logical_levels)
        met_levels = [logical_levels[i] for i in order]
    return order, met_levels


_ROUNDS = 4


def with_attached(logical: Sequence[str], order: list[int], levels: Sequence[int],
                  attached: Callable[[str], bool] = lambda char: unicodedata.category(char)
                  == "Cf") -> list[int]:
    """`order` (indices into `logical`) with the characters it leaves out — those `attached`
    says go with the character before them — put back next to that character, on its side
    (before it when it is right to left, after it otherwise)."""
    position = {index: k for k, index in enumerate(order)}
    previous = None
    for i, char in enumerate(logical):
        if not attached(char):
            previous = i
            continue
        if previous is None:
            order.insert(0, i)
        else:
            order.insert(position[previous] + (0 if levels[previous] % 2 else 1), i)
        position = {index: k for k, index in enumerate(order)}
        previous = i
    return order


def pdfjs_reads(visual: Sequence[str]) -> str:
    """What pdf.js makes of characters met in this order (for the tests)."""
    return "".join(visual[i] for i in reorder(pdfjs_levels(visual)))


# --- poppler ----------------------------------------------------------------------------------


def _poppler_strong_r(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL") or char == RLM


def _poppler_starts_run(char: str) -> bool:
    """Letters and numbers, and the separators poppler counts as numbers (، . , : - / %)."""
    return unicodedata.bidirectional(char) in ("L", "EN", "AN", "ES", "ET", "CS")


def poppler_fences(visual: Sequence[str], levels: Sequence[int]) -> list[tuple[int, str]]:
    """Where to put zero-width marks in a right-to-left line (as (index, mark): the mark goes
    before `visual[index]`, or at the end for len(visual)) so that poppler's reordering gives
    the logical order. Every stretch that must stay left to right (a run at an even level, or
    a lone number separator such as the Arabic comma) gets a right-to-left mark before it, so
    that poppler stops there instead of taking the neutral characters before it along; and a
    left-to-right mark after it when it ends in a neutral character (the closing bracket of
    "(UNHCR)"), which poppler would otherwise leave to the right-to-left text."""
    fences = []
    i, n = 0, len(visual)
    while i < n:
        even = levels[i] % 2 == 0
        if not (even or _poppler_starts_run(visual[i])) or zero_width(visual[i]):
            i += 1
            continue
        j = i + 1
        while even and j < n and levels[j] % 2 == 0:
            j += 1
        if i > 0 and not _poppler_strong_r(visual[i - 1]):
            fences.append((i, RLM))
        last = next((visual[k] for k in range(j - 1, i - 1, -1) if not zero_width(visual[k])),
                    visual[j - 1])
        if not _poppler_starts_run(last):
            fences.append((j, LRM))
        i = j
    return fences


# --- PDFium -----------------------------------------------------------------------------------


@cache
def _pdfium_direction(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    if kind == "L":
        return "left"
    if kind in ("AN", "EN", "NSM", "CS", "ES", "ET", "BN"):
        return "weak"
    if kind in ("R", "AL"):
        return "right"
    return "neutral"


@dataclass(frozen=True)
class _Segment:
    direction: str
    start: int
    end: int


def _pdfium_segments(text: Sequence[str]) -> list[_Segment]:
    directions = [_pdfium_direction(char) for char in text]
    starts = [i for i in range(len(text)) if i == 0 or directions[i] != directions[i - 1]]
    return [_Segment(directions[start], start, end)
            for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]


def pdfium_order(logical: Sequence[str]) -> str:
    """What to give PDFium as /ActualText for a line so that it returns the logical line.

    PDFium puts the characters of an /ActualText through the same reordering as those of
    glyphs but, as measured with pypdfium2 (tests/test_text_layer.py), keeps each segment's
    characters in the order given: so the segments go in reverse order when PDFium will
    reverse them (more right-to-left segments than left-to-right ones), and the characters it
    will mirror (those of right-to-left segments, and of neutral ones met while right to left)
    go mirrored."""
    segments = _pdfium_segments(logical)
    reversing = _pdfium_reverses(segments)
    current = "right" if reversing else "left"
    pieces = []
    for segment in segments:  # in the order PDFium will output them
        chars = logical[segment.start:segment.end]
        if segment.direction == "right" or (segment.direction == "neutral"
                                            and current == "right"):
            current = "right"
            chars = [PDFIUM_MIRRORS.get(char, char) for char in chars]
        elif segment.direction != "weak":
            current = "left"
        pieces.append("".join(chars))
    return "".join(reversed(pieces) if reversing else pieces)


def _pdfium_reverses(segments: list[_Segment]) -> bool:
    """PDFium's source says a line is right to left when it has at least as many
    right-to-left segments as left-to-right ones; measured, it takes more."""
    right = sum(segment.direction == "right" for segment in segments)
    left = sum(segment.direction == "left" for segment in segments)
    return right > left


def pdfium_reads(visual: Sequence[str]) -> str:
    """What PDFium makes of the glyphs of one line met in this order (`CloseTempLine`)."""
    segments = _pdfium_segments(visual)
    reversing = _pdfium_reverses(segments)
    current = "right" if reversing else "left"
    out = []
    for segment in reversed(segments) if reversing else segments:
        chars = visual[segment.start:segment.end]
        if segment.direction == "right" or (segment.direction == "neutral"
                                            and current == "right"):
            current = "right"
            out += [PDFIUM_MIRRORS.get(char, char) for char in reversed(chars)]
        else:
            if segment.direction != "weak":
                current = "left"
            out += chars
    return "".join(out)


def poppler_reads(visual: Sequence[str], right_to_left_page: bool) -> str:
    """What poppler makes of one line met in this order (for the tests): reorderText."""
    out: list[str] = []
    n = len(visual)
    numeric = [_poppler_starts_run(char) and unicodedata.bidirectional(char) != "L"
               for char in visual]
    left = [unicodedata.bidirectional(char) == "L" or char == LRM for char in visual]
    strong_r = [_poppler_strong_r(char) for char in visual]
    if not right_to_left_page:
        i = 0
        while i < n:
            j = i
            while j < n and not strong_r[j]:
                j += 1
            out += visual[i:j]
            i = j
            while j < n and not (left[j] or numeric[j]):
                j += 1
            out += reversed(visual[i:j])
            i = j
        return "".join(out)
    i = n - 1
    while i >= 0:
        j = i
        while j >= 0 and not (left[j] or numeric[j]):
            j -= 1
        out += visual[j + 1:i + 1][::-1]
        i = j
        while j >= 0 and not strong_r[j]:
            j -= 1
        out += visual[j + 1:i + 1]
        i = j
    return "".join(out)
