"""Bypasses found by a hostile review of the first trust change, each now refused with its line or published inert:
front matter values the theme prints (lists, tagged values, keys of its own), file names that become addresses,
Markdown that makes Python-Markdown recurse or take quadratic time, and diagrams written in a form the project did
not recognise (the theme then fetched its diagram script from a CDN)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from imap.model import escaping, sanitize
from tests.helpers import formatted, minimal, write


def _page(root: Path, front_matter: str) -> None:
    write(root, "docs/page.md", f"---\n{front_matter}\n---\n\n# Page\n\nText.\n")


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        (
            'status: ["\' tabindex=1 autofocus onfocus=document.title=/PWNED/.source x="]',
            "docs/page.md:2: error: unknown front matter key 'status' for a site page",
        ),
        (
            'subtitle: !!set {"<img src=x onerror=alert(1)>"}',
            "docs/page.md:2: error: the front matter gives a value the YAML tag !!set",
        ),
        ("title: !!binary PC90aXRsZT4=", "docs/page.md:2: error: the front matter gives a value the YAML tag !!binary"),
        ("hide: 5", "docs/page.md:2: error: 'hide' must be a list of: feedback, footer, navigation, path, toc"),
        ("search: 5", "docs/page.md:2: error: 'search' must be a mapping with the one key exclude"),
        ("template: nope.html", "docs/page.md:2: error: unknown front matter key 'template'"),
        ("icon: nope", "docs/page.md:2: error: unknown front matter key 'icon'"),
        ("ignore_macros: true", "docs/page.md:2: error: unknown front matter key 'ignore_macros'"),
        ("title: [a, b]", "docs/page.md:2: error: 'title' must be text"),
        ("render_macros: 'yes'", "docs/page.md:2: error: 'render_macros' must be true or false"),
        ("title: &a x\ndescription: *a", "docs/page.md:3: error: the front matter uses the YAML alias *a"),
    ],
)
def test_a_site_pages_front_matter_is_held_to_its_keys_and_types(
    tmp_path: Path, front_matter: str, expected: str
) -> None:
    root = minimal(tmp_path)
    _page(root, front_matter)
    found = formatted(root)
    assert any(line.startswith(expected) for line in found), found


def test_the_real_site_pages_pass_and_their_keys_are_all_known(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _page(root, "title: Page\nrender_macros: false\nhover_definitions: false\nhide: [toc]\nsearch:\n  exclude: true")
    assert formatted(root) == []


def test_a_tagged_value_in_an_items_front_matter_is_refused(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    path = root / "manual" / "principles" / "P01.md"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    number = next(n for n, line in enumerate(lines) if line.startswith("title: "))
    lines[number] = "title: !!binary PC90aXRsZT48aW1nIHNyYz14IG9uZXJyb3I9YWxlcnQoMSk+"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert any(
        line.startswith(f"manual/principles/P01.md:{number + 1}: error: the front matter gives a value the YAML tag")
        for line in formatted(root)
    )


def test_an_item_file_name_is_its_id_and_plain_words(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    old = root / "manual" / "principles" / "P01.md"
    old.rename(old.with_name("P01-a\"b'c<img src=x onerror=alert(1)>.md"))
    assert any(line.endswith("[id.file-name]") for line in formatted(root))
    (root / "manual" / "principles").joinpath("P01-a\"b'c<img src=x onerror=alert(1)>.md").rename(
        old.with_name("P01-stay-within-tolerance-2.md")
    )
    assert formatted(root) == []


def test_a_site_file_name_is_one_the_site_can_use_as_an_address(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, 'docs/a" onmouseover="alert(1).md', "# x\n")
    assert [line for line in formatted(root) if line.endswith("[file.name]")] == [
        'docs/a" onmouseover="alert(1).md: error: the file name \'a" onmouseover="alert(1).md\' is not one the site '
        "can use as an address (name files with letters, digits, '.', '_' and '-' only) [file.name]"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "*" * 5000 + "a" + "*" * 5000,  # Python-Markdown recursed past the stack
        "term\n: def\n" * 5000,
        "".join("    " * depth + "- a\n" for depth in range(300)),
        "".join(f"x[^{n}]" for n in range(600)) + "\n\n" + "".join(f"[^{n}]: d\n\n" for n in range(600)),
    ],
)
def test_markdown_that_recurses_or_takes_quadratic_time_is_refused_by_name(tmp_path: Path, text: str) -> None:
    root = minimal(tmp_path)
    path = root / "manual" / "principles" / "P01.md"
    body = path.read_text(encoding="utf-8")
    start = body.index("\n## ") + 1
    path.write_text(body[:start] + text + "\n\n" + body[start:], encoding="utf-8")
    assert [line.rsplit(" ", 1)[-1] for line in formatted(root)] == ["[text.too-complex]"]


def test_every_front_matter_value_reaches_the_theme_as_text() -> None:
    escaped = escaping.escape_metadata(
        {
            "title": 'A & "B" it\'s <i>',
            "status": ["' autofocus onfocus=alert(1) x=\""],
            "raw": b"<b>",
            "set": {"<i>"},
            "hide": ["toc"],
            "search": {"exclude": True},
            "count": 1,
            "date": datetime.date(2026, 1, 1),
        }
    )
    assert escaped["title"] == "A &amp; &quot;B&quot; it's &lt;i&gt;"
    assert str(escaped["status"]) == "['&#x27; autofocus onfocus=alert(1) x=&quot;']"  # as a template prints it
    assert escaped["raw"] == "b&#x27;&lt;b&gt;&#x27;" and escaped["set"] == "{&#x27;&lt;i&gt;&#x27;}"
    assert escaped["hide"] == ["toc"] and escaped["search"] == {"exclude": True} and escaped["count"] == 1
    assert escaped["date"] == "2026-01-01"
    for value in escaped.values():
        assert '"' not in str(value) and "<" not in str(value)


@pytest.mark.parametrize(
    "html",
    ['<pre class="mermaid"><code>graph LR</code></pre>', '<div class="x mermaid">graph LR</div>'],
)
def test_a_diagram_however_written_is_found_in_the_page(html: str) -> None:
    assert escaping.has_diagram(sanitize.clean(html))
    assert not escaping.has_diagram(sanitize.clean('<p class="mermaids">graph</p>'))
