"""Formatted references are kept in a cache directory between builds: reused while nothing they depend on changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from imap.citing import citeproc
from imap.reading import bibliography
from tests.helpers import BIB


def _format(cache: Path | None, text: str = BIB) -> dict[str, citeproc.Formatted]:
    references, problems = bibliography.load("references.bib", text)
    assert problems == []
    return citeproc.format_references(text, references, cache)


@pytest.fixture
def citeproc_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times the references are formatted (each formats every reference, in one pandoc run)."""
    runs: list[int] = []
    real = citeproc._process

    def counting(bibtex: str, started: Any, references: Any) -> citeproc.Result:
        runs.append(len(references))
        return real(bibtex, started, references)

    monkeypatch.setattr(citeproc, "_process", counting)
    return runs


def test_a_second_build_with_the_same_bibliography_does_not_run_citeproc(
    tmp_path: Path, citeproc_runs: list[int]
) -> None:
    first = _format(tmp_path)
    second = _format(tmp_path)
    assert citeproc_runs == [2]
    assert second == first
    assert list(second) == list(first)  # reference-list order kept
    assert second["ehlers2000cognitive"].label == "Ehlers & Clark, 2000"


def test_a_changed_bibliography_is_formatted_again(tmp_path: Path, citeproc_runs: list[int]) -> None:
    _format(tmp_path)
    changed = _format(tmp_path, BIB.replace("{2000}", "{2001}"))
    assert citeproc_runs == [2, 2]
    assert changed["ehlers2000cognitive"].label == "Ehlers & Clark, 2001"
    assert len(list(tmp_path.glob("references-*.json"))) == 1  # the stale file is removed


@pytest.mark.parametrize(
    "content", ["", "{not json", '[{"key": 1}]', "[]", '{"a": 1}', '{"formatted": [{"key": 1}], "problems": []}']
)
def test_a_corrupt_cache_file_is_ignored(tmp_path: Path, citeproc_runs: list[int], content: str) -> None:
    expected = _format(tmp_path)
    (cache_file,) = tmp_path.glob("references-*.json")
    cache_file.write_text(content, encoding="utf-8")
    assert _format(tmp_path) == expected
    assert citeproc_runs == [2, 2]
    assert _format(tmp_path) == expected  # and the file is repaired
    assert citeproc_runs == [2, 2]


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, citeproc_runs: list[int]) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    first = _format(blocked / "cache")
    assert first == _format(None)
    assert citeproc_runs == [2, 2]


def test_cite_this_is_reused_until_the_version_or_an_item_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imap.checking.project import load_project
    from imap.citing import manual_citation
    from tests.conftest import SITES

    runs: list[int] = []
    real = manual_citation._format

    def counting(records: list[dict[str, Any]]) -> dict[str, str]:
        runs.append(len(records))
        return real(records)

    monkeypatch.setattr(manual_citation, "_format", counting)
    items = list(load_project(SITES / "valid").manual.items)
    urls = {i.id: f"https://example.org/0.1/id/{i.id}/" for i in items}
    work = manual_citation.Work(version="0.1.0", date="2026-01-15")
    first = manual_citation.cite_items(work, items, urls, tmp_path)
    assert manual_citation.cite_items(work, items, urls, tmp_path) == first
    assert runs == [len(items)]
    newer = manual_citation.cite_items(manual_citation.Work(version="0.2.0", date="2026-03-01"), items, urls, tmp_path)
    assert runs == [len(items), len(items)]
    assert "(Version 0.2.0)" in newer["P01"].apa_text
    assert len(list(tmp_path.glob("items-*.json"))) == 1  # the earlier result is dropped


def test_pandoc_reads_the_bibliography_while_the_checks_read_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold build or `make check` starts pandoc on references.bib before the checks read it, so that the two
    readings take the time of one (pandoc's writer waits for the fix-ups the checks' reading gives)."""
    from imap.checking import project
    from imap.citing import pandoc
    from tests.conftest import SITES

    events: list[str] = []
    real_start, real_load = pandoc.Run.__init__, bibliography.load

    def start(run: pandoc.Run, arguments: list[str], files: dict[str, bytes] | None = None) -> None:
        events.append("pandoc started")
        real_start(run, arguments, files)

    def load(*args: Any) -> Any:
        events.append("checks read")
        return real_load(*args)

    monkeypatch.setattr(pandoc.Run, "__init__", start)
    monkeypatch.setattr(bibliography, "load", load)
    references, _text, problems = project.load_references(SITES / "valid")
    assert events == ["pandoc started", "checks read"]
    assert references and not [p for p in problems if p.code == "bib.engine"]


@pytest.fixture
def pandoc_runs(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every pandoc run started (imap.citing.pandoc.Run), to look at once it is over."""
    from imap.citing import pandoc

    runs: list[pandoc.Run] = []
    real_start = pandoc.Run.__init__

    def start(run: pandoc.Run, arguments: list[str], files: dict[str, bytes] | None = None) -> None:
        real_start(run, arguments, files)
        runs.append(run)

    monkeypatch.setattr(pandoc.Run, "__init__", start)
    return runs


def test_a_run_whose_result_is_never_asked_is_stopped(pandoc_runs: list[Any]) -> None:
    """A bibliography the checks cannot parse is never formatted: the pandoc started on it is stopped and its
    temporary folder removed, leaving nothing running."""
    with citeproc.Pending(BIB):
        pass
    (run,) = pandoc_runs
    assert run._process is None
    assert not Path(run._folder.name).exists()


def test_a_run_past_its_time_is_stopped_and_its_message_names_no_file(
    monkeypatch: pytest.MonkeyPatch, pandoc_runs: list[Any]
) -> None:
    from imap.citing import pandoc

    monkeypatch.setattr(pandoc, "TIMEOUT_SECONDS", 0.001)
    references, _ = bibliography.load("references.bib", BIB)
    (problem,) = citeproc.problems(BIB, references)
    assert problem.format() == (
        "references.bib: error: pandoc took longer than 0.001 seconds and was stopped [bib.engine]"
    )
    (run,) = pandoc_runs
    assert run._process is None and not Path(run._folder.name).exists()
