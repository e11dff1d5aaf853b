"""Stage 3: compose one HTML document per output from a layout and the localised data.

Layouts are data: `layouts/<variant>/layout.yaml` names a Jinja2 template and stylesheets. This
module only prepares the template's context — every string in it is already escaped, localised
and bidi-isolated (a `Markup`), so templates never see raw author text — and the small piece of
CSS that depends on data: fonts, brand colours, paper size and the localised page label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import __version__
from .authoring.translations import out_of_date
from .errors import InputError, Problem, unknown
from .fonts import face_css, glyph_problems, missing_glyphs
from .letters import letter_context
from .localise import Localiser
from .logos import intrinsic, logo_size
from .model import Brand, Layout, LogoRule, Profile, Project, Statement
from .text.html import Writer

PAPER_SIZES = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class Job:
    """One output document."""

    statement: Statement
    language: str
    variant: str
    paper: str = "a4"
    recipient: str | None = None
    profile: str | None = None
    """An output profile from data/profiles.yaml; None: the layout's default."""


SHARED_STYLESHEET = "../common.css"
"""Every layout's stylesheets come after this one, relative to the layout's folder."""


@dataclass(frozen=True)
class Composed:
    """A document for the engine: its HTML, and its styles beside it rather than in its head —
    the stylesheets (URLs), which many documents share and a worker parses once, and the CSS
    made for this document alone."""

    html: str
    base_url: str
    title: str
    stylesheets: tuple[str, ...] = ()
    css: str = ""

    def standalone_html(self) -> str:
        """The document with its stylesheets linked and its CSS in its head, as `--emit-html`
        writes it: plain `weasyprint file.html out.pdf` renders it the same."""
        links = "".join(f'<link rel="stylesheet" href="{escape(url)}">\n'
                        for url in self.stylesheets)
        return self.html.replace("</head>", f"{links}<style>\n{self.css}</style>\n</head>", 1)


def environment(project: Project) -> Environment:
    return Environment(
        loader=FileSystemLoader(project.root / "layouts"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def compose(project: Project, job: Job, env: Environment | None = None) -> Composed:
    env = env or environment(project)
    layout = project.layouts[job.variant]
    layout_dir = project.layout_dir(job.variant)
    context = context_for(project, job)
    css = context.pop("generated_css")  # beside the HTML, not in it
    profile_css = [f"../profiles/{name}" for name in job_profile(project, job).stylesheets]
    base_url = layout_dir.resolve().as_uri() + "/"
    html = env.get_template(f"{job.variant}/{layout.template}").render(
        **context, base_url=base_url)
    stylesheets = [SHARED_STYLESHEET, *layout.stylesheets, *profile_css]
    return Composed(html=html, base_url=base_url, title=context["plain_title"],
                    stylesheets=tuple(urljoin(base_url, href) for href in stylesheets),
                    css=css)


def context_for(project: Project, job: Job) -> dict[str, Any]:
    """Everything a layout's template may print. The statement's text is `text`, a writer
    whose sections the template asks for in the order it prints them (so that footnotes are
    numbered in the document's order): `text.section("body", lead_in=dateline)`,
    `text.line("title")`, `text.has("notes-to-editors")`, `text.endnotes()`."""
    statement, language = job.statement, project.languages[job.language]
    text = statement.texts[job.language]
    local = Localiser(language)
    brand = project.brands[statement.meta.brand]
    if problems := glyph_problems(project, statement, job.language, job.recipient):
        raise InputError(problems)
    letter = letter_context(project, statement, job.recipient, local) if job.recipient else {}
    logo_rule = project.layouts[job.variant].logos
    signatories = [_organisation(project, local, org_id, logo_rule)
                   for org_id in statement.meta.signatories]
    brand_words = brand.words(language.code)
    date = local.text(local.date(statement.meta.date))
    return letter | {
        "language": language,
        "variant": job.variant,
        "draft": text.status == "draft",
        "notices": _notices(project, job, local),
        "labels": {name: local.text(value) for name, value in language.labels
                   if isinstance(value, str)},
        "plain_title": text.title,
        "text": Writer(text, local, project.layouts[job.variant].footnotes),
        "dateline": Markup('<strong class="dateline">%s:</strong>') % _dateline(statement, local),
        "embargo": _embargo(statement, local),
        "date": date,
        "iso_date": statement.meta.date.isoformat(),
        "signatories": signatories,
        "contacts": [
            {"name": local.text(contact.name), "email": contact.email,
             "latin_only": local.wholly_latin(contact.name),
             # dialled as written, in any language: kept in ASCII digits (the template
             # isolates it), also because a row of Persian zeros reads as dots
             "phone": contact.phone}
            for contact in statement.meta.media_contacts
        ],
        "brand": {"name": local.text(brand_words.name), "alt": brand_words.name,
                  "footer": local.text(brand_words.footer),
                  "logo": _data_url(project, brand.logo)},
        "signature_field": project.layouts[job.variant].signature_field is not None,
        "generated_css": _generated_css(project, job, local),
        "metadata": _metadata(project, job, local, signatories),
    }


def _notices(project: Project, job: Job, local: Localiser) -> list[Markup]:
    """What a reader must know before trusting the text, in the document's language, boxed at
    the top of page 1: an unreviewed draft, and a translation the source has moved on from."""
    statement, labels = job.statement, local.language.labels
    notices = [local.text(labels.draft_notice)] if statement.texts[
        job.language].status == "draft" else []
    if out_of_date(statement, job.language, project.layouts[job.variant].per_recipient):
        source = local.language_name(statement.meta.source_language)
        notices.append(local.text(local.label("stale_notice", source=source)))
    return notices


def _dateline(statement: Statement, local: Localiser) -> Markup:
    """The date that opens the body, after the city the statement is issued in (as the
    language writes it, else as statement.yaml does)."""
    date = local.date(statement.meta.date)
    city = statement.texts[local.language.code].front.city or statement.meta.city
    if city is None:
        return local.text(date)
    return local.isolated(local.label("dateline_city", city=city, date=date))


def _embargo(statement: Statement, local: Localiser) -> Markup | None:
    """"Embargoed until 09:00 (UTC+05:00), 28 May 2025" in the language, or None."""
    moment = statement.meta.embargo
    if moment is None:
        return None
    offset = moment.strftime("%z")
    return local.text(local.label(
        "embargoed_until", date=local.date(moment.date()), time=local.digits(f"{moment:%H:%M}"),
        offset=f"{offset[:3]}:{offset[3:]}"))


def profile_name(project: Project, job: Job) -> str:
    return job.profile or project.layouts[job.variant].profile


def job_profile(project: Project, job: Job) -> Profile:
    return project.profiles[profile_name(project, job)]


def check_profile(project: Project, name: str | None) -> None:
    """A profile named on the command line must exist (None: each layout's default)."""
    if name is not None and name not in project.profiles:
        raise InputError([Problem(project.data_dir / "profiles.yaml", 1, 1,
                                  unknown("profile", name, project.profiles, "available"))])


def _metadata(
    project: Project, job: Job, local: Localiser, signatories: list[dict[str, Any]]
) -> dict[str, Any]:
    """What WeasyPrint writes into the PDF's document information and XMP, as plain text: the
    signatories are the authors (the coalition), the lead is the subject, and the generator
    names the profile so that `statement-pdf inspect` can tell which one a file was made for."""
    statement = job.statement
    text = statement.texts[job.language]
    keywords = text.front.keywords or statement.texts[statement.meta.source_language].front.keywords
    return {
        "authors": [organisation["name"].striptags() for organisation in signatories],
        "description": Writer(text, local).section("lead").striptags(),
        "keywords": ", ".join(keywords),
        "generator": f"statement-pdf {__version__}, profile {profile_name(project, job)}",
    }


def _organisation(project: Project, local: Localiser, org_id: str,
                  logo_rule: LogoRule | None) -> dict[str, Any]:
    organisation = project.organisations[org_id]
    name = organisation.names.get(local.language.code, organisation.name)
    if organisation.acronym and organisation.acronym not in name:
        name = f"{name} ({organisation.acronym})"
    return {
        "id": org_id,
        "name": local.text(name),
        "latin_only": local.wholly_latin(name),
        "logo": _data_url(project, organisation.logo),
        "logo_alt": local.label("logo_alt", name=name),
        "logo_size": logo_rule and logo_size(
            intrinsic(project.data_dir / organisation.logo).ratio, logo_rule),
        "website": organisation.website,
    }


def _data_url(project: Project, relative: str) -> str:
    return (project.data_dir / relative).resolve().as_uri()


def _generated_css(project: Project, job: Job, local: Localiser) -> str:
    language, brand = local.language, project.brands[job.statement.meta.brand]
    layout = project.layouts[job.variant]
    families = [*language.fonts.text, *language.fonts.heading]
    colours = "; ".join(f"--{name}: {value}" for name, value in brand.colours)
    return "\n".join([
        face_css(project.fonts, families),
        f":root {{ {colours}; --line-height: {language.line_height}; "
        f"--text-font: {_font_stack(language.fonts.text)}; "
        f"--heading-font: {_font_stack(language.fonts.heading)}; "
        f"--text-font-latin: {_font_stack(_latin_first(project, language.fonts.text))}; "
        f"--heading-font-latin: {_font_stack(_latin_first(project, language.fonts.heading))}; "
        f"{_window_properties(layout, job.paper, language.line_height)}"
        f"{_signature_properties(layout)}}}",
        _page_css(job.paper, local, brand, _latin_first(project, language.fonts.heading)),
        _counter_css(language.page_counter),
        _colour_profile_css(job_profile(project, job)),
        _continuation_css(layout, local),
    ])


def _counter_css(style: str) -> str:
    """Numbered lists and footnote numbers in the language's counter style (its digits)."""
    return (f"ol {{ list-style-type: {style}; }} "
            f".footnote::footnote-call {{ content: counter(footnote, {style}); }} "
            f".footnote::footnote-marker {{ content: counter(footnote, {style}) \". \"; }}")


def _colour_profile_css(profile: Profile) -> str:
    """The print condition as the document's CMYK colour profile: WeasyPrint writes it as the
    PDF/X output intent."""
    if not profile.output_profile:
        return ""
    source = css_string(profile.output_profile.as_uri())
    return (f"@color-profile device-cmyk {{ src: url({source}); "
            "components: cyan, magenta, yellow, black; }")


def _latin_first(project: Project, families: list[str]) -> list[str]:
    """The stack with the families that have Latin letters first, for Latin runs in another
    script: an Arabic font has a space and full stop too, but narrower (Nastaliq's space is
    half of Noto Serif's), and it would otherwise set them between Latin words."""
    latin = [family for family in families
             if not missing_glyphs(project.fonts, "AZaz", [family])]
    return [*latin, *(family for family in families if family not in latin)]


def _window_properties(layout: Layout, paper: str, language_line_height: float) -> str:
    """The envelope window of this paper as custom properties for the layout's CSS: the
    --window-left, -top, -width, -height, -indent and -return-zone (mm), --window-line (the
    distance of the address lines in this language), --window-font-size, and the folds of the
    sheet for this envelope, --fold-1 and --fold-2 (mm from the top), and the size of the
    return line, --window-return-font-size."""
    window = layout.address_windows.get(paper)
    if window is None:
        return ""
    line = window.line_pitch(language_line_height)
    return (f"--window-left: {window.left}mm; --window-top: {window.top}mm; "
            f"--window-width: {window.width}mm; --window-height: {window.height}mm; "
            f"--window-indent: {window.indent}mm; "
            f"--window-return-zone: {window.return_zone}mm; --window-line: {line:.3f}mm; "
            f"--window-return-font-size: {window.return_font_size}pt; "
            f"--window-font-size: {window.font_size}pt; "
            f"--fold-1: {window.folds[0]}mm; --fold-2: {window.folds[1]}mm; ")


def _signature_properties(layout: Layout) -> str:
    """The size of the visible signature field the layout asks for, --signature-width and
    --signature-height (mm): the box the template reserves for it (delivery/pades.py places
    the signature's widget exactly there)."""
    field = layout.signature_field
    if field is None:
        return ""
    return f"--signature-width: {field.width}mm; --signature-height: {field.height}mm; "


def _continuation_css(layout: Layout, local: Localiser) -> str:
    """Pages before `numbered_from` show no page label; with a running header, the pages after
    the first show the template's `running-header` string at the start side of the top."""
    start, end = _page_sides(local)
    rules = []
    if layout.numbered_from > 1:
        rules.append(f"@page :nth(-n+{layout.numbered_from - 1}) "
                     f"{{ @bottom-{end} {{ content: none; }} }}")
    if layout.running_header:
        rules.append(f"@page {{ @top-{start} {{ content: string(running-header); "
                     f"direction: {local.language.direction}; text-align: {start}; "
                     f"width: 100%; }} }} @page :first {{ @top-{start} {{ content: none; }} }}")
    return "\n".join(rules)


def _page_css(paper: str, local: Localiser, brand: Brand, latin_fonts: list[str]) -> str:
    """Page margin boxes are the one place CSS has no logical sides: the page number goes at
    the end side of the reading direction, the brand's footer at the start side. A footer
    that is wholly Latin (a brand without a translation) is set left-to-right in the Latin
    font, aligned to the start side all the same. Fonts and colour are spelt out: margin boxes
    do not see the custom properties of the document's root."""
    start, end = _page_sides(local)
    language, footer = local.language, brand.words(local.language.code).footer
    latin_footer = local.wholly_latin(footer)
    footer_fonts, footer_leading = ((latin_fonts, 1.45) if latin_footer
                                    else (language.fonts.heading, language.line_height))
    return (f"@page {{ size: {PAPER_SIZES[paper]}; "
            f"@bottom-{start} {{ content: {css_string(local.plain(footer))}; "
            f"font-family: {_font_stack(footer_fonts)}; line-height: {footer_leading}; "
            f"color: {brand.colours.muted}; "
            f"direction: {local.direction_of(footer)}; width: 70%; text-align: {start}; }} "
            f"@bottom-{end} {{ content: {page_label_css(local)}; "
            f"font-family: {_font_stack(language.fonts.heading)}; "
            f"color: {brand.colours.muted}; direction: {language.direction}; "
            f"text-align: {end}; }} }}")


def _page_sides(local: Localiser) -> tuple[str, str]:
    """The physical sides of the page (margin boxes have no logical ones) where lines start
    and end in this language."""
    return ("right", "left") if local.rtl else ("left", "right")


def _font_stack(families: list[str]) -> str:
    return ", ".join(css_string(family) for family in families)


def page_label_css(local: Localiser) -> str:
    """The registry's page label ("Page {page} of {pages}", "{page} از {pages}") as CSS content
    with counters in the language's counter style."""
    style = local.language.page_counter
    parts = re.split(r"(\{page\}|\{pages\})", local.language.labels.page)
    return " ".join(
        f"counter({part[1:-1]}, {style})" if part in ("{page}", "{pages}") else css_string(part)
        for part in parts if part
    )


def css_string(value: str) -> str:
    """A CSS string literal that cannot end the string or the <style> element it stands in."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + escaped.replace("\n", "\\a ") + '"'
