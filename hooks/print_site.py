"""MkDocs hook: linear-time replacements for two functions of mkdocs-print-site-plugin (pinned at 2.9).

To combine every page into the print edition, the plugin prefixes the IDs of headings, footnote marks and list
items on each page (so that "#evidence" on P03 becomes "#manual-principles-p03-evidence") and rewrites each link to
point at those IDs. Its `update_anchor_ids` and `fix_href_links` do this with one `str.replace` over the whole page
per ID and per link, which costs time quadratic in the size of a page: on pages that grow with the manual (the
bibliography, the registries, the overview tables) the print edition became most of the build time, and the build
stopped scaling linearly with the manual.

These versions compute the same replacements in one pass. tests/test_print_site_hook.py checks that they give the
same result as the plugin's own functions on the real manual's pages, so an upgrade that changes them is noticed.

The plugin also rewrites a link to a page the print edition leaves out (its `exclude` option) into an anchor that
is not there. After it has written the print edition, on_post_build points each such link at the page on the site.
"""

from __future__ import annotations

import fnmatch
import html
import posixpath
import re
from pathlib import Path
from typing import Any

import mkdocs_print_site_plugin.urls as print_site_urls
from mkdocs.plugins import event_priority

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


_ID = re.compile(r'\sid="([^"]*)"')
_LOCAL_HREF = re.compile(r'href="#([^"]*)"')


def point_at_left_out_pages(print_html: str, left_out: dict[str, str]) -> str:
    """The print edition with every link to a page it leaves out (page key -> the page's address from the print
    edition) pointing at that page on the site, anchor kept. An anchor the print edition has is never touched."""
    if not left_out:
        return print_html
    ids = set(_ID.findall(print_html))

    def rewrite(match: re.Match[str]) -> str:
        anchor = html.unescape(match.group(1))
        if anchor in ids:
            return match.group(0)
        for key, address in left_out.items():
            if anchor == key or anchor.startswith(key + "-"):
                rest = anchor[len(key) + 1 :]
                target = address + ("#" + rest if rest else "")
                return f'href="{html.escape(target, quote=True)}"'
        return match.group(0)

    return _LOCAL_HREF.sub(rewrite, print_html)


def _page_url(source: str, directory_urls: bool) -> str:
    """The address MkDocs gives the page written in `source` (a path under docs/)."""
    stem = source[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


@event_priority(-100)  # after the print-site plugin has written the print edition
def on_post_build(config: Any, **kwargs: Any) -> None:
    plugin = config["plugins"].get("print-site")
    if plugin is None or not plugin.config.get("exclude"):
        return
    printed = plugin.print_page.file.url  # print_page/ (or print_page.html)
    depth = len(
        [part for part in (printed if printed.endswith("/") else posixpath.dirname(printed)).split("/") if part]
    )
    docs = Path(config["docs_dir"])
    left_out = {}
    for source in sorted(docs.rglob("*.md")):
        relative = source.relative_to(docs).as_posix()
        if any(fnmatch.fnmatch(relative, pattern) for pattern in plugin.config["exclude"]):
            url = _page_url(relative, bool(config["use_directory_urls"]))
            key = str(print_site_urls.get_page_key(url))
            left_out[key] = "../" * depth + url
    path = Path(config["site_dir"]) / plugin.print_page.file.dest_uri
    text = path.read_text(encoding="utf-8")
    path.write_text(point_at_left_out_pages(text, left_out), encoding="utf-8")
