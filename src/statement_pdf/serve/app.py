"""The web application: the project page, a statement's page, and the parts they refresh.

Every page is a Jinja2 template with autoescaping: statement text, problem messages and file
names only ever reach the browser as escaped text. The pages update themselves by fetching the
part an event names (a document's card, a statement's summary) as HTML rendered here, with the
same templates as the full page.

Nothing in a URL is used as a path directly: statements, languages and outputs are looked up
among those the preview knows, and a source file must pass `safety.confined`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..compose import css_string
from ..errors import InputError
from ..model import FontRegistry, Language, Project, Statement
from .events import Broadcaster
from .pages import NotOnDisk, page_png
from .preview import Document, Preview, StatementView
from .review import (
    Conflict,
    file_sha256,
    mark_block_current,
    mark_reviewed,
    review,
    save_block,
)
from .safety import TOKEN_HEADER, Guard, confined

STATIC = Path(__file__).parent / "static"
Lifespan = Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]


def create_app(
    preview: Preview,
    broadcaster: Broadcaster,
    token: str,
    hosts: list[str] | None,
    request_rebuild: Callable[[str], None],
    lifespan: Lifespan | None = None,
) -> Starlette:
    """The application for `preview`. `request_rebuild(statement_id)` asks for a forced
    rebuild; `lifespan` starts and stops what runs beside the app (server.py: the watcher and
    the rebuilding thread)."""
    views = _Views(preview, broadcaster, token, request_rebuild)
    routes = [
        Route("/", views.project),
        Route("/events", views.events),
        Route("/source/{path:path}", views.source),
        Route("/s/{statement}", views.statement),
        Route("/s/{statement}/summary", views.summary),
        Route("/s/{statement}/overview", views.overview),
        Route("/s/{statement}/state.json", views.state),
        Route("/s/{statement}/rebuild", views.rebuild, methods=["POST"]),
        Route("/s/{statement}/card/{language}/{name}", views.card),
        Route("/s/{statement}/pdf/{language}/{name}", views.pdf),
        Route("/s/{statement}/page/{language}/{name}/{sha256}/{number:int}.png", views.page),
        Route("/s/{statement}/review/{code}", views.review),
        Route("/s/{statement}/review/{code}/version", views.review_version),
        Route("/s/{statement}/review/{code}/{action}", views.review_change, methods=["POST"]),
        Route("/fonts.css", views.fonts_css),
        Mount("/fonts", StaticFiles(directory=preview.root / "assets" / "fonts", check_dir=False)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, lifespan=lifespan,
                     middleware=[Middleware(Guard, token=token, hosts=hosts)])


def _templates(preview: Preview, token: str, session: str) -> Jinja2Templates:
    env = Environment(loader=PackageLoader("statement_pdf.serve", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(token=token, session=session, token_header=TOKEN_HEADER,
                       relative=preview.relative, link=link, source_link=source_link)
    env.filters["kib"] = lambda size: f"{size / 1024:,.0f} KiB"
    return Jinja2Templates(env=env)


def link(*segments: object) -> str:
    """A path of this application, each segment quoted (ids and names come from data)."""
    return "/" + "/".join(quote(str(segment), safe="") for segment in segments)


def source_link(file: str, line: int) -> str:
    """The source view of a project file (relative path), at a line."""
    return f"/source/{quote(file)}#L{line}"


def web_fonts_css(registry: FontRegistry, languages: Iterable[Language]) -> str:
    """@font-face rules for the bundled fonts (served under /fonts/) and, for each language,
    its text fonts and line height wherever an element is marked with its `lang`."""
    rules = [f"@font-face {{ font-family: {css_string(name)}; "
             f"src: url({css_string('/fonts/' + quote(face.file))}); "
             f"font-weight: {face.weight}; font-style: {face.style}; font-display: swap; }}"
             for name, family in registry.families.items() for face in family.faces]
    rules += [f"[lang={css_string(language.code)}] {{ font-family: "
              f"{', '.join(css_string(name) for name in language.fonts.text)}, sans-serif; "
              f"line-height: {language.line_height}; }}" for language in languages]
    return "\n".join(rules) + "\n"


class _Views:
    def __init__(self, preview: Preview, broadcaster: Broadcaster, token: str,
                 request_rebuild: Callable[[str], None]) -> None:
        self.preview = preview
        self.broadcaster = broadcaster
        self.request_rebuild = request_rebuild
        self.session = token[:8]
        """Tells a page whether the server it talks to is the one that made it (a restarted
        server has another token); not the token itself, which the event stream never sends."""
        self.templates = _templates(preview, token, self.session)

    def render(self, request: Request, template: str, **context: Any) -> Response:
        return self.templates.TemplateResponse(request, template, context,
                                               headers={"cache-control": "no-store"})

    async def project(self, request: Request) -> Response:
        statements = self.preview.statements()
        manifests = {view.id: await run_in_threadpool(self.preview.manifest, view.id)
                     for view in statements}
        return self.render(request, "project.html", statements=statements, manifests=manifests,
                           out=self.preview.out)

    async def statement(self, request: Request) -> Response:
        view = self._statement(request)
        outputs = view.outputs
        output = request.query_params.get("output")
        output = output if output in outputs else (outputs[0] if outputs else None)
        return self.render(request, "statement.html", view=view, outputs=outputs, output=output)

    async def overview(self, request: Request) -> Response:
        view = self._statement(request)
        manifest = await run_in_threadpool(self.preview.manifest, view.id)
        return self.render(request, "_overview.html", view=view, manifest=manifest)

    async def summary(self, request: Request) -> Response:
        return self.render(request, "_summary.html", view=self._statement(request))

    async def card(self, request: Request) -> Response:
        view = self._statement(request)
        return self.render(request, "_document.html", view=view,
                           document=self._document(view, request))

    async def state(self, request: Request) -> Response:
        """The documents' state for scripts (and the tests): versions, pages, errors."""
        view = self._statement(request)
        return JSONResponse({
            "statement": view.id, "version": view.version, "building": view.building,
            "problems": len(view.problems),
            "documents": {key: {**asdict(document), "path": str(document.path)}
                          for key, document in view.documents.items()},
        })

    async def rebuild(self, request: Request) -> Response:
        view = self._statement(request)
        self.request_rebuild(view.id)
        return JSONResponse({"statement": view.id, "rebuilding": True}, status_code=202)

    async def pdf(self, request: Request) -> Response:
        document = self._document(self._statement(request), request)
        if not document.sha256 or not document.path.is_file():
            raise HTTPException(404, f"{document.key} has not been made yet")
        return FileResponse(document.path, media_type="application/pdf",
                            headers={"cache-control": "no-store"},
                            content_disposition_type="inline")

    async def page(self, request: Request) -> Response:
        document = self._document(self._statement(request), request)
        number = request.path_params["number"]
        try:
            png = await run_in_threadpool(page_png, document.path,
                                          request.path_params["sha256"], number - 1)
        except NotOnDisk as error:
            raise HTTPException(404, str(error)) from None
        return Response(png, media_type="image/png",
                        headers={"cache-control": "private, max-age=31536000, immutable"})

    async def source(self, request: Request) -> Response:
        relative = request.path_params["path"]
        file = confined(self.preview.root, relative)
        if file is None:
            raise HTTPException(404, f"{relative}: not a file of this project's data/ or "
                                "layouts/")
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise HTTPException(415, f"{relative} is not a text file") from None
        project = self.preview.project
        language = file.stem if project and file.stem in project.languages else None
        return self.render(request, "source.html", path=self.preview.relative(file),
                           lines=lines, language=language)

    async def fonts_css(self, request: Request) -> Response:
        """The project's own fonts for the statement text the pages show (titles, and the
        blocks of a translation): the browser's fonts may lack Nastaliq, or whole scripts."""
        project = self.preview.project
        css = web_fonts_css(project.fonts, project.languages.values()) if project else ""
        return Response(css, media_type="text/css", headers={"cache-control": "no-store"})

    async def review(self, request: Request) -> Response:
        """A translation beside its source, block by block, read from disk now (not from the
        last rebuild): what the translator changes is the file as it is."""
        context = await run_in_threadpool(self._review_context, *await self._translation(request))
        return self.render(request, "review.html", **context)

    async def review_version(self, request: Request) -> Response:
        """The version of the translation's file on disk now: an open review page compares it
        with its own to say that the file changed under it."""
        _, statement, code = await self._translation(request)
        return JSONResponse({"sha256": file_sha256(statement.texts[code].file)})

    async def review_change(self, request: Request) -> Response:
        """Save a block's text (`block`), mark a block up to date (`current`), or the whole
        translation (`reviewed`); each against the version of the file the page was loaded
        with. Answers the file's new version and, for a block, its new row."""
        action = request.path_params["action"]
        if action not in ("block", "current", "reviewed"):
            raise HTTPException(404, f"no such change: {action}")
        try:
            change = await request.json()
            base, key = str(change["base"]), str(change.get("key", ""))
            text = str(change.get("text", "")) if action == "block" else ""
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected JSON with the file's version (base)"}, 400)
        _, statement, code = await self._translation(request)
        try:
            sha256 = await run_in_threadpool(self._change, statement, code, action, base, key,
                                             text)
        except Conflict as conflict:
            return JSONResponse({"error": str(conflict)}, 409)
        except InputError as error:
            return JSONResponse({"error": self.preview.shown(str(error))}, 422)
        answer = {"sha256": sha256}
        if key:
            context = await run_in_threadpool(self._review_context,
                                              *await self._translation(request))
            row = next(row for row in context["review"].rows if row.key == key)
            answer["html"] = self.templates.env.get_template("_row.html").render(
                **context, row=row)
        return JSONResponse(answer)

    def _change(self, statement: Statement, code: str, action: str, base: str, key: str,
                text: str) -> str:
        if action == "block":
            return save_block(statement.texts[code].file, base, key, text)
        if action == "current":
            return mark_block_current(statement, code, base, key)
        return mark_reviewed(statement, code, base)

    @staticmethod
    def _review_context(project: Project, statement: Statement, code: str) -> dict[str, Any]:
        return {"statement": statement, "review": review(statement, code),
                "language": project.languages[code],
                "source_language": project.languages[statement.meta.source_language]}

    async def _translation(self, request: Request) -> tuple[Project, Statement, str]:
        """The project and statement as they are on disk now, and the translation the URL
        names."""
        view = self._statement(request)
        try:
            project, statement = await run_in_threadpool(self.preview.load, view.folder)
        except InputError as error:
            raise HTTPException(422, "the statement cannot be read, so its translations cannot "
                                "be reviewed until it is fixed:\n"
                                + self.preview.shown(str(error))) from None
        code = request.path_params["code"]
        if code not in statement.texts or code == statement.meta.source_language:
            raise HTTPException(404, f"{view.id} has no translation '{code}'")
        return project, statement, code

    async def events(self, request: Request) -> Response:
        hello = {"type": "hello", "session": self.session}
        return StreamingResponse(self.broadcaster.stream(hello), media_type="text/event-stream",
                                 headers={"cache-control": "no-store"})

    def _statement(self, request: Request) -> StatementView:
        view = self.preview.statement(request.path_params["statement"])
        if view is None:
            raise HTTPException(404, "no such statement is served here")
        return view

    def _document(self, view: StatementView, request: Request) -> Document:
        document = view.document(request.path_params["language"], request.path_params["name"])
        if document is None:
            raise HTTPException(404, f"{view.id} has no such document")
        return document
