"""Generated Markdown: golden files for the tables, and escaping of everything that comes from authors."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from imap.checking.project import load_project
from imap.model.diagnostics import CODES
from imap.model.items import Kind
from imap.rendering import blocks, item_pages, markdown, navigation, overview
from imap.rendering.site import SiteData
from tests.conftest import GOLDEN, make_project

GOLDEN_NAMES = (
    "principle-evidence.md",
    "evidence-principles.md",
    "theory-map.md",
    "intervention-matrix.md",
    "bibliography.md",
    "page-P01.md",
    "page-T01.md",
    "page-I01.md",
    "page-C01.md",
    "page-S01.md",
    "page-F01.md",
    "sessions.md",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteData:
    project = load_project(make_project(tmp_path_factory.mktemp("render") / "project", "valid"))
    assert [d.format() for d in project.diagnostics] == []
    return SiteData.create(project.manual)


def _outputs(site: SiteData) -> dict[str, str]:
    manual = site.manual
    return {
        "principle-evidence.md": overview.principle_evidence_table(site, "overview/principle-evidence.md"),
        "evidence-principles.md": overview.evidence_principles_table(site, "overview/principle-evidence.md"),
        "theory-map.md": overview.theory_map_table(site, "overview/theory-map.md"),
        "intervention-matrix.md": overview.intervention_matrix(site, "overview/intervention-matrix.md"),
        "bibliography.md": overview.bibliography_page(site, "bibliography.md"),
        "page-P01.md": item_pages.item_page(site, manual.by_id["P01"]),
        "page-T01.md": item_pages.item_page(site, manual.by_id["T01"]),
        "page-I01.md": item_pages.item_page(site, manual.by_id["I01"]),
        "page-C01.md": item_pages.item_page(site, manual.by_id["C01"]),
        "page-S01.md": item_pages.item_page(site, manual.by_id["S01"]),
        "page-F01.md": item_pages.item_page(site, manual.by_id["F01"]),
        "sessions.md": overview.session_table(site, "overview/sessions.md")
        + "\n\n"
        + overview.principle_sessions_table(site, "overview/sessions.md")
        + "\n\n"
        + overview.form_table(site, "overview/sessions.md"),
    }


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_golden(site: SiteData, name: str, update_golden: bool) -> None:
    """Rendered Markdown matches the reviewed golden file; refresh with `pytest --update-golden`."""
    output = _outputs(site)[name]
    path = GOLDEN / name
    if update_golden:
        path.parent.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
    assert output == path.read_text(encoding="utf-8")


def test_citation_marks_become_linked_apa_citations(site: SiteData) -> None:
    text = blocks.prose(site, "As shown [@ehlers2000cognitive; @foa1986emotional].", "manual/theories/T01.md")
    assert text == (
        "As shown ([Ehlers &amp; Clark, 2000](../../bibliography.md#ref-ehlers2000cognitive); "
        "[Foa &amp; Kozak, 1986](../../bibliography.md#ref-foa1986emotional))."
    )


def test_retracted_work_is_marked_wherever_cited(site: SiteData) -> None:
    assert markdown.cite(site, ["retracted2019"], "index.md") == (
        "([Müller &amp; Other, 2019](bibliography.md#ref-retracted2019), **retracted**)"
    )
    assert "<strong>Retracted.</strong> Retracted by the journal in 2024." in overview.bibliography_page(
        site, "bibliography.md"
    )


def test_code_is_not_markup(site: SiteData) -> None:
    text = "`[@not_a_key]` and\n\n```\n[[P99]]\n```\n"
    assert blocks.prose(site, text, "manual/theories/T01.md") == text


def test_principle_page_shows_its_theories_interventions_and_hypotheses(site: SiteData) -> None:
    page = item_pages.item_page(site, site.manual.by_id["P01"])
    assert "- [T01 Emotional processing theory](../theories/T01.md)" in page
    assert "- [I01 Grounding and orienting](../interventions/I01.md)" in page
    assert "### H01a { #h01a }" in page


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "[click](javascript:alert(1))", "{: onclick=x }"],
)
def test_author_text_is_escaped(hostile: str) -> None:
    escaped = markdown.md(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert "](" not in escaped.replace("\\](", "")
    assert "{" not in escaped.replace("\\{", "")


def test_navigation_puts_the_manual_after_home(site: SiteData) -> None:
    configured = [
        {"Home": "index.md"},
        {"Reference": [{"Glossary": "reference/glossary.md"}]},
        {"Bibliography": "bibliography.md"},
    ]
    assert navigation.navigation(site, configured) == [
        {"Home": "index.md"},
        {"Foundations": [{"C01 About this manual": "manual/chapters/C01.md"}]},
        {"Theories": [{"T01 Emotional processing theory": "manual/theories/T01.md"}]},
        {"Principles": [{"P01 Work within tolerable arousal": "manual/principles/P01.md"}]},
        {"Interventions": [{"I01 Grounding and orienting": "manual/interventions/I01.md"}]},
        {"Session protocols": [{"S01 Preparation, first session": "manual/sessions/S01.md"}]},
        {"Forms and handouts": [{"F01 Touch agreement": "manual/forms/F01.md"}]},
        {"Safety and ethics": [{"C02 Touch": "manual/chapters/C02.md"}]},
        {"The research programme": [{"C25 Rating fidelity and adherence": "manual/chapters/C25.md"}]},
        {"Reference": [{"Glossary": "reference/glossary.md"}]},
        {"Bibliography": "bibliography.md"},
    ]


def _pages(entries: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    """Every page of a navigation list with the depth of groups it sits in, checking the width of each level."""
    assert len(entries) <= max(navigation.NAV_GROUP, navigation.NAV_FANOUT)
    found: list[tuple[int, str]] = []
    for entry in entries:
        ((_label, value),) = entry.items()
        found += _pages(value, depth + 1) if isinstance(value, list) else [(depth, value)]
    return found


@pytest.mark.parametrize(("count", "top", "depth"), [(50, 50, 0), (51, 2, 1), (500, 10, 1), (501, 2, 2), (6900, 2, 3)])
def test_a_long_section_is_grouped_so_that_no_level_grows_with_the_manual(
    site: SiteData, count: int, top: int, depth: int
) -> None:
    """Every page still listed once, in order; the entries side by side (what each page's navigation carries of
    each level) stay few however long the section."""
    principle = site.manual.by_id["P01"]
    ids = [f"P{n:02d}" for n in range(1, count + 1)]
    items = [dataclasses.replace(principle, id=i, path=f"manual/principles/{i}.md") for i in ids]
    grouped = navigation._grouped(items, [{i: item.path} for i, item in zip(ids, items, strict=True)])
    assert len(grouped) == top
    assert _pages(grouped) == [(depth, item.path) for item in items]
    if depth:
        assert (
            next(iter(grouped[0]))
            == f"P01–{ids[min(count, navigation.NAV_GROUP * navigation.NAV_FANOUT ** (depth - 1)) - 1]}"
        )


def test_item_list_and_reference_tables_cover_everything(site: SiteData) -> None:
    assert overview.item_list(site, Kind.THEORY, "index.md").count("\n| [") == 1
    assert overview.diagnostic_codes_table().count("\n| `") == len(CODES)


def test_golden_directory_has_no_stale_files() -> None:
    assert {p.name for p in Path(GOLDEN).glob("*.md")} == set(GOLDEN_NAMES)


def test_a_matrix_too_wide_to_read_becomes_a_list_of_what_each_intervention_serves(
    site: SiteData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "MATRIX_COLUMNS", 0)
    listed = overview.intervention_matrix(site, "overview/intervention-matrix.md")
    assert "too wide to read" in listed
    assert "| Intervention | Serves |" in listed
    assert "✓ serves" not in listed
    intervention = site.manual.by_id["I01"]
    for principle in site.manual.resolve(intervention.principles):
        assert markdown.id_link(principle, "overview/intervention-matrix.md") in listed
