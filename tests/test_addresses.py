"""Permanent addresses: /id/<ID>/ for every item and hypothesis, the registry of every published address, and
addresses that survive a retitled item."""

from __future__ import annotations

import re
from pathlib import Path

from imap.checking.project import load_project
from imap.reading import addresses
from tests.conftest import ROOT, make_project, mkdocs_build


def test_every_registered_address_resolves_in_the_built_site(built_site: Path) -> None:
    registry = addresses.read_registry(ROOT)
    assert len(registry) > 100
    assert addresses.unresolved(registry, built_site) == []


def test_every_item_and_its_permanent_address_is_registered() -> None:
    """A new item must be registered before release, so that its address is never lost (run `make addresses`)."""
    registry = set(addresses.read_registry(ROOT))
    manual = load_project(ROOT).manual
    missing = [r.source for r in addresses.permanent_redirects(manual) if r.source not in registry]
    missing += [i.url for i in manual.items if i.url not in registry]
    assert missing == [], "run `make addresses` to register them"


def _target(page: Path) -> str:
    match = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page.read_text(encoding="utf-8"))
    assert match, page
    return match.group(1)


def test_permanent_addresses_lead_to_the_item_and_to_hypothesis_sections(built_site: Path) -> None:
    assert _target(built_site / "id" / "P03" / "index.html") == "../../manual/principles/P03/"
    assert _target(built_site / "id" / "H03a" / "index.html") == "../../manual/principles/P03/#h03a"
    page = (built_site / "manual" / "principles" / "P03" / "index.html").read_text(encoding="utf-8")
    assert 'id="h03a"' in page and 'id="evidence"' in page


def test_a_retitled_item_keeps_its_addresses(tmp_path: Path) -> None:
    project = make_project(tmp_path / "retitled", "valid")
    principle = project / "manual" / "principles" / "P01.md"
    text = principle.read_text(encoding="utf-8")
    principle.write_text(text.replace("title: Work within tolerable arousal", "title: A new title"), encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert _target(site / "id" / "P01" / "index.html") == "../../manual/principles/P01/"
    assert "A new title" in (site / "manual" / "principles" / "P01" / "index.html").read_text(encoding="utf-8")
