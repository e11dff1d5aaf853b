"""`languages`, `organisations`, `brands`, `recipients`: what a statement can name, with the id
to write in its files."""

from __future__ import annotations

from rich.table import Table

from .app import LISTING, app, out, project_here


@app.command(rich_help_panel=LISTING)
def languages() -> None:
    """The languages the project can typeset (data/languages/)."""
    project = project_here()
    table = Table("code", "name", "native", "dir", "script", "digits", "calendars")
    for code, language in sorted(project.languages.items()):
        table.add_row(code, language.name, language.native_name, language.direction,
                      language.script, language.digits, ", ".join(language.dates.forms))
    out.print(table)


@app.command(rich_help_panel=LISTING)
def organisations() -> None:
    """The organisations that can sign a statement (data/organisations.yaml)."""
    project = project_here()
    table = Table("id", "name", "acronym", "names in", "logo")
    for org_id, organisation in sorted(project.organisations.items()):
        table.add_row(org_id, organisation.name, organisation.acronym or "",
                      ", ".join(sorted(organisation.names)), organisation.logo)
    out.print(table)


@app.command(rich_help_panel=LISTING)
def brands() -> None:
    """The brands a statement can go out under (data/brands/): name, logo and footer."""
    project = project_here()
    table = Table("id", "name", "logo", "translated into")
    for brand_id, brand in sorted(project.brands.items()):
        table.add_row(brand_id, brand.name, brand.logo, ", ".join(sorted(brand.translations)))
    out.print(table)


@app.command(rich_help_panel=LISTING)
def recipients() -> None:
    """The offices letters can be sent to (data/recipients.yaml)."""
    project = project_here()
    table = Table("id", "kind", "addressed to", "country", "languages")
    for recipient_id, recipient in sorted(project.recipients.items()):
        addressee = ", ".join(filter(None, [recipient.name, recipient.title]))
        table.add_row(recipient_id, recipient.kind, addressee, recipient.country,
                      ", ".join(recipient.languages))
    out.print(table)
