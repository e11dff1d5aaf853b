"""Which writing system a text is written in, counted letter by letter.

A language's registry names its script (ISO 15924: `Latn`, `Arab`); Unicode names each letter's
script in the letter's name ("LATIN SMALL LETTER A", "ARABIC LETTER BEH"). Counting a text's
letters by script tells an English paragraph left in a Dari file, or Urdu pasted into the
English source, and whether an organisation's name can be read in the script of a page.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

UNICODE_SCRIPTS = {"LATIN": "Latn", "ARABIC": "Arab", "CYRILLIC": "Cyrl", "GREEK": "Grek",
                   "HEBREW": "Hebr", "DEVANAGARI": "Deva", "ARMENIAN": "Armn",
                   "GEORGIAN": "Geor", "THAI": "Thai", "ETHIOPIC": "Ethi", "BENGALI": "Beng",
                   "TAMIL": "Taml", "GURMUKHI": "Guru", "SINHALA": "Sinh", "KHMER": "Khmr"}
"""The first word of a letter's Unicode name, by the ISO 15924 code the registry uses."""
SCRIPT_NAMES = {code: word.capitalize() for word, code in UNICODE_SCRIPTS.items()}


def script_of(char: str) -> str | None:
    """The ISO 15924 code of a letter's script; None for what is not a letter, or a letter of
    a script this table does not know."""
    if not unicodedata.category(char).startswith("L"):
        return None
    return UNICODE_SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0])


def letters_by_script(text: str) -> Counter[str]:
    return Counter(script for char in text if (script := script_of(char)))


def main_script(text: str) -> str | None:
    """The script most of the text's letters are in."""
    counts = letters_by_script(text)
    return counts.most_common(1)[0][0] if counts else None
