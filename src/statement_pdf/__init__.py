"""statement-pdf: joint statements as data, published as print-ready PDFs in every language.

The pipeline, one module (or subpackage) per stage:

    load      read and validate the data, with file:line:column for every problem
              (model: the schema and what loading fills; yamlsource keeps the positions;
              yamlerrors says YAML mistakes in the words of the people who make them;
              errors defines the problems, and the "did you mean" for unknown ids;
              sourcefile reads a data file: bounded, regular, UTF-8, no link outside;
              textrules: the characters and length text may have; placeholders: the only
              templates data may hold)
    localise  language registry, digits, calendars, bidi isolation, safe inline markup
              (fonts: the bundled fonts and glyph coverage; scripts: which writing system a
              text's letters are in; logos: each logo's printed size)
    compose   Jinja2 layouts + localised data -> one HTML document per output
              (letters: the per-recipient context; profiles: the standard a PDF claims)
    render    WeasyPrint, restricted to the project's files, written atomically
              (engine/: every patch to WeasyPrint's internals, with a switch to run it plain;
              atomic: temp file + rename)
    publish/  plan the outputs of a statement, run them in worker processes (or on a Dask
              cluster), keep the manifest (fingerprints for incremental builds), report

Around it:

    authoring/  for the people who write and translate statements: check (preflight),
                translations (what changed since a translation was made), untranslated (text
                in another language than its file), placeholders, scaffold (`new`)
    serve/      `statement-pdf serve`: every language's real pages side by side in the
                browser, rendered again a moment after each save
    delivery/   signing the letters (PAdES) and sending them by e-mail, never twice
    inspect_pdf reads a finished PDF back (and its signatures)
    cli/        a thin Typer layer on top, one module per group of commands
    __main__    the command's entry point: signal handling (interrupts) first, and a scratch
                folder for the run's temporary files (scratch; locking for its lock)

docs/reliability.md says what holds when things go wrong, and which test proves it.
"""

__version__ = "0.1.0"
