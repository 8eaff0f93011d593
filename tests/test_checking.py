"""`make check` finds exactly what loading the project for the site finds, also when it reuses what it kept from
its last run: each test edits a project step by step and compares the two after every step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from imap.checking.incremental import check_project
from imap.checking.project import load_project
from imap.reading import manual_files as manual_files_module
from tests.conftest import ROOT, make_project


def formatted(root: Path, cache: Path) -> list[str]:
    """The check's report (with its cache), after asserting that it is the site build's."""
    found = [d.format() for d in check_project(root, cache).diagnostics]
    assert found == [d.format() for d in load_project(root).diagnostics]
    return found


def test_the_real_manual_checks_as_it_loads(tmp_path: Path) -> None:
    manual = load_project(ROOT).manual
    for _ in range(2):  # a first run, then one that reuses everything
        checked = check_project(ROOT, tmp_path)
        assert checked.diagnostics == load_project(ROOT).diagnostics
        assert (checked.items, checked.references) == (len(manual.items), len(manual.references))


def _replace(path: Path, old: str, new: str) -> Callable[[], None]:
    def edit() -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def test_an_edit_elsewhere_reaches_the_unchanged_files_it_concerns(tmp_path: Path) -> None:
    """The results kept for an unchanged file depend on the other files: removing what it links to, cites or names
    must show up on it, and restoring it must clear the error again."""
    root, cache = make_project(tmp_path / "project", "valid"), tmp_path / "cache"
    principles, chapters = root / "manual" / "principles", root / "manual" / "chapters"
    theory = (root / "manual" / "theories" / "T01.md").read_text(encoding="utf-8")
    bib = (root / "references.bib").read_text(encoding="utf-8")
    assert formatted(root, cache) == []

    _replace(principles / "P01.md", "Fixture text [@siegel1999developing].", "Fixture text [@nosuch2000].")()
    assert any("P01.md" in line and "[citation.unknown-key]" in line for line in formatted(root, cache))

    (root / "manual" / "theories" / "T01.md").unlink()  # P01 (unchanged since the last run) lists T01
    assert any(
        line.startswith("manual/principles/P01.md:") and "T01, which does not exist" in line
        for line in formatted(root, cache)
    )
    (root / "manual" / "theories" / "T01.md").write_text(theory, encoding="utf-8")
    assert not any("T01, which does not exist" in line for line in formatted(root, cache))

    (root / "references.bib").write_text(bib.replace("@book{siegel1999developing,", "@book{renamed1999,"), "utf-8")
    assert any(
        line.startswith("manual/principles/P01.md:") and "unknown source key 'siegel1999developing'" in line
        for line in formatted(root, cache)
    )
    (root / "references.bib").write_text(bib, encoding="utf-8")
    assert not any("unknown source key" in line for line in formatted(root, cache))

    _replace(chapters / "C02.md", "part: safety-ethics", "part: research")()  # P01 lists C02 under safety
    assert any(
        line.startswith("manual/principles/P01.md:") and "[link.wrong-part]" in line for line in formatted(root, cache)
    )
    _replace(chapters / "C02.md", "part: research", "part: safety-ethics")()

    _replace(principles / "P01.md", "id: H01a", "id: H01b")()  # C01 names hypothesis H01a
    assert any(
        line.startswith("manual/chapters/C01.md:") and "unknown item 'H01a'" in line for line in formatted(root, cache)
    )
    _replace(principles / "P01.md", "id: H01b", "id: H01a")()

    (principles / "P02.md").write_text((principles / "P01.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert any("[id.duplicate]" in line for line in formatted(root, cache))
    (principles / "P02.md").unlink()
    _replace(principles / "P01.md", "Fixture text [@nosuch2000].", "Fixture text [@siegel1999developing].")()
    assert formatted(root, cache) == []


def test_a_check_after_editing_one_file_parses_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = make_project(tmp_path / "project", "valid"), tmp_path / "cache"
    parsed: list[str] = []
    parse = manual_files_module._parse_item

    def counted(relative: str, *args: object) -> object:
        parsed.append(relative)
        return parse(relative, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(manual_files_module, "_parse_item", counted)
    check_project(root, cache)
    assert len(parsed) == 8  # the first run parses every item
    parsed.clear()
    check_project(root, cache)
    assert parsed == []
    _replace(root / "manual" / "principles" / "P01.md", "Fixture text", "Edited fixture text")()
    assert check_project(root, cache).diagnostics == ()
    assert parsed == ["manual/principles/P01.md"]
