"""The `statement-pdf` command: a thin layer over load → compose → render → publish.

One module per group of commands, each registering its commands on the one Typer `app` when it
is imported; `statement-pdf --help` shows them in these groups, in this order:

    app         the application: --version, -h, shell completion, how problems are printed
    arguments   what several commands share: the statement (an id or a folder), --lang,
                --variant, --recipient, --paper, --profile, with their shell completion
    authoring   new, check, translated, import: writing and translating a statement
    publishing  build, inspect: making the PDFs and looking into one
    delivering  send: the letters by e-mail, each once (delivery/)
    registries  languages, organisations, brands, recipients: the project's shared data
    serving     serve: the live preview in the browser

Exit codes everywhere: 0 success, 1 a document failed (`check`: errors found), 2 bad input or
usage.
"""

from importlib import import_module

from .app import app

for _module in ("authoring", "publishing", "delivering", "registries", "serving"):
    import_module(f".{_module}", __name__)  # registers its commands, in the order of --help

__all__ = ["app"]
