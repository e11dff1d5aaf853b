"""`statement-pdf serve`: the statements as they will print, in the browser, while they are written.

Authors change wording minutes before an embargo and translators do not read YAML; both need to
see the real pages — every language side by side — a moment after they save. One server process
keeps a warm renderer, re-renders only what a saved file changed (the manifest fingerprints of
publish/), and pushes the news to the open pages.

    preview   what is served: the statements, their documents and problems, kept up to date by
              rebuilding incrementally with one long-lived renderer
    pages     a PDF's pages as PNG images (PDFium): what is printed, not the browser's layout
    events    news from the rebuilding thread to every open page (server-sent events)
    safety    127.0.0.1, known Host names, a per-session token and the same origin for anything
              that changes state, paths confined to the project
    app       the Starlette application: routes and Jinja2 templates (autoescaped)
    server    watching the files, the rebuilding thread, uvicorn, Ctrl-C

Starlette, uvicorn, watchfiles and pypdfium2 come with the `serve` extra
(`pip install 'statement-pdf[serve]'`); nothing else imports this package.
"""
