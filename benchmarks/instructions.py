"""What an engine patch costs in instructions, counted by Valgrind's callgrind: the same kind of
letter rendered in one warm process with the whole engine and without the patch, which no other
work on the machine disturbs (time is only comparable within a minute of a shared machine; the
count of instructions is the same on a busy one):

    .venv/bin/python benchmarks/instructions.py [--without textlayer] [--language ur] [--letters 3]

A mail merge of generated letters (`synthetic.py`) is rendered in one process under callgrind,
counting only four stretches of it, each `--letters` letters that no stretch rendered before
(each pays for its own new lines, the reference and the address): whole engine, without the
patch, without it, whole engine — after three letters of each to warm both up, and a garbage
collection before each stretch. Needs valgrind and a C compiler (the stretches are marked with
callgrind's client requests, from a small library built here). About five minutes for three
Urdu letters: valgrind runs Python some fifty times slower.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRETCHES = ("whole engine", "without", "without", "whole engine")
CLIENT_REQUESTS = """#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_START_INSTRUMENTATION; }
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--without", default="textlayer", help="the engine patch to count")
    parser.add_argument("--language", default="ur")
    parser.add_argument("--letters", type=int, default=3, help="letters in each stretch")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return count_in_this_process(args)
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as scratch:
        work = Path(scratch)
        library = work / "requests.so"
        (work / "requests.c").write_text(CLIENT_REQUESTS)
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", library, work / "requests.c"],
                       check=True)
        subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                        f"--callgrind-out-file={work}/counted.%p", sys.executable, __file__,
                        "--child", work, "--without", args.without, "--language",
                        args.language, "--letters", str(args.letters)],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        counted = [_summary(path) for path in sorted(work.glob("counted.*.*"),
                                                     key=lambda path: int(path.suffix[1:]))]
    per_letter = {side: [round(n / args.letters / 1e6, 2) for n, name in zip(
        counted, STRETCHES, strict=True) if name == side] for side in dict.fromkeys(STRETCHES)}
    whole, without = (min(values) for values in per_letter.values())
    print(json.dumps({"language": args.language, "letters_per_stretch": args.letters,
                      "millions_of_instructions_per_letter": per_letter,
                      "whole_over_without": round(whole / without, 4)}, indent=2))


def count_in_this_process(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import importlib

    from synthetic import generate_mail_merge

    from statement_pdf import engine
    from statement_pdf.compose import compose
    from statement_pdf.load import load_project, load_statement
    from statement_pdf.profiles import render_options
    from statement_pdf.publish import plan
    from statement_pdf.render import Renderer

    requests = ctypes.CDLL(str(args.child / "requests.so"))
    patch = importlib.import_module(f"statement_pdf.engine.{args.without}")
    needed = 2 * (3 + len(STRETCHES) * args.letters)  # two languages
    statement, _ = generate_mail_merge(ROOT, args.child / "merge", needed)
    project = load_project(args.child / "merge")
    jobs = [job for job in plan(project, load_statement(statement, project),
                                variants=["letter"]) if job.language == args.language]
    renderer = Renderer(args.child / "merge")

    def render(job: object, side: str) -> None:
        if side == "without":
            with engine.plain(patch):
                renderer.render(compose(project, job), args.child / "letter.pdf",
                                **render_options(project, job))
        else:
            renderer.render(compose(project, job), args.child / "letter.pdf",
                            **render_options(project, job))

    for job in jobs[:3]:
        render(job, "whole engine")
        render(job, "without")
    requests.start()
    for index, side in enumerate(STRETCHES):
        gc.collect()
        requests.zero()
        for job in jobs[3 + index * args.letters:3 + (index + 1) * args.letters]:
            render(job, side)
        requests.dump(side.encode())


def _summary(path: Path) -> int:
    return int(re.search(r"^summary: (\d+)", path.read_text(), re.MULTILINE).group(1))


if __name__ == "__main__":
    main()
