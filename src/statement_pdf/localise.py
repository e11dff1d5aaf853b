"""Stage 2: turn language-neutral data into text a reader of the language expects.

Everything language-specific comes from the registry (data/languages/*.yaml); this module holds
the mechanisms only:

- digits: ASCII digits typed by authors become the language's digits; a number written with
  thousands separators is regrouped with the locale's separator (Babel/CLDR);
- dates: Gregorian through Babel/CLDR patterns; Solar Hijri converted by jdatetime, whose
  jalali_core implements FarsiWeb's jalali.c (Roozbeh Pournader and Mohammad Toossi: the
  arithmetic 33-year-cycle leap rule), printed with the registry's month names (the Afghan
  names, حمل، ثور، جوزا …, for Dari);
- bidi isolation: in right-to-left text every Latin-script run (acronyms, names, URLs, e-mail
  addresses, Latin dates) is wrapped in <bdi dir="ltr">, so that it cannot reorder with its
  neighbours ("تاریخ: 28 May 2025" would otherwise show as "May 2025 28"); brackets around a
  Latin chunk belong to the run, and a text without any right-to-left letter is one run (the
  rules are in docs/languages.md);
- escaping: every text from data comes out as HTML-escaped Markup (text/html.py writes the
  Markdown of statement texts with these functions, run by run).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import jdatetime
from babel import Locale
from babel.dates import format_date, parse_pattern
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .datatemplates import fill
from .model import Language

DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}

_LATIN_LETTER = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
# A Latin chunk starts and ends with a Latin letter or digit and may contain the punctuation of
# names, acronyms, dates, URLs and addresses in between. A run is a sequence of chunks, each
# possibly in brackets: "Artists at Risk Connection (ARC)" is one run, so that its brackets stay
# with the Latin words they belong to instead of following the right-to-left paragraph.
_LATIN_EDGE = rf"[{_LATIN_LETTER}0-9]"
_LATIN_CHUNK = rf"{_LATIN_EDGE}(?:[{_LATIN_LETTER}0-9 .,:/@&'’\-_+#%?=~]*[{_LATIN_LETTER}0-9/])?"
_LATIN_ITEM = rf"(?:{_LATIN_CHUNK}|\({_LATIN_CHUNK}\))"
_LATIN_RUN = re.compile(rf"{_LATIN_ITEM}(?: *{_LATIN_ITEM})*")
# Left-to-right isolate and pop directional isolate: the plain-text twin of <bdi dir="ltr">, for
# text that is not HTML (CSS content strings of page margin boxes).
_LRI, _PDI = "\u2066", "\u2069"
_HAS_LATIN_LETTER = re.compile(rf"[{_LATIN_LETTER}]")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+")
BREAKABLE_LENGTH = 30
"""Strings shorter than this fit any line of the layouts as they are (the narrowest, the
envelope window's, holds about 40 characters)."""
_LONG_TOKEN = re.compile(rf"[^\s]{{{BREAKABLE_LENGTH},}}")
_TOKEN_EDGES = "\"'“”‘’«»()[]{}<>,;!"
_IDENTIFIER = re.compile(r"://|[@/\\_=&?#\d]|\w\.\w")
"""What makes a string a URL, an address or an identifier rather than a word: a scheme, an
@, a slash, underscore or query character, a digit, or a dot between letters (example.org)."""


@dataclass(frozen=True)
class Localiser:
    language: Language

    @property
    def rtl(self) -> bool:
        return self.language.direction == "rtl"

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.language.babel_locale)

    # --- numbers and dates -----------------------------------------------------------------

    def digits(self, text: str) -> str:
        return text.translate(str.maketrans(DIGITS["latn"], DIGITS[self.language.digits]))

    def number(self, value: int | float) -> str:
        """A number with the locale's grouping and decimal signs in the language's digits.
        Babel picks the signs of the numbering system (٬ and ٫ for arabext) but always writes
        ASCII digits, which `digits` then replaces."""
        system = self.language.digits
        if system not in self.locale.number_symbols:
            system = "latn"
        return self.digits(format_decimal(value, locale=self.locale, numbering_system=system))

    def _numbers(self, text: str) -> str:
        """Digits typed by the author: regrouped when written with separators, else only
        transliterated (a year such as 2021 must not become 2,021)."""
        def convert(match: re.Match[str]) -> str:
            written = match.group()
            if "," not in written:
                return self.digits(written)
            value = float(written.replace(",", "")) if "." in written else int(
                written.replace(",", ""))
            return self.number(value)

        return _NUMBER.sub(convert, text)

    def date(self, day: dt.date) -> str:
        """The date in every form the language shows: the first, then the others in brackets."""
        forms = [self._date_form(form, day) for form in self.language.dates.forms]
        main, *others = forms
        return main + "".join(f" ({other})" for other in others)

    def _date_form(self, form: str, day: dt.date) -> str:
        dates = self.language.dates
        if form == "gregorian":
            return self.digits(format_date(day, dates.gregorian, locale=self.locale))
        solar = jdatetime.date.fromgregorian(date=day)
        fields = {"d": str(solar.day), "dd": f"{solar.day:02}", "M": str(solar.month),
                  "MM": f"{solar.month:02}", "MMMM": dates.solar_hijri_months[solar.month - 1],
                  "y": str(solar.year), "yyyy": str(solar.year)}
        return self.digits(parse_pattern(dates.solar_hijri).format % fields)

    # --- text --------------------------------------------------------------------------------

    def text(self, text: str) -> Markup:
        """Plain text from data (a name, a label): escaped, digits localised, Latin isolated.
        A text with no right-to-left letter at all (an organisation's English name, a
        placeholder) is one isolated run, its final full stop or bracket included."""
        if self.wholly_latin(text):
            return Markup('<bdi dir="ltr">%s</bdi>') % breakable(text)
        return self.isolated(text)

    def verbatim(self, text: str) -> Markup:
        """Text to print exactly as it is (a web address): escaped, digits untouched, and
        isolated as left-to-right in a right-to-left language."""
        return Markup('<bdi dir="ltr">%s</bdi>') % breakable(text) if self.rtl else breakable(
            text)

    def plain(self, text: str) -> str:
        """Like `text`, for places that take plain text rather than HTML (CSS `content`): Latin
        runs are isolated with the Unicode isolate controls instead of <bdi>."""
        if self.wholly_latin(text):
            return f"{_LRI}{text}{_PDI}"
        return "".join(f"{_LRI}{part}{_PDI}" if latin else part
                       for part, latin in self._split(text))

    def direction_of(self, text: str) -> str:
        """The direction a block holding only `text` needs: the language's, or "ltr" for a
        wholly Latin text. For page margin boxes, where WeasyPrint breaks lines before it
        applies the bidi algorithm, so an isolate cannot span a line break."""
        return "ltr" if self.wholly_latin(text) else self.language.direction

    def wholly_latin(self, text: str) -> bool:
        """In a right-to-left language, a text with Latin letters and no right-to-left letter
        (an English name, a placeholder): set as one left-to-right block in the Latin font."""
        return self.rtl and bool(_HAS_LATIN_LETTER.search(text)) and not any(
            unicodedata.bidirectional(char) in ("R", "AL") for char in text)

    def isolated(self, text: str) -> Markup:
        """A run of a paragraph's text, between its markup: escaped, digits localised, and in a
        right-to-left language each Latin run isolated where it stands."""
        return Markup("").join(
            Markup('<bdi dir="ltr">%s</bdi>') % breakable(part) if latin else breakable(part)
            for part, latin in self._split(text))

    def _split(self, text: str) -> Iterator[tuple[str, bool]]:
        """The text as (part, is an isolated Latin run) pairs, digits localised outside the
        runs. Left-to-right languages need no isolation: one part."""
        if not self.rtl:
            yield self._numbers(text), False
            return
        position = 0
        for match in _LATIN_RUN.finditer(text):
            if not _HAS_LATIN_LETTER.search(match.group()):
                continue
            yield self._numbers(text[position:match.start()]), False
            yield match.group(), True
            position = match.end()
        yield self._numbers(text[position:]), False

    def language_name(self, code: str) -> str:
        """The name of language `code` as this language writes it (English is انگریزی in
        Urdu), from Babel; the code where Babel has none."""
        return self.locale.languages.get(code.split("-")[0]) or code

    def label(self, key: str, **values: object) -> str:
        """A label of the registry with its {placeholders} filled in, as plain text."""
        return fill(getattr(self.language.labels, key), **values)


def breakable(text: str) -> Markup:
    """The text escaped, with each long URL, e-mail address or identifier in a
    <span class="breakable">, which the layouts let break anywhere (common.css): such a string
    has no place where a reader expects a line to break, and must not run off the page. Any
    other word wider than its line is an error that `check` and `build` report
    (engine/overflow.py)."""
    parts, position = [], 0
    for match in _LONG_TOKEN.finditer(text):
        core = match.group().strip(_TOKEN_EDGES)
        if len(core) >= BREAKABLE_LENGTH and _IDENTIFIER.search(core.strip(".:")):
            parts.append(escape(text[position:match.start()]))
            parts.append(Markup('<span class="breakable">%s</span>') % match.group())
            position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
