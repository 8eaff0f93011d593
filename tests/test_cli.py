"""The authors' commands: scaffolding a new item with the next free ID (its title checked and written as YAML that
loads back as exactly that title), and the traceability report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from imap import cli
from imap.model.items import Kind
from imap.reading import frontmatter
from tests.conftest import ROOT, SITES, make_project


def _cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imap.cli", "--root", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _front_matter(text: str) -> dict[str, object]:
    split, problems = frontmatter.split("new.md", text)
    assert split is not None, problems
    data = yaml.safe_load(split.yaml_text)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def scaffolding(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "p", "valid")
    shutil.copytree(ROOT / "templates", project / "templates")
    return project


def _new_files(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "manual" / "principles").glob("*.md"))


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


TRICKY_TITLES = [
    'Say "no": then # wait',
    "It's 'quoted'",
    "- a leading dash",
    "* a leading star",
    "& an anchor",
    "! a tag",
    "% a directive",
    "@ at",
    "`backticks` and $(dollar) and $$HOME",
    "| pipe",
    "> fold",
    "{ flow: map }",
    "[flow, list]",
    "---",
    "...",
    "null",
    "true",
    "1.0",
    "~",
    r"back\slash \1 \g<0> \n",
    "  spaced  ",
    "Ünïcödé — ☯ 🍄 \u200d",
    "bidi \u202e text",
    "\ufeffbyte-order mark, non-characters \ufffe\uffff",
]


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_a_new_items_title_loads_back_as_exactly_the_title_given(scaffolding: Path, title: str) -> None:
    result = _cli(scaffolding, "new", "principle", "--", title)
    assert result.returncode == 0, result.stderr
    data = _front_matter((scaffolding / result.stdout.strip()).read_text(encoding="utf-8"))
    assert data["title"] == title
    assert data["id"] == "P02"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1))
def test_any_accepted_title_loads_back_exactly(title: str) -> None:
    if cli.title_problem(title) is not None:
        return
    template = (ROOT / "templates" / "principle.md").read_text(encoding="utf-8")
    text = cli.scaffold(template, "P07", title, "1.2.3")
    data = _front_matter(text)
    assert (data["id"], data["title"], data["since"]) == ("P07", title, "1.2.3")
    assert text.count("\n") == template.count("\n")  # the title takes one line


@pytest.mark.parametrize(
    "title",
    [
        "two\nlines",
        "carriage\rreturn",
        "bell\x07",
        "escape \x1b[31m red",
        "tab\there",
        "line\u2028separator",
        "next\x85line",
    ],
)
def test_a_title_with_a_line_break_or_control_character_is_refused(scaffolding: Path, title: str) -> None:
    result = _cli(scaffolding, "new", "principle", "--", title)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: the title contains a line break or control character (U+")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert _new_files(scaffolding) == ["P01.md"]


def test_new_from_the_environment_as_make_new_runs_it(scaffolding: Path) -> None:
    env = {**os.environ, cli.NEW_KIND_VARIABLE: "principle", cli.NEW_TITLE_VARIABLE: "From `the` $(environment)"}
    result = _cli(scaffolding, "new", "--from-env", env=env)
    assert result.returncode == 0, result.stderr
    assert _front_matter((scaffolding / "manual/principles/P02.md").read_text(encoding="utf-8"))["title"] == (
        "From `the` $(environment)"
    )
    for kind, title, message in [
        ("", "A title", cli.NEW_USAGE),
        ("principle", "", cli.NEW_USAGE),
        ("Principle\nx", "A title", "error: unknown kind 'Principle\\nx' (choose "),
        ("principle", "   ", "error: the title is empty"),
    ]:
        env = {**os.environ, cli.NEW_KIND_VARIABLE: kind, cli.NEW_TITLE_VARIABLE: title}
        result = _cli(scaffolding, "new", "--from-env", env=env)
        assert result.returncode == 2
        assert result.stderr.startswith(message)
        assert result.stderr.count("\n") == 1
    assert _cli(scaffolding, "new", "--from-env", "principle", "x").returncode == 2
    assert _cli(scaffolding, "new", "principle").returncode == 2
    assert _new_files(scaffolding) == ["P01.md", "P02.md"]


def test_every_kind_can_be_scaffolded(scaffolding: Path) -> None:
    for kind in Kind:
        result = _cli(scaffolding, "new", kind.value, f"A new {kind.value}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().startswith(f"manual/{kind.folder}/{kind.prefix}")


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
