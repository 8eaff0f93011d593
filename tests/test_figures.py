"""The diagrams and coverage figures drawn from the metadata: well-formed, linked, accessible, escaped, and with
every link resolving in the built site."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from imap.checking.project import load_project
from imap.model.items import Item, Kind
from imap.model.manual import Manual
from imap.rendering import figures
from imap.rendering.site import SiteData
from tests.conftest import SITES

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site() -> SiteData:
    project = load_project(SITES / "valid")
    return SiteData.create(project.manual)


def _svg(markup: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", markup, re.DOTALL)
    assert match is not None
    return ET.fromstring(match.group(0))


def _links(svg: ET.Element) -> dict[str, str]:
    """href -> full name (the title) of every link in the drawing. Its accessible name is that name, or, for a label
    cut short in its box, the text the box shows (WCAG 2.5.3: the visible label is part of the name)."""
    links = {}
    for link in svg.iter(f"{SVG}a"):
        title = link.find(f"{SVG}title")
        shown = " ".join(span.text or "" for span in link.iter(f"{SVG}tspan")).replace("  ", " ").strip()
        assert title is not None and link.get("aria-label") in (title.text, shown)
        links[link.get("href", "")] = title.text or ""
    return links


def test_the_manual_map_links_every_theory_principle_and_intervention(site: SiteData) -> None:
    markup = figures.manual_map(site, "overview/theory-map.md")
    assert markup.startswith('<figure class="imap-figure">') and "<figcaption>" in markup
    assert "\n\n" not in markup  # one HTML block for Markdown
    svg = _svg(markup)
    assert svg.get("role") == "group"
    assert svg.get("aria-label", "").startswith("Map of the manual: 1 theory, 1 principle and 1 intervention")
    assert _links(svg) == {
        "../../manual/theories/T01/": "T01 Emotional processing theory",
        "../../manual/principles/P01/": "P01 Work within tolerable arousal",
        "../../manual/interventions/I01/": "I01 Grounding and orienting",
    }
    edges = svg.find(f"{SVG}g[@class='imap-map__edges']")
    assert edges is not None and edges.get("aria-hidden") == "true"
    assert len(edges.findall(f"{SVG}path")) == 2  # T01 -> P01 -> I01


def test_a_principle_map_links_its_neighbours_and_its_hypotheses_on_the_same_page(site: SiteData) -> None:
    svg = _svg(figures.principle_map(site, site.manual.by_id["P01"]))
    assert _links(svg) == {
        "../../theories/T01/": "T01 Emotional processing theory",
        "../../interventions/I01/": "I01 Grounding and orienting",
        "#h01a": "H01a (untested): Sessions within the window predict larger CAPS-5 change.",
    }
    here = [g for g in svg.iter(f"{SVG}g") if "imap-node--here" in g.get("class", "")]
    assert [g.findtext(f"{SVG}title") for g in here] == ["P01 Work within tolerable arousal"]


def test_titles_in_the_diagrams_are_text_never_markup(site: SiteData) -> None:
    hostile = 'Bad <script>alert(1)</script> & "quotes"'
    manual = site.manual
    items = tuple(dataclasses.replace(i, title=hostile) if i.id == "T01" else i for i in manual.items)
    changed = SiteData.create(Manual(items=items, references=manual.references, citations=manual.citations))
    for markup in (
        figures.manual_map(changed, "overview/theory-map.md"),
        figures.principle_map(changed, changed.manual.by_id["P01"]),
    ):
        assert "<script>" not in markup
        assert f"T01 {hostile}" in _links(_svg(markup)).values()


def test_a_long_title_is_wrapped_and_shortened_in_the_box_and_given_in_full_in_its_title(site: SiteData) -> None:
    long_title = "A theory whose title is much too long to fit in two lines of one box on the map"
    manual = site.manual
    items = tuple(dataclasses.replace(i, title=long_title) if i.id == "T01" else i for i in manual.items)
    changed = SiteData.create(Manual(items=items, references=manual.references, citations=manual.citations))
    svg = _svg(figures.manual_map(changed, "overview/theory-map.md"))
    node = next(a for a in svg.iter(f"{SVG}a") if a.get("href", "").endswith("/T01/"))
    lines = [span.text or "" for span in node.iter(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert node.findtext(f"{SVG}title") == f"T01 {long_title}"
    assert node.get("aria-label") == " ".join(line.strip() for line in lines)  # what the box shows


def _empty_principle(item: Item) -> Item:
    return dataclasses.replace(item, theories=(), hypotheses=())


def test_a_principle_with_no_neighbours_says_so(site: SiteData) -> None:
    manual = site.manual
    items = tuple(_empty_principle(i) if i.id == "P01" else i for i in manual.items if i.kind is not Kind.INTERVENTION)
    changed = SiteData.create(Manual(items=items, references=manual.references, citations=manual.citations))
    markup = figures.principle_map(changed, changed.manual.by_id["P01"])
    assert _links(_svg(markup)) == {}
    assert markup.count(">None yet</text>") == 2


def test_coverage_figures_print_every_number_beside_its_bar(site: SiteData) -> None:
    text = figures.coverage(site, "overview/index.md")
    sources = len({link.source for link in site.manual.by_id["P01"].all_evidence() if link.tested})
    assert f"| [P01 Work within tolerable arousal](../manual/principles/P01.md) | {sources} |" in text
    links = [link for item in site.manual.items for link in item.all_evidence() if link.tested]
    assert text.count('<p class="imap-caption">') == 4
    assert f"Links of tested support in the manual ({len(links)} in all" in text
    for row in (r for r in text.splitlines() if r.startswith("| ") and "<svg" in r):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert re.fullmatch(r"\d+", cells[1]), row  # the number is always printed
        assert 'aria-hidden="true"' in cells[-1]  # the bar is decoration only


# ---------------------------------------------------------------------------------------------------------------
# In the built sites: every link of every diagram leads to an existing page and anchor


def _svg_hrefs(page: str) -> list[str]:
    hrefs: list[str] = []
    for drawing in re.findall(r'<svg class="imap-map.*?</svg>', page, re.DOTALL):
        hrefs += re.findall(r'<a [^>]*href="([^"]*)"', drawing)
    return hrefs


@pytest.mark.parametrize("fixture", ["built_site", "valid_site"])
def test_every_diagram_link_resolves_to_a_page_and_anchor(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Path = request.getfixturevalue(fixture)
    checked = 0
    for page in sorted(built.rglob("index.html")):
        text = page.read_text(encoding="utf-8")
        base = page.parent.relative_to(built).as_posix()
        for href in _svg_hrefs(text):
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(base, path)) if path else base
            target_file = built / target / "index.html" if target != "." else built / "index.html"
            assert target_file.is_file(), (page, href)
            if anchor:
                assert f'id="{anchor}"' in target_file.read_text(encoding="utf-8"), (page, href)
            checked += 1
    principles = sorted((built / "manual" / "principles").iterdir())
    assert principles and checked > len(principles) * 2
    map_page = (built / "overview" / "theory-map" / "index.html").read_text(encoding="utf-8")
    assert len(_svg_hrefs(map_page)) == len(list((built / "manual").glob("[tpi]*/*/index.html")))
