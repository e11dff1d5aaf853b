"""`statement-pdf serve` in a real browser: Debian's Chromium, headless, driven by Playwright.

The server is the command a user runs, started once for the module on a copy of the project
(press releases only, to keep the renders few); one browser serves every test. Time bounds are
generous on purpose: these tests say *that* a page updates by itself, the benchmark says how fast
(benchmarks/serve.py).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from conftest import STATEMENT_ID, copy_project

CHROMIUM = "/usr/bin/chromium"  # Debian's package (Makefile); Playwright never downloads one
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LANGUAGES = ["en", "fa-AF", "ps", "ur"]
WAIT_MS = 60_000
"""How long a page may take to show a change here, on a machine shared with other work."""
INJECTION = '<img src="file:///etc/passwd"> <script>alert(1)</script>'


class Server:
    """`statement-pdf serve` running in its own process, and what it printed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "data" / "statements" / STATEMENT_ID
        self.log = root / "serve.log"
        command = [str(Path(sys.executable).parent / "statement-pdf"), "serve",
                   str(self.folder), "--port", "0", "--variant", "press", "--out", "out"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE,
                                            stderr=log, text=True)
        announced = self.process.stdout.readline()
        match = re.search(r" at (http://127\.0\.0\.1:\d+/)s/", announced)
        assert match, f"no address in {announced!r}; log: {self.log.read_text()}"
        self.url = match[1]
        self.statement_url = f"{self.url}s/{STATEMENT_ID}"

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.statement_url}/state.json", timeout=10) as response:
            return json.load(response)

    def wait_until_built(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if not state["building"] and all(
                    document["sha256"] for document in state["documents"].values()):
                return
            time.sleep(0.2)
        raise AssertionError(f"not built after {timeout} s: {self.log.read_text()}")

    def edit(self, name: str, old: str, new: str) -> None:
        file = self.folder / name
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(copy_project(tmp_path_factory.mktemp("serve-browser")))
    try:
        server.wait_until_built()
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1600, "height": 1000})
        yield context
        context.close()


@pytest.fixture
def page(browser: BrowserContext, server: Server) -> Iterator[Page]:
    page = browser.new_page()
    page.goto(server.statement_url)
    page.wait_for_selector("#connection[data-state=live]", timeout=WAIT_MS)
    yield page
    page.close()


def card(language: str) -> str:
    return f'article[data-document$="/{language}/press.pdf"]'


def test_every_language_is_shown_side_by_side_as_its_pdf_pages(page: Page) -> None:
    cards = page.locator("article.document")
    assert cards.evaluate_all("cards => cards.map(card => card.dataset.language)") == LANGUAGES
    boxes = [cards.nth(index).bounding_box() for index in range(4)]
    assert len({round(box["y"]) for box in boxes}) == 1, "not side by side"
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)
    for language in LANGUAGES:
        images = page.locator(f"{card(language)} .pages img")
        assert images.count() == 2
        images.first.scroll_into_view_if_needed()
        width, height = images.first.evaluate(
            "image => image.decode().then(() => [image.naturalWidth, image.naturalHeight])")
        assert width == 800 and abs(height / width - 297 / 210) < 0.01, language


def test_a_saved_edit_shows_without_reloading_the_page(page: Page, server: Server) -> None:
    page.evaluate("() => { window.sameDocument = true; }")
    image = page.locator(f"{card('en')} .pages img").first
    before = image.get_attribute("src")
    server.edit("en.md", "::: lead\n", "::: lead\nToday, a changed lead paragraph.\n")
    page.wait_for_function(
        """([selector, before]) => {
            const image = document.querySelector(selector);
            return image && image.getAttribute("src") !== before && image.complete
                && image.naturalWidth > 0;
        }""", arg=[f"{card('en')} .pages img", before], timeout=WAIT_MS)
    assert page.evaluate("() => window.sameDocument") is True, "the page was reloaded"
    old, new = (page.request.get(server.url + src.lstrip("/")).body()
                for src in (before, image.get_attribute("src")))
    assert old != new
    # the translations are now behind the source, and the summary says so by itself
    page.wait_for_function("() => document.querySelectorAll('.summary .label-out-of-date')"
                           ".length === 3", timeout=WAIT_MS)
    assert re.search(r"rendered en/press\.pdf \(2 pages\) in \d+\.\d\d s",
                     server.log.read_text())


def test_a_failing_document_shows_its_error_over_its_last_good_pages_greyed(
        page: Page, server: Server) -> None:
    original = (server.folder / "ur.md").read_text(encoding="utf-8")
    server.edit("ur.md", "::: lead\n", "::: lead\n☃ ")
    try:
        failed = page.wait_for_selector(f"{card('ur')}[data-state=failed]", timeout=WAIT_MS)
        assert "ur.md:26:1: error: U+2603 SNOWMAN has no glyph" in failed.inner_text()
        greyed = page.locator(f"{card('ur')} .pages.stale img").first
        assert "grayscale(1)" in greyed.evaluate("image => getComputedStyle(image).filter")
        assert page.locator(f"{card('en')}[data-state=made]").count() == 1
    finally:
        (server.folder / "ur.md").write_text(original, encoding="utf-8")
    page.wait_for_selector(f"{card('ur')}[data-state=made]", timeout=WAIT_MS)
    assert page.locator(f"{card('ur')} .pages.stale").count() == 0


def test_statement_text_shows_as_text(page: Page, server: Server) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    server.edit("en.md", "\n\n# ", f"\n\n# {INJECTION} ")
    title = f"{card('en')} .title"
    page.wait_for_function("selector => document.querySelector(selector).textContent"
                           ".includes('<script>')", arg=title, timeout=WAIT_MS)
    assert INJECTION in page.locator(title).inner_text()
    page.reload()
    assert INJECTION in page.locator(f"{card('en')} .title").inner_text()
    assert page.locator("script").count() == 1  # preview.js, nothing from the statement
    assert page.locator("img[src^='file:']").count() == 0
    assert dialogs == []


def test_a_translator_fixes_and_approves_a_stale_dari_paragraph(
        browser: BrowserContext, server: Server) -> None:
    server.edit("en.md", "in April alone", "in April and May alone")
    dari = server.folder / "fa-AF.md"
    before = dari.read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto(f"{server.statement_url}/review/fa-AF")
        row = page.locator(".row[data-key='body.paragraph.2']")
        assert "stale" in row.get_attribute("class")
        assert row.locator(".changes ins").inner_text() == "and May"
        text = row.locator("textarea")
        text.fill(text.input_value().replace("ماه اپریل", "ماه‌های اپریل و می"))
        row.locator("button[data-review-action=block]").click()
        page.wait_for_selector(".row[data-key='body.paragraph.2'] "
                               ".post-status[data-state=saved]", timeout=WAIT_MS)
        after = dari.read_text(encoding="utf-8")
        changed = [number for number, (old, new) in enumerate(zip(
            before.splitlines(), after.splitlines(), strict=True), start=1) if old != new]
        assert changed == [39]  # the paragraph's last line, where the month is; nothing else
        assert "ماه‌های اپریل و می" in after.splitlines()[38]
        page.locator(".row[data-key='body.paragraph.2'] "
                     "button[data-review-action=current]").click()
        page.wait_for_selector(".row[data-key='body.paragraph.2']:not(.stale)", timeout=WAIT_MS)
        # the lead changed in an earlier test: the rest of the translation is recorded whole
        with page.expect_navigation():
            page.locator("button[data-review-action=reviewed]").click()
        assert page.locator(".row.stale").count() == 0
        # someone else saves the file: the page says so before a save of its own is refused
        assert page.locator(".changed-on-disk").is_hidden()
        server.edit("fa-AF.md", "status: draft", "status: draft ")
        page.wait_for_selector(".changed-on-disk", state="visible", timeout=WAIT_MS)
        page.goto(server.statement_url)
        page.wait_for_function(
            """() => [...document.querySelectorAll('.summary tr')].some(row =>
                row.textContent.includes('fa-AF') && !row.querySelector('.label-out-of-date'))""",
            timeout=WAIT_MS)
    finally:
        page.close()


@pytest.fixture
def other_origin() -> Iterator[str]:
    """A page on another origin of this machine (another port of 127.0.0.1) that posts a form
    to the preview server, as a malicious page would."""
    class Attacker(BaseHTTPRequestHandler):
        target = ""

        def do_GET(self) -> None:
            body = (f'<form method="post" action="{self.target}"><input name="x" value="1">'
                    "</form><script>document.forms[0].submit()</script>").encode()
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        yield Attacker, f"http://127.0.0.1:{attacker.server_address[1]}/"
    finally:
        attacker.shutdown()
        attacker.server_close()


def test_a_post_from_another_origin_is_refused(browser: BrowserContext, server: Server,
                                               other_origin: tuple) -> None:
    handler, address = other_origin
    handler.target = f"{server.statement_url}/rebuild"
    page = browser.new_page()
    try:
        with page.expect_response(handler.target, timeout=WAIT_MS) as answer:
            page.goto(address)
        assert answer.value.status == 403
        assert f"not from {address.rstrip('/')}" in answer.value.text()
    finally:
        page.close()


@pytest.mark.parametrize("path", ["source/data/..%2f..%2f..%2f..%2f..%2fetc/passwd",
                                  "source/../../../../etc/passwd"])
def test_a_path_out_of_the_project_is_refused(browser: BrowserContext, server: Server,
                                              path: str) -> None:
    page = browser.new_page()
    try:
        response = page.goto(server.url + path)
        assert response.status == 404
        assert "root:" not in page.content()
    finally:
        page.close()


def test_ctrl_c_stops_the_server_cleanly(server: Server) -> None:
    """Last: it stops the module's server."""
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=60) == 0
    log = server.log.read_text()
    assert "Traceback" not in log and re.search(r"stopped after \d+ s", log), log
    assert not list((server.root / "out").rglob("*.part"))
