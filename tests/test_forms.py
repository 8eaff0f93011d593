"""Forms and handouts: printable items that say who fills them in, when and where they are kept; handouts written at a
stated reading grade; linked both ways to the sessions that use them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from imap.checking import reading_level
from imap.checking.project import load_project
from imap.model import vocab
from imap.model.items import Kind
from imap.publishing import csv_tables, manual_json
from imap.rendering import item_pages, overview
from imap.rendering.site import SiteData
from tests.helpers import INTERVENTION, formatted, minimal, write
from tests.helpers import SESSION as SESSION_WITHOUT_FORMS

FORM = """\
---
id: F01
title: Touch agreement
summary: The written agreement on touch.
since: 0.1.0
type: form
filled_in_by: The patient and both therapists
when: In the middle preparation session
kept: In the clinical record
sources: [P01]
---

## How it is used

Read it aloud at each arrival.

## The form

| Item | Entry |
|---|---|
| Stop word | |
"""

HANDOUT = """\
---
id: F02
title: What preparation involves
summary: For the patient, in plain words.
since: 0.1.0
type: handout
filled_in_by: The therapists give it to the patient
when: At the first preparation session
kept: The patient keeps it; the record notes that it was given
sources: [P01, I01]
---

## How it is used

Go through it with the patient and answer questions.

## The handout

You will meet two therapists.
They will work with you the whole time.

- What we will talk about
- How to stop at any time
"""

HARD = (
    "Preparatory psychotherapeutic consultations incorporate comprehensive psychoeducational elaboration concerning "
    "neurobiological conceptualisations of posttraumatic symptomatology, alongside collaborative identification of "
    "individualised therapeutic intentions and documentation of contractual arrangements regarding interpersonal "
    "physical contact during pharmacologically facilitated sessions."
)

SESSION = SESSION_WITHOUT_FORMS.replace("interventions: [I01]\n", "interventions: [I01]\nforms: [F01, F02]\n")


def _project(root: Path, form: str = FORM, handout: str = HANDOUT, session: str = SESSION) -> Path:
    minimal(root)
    write(root, "manual/interventions/I01.md", INTERVENTION)
    write(root, "manual/forms/F01.md", form)
    write(root, "manual/forms/F02.md", handout)
    write(root, "manual/sessions/S01.md", session)
    return root


def test_forms_and_handouts_pass_the_check(tmp_path: Path) -> None:
    assert formatted(_project(tmp_path)) == []


def test_the_letters_of_the_id_scheme_are_the_kinds() -> None:
    assert "".join(kind.prefix for kind in Kind) == vocab.ITEM_LETTERS


def test_a_handout_above_the_reading_grade_is_reported_at_its_section(tmp_path: Path) -> None:
    found = formatted(_project(tmp_path, handout=HANDOUT + "\n" + HARD + "\n"))
    assert len(found) == 1, found
    assert found[0].startswith("manual/forms/F02.md:17: error: the handout F02 reads at grade ")
    assert "a handout reads at grade 8 or below" in found[0] and found[0].endswith("[form.readability]")


def test_a_handout_too_long_to_be_one_is_reported_without_grading_it(tmp_path: Path) -> None:
    found = formatted(_project(tmp_path, handout=HANDOUT + "\nYou can stop. " * 1300))
    assert len(found) == 1 and "the handout F02 has 3926 words; a handout has at most 2500" in found[0]


def test_the_grade_is_of_what_a_reader_reads() -> None:
    """Each list item is its own unit, links to sources and code are not words the patient reads, and an empty text
    has no grade."""
    items = "\n".join(f"- Who to call {n}" for n in range(40))
    assert reading_level.grade(items) is not None and reading_level.grade(items) < 4  # type: ignore[operator]
    plain = reading_level.plain_text("You can stop [[P03]] at any time [@ehlers2000cognitive]. `psychopharmacological`")
    assert "P03" not in plain and "ehlers" not in plain and "psychopharmacological" not in plain
    assert reading_level.grade("") is None
    grade = reading_level.grade(HARD)
    assert grade is not None and grade > vocab.HANDOUT_GRADE


def test_the_readability_rule_is_for_handouts_only(tmp_path: Path) -> None:
    form = FORM.replace("Read it aloud at each arrival.", HARD)
    assert formatted(_project(tmp_path, form=form)) == []


def test_a_handout_has_the_handout_sections(tmp_path: Path) -> None:
    found = formatted(_project(tmp_path, handout=HANDOUT.replace("## The handout", "## The form")))
    assert any("form F02 has no '## The handout' section" in line and "[section.missing]" in line for line in found)


def test_forms_and_sources_link_to_the_right_kinds(tmp_path: Path) -> None:
    form = FORM.replace("sources: [P01]", "sources: [T01]")
    session = SESSION.replace("forms: [F01, F02]", "forms: [F01, P01]")
    found = formatted(_project(tmp_path, form=form, session=session))
    assert (
        "manual/forms/F01.md:10: error: 'sources' must list chapter, principle, intervention or session IDs, but T01 is a theory [link.wrong-kind]"
        in found
    )
    assert (
        "manual/sessions/S01.md:9: error: 'forms' must list form IDs, but P01 is a principle [link.wrong-kind]" in found
    )


def test_type_is_from_the_closed_list(tmp_path: Path) -> None:
    found = formatted(_project(tmp_path, form=FORM.replace("type: form", "type: leaflet")))
    assert (
        len(found) == 1
        and "[field.vocabulary]" in found[0]
        and "form, record, checklist, worksheet, handout" in found[0]
    )


def test_a_printed_form_says_what_it_is_and_where_it_belongs(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    site = dataclasses.replace(SiteData.create(project.manual), site_url="https://manual.example.org/")
    page = item_pages.item_page(site, project.manual.by_id["F01"])
    about = page.split("## About this form { #about }", 1)[1].split("## How it is used", 1)[0]
    for fact in (
        "**Who fills it in:** The patient and both therapists",
        "**When:** In the middle preparation session",
        "**Where it is kept:** In the clinical record",
        "**Manual version:** 0.0.0",
        'href="https://manual.example.org/id/F01/"',
        "MDMA-assisted therapy is investigational in most jurisdictions",
    ):
        assert fact in about, fact
    assert "**Who gives it:** The therapists give it to the patient" in item_pages.item_page(
        site, project.manual.by_id["F02"]
    )
    assert "## Where this comes from { #sources }\n\n- [P01 A principle](../principles/P01.md)" in page
    assert (
        "## Sessions that use this form { #sessions }\n\n- [S01 First preparation session](../sessions/S01.md)" in page
    )
    session = item_pages.item_page(site, project.manual.by_id["S01"])
    assert (
        "## Forms it uses { #forms }\n\n- [F01 Touch agreement](../forms/F01.md)\n- [F02 What preparation involves](../forms/F02.md)"
        in session
    )


def test_forms_are_in_the_tables_and_the_data(tmp_path: Path) -> None:
    project = load_project(_project(tmp_path))
    site = SiteData.create(project.manual)
    table = overview.form_table(site, "overview/sessions.md")
    assert "| [F02 What preparation involves](../manual/forms/F02.md) | handout |" in table
    records = {r["id"]: r for r in manual_json.manual_json(site)["items"]}
    assert records["F01"]["type"] == "form" and records["F01"]["sessions"] == ["S01"]
    assert records["F02"]["sources"] == ["P01", "I01"] and records["S01"]["forms"] == ["F01", "F02"]
    rows = csv_tables.table_csv(site, csv_tables.ITEMS).splitlines()
    header = rows[0].split(",")
    session_row = next(r for r in rows if r.startswith("S01,")).split(",")
    assert session_row[header.index("forms")] == "F01;F02"


def test_every_handout_of_the_manual_reads_at_the_stated_grade() -> None:
    """The manual's own handouts meet the target (the check enforces it; this shows the grades when one does not)."""
    from tests.conftest import ROOT

    manual = load_project(ROOT).manual
    handouts = [item for item in manual.of_kind(Kind.FORM) if item.form_type == "handout"]
    assert handouts, "the manual has no handouts"
    grades = {}
    for item in handouts:
        text = item.body.split("## The handout", 1)[1]
        grades[item.id] = reading_level.grade(text)
    assert all(g is not None and g <= vocab.HANDOUT_GRADE for g in grades.values()), grades
