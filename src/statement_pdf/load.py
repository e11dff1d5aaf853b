"""Stage 1: read the project's data and a statement, validate everything, report all problems.

The schema is model.py; this module adds what a schema cannot say — where each value came from
(yamlsource keeps the positions), and whether the ids that files use to refer to each other and
the files they name exist.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem, unknown
from .model import (
    Brand,
    FontRegistry,
    Language,
    Layout,
    LetterMeta,
    M,
    Organisation,
    Profile,
    Project,
    Recipient,
    Statement,
    StatementMeta,
)
from .sourcefile import outside_links
from .text.blocks import TextFile
from .text.markdown import read_text_file
from .textrules import model_text_problems, text_file_problems
from .yamlsource import YamlDocument, read_yaml, validate

PROJECT_FOLDERS = ("data", "assets", "layouts")
"""The folders of a project whose files statement-pdf reads."""


def find_project_root(start: Path) -> Path:
    """The project `start` is in, once it is known that no link in it leads outside: every
    command calls this before it opens any of the project's files."""
    for folder in [start.resolve(), *start.resolve().parents]:
        if (folder / "layouts").is_dir() and (folder / "data" / "languages").is_dir():
            if problems := outside_links(folder, _read_folders(folder, start.resolve())):
                raise InputError(problems)
            return folder
    raise InputError([Problem(start, 1, 1, "not inside a statement-pdf project "
                              "(no parent folder has layouts/ and data/languages/)")])


def _read_folders(root: Path, start: Path) -> list[Path]:
    """The project's folders, and the one a command was pointed at if it is elsewhere in the
    project (a statement kept outside data/statements/)."""
    folders = [root / name for name in PROJECT_FOLDERS]
    if start != root and start.is_dir() and not any(start.is_relative_to(folder)
                                                    for folder in folders):
        folders.append(start)
    return folders


def load_project(root: Path) -> Project:
    """The project's shared data, all of it valid, or an InputError with every problem."""
    project, problems = read_project(root)
    if problems:
        raise InputError(problems)
    return project


def read_project(root: Path) -> tuple[Project, list[Problem]]:
    """The project made of what is valid in its shared data, and the problems of the rest:
    `check` goes on to report a statement's own problems when a shared file is broken. The
    ids of entries that are there but invalid are kept in `Project.broken`, so a statement
    naming one is not told that it does not exist."""
    problems: list[Problem] = []
    broken: set[str] = set()
    data = root / "data"
    languages = _load_each(sorted((data / "languages").glob("*.yaml")), Language, problems,
                           broken, "language")
    brands = _load_each(sorted((data / "brands").glob("*.yaml")), Brand, problems, broken,
                        "brand")
    layouts = _load_each(sorted((root / "layouts").glob("*/layout.yaml")), Layout, problems)
    organisations = _load_list(data / "organisations.yaml", Organisation, problems, broken,
                               "organisation")
    fonts = _load_fonts(root / "assets" / "fonts", problems)
    profiles, profile_names = _load_profiles(data / "profiles.yaml", root / "layouts" / "profiles",
                                             problems)
    recipients = (_load_list(data / "recipients.yaml", Recipient, problems, broken, "recipient")
                  if (data / "recipients.yaml").is_file() else [])
    for document, language in languages:
        if document.file.stem != language.code:
            problems.append(document.problem(("code",), f"code '{language.code}' must match "
                                             f"the file name '{document.file.stem}.yaml'"))
    for document, language in languages:
        for role, families in language.fonts:
            problems.extend(
                document.problem(("fonts", role, index), unknown("font family", family,
                                                                 fonts.families))
                for index, family in enumerate(families) if family not in fonts.families)
    for document, index, organisation in organisations:
        _check_file(document, (index, "logo"), data, organisation.logo, problems)
    for document, brand in brands:
        _check_file(document, ("logo",), data, brand.logo, problems)
    for document, layout in layouts:
        if layout.profile not in profile_names:
            problems.append(document.problem(("profile",), unknown("profile", layout.profile,
                                                                   profile_names)))
        for key, name in [("template", layout.template),
                          *(("stylesheets", css) for css in layout.stylesheets)]:
            _check_file(document, (key,), document.file.parent, name, problems)
    if recipients:
        _check_recipient_languages(recipients[0][0], {language.code for _, language in languages},
                                   problems)
    for document, model in [*languages, *brands]:
        problems.extend(model_text_problems(document, model))
    for document, index, entry in [*organisations, *recipients]:
        problems.extend(model_text_problems(document, entry, (index,)))
    project = Project(
        root=root,
        languages={language.code: language for _, language in languages},
        organisations={organisation.id: organisation for _, _, organisation in organisations},
        brands={brand.id: brand for _, brand in brands},
        layouts={layout.variant: layout for _, layout in layouts},
        fonts=fonts,
        profiles=profiles,
        recipients={recipient.id: recipient for *_, recipient in recipients},
        documents={_data_name(data, document.file): document
                   for document, *_ in [*languages, *brands, *organisations[:1],
                                        *recipients[:1]]},
        broken=frozenset(broken),
    )
    return project, problems


def _check_recipient_languages(
    document: YamlDocument, codes: set[str], problems: list[Problem]
) -> None:
    """Each language a recipient is to receive letters in must be in the registry."""
    for index, entry in enumerate(document.data):
        languages = entry.get("languages") if isinstance(entry, dict) else None
        problems.extend(
            document.problem((index, "languages", code), unknown("language", code, codes))
            for code in (languages if isinstance(languages, dict) else {}) if code not in codes)


def entry_index(document: YamlDocument, entry_id: str) -> int:
    """The position of the entry with `entry_id` in a list file such as recipients.yaml."""
    return next(index for index, entry in enumerate(document.data)
                if isinstance(entry, dict) and entry.get("id") == entry_id)


def _data_name(data: Path, file: Path) -> str:
    return file.relative_to(data).with_suffix("").as_posix()


def _load_fonts(folder: Path, problems: list[Problem]) -> FontRegistry:
    """The registry, with every file it names present: a missing bundled font is an error here,
    never a silent fallback to whatever the machine has."""
    loaded = _load_each([folder / "fonts.yaml"], FontRegistry, problems)
    if not loaded:
        return FontRegistry(families={})
    document, registry = loaded[0]
    for name, family in registry.families.items():
        for index, face in enumerate(family.faces):
            _check_file(document, ("families", name, "faces", index, "file"), folder, face.file,
                        problems)
        _check_file(document, ("families", name, "licence"), folder, family.licence, problems)
    return registry.model_copy(update={"folder": folder})


def _load_profiles(
    file: Path, stylesheets: Path, problems: list[Problem]
) -> tuple[dict[str, Profile], dict[str, object]]:
    """The valid profiles by name, each stylesheet present under layouts/profiles/ and each
    output profile present on this machine (it comes from a system package: see the Makefile);
    and every name the file declares, so that a layout naming a broken profile is not reported
    as well."""
    document = _read(file, problems)
    if document is None:
        return {}, {}
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "expected a mapping of profile names to profiles"))
        return {}, {}
    profiles = {}
    for name, data in document.data.items():
        profile = validate(document, data, (name,), Profile, problems)
        if profile is None:
            continue
        for index, css in enumerate(profile.stylesheets):
            _check_file(document, (name, "stylesheets", index), stylesheets, css, problems)
        if profile.output_profile and not profile.output_profile.is_file():
            problems.append(document.problem((name, "output_profile"), "ICC profile not found: "
                                             f"{profile.output_profile} (run `make setup`)"))
        profiles[name] = profile
    return profiles, document.data


def load_statement(folder: Path, project: Project) -> Statement:
    """The statement in `folder`: statement.yaml plus one <language>.md per language, all
    valid, or an InputError with every problem."""
    statement, problems = read_statement(folder, project)
    if problems or statement is None:
        raise InputError(problems)
    return statement


def read_statement(folder: Path, project: Project) -> tuple[Statement | None, list[Problem]]:
    """The statement made of its valid files, and every problem: a folder whose name differs
    from the id, or a text file that does not validate, still lets `check` look at the rest.
    None when statement.yaml itself cannot be read."""
    problems: list[Problem] = []
    meta_documents = _load_each([folder / "statement.yaml"], StatementMeta, problems)
    texts = _read_texts(sorted(folder.glob("*.md")), problems)
    problems.extend(
        Problem(file, 1, 1, f"a statement's text is Markdown: write {file.stem}.yaml as "
                f"{file.stem}.md (see docs/writing.md)")
        for file in sorted(folder.glob("*.yaml")) if file.name != "statement.yaml")
    if not meta_documents:
        return None, problems
    meta_document, meta = meta_documents[0]
    _check_statement_references(meta_document, meta, project, problems)
    problems.extend(model_text_problems(meta_document, meta))
    for text in texts:
        _check_text(text, meta, project, problems)
        problems.extend(text_file_problems(text))
    texts = [text for text in texts if text.file.stem == text.language]
    if meta.source_language not in {text.language for text in texts} and not problems:
        problems.append(meta_document.problem(
            ("source_language",), f"no {meta.source_language}.md with the source text"))
    statement = Statement(
        folder=folder,
        meta=meta,
        texts={text.language: text for text in texts},
        documents={text.language: text for text in texts} | {"statement": meta_document},
    )
    return statement, problems


def _read_texts(files: list[Path], problems: list[Problem]) -> list[TextFile]:
    texts = []
    for file in files:
        try:
            texts.append(read_text_file(file))
        except InputError as error:
            problems.extend(error.problems)
    return texts


def _check_statement_references(
    document: YamlDocument, meta: StatementMeta, project: Project, problems: list[Problem]
) -> None:
    if document.file.parent.name != meta.id:
        problems.append(document.problem(("id",), f"id '{meta.id}' must match the folder name "
                                         f"'{document.file.parent.name}'"))
    references = [
        (("brand",), "brand", meta.brand, project.brands),
        (("source_language",), "language", meta.source_language, project.languages),
        *((("languages", index), "language", code, project.languages)
          for index, code in enumerate(meta.languages)),
        *((("signatories", index), "organisation", organisation, project.organisations)
          for index, organisation in enumerate(meta.signatories)),
    ]
    problems.extend(document.problem(path, unknown(kind, value, known))
                    for path, kind, value, known in references
                    if not project.has(kind, value, known))
    if meta.letter:
        _check_letter(document, meta.letter, project, problems)


def _check_letter(
    document: YamlDocument, letter: LetterMeta, project: Project, problems: list[Problem]
) -> None:
    for key, ids in (("recipients", letter.recipients), ("cc", letter.cc)):
        problems.extend(
            document.problem(("letter", key, index),
                             unknown("recipient", recipient, project.recipients))
            for index, recipient in enumerate(ids)
            if not project.has("recipient", recipient, project.recipients))
    problems.extend(
        document.problem(("letter", "signers", index, "organisation"),
                         unknown("organisation", signer.organisation, project.organisations))
        for index, signer in enumerate(letter.signers)
        if not project.has("organisation", signer.organisation, project.organisations))


def _check_text(
    text: TextFile, meta: StatementMeta, project: Project, problems: list[Problem]
) -> None:
    document = text
    if document.file.stem != text.language:
        problems.append(document.problem(("language",), f"language '{text.language}' must match "
                                         f"the file name '{document.file.stem}.md'"))
    if not project.has("language", text.language, project.languages):
        problems.append(document.problem(
            ("language",), unknown("language", text.language, project.languages)))
    is_source = text.language == meta.source_language
    if is_source != (text.status == "source"):
        expected = "'source'" if is_source else "'draft' or 'approved'"
        problems.append(document.problem(("status",), f"status must be {expected} in "
                                         f"{'the source' if is_source else 'a translation'}"))
    if is_source and text.front.translated_from is not None:
        problems.append(document.problem(("translated_from",), "translated_from belongs in "
                                         "translations, not in the source text"))


def _check_file(
    document: YamlDocument, path: tuple, base: Path, name: str, problems: list[Problem]
) -> None:
    """A file that a data file names must exist and must stay inside `base`."""
    target = (base / name).resolve()
    if not target.is_relative_to(base.resolve()):
        problems.append(document.problem(path, f"'{name}' is outside {base}"))
    elif not target.is_file():
        problems.append(document.problem(path, f"file not found: {base / name}"))


def _load_each(
    files: list[Path], model: type[M], problems: list[Problem],
    broken: set[str] | None = None, kind: str = "",
) -> list[tuple[YamlDocument, M]]:
    """One entry per file, named after the file: an invalid one is added to `broken` as
    "kind:name"."""
    loaded = []
    for file in files:
        document = _read(file, problems)
        if document is not None and (item := validate(document, document.data, (), model,
                                                       problems)):
            loaded.append((document, item))
        elif broken is not None:
            broken.add(f"{kind}:{file.stem}")
    return loaded


def _load_list(
    file: Path, model: type[M], problems: list[Problem],
    broken: set[str] | None = None, kind: str = "",
) -> list[tuple[YamlDocument, int, M]]:
    """A file holding a list of entries with unique ids; each valid entry with its index. The
    id of an invalid entry is added to `broken` as "kind:id", and "kind:*" when the file
    cannot be read as a list at all."""
    broken = set() if broken is None else broken
    document = _read(file, problems)
    if document is None or not isinstance(document.data, list):
        if document is not None:
            problems.append(document.problem((), "expected a list of entries"))
        broken.add(f"{kind}:*")
        return []
    loaded, ids = [], set()
    for index, entry in enumerate(document.data):
        item = validate(document, entry, (index,), model, problems)
        if item is None:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                broken.add(f"{kind}:{entry['id']}")
            continue
        if item.id in ids:
            problems.append(document.problem((index, "id"), f"duplicate id '{item.id}'"))
        ids.add(item.id)
        loaded.append((document, index, item))
    return loaded


def _read(file: Path, problems: list[Problem]) -> YamlDocument | None:
    try:
        return read_yaml(file)
    except InputError as error:
        problems.extend(error.problems)
        return None
