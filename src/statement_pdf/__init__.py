"""statement-pdf: joint statements as data, published as print-ready PDFs in every language.

The pipeline, one module per stage:

    load      read and validate the YAML data, with file:line:column for every problem
              (yamlsource keeps the positions, errors defines the problems)
    localise  language registry, digits, calendars, bidi isolation, safe inline markup
              (fonts: the bundled fonts and glyph coverage)
    compose   Jinja2 layouts + localised data -> one HTML document per output
              (letters: the per-recipient context; profiles: the standard a PDF claims)
    render    WeasyPrint, restricted to the project's files, written atomically
              (actualtext: real text for the structure tree; lines: each line broken and
              shaped once per worker, not once per document; pdfwrite: each stream
              serialised once; atomic: temp file + rename)
    publish   plan the outputs of a statement, run them, report
              (batch: worker processes; manifest: fingerprints for incremental builds;
              report: progress bar, summary, JSON)

Around it, for the people who write and translate statements:

    check         preflight: every problem of a statement at once, pages counted by laying out
    translations  which source text each translation was made from, and what changed since
    scaffold      a new statement folder from the commented templates in templates/new/

`inspect_pdf` reads a finished PDF back; `cli` is a thin Typer layer on top.
"""

__version__ = "0.1.0"
