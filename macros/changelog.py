"""CHANGELOG.md as data: the releases, and each entry with the item IDs it names.

The file follows Keep a Changelog: `## [1.2.0] - 2026-11-26` (or `## [Unreleased]`) opens a release, `### Added`
(Changed, Deprecated, Removed, Fixed, Security, Retired) a category, and each `- ` bullet is an entry. An entry names
the items it touches by ID; a range such as `C05-C11` (hyphen or en dash) names every ID in between. Item pages
list the entries that name them, so an ID that does not exist is an error with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from macros import sanitize
from macros.diagnostics import Diagnostic, Location, error
from macros.vocab import ID_NUMBER

FILE = "CHANGELOG.md"
UNRELEASED = "Unreleased"
CATEGORIES = ("Added", "Changed", "Deprecated", "Removed", "Retired", "Fixed", "Security")

_RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")
_CATEGORY = re.compile(r"^### (?P<name>.+?)\s*$")
# A heading that names a version but is not in the release form: its entries would otherwise be ignored silently.
_LOOSE_RELEASE = re.compile(r"^## \[?(?:\d+\.\d+\.\d+|Unreleased)\b", re.IGNORECASE)
_ID = rf"[CTPI]{ID_NUMBER}|H{ID_NUMBER}[a-z]"
# An ID, or a range of IDs of one kind (C05-C11, or with an en dash); \b keeps "TP01" or "P010" from matching.
_MENTION = re.compile(rf"\b(?P<first>{_ID})(?:\s*[–-]\s*(?P<last>{_ID}))?\b")


@dataclass(frozen=True)
class Entry:
    version: str  # "Unreleased" or a version
    date: str  # YYYY-MM-DD, or "" when unreleased
    category: str
    text: str  # the Markdown of the bullet, continuation lines joined
    ids: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    location: Location


@dataclass(frozen=True)
class Changelog:
    releases: tuple[Release, ...] = ()  # newest first, as written
    entries: tuple[Entry, ...] = ()

    def naming(self, item_id: str) -> list[Entry]:
        return [e for e in self.entries if item_id in e.ids]

    def date_of(self, version: str) -> str:
        return next((r.date for r in self.releases if r.version == version), "")


def mentioned_ids(text: str) -> tuple[str, ...]:
    """The IDs a text names, with ranges expanded, in order of first mention."""
    found: list[str] = []
    for match in _MENTION.finditer(text):
        first, last = match.group("first"), match.group("last")
        if last and first[0] == last[0] and first[0] != "H":
            low, high = int(first[1:]), int(last[1:])
            found.extend(f"{first[0]}{n:02d}" for n in range(low, high + 1))
        else:
            found.append(first)
            if last:
                found.append(last)
    return tuple(dict.fromkeys(found))


def parse(text: str, path: str = FILE) -> tuple[Changelog, list[Diagnostic]]:
    releases: list[Release] = []
    entries: list[Entry] = []
    problems: list[Diagnostic] = []
    release: Release | None = None
    category = ""
    bullet: list[str] = []
    bullet_line = 0

    def flush() -> None:
        if bullet and release is not None:
            joined = " ".join(part.strip() for part in bullet)
            entries.append(
                Entry(
                    version=release.version,
                    date=release.date,
                    category=category,
                    text=joined,
                    ids=mentioned_ids(joined),
                    location=Location(path, bullet_line),
                )
            )
        bullet.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            flush()
            match = _RELEASE.match(line)
            release = None
            category = ""
            if not match and _LOOSE_RELEASE.match(line):
                problems.append(
                    error(
                        Location(path, number),
                        "changelog.format",
                        f"'{line[3:].strip()}' is not a release heading, so its entries would not be read",
                        "write it as '## [1.2.0] - YYYY-MM-DD' or '## [Unreleased]'",
                    )
                )
            if match:
                version = match.group("version")
                date = match.group("date") or ""
                if version != UNRELEASED and not date:
                    problems.append(
                        error(
                            Location(path, number),
                            "changelog.format",
                            f"release {version} has no date",
                            "write it as '## [1.2.0] - YYYY-MM-DD'",
                        )
                    )
                release = Release(version, date, Location(path, number))
                releases.append(release)
        elif line.startswith("### "):
            flush()
            match = _CATEGORY.match(line)
            category = match.group("name") if match else ""
            if release is not None and category not in CATEGORIES:
                problems.append(
                    error(
                        Location(path, number),
                        "changelog.format",
                        f"'{category}' is not a changelog category",
                        "one of " + ", ".join(CATEGORIES),
                    )
                )
        elif line.startswith("- ") and release is not None:
            flush()
            bullet.append(line[2:])
            bullet_line = number
        elif line.startswith("  ") and bullet:
            bullet.append(line)
        else:
            flush()
    flush()
    return Changelog(tuple(releases), tuple(entries)), problems


def check(changelog: Changelog, known: Iterable[str]) -> list[Diagnostic]:
    """Every ID an entry names must exist (retired items included), and no entry may carry markup that could run
    code (item pages publish the entries that name them)."""
    ids = set(known)
    unsafe = [
        error(
            entry.location,
            found.code,
            found.message("the changelog entry"),
            found.hint,
        )
        for entry in changelog.entries
        for found in sanitize.unsafe_markup(entry.text)
    ]
    return unsafe + [
        error(
            entry.location,
            "changelog.unknown-item",
            f"the changelog entry names {item_id}, which is not an item or hypothesis of the manual",
        )
        for entry in changelog.entries
        for item_id in entry.ids
        if item_id not in ids
    ]
