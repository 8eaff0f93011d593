"""What search finds: each item's own words, not the copies the site makes of them. The generated "Cite this",
"History" and map sections of an item page, and the views generated from the items' data, are left out of the index
every page fetches (which keeps a page with an empty cache under its weight target; see make bench)."""

from __future__ import annotations

import json
from pathlib import Path

LEFT_OUT_SECTIONS = ("cite", "history", "map")
LEFT_OUT_PAGES = (
    "overview/principle-evidence/",
    "overview/theory-map/",
    "overview/sessions/",
    "overview/intervention-matrix/",
    "research/hypotheses/",
    "research/fidelity-scale/",
    "research/evidence-profiles/",
    "research/gap-map/",
    "benchmarks/",
)


def _locations(site: Path) -> list[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return [str(document["location"]) for document in index["docs"]]


def test_search_finds_the_items_not_their_generated_copies(built_site: Path) -> None:
    locations = _locations(built_site)
    pages = {location.split("#", 1)[0] for location in locations}
    assert "manual/principles/P03/" in pages and "manual/principles/P03/#evidence" in locations
    assert "manual/principles/P03/#h03a" in locations  # a hypothesis is found on its principle's page
    for location in locations:
        page, _, section = location.partition("#")
        assert section not in LEFT_OUT_SECTIONS, location
        assert page not in LEFT_OUT_PAGES, location
    # The sections are still on the pages.
    p03 = next((built_site / "manual" / "principles").glob("P03*/index.html")).read_text(encoding="utf-8")
    assert 'id="cite"' in p03 and 'id="history"' in p03 and "data-search-exclude" in p03
