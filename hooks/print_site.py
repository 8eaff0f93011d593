"""MkDocs hook: linear-time replacements for two functions of mkdocs-print-site-plugin (pinned at 2.9).

To combine every page into the print edition, the plugin prefixes the IDs of headings, footnote marks and list
items on each page (so that "#evidence" on P03 becomes "#manual-principles-p03-evidence") and rewrites each link to
point at those IDs. Its `update_anchor_ids` and `fix_href_links` do this with one `str.replace` over the whole page
per ID and per link, which costs time quadratic in the size of a page: on pages that grow with the manual (the
bibliography, the registries, the overview tables) the print edition became most of the build time, and the build
stopped scaling linearly with the manual.

These versions compute the same replacements in one pass. tests/test_print_site_hook.py checks that they give the
same result as the plugin's own functions on the real manual's pages, so an upgrade that changes them is noticed.
"""

from __future__ import annotations

import html
import posixpath
import re

import mkdocs_print_site_plugin.urls as print_site_urls

# The tags whose IDs the plugin prefixes, and one attribute id="..." inside one tag.
_TAG = re.compile(r"<(h[1-6]|sup|li)(\s[^>]*?)?\sid=\"([^\"]*)\"([^>]*)>", flags=re.IGNORECASE)


def update_anchor_ids(page_html: str, page_key: str) -> str:
    def prefix(match: re.Match[str]) -> str:
        anchor = match.group(3)
        return match.group(0).replace(f'id="{anchor}"', f'id="{page_key}-{anchor}"', 1)

    return _TAG.sub(prefix, page_html)


_HREF = re.compile(r"<a\s+([^>]*?\s+)?href=\"(.*?)\"", flags=re.IGNORECASE)


def _target(url: str, page_key: str, page_url: str, directory_urls: bool) -> str:
    """Where a link on a page leads in the print edition (the plugin's rules, unchanged)."""
    if print_site_urls.is_attachment(url):
        url = str(print_site_urls.get_url_from_root(url, page_url))
        return posixpath.join("..", url) if directory_urls else url
    if url.startswith("#"):
        return "#" + page_key + "-" + url[1:]
    page, _, anchor = str(print_site_urls.get_url_from_root(url, page_url)).partition("#")
    return "#" + str(print_site_urls.get_page_key(page)) + ("-" + anchor if anchor else "")


def fix_href_links(page_html: str, page_key: str, page_url: str, directory_urls: bool = False) -> str:
    def rewrite(match: re.Match[str]) -> str:
        url = html.unescape(match.group(2))
        if print_site_urls.is_external(url):
            return match.group(0)
        target = _target(url, page_key, page_url, directory_urls)
        other = match.group(1)
        return f'<a href="{target}"' if other is None else f'<a {other.rstrip()} href="{target}"'

    return _HREF.sub(rewrite, page_html)


ORIGINAL = print_site_urls.update_anchor_ids
ORIGINAL_FIX_HREF_LINKS = print_site_urls.fix_href_links
print_site_urls.update_anchor_ids = update_anchor_ids
print_site_urls.fix_href_links = fix_href_links
