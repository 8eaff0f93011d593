"""CHANGELOG.md as data: the releases, and each entry with the item IDs it names.

The file follows Keep a Changelog: `## [1.2.0] - 2026-11-26` (or `## [Unreleased]`) opens a release, `### Added`
(Changed, Deprecated, Removed, Fixed, Security, Retired) a category, and each `- ` bullet is an entry. An entry names
the items it touches by ID; a range such as `C05-C11` (hyphen or en dash) names every ID in between, and
`H03a-H03c` every hypothesis of one principle in between. Item pages list the entries that name them, so an ID that
does not exist is an error with its line, and so is a word written as an ID that breaks the scheme (P00, P0003) and a
range that cannot be meant: ends of two kinds, backwards, or more than MAX_RANGE IDs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from imap.model import sanitize
from imap.model.changelog import CATEGORIES, UNRELEASED, Changelog, Entry, Release
from imap.model.diagnostics import Diagnostic, Location, error
from imap.model.vocab import HYPOTHESIS_ID, ID_SCHEME, ITEM_ID, ITEM_LETTERS, is_id, shown_id

FILE = "CHANGELOG.md"

_RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")
_CATEGORY = re.compile(r"^### (?P<name>.+?)\s*$")
# A heading that names a version but is not in the release form: its entries would otherwise be ignored silently.
_LOOSE_RELEASE = re.compile(r"^## \[?(?:\d+\.\d+\.\d+|Unreleased)\b", re.IGNORECASE)
# A word written as an ID, right or wrong (P03, and P00, P010 or a 5,000-digit P...: each end is then checked against
# the scheme); a single digit (T1, P3) is taken as prose. \b keeps "TP01" or "P01a" from matching.
_ID_SHAPED = rf"[{ITEM_LETTERS}]\d{{2,}}|H\d{{2,}}[a-z]"
# An ID, or a range of IDs of one kind (C05-C11, or with an en dash).
_MENTION = re.compile(rf"\b(?P<first>{_ID_SHAPED})(?:\s*[–-]\s*(?P<last>{_ID_SHAPED}))?\b")
# The most IDs one range may name: more than any kind of the manual has, so that a mistyped end (P01-P1200 for
# P01-P12) is an error rather than a thousand entries naming items that do not exist.
MAX_RANGE = 1000


def mentioned_ids(text: str) -> tuple[str, ...]:
    """The IDs a text names, with ranges expanded, in order of first mention."""
    return mentions(text, Location(FILE))[0]


def mentions(text: str, location: Location) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """The IDs a text names, with ranges expanded, in order of first mention; and the problems of what it writes as
    an ID (reported at `location`): an ID that breaks the scheme, or a range that cannot be meant."""
    found: list[str] = []
    problems: list[Diagnostic] = []
    for match in _MENTION.finditer(text):
        first, last = match.group("first"), match.group("last")
        malformed = [end for end in (first, last) if end and not is_id(end)]
        for end in malformed:
            problems.append(
                error(
                    location,
                    "id.malformed",
                    f"the changelog entry names '{shown_id(end)}', which is not an ID of the scheme",
                    ID_SCHEME,
                )
            )
        if malformed:
            continue
        if not last:
            found.append(first)
            continue
        expanded, problem = _range(first, last)
        found.extend(expanded)
        if problem:
            problems.append(error(location, "changelog.range", f"the range {first}–{last} {problem}", _RANGE_HINT))
    return tuple(dict.fromkeys(found)), problems


_RANGE_HINT = (
    f"a range joins two IDs of one kind, lower first, and names at most {MAX_RANGE:,} IDs (C05–C11, or H03a–H03c "
    "within one principle); name the IDs one by one otherwise"
)


def _range(first: str, last: str) -> tuple[list[str], str]:
    """The IDs from first to last (both IDs of the scheme), or why the range names none."""
    items = ITEM_ID.fullmatch(first), ITEM_ID.fullmatch(last)
    if items[0] and items[1]:
        if first[0] != last[0]:
            return [], "joins IDs of two kinds"
        low, high = int(items[0].group(2)), int(items[1].group(2))
        if low > high:
            return [], "runs backwards"
        if high - low + 1 > MAX_RANGE:
            return [], f"names {high - low + 1:,} IDs, more than {MAX_RANGE:,}"
        return [f"{first[0]}{n:02d}" for n in range(low, high + 1)], ""
    hypotheses = HYPOTHESIS_ID.fullmatch(first), HYPOTHESIS_ID.fullmatch(last)
    if hypotheses[0] and hypotheses[1]:
        if hypotheses[0].group(1) != hypotheses[1].group(1):
            return [], "joins hypotheses of two principles"
        low_letter, high_letter = hypotheses[0].group(2), hypotheses[1].group(2)
        if low_letter > high_letter:
            return [], "runs backwards"
        number = hypotheses[0].group(1)
        return [f"H{number}{chr(c)}" for c in range(ord(low_letter), ord(high_letter) + 1)], ""
    return [], "joins IDs of two kinds"


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
            location = Location(path, bullet_line)
            ids, found = mentions(joined, location)
            problems.extend(found)
            entries.append(
                Entry(
                    version=release.version,
                    date=release.date,
                    category=category,
                    text=joined,
                    ids=ids,
                    location=location,
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
