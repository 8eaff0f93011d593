"""The hook that makes the print edition linear in time gives the same result as mkdocs-print-site-plugin's own
function on the pages of the real manual (hooks/print_site.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from tests.conftest import ROOT


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("print_site_hook", ROOT / "hooks" / "print_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_linear_version_prefixes_the_same_ids_as_the_plugin(built_site: Path) -> None:
    hook = _hook()
    pages = [
        "manual/principles/P03",
        "bibliography",
        "research/hypotheses",
        "reference/glossary",
        "manual/chapters/C07",
    ]
    for page in pages:
        text = (built_site / page / "index.html").read_text(encoding="utf-8")
        article = text.split("<article", 1)[1].split("</article>", 1)[0]
        key = page.replace("/", "-").lower()
        expected = hook.ORIGINAL(article, key)
        assert hook.update_anchor_ids(article, key) == expected, page
        assert re.search(rf'id="{key}-', expected), page
        url = page + "/"
        links = hook.ORIGINAL_FIX_HREF_LINKS(article, key, url, True)
        assert hook.fix_href_links(article, key, url, True) == links, page
        assert 'href="#' in links, page


def test_only_heading_footnote_and_list_item_ids_are_prefixed() -> None:
    hook = _hook()
    html = '<h2 id="evidence">E</h2><p id="keep">x</p><li class="imap-ref" id="ref-a">A</li><sup id="fnref:1">1</sup>'
    assert hook.update_anchor_ids(html, "p03") == (
        '<h2 id="p03-evidence">E</h2><p id="keep">x</p><li class="imap-ref" id="p03-ref-a">A</li>'
        '<sup id="p03-fnref:1">1</sup>'
    )
    assert hook.ORIGINAL(html, "p03") == hook.update_anchor_ids(html, "p03")


def test_links_to_a_page_the_print_edition_leaves_out_lead_to_that_page(built_site: Path) -> None:
    """The print edition leaves out the diagnostics page (mkdocs.yml); the content model links to it. The plugin made
    that link an anchor the print edition does not have; it leads to the page on the site instead."""
    printed = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    assert 'href="#authoring-diagnostics' not in printed
    assert 'href="../authoring/diagnostics/"' in printed
    hook = _hook()
    left_out = {"authoring-diagnostics": "../authoring/diagnostics/"}
    text = '<h2 id="authoring-diagnostics-x">x</h2><a href="#authoring-diagnostics-codes">a</a><a href="#authoring-diagnostics-x">b</a>'
    assert hook.point_at_left_out_pages(text, left_out) == (
        '<h2 id="authoring-diagnostics-x">x</h2><a href="../authoring/diagnostics/#codes">a</a>'
        '<a href="#authoring-diagnostics-x">b</a>'
    )
