"""What is on disk, and what it was made from: `OUT/<statement-id>/manifest.json`.

A rebuild minutes before an embargo must redo only what changed. Each output is recorded with a
fingerprint of everything that can change its bytes — the statement's own files, the one
translation it prints and the source text (translations are made from it, and archive PDFs
attach it), the language's registry entry, its layout, the shared data (brands, organisations,
logos, recipients: only the entries the document names, see _shared_data), the bundled assets,
the code (with the Pango and HarfBuzz that shape the text) and options — so that editing one
translation rebuilds that language only, adding or editing an organisation rebuilds only the
statements that list it, and editing a layout (or a profile's stylesheet, or the print
condition's ICC profile) rebuilds what uses it.

The inputs are found by rule, not listed by hand, so a new kind of data file is picked up
without touching this module: of the registries read entry by entry (brands, organisations,
recipients, profiles) a document depends on the entries it names and the files they name;
every other file under data/ except the statements and the language registry is shared; a
statement's files named after one of its languages (`ur.md`, `translated-from/ur.md`) are that
language's, all its other files are the statement's; a layout is its folder plus the files the
layouts share at the top of layouts/.

The manifest must never claim more than is true: it is written atomically, entries whose file is
missing or whose bytes differ are dropped before it is trusted or written, and the entry of a
file about to be replaced is withheld from it meanwhile (see publish.run).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import PARTIAL_SUFFIX, write_atomically
from ..compose import Job, job_profile, profile_name
from ..model import Project

MANIFEST_NAME = "manifest.json"
_NOT_SHARED = {"statements", "languages"}
"""Folders of data/ that belong to one statement or one language, not to every document."""


@dataclass(frozen=True)
class Entry:
    """One output file as it is on disk, and the inputs it was made from."""

    fingerprint: str
    inputs: dict[str, Any]
    sha256: str
    pages: int
    bytes: int
    language: str
    variant: str
    recipient: str | None
    paper: str
    signer: str | None = None
    """The signing certificate's subject when the file is signed (sha256 is the signed
    file's)."""
    statement: str | None = None
    """The statement's folder as the build found it: where `inspect` finds what the document
    shows (readback.py). Not an input: moving a project does not change its documents."""


def inputs_of(project: Project, job: Job, known: dict[tuple, str] | None = None) -> dict[str, Any]:
    """The digests of every input of `job`, by kind (kept in the manifest so a person can see
    which kind of input changed).

    `known` keeps the digests of one run: the documents of a batch share most of their inputs,
    and listing and hashing the same folders again for each of a thousand letters took seconds
    before the first one could start."""
    root, texts, known = project.root, job.statement.texts, {} if known is None else known
    statement_files = _files(job.statement.folder)

    def digest(key: tuple, paths: Callable[[], Iterable[Path]]) -> str:
        if key not in known:
            known[key] = _digest_files(root, paths())
        return known[key]

    def of_language(code: str) -> str:
        """A language's files: its text, and whatever is kept per language beside it (such as
        translated-from/<code>.md)."""
        return digest(("language files", job.statement.folder, code),
                      lambda: (path for path in statement_files if path.stem == code))

    data, profile = project.data_dir, job_profile(project, job)
    return {
        "statement": digest(("statement", job.statement.folder),
                            lambda: (path for path in statement_files if path.stem not in texts)),
        "translation": of_language(job.language),
        "source_text": of_language(job.statement.meta.source_language),
        "language": digest(("language", job.language),
                           lambda: [data / "languages" / f"{job.language}.yaml"]),
        "layout": digest(("layout", job.variant),
                         lambda: [*_files(root / "layouts", recursive=False),
                                  *_files(project.layout_dir(job.variant))]),
        "profile": digest(("profile", profile_name(project, job)), lambda: [
            project.profile_stylesheet_dir / css for css in profile.stylesheets]),
        "output_condition": profile.output_profile and _current_sha256(profile.output_profile),
        "shared_data": _shared_data(project, job, known, digest),
        "assets": digest(("assets",), lambda: _files(root / "assets")),
        "software": _software(),
        "options": {**{field.name: getattr(job, field.name) for field in fields(job)
                       if field.name != "statement"},
                    "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH")},
    }


def _shared_data(project: Project, job: Job, known: dict[tuple, str],
                 digest: Callable[[tuple, Callable[[], Iterable[Path]]], str]) -> str:
    """The shared data the document is made from, found by rule: of the registries (entries
    with ids, or one file per entry), only the entries it names — its brand, its signatories
    and its signers' organisations, the office it is addressed to and those copied, its
    output profile — with the files they name (logos); and every other file under data/,
    which no entry names, as shared by all. Adding or editing an organisation rebuilds only
    the statements that list it."""
    statement, letter = job.statement, job.statement.meta.letter
    key = ("shared data", statement.folder, job.recipient, profile_name(project, job))
    if key in known:
        return known[key]
    organisations = list(dict.fromkeys([
        *statement.meta.signatories,
        *(signer.organisation for signer in (letter.signers if letter else []))]))
    recipients = list(dict.fromkeys([job.recipient, *letter.cc])) if (
        job.recipient and letter) else []
    brand = project.brands[statement.meta.brand]
    named = [project.data_dir / brand.logo,
             *(project.data_dir / project.organisations[org_id].logo for org_id in organisations)]
    used = {
        "brand": project.documents[f"brands/{brand.id}"].data,
        "organisations": _entries(project, "organisations", organisations),
        "recipients": _entries(project, "recipients", recipients),
        "profile": job_profile(project, job).model_dump(mode="json"),
        "named_files": _digest_files(project.root, named),
        "other_files": digest(("other shared data",), lambda: _unnamed_files(project)),
    }
    known[key] = fingerprint(used)
    return known[key]


def _entries(project: Project, registry: str, ids: list[str]) -> dict[str, Any]:
    """The entries of a list registry (organisations.yaml) with these ids, as written."""
    document = project.documents.get(registry)
    entries = {entry.get("id"): entry for entry in (document.data if document else [])
               if isinstance(entry, dict)}
    return {entry_id: entries.get(entry_id) for entry_id in ids}


def _unnamed_files(project: Project) -> list[Path]:
    """The files under data/ that are neither a statement's nor a language's, nor a registry
    file read entry by entry, nor a file an entry names (a logo)."""
    data = project.data_dir
    registries = {document.file.resolve() for document in project.documents.values()}
    registries.add((data / "profiles.yaml").resolve())
    named = {(data / entry.logo).resolve()
             for entry in [*project.organisations.values(), *project.brands.values()]}
    return [path for child in sorted(data.iterdir()) if child.name not in _NOT_SHARED
            for path in (_files(child) if child.is_dir() else [child])
            if path.resolve() not in registries | named]


def fingerprint(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Manifest:
    """The entries of one statement's output folder, keyed by path relative to that folder."""

    def __init__(self, folder: Path, statement_id: str) -> None:
        self.folder = folder
        self.statement_id = statement_id
        self.entries: dict[str, Entry] = {}
        self.withheld: dict[str, Entry] = {}
        """Entries of files about to be replaced, kept out of the manifest meanwhile."""

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @classmethod
    def load(cls, folder: Path, statement_id: str) -> Manifest:
        """The recorded entries that are still true on disk; an unreadable manifest (hand
        edits, another version) only costs a rebuild, so it is ignored rather than fatal."""
        manifest = cls(folder, statement_id)
        try:
            recorded = json.loads(manifest.path.read_text(encoding="utf-8"))["documents"]
            manifest.entries = {name: Entry(**fields) for name, fields in recorded.items()}
        except (OSError, ValueError, KeyError, TypeError):
            manifest.entries = {}
        manifest.drop_untrue()
        return manifest

    def key(self, target: Path) -> str:
        return target.relative_to(self.folder).as_posix()

    def is_current(self, target: Path, fingerprint_: str) -> bool:
        entry = self.entries.get(self.key(target))
        return entry is not None and entry.fingerprint == fingerprint_

    def record(self, target: Path, entry: Entry) -> None:
        self.entries[self.key(target)] = entry

    def withhold(self, target: Path) -> bool:
        """Leave the entry of `target` out of the manifest while the file is replaced: a run
        killed outright after the new file took its place must not leave the old entry
        claiming it. True if there was an entry to withhold."""
        if (entry := self.entries.pop(self.key(target), None)) is None:
            return False
        self.withheld[self.key(target)] = entry
        return True

    def restore_withheld(self) -> None:
        """Put back what was withheld and not replaced (a document that failed or was never
        made); `save` keeps only entries whose file is still as recorded."""
        for name, entry in self.withheld.items():
            self.entries.setdefault(name, entry)
        self.withheld = {}

    def drop_untrue(self) -> None:
        """Forget outputs that were deleted, or replaced by a run that was killed before it
        could record them."""
        self.entries = {name: entry for name, entry in self.entries.items()
                        if _current_sha256(self.folder / name) == entry.sha256}

    def save(self) -> None:
        """Write the entries that are true now (an unchanged manifest is left untouched)."""
        self.drop_untrue()
        document = {"statement": self.statement_id, "generator": f"statement-pdf {__version__}",
                    "documents": {name: _as_dict(entry)
                                  for name, entry in sorted(self.entries.items())}}
        content = (json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n").encode()
        if not self.path.is_file() or self.path.read_bytes() != content:
            write_atomically(self.path, content)


def recorded(pdf: Path) -> Entry | None:
    """The manifest's entry for a PDF in a build's output (OUT/<id>/<lang>/<file>.pdf), if its
    bytes are the ones recorded."""
    for folder in pdf.resolve().parents:
        if (folder / MANIFEST_NAME).is_file():
            manifest = Manifest.load(folder, folder.name)
            return manifest.entries.get(manifest.key(pdf.resolve()))
    return None


def _as_dict(entry: Entry) -> dict[str, Any]:
    """The entry's fields as they are (`dataclasses.asdict` deep-copies every nested dict, which
    cost a third of the parent's time in a thousand-letter run, where the manifest is rewritten
    every second)."""
    return {field.name: getattr(entry, field.name) for field in fields(entry)}


def remove_partial_files(folder: Path) -> list[Path]:
    """Temporary files left by a run that was killed outright (SIGKILL leaves no chance to
    clean up); they are never a finished document."""
    partial = sorted(folder.rglob(f".*{PARTIAL_SUFFIX}")) if folder.is_dir() else []
    for path in partial:
        path.unlink(missing_ok=True)
    return partial


def _files(folder: Path, recursive: bool = True) -> list[Path]:
    candidates = folder.rglob("*") if recursive else folder.glob("*")
    return sorted(path for path in candidates if path.is_file() and "__pycache__" not in path.parts)


def _digest_files(root: Path, paths: Iterable[Path]) -> str:
    """One digest over the files' names and contents; names are relative to `root` so the
    same inputs give the same fingerprint in any checkout."""
    digest, root = hashlib.sha256(), root.resolve()
    for path in sorted(path.resolve() for path in paths):
        if not path.name.startswith(".") and (content := _current_sha256(path)):
            digest.update(f"{path.relative_to(root).as_posix()}\0{content}\0".encode())
    return digest.hexdigest()


def _current_sha256(path: Path) -> str | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return _cached_sha256(path, stat.st_mtime_ns, stat.st_size)


@cache
def _cached_sha256(path: Path, mtime_ns: int, size: int) -> str:
    """Each file is read once per process, however many documents use it (the modification
    time and size are part of the key, so an edit between runs is seen)."""
    return file_sha256(path)


@cache
def _software() -> dict[str, str]:
    """Versions, and a digest of this package's code, so that a development change to the
    pipeline cannot leave documents made by the old code marked as current (every module of
    the package, its subpackages' too)."""
    package = Path(__file__).parents[1]
    return {"statement-pdf": __version__, "weasyprint": version("weasyprint"),
            "pydyf": version("pydyf"), **_shaping_libraries(),
            "code": _digest_files(package, package.rglob("*.py"))}


SHAPING_LIBRARIES = {"pango": ("libpango-1.0.so.0", "pango_version_string"),
                     "harfbuzz": ("libharfbuzz.so.0", "hb_version_string")}


def _shaping_libraries() -> dict[str, str]:
    """Pango and HarfBuzz place the glyphs, so a system upgrade of either can move them: their
    versions are inputs too. Asked with ctypes (a few milliseconds), not through WeasyPrint,
    which a rebuild with nothing to do never loads; "unknown" where the library has another
    name than on Debian."""
    versions = {}
    for name, (library, function) in SHAPING_LIBRARIES.items():
        try:
            version_string = getattr(ctypes.CDLL(library), function)
        except (OSError, AttributeError):
            versions[name] = "unknown"
            continue
        version_string.restype = ctypes.c_char_p
        versions[name] = version_string().decode()
    return versions
