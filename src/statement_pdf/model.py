"""The data model: what each file of a project may hold, declared with pydantic (like MkDocs'
declarative config), and the containers that loading fills. The models are the schema: an
unknown key, a wrong type or a malformed value is an error located by load.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from . import datatemplates
from .yamlsource import YamlDocument

if TYPE_CHECKING:
    from .text.blocks import TextFile

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$")]
MM = 72 / 25.4
"""Points per millimetre."""
EmailAddress = Annotated[str, StringConstraints(pattern=r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$")]


def template(*names: str, required: tuple[str, ...] = ()) -> object:
    """A text field with {placeholders}: these `names` only, written exactly so, and the
    `required` ones present (datatemplates.py; str.format is never used on data)."""
    def check(value: str) -> str:
        if found := datatemplates.problems(value, names, required):
            raise ValueError("; ".join(found))
        return value

    return Annotated[str, StringConstraints(min_length=1), AfterValidator(check)]


def file_name(*names: str) -> object:
    """An output file's name, possibly with {placeholders}: one PDF file name, no folders."""
    return Annotated[template(*names), StringConstraints(pattern=r"^[^/\\]+\.pdf$")]


REFERENCE_FIELDS = ("statement", "recipient", "language", "date")
ReferenceTemplate = template(*REFERENCE_FIELDS)
PageTemplate = template("page", "pages", required=("page", "pages"))
LogoTemplate = template("name", required=("name",))
StaleTemplate = template("source", required=("source",))
EmbargoTemplate = template("date", "time", "offset", required=("date", "time"))
DatelineTemplate = template("city", "date", required=("city", "date"))
ContinuationTemplate = template("recipient", "date", "reference", required=("recipient",))
OutputName = file_name("recipient")
CombinedName = file_name()


class Schema(BaseModel):
    """Unknown keys are errors: a misspelt optional field must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=Schema)


# --- the language registry (data/languages/<code>.yaml) ------------------------------------


class Fonts(Schema):
    text: list[Text] = Field(min_length=1)
    heading: list[Text] = Field(min_length=1)


class DateForms(Schema):
    forms: list[Literal["gregorian", "solar_hijri"]] = Field(min_length=1)
    gregorian: Text
    solar_hijri: Text | None = None
    solar_hijri_months: list[Text] | None = Field(default=None, min_length=12, max_length=12)


class Quotes(Schema):
    open: Text
    close: Text
    inner_open: Text
    inner_close: Text


class LetterLabels(Schema):
    date: Text
    reference: Text
    signed: Text
    signers: Text
    cc: Text
    list_separator: Annotated[str, StringConstraints(min_length=1)] = "; "
    """Between the offices of the cc list: "; " in English, the Arabic semicolon in Urdu."""
    continuation: ContinuationTemplate
    """The running header from page 2 on; {recipient}, {date} and {reference} are filled in."""


class Labels(Schema):
    for_immediate_release: Text
    signed: Text
    media_contacts: Text
    page: PageTemplate
    end: Text
    draft_notice: Text
    stale_notice: StaleTemplate
    """Printed like the draft notice while a translation is out of date; {source} is the
    source language's name in this language (from Babel)."""
    logo_alt: LogoTemplate
    notes_to_editors: Text
    """The heading of the notes to editors, after the end mark."""
    notes: Text
    """The heading of the endnotes (letters)."""
    embargoed_until: EmbargoTemplate
    """Instead of for_immediate_release under an embargo: {date}, {time} and {offset}."""
    dateline_city: DatelineTemplate
    """The dateline when the statement names its city."""
    letter: LetterLabels | None = None
    """Only languages that letters are written in need these."""


COVER_NOTE_FIELDS = ("salutation", "subject", "date", "reference", "contact", "close")
"""What a cover note may name: filled in for each letter by delivery/message.py."""
CoverNoteTemplate = template(*COVER_NOTE_FIELDS)


class CoverNote(Schema):
    """The short text of the e-mail a letter is attached to (`statement-pdf send`), in the
    letter's language, with {placeholders} from COVER_NOTE_FIELDS. A translation we wrote
    ourselves is a draft until a native speaker has reviewed it: `send` refuses drafts."""

    status: Literal["approved", "draft"]
    text: CoverNoteTemplate


class Language(Schema):
    code: LanguageCode
    name: Text
    native_name: Text
    direction: Literal["ltr", "rtl"]
    script: Annotated[str, StringConstraints(pattern=r"^[A-Z][a-z]{3}$")]
    babel_locale: Text
    fonts: Fonts
    line_height: float = Field(gt=0.8, lt=4)
    digits: Literal["latn", "arab", "arabext"]
    page_counter: Text
    dates: DateForms
    quotes: Quotes
    labels: Labels
    cover_note: CoverNote | None = None
    """Only languages that letters are e-mailed in need one."""


# --- the bundled fonts (assets/fonts/fonts.yaml) ---------------------------------------------


class FontFace(Schema):
    file: Text
    weight: int = Field(ge=100, le=900)
    style: Literal["normal", "italic"]


class FontFamily(Schema):
    licence: Text
    faces: list[FontFace] = Field(min_length=1)


class FontRegistry(Schema):
    families: dict[str, FontFamily]
    folder: Path = Path()


# --- organisations, brands, layouts ----------------------------------------------------------


class Organisation(Schema):
    id: Id
    name: Text
    acronym: Text | None = None
    website: WebAddress | None = None
    logo: Text
    names: dict[LanguageCode, Text] = {}


class Colours(Schema):
    primary: Colour
    accent: Colour
    text: Colour
    muted: Colour


class BrandWords(Schema):
    name: Text
    footer: Text
    address: list[Text] | None = None
    """The postal address as this language writes it; without it, the brand's own."""


class Signing(Schema):
    """How the coalition signs its documents (PAdES, see delivery/sign.py). Key and
    certificate files are named here, never their password: that comes from the environment
    variable `password_env` or is asked for. Relative paths are relative to the project's
    root; a key is best kept outside the project (`~/...`)."""

    key: Text
    """A PKCS#12 file (.p12/.pfx: key, certificate and chain), or a PEM private key."""
    certificate: Text | None = None
    """With a PEM key: the PEM certificate, followed by the intermediate certificates."""
    password_env: Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]*$")] = (
        "STATEMENT_PDF_SIGNING_PASSWORD")
    timestamp_url: WebAddress | None = None
    """An RFC 3161 timestamp server: the signatures are PAdES B-T instead of B-B."""
    variants: list[Id] = Field(default=["letter"], min_length=1)
    """Which documents are signed: letters, and press releases if `press` is added."""


class Brand(Schema):
    id: Id
    name: Text
    colours: Colours
    logo: Text
    footer: Text
    address: list[Text] = []
    """The postal address letters are sent from: the sender block of the letterhead, and the
    return line in the envelope window."""
    translations: dict[LanguageCode, BrandWords] = {}
    signing: Signing | None = None
    """Every statement of the brand is signed so, unless its statement.yaml says otherwise."""

    def words(self, code: str) -> BrandWords:
        """The brand's name, footer and address in language `code`, or the original ones."""
        words = self.translations.get(code, BrandWords(name=self.name, footer=self.footer))
        return words if words.address is not None else words.model_copy(
            update={"address": self.address})


class AddressWindow(Schema):
    """Where an envelope's window shows the letter, in millimetres from the physical top-left
    corner of the sheet (windows are on the left whatever the language)."""

    left: float = Field(gt=0)
    top: float = Field(gt=0)
    width: float = Field(gt=0)
    height: float = Field(gt=0)
    indent: float = Field(default=0, ge=0)
    """Space before the text inside the field, at the physical left."""
    return_zone: float = Field(ge=0)
    """The top part of the window that holds the sender's one-line return address (0: the
    envelope has the sender printed on it, and the window shows no return line)."""
    return_font_size: float = Field(default=6.5, ge=6, le=9)
    """In points: the return line is measured with it against the window's width."""
    max_lines: int = Field(ge=1)
    """Lines of the address zone in a Latin-script language (DIN 5008: 6)."""
    font_size: float = Field(gt=4, le=14)
    """In points; the address lines are measured with it against the window's width."""
    folds: tuple[float, float]
    """Where the sheet is folded in three for this envelope, in mm from the top: the fold marks
    at the left edge."""
    line_spacing: float = Field(default=0.75, gt=0, le=1)
    """Address lines are at least this fraction of the language's line height apart: a
    Nastaliq address needs taller lines than the standard's, so fewer of them fit."""

    def line_pitch(self, language_line_height: float) -> float:
        """The distance between the address lines in a language, in mm."""
        standard = (self.height - self.return_zone) / self.max_lines
        return max(standard, self.font_size * language_line_height * self.line_spacing / MM)

    def lines(self, language_line_height: float) -> int:
        """How many address lines fit the window in a language."""
        return int((self.height - self.return_zone) / self.line_pitch(language_line_height)
                   + 1e-9)


class LogoRule(Schema):
    """How a layout sizes the signatories' logos (logos.py): each the same area at its own
    proportions, within a height range and a maximum width, in millimetres."""

    area: float = Field(gt=0)
    min_height: float = Field(gt=0)
    """The legible minimum: a logo that cannot be printed this high is warned about."""
    max_height: float = Field(gt=0)
    max_width: float = Field(gt=0)
    min_dpi: int = Field(default=300, ge=72)
    """A bitmap logo with fewer pixels per inch at its printed size is warned about."""


class SignatureField(Schema):
    """A visible signature field, in millimetres: the template marks where it goes with an
    element of id `signature-field`, which the layout's CSS sizes with --signature-width and
    --signature-height."""

    width: float = Field(gt=5, le=200)
    height: float = Field(gt=5, le=100)


class Layout(Schema):
    variant: Id
    template: Text
    stylesheets: list[Text] = []
    output: OutputName
    page_limit: int = Field(default=2, ge=1)
    profile: Id = "accessible"
    """The output profile (data/profiles.yaml) used unless the build names another."""
    per_recipient: bool = False
    """One document per recipient of the statement's letter (and `output` names {recipient})."""
    combined_output: CombinedName | None = None
    """With --combined, every document of a language in sequence, in this one file."""
    address_windows: dict[Literal["a4", "letter"], AddressWindow] = {}
    numbered_from: int = Field(default=1, ge=1)
    """The first page that shows "Page X of Y" (2 for letters)."""
    running_header: bool = False
    """From page 2 on, a header made by the template's `string-set: running-header`."""
    logos: LogoRule | None = None
    """The signatories' logos, for a layout that shows them."""
    footnotes: Literal["page", "end"] = "page"
    """Where footnotes are printed: at the foot of the page where they are called, or as
    endnotes where the template puts `text.endnotes()`."""
    signature_field: SignatureField | None = None
    """When the document is signed, the signature is visible there; without it, invisible."""


class Profile(Schema):
    """What a PDF claims (one WeasyPrint pdf_variant) and what is needed to meet the claim."""

    description: Text
    pdf_variant: Literal["pdf/ua-1", "pdf/a-3a", "pdf/x-4"] | None = None
    pdf_tags: bool = True
    attach_sources: bool = False
    links: bool = True
    """False: no link annotations (the linked text stays)."""
    stylesheets: list[Text] = []
    bleed_mm: float | None = Field(default=None, gt=0, le=10)
    """The BleedBox: how far past the trim the print shop may use (the CSS bleed, drawn with
    the crop marks, is wider)."""
    output_profile: Path | None = None
    """An ICC output profile (absolute path, from a system package): the print condition."""


# --- recipients of letters (data/recipients.yaml) --------------------------------------------


class RecipientLanguage(Schema):
    """How the recipient is addressed in one language; name, title, office and address override
    the recipient's own for this language (an Urdu title, say) and default to them."""

    salutation: Text
    close: Text
    name: Text | None = None
    title: Text | None = None
    office: Text | None = None
    address: list[Text] | None = None
    country: Text | None = None


class Recipient(Schema):
    id: Id
    kind: Literal["government", "UN", "embassy", "other"]
    name: Text | None = None
    title: Text
    office: Text
    address: list[Text] = Field(min_length=1)
    country: Text
    email: list[EmailAddress] = []
    """Where `statement-pdf send` delivers the letter (each address gets it)."""
    languages: dict[LanguageCode, RecipientLanguage] = Field(min_length=1)


# --- a statement (data/statements/<id>/) -----------------------------------------------------


class Contact(Schema):
    name: Text
    email: EmailAddress
    phone: Text | None = None


class Signer(Schema):
    name: Text
    title: Text
    organisation: Id


class LetterEmail(Schema):
    """Addresses copied on every e-mail of the letter (`statement-pdf send`)."""

    cc: list[EmailAddress] = []
    bcc: list[EmailAddress] = []


class LetterMeta(Schema):
    recipients: list[Id] = Field(min_length=1)
    cc: list[Id] = []
    """Recipients shown as copied on every letter (except the one addressed to them)."""
    reference: ReferenceTemplate = "{date}/{recipient}"
    signers: list[Signer] = []
    email: LetterEmail = LetterEmail()


class StatementMeta(Schema):
    id: Id
    date: dt.date
    source_language: LanguageCode
    brand: Id
    signatories: list[Id] = Field(min_length=1)
    media_contacts: list[Contact] = []
    languages: list[LanguageCode] = []
    """The languages it is published in: `check` reports each one without a file."""
    city: Text | None = None
    """Where the statement is issued: the dateline reads "<city>, <date>: ..."."""
    embargo: AwareDatetime | None = None
    """Not to be published before this moment (with its UTC offset): the press release says
    so instead of "For immediate release"."""
    letter: LetterMeta | None = None
    signing: Signing | None = None
    """Overrides the brand's `signing:`."""


class FrontMatter(Schema):
    """What a language's text file (<code>.md) says before its text, between two `---` lines:
    what is not text to be printed (text/markdown.py reads the rest)."""

    language: LanguageCode
    status: Literal["source", "draft", "approved"]
    translator_note: Text | None = None
    keywords: list[Text] = []
    """For the PDF's metadata; a translation without its own uses the source's."""
    city: Text | None = None
    """The dateline city as this language writes it (statement.yaml's `city` otherwise)."""
    translated_from: dict[str, Fingerprint] | None = None
    """Translations only: block key → fingerprint of the source text it was translated from
    (written by `statement-pdf translated`, see authoring/translations.py)."""


@dataclass(frozen=True)
class Project:
    """Everything shared by all statements: found by walking up to the folder with layouts/."""

    root: Path
    languages: dict[str, Language]
    organisations: dict[str, Organisation]
    brands: dict[str, Brand]
    layouts: dict[str, Layout]
    fonts: FontRegistry
    profiles: dict[str, Profile] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    documents: dict[str, YamlDocument] = field(default_factory=dict)
    """The parsed files, by name relative to data/ without .yaml ("languages/ur"), so that
    later checks can point at the line of a value."""
    broken: frozenset[str] = frozenset()
    """Entries that are in the shared data but invalid (already reported where they are), as
    "organisation:rsf"; "organisation:*" when the whole file is unreadable."""

    def has(self, kind: str, value: str, known: dict[str, object]) -> bool:
        """Whether a reference to `value` resolves, or points at an entry that exists but is
        broken: a statement is not told an id is unknown when the fault is in the shared file."""
        return value in known or bool({f"{kind}:{value}", f"{kind}:*"} & self.broken)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def layout_dir(self, variant: str) -> Path:
        return self.root / "layouts" / variant

    @property
    def profile_stylesheet_dir(self) -> Path:
        return self.root / "layouts" / "profiles"


@dataclass(frozen=True)
class Statement:
    folder: Path
    meta: StatementMeta
    texts: dict[str, TextFile]
    """Each language's text (<code>.md), by its code."""
    documents: dict[str, YamlDocument | TextFile] = field(default_factory=dict)
    """statement.yaml as "statement", and each language's file by its code: what a problem is
    located in."""

    @property
    def languages(self) -> list[str]:
        """The source language first, then the translations in alphabetical order."""
        source = self.meta.source_language
        return [source, *sorted(code for code in self.texts if code != source)]
