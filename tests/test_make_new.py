"""`make new` passes its KIND and TITLE to Python through the environment: neither the shell nor make runs anything
written in them, the new item's title is exactly the text given, and a title that is not one line is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from imap.reading import frontmatter
from tests.conftest import ROOT, make_project

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with its Makefile and templates, and a stamp newer than requirements.lock of its own, so
    that make never touches the real virtual environment (BIN points make at it to run Python)."""
    project = make_project(tmp_path / "project", "valid")
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "requirements.lock").write_text("", encoding="utf-8")
    stamp = project / "stamp"
    stamp.write_text("", encoding="utf-8")
    os.utime(project / "requirements.lock", (1_000_000_000, 1_000_000_000))
    return project


def _make(project: Path, *assignments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "KIND", "TITLE")}
    return subprocess.run(
        ["make", "--no-print-directory", "new", f"BIN={Path(sys.executable).parent}", "STAMP=stamp", *assignments],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _title(path: Path) -> object:
    split, problems = frontmatter.split(path.name, path.read_text(encoding="utf-8"))
    assert split is not None, problems
    return yaml.safe_load(split.yaml_text)["title"]


def _principles(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "manual" / "principles").glob("*.md"))


# Each runs `touch` on a marker file if the shell or make interprets it.
ATTACKS = [
    "x`touch {marker}`y",
    "$(touch {marker})",
    "$$(touch {marker})",
    "$(shell touch {marker})",
    "$$(shell touch {marker})",
    "$(eval $(shell touch {marker}))",
    '"; touch {marker}; echo "',
    "'; touch {marker}; echo '",
    'x\\"; touch {marker}; #',
    "a; touch {marker}",
    "a && touch {marker} || touch {marker}",
    "$HOME ${{HOME}} $$HOME {{touch,{marker}}} *",
]


@pytest.mark.parametrize("template", ATTACKS)
def test_make_new_runs_nothing_written_in_the_title_and_keeps_it_exactly(project: Path, template: str) -> None:
    marker = project.parent / "PWNED"
    title = template.format(marker=marker)
    result = _make(project, "KIND=principle", f"TITLE={title}")
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert not list(project.parent.rglob("PWNED*"))
    assert result.stdout.splitlines()[-1] == "manual/principles/P02.md"
    assert _title(project / "manual" / "principles" / "P02.md") == title
    assert title not in result.stdout  # the recipe echoed holds no author text


def test_make_new_runs_nothing_written_in_the_kind(project: Path) -> None:
    marker = project.parent / "PWNED"
    for kind in (f"$(shell touch {marker})", f"principle`touch {marker}`", f"principle; touch {marker}"):
        result = _make(project, f"KIND={kind}", "TITLE=A title")
        assert result.returncode != 0
        assert "error: unknown kind" in result.stderr
        assert not marker.exists()
    assert _principles(project) == ["P01.md"]


@pytest.mark.parametrize("title", ["two\nlines", "carriage\rreturn", "escape \x1b[31m"])
def test_make_new_refuses_a_title_that_is_not_one_line(project: Path, title: str) -> None:
    result = _make(project, "KIND=principle", f"TITLE={title}")
    assert result.returncode != 0
    assert "error: the title contains a line break or control character" in result.stderr
    assert "Traceback" not in result.stderr
    assert _principles(project) == ["P01.md"]


def test_make_new_without_a_kind_or_title_prints_the_usage(project: Path) -> None:
    for assignments in ((), ("KIND=principle",), ("TITLE=A title",)):
        result = _make(project, *assignments)
        assert result.returncode != 0
        assert "usage: make new KIND=principle|intervention|theory|chapter|session|form TITLE=" in result.stderr
    assert _principles(project) == ["P01.md"]
