"""Load the whole project (manual/ and references.bib) into a Manual plus every diagnostic, without raising."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from imap.checking import citation_rules, page_templates, rules, site_pages
from imap.citing import citation_file, citeproc
from imap.model.diagnostics import Diagnostic, Location, error, sort_diagnostics
from imap.model.items import Citation, Kind, Reference
from imap.model.manual import Manual
from imap.reading import addresses, bibliography, changelog, frontmatter, glossary, inputs, parsecache, symlinks
from imap.reading.manual_files import (
    BIB_FILE,
    DOCS_DIR,
    MANUAL_DIR,
    ItemResult,
    load_changelog,
    load_items,
    read_version,
    version_problems,
)
from imap.reading.parsecache import ParseCache


@dataclass(frozen=True)
class Project:
    root: Path
    manual: Manual
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class Caches:
    """The parse caches of one load (see imap.reading.parsecache); without a directory they store nothing."""

    items: dict[str, ParseCache[ItemResult]]  # by item folder: an edit rewrites only its own folder's file
    references: ParseCache[tuple[bibliography.ParsedBlock, ...]]
    terms: ParseCache[glossary.GlossaryResult]
    citation: ParseCache[citation_file.CffChecked]  # CITATION.cff's problems (a check that imports jsonschema)

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


def check_inputs(root: Path) -> list[Diagnostic]:
    """What content may not do to the build: make it read or publish a file from outside the repository (a symbolic
    link), or run template code beyond a call of a macro with literal arguments. And the inputs the loaders here
    do not parse: CITATION.cff must be a file that can be read, and addresses.txt hold addresses whose IDs follow
    the scheme (a build reads both; `make new` takes the IDs used before from the registry)."""
    return (
        symlinks.check(root)
        + page_templates.check_project(root)
        + site_pages.check(root)
        + inputs.read_input(root, citation_file.FILE)[1]
        + addresses.load_registry(root)[1]
    )


def load_references(
    root: Path,
    cache: ParseCache[tuple[bibliography.ParsedBlock, ...]] | None = None,
    cache_dir: Path | None = None,
) -> tuple[dict[str, Reference], str, list[Diagnostic]]:
    """The references, the text they were read from, and every problem: the checks' own, and what the reference
    engine would read differently, drop or guess (imap.citing.citeproc.Pending, asked only of a file that parses)."""
    data, problems = inputs.read_input(root, BIB_FILE)
    if data is None:
        if problems or (root / BIB_FILE).is_symlink():  # a link is an error of check_inputs
            return {}, "", problems
        return {}, "", [error(Location(BIB_FILE), "bib.file", "there is no bibliography", f"add {BIB_FILE}")]
    text, problems = frontmatter.decode(BIB_FILE, data)
    if text is None:
        return {}, "", problems
    with citeproc.Pending(text, cache_dir) as engine:  # pandoc reads the file while the checks read it
        references, problems = bibliography.load(BIB_FILE, text, cache)
        if not any(d.code == "bib.parse" for d in problems):
            problems.extend(engine.result(references).problems)
    return references, text, problems


def load_pages(root: Path, known: Iterable[str]) -> tuple[tuple[Citation, ...], list[Diagnostic]]:
    """cite() and xref() calls in the site's own pages under docs/ (the manual itself is mounted there and
    skipped): the citations, and the cross-references to IDs not `known`."""
    found: list[Citation] = []
    problems: list[Diagnostic] = []
    known = set(known)
    pages = (root / relative for relative, linked in symlinks.walk(root, DOCS_DIR) if not linked)
    for path in sorted(p for p in pages if p.name.endswith(page_templates.MARKDOWN_SUFFIXES)):  # as MkDocs reads
        relative = path.relative_to(root).as_posix()
        if relative.startswith(f"{DOCS_DIR}/{MANUAL_DIR}/") or path.is_symlink() or path.is_dir():
            continue
        data, unreadable = inputs.read_input(root, relative)
        if data is None:
            problems.extend(unreadable)
            continue
        text, undecodable = frontmatter.decode(relative, data)  # not UTF-8, or a control character in it
        problems.extend(undecodable)
        found.extend(citation_rules.page_citations(relative, text or ""))
        problems.extend(citation_rules.page_xrefs(relative, text or "", known))
        problems.extend(citation_rules.page_unsafe_html(relative, page_templates.without_macros(text or "")))
    return tuple(found), problems


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
    citations = citation_rules.collect_citations(items) + page_citations
    diagnostics.extend(rules.check(items, references, citations, retired))
    terms, glossary_problems = glossary.load(root, caches.terms)
    diagnostics.extend(citation_file.check(root, caches.citation))
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
