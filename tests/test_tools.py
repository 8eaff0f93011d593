"""Project tools: the link checker fails on a broken link or anchor and passes a sound site."""

from __future__ import annotations

from pathlib import Path

from tools import linkcheck
from tools.vendor import _integrity_ok


def _site(root: Path, link: str) -> Path:
    (root / "a").mkdir(parents=True)
    (root / "index.html").write_text(f'<html><body><a href="{link}">x</a></body></html>', encoding="utf-8")
    (root / "a" / "index.html").write_text('<html><body><h2 id="here">Here</h2></body></html>', encoding="utf-8")
    return root


def test_link_checker_passes_a_sound_site(tmp_path: Path) -> None:
    ok, report = linkcheck.check(_site(tmp_path / "site", "a/#here"))
    assert ok, report


def test_link_checker_reports_a_missing_anchor(tmp_path: Path) -> None:
    ok, report = linkcheck.check(_site(tmp_path / "site", "a/#nowhere"))
    assert not ok
    assert "nowhere" in report


def test_link_checker_reports_a_missing_anchor_on_the_same_page_and_from_a_deeper_page(tmp_path: Path) -> None:
    """LinkChecker's own anchor check missed an anchor missing on the page itself (the print edition's link to a page
    it leaves out); each page is parsed once, and a link is resolved as a browser resolves it."""
    site = _site(tmp_path / "site", "#nowhere")
    (site / "a" / "b").mkdir()
    (site / "a" / "b" / "index.html").write_text('<a href="../#here">ok</a> <a href="../../a/#gone">x</a>', "utf-8")
    ok, report = linkcheck.check(site)
    assert not ok
    assert "2 anchors not found" in report
    assert linkcheck.missing_anchors(site) == ["a/b/index.html:1: ../../a/#gone", "index.html:1: #nowhere"]


def test_link_checker_reports_a_missing_page(tmp_path: Path) -> None:
    ok, report = linkcheck.check(_site(tmp_path / "site", "b/"))
    assert not ok
    assert "404" in report


def test_vendored_files_are_checked_against_their_integrity_hash() -> None:
    assert _integrity_ok(
        b"", "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )
    assert not _integrity_ok(
        b"x", "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )
