"""The hostile-input corpus: one payload per class of attack on what contributors write (issue 19), each trying to
run code in a reader's browser. Every payload that could run sets `document.title` to a value starting with
"XSS-", so a browser test can tell whether any ran, on load, hover, focus or click.

BODY holds the ways into an item's text (BODY_CASES, each named by `make check`; INERT_BODY_CASES, shown as text); the other constants reach the pages through front matter, CITATION.cff
and the changelog. A project made with `plant` holds them all.
"""

from __future__ import annotations

from pathlib import Path

MARK = "XSS-"

# Markdown and HTML in an item's body, one class per paragraph (blank lines between them).
BODY_CASES: dict[str, str] = {
    "reference-link": "A reference link [click][evil] here.\n\n[evil]: javascript:document.title='XSS-reflink'",
    "colon-entity": "A link [colon](javascript&colon;document.title='XSS-colon').",
    "img-title-gt": '<img title=">" src=x onerror="document.title=\'XSS-img\'">',
    "paragraph-attrs": "A paragraph with attributes.\n{: onclick=\"document.title='XSS-para'\" }",
    "link-attrs": "[attr link](https://example.org){: onmouseover=\"document.title='XSS-linkattr'\" }",
    "link-href-entity": "[entity](https://example.org){: href=\"&#106;avascript:document.title='XSS-href'\" }",
    "heading-attrs": "### Heading with attributes { onfocus=\"document.title='XSS-h'\" tabindex=0 }",
    "script": "<script>document.title='XSS-script'</script>",
    "svg-animate": '<svg><a><animate attributeName="href" values="javascript:document.title=\'XSS-anim\'"/>'
    '<text x="20" y="20">svg</text></a></svg>',
    "svg-onload": '<svg onload="document.title=\'XSS-svg\'"><rect width="5" height="5"/></svg>',
    "details-toggle": "<details open ontoggle=\"document.title='XSS-toggle'\"><summary>s</summary>d</details>",
    "tab-href": "<a href=\"java&#x09;script:document.title='XSS-tab'\">tab</a>",
    "iframe-srcdoc": "<iframe srcdoc=\"<script>parent.document.title='XSS-srcdoc'</script>\"></iframe>",
    "object-data": "<object data=\"javascript:document.title='XSS-object'\"></object>",
    "form-action": "<form action=\"javascript:document.title='XSS-form'\"><button>go</button></form>",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:document.title=\'XSS-meta\'">',
    "base-href": "<base href=\"javascript:document.title='XSS-base'//\">",
    "noscript": "<noscript><p title=\"</noscript><img src=x onerror=document.title='XSS-noscript'>\"></noscript>",
    "data-url": "[data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuZG9jdW1lbnQudGl0bGU9J1hTUy1kYXRhJzwvc2NyaXB0Pg==)",
    "theme-config": '<div id="__config">{"base": "javascript:document.title=\'XSS-config\'"}</div>',
    "theme-component": '<div data-md-component="outdated" style="position:fixed">x</div>',
    "style-overlay": '<p style="position:fixed;top:0;left:0">overlay</p>',
    "md-in-html": '<div markdown="1" onmouseover="document.title=\'XSS-mdhtml\'">*md*</div>',
    "footnote": "Text.[^n]\n\n[^n]: <img src=x onerror=\"document.title='XSS-fn'\">",
    # Last: its <style> turns the rest of the text into raw text.
    "mutation": "<math><mtext><table><mglyph><style><img src=x onerror=\"document.title='XSS-mxss'\">",
}
# Markup that `make check` has no reason to name, because the page shows it as text (the table of contents escapes
# its labels); the built page must still be inert.
INERT_BODY_CASES: dict[str, str] = {
    # A diagram written in a form the project once missed: the page must load the vendored diagram script, or the
    # theme fetches one from a CDN.
    "mermaid-attribute-fence": "```{.mermaid}\ngraph LR\n  A-->B\n```",
    "toc-label": "### Labelled { data-toc-label=\"<img src=x onerror=document.title='XSS-toc'>\" }",
}
BODY = "\n\n".join([*INERT_BODY_CASES.values(), *BODY_CASES.values()])

# Front matter and project files.
TITLE = "</title><img src=x onerror=\"document.title='XSS-title'\">&lt;/title&gt;&lt;img src=x onerror=document.title='XSS-title2'&gt;"
SUMMARY = "<img src=x onerror=\"document.title='XSS-summary'\">"
CITATION_AUTHOR = "Evil\n```\n<img src=x onerror=\"document.title='XSS-cff'\">\n```"
CHANGELOG_ENTRY = "- [see](https://x){ onmouseover=\"document.title='XSS-changelog'\" } for P02."


def plant(project: Path) -> None:
    """Put every payload into a copy of the real manual: P02's title, summary and body, an author of CITATION.cff,
    and an entry of the changelog's unreleased changes."""
    path = project / "manual" / "principles" / "P02.md"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("title: "):
            lines[index] = "title: " + _quoted(TITLE)
        elif line.startswith("summary: "):
            lines[index] = "summary: " + _quoted(SUMMARY)
    text = "\n".join(lines)
    first_section = text.index("\n## ")
    path.write_text(text[:first_section] + "\n\n" + BODY + "\n" + text[first_section:], encoding="utf-8")

    cff = project / "CITATION.cff"
    cff.write_text(
        cff.read_text(encoding="utf-8").replace(
            '  - name: "IMAP manual contributors"', "  - name: " + _quoted(CITATION_AUTHOR)
        ),
        encoding="utf-8",
    )

    changelog = project / "CHANGELOG.md"
    history = changelog.read_text(encoding="utf-8")
    history = history.replace(
        "## [Unreleased]\n\n### Changed\n", f"## [Unreleased]\n\n### Changed\n{CHANGELOG_ENTRY}\n", 1
    )
    changelog.write_text(history, encoding="utf-8")


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
