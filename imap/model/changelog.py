"""The changelog as data: its releases, newest first, and each entry with the item IDs it names (read from
CHANGELOG.md by imap.reading.changelog)."""

from __future__ import annotations

from dataclasses import dataclass

from imap.model.diagnostics import Location

UNRELEASED = "Unreleased"
CATEGORIES = ("Added", "Changed", "Deprecated", "Removed", "Retired", "Fixed", "Security")


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
