"""The manual's history from git: when each file last changed, the release tags, and the manual as it was at each.

Everything here degrades to "no history" outside a git checkout (an unpacked archive, a test fixture): the site
then says that a date or an earlier release is not recorded, and never fails.
"""

from __future__ import annotations

import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from imap.model.manual import Manual
from imap.reading.manual_files import load_items, read_version

# What a snapshot of the manual at a revision needs (the loader reads nothing else).
SNAPSHOT_PATHS = ("manual", "references.bib", "VERSION", "glossary.yml")
TAG_PREFIX = "v"
# The files whose changes change every page generated from the manual.
CONTENT_PREFIXES = ("manual/", "references.bib", "glossary.yml")
_SEMVER_TAG = re.compile(rf"^{TAG_PREFIX}(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Snapshot:
    version: str  # e.g. 0.2.0 (the tag without its v)
    revision: str  # the tag
    manual: Manual


@dataclass(frozen=True)
class History:
    last_changed: dict[str, str] = field(default_factory=dict)  # path from the root -> YYYY-MM-DD
    releases: tuple[Snapshot, ...] = ()  # oldest first
    head_date: str = ""  # the date of the last commit

    def date(self, path: str) -> str:
        return self.last_changed.get(path, "")

    def content_date(self) -> str:
        """When the manual's content (its items, bibliography or glossary) last changed."""
        return max(
            (d for p, d in self.last_changed.items() if p.startswith(CONTENT_PREFIXES)),
            default="",
        )


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError:  # no git on this machine
        return None
    return result if result.returncode == 0 else None


def last_changed(root: Path) -> dict[str, str]:
    """Path (from the repository root) -> date of the last commit that touched it, from one `git log`."""
    result = _git(root, "log", "--format=%x1e%cs", "--name-only", "--no-renames", "--relative", "--", ".")
    if result is None:
        return {}
    dates: dict[str, str] = {}
    for record in result.stdout.decode("utf-8", "replace").split("\x1e"):
        lines = [line for line in record.splitlines() if line.strip()]
        if not lines:
            continue
        for path in lines[1:]:
            dates.setdefault(path, lines[0])
    return dates


def release_tags(root: Path) -> list[str]:
    """The release tags (vMAJOR.MINOR.PATCH), oldest first."""
    result = _git(root, "tag", "--list", f"{TAG_PREFIX}*")
    if result is None:
        return []
    tags = [t for t in result.stdout.decode().split() if _SEMVER_TAG.match(t)]

    def key(tag: str) -> tuple[int, ...]:
        match = _SEMVER_TAG.match(tag)
        assert match is not None
        return tuple(int(g) for g in match.groups())

    return sorted(tags, key=key)


def extract(root: Path, revision: str, into: Path) -> bool:
    """Write the content files of a revision into a directory; False when the revision does not exist."""
    listed = _git(root, "ls-tree", "--name-only", revision, *SNAPSHOT_PATHS)
    if listed is None:
        return False
    archive = _git(root, "archive", "--format=tar", revision, *listed.stdout.decode().split())
    if archive is None:
        return False
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return True


def snapshot(root: Path, revision: str) -> Manual | None:
    """The items of the manual as they were at a git revision (without the bibliography, which the comparison
    of releases does not need), or None when the revision does not exist."""
    with tempfile.TemporaryDirectory() as scratch:
        if not extract(root, revision, Path(scratch)):
            return None
        items, _ = load_items(Path(scratch))
        return Manual(
            items=tuple(i for i in items if not i.retired), references={}, version=read_version(Path(scratch))
        )


def load(root: Path) -> History:
    """The history of the project at root: file dates and the manual at each release tag."""
    releases = []
    for tag in release_tags(root):
        manual = snapshot(root, tag)
        if manual is not None:
            releases.append(Snapshot(tag.removeprefix(TAG_PREFIX), tag, manual))
    dates = last_changed(root)
    head = _git(root, "log", "-1", "--format=%cs")
    return History(last_changed=dates, releases=tuple(releases), head_date=head.stdout.decode().strip() if head else "")
