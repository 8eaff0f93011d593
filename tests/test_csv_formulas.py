"""The CSV downloads neutralise spreadsheet formulas (CSV injection): a text cell that a spreadsheet would run as a
formula starts with an apostrophe, numeric columns hold plain numbers, and the JSON keeps the text as written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from imap.checking.project import load_project
from imap.model.diagnostics import has_errors
from imap.publishing import csv_tables, manual_json
from imap.rendering.site import SiteData
from tests.conftest import ROOT, make_project

SITE_URL = "https://imap-manual.example.org/"
STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT = csv_tables.Column("title", "a text column")
NUMBER = csv_tables.Column("evidence_links", "a numeric column", numeric=True)


def _tables(site: SiteData) -> dict[str, list[list[str]]]:
    return {t.name: list(csv.reader(io.StringIO(csv_tables.table_csv(site, t)))) for t in csv_tables.TABLES}


def _unsafe_cells(site: SiteData) -> list[tuple[str, str, str]]:
    """Every cell of every table (header aside) that a spreadsheet would run as a formula, or a numeric cell that is
    not a plain number."""
    found = []
    for table in csv_tables.TABLES:
        rows = _tables(site)[table.name]
        assert rows[0] == [c.name for c in table.columns]
        for row in rows[1:]:
            for column, cell in zip(table.columns, row, strict=True):
                bad = not (cell == "" or cell.lstrip("-").isdigit()) if column.numeric else cell.startswith(STARTS)
                if bad:
                    found.append((table.file, column.name, cell))
    return found


def test_the_formula_starts_are_those_owasp_lists() -> None:
    assert set(csv_tables.FORMULA_STARTS) == set(STARTS)


@pytest.mark.parametrize("start", STARTS)
def test_a_text_cell_beginning_with_a_formula_character_gets_an_apostrophe(start: str) -> None:
    assert csv_tables.csv_cell(TEXT, start + "cmd|' /C calc'!A0") == "'" + start + "cmd|' /C calc'!A0"
    assert csv_tables.csv_cell(TEXT, start) == "'" + start


def test_text_that_looks_like_a_number_is_still_text_and_numbers_stay_numbers() -> None:
    """Decided by the column's declaration, never by the value."""
    assert csv_tables.csv_cell(TEXT, "-1") == "'-1"
    assert csv_tables.csv_cell(TEXT, "+44 20 7946 0000") == "'+44 20 7946 0000"
    assert csv_tables.csv_cell(NUMBER, "-1") == "-1"
    assert csv_tables.csv_cell(NUMBER, "12") == "12"
    assert csv_tables.csv_cell(NUMBER, "") == ""
    for ordinary in ("Work within tolerable arousal", "", "a=b", "1 + 1", "'quoted'", " =spaced", "x@example.org"):
        assert csv_tables.csv_cell(TEXT, ordinary) == ordinary


def test_a_numeric_column_refuses_anything_but_a_whole_number() -> None:
    """So that declaring a column numeric can never let a formula through."""
    for value in ("=1+1", "1=1", "+1", "1.5e3", "1 ", "@A1"):
        with pytest.raises(ValueError, match="numeric"):
            csv_tables.csv_cell(NUMBER, value)


def test_the_tables_declare_their_counts_and_years_numeric() -> None:
    numeric = {(t.name, c.name) for t in csv_tables.TABLES for c in t.columns if c.numeric}
    assert numeric == {("items", "evidence_links"), ("references", "year"), ("references", "evidence_links")}


def _set(text: str, old: str, key: str, value: str) -> str:
    assert old in text
    return text.replace(old, f"{key}: {json.dumps(value)}", 1)


def test_formulas_in_titles_claims_and_hypotheses_are_neutralised_in_the_csv_and_kept_in_the_json(
    tmp_path: Path,
) -> None:
    """(A leading tab or carriage return cannot come from front matter, which the loader strips: the cell tests
    above cover them.)"""
    project = make_project(tmp_path / "formulas", "valid")
    principle = project / "manual" / "principles" / "P01.md"
    title = '=HYPERLINK("http://evil.example","x")'
    values = {
        "title": title,
        "summary": "-1",
        "claim 1": "+cmd|' /C calc'!A0",
        "claim 2": "@SUM(1+1)*cmd|' /C calc'!A0",
        "prediction": "=1+1",
        "mechanism": "-2+3",
    }
    text = principle.read_text(encoding="utf-8")
    text = _set(text, "title: Work within tolerable arousal", "title", values["title"])
    text = _set(text, "summary: Keep arousal high enough to process and low enough to stay present.", "summary", "-1")
    text = _set(text, "claim: An optimal zone of arousal for integration", "claim", values["claim 1"])
    text = _set(text, "claim: Appraisals maintain current threat", "claim", values["claim 2"])
    text = _set(text, "prediction: Sessions within the window predict larger CAPS-5 change.", "prediction", "=1+1")
    text = _set(text, "mechanism: Processing needs activation without overwhelm.", "mechanism", "-2+3")
    principle.write_text(text, encoding="utf-8")
    loaded = load_project(project)
    assert not has_errors(loaded.diagnostics), [d.format() for d in loaded.diagnostics]
    site = SiteData.create(loaded.manual, SITE_URL)
    assert _unsafe_cells(site) == []

    tables = {name: [dict(zip(rows[0], row, strict=True)) for row in rows[1:]] for name, rows in _tables(site).items()}
    p01 = next(r for r in tables["items"] if r["id"] == "P01")
    assert (p01["title"], p01["summary"]) == ("'" + title, "'-1")
    assert p01["evidence_links"] == "2"
    claims = [r["claim"] for r in tables["evidence"] if r["from"] == "P01"]
    assert claims == ["'" + values["claim 1"], "'" + values["claim 2"]]
    h01a = tables["hypotheses"][0]
    assert (h01a["prediction"], h01a["mechanism"]) == ("'=1+1", "'-2+3")
    t01 = next(r for r in tables["items"] if r["id"] == "T01")
    assert t01["title"] == next(i.title for i in loaded.manual.items if i.id == "T01")  # an ordinary title: unchanged
    assert all(r["year"].isdigit() for r in tables["references"] if r["year"])

    manual = manual_json.manual_json(site)
    item = next(i for i in manual["items"] if i["id"] == "P01")
    assert (item["title"], item["summary"]) == (title, "-1")
    assert [e["claim"] for e in item["evidence"]] == [values["claim 1"], values["claim 2"]]


def test_the_real_manuals_csv_files_hold_no_formula() -> None:
    project = load_project(ROOT)
    assert not has_errors(project.diagnostics), [d.format() for d in project.diagnostics]
    assert _unsafe_cells(SiteData.create(project.manual, SITE_URL)) == []
