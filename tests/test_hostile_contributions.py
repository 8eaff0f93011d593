"""Attacks from a hostile review of the landed site, each now refused with its file and line: files under docs/ that
the site would publish as they are, Mermaid text that reaches the page past the sanitiser, a block left open that
swallows the sections the build adds, a heading that took cubic time, IDs in look-alike digits, invisible characters
that make text read otherwise, and image addresses that led an edition to read files of the building machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from imap.model import markup, sanitize
from imap.publishing.edition_html import EditionError, pictures, prepared
from tests.helpers import PRINCIPLE, formatted, minimal, within, write


def _with_body(root: Path, extra: str) -> int:
    """P01 with `extra` appended to its text; the 1-based line where `extra` starts."""
    text = PRINCIPLE + extra
    write(root, "manual/principles/P01.md", text)
    return PRINCIPLE.count("\n") + 1


@pytest.mark.parametrize(
    "relative",
    [
        "docs/help.html",  # a page of the contributor's own, with script
        "docs/pictures/diagram.svg",  # an SVG runs its script when opened, and a pull request shows it as a picture
        "docs/assets/javascripts/bundle.min.js",  # the path of a theme file replaces the theme's own
        "docs/assets/pictures/logo.png",  # the theme's and the project's folder
        "docs/CNAME",
        "docs/notes.MD",  # MkDocs reads only lower-case suffixes as pages: this one would be copied as it is
    ],
)
def test_a_file_under_docs_that_is_not_a_page_or_a_picture_is_refused(tmp_path: Path, relative: str) -> None:
    root = minimal(tmp_path)
    write(root, relative, "<script>alert(document.domain)</script>")
    assert [line.split(": error: ")[0] for line in formatted(root) if line.endswith("[file.unexpected]")] == [relative]


def test_a_picture_beside_a_page_is_published(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "docs/pictures/step-2.png", b"\x89PNG\r\n\x1a\n")
    assert formatted(root) == []


def test_a_mermaid_diagram_holds_no_directive_html_address_or_foreign_click(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    start = _with_body(
        root,
        "\n```mermaid\n"
        '%%{init: {"themeCSS": ".node rect { fill: url(https://tracker.example/css.png); }"}}%%\n'
        "graph TD\n"
        "  A[\"<img src='https://tracker.example/pixel.gif'> Dosing has been updated\"] --> B\n"
        '  click B href "https://phish.example/login" "Sign in"\n'
        "  click A P01\n"
        "  A <--> B\n"
        "```\n",
    )
    found = {int(line.split(":")[1]) for line in formatted(root) if line.endswith("[diagram.unsafe]")}
    assert found == {start + 2, start + 4, start + 5}  # the directive, the label's HTML, the click to a web address


@pytest.mark.parametrize("opening", ["```", "```python", "<div>", "<details>", "<details markdown>", "<table>"])
def test_a_block_left_open_is_named_where_it_opens(tmp_path: Path, opening: str) -> None:
    """An item's evidence, hypotheses and history follow its text on the page: a block the text leaves open would
    show them as code, or hide them."""
    root = minimal(tmp_path)
    start = _with_body(root, f"\nA last paragraph.\n\n{opening}\n")
    found = [line for line in formatted(root) if line.endswith("[markdown.unclosed]")]
    assert len(found) == 1
    assert found[0].startswith(f"manual/principles/P01.md:{start + 3}: error: the page opens ")


def test_a_block_closed_later_is_not_named(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _with_body(
        root,
        "\n```text\ncode\n```\n\n<details><summary>More</summary>\n\nText.\n\n</details>\n\n"
        "An example of Markdown, indented as code:\n\n    ```\n    not a fence here\n\nThe end.\n",
    )
    assert formatted(root) == []


@pytest.mark.parametrize(
    "diagram",
    [
        '``` {.mermaid}\ngraph LR\nA-->B\nclick A "https://evil.example"\n```',  # a fence given the class
        '> ```mermaid\n> graph LR\n> click A "https://evil.example"\n> ```',  # a fence in a quote
        '<pre class="mermaid">graph LR\nclick A "https://evil.example"</pre>',  # the element written as HTML
        "```mermaid\n---\nconfig:\n  theme: dark\n---\ngraph LR\nA-->B\n```",  # front matter: settings
        "```mermaid\ngraph LR\nstyle A fill:u\\72l(//evil.example/x)\n```",  # a style of its own
        '```mermaid\ngraph LR\nA["#lt;img#gt;"]-->B\n```',  # entity codes the library turns into HTML
    ],
)
def test_a_diagram_is_checked_however_it_is_written(tmp_path: Path, diagram: str) -> None:
    root = minimal(tmp_path)
    _with_body(root, f"\n{diagram}\n")
    assert any(line.endswith("[diagram.unsafe]") for line in formatted(root))


def test_a_plain_diagram_with_line_breaks_and_links_to_items_passes(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _with_body(root, "\n```mermaid\nsequenceDiagram\nNote right of A: one<br/>two\nA->>B: use hrefs\n```\n")
    assert formatted(root) == []


def test_a_heading_with_a_long_run_of_spaces_is_read_at_once() -> None:
    """The pattern that read headings took time growing with the cube of the line (about 4 hours for the longest
    paragraph allowed); headings are now trimmed in one pass."""
    line = "## a" + " " * 20_000 + "x"
    found = within(10, lambda: markup.headings(line + "\n## b" + " " * 20_000 + "{" * 5_000))
    assert [(h.level, h.text[:1], h.text[-1:]) for h in found] == [(2, "a", "x"), (2, "b", "{")]
    assert [h.text for h in markup.headings("## Title {: #own .x }\n### C# ###\n## ###")] == ["Title", "C#", "#"]


def test_an_id_in_look_alike_digits_is_refused(tmp_path: Path) -> None:
    """U+1D7D1 (a bold three) is a digit to Python's patterns: P1 and a bold three would be a second principle, shown
    as P13."""
    root = minimal(tmp_path)
    text = PRINCIPLE.replace("id: P01", "id: P1\U0001d7d1").replace("H01a", "H1\U0001d7d1a")
    write(root, "manual/principles/P1\U0001d7d1.md", text)
    assert any(line.startswith("manual/principles/P1\U0001d7d1.md") and ": error: " in line for line in formatted(root))


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b", "\ufeff"])
def test_a_character_that_makes_text_read_otherwise_is_refused(tmp_path: Path, character: str) -> None:
    root = minimal(tmp_path)
    write(root, "manual/principles/P01.md", PRINCIPLE.replace("title: A principle", f"title: A {character}principle"))
    code = f"U+{ord(character):04X}"
    assert any(
        line.startswith(f"manual/principles/P01.md:3: error: the line holds the invisible control character {code}")
        and line.endswith("[file.control-character]")
        for line in formatted(root)
    )


def test_an_image_from_the_servers_root_is_dropped() -> None:
    assert [u.what for u in sanitize.unsafe_markup('Text.\n\n<img src="/tmp/secret.txt" alt="a">\n')] == [
        "the src= attribute of <img> ('/tmp/secret.txt')"
    ]
    assert sanitize.unsafe_markup('Text.\n\n<img src="../pictures/a.png" alt="a">\n') == []


def test_an_edition_reads_pictures_only_from_the_built_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "manual/principles/P01/index.html", "<html></html>")
    write(site, "pictures/a.png", b"\x89PNG\r\n\x1a\n")
    write(tmp_path, "secret.txt", "TOPSECRET")
    find = pictures(site, "manual/principles/P01/index.html")
    assert find("../../../pictures/a.png") == (site / "pictures" / "a.png").resolve()
    for address in (
        "/tmp/secret.txt",
        "../../../../secret.txt",
        "file:///etc/passwd",
        "../../../pictures/none.png",
        "x%00.png",  # a null byte: no file name, and no traceback either
        "a" * 300 + ".png",
    ):
        with pytest.raises(EditionError, match="is not a file of the built site"):
            find(address)
    figures = tmp_path / "figures"
    figures.mkdir()
    content = prepared('<p><img alt="a" src="../../../pictures/a.png"></p>', figures, "fig0", find)
    assert content == '<p><img alt="a" src="fig0-picture-1.png"></p>'
    assert (figures / "fig0-picture-1.png").read_bytes().startswith(b"\x89PNG")


def test_a_page_with_another_markdown_suffix_is_checked_too(tmp_path: Path) -> None:
    """MkDocs reads .markdown, .mdown, .mkdn and .mkd pages as it reads .md: so does make check."""
    root = minimal(tmp_path)
    write(root, "docs/notes.markdown", "# Notes\n\n<script>alert(1)</script>\n")
    assert [line.split(": error: ")[0] for line in formatted(root) if line.endswith("[html.unsafe]")] == [
        "docs/notes.markdown:3"
    ]


@pytest.mark.parametrize(
    "field",
    [
        r"note = {x \&quot; y}",  # an entity after a backslash
        r"note = {x \<i>y</i>}",  # a tag after a backslash
        r"note = {x \\emph{y}}",  # a styled group after an escaped backslash
        r"title = {Oxidation of H$_2$O\ in water}",  # a formula word ending in a control space
    ],
)
def test_the_bibliography_s_rewriting_never_moves_where_a_value_ends(field: str) -> None:
    """Before pandoc reads the bibliography, the project rewrites values (HTML as LaTeX, styled and formula words
    braced); a brace put after a backslash would be text, and pandoc would end the value elsewhere than the checks:
    text after it, even a whole entry, would be printed without a check. No rewriting may do that."""
    from imap.citing import citeproc
    from imap.reading import bibliography

    text = (
        "@misc{carrier, author = {Smith, J.}, title = {Carrier}, year = {2020},\n"
        f"  {field},\n"
        "  howpublished = {P. @misc{victim, author = {Evil, E.}, title = {INJECTED}, year = {2020}}}}\n"
        "@misc{victim, author = {Ehlers, Anke}, title = {Checked}, year = {2000}}\n"
    )
    references, problems = bibliography.load("references.bib", text)
    result = citeproc.process(text, references)
    assert "INJECTED" not in result.formatted["victim"].entry_text, result.formatted["victim"]
    assert not [p for p in (*problems, *result.problems) if p.code == "bib.engine"]


def test_an_entry_or_title_pandoc_reads_that_the_checks_did_not_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever makes pandoc read the file otherwise than the checks (a rewriting before pandoc, a reading that
    differs), an entry it reads twice is an error and a title it reads otherwise a warning, each at the entry."""
    from imap.citing import citeproc, prepass
    from imap.reading import bibliography

    text = "@misc{a, author = {A, B}, title = {Checked}, year = {2020}}\n"
    references, _ = bibliography.load("references.bib", text)
    retitled = text.replace("Checked", "Rewritten")
    for read_otherwise, expected in (
        (retitled, [(1, "warning", "bib.agreement")]),
        (retitled + "@misc{a, author = {E, F}, title = {Evil}, year = {2020}}\n", [(1, "error", "bib.agreement")]),
    ):
        monkeypatch.setattr(prepass, "for_pandoc", lambda _, given=read_otherwise: given)
        problems = citeproc.process(text, references).problems
        assert [(p.location.line, p.severity.value, p.code) for p in problems] == expected, [
            p.format() for p in problems
        ]
