"""The authors' commands: scaffolding a new item with the next free ID, and the traceability report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SITES, make_project


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "macros.cli", "--root", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_new_item_gets_the_next_free_id_never_a_retired_one(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "valid")
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "addresses.txt").write_text("id/P01/\nid/P04/\n", encoding="utf-8")  # P04 existed once
    result = _cli(project, "new", "principle", "Name the rupture")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "manual/principles/P05.md"
    text = (project / "manual" / "principles" / "P05.md").read_text(encoding="utf-8")
    assert "\nid: P05\n" in text
    assert '\ntitle: "Name the rupture"\n' in text
    version = (project / "VERSION").read_text(encoding="utf-8").strip()
    assert f"\nsince: {version}\n" in text


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_diff_report_lists_items_links_and_references_that_changed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SITES / "valid", repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    principle = repo / "manual" / "principles" / "P01.md"
    text = principle.read_text(encoding="utf-8")
    text = text.replace("title: Work within tolerable arousal", "title: Stay within tolerable arousal")
    text = text.replace(
        "claim: An optimal zone of arousal for integration\n    kind: theory",
        "claim: An optimal zone of arousal for integration\n    kind: review",
    )
    principle.write_text(text, encoding="utf-8")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "head")
    result = _cli(repo, "diff-report", "HEAD~1", "HEAD")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "## Traceability report: HEAD~1 → HEAD" in report
    assert "- **P01** Work within tolerable arousal → Stay within tolerable arousal" in report
    assert "### Evidence links re-graded (1)" in report
    assert "- P01: `siegel1999developing`: theory, psychotherapy, supports → review, psychotherapy, supports" in report
    assert "### Items added (0)" in report


def test_diff_report_names_an_unknown_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SITES / "valid", repo)
    _git(repo, "init", "-q")
    result = _cli(repo, "diff-report", "no-such-rev", "HEAD")
    assert result.returncode == 2
    assert "unknown git revision 'no-such-rev'" in result.stderr
