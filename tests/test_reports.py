"""The research, training and reference views are generated from the items' metadata: edit an item, they change."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from imap.checking.project import load_project
from imap.model.diagnostics import Location
from imap.model.items import FidelityItem, Term
from imap.model.manual import Manual
from imap.rendering import reference_pages, research
from imap.rendering.site import SiteData
from tests.conftest import SITES
from tests.helpers import formatted, write

HERE = "research/page.md"


def _site(manual: Manual | None = None) -> SiteData:
    return SiteData.create(manual or load_project(SITES / "valid").manual, "https://example.org/manual/")


def _edited(site: SiteData, item_id: str, **changes: Any) -> SiteData:
    manual = site.manual
    items = tuple(dataclasses.replace(i, **changes) if i.id == item_id else i for i in manual.items)
    return _site(dataclasses.replace(manual, items=items))


def test_registry_lists_every_hypothesis_and_follows_edits() -> None:
    site = _site()
    principle = site.manual.by_id["P01"]
    page = research.hypotheses_registry(site, HERE)
    for hypothesis in principle.hypotheses:
        assert f"### {hypothesis.id} {{ #{hypothesis.id.lower()} }}" in page
        assert hypothesis.status in page
    changed = dataclasses.replace(principle.hypotheses[0], prediction="A new prediction", status="contradicted")
    edited = research.hypotheses_registry(_edited(site, "P01", hypotheses=(changed,)), HERE)
    assert "A new prediction" in edited
    assert "| contradicted | Tested directly and not supported. | 1 |" in edited
    assert "**Current status:** contradicted (tested directly and not supported)." in edited


def _indicator(text: str, unit: str = "session") -> FidelityItem:
    return FidelityItem(text, unit, ("Absent.", "Partly.", "Fully."), Location("manual/principles/P01.md", 1))


def test_fidelity_scale_numbers_indicators_and_follows_edits() -> None:
    site = _site()
    edited = _edited(
        site, "P01", fidelity=(_indicator("Looks at the patient"), _indicator("Names the shift", "segment"))
    )
    scale = research.fidelity_scale(edited, HERE)
    assert "| P01.1 | Looks at the patient | session | always | Absent. | Partly. | Fully. |" in scale
    assert "| P01.2 | Names the shift | segment |" in scale


def test_safety_principles_form_their_own_subscale_before_the_process_items() -> None:
    site = _site()
    items = tuple(
        dataclasses.replace(i, id="P10", fidelity=(_indicator("Reviews the touch agreement aloud"),))
        if i.id == "P01"
        else i
        for i in site.manual.items
    )
    scale = research.fidelity_scale(_site(dataclasses.replace(site.manual, items=items)), HERE)
    safety = scale.split("## Process subscale")[0]
    assert "## Boundaries-and-safety subscale" in safety
    assert "| P10.1 | Reviews the touch agreement aloud | session | always |" in safety
    assert "never averaged into a total" in safety


def test_gap_map_says_none_in_words_where_mdma_evidence_is_missing() -> None:
    site = _site()
    principle = site.manual.by_id["P01"]
    no_mdma = tuple(dataclasses.replace(link, context="ptsd-treatment") for link in principle.evidence)
    page = research.gap_map(_edited(site, "P01", evidence=no_mdma, hypotheses=()), HERE)
    assert "**Principles with no tested support from MDMA-assisted therapy:** [P01]" in page
    row = next(line for line in page.splitlines() if line.startswith("| [P01 "))
    assert row.split(" | ")[1] == '<span class="imap-gap">none (gap)</span>'
    assert row.endswith(f"| {sum(1 for link in no_mdma if link.tested)} |")


def test_principle_cards_carry_summary_markers_decisions_version_and_permalink() -> None:
    site = _site()
    principle = site.manual.by_id["P01"]
    body = principle.body.replace(
        "- If the patient floods, then consider grounding.", "- If it stops, then consider [[P01]]."
    )
    cards = reference_pages.principle_cards(
        _edited(site, "P01", body=body, summary="Changed summary"), "training/cards.md"
    )
    assert "**Changed summary**" in cards
    assert "- If it stops, then consider [P01 " in cards
    assert "grounding" not in cards
    assert f"IMAP manual version {site.manual.version}" in cards
    assert "https://example.org/manual/id/P01/" in cards
    for indicator in principle.fidelity:
        assert indicator.indicator in cards


def test_glossary_page_and_hover_definitions() -> None:
    site = _site()
    page = reference_pages.glossary_page(site, "reference/glossary.md")
    assert '<span id="term-ptsd"></span>**PTSD** (post-traumatic stress disorder)' in page
    assert '<span id="term-window-of-tolerance"></span>**window of tolerance**' in page
    assert "*[PTSD]: post-traumatic stress disorder: A disorder" in reference_pages.abbreviations(site, "Some PTSD.")


def test_a_page_defines_only_the_glossary_terms_it_uses() -> None:
    """Hover definitions are added for the terms a page shows, so a page's weight does not grow with the glossary."""
    site = _site()
    used = reference_pages.abbreviations(site, "Within the window of tolerance, PTSD symptoms ...")
    assert "*[PTSD]: " in used
    assert "*[window of tolerance]: " in used
    assert reference_pages.abbreviations(site, "A page about nothing in the glossary.") == ""
    assert reference_pages.abbreviations(site, "cPTSD and PTSDs") == ""  # only whole words become abbreviations


def test_terms_that_share_a_first_word_are_told_apart() -> None:
    manual = load_project(SITES / "valid").manual
    terms = tuple(Term(f"window {n}", f"Window number {n}.", Location("glossary.yml", n)) for n in range(1, 41))
    site = _site(dataclasses.replace(manual, glossary=terms))
    shown = reference_pages.abbreviations(site, "Past window 7, then the xwindow 3 and window-8, and a window.")
    assert shown == "*[window 7]: Window number 7."


def test_the_terms_a_page_shows_are_kept_between_builds_while_the_glossary_stays(tmp_path: Path) -> None:
    manual = load_project(SITES / "valid").manual
    text = "Within the window of tolerance, PTSD symptoms ..."
    first = SiteData.create(manual, cache_dir=tmp_path)
    expected = reference_pages.abbreviations(first, text)
    first.save_caches()
    again = SiteData.create(manual, cache_dir=tmp_path)
    assert reference_pages.abbreviations(again, text) == expected
    assert again.page_terms.misses == 0
    # A new first term moves every other term's position: what was kept for the old glossary is not used.
    added = Term("symptoms", "What a person notices.", Location("glossary.yml", 1))
    changed = SiteData.create(dataclasses.replace(manual, glossary=(added, *manual.glossary)), cache_dir=tmp_path)
    shown = reference_pages.abbreviations(changed, text)
    assert shown.split("\n\n") == ["*[symptoms]: What a person notices.", *expected.split("\n\n")]


def test_glossary_problems_are_reported_with_their_lines(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, "references.bib", "")
    write(
        root,
        "glossary.yml",
        """\
        - term: PTSD
          definition: One.
        - term: PTSD
          definition: Two.
        - term: CAPS-5
          defintion: Three.
          see: [P99]
        """,
    )
    assert formatted(root) == [
        "glossary.yml:3: error: the term 'PTSD' is defined twice (first defined at line 1) [glossary.duplicate]",
        "glossary.yml:5: error: glossary entry: required key 'definition' is missing "
        "(definition: one or two plain sentences) [field.missing]",
        "glossary.yml:6: error: glossary entry: unknown key 'defintion' (did you mean 'definition'?) [field.unknown]",
    ]
