"""Session protocols: the kind a therapy team delivers from. A stub cannot pass, every off-course situation is
answered, the timing is sourced, example wording is labelled as the manual's own, and the links show on both sides."""

from __future__ import annotations

from pathlib import Path

from imap.checking.project import load_project
from imap.model import vocab
from imap.model.items import Kind
from imap.publishing import csv_tables, manual_json
from imap.rendering import item_pages, navigation, overview
from imap.rendering.site import SiteData
from tests.helpers import INTERVENTION, SESSION, SESSION_FRONT_MATTER, formatted, minimal, write

STUB = f"""{SESSION_FRONT_MATTER}
## Purpose

## Prerequisites

## Timing

## Steps

## What is recorded

## Off course
""" + "\n".join(f"### {situation}\n" for situation in vocab.OFF_COURSE)


def _project(root: Path, session: str) -> Path:
    minimal(root)
    write(root, "manual/interventions/I01.md", INTERVENTION)
    write(root, "manual/sessions/S01.md", session)
    return root


def _codes(root: Path) -> list[str]:
    return [line.rsplit("[", 1)[1].rstrip("]") for line in formatted(root)]


def test_a_complete_session_protocol_passes(tmp_path: Path) -> None:
    assert formatted(_project(tmp_path, SESSION)) == []


def test_a_stub_with_every_heading_cannot_pass(tmp_path: Path) -> None:
    """Headings alone are not a protocol: each empty section, each unanswered situation, the missing wording and the
    unsourced timing are reported, all at once, at their lines."""
    found = formatted(_project(tmp_path, STUB))
    path = "manual/sessions/S01.md"
    assert any(line.startswith(f"{path}:11: error: the section 'Purpose' of S01 has no text") for line in found)
    assert any(line.startswith(f"{path}:15: error: the section 'Timing' of S01 has no text") for line in found)
    assert sum("[section.empty]" in line for line in found) == 6
    assert any(line.startswith(f"{path}:10: error: session S01 has no example wording") for line in found)
    assert any(line.startswith(f"{path}:15:") and "[session.timing]" in line for line in found)
    unanswered = [line for line in found if "[session.off-course]" in line]
    assert len(unanswered) == len(vocab.OFF_COURSE)
    lines = sorted(int(line.split(":")[1]) for line in unanswered)
    assert lines == list(range(22, 22 + 2 * len(vocab.OFF_COURSE), 2))  # each at its own heading
    assert all("has no text under it" in line for line in unanswered)


def test_each_missing_off_course_situation_is_named(tmp_path: Path) -> None:
    text = SESSION.replace("### The patient misses the session\n", "").replace(
        "### A medical event\n\nWhat the team does.\n", ""
    )
    found = [line for line in formatted(_project(tmp_path, text)) if "[session.off-course]" in line]
    assert len(found) == 2
    assert "'### The patient misses the session' is missing" in found[0] + found[1]
    assert "'### A medical event' is missing" in found[0] + found[1]


def test_timing_is_cited_or_left_to_the_governing_protocol(tmp_path: Path) -> None:
    unsourced = SESSION.replace("About 90 minutes, as the governing protocol sets.", "About 90 minutes.")
    assert _codes(_project(tmp_path / "a", unsourced)) == ["session.timing"]
    cited = SESSION.replace("About 90 minutes, as the governing protocol sets.", "90 minutes [@siegel1999developing].")
    assert formatted(_project(tmp_path / "b", cited)) == []


def test_example_wording_carries_its_label_wherever_it_is(tmp_path: Path) -> None:
    relabelled = SESSION.replace('"Example wording, written for this manual"', '"What to say"')
    found = formatted(_project(tmp_path / "a", relabelled))
    assert (
        "manual/sessions/S01.md:27: error: this example-wording block is titled 'What to say' (write it as !!! wording"
        ' "Example wording, written for this manual") [content.wording-label]' in found
    )
    assert any("[session.wording]" in line for line in found)
    # in a principle too, and with no title at all
    root = _project(tmp_path / "b", SESSION)
    principle = (root / "manual/principles/P01.md").read_text(encoding="utf-8")
    write(root, "manual/principles/P01.md", principle + '\n!!! wording\n    "Say this."\n')
    assert _codes(root) == ["content.wording-label"]


def test_a_wording_block_shown_as_code_is_not_one(tmp_path: Path) -> None:
    text = SESSION.replace("## What is recorded", '```markdown\n!!! wording "Anything"\n```\n\n## What is recorded')
    assert formatted(_project(tmp_path, text)) == []


def test_sessions_link_principles_and_interventions_only(tmp_path: Path) -> None:
    text = SESSION.replace("principles: [P01]", "principles: [T01]").replace(
        "interventions: [I01]", "interventions: [P01]"
    )
    found = formatted(_project(tmp_path, text))
    assert (
        "manual/sessions/S01.md:7: error: 'principles' must list principle IDs, but T01 is a theory [link.wrong-kind]"
        in found
    )
    assert (
        "manual/sessions/S01.md:8: error: 'interventions' must list intervention IDs, but P01 is a principle [link.wrong-kind]"
        in found
    )


def test_phase_is_from_the_closed_list(tmp_path: Path) -> None:
    found = formatted(_project(tmp_path, SESSION.replace("phase: preparation", "phase: dosing")))
    assert len(found) == 1 and "[field.vocabulary]" in found[0] and "assessment, preparation, medicine" in found[0]


def test_links_show_on_both_sides_and_in_the_data(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, SESSION))
    assert project.diagnostics == ()
    site = SiteData.create(project.manual)
    manual = project.manual
    principle = item_pages.item_page(site, manual.by_id["P01"])
    intervention = item_pages.item_page(site, manual.by_id["I01"])
    session = item_pages.item_page(site, manual.by_id["S01"])
    assert (
        "## Sessions that apply this principle { #sessions }\n\n- [S01 First preparation session](../sessions/S01.md)"
        in principle
    )
    assert (
        "## Sessions that use this intervention { #sessions }\n\n- [S01 First preparation session](../sessions/S01.md)"
        in intervention
    )
    assert "## Principles it applies { #principles }\n\n- [P01 A principle](../principles/P01.md)" in session
    assert "## Interventions it uses { #interventions }\n\n- [I01 Grounding](../interventions/I01.md)" in session
    table = overview.principle_sessions_table(site, "overview/sessions.md")
    assert (
        '| [P01 A principle](../manual/principles/P01.md) | [S01](../manual/sessions/S01.md "First preparation session") |'
        in table
    )
    records = {r["id"]: r for r in manual_json.manual_json(site)["items"]}
    assert records["S01"]["kind"] == Kind.SESSION.value
    assert (records["S01"]["phase"], records["S01"]["principles"], records["S01"]["interventions"]) == (
        "preparation",
        ["P01"],
        ["I01"],
    )
    assert records["P01"]["sessions"] == ["S01"] and records["I01"]["sessions"] == ["S01"]
    rows = csv_tables.table_csv(site, csv_tables.ITEMS).splitlines()
    header = rows[0].split(",")
    session_row = next(r for r in rows if r.startswith("S01,")).split(",")
    assert session_row[header.index("principles")] == "P01" and session_row[header.index("interventions")] == "I01"
    principle_row = next(r for r in rows if r.startswith("P01,")).split(",")
    assert principle_row[header.index("sessions")] == "S01"


def test_navigation_lists_the_session_protocols_with_the_course(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path, SESSION))
    nav = navigation.navigation(SiteData.create(project.manual), [{"Home": "index.md"}])
    assert {"Session protocols": [{"S01 First preparation session": "manual/sessions/S01.md"}]} in nav
