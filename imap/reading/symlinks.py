"""Nothing outside the repository is read or published: no symbolic links under manual/ or docs/, or as an input.

MkDocs follows links in the docs directory, so a folder or file linked into manual/ would be published without
passing `make check`, and a link under docs/assets/ to ../../.git/config or /proc/self/environ would be copied into
the site. The one link the project has, docs/manual, must point at ../manual (the site reaches the manual through it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from imap.model.diagnostics import Diagnostic, Location, error

FOLDERS = ("manual", "docs")
MANUAL_LINK = "docs/manual"
MANUAL_TARGET = "../manual"
# The files besides manual/ and docs/ that the build reads: the configuration and imap.rendering.site.SOURCE_FILES
# (this module cannot import imap.rendering.site, which imports the loader that calls it; a test holds the two lists
# together).
INPUT_FILES = (
    "mkdocs.yml",
    "references.bib",
    "glossary.yml",
    "VERSION",
    "CHANGELOG.md",
    "CITATION.cff",
    "addresses.txt",
)

# Folders the build writes into or reads templates from: a link would send the caches, or the pages' frame, elsewhere.
OTHER_FOLDERS = (".cache", ".cache/imap", "overrides", "templates")

_HINT = "put the file itself in the repository, or remove the link"


def walk(root: Path, folder: str) -> Iterator[tuple[str, bool]]:
    """Every file and symbolic link under root/folder (paths relative to root, with /), and whether it is a link.
    Links are never followed; a link to a folder is listed, not entered."""
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(root / current) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in found:
            relative = f"{current}/{entry.name}"
            if entry.is_symlink():
                yield relative, True
            elif entry.is_dir(follow_symlinks=False):
                pending.append(relative)
            else:
                yield relative, False


def check(root: Path) -> list[Diagnostic]:
    """Every symbolic link where the build would read or publish what it points to."""
    problems: list[Diagnostic] = []
    for name in (*FOLDERS, *INPUT_FILES, *OTHER_FOLDERS):
        if (root / name).is_symlink():
            problems.append(_linked(root, name))
    for folder in FOLDERS:
        if (root / folder).is_symlink():
            continue
        for relative, linked in walk(root, folder):
            if linked and relative != MANUAL_LINK:
                problems.append(_linked(root, relative))
    manual = root / MANUAL_LINK
    if (root / "docs").is_symlink():
        pass  # reported above
    elif manual.is_symlink() and str(manual.readlink()) != MANUAL_TARGET:
        problems.append(
            error(
                Location(MANUAL_LINK),
                "file.symlink",
                f"symbolic link to '{manual.readlink()!s}': {MANUAL_LINK} must point to {MANUAL_TARGET}",
                f"make it again with: ln -sfn {MANUAL_TARGET} {MANUAL_LINK}",
            )
        )
    elif manual.exists() and not manual.is_symlink():
        problems.append(
            error(
                Location(MANUAL_LINK),
                "file.symlink",
                f"{MANUAL_LINK} must be the symbolic link to {MANUAL_TARGET}, not a folder of its own",
                f"move its pages to manual/ and make the link: ln -sfn {MANUAL_TARGET} {MANUAL_LINK}",
            )
        )
    return problems


def _linked(root: Path, relative: str) -> Diagnostic:
    path = root / relative
    target = str(path.readlink())
    broken = not path.exists()
    return error(
        Location(relative),
        "file.symlink",
        f"{'broken ' if broken else ''}symbolic link to '{target}': the build reads and publishes only files of "
        "the repository itself",
        _HINT,
    )
