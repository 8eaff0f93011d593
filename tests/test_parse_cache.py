"""The parse cache: `make check` and rebuilds parse only what changed, and what they report never depends on what
the cache held. Every test compares a run that reuses parse results with one that parses everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imap.checking.project import Project, load_project
from imap.reading import bibliography
from imap.reading.manual_files import CACHE_DIR
from imap.reading.parsecache import ParseCache, digest, fingerprint
from tests.helpers import BIB, minimal, write

ROOT = Path(__file__).resolve().parent.parent


def reported(project: Project) -> list[str]:
    return [d.format() for d in project.diagnostics]


def same(cached: Project, fresh: Project) -> None:
    assert reported(cached) == reported(fresh)
    assert cached.manual.items == fresh.manual.items
    assert cached.manual.references == fresh.manual.references
    assert cached.manual.glossary == fresh.manual.glossary
    assert [i.marks for i in cached.manual.items] == [i.marks for i in fresh.manual.items]


def test_the_real_manual_loads_the_same_from_the_cache(tmp_path: Path) -> None:
    first = load_project(ROOT, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("references-")) == [
        "parsed-citation.json",
        "parsed-glossary.json",
        "parsed-items-chapters.json",
        "parsed-items-forms.json",
        "parsed-items-interventions.json",
        "parsed-items-principles.json",
        "parsed-items-sessions.json",
        "parsed-items-theories.json",
        "parsed-references.json",
    ]
    again = load_project(ROOT, tmp_path)
    same(again, first)
    same(again, load_project(ROOT))


def test_an_edited_file_is_parsed_again_and_its_new_errors_are_reported(tmp_path: Path) -> None:
    root, cache = minimal(tmp_path / "project"), tmp_path / "cache"
    assert reported(load_project(root, cache)) == []
    principle = root / "manual" / "principles" / "P01.md"
    principle.write_text(principle.read_text().replace("title: A principle", "title: A principle\ntitel: typo"))
    broken = load_project(root, cache)
    assert reported(broken) == reported(load_project(root))
    assert any(line.startswith("manual/principles/P01.md:4: error:") for line in reported(broken))
    principle.write_text(principle.read_text().replace("titel: typo\n", ""))
    assert reported(load_project(root, cache)) == []


def test_a_reference_inserted_above_others_moves_their_lines(tmp_path: Path) -> None:
    """Unchanged entries come from the cache, but each is reported at its line in the file as it is now."""
    root, cache = minimal(tmp_path / "project"), tmp_path / "cache"
    load_project(root, cache)
    bad = "@book{broken2001,\n  title = {Bad year},\n  year = {19999}\n}\n\n"
    again = "\n@book{siegel1999developing,\n title={Again}, year={2001}\n}\n"
    lines = (bad + BIB + again).split("\n")
    first, second = (i + 1 for i, line in enumerate(lines) if line == "@book{siegel1999developing,")
    write(root, "references.bib", bad + BIB + again)
    cached, fresh = load_project(root, cache), load_project(root)
    same(cached, fresh)
    assert cached.manual.references["siegel1999developing"].location.line == first
    assert any(
        line.startswith("references.bib:3: error: entry 'broken2001' has an impossible year")
        for line in reported(cached)
    )
    assert (
        f"references.bib:{second}: error: entry key 'siegel1999developing' is used twice "
        f"(the first entry with this key is on line {first}) [bib.duplicate-key]"
    ) in reported(cached)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(BIB, id="plain"),
        pytest.param("% a comment\n" + BIB.replace("}\n\n@book", "\n\n@book", 1), id="unbalanced braces"),
        pytest.param("@string{gp = {Guilford Press}}\n" + BIB.replace("{Guilford Press}", "gp"), id="@string"),
        pytest.param(BIB.replace("year    = {2000},", "year = {2000},\n@misc{inside, title = {x}},"), id="@ inside"),
        pytest.param(BIB + BIB, id="duplicates"),
    ],
)
def test_the_bibliography_read_in_pieces_is_the_bibliography_read_whole(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pieces = bibliography.pieces(text)
    assert "".join(piece for _, piece in pieces) == text
    offset = 0
    for line, piece in pieces:
        assert line == text.count("\n", 0, offset)
        offset += len(piece)
    cache: ParseCache[tuple[bibliography.ParsedBlock, ...]] = ParseCache(None, "")
    in_pieces = bibliography.load("references.bib", text, cache)
    assert bibliography.load("references.bib", text, cache) == in_pieces  # every piece from the cache
    monkeypatch.setattr(bibliography, "pieces", lambda whole: [(0, whole)])
    assert bibliography.load("references.bib", text) == in_pieces


def test_a_cache_from_other_code_or_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    root, cache = minimal(tmp_path / "project"), tmp_path / "cache"
    expected = reported(load_project(root))
    load_project(root, cache)
    items = cache / "parsed-items-principles.json"
    items.write_bytes(items.read_bytes()[:100])
    assert reported(load_project(root, cache)) == expected
    principle = root / "manual" / "principles" / "P01.md"
    key = digest(principle.relative_to(root).as_posix(), principle.read_bytes())
    assert ParseCache(items, fingerprint()).get(key) is not None  # rewritten whole
    assert ParseCache(items, "other code").get(key) is None


def test_make_check_keeps_its_cache_in_the_projects_cache_directory(tmp_path: Path) -> None:
    from imap import cli

    root = minimal(tmp_path / "project")
    assert cli.main(["--root", str(root), "check"]) == 0
    assert (root / CACHE_DIR / "parsed-items-principles.json").is_file()
    shutil.rmtree(root / CACHE_DIR)
    assert cli.main(["--root", str(root), "check"]) == 0
