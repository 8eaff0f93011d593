"""`make check`: every diagnostic that loading the project gives (imap.checking.project.load_project), found, on a run
after an edit, without parsing, reading back or checking again what the edit cannot have changed.

For each manual file the check keeps, under a digest of the file's bytes, what its result depends on and what other
files' results depend on it:

- its outline (rules.Outline: ID, kind, part, retirement, hypotheses), which makes up the namespace every item's
  links, citations and cross-references are checked against;
- the reference keys it cites (for the references no item cites);
- its diagnostics (parse problems and `rules.item_rules`), with the digest of the namespace they were found under.

A file whose bytes and namespace are both unchanged keeps its diagnostics. A file that changed is parsed again; when
the namespace changed (an item or a reference added, removed, renamed or moved to another part), every item is
checked again, read from the parse cache the site build keeps. The rules that look at all items at once (duplicate
IDs, uncited references, the site's pages, the glossary and the changelog) run every time, on outlines.

A first run (nothing kept yet, or kept by other code) parses through the site build's parse caches and fills them,
so that a build after it does not parse again. Later runs parse a changed file directly and leave the build's item
caches as they are: reading them back would cost more than parsing the few files that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from imap.checking import citation_rules, content_rules, project, rules
from imap.citing import citation_file
from imap.model.diagnostics import Diagnostic, Location, sort_diagnostics
from imap.model.items import Item
from imap.reading import changelog, glossary, inputs, manual_files, parsecache
from imap.reading.parsecache import ParseCache


@dataclass(frozen=True)
class FileCheck:
    """What `make check` keeps of one manual file, under the digest of its path and bytes."""

    outline: rules.Outline | None  # None: the file gave no item (it did not parse)
    cited: frozenset[str]  # reference keys a live item cites
    namespace: bytes  # digest of the namespace `diagnostics` were found under
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class BibCheck:
    """What `make check` keeps of references.bib, under the digest of its bytes."""

    references: tuple[tuple[str, int], ...]  # key and line of each entry, in the file's order
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Checked:
    items: int  # live items
    references: int
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class _File:
    path: Path
    key: bytes
    entry: FileCheck | None
    item: Item | None = None
    problems: tuple[Diagnostic, ...] = ()


def check_project(root: Path, cache_dir: Path | None = None) -> Checked:
    """The diagnostics of the project, the same as load_project(root).diagnostics, with the number of live items and
    of references. With a cache directory, what is found is kept there for the next run."""
    code = parsecache.fingerprint() if cache_dir is not None else ""

    def cache(name: str) -> Path | None:
        return cache_dir / f"checked-{name}.json" if cache_dir is not None else None

    checked: ParseCache[FileCheck] = ParseCache(cache("items"), code)
    checked_bib: ParseCache[BibCheck] = ParseCache(cache("references"), code)
    parsed = project.Caches.open(cache_dir)  # opened lazily: read only when an unchanged item must be checked again
    diagnostics: list[Diagnostic] = project.check_inputs(root)
    first_run = len(checked) == 0

    files: list[_File] = []
    for path in manual_files.manual_files(root):
        relative = path.relative_to(root).as_posix()
        if manual_files.item_kind(relative) is None:
            diagnostics.extend(manual_files.load_item(root, path)[1])
            continue
        data, unreadable = inputs.read_input(root, relative)
        if data is None:  # as load_item reports it
            diagnostics.extend(unreadable)
            continue
        key = parsecache.digest(relative, data)
        found = _File(path, key, checked.get(key))
        if found.entry is None:
            item, problems = manual_files.load_item(
                root, path, parsed.items.get(path.parent.name) if first_run else None
            )
            found.item, found.problems = item, tuple(problems)
        files.append(found)

    references, bib_problems = _references(root, checked_bib, parsed)
    diagnostics.extend(bib_problems)

    outlines = [outline for found in files if (outline := _outline(found)) is not None]
    live = [o for o in outlines if not o.retired]
    retired = [o for o in outlines if o.retired]
    namespace = rules.Namespace.of([*live, *retired], dict.fromkeys(references))

    cited: set[str] = set()
    for found in files:
        entry = found.entry
        if entry is None or entry.namespace != namespace.digest:
            entry = _check_file(root, found, namespace, parsed)
            checked.put(found.key, entry)
        cited |= entry.cited
        diagnostics.extend(entry.diagnostics)

    everything = [*live, *retired]
    page_citations, page_problems = project.load_pages(
        root, [o.id for o in everything] + [h.id for o in everything for h in o.hypotheses]
    )
    diagnostics.extend(page_problems)
    diagnostics.extend(rules.duplicate_ids(everything))
    diagnostics.extend(content_rules.fidelity_load(everything))
    diagnostics.extend(citation_rules.unknown_page_citations(page_citations, namespace.references))
    diagnostics.extend(citation_rules.uncited_keys(references, cited | {c.key for c in page_citations}))
    terms, glossary_problems = glossary.load(root, parsed.terms)
    diagnostics.extend(glossary_problems)
    diagnostics.extend(citation_file.check(root, parsed.citation))
    diagnostics.extend(glossary.check_links(terms, {o.id for o in live}))
    history, changelog_problems = manual_files.load_changelog(root)
    diagnostics.extend(changelog_problems)
    diagnostics.extend(manual_files.version_problems(root))
    known = [o.id for o in live + retired] + [h.id for o in live for h in o.hypotheses]
    diagnostics.extend(changelog.check(history, known))

    checked.save()
    checked_bib.save()
    parsed.references.save()
    parsed.terms.save()
    parsed.citation.save()
    if first_run:
        for items in parsed.items.values():
            items.save()
    return Checked(len(live), len(references), tuple(sort_diagnostics(diagnostics)))


def _outline(found: _File) -> rules.Outline | None:
    if found.entry is not None:
        return found.entry.outline
    return rules.Outline.of(found.item) if found.item is not None else None


def _check_file(root: Path, found: _File, namespace: rules.Namespace, parsed: project.Caches) -> FileCheck:
    item, problems = found.item, found.problems
    if found.entry is not None:  # unchanged, but the namespace is not: the parse result is in the build's cache
        cache = parsed.items.get(found.path.parent.name)
        stored = cache.get(found.key) if cache is not None else None
        if stored is None:
            item, more = manual_files.load_item(root, found.path, cache)
            stored = (item, tuple(more))
        item, problems = stored
    if item is None:
        return FileCheck(None, frozenset(), namespace.digest, problems)
    cited = frozenset() if item.retired else citation_rules.cited_keys(item)
    return FileCheck(
        rules.Outline.of(item), cited, namespace.digest, problems + tuple(rules.item_rules(item, namespace))
    )


def _references(
    root: Path, cache: ParseCache[BibCheck], parsed: project.Caches
) -> tuple[dict[str, Location], list[Diagnostic]]:
    """The references' keys (with where each is written) and the bibliography's problems."""
    data, _ = inputs.read_input(root, manual_files.BIB_FILE)  # when it cannot be read, load_references says why
    key = parsecache.digest(manual_files.BIB_FILE, data) if data is not None else None
    stored = cache.get(key) if key is not None else None
    if stored is None:
        references, _, problems = project.load_references(root, parsed.references)
        stored = BibCheck(tuple((k, r.location.line) for k, r in references.items()), tuple(problems))
        if key is not None:
            cache.put(key, stored)
    return {k: Location(manual_files.BIB_FILE, line) for k, line in stored.references}, list(stored.diagnostics)


__all__ = ["BibCheck", "Checked", "FileCheck", "check_project"]
