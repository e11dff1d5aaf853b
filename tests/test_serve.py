"""`statement-pdf serve` without a browser: the application (Starlette's TestClient) over a real
preview of a copy of the project — real PDFs, real page images — and the safety rules.

The browser tests (test_serve_browser.py) run the server itself in Chromium.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from conftest import STATEMENT_ID, copy_project, run_cli
from statement_pdf.authoring.translations import translation_problems
from statement_pdf.errors import InputError
from statement_pdf.model import Statement
from statement_pdf.serve.app import create_app
from statement_pdf.serve.events import Broadcaster
from statement_pdf.serve.preview import Preview, Superseded
from statement_pdf.serve.safety import TOKEN_HEADER, allowed_hosts, new_token
from statement_pdf.serve.server import bind

INJECTION = '<img src="file:///etc/passwd"> <script>alert(1)</script>'
ORIGIN = "http://127.0.0.1:8000"
LANGUAGES = ["en", "fa-AF", "ps", "ur"]


class Served:
    """A preview of the press releases of a copy of the project, and a client of its app."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "data" / "statements" / STATEMENT_ID
        self.events: list[dict] = []
        self.rebuilds: list[str] = []
        self.preview = Preview(root, root / "out", [self.folder], variants=["press"],
                               notify=self.events.append)
        self.token = new_token()
        self.app = create_app(self.preview, Broadcaster(), self.token,
                              allowed_hosts("127.0.0.1"), self.rebuilds.append)
        self.client = TestClient(self.app, base_url=ORIGIN)

    def edit(self, name: str, old: str, new: str) -> Path:
        """Change the statement's file `name` as an editor would, and rebuild what it changed."""
        file = self.folder / name
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        self.preview.rebuild({file})
        return file

    def get(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, response.text
        return response.text

    def document(self, language: str) -> dict:
        state = self.client.get(f"/s/{STATEMENT_ID}/state.json").json()
        return state["documents"][f"{language}/press.pdf"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    served = Served(copy_project(tmp_path_factory.mktemp("serve")))
    served.preview.rebuild()
    return served


@pytest.fixture
def restored(served: Served) -> Iterator[Served]:
    """The served copy, with the statement's files as they were put back afterwards."""
    before = {file: file.read_bytes() for file in served.folder.glob("*.*")}
    yield served
    for file, content in before.items():
        file.write_bytes(content)
    served.preview.rebuild(set(before))


def test_the_project_page_lists_languages_statuses_and_the_manifest(served: Served) -> None:
    page = served.get("/")
    assert f'href="/s/{STATEMENT_ID}"' in page
    for native in ("English", "دری", "پښتو", "اردو"):
        assert native in page
    assert page.count('class="label label-draft"') == 3  # Dari, Pashto and Urdu: our drafts
    assert page.count('class="label label-source"') == 1
    for language in LANGUAGES:
        assert f"<code>{language}/press.pdf</code>" in page  # a row of the manifest


def test_the_statement_page_shows_every_language_as_images_of_its_pdf_pages(
        served: Served) -> None:
    page = served.get(f"/s/{STATEMENT_ID}")
    cards = re.findall(r'<article class="document" data-document="[^"]+/([^/"]+)/press.pdf"',
                       page)
    assert cards == LANGUAGES
    for language in LANGUAGES:
        document = served.document(language)
        assert document["pages"] == 2 and document["error"] is None
        image_url = f"/s/{STATEMENT_ID}/page/{language}/press.pdf/{document['sha256']}/1.png"
        assert f'src="{image_url}"' in page
        image = Image.open(BytesIO(served.client.get(image_url).content)).convert("L")
        assert image.width == 800 and abs(image.height / image.width - 297 / 210) < 0.01
        assert image.getextrema()[0] < 64, f"{language}: page 1 has no dark ink (no text?)"


def test_a_page_image_is_only_served_for_the_pdf_on_disk(served: Served) -> None:
    other_version = "0" * 64
    response = served.client.get(f"/s/{STATEMENT_ID}/page/en/press.pdf/{other_version}/1.png")
    assert response.status_code == 404
    sha = served.document("en")["sha256"]
    assert served.client.get(f"/s/{STATEMENT_ID}/page/en/press.pdf/{sha}/3.png"
                             ).status_code == 404


def test_problems_link_to_their_file_and_line(served: Served) -> None:
    page = served.get(f"/s/{STATEMENT_ID}/summary")
    link = f"/source/data/statements/{STATEMENT_ID}/ur.md#L6"
    assert f'href="{link}"' in page  # the draft warning on `status: draft`
    assert "ur.md:6:9</code></a>" in page
    source = served.get(link.split("#")[0])
    assert '<li id="L6"><code>status: draft' in source


@pytest.fixture
def link_out(served: Served) -> Iterator[None]:
    """data/leak.yaml, a link to a file outside the project, for as long as a test runs."""
    leak = served.root / "data" / "leak.yaml"
    leak.symlink_to("/etc/passwd")
    yield
    leak.unlink()


@pytest.mark.usefixtures("link_out")
@pytest.mark.parametrize("path", [
    "data/..%2f..%2f..%2f..%2f..%2fetc/passwd",
    "%2fetc%2fpasswd",
    "layouts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "assets/fonts/fonts.yaml",  # a project file, but not one a problem can be in
    "data/leak.yaml",  # a link from data/ to a file outside the project
])
def test_source_paths_are_confined_to_the_project(served: Served, path: str) -> None:
    response = served.client.get(f"/source/{path}")
    assert response.status_code == 404
    assert "root:" not in response.text


@pytest.mark.parametrize(("headers", "reason"), [
    ({}, "not from a request without an Origin"),
    ({"origin": "http://attacker.example"}, "not from http://attacker.example"),
    ({"origin": "http://localhost:8000"}, "not from http://localhost:8000"),
    ({"origin": ORIGIN}, "session token is missing"),
    ({"origin": ORIGIN, TOKEN_HEADER: "guessed"}, "session token is missing or out of date"),
])
def test_a_change_needs_this_servers_origin_and_session_token(
        served: Served, headers: dict[str, str], reason: str) -> None:
    response = served.client.post(f"/s/{STATEMENT_ID}/rebuild", headers=headers)
    assert response.status_code == 403
    assert reason in response.text
    assert served.rebuilds == []


def test_a_change_from_the_servers_own_page_is_accepted(served: Served) -> None:
    page = served.get(f"/s/{STATEMENT_ID}")
    token = re.search(r'<meta name="statement-pdf-token" content="([^"]+)">', page)[1]
    response = served.client.post(f"/s/{STATEMENT_ID}/rebuild",
                                  headers={"origin": ORIGIN, TOKEN_HEADER: token})
    assert response.status_code == 202
    assert served.rebuilds.pop() == STATEMENT_ID


def test_other_host_names_are_refused(served: Served) -> None:
    """A page on a domain that resolves to 127.0.0.1 (DNS rebinding) must not read the app."""
    response = served.client.get("/", headers={"host": "attacker.example:8000"})
    assert response.status_code == 400
    assert STATEMENT_ID not in response.text


@pytest.mark.parametrize("path", ["/", f"/s/{STATEMENT_ID}", "/source/nothing", "/fonts.css"])
def test_every_response_allows_scripts_from_this_server_only(served: Served, path: str) -> None:
    response = served.client.get(path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_pages_use_the_projects_fonts(served: Served) -> None:
    css = served.get("/fonts.css")
    assert re.search(r'\[lang="ur"\] \{ font-family: "Noto Nastaliq Urdu"', css), css
    font = re.search(r'src: url\("(/fonts/[^"]+\.ttf)"\)', css)[1]
    assert served.client.get(font).content[:4] == b"\x00\x01\x00\x00"


def test_a_failing_document_shows_its_error_over_its_last_good_pages(restored: Served) -> None:
    good = {language: restored.document(language) for language in LANGUAGES}
    restored.events.clear()
    ur = restored.edit("ur.md", "::: lead\n", "::: lead\n☃ ")
    failed = restored.document("ur")
    assert failed["sha256"] == good["ur"]["sha256"] and failed["pages"] == 2
    assert "ur.md:26:1: error: U+2603 SNOWMAN has no glyph in the Urdu fonts" in failed[
        "error"]
    card = restored.get(f"/s/{STATEMENT_ID}/card/ur/press.pdf")
    assert 'data-state="failed"' in card and 'class="pages stale"' in card
    assert f"/page/ur/press.pdf/{good['ur']['sha256']}/1.png" in card
    assert "Below, greyed: the last good version." in card
    # incremental: only the Urdu document was tried again, and only it changed
    assert {event["key"] for event in restored.events if event["type"] == "document"} == {
        "ur/press.pdf"}
    assert all(restored.document(language) == good[language] for language in LANGUAGES[:3])
    summary = restored.get(f"/s/{STATEMENT_ID}/summary")
    assert f'href="/source/{ur.relative_to(restored.root)}#L26"' in summary


def test_a_document_over_its_page_limit_is_a_problem(restored: Served) -> None:
    text = (restored.folder / "en.md").read_text(encoding="utf-8")
    body = text.split("\n:::\n\n", 1)[1].split("::: call-to-action")[0]
    restored.edit("en.md", "::: call-to-action", body + "::: call-to-action")
    assert restored.document("en")["pages"] == 3
    summary = restored.get(f"/s/{STATEMENT_ID}/summary")
    assert "press.pdf in en: 3 pages, limit 2 (page_limit in layouts/press/layout.yaml); " \
           "page 3 starts with" in summary


def test_a_newer_save_takes_over_between_two_documents(restored: Served) -> None:
    """A save while documents render stops the rebuild after the current one; the next rebuild
    renders what is left, and nothing twice."""
    en = restored.folder / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("::: lead\n", "::: lead\nNow ", 1),
                  encoding="utf-8")
    restored.events.clear()
    restored.preview.superseded = lambda: True
    try:
        with pytest.raises(Superseded):
            restored.preview.rebuild({en})
    finally:
        restored.preview.superseded = lambda: False
    rendered = [event["key"] for event in restored.events if event["type"] == "document"]
    assert rendered == ["en/press.pdf"]  # the source language first, then it gave way
    restored.events.clear()
    restored.preview.rebuild({en})
    rendered = [event["key"] for event in restored.events if event["type"] == "document"]
    assert rendered == [f"{language}/press.pdf" for language in LANGUAGES[1:]]


def test_statement_text_is_escaped_everywhere(restored: Served) -> None:
    restored.edit("en.md", "\n\n# ", f"\n\n# {INJECTION} ")
    pages = [restored.get(path) for path in (
        "/", f"/s/{STATEMENT_ID}", f"/s/{STATEMENT_ID}/card/en/press.pdf",
        f"/s/{STATEMENT_ID}/summary", f"/source/data/statements/{STATEMENT_ID}/en.md")]
    for page in pages:
        assert "<script>alert" not in page and '<img src="file:' not in page
    escaped = "&lt;img src=&#34;file:///etc/passwd&#34;&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert all(escaped in page for page in pages)
    assert "{+" + escaped + "+} Pakistan:" in pages[3]  # the translations' word diff


def test_news_reaches_each_open_page_from_the_rebuilding_thread() -> None:
    async def listen() -> list[str]:
        broadcaster = Broadcaster()
        stream = broadcaster.stream({"type": "hello"})
        received = [await anext(stream)]
        threading.Thread(target=broadcaster.publish, args=({"type": "document"},)).start()
        received.append(await anext(stream))
        broadcaster.close()
        received.extend([message async for message in stream])
        return received

    assert asyncio.run(listen()) == ['data: {"type": "hello"}\n\n',
                                     'data: {"type": "document"}\n\n']


def test_a_port_in_use_is_a_clear_error() -> None:
    taken = bind("127.0.0.1", 0)
    try:
        with pytest.raises(InputError, match="is in use by another program: choose another "
                                             "with --port"):
            bind("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


def test_serve_needs_a_statement_folder(tmp_path: Path) -> None:
    result = run_cli("serve", tmp_path)
    assert result.exit_code == 2
    assert "not a statement's folder (no statement.yaml)" in result.output


# --- translation review ----------------------------------------------------------------------

REVIEW = f"/s/{STATEMENT_ID}/review/fa-AF"


def review_base(served: Served) -> str:
    return re.search(r'data-base="([0-9a-f]{64})"', served.get(REVIEW))[1]


def change(served: Served, action: str, **fields: str) -> tuple[int, dict]:
    page = served.get(REVIEW)
    token = re.search(r'<meta name="statement-pdf-token" content="([^"]+)">', page)[1]
    response = served.client.post(f"{REVIEW}/{action}", json=fields,
                                  headers={"origin": ORIGIN, TOKEN_HEADER: token})
    return response.status_code, response.json()


def statement_now(served: Served) -> Statement:
    """The statement as it is on disk now."""
    return served.preview.load(served.folder)[1]


def test_review_shows_each_block_beside_its_source_and_what_changed(restored: Served) -> None:
    restored.edit("en.md", "in April alone", "in April and May alone")
    page = restored.get(REVIEW)
    rows = re.findall(r'<section class="row([^"]*)" data-key="([^"]+)">', page)
    assert [key for _, key in rows] == [
        "title", "lead.paragraph.1", *(f"body.paragraph.{n}" for n in range(1, 6)),
        "call-to-action.paragraph.1"]
    assert [key for classes, key in rows if "stale" in classes] == ["body.paragraph.2"]
    assert "<h2>body paragraph 2 <span" in page
    assert "in April <ins>and May</ins> alone." in page
    assert "A draft: not yet reviewed by a native speaker." in page
    assert '<textarea lang="fa-AF" dir="rtl"' in page


def test_saving_a_block_changes_that_block_alone(restored: Served) -> None:
    file = restored.folder / "fa-AF.md"
    before = file.read_text(encoding="utf-8")
    block = statement_now(restored).texts["fa-AF"].block("body.paragraph.2")
    new_text = "متن تازه با *تأکید* و 30,000 نفر."
    status, answer = change(restored, "block", base=review_base(restored),
                            key="body.paragraph.2", text=new_text)
    assert status == 200, answer
    after = file.read_text(encoding="utf-8")
    lines_before, lines_after = before.splitlines(), after.splitlines()
    assert lines_after[:block.start_line - 1] == lines_before[:block.start_line - 1]
    assert lines_after[block.start_line - 1] == new_text
    assert lines_after[block.start_line:] == lines_before[block.end_line:]
    assert answer["sha256"] == hashlib.sha256(after.encode()).hexdigest()
    assert statement_now(restored).texts["fa-AF"].block("body.paragraph.2").text == new_text
    assert f"<textarea lang=\"fa-AF\" dir=\"rtl\" spellcheck=\"true\" aria-label=\"body " \
           f"paragraph 2, Dari\">{new_text}</textarea>" in answer["html"]


def test_a_save_against_an_older_version_of_the_file_is_refused(restored: Served) -> None:
    base = review_base(restored)
    file = restored.folder / "fa-AF.md"
    edited_meanwhile = file.read_text(encoding="utf-8").replace("status: draft", "status: draft ")
    file.write_text(edited_meanwhile, encoding="utf-8")
    status, answer = change(restored, "block", base=base, key="title", text="عنوان")
    assert status == 409
    assert "fa-AF.md has changed on disk since this page was loaded" in answer["error"]
    assert file.read_text(encoding="utf-8") == edited_meanwhile


@pytest.mark.parametrize(("text", "reason"), [
    ("1. a list item", "changes the blocks of the file"),
    ("one paragraph\n\nand another", "changes the blocks of the file"),
    ("::: lead", "changes the blocks of the file"),
    ("   ", "an empty block cannot be saved"),
])
def test_a_text_that_would_change_the_files_blocks_is_refused(
        served: Served, text: str, reason: str) -> None:
    file = served.folder / "fa-AF.md"
    restored_bytes = file.read_bytes()
    status, answer = change(served, "block", base=review_base(served),
                            key="body.paragraph.3", text=text)
    assert status == 422 and reason in answer["error"], answer
    assert file.read_bytes() == restored_bytes


def test_marking_one_block_up_to_date_records_that_block_alone(restored: Served) -> None:
    restored.edit("en.md", "in April alone", "in April and May alone")
    restored.edit("en.md", "Included among those deported", "Among those deported")
    stale = {problem.line for problem in translation_problems(statement_now(restored), "fa-AF")}
    assert len(stale) == 2
    status, answer = change(restored, "current", base=review_base(restored),
                            key="body.paragraph.2")
    assert status == 200, answer
    assert 'class="row"' in answer["html"]  # no longer stale
    problems = translation_problems(statement_now(restored), "fa-AF")
    assert [problem.message.split(":")[0] for problem in problems] == [
        "body paragraph 3 is out of date"]


def test_recording_the_whole_translation_is_what_translated_does(restored: Served) -> None:
    restored.edit("en.md", "in April alone", "in April and May alone")
    status, answer = change(restored, "reviewed", base=review_base(restored))
    assert status == 200, answer
    assert translation_problems(statement_now(restored), "fa-AF") == []
    assert "out of date" not in restored.get(REVIEW)


def test_a_review_change_needs_the_session_token(served: Served) -> None:
    response = served.client.post(f"{REVIEW}/block", json={"base": "x"},
                                  headers={"origin": ORIGIN})
    assert response.status_code == 403
