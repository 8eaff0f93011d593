"""The manual's files read into items: where they are, each item file parsed (through the parse cache), CHANGELOG.md
and VERSION. (imap.checking.project loads the whole project and runs the rules.)"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from imap.model.changelog import Changelog
from imap.model.diagnostics import Diagnostic, Location, error
from imap.model.items import Item, Kind
from imap.reading import changelog, frontmatter, inputs, item_file, parsecache
from imap.reading.parsecache import ParseCache

MANUAL_DIR = "manual"
BIB_FILE = "references.bib"
VERSION_FILE = "VERSION"
DOCS_DIR = "docs"
CACHE_DIR = ".cache/imap"  # parse results and formatted references kept between runs (gitignored)

ItemResult = tuple[Item | None, tuple[Diagnostic, ...]]


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
    return item_file.read_item(relative, kind, node, split.yaml_line, split.body, split.body_line)


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


def load_changelog(root: Path) -> tuple[Changelog, list[Diagnostic]]:
    """CHANGELOG.md, when the project has one (fixture manuals need not); something else in its place is an error,
    not a project without a changelog."""
    data, problems = inputs.read_input(root, changelog.FILE)
    if data is None:
        return Changelog(), problems
    text, problems = frontmatter.decode(changelog.FILE, data)
    if text is None:
        return Changelog(), problems
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
