"""What a reader sees is text, not formatting debris: no LaTeX left from the bibliography, no markup escaped twice,
no backslashes left from escaping, no punctuation doubled by formatting, on any page of the built site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Final

import pytest

from imap.checking import reading_level
from tests.conftest import ROOT, make_project, mkdocs_build

DEBRIS: Final = {
    "LaTeX left in the text": re.compile(r"\$\\|\{\\|\\(?:pm|alpha|beta|textit|emph|url)\b"),
    "a backslash left from escaping": re.compile(r"\\[=~^|<>*_#+!\[\]{}`]"),
    "markup escaped twice": re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);"),
    "a full stop after a question or exclamation mark": re.compile(r"[?!]\.(?=\s|$)"),
    "doubled punctuation": re.compile(r"(?<![.])\.\.(?![./])|,,|;;|\w \.(?=[\s,;)]|$)"),
}


def debris(page: str) -> list[str]:
    """Each piece of formatting debris in a page's visible text, with what it is and its context."""
    text = reading_level.visible_text(page, " ⟨code⟩ ")
    return [
        f"{what}: …{text[max(0, m.start() - 40) : m.end() + 20]}…".replace("\n", " ")
        for what, pattern in DEBRIS.items()
        for m in pattern.finditer(text)
    ]


def test_the_guard_finds_what_it_is_for() -> None:
    assert debris("<p>Effects of $\\pm$3,4-MDMA</p>")
    assert debris("<p>r \\= .278</p>")
    assert debris("<p>P03-&amp;lt;words&gt;.md</p>")
    assert debris("<p>Do They Work?. Brief Treatment</p>")
    assert debris("<p>Ahn, H.-. nie ., &amp; Wampold</p>")
    assert not debris("<p>Mitchell et al., 2021. See ../manual and <code>$\\pm \\= ?.</code> e.g. ...</p>")


@pytest.fixture(scope="module")
def complete_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real manual built with every file a page is made from, the changelog and address registry included (their
    text reaches each item's History section and the "What changed" page)."""
    project_dir = make_project(tmp_path_factory.mktemp("guard") / "project")
    for name in ("CHANGELOG.md", "addresses.txt"):
        shutil.copy2(ROOT / name, project_dir / name)
    result = mkdocs_build(project_dir)
    assert result.returncode == 0, result.stderr
    return project_dir / "site"


def test_no_page_shows_formatting_debris(complete_site: Path) -> None:
    found = {
        str(page.relative_to(complete_site)): problems
        for page in sorted(complete_site.rglob("*.html"))
        if (problems := debris(page.read_text(encoding="utf-8")))
    }
    assert found == {}
