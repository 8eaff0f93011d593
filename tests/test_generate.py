"""Engine-neutral pages: `python -m imap generate DIR` writes a complete site source as plain files, and MkDocs
builds from it the same site as from the project itself (with its adapter hook)."""

from __future__ import annotations

import sys
from pathlib import Path

from imap.publishing import generate
from tests.conftest import ROOT, make_project, run
from tools import engines


def _generate(project: Path, out: Path) -> tuple[int, str]:
    result = run([sys.executable, "-m", "imap", "--root", str(project), "generate", str(out)], ROOT)
    return result.returncode, result.stderr


def test_the_generated_tree_holds_every_page_complete(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", "valid")
    out = tmp_path / "out"
    code, stderr = _generate(project, out)
    assert code == 0, stderr
    assert stderr.strip().startswith("ok: ")
    pages = {p.relative_to(out / "docs").as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.md")}
    # Every page of docs/ and every item of the manual, at the path an engine gives it.
    sources = {path for path, _ in generate.source_pages(project)}
    assert set(pages) == sources
    assert "manual/principles/P01.md" in pages
    # Pages that call macros have the macros' output in their place, and no front matter key of the generator.
    evidence = pages["overview/principle-evidence.md"]
    assert "{{" not in evidence and "render_macros" not in evidence
    assert "| Source | What it bears on | Kind | Context | Stance |" in evidence
    # Item pages are complete: the generated sections and the permanent address the theme reads.
    principle = pages["manual/principles/P01.md"]
    assert principle.startswith("---\ntitle: ")
    assert "imap_permalink: id/P01/\n" in principle
    assert "## Evidence { #evidence }" in principle and "## Cite this" in principle
    assert "Last changed on" in pages["index.md"] or "Date of last change not recorded" in pages["index.md"]
    # The data files and the permanent-address pages are there, as the site publishes them.
    assert (out / "docs" / "data" / "manual.json").is_file()
    assert (out / "docs" / "id" / "P01" / "index.html").is_file()
    # The configuration spells out the navigation and has no adapter hook and no watched sources.
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks/adapter.py" not in config and "\nwatch:" not in config
    assert "manual/principles/P01.md" in config
    listed = config.split("\nhooks:\n", 1)[1].split("\nmarkdown_extensions:", 1)[0]
    hooks = [line[2:] for line in listed.splitlines()]
    assert hooks == ["hooks/sanitize.py", "hooks/print_site.py", "hooks/abbr.py"]
    assert all((out / hook).is_file() for hook in hooks)
    assert (out / "overrides" / "main.html").is_file()


def test_mkdocs_builds_the_same_site_from_the_generated_tree(tmp_path: Path, valid_site: Path) -> None:
    project = make_project(tmp_path / "project", "valid")
    out = tmp_path / "out"
    code, stderr = _generate(project, out)
    assert code == 0, stderr
    result = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "plain")],
        out,
        {"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert engines.differences(valid_site, tmp_path / "plain") == []


def test_the_comparison_finds_a_changed_page(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for site, text in ((first, "<p>one</p>"), (second, "<p>two</p>")):
        (site / "page").mkdir(parents=True)
        generator = '<meta name="generator" content="mkdocs-1.6.1">' if site is first else ""
        (site / "index.html").write_text(f"<head>{generator}</head>", encoding="utf-8")
        (site / "page" / "index.html").write_text(text, encoding="utf-8")
    (second / "extra.txt").write_text("x", encoding="utf-8")
    assert engines.differences(first, second) == [
        f"only in {second}: extra.txt",
        "differs: page/index.html: -<p>one</p> | +<p>two</p>",
    ]


def test_generate_never_empties_a_folder_it_did_not_write(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", "valid")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    for target in (mine, project, project / ".."):
        code, stderr = _generate(project, target)
        assert code == 2
        assert "was not written by `generate`" in stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    out = tmp_path / "out"
    assert _generate(project, out)[0] == 0
    assert _generate(project, out)[0] == 0  # an earlier run's folder is written again


def test_generate_stops_on_content_errors_with_their_lines(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", "valid")
    page = project / "docs" / "overview" / "principle-evidence.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ item_list('nonsense') }}\n", encoding="utf-8")
    code, stderr = _generate(project, tmp_path / "out")
    assert code == 1
    line = page.read_text(encoding="utf-8").count("\n")
    assert f"docs/overview/principle-evidence.md:{line}: error: item_list('nonsense') cannot be made: " in stderr
    assert "Traceback" not in stderr
