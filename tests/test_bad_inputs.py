"""Inputs no author meant, each a diagnostic with its file and line, found alike by `make check` and the build, never a
traceback, a hang, or a file silently taken as absent: IDs past the scheme (P00, a 5,000-digit number) wherever IDs
are read, changelog ranges past their bounds, and something other than a readable file where the build reads one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from imap import cli
from imap.citing import manual_citation
from imap.model.items import Kind
from imap.reading import addresses, changelog, inputs, manual_files
from tests.conftest import ROOT
from tests.helpers import PRINCIPLE, THEORY, diagnostics, formatted, minimal, scaffolding, within, write

T = TypeVar("T")
HUGE = "1" * 5000  # past Python's limit on converting digits to a number (4,300)


def _codes(root: Path) -> list[tuple[str, int, str]]:
    return [(d.location.path, d.location.line, d.code) for d in diagnostics(root)]


def _changelog(root: Path, entry: str) -> None:
    write(root, "CHANGELOG.md", f"# Changelog\n\n## [Unreleased]\n\n### Changed\n\n- {entry}\n")


# --- changelog ranges --------------------------------------------------------------------------------------------


def test_a_range_to_a_huge_number_is_an_error_with_its_line_not_a_memory_exhaustion(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _changelog(root, "Retitled P01–P99999999.")
    assert within(20, lambda: formatted(root)) == [
        "CHANGELOG.md:7: error: the changelog entry names 'P99999999', which is not an ID of the scheme "
        "(an ID is C, T, P, I, S or F and a number from 01 to 99, then 100 to 9999 (P03); a hypothesis, H03a) "
        "[id.malformed]"
    ]


def test_a_range_ending_in_a_5000_digit_number_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _changelog(root, f"Retitled P01-P{HUGE} and T{HUGE}.")
    found = formatted(root)
    assert [line.split(" error: ")[0] for line in found] == ["CHANGELOG.md:7:", "CHANGELOG.md:7:"]
    assert all(line.endswith("[id.malformed]") and len(line) < 300 for line in found)  # the number is cut short


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("P01–P1200", "names 1,200 IDs, more than 1,000"),
        ("P12-P01", "runs backwards"),
        ("P01–T01", "joins IDs of two kinds"),
        ("H01a–P01", "joins IDs of two kinds"),
        ("H01a–H02a", "joins hypotheses of two principles"),
        ("H01c–H01a", "runs backwards"),
    ],
)
def test_a_range_that_cannot_be_meant_is_an_error(tmp_path: Path, entry: str, problem: str) -> None:
    root = minimal(tmp_path)
    _changelog(root, f"Changed {entry}.")
    first, last = entry.replace("–", "-").split("-")
    assert [line for line in formatted(root) if "[changelog.range]" in line] == [
        f"CHANGELOG.md:7: error: the range {first}–{last} {problem} (a range joins two IDs of one kind, lower first, "
        "and names at most 1,000 IDs (C05–C11, or H03a–H03c within one principle); name the IDs one by one "
        "otherwise) [changelog.range]"
    ]


def test_ranges_within_the_bounds_name_every_id_in_them() -> None:
    assert changelog.mentioned_ids("P98–P101, C05 - C05, H03a–H03c") == (
        "P98",
        "P99",
        "P100",
        "P101",
        "C05",
        "H03a",
        "H03b",
        "H03c",
    )
    assert len(changelog.mentioned_ids("P01–P1000")) == changelog.MAX_RANGE
    assert changelog.mentioned_ids("T1 and P3 are prose, P01a and TP01 are not IDs") == ()


def test_a_changelog_id_that_breaks_the_scheme_is_an_error(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _changelog(root, "Changed P00, P010 and H00a; kept P01.")
    assert _codes(root) == [("CHANGELOG.md", 7, "id.malformed")] * 3


# --- IDs start at 01 and have at most four digits, wherever they are read ----------------------------------------


def test_id_p00_is_refused(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "manual/principles/P00.md", PRINCIPLE.replace("id: P01", "id: P00").replace("H01a", "H00a"))
    assert _codes(root) == [
        ("manual/principles/P00.md", 2, "id.malformed"),
        ("manual/principles/P00.md", 13, "id.malformed"),
    ]


def test_a_hypothesis_h00a_is_refused(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "manual/principles/P01.md", PRINCIPLE.replace("H01a", "H00a"))
    assert _codes(root) == [("manual/principles/P01.md", 13, "id.malformed")]


def test_an_id_of_five_digits_is_refused_and_of_four_accepted(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "manual/theories/T10000.md", THEORY.replace("id: T01", "id: T10000"))
    write(root, "manual/theories/T1200.md", THEORY.replace("id: T01", "id: T1200"))
    write(root, "manual/theories/T100.md", THEORY.replace("id: T01", "id: T100"))
    assert _codes(root) == [("manual/theories/T10000.md", 2, "id.malformed")]


def test_a_front_matter_list_entry_written_as_an_id_but_not_one_is_malformed(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "manual/principles/P01.md", PRINCIPLE.replace("theories: [T01]", f"theories: [T01, T00, T3, T{HUGE}]"))
    write(root, "glossary.yml", "- term: PTSD\n  definition: A disorder.\n  see: [P00, P01]\n")
    found = formatted(root)
    assert [line.split(" error: ")[0] for line in found] == [
        "glossary.yml:3:",
        "manual/principles/P01.md:6:",
        "manual/principles/P01.md:6:",
        "manual/principles/P01.md:6:",
    ]
    assert all(line.endswith("[id.malformed]") and len(line) < 300 for line in found)
    assert "'theories' entry 'T00' is not an ID" in "\n".join(found)


# --- addresses.txt, and `make new`, which takes the IDs used before from it ---------------------------------------


def test_a_registry_address_with_a_malformed_id_is_an_error_with_its_line(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "addresses.txt", f"# registry\nid/P01/\nid/P00/\nmanual/principles/P{HUGE}-words/\nid/H00a/\nfaq/\n")
    found = formatted(root)
    assert [line.split(" error: ")[0] for line in found] == ["addresses.txt:3:", "addresses.txt:4:", "addresses.txt:5:"]
    assert all(line.endswith("[id.malformed]") and len(line) < 300 for line in found)


def test_next_id_never_fails_and_new_refuses_a_registry_with_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scaffolding(tmp_path)
    write(root, "addresses.txt", f"id/P01/\nid/P{HUGE}/\nid/P04/\n")
    assert cli.next_id(root, Kind.PRINCIPLE) == "P05"
    assert cli.main(["--root", str(root), "new", "principle", "A title"]) == 1
    assert "addresses.txt:2: error: the address" in capsys.readouterr().err
    assert not (root / "manual/principles/P05.md").exists()


def test_next_id_counts_files_named_with_words_and_stops_at_the_last_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scaffolding(tmp_path)
    (root / "manual/principles/P01.md").rename(root / "manual/principles/P01-a-principle.md")
    assert cli.next_id(root, Kind.PRINCIPLE) == "P02"
    write(root, "addresses.txt", "id/P9999/\n")
    assert cli.next_id(root, Kind.PRINCIPLE) is None
    assert cli.main(["--root", str(root), "new", "principle", "A title"]) == 1
    assert "every principle ID up to P9999 is taken" in capsys.readouterr().err


def test_a_registry_that_is_not_text_is_an_error_and_reads_as_empty(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "addresses.txt", b"id/P01/\n\xff\n")
    assert _codes(root) == [("addresses.txt", 2, "file.encoding")]
    assert addresses.read_registry(root) == []


# --- something other than a readable file where the build reads a file -------------------------------------------

INPUTS = [
    "glossary.yml",
    "CHANGELOG.md",
    "references.bib",
    "CITATION.cff",
    "addresses.txt",
    "manual/principles/P01.md",  # in place of an item
    "manual/principles/P02.md",  # a new one
    "docs/page.md",
]


def _replace(root: Path, relative: str, make: Callable[[Path], None]) -> None:
    path = root / relative
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    make(path)


# What follows from references.bib not being read: its keys are unknown where they are cited.
CASCADE = {"evidence.unknown-source", "citation.unknown-key"}


def _others(found: list[str], code: str) -> set[str]:
    """The codes of the lines found besides `code` and what follows from the bibliography not being read."""
    return {line.rsplit("[", 1)[1].rstrip("]") for line in found} - {code} - CASCADE


def _not_a_file(relative: str, what: str) -> str:
    return (
        f"{relative}: error: the build reads this as a file, but it is {what} (put the file itself in its place) "
        "[file.not-a-file]"
    )


@pytest.mark.parametrize("relative", INPUTS)
def test_a_folder_where_a_file_is_read_is_an_error_never_absence(tmp_path: Path, relative: str) -> None:
    root = minimal(tmp_path)
    _replace(root, relative, lambda path: path.mkdir())
    (root / relative / "inside.txt").write_text("x", encoding="utf-8")  # as git would keep it: not empty
    if relative == "docs/page.md":  # a folder of pages, as MkDocs takes it: only what is in it is read (and a file
        # in it that is not a page or a picture is refused, as anywhere under docs/)
        assert [line.rsplit(" [", 1)[1] for line in formatted(root)] == ["file.unexpected]"]
        return
    found = formatted(root)
    assert _not_a_file(relative, "a folder") in found
    assert _others(found, "file.not-a-file") <= {"file.unexpected"}  # the file in the folder is not a page


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize("relative", [*INPUTS, "VERSION"])
def test_a_named_pipe_where_a_file_is_read_is_an_error_and_never_waited_on(tmp_path: Path, relative: str) -> None:
    root = minimal(tmp_path)
    _replace(root, relative, os.mkfifo)
    found = within(20, lambda: formatted(root))
    if relative == "VERSION":
        assert found == ["VERSION: error: VERSION is a named pipe [version.format]"]
        return
    assert _not_a_file(relative, "a named pipe") in found
    assert _others(found, "file.not-a-file") == set()
    if relative == "CITATION.cff":  # what the build reads besides: the defaults, at once
        assert within(20, lambda: manual_citation.read_work(root, "0.1.0", "")) == manual_citation.Work(version="0.1.0")
    if relative == "addresses.txt":
        assert within(20, lambda: addresses.read_registry(root)) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_link_to_a_named_pipe_is_reported_and_never_opened(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    os.mkfifo(tmp_path / "pipe")
    (root / "glossary.yml").symlink_to(tmp_path / "pipe")
    (root / "references.bib").rename(tmp_path / "references.bib")
    (root / "references.bib").symlink_to(tmp_path / "pipe")
    found = within(20, lambda: _codes(root))
    assert ("glossary.yml", 0, "file.symlink") in found
    assert ("references.bib", 0, "file.symlink") in found
    assert {code for _, _, code in found} - CASCADE == {"file.symlink"}


def _denied(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Opening `denied` fails as a file without read permission does (tests may run as root, who may read any)."""
    real_open = os.open

    def fake_open(path: str | os.PathLike[str], flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


@pytest.mark.parametrize("relative", INPUTS)
def test_a_file_that_cannot_be_read_is_an_error_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: str
) -> None:
    root = minimal(tmp_path)
    write(root, relative, (root / "manual/principles/P01.md").read_text(encoding="utf-8"))
    _denied(monkeypatch, root / relative)
    found = formatted(root)
    assert (
        f"{relative}: error: the file cannot be read: Permission denied (check that it is a file you can read (its "
        "permissions)) [file.unreadable]"
    ) in found
    assert _others(found, "file.unreadable") == set()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may read a file of mode 000")
def test_an_item_of_mode_000_is_an_error(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    path = root / "manual/principles/P01.md"
    path.chmod(0)
    try:
        assert _codes(root) == [("manual/principles/P01.md", 0, "file.unreadable")]
    finally:
        path.chmod(0o644)


def test_reading_an_input_says_what_is_there() -> None:
    assert inputs.read(ROOT / "nowhere.txt") is None
    assert inputs.read(ROOT / "VERSION") == (ROOT / "VERSION").read_bytes()
    assert inputs.read(ROOT / "imap") == inputs.Refused("file.not-a-file", "a folder")
    assert manual_files.read_version(ROOT / "imap") == manual_files.DEFAULT_VERSION  # no VERSION there
