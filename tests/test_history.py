"""Per-item history: the changelog as data, release snapshots from git tags, "what changed", last-changed dates and
"Cite this" on item pages, and CITATION.cff."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from bibtexparser.entrypoint import parse_string

from imap.checking.project import load_project
from imap.reading import changelog
from imap.reading.git_history import History, Snapshot
from imap.rendering import what_changed
from tests.conftest import ROOT, SITES, imap_check, mkdocs_build

CHANGELOG = """\
# Changelog

## [Unreleased]

## [0.2.0] - 2026-03-01

### Changed
- P01: retitled; the arousal claim re-graded (T01).

## [0.1.0] - 2026-01-15

### Added
- Foundations: C01-C02; theory T01; principle P01; intervention I01.
"""


def test_changelog_entries_name_ids_and_ranges_with_their_release() -> None:
    parsed, problems = changelog.parse(CHANGELOG)
    assert problems == []
    assert [(r.version, r.date) for r in parsed.releases] == [
        ("Unreleased", ""),
        ("0.2.0", "2026-03-01"),
        ("0.1.0", "2026-01-15"),
    ]
    first = parsed.naming("P01")
    assert [(e.version, e.category) for e in first] == [("0.2.0", "Changed"), ("0.1.0", "Added")]
    assert parsed.naming("C02")[0].ids[:2] == ("C01", "C02")
    assert changelog.mentioned_ids("C05–C07 and H03a, not TP01 or P010") == ("C05", "C06", "C07", "H03a")


def test_changelog_problems_have_file_and_line(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(SITES / "valid", project)
    text = CHANGELOG.replace("## [0.1.0] - 2026-01-15", "## [0.1.0]").replace("### Added", "### Novelties")
    (project / "CHANGELOG.md").write_text(
        text + "\n## [0.0.1] - 2025-12-01\n\n### Fixed\n- P07 wording.\n- <script>x()</script> fixed.\n"
        "\n## 0.0.0 - 2025-11-01\n",
        encoding="utf-8",
    )
    result = imap_check(project)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert (
        "CHANGELOG.md:10: error: release 0.1.0 has no date (write it as '## [1.2.0] - YYYY-MM-DD') [changelog.format]"
        in lines
    )
    assert any(line.startswith("CHANGELOG.md:12: error: 'Novelties' is not a changelog category") for line in lines)
    assert (
        "CHANGELOG.md:18: error: the changelog entry names P07, which is not an item or hypothesis of the manual "
        "[changelog.unknown-item]" in lines
    )
    assert any(
        line.startswith("CHANGELOG.md:19: error: the changelog entry holds the element <script>") for line in lines
    )
    assert any(
        line.startswith("CHANGELOG.md:21: error: '0.0.0 - 2025-11-01' is not a release heading") for line in lines
    )


def test_text_changes_mark_edited_added_and_removed_sentences() -> None:
    before = "First sentence stays.\nThe dose was high.\nA sentence that goes.\n"
    after = "First sentence stays.\nThe pace was slow.\nA sentence that goes.\nA new sentence.\n"
    assert what_changed.text_changes(before, after) == (
        "Edited: The <del>dose</del> <ins>pace</ins> was <del>high.</del> <ins>slow.</ins>",
        "Added: <ins>A new sentence.</ins>",
    )
    assert what_changed.text_changes("A <b> & c.\n", "") == ("Removed: <del>A &lt;b&gt; &amp; c.</del>",)


def test_steps_between_releases_show_title_links_and_evidence_changes() -> None:
    old = load_project(SITES / "valid").manual
    project_items = []
    for item in old.items:
        if item.id == "P01":
            first, _ = item.evidence
            item = dataclasses.replace(
                item, title="Stay within tolerable arousal", evidence=(dataclasses.replace(first, kind="review"),)
            )
        project_items.append(item)
    new = dataclasses.replace(old, items=tuple(project_items), version="0.2.0")
    history = History(releases=(Snapshot("0.1.0", "v0.1.0", old),))
    steps = what_changed.item_steps(history, new)
    assert [s.status for s in steps["P01"]] == ["added", "changed"]
    step = steps["P01"][1]
    assert (step.before, step.after) == ("0.1.0", "0.2.0")
    assert step.title == ("Work within tolerable arousal", "Stay within tolerable arousal")
    assert [link.source for link in step.evidence_removed] == ["ehlers2000cognitive"]
    assert [(a.kind, b.kind) for a, b in step.evidence_regraded] == [("theory", "review")]
    assert [s.status for s in steps["T01"]] == ["added"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        env={
            "GIT_COMMITTER_DATE": "2026-03-01T12:00:00Z",
            "GIT_AUTHOR_DATE": "2026-03-01T12:00:00Z",
            "PATH": "/usr/bin:/bin",
        },
    )


def _project_in_git(tmp_path: Path) -> Path:
    """The valid fixture as a git repository with the real site code, released as v0.1.0, then changed."""
    repo = tmp_path / "repo"
    shutil.copytree(SITES / "valid", repo)
    for name in ("mkdocs.yml", "CITATION.cff", "vendor.lock.json"):
        shutil.copy2(ROOT / name, repo / name)
    for name in ("docs", "overrides", "imap", "hooks"):
        shutil.copytree(ROOT / name, repo / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "VERSION").write_text("0.1.0\n", encoding="utf-8")
    (repo / "CHANGELOG.md").write_text(
        CHANGELOG.split("## [0.2.0]")[0] + "## [0.1.0]" + CHANGELOG.split("## [0.1.0]")[1], encoding="utf-8"
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "0.1.0")
    _git(repo, "tag", "-a", "v0.1.0", "-m", "0.1.0")
    principle = repo / "manual" / "principles" / "P01.md"
    text = principle.read_text(encoding="utf-8")
    text = text.replace("title: Work within tolerable arousal", "title: Stay within tolerable arousal")
    text = text.replace("Fixture text [@siegel1999developing].", "Revised fixture text [@siegel1999developing].")
    principle.write_text(text, encoding="utf-8")
    (repo / "VERSION").write_text("0.2.0\n", encoding="utf-8")
    (repo / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    _git(repo, "commit", "-qam", "0.2.0")
    return repo


def test_item_page_shows_since_changelog_last_change_and_cite_this(tmp_path: Path) -> None:
    repo = _project_in_git(tmp_path)
    result = mkdocs_build(repo)
    assert result.returncode == 0, result.stderr
    plain = (repo / "site" / "manual" / "principles" / "P01" / "index.html").read_text(encoding="utf-8")
    assert "/0.2/id/P01/" not in plain  # a plain build names no address of a version it does not publish
    result = mkdocs_build(repo, "https://imap-manual.github.io/manual/")
    assert result.returncode == 0, result.stderr
    page = (repo / "site" / "manual" / "principles" / "P01" / "index.html").read_text(encoding="utf-8")
    history = page.split('id="history"')[1].split('id="cite"')[0]
    assert "In the manual since version <strong>0.1.0</strong> (released 2026-01-15)" in history
    assert "last changed on 2026-03-01" in history
    assert "<strong>0.2.0</strong> · Changed: P01: retitled" in history
    assert "<strong>0.1.0</strong> · Added: Foundations" in history
    assert 'href="../../../reference/changes/#p01"' in history
    cite = page.split('id="cite"')[1]
    apa = re.search(r'<p class="imap-cite-apa">(.*?)</p>', cite, re.S)
    assert apa is not None
    assert apa.group(1) == (
        "IMAP manual contributors. (2026). P01 Stay within tolerable arousal. In <i>IMAP manual: Integrative "
        "MDMA-assisted psychotherapy for PTSD</i> (Version 0.2.0). https://imap-manual.github.io/manual/0.2/id/P01/"
    )
    bibtex = re.sub(r"<[^>]+>", "", cite.split("<code>")[1].split("</code>")[0])
    entry = parse_string(bibtex.replace("&#123;", "{")).entries[0]
    assert entry.entry_type == "incollection"
    assert entry.fields_dict["version"].value == "0.2.0"
    assert entry.fields_dict["date"].value == "2026-03-01"
    assert entry.fields_dict["url"].value == "https://imap-manual.github.io/manual/0.2/id/P01/"
    assert entry.fields_dict["title"].value == "{P01} Stay within tolerable arousal"

    # Every other page says when it last changed: a page generated from the manual when the manual last did.
    overview = (repo / "site" / "overview" / "index.html").read_text(encoding="utf-8")
    assert "<small>Last changed on 2026-03-01 · manual version 0.2.0</small>" in overview

    changed = (repo / "site" / "reference" / "changes" / "index.html").read_text(encoding="utf-8")
    section = changed.split('id="p01"')[1].split("<h2")[0]
    assert "<strong>0.1.0</strong>: added to the manual." in section
    assert "0.1.0 → 0.2.0" in section
    assert "Title: “Work within tolerable arousal” → “Stay within tolerable arousal”" in section
    assert "Edited: <del>Fixture</del> <ins>Revised fixture</ins> text [@siegel1999developing]." in section


def test_without_git_history_the_page_says_dates_are_not_recorded(valid_site: Path) -> None:
    page = (valid_site / "manual" / "principles" / "P01" / "index.html").read_text(encoding="utf-8")
    assert "date of last change not recorded" in page
    assert "Date of last change not recorded" in (valid_site / "index.html").read_text(encoding="utf-8")
    changed = (valid_site / "reference" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "Compared: 0.1.0." in changed


def test_citation_cff_matches_the_version_and_its_release() -> None:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "date-released", "license"):
        assert data[key], key
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    assert data["version"] == version
    released = load_project(ROOT).manual.changelog.date_of(version)
    assert released, f"VERSION {version} has no dated release in CHANGELOG.md"
    assert str(data["date-released"]) == released
