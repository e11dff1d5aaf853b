"""What every worker does, whichever executor it belongs to: make one document with a warm
renderer, and write it where it belongs.

Starting WeasyPrint and loading fonts costs far more than a press release, so a worker makes its
`Renderer` (the font configuration with the lines it has broken and drawn, the parsed
stylesheets, the image cache) and Jinja environment once and reuses them for every document it
is given. A document is made as bytes first (`Made`), then written by `deliver`: the local
pool's worker processes deliver their own documents (batch.py); a Dask worker sends the bytes
back and the client delivers them (cluster.py). Either way the PDF is written beside its target
(atomic.py) and moved into place by run.py as it records it in the manifest, and a document that
cannot be made or written is that document's failure, never the batch's.
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import interrupts
from ..atomic import write_atomically, write_partial
from ..compose import Job, compose, environment
from ..errors import InputError, Overflow, RenderError
from ..model import Project
from ..textrules import overflow_problems

if TYPE_CHECKING:
    from ..delivery.sign import Seal
    from ..render import Renderer


@dataclass(frozen=True)
class Task:
    """One document to make, with everything the worker needs and nothing it must look up."""

    job: Job
    target: Path
    fingerprint: str
    """Of the document's inputs, signing aside: the PDF's identifier comes from it."""
    emit_html: bool
    seal: Seal | None = None
    """Sign the finished PDF with it (delivery/sign.py)."""


@dataclass(frozen=True)
class Result:
    """What a worker reports of a document: small, so that a thousand of them cost nothing to
    collect."""

    index: int
    pages: int = 0
    bytes: int = 0
    sha256: str = ""
    error: str | None = None
    seconds: float = 0.0
    worker: int = 0
    peak_rss_kib: int = 0
    partial: str = ""
    """The complete PDF, written beside its target under a temporary name (atomic.py)."""
    signer: str | None = None


@dataclass(frozen=True)
class Made:
    """A document made but not yet written: its result, the PDF's bytes and, with
    --emit-html, the composed HTML's."""

    result: Result
    pdf: bytes = b""
    html: bytes | None = None


class Worker:
    """One per worker process: the warm renderer and the template environment. A long-lived
    caller (the preview server) may lend its own renderer, warm from earlier runs."""

    def __init__(self, project: Project, renderer: Renderer | None = None) -> None:
        from ..render import Renderer  # WeasyPrint loads only where something renders

        self.project = project
        self.renderer = renderer or Renderer(project.root)
        self.env = environment(project)

    def make(self, task: Task, index: int) -> Made:
        from ..profiles import render_options  # loaded with WeasyPrint by __init__

        started = time.perf_counter()
        try:
            composed = compose(self.project, task.job, self.env)
            html = composed.standalone_html().encode() if task.emit_html else None
            pdf = self.renderer.pdf([composed], **render_options(self.project, task.job),
                                    pdf_identifier=_identifier(task))
            content = sign(pdf.content, task, self.project)
        except Overflow as overflow:  # said where the words are, as `check` says it
            located = overflow_problems(task.job.statement, task.job.language, overflow.words)
            return Made(Result(index, error=str(InputError(located)), **_measure(started)))
        except (InputError, RenderError) as error:
            return Made(Result(index, error=str(error), **_measure(started)))
        except Exception as error:  # one document's bug must not stop the batch
            if interrupts.received():  # an interrupt that came out as another exception
                raise
            return Made(Result(index, error=f"internal error, please report it: "
                               f"{type(error).__name__}: {error}", **_measure(started)))
        digest = hashlib.sha256(content).hexdigest()
        return Made(Result(index, pdf.pages, len(content), digest, **_measure(started),
                           signer=task.seal.signer if task.seal else None), content, html)



def sign(pdf: bytes, task: Task, project: Project) -> bytes:
    """Signed after the document is final, as an incremental update (delivery/sign.py). The
    local workers sign as they make each document; on a cluster the client signs what comes
    back, so that the key never leaves the machine the build runs on."""
    if task.seal is None:
        return pdf
    return task.seal.sign(pdf, project.layouts[task.job.variant].signature_field,
                          project.fonts)


def deliver(made: Made, target: Path) -> Result:
    """Write a made document (its HTML first, so that a PDF never stands without the HTML it
    was asked with) and say how it went: a file that cannot be written (a full disk) fails that
    document. The PDF is left beside its target for run.py to move into place."""
    if made.result.error:
        return made.result
    try:
        if made.html is not None:
            write_atomically(target.with_suffix(".html"), made.html)
        partial = write_partial(target, made.pdf)
    except OSError as error:
        return replace(made.result, error=cannot_write(target, error))
    return replace(made.result, partial=str(partial))


def cannot_write(target: Path, error: OSError) -> str:
    """What went wrong writing `target`, and what to do about it."""
    reason = error.strerror or str(error)
    fix = {errno.ENOSPC: "free some space on that disk or build into another --out",
           errno.EDQUOT: "free some space within your quota or build into another --out",
           errno.EROFS: "build into a folder you can write to (--out)",
           errno.EACCES: "build into a folder you can write to (--out)",
           errno.EPERM: "build into a folder you can write to (--out)",
           errno.ENOTDIR: "--out and the folders in it must be folders, not files",
           errno.EEXIST: "--out and the folders in it must be folders, not files"}.get(
        error.errno, "check the output folder")
    return f"could not write {error.filename or target}: {reason}; {fix}"


def _identifier(task: Task) -> bytes:
    """The same inputs must give the same bytes: the PDF's identifier (which PDF/A requires)
    comes from the fingerprint of the inputs, not from chance."""
    return bytes.fromhex(task.fingerprint[:32])


def _measure(started: float) -> dict[str, Any]:
    return {"seconds": time.perf_counter() - started, "worker": os.getpid(),
            "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
