"""Load the whole project (manual/ and references.bib) into a Manual plus every diagnostic, without raising."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from macros import (
    addresses,
    bibliography,
    changelog,
    citations,
    citing,
    frontmatter,
    glossary,
    inputs,
    pages,
    parsecache,
    rules,
    schema,
    symlinks,
    templates,
)
from macros.diagnostics import Diagnostic, Location, error, sort_diagnostics
from macros.model import Citation, Item, Kind, Manual, Reference
from macros.parsecache import ParseCache

MANUAL_DIR = "manual"
BIB_FILE = "references.bib"
VERSION_FILE = "VERSION"
DOCS_DIR = "docs"
CACHE_DIR = ".cache/imap"  # parse results and formatted references kept between runs (gitignored)


@dataclass(frozen=True)
class Project:
    root: Path
    manual: Manual
    diagnostics: tuple[Diagnostic, ...]


ItemResult = tuple[Item | None, tuple[Diagnostic, ...]]


@dataclass
class Caches:
    """The parse caches of one load (see macros.parsecache); without a directory they store nothing."""

    items: dict[str, ParseCache[ItemResult]]  # by item folder: an edit rewrites only its own folder's file
    references: ParseCache[tuple[bibliography.ParsedBlock, ...]]
    terms: ParseCache[glossary.GlossaryResult]
    citation: ParseCache[citing.CffChecked]  # CITATION.cff's problems (a check that imports jsonschema)

    @classmethod
    def open(cls, directory: Path | None) -> Caches:
        code = parsecache.fingerprint() if directory is not None else ""

        def at(name: str) -> Path | None:
            return directory / f"parsed-{name}.json" if directory is not None else None

        return cls(
            {kind.folder: ParseCache(at(f"items-{kind.folder}"), code) for kind in Kind},
            ParseCache(at("references"), code),
            ParseCache(at("glossary"), code),
            ParseCache(at("citation"), code),
        )

    def save(self) -> None:
        for cache in self.items.values():
            cache.save()
        self.references.save()
        self.terms.save()
        self.citation.save()


def manual_files(root: Path) -> list[Path]:
    """Every file under manual/, in the order items are loaded: every entry but folders and symbolic links (not
    followed or read: each is reported by check_inputs), so that a named pipe or a device is reported, not skipped;
    and a folder named as a page (P01.md/), which load_item reports as not a file."""
    return sorted(
        (
            p
            for p in (root / MANUAL_DIR).rglob("*")
            if not p.is_symlink() and (not p.is_dir() or p.name.endswith(".md"))
        ),
        key=str,
    )


def check_inputs(root: Path) -> list[Diagnostic]:
    """What content may not do to the build: make it read or publish a file from outside the repository (a symbolic
    link), or run template code beyond a call of a macro with literal arguments. And the inputs the loaders here
    do not parse: CITATION.cff must be a file that can be read, and addresses.txt hold addresses whose IDs follow
    the scheme (a build reads both; `make new` takes the IDs used before from the registry)."""
    return (
        symlinks.check(root)
        + templates.check_project(root)
        + pages.check(root)
        + inputs.read_input(root, citing.FILE)[1]
        + addresses.load_registry(root)[1]
    )


def item_kind(relative: str) -> Kind | None:
    """The kind of item a file under manual/ holds (by its folder), or None if it is not a manual page."""
    parts = relative.split("/")
    kind = Kind.from_folder(parts[1]) if len(parts) == 3 else None
    return kind if relative.endswith(".md") else None


def load_item(
    root: Path, path: Path, cache: ParseCache[ItemResult] | None = None
) -> tuple[Item | None, list[Diagnostic]]:
    relative = path.relative_to(root).as_posix()
    kind = item_kind(relative)
    if kind is None:
        folders = ", ".join(f"{MANUAL_DIR}/{k.folder}/" for k in Kind)
        return None, [
            error(
                Location(relative),
                "file.unexpected",
                "this file is not a manual page and would not be published",
                f"manual pages are .md files directly inside {folders}",
            )
        ]
    data, unreadable = inputs.read_input(root, relative)
    if data is None:
        return None, unreadable  # a folder, a named pipe, a file that cannot be read (or one gone since listed)
    key = parsecache.digest(relative, data)
    stored = cache.get(key) if cache is not None else None
    if stored is None:
        item, problems = _parse_item(relative, kind, data)
        stored = (item.parsed() if item is not None else None, tuple(problems))
        if cache is not None:
            cache.put(key, stored)
    return stored[0], list(stored[1])


def _parse_item(relative: str, kind: Kind, data: bytes) -> tuple[Item | None, list[Diagnostic]]:
    text, problems = frontmatter.decode(relative, data)
    if text is None:
        return None, problems
    split, problems = frontmatter.split(relative, text)
    if split is None:
        return None, problems
    node, problems = frontmatter.compose(relative, split)
    if node is None:
        return None, problems
    return schema.read_item(relative, kind, node, split.yaml_line, split.body, split.body_line)


def load_items(
    root: Path, caches: Mapping[str, ParseCache[ItemResult]] | None = None
) -> tuple[list[Item], list[Diagnostic]]:
    """Every item in manual/; with caches (by item folder), files parsed before are not parsed again."""
    items: list[Item] = []
    diagnostics: list[Diagnostic] = []
    for path in manual_files(root):
        item, problems = load_item(root, path, (caches or {}).get(path.parent.name))
        diagnostics.extend(problems)
        if item is not None:
            items.append(item)
    return items, diagnostics


def load_references(
    root: Path,
    cache: ParseCache[tuple[bibliography.ParsedBlock, ...]] | None = None,
    cache_dir: Path | None = None,
) -> tuple[dict[str, Reference], str, list[Diagnostic]]:
    """The references, the text they were read from, and every problem: the checks' own, and what the reference
    engine would read differently, drop or guess (macros.citations.problems, asked only of a file that parses)."""
    data, problems = inputs.read_input(root, BIB_FILE)
    if data is None:
        if problems or (root / BIB_FILE).is_symlink():  # a link is an error of check_inputs
            return {}, "", problems
        return {}, "", [error(Location(BIB_FILE), "bib.file", "there is no bibliography", f"add {BIB_FILE}")]
    text, problems = frontmatter.decode(BIB_FILE, data)
    if text is None:
        return {}, "", problems
    references, problems = bibliography.load(BIB_FILE, text, cache)
    if not any(d.code == "bib.parse" for d in problems):
        problems.extend(citations.problems(text, references, cache_dir))
    return references, text, problems


def load_pages(root: Path, known: Iterable[str]) -> tuple[tuple[Citation, ...], list[Diagnostic]]:
    """cite() and xref() calls in the site's own pages under docs/ (the manual itself is mounted there and
    skipped): the citations, and the cross-references to IDs not `known`."""
    found: list[Citation] = []
    problems: list[Diagnostic] = []
    known = set(known)
    docs = root / DOCS_DIR
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        relative = path.relative_to(root).as_posix()
        if relative.startswith(f"{DOCS_DIR}/{MANUAL_DIR}/") or path.is_symlink() or path.is_dir():
            continue
        data, unreadable = inputs.read_input(root, relative)
        if data is None:
            problems.extend(unreadable)
            continue
        text, undecodable = frontmatter.decode(relative, data)  # not UTF-8, or a control character in it
        problems.extend(undecodable)
        found.extend(rules.page_citations(relative, text or ""))
        problems.extend(rules.page_xrefs(relative, text or "", known))
        problems.extend(rules.page_unsafe_html(relative, templates.without_macros(text or "")))
    return tuple(found), problems


def load_changelog(root: Path) -> tuple[changelog.Changelog, list[Diagnostic]]:
    """CHANGELOG.md, when the project has one (fixture manuals need not); something else in its place is an error,
    not a project without a changelog."""
    data, problems = inputs.read_input(root, changelog.FILE)
    if data is None:
        return changelog.Changelog(), problems
    text, problems = frontmatter.decode(changelog.FILE, data)
    if text is None:
        return changelog.Changelog(), problems
    parsed, more = changelog.parse(text)
    return parsed, problems + more


# One semantic version, MAJOR.MINOR.PATCH, each part a number of at most nine digits without leading zeros.
_VERSION: Final = re.compile(r"(?:0|[1-9][0-9]{0,8})\.(?:0|[1-9][0-9]{0,8})\.(?:0|[1-9][0-9]{0,8})")
DEFAULT_VERSION: Final = "0.0.0"


def read_version(root: Path) -> str:
    """The manual's version from VERSION; 0.0.0 when the file is absent or not one version (version_problems says
    which)."""
    version, _ = _version(root)
    return version


def version_problems(root: Path) -> list[Diagnostic]:
    return _version(root)[1]


def _version(root: Path) -> tuple[str, list[Diagnostic]]:
    data = inputs.read(root / VERSION_FILE)
    if data is None:  # absent, or a symbolic link (an error of check_inputs)
        return DEFAULT_VERSION, []
    where = Location(VERSION_FILE, 1)
    if isinstance(data, inputs.Refused):
        what = data.what if data.code == "file.not-a-file" else f"unreadable ({data.what})"
        return DEFAULT_VERSION, [error(Location(VERSION_FILE, 0), "version.format", f"VERSION is {what}")]
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    value = lines[0].strip() if lines else ""
    if len(lines) > 1 and any(line.strip() for line in lines[1:]):
        return DEFAULT_VERSION, [
            error(where, "version.format", "VERSION holds more than one line", "write one version, such as 0.2.0")
        ]
    if not _VERSION.fullmatch(value):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return DEFAULT_VERSION, [
            error(
                where,
                "version.format",
                f"VERSION is {shown!r}, not one version of the form MAJOR.MINOR.PATCH",
                "write one version, such as 0.2.0",
            )
        ]
    return value, []


def load_project(root: Path, cache_dir: Path | None = None) -> Project:
    """The project and all its problems. With a cache directory, files (and bibliography entries) whose bytes have
    not changed since the last load are not parsed again."""
    caches = Caches.open(cache_dir)
    items, diagnostics = load_items(root, caches.items)
    diagnostics.extend(check_inputs(root))
    references, bibtex, bib_problems = load_references(root, caches.references, cache_dir)
    diagnostics.extend(bib_problems)
    known = [i.id for i in items] + [h.id for i in items for h in i.hypotheses]  # retired items' too
    page_citations, page_problems = load_pages(root, known)
    diagnostics.extend(page_problems)
    retired = [i for i in items if i.retired]
    items = [i for i in items if not i.retired]
    citations = rules.collect_citations(items) + page_citations
    diagnostics.extend(rules.check(items, references, citations, retired))
    terms, glossary_problems = glossary.load(root, caches.terms)
    diagnostics.extend(citing.check(root, caches.citation))
    caches.save()
    diagnostics.extend(glossary_problems)
    diagnostics.extend(glossary.check_links(terms, {i.id for i in items}))
    history, changelog_problems = load_changelog(root)
    diagnostics.extend(changelog_problems)
    diagnostics.extend(version_problems(root))
    known = [i.id for i in items + retired] + [h.id for i in items for h in i.hypotheses]
    diagnostics.extend(changelog.check(history, known))
    manual = Manual(
        items=tuple(sorted(items, key=lambda i: (i.kind.value, i.id))),
        references=dict(sorted(references.items())),
        citations=citations,
        version=read_version(root),
        glossary=terms,
        changelog=history,
        retired=tuple(sorted(retired, key=lambda i: (i.kind.value, i.id))),
        bibtex=bibtex,
    )
    return Project(root=root, manual=manual, diagnostics=tuple(sort_diagnostics(diagnostics)))
