"""MkDocs hook: what contributors write reaches a reader's browser only as text or as allowlisted HTML.

- Every page's content HTML passes the project's one allowlist sanitiser (imap/model/sanitize.py) as soon as Markdown
  has produced it, before any other plugin sees it (the print edition and the search index copy it).
- Titles and front matter are plain text, but the theme's templates print them as HTML (Material prints
  `nav_item.title`, `page.title` and `page.meta.title` unescaped). So every title in the navigation and every
  string in a page's front matter is escaped once here, and every page carries its title in `meta.title`, which
  the theme prints in <title> as it is (its other branch, `page.title | striptags`, would undo the escaping).
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import event_priority


@event_priority(-100)  # last: after the print-site plugin has added its page
def on_nav(nav: Any, **kwargs: Any) -> Any:
    from imap.model import escaping

    def visit(entries: list[Any]) -> None:
        for entry in entries:
            if isinstance(getattr(entry, "title", None), str) and "title" in vars(entry):
                entry.title = escaping.escape_text(entry.title)
            visit(getattr(entry, "children", None) or [])

    visit(nav.items)
    return nav


@event_priority(100)  # first: the print-site plugin keeps each page's content, and search indexes it, after this
def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    # Imported here: the engine is on the import path only once the adapter hook (hooks/adapter.py) has put it there,
    # in on_config, after every hook is loaded.
    from imap.model import escaping

    page.meta, content = escaping.page(page.meta, page.title, page.is_homepage, html)
    if page.meta.get("imap_diagrams"):
        # The print edition holds every page (it is made last): it loads the diagram script when one of them draws.
        kwargs["config"]["extra"]["imap_print_diagrams"] = True
    return content
