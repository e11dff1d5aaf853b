"""How soon `statement-pdf serve` shows a saved edit, against rebuilding by hand:

    .venv/bin/python benchmarks/serve.py [--repeat 3] [--json FILE]

The server runs as a user starts it (`statement-pdf serve … --variant press`, on a copy of the
project). For each language, `--repeat` times: one word of its lead is changed and the file
saved; measured are the time until the server's event stream announces the new press release
(what makes an open page fetch it), and until its first page's image has been fetched.
Alternating with those, the same edit is made by hand the way one would without the server:
`statement-pdf build --lang L --variant press` in a fresh process. The medians of each, side by
side, and their ratio. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from run import machine, pace

ROOT = Path(__file__).resolve().parents[1]
STATEMENT_ID = "2025-05-28-pakistan-afghan-deportations"
LANGUAGES = ["en", "fa-AF", "ps", "ur"]
BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    results: dict[str, object] = {"machine": machine(), "pace_at_start": pace()}
    with tempfile.TemporaryDirectory(prefix="statement-pdf-bench-serve-") as scratch:
        root = Path(scratch)
        for folder in ("data", "layouts", "assets"):
            shutil.copytree(ROOT / folder, root / folder)
        server = Server(root)
        try:
            results |= measure(server, args.repeat)
        finally:
            server.stop()
    results["pace_at_end"] = pace()
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "data" / "statements" / STATEMENT_ID
        self.process = subprocess.Popen(
            [BIN / "statement-pdf", "serve", self.folder, "--port", "0", "--variant", "press",
             "--out", "out"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", self.process.stdout.readline())
        self.port = int(match[1])
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        while self.get_json(f"/s/{STATEMENT_ID}/state.json")["building"]:
            time.sleep(0.2)

    def get(self, path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", path)
        body = connection.getresponse().read()
        connection.close()
        return body

    def get_json(self, path: str) -> dict:
        return json.loads(self.get(path))

    def _listen(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port)
        connection.request("GET", "/events")
        response = connection.getresponse()
        for line in response:
            if line.startswith(b"data: "):
                self.events.put((time.perf_counter(), json.loads(line[6:])))

    def wait_for(self, key: str, timeout: float = 120) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            moment, event = self.events.get(timeout=deadline - time.perf_counter())
            if event.get("type") == "document" and event["key"] == key:
                return moment

    def stop(self) -> None:
        self.process.send_signal(2)
        self.process.wait(60)


def measure(server: Server, repeat: int) -> dict[str, object]:
    by_language: dict[str, dict[str, list[float]]] = {}
    edits = 0
    for _ in range(repeat):
        for language in LANGUAGES:
            edits += 1
            file = server.folder / f"{language}.md"
            original = file.read_text(encoding="utf-8")
            times = by_language.setdefault(language, {"event": [], "image": [], "build": []})
            while not server.events.empty():
                server.events.get()
            saved = time.perf_counter()
            file.write_text(original.replace("::: lead\n", f"::: lead\nEdit{edits} ", 1),
                            encoding="utf-8")
            announced = server.wait_for(f"{language}/press.pdf")
            document = server.get_json(f"/s/{STATEMENT_ID}/state.json")["documents"][
                f"{language}/press.pdf"]
            server.get(f"/s/{STATEMENT_ID}/page/{language}/press.pdf/{document['sha256']}/1.png")
            times["event"].append(announced - saved)
            times["image"].append(time.perf_counter() - saved)
            time.sleep(1)  # let the server finish what else the edit touched (en: every language)
            times["build"].append(by_hand(server.root, language))
    report = {}
    for language, times in by_language.items():
        report[language] = {name: round(statistics.median(values), 3)
                            for name, values in times.items()}
        report[language]["image_worst"] = round(max(times["image"]), 3)
        report[language]["build_over_serve"] = round(
            report[language]["build"] / report[language]["image"], 1)
    return {"refresh_seconds_median": report}


def by_hand(root: Path, language: str) -> float:
    started = time.perf_counter()
    subprocess.run([BIN / "statement-pdf", "build", root / "data" / "statements" / STATEMENT_ID,
                    "--lang", language, "--variant", "press", "--out", root / "by-hand",
                    "--force", "--quiet"], check=True, cwd=root)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
