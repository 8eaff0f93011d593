"""Content is data, never code: a page that renders macros may only call the site's macros with literal arguments,
and no symbolic link makes the build read or publish a file from outside the repository. Each hostile input is
reported, with its file and line, by `make check` and by the site build (before any page is rendered)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imap.checking import page_templates
from imap.model.diagnostics import CODES, has_errors
from imap.publishing import generate
from imap.reading import symlinks
from imap.rendering import site
from tests.conftest import ROOT, make_project, mkdocs_build
from tests.helpers import build_refusal, diagnostics, minimal, write

RULE = "such a page may only call the site's macros, with literal strings or numbers as arguments"
CODES_HERE = ("template.syntax", "template.unsafe", "template.config", "file.symlink")


def _page(body: str, front: str = "title: A page\nrender_macros: true\n") -> str:
    """A page under docs/ whose body starts on line 6 (with two lines of front matter)."""
    return f"---\n{front}---\n\n{body}\n"


def _found(root: Path) -> list[str]:
    """The diagnostics of this module's codes, as `make check` and the site build's loading both find them."""
    return [d.format() for d in diagnostics(root) if d.code in CODES_HERE]


def _build_refuses(root: Path, expected: list[str]) -> None:
    """The site build stops as it loads the project, before any page is made, with every diagnostic."""
    refusal = build_refusal(root)
    for line in expected:
        assert line in refusal


HOSTILE_PAGES = [
    pytest.param(
        "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
        "docs/page.md:6: error: the expression {{ SHOWN }} "
        f"in a page that renders macros ({RULE}) [template.unsafe]",
        id="cycler-globals-popen",
    ),
    pytest.param(
        "{{ config }}",
        f"docs/page.md:6: error: the variable 'config' in a page that renders macros ({RULE}) [template.unsafe]",
        id="config",
    ),
    pytest.param(
        "{{ self }}",
        f"docs/page.md:6: error: the variable 'self' in a page that renders macros ({RULE}) [template.unsafe]",
        id="self",
    ),
    pytest.param(
        "{% for key in keys %}\n{{ cite(key) }}\n{% endfor %}",
        f"docs/page.md:6: error: a {{% for %}} tag in a page that renders macros ({RULE}) [template.unsafe]",
        id="for",
    ),
    pytest.param(
        "{% include 'x' %}",
        f"docs/page.md:6: error: a {{% include %}} tag in a page that renders macros ({RULE}) [template.unsafe]",
        id="include",
    ),
    pytest.param(
        "{% set x = 1 %}",
        f"docs/page.md:6: error: a {{% set %}} tag in a page that renders macros ({RULE}) [template.unsafe]",
        id="set",
    ),
    pytest.param(
        "{{ cite(x) }}",
        "docs/page.md:6: error: the argument x of cite() is not a literal (write a string in quotes, or a number) "
        "[template.unsafe]",
        id="variable-argument",
    ),
    pytest.param(
        "Some text.\n{{ cite('a' ~ 'b') }}",
        "docs/page.md:7: error: the argument 'a' ~ 'b' of cite() is not a literal (write a string in quotes, or a "
        "number) [template.unsafe]",
        id="computed-argument",
    ),
    pytest.param(
        "{{ fields_table(kind=range) }}",
        "docs/page.md:6: error: the argument range of fields_table() is not a literal (write a string in quotes, or a "
        "number) [template.unsafe]",
        id="keyword-argument",
    ),
    pytest.param(
        "{{ cite(*keys) }}",
        f"docs/page.md:6: error: the arguments of cite() are unpacked with * or ** ({RULE}) [template.unsafe]",
        id="unpacked-arguments",
    ),
    pytest.param(
        "{{ ctie('ehlers2000cognitive') }}",
        "docs/page.md:6: error: a call to 'ctie', which is not one of the site's macros (did you mean 'cite'?) "
        "[template.unsafe]",
        id="unregistered-macro",
    ),
    pytest.param(
        "{{ lipsum() }}",
        "docs/page.md:6: error: a call to 'lipsum', which is not one of the site's macros (the macros are listed in "
        "imap/checking/page_templates.py) [template.unsafe]",
        id="jinja-global",
    ),
    pytest.param(
        "{{ cite('ehlers2000cognitive') | safe }}",
        "docs/page.md:6: error: the expression {{ cite('ehlers2000cognitive')|safe }} in a page that renders macros "
        f"({RULE}) [template.unsafe]",
        id="filter",
    ),
    pytest.param(
        "Line.\n\n{{ cite( }}",
        "docs/page.md:8: error: the page renders macros and is not a valid template: unexpected '}', expected ')' "
        "(write {{ '{{' }} for a literal {{) [template.syntax]",
        id="syntax-error",
    ),
]


@pytest.mark.parametrize(("body", "expected"), HOSTILE_PAGES)
def test_a_page_that_renders_macros_may_only_call_macros_with_literals(
    tmp_path: Path, body: str, expected: str
) -> None:
    root = minimal(tmp_path / "project")
    marker = tmp_path / "marker"
    write(root, "docs/page.md", _page(body.replace("MARKER", str(marker))))
    # A long expression is shown cut to 80 characters.
    shown = f"cycler.__init__.__globals__.os.popen('touch {marker}').read()"
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    expected = expected.replace("SHOWN", shown)
    assert _found(root) == [expected]
    _build_refuses(root, [expected])
    assert not marker.exists()


def test_a_title_that_renders_is_checked_too(tmp_path: Path) -> None:
    """mkdocs-macros renders the title of a page that renders macros; `render_macros: 1` turns rendering on."""
    root = minimal(tmp_path / "project")
    write(root, "docs/page.md", _page("{{ cite('ehlers2000cognitive') }}", 'render_macros: 1\ntitle: "{{ config }}"\n'))
    assert _found(root) == [
        f"docs/page.md:3: error: the variable 'config' in a page that renders macros ({RULE}) [template.unsafe]"
    ]


def test_a_file_name_that_could_become_the_title_is_checked(tmp_path: Path) -> None:
    """Without a title in its front matter or a heading, MkDocs makes a page's title from its file name."""
    root = minimal(tmp_path / "project")
    write(root, "docs/{{ config }}.md", _page("Text.", "render_macros: true\n"))
    assert _found(root) == [
        f"docs/{{{{ config }}}}.md: error: the file name of a page that renders macros has template syntax ({RULE}) "
        "[template.unsafe]"
    ]


def test_macro_calls_with_literals_text_and_comments_pass(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    body = (
        '{{ cite("ehlers2000cognitive") }} and {{ cite("siegel1999developing", "ehlers2000cognitive") }}\n'
        "{{ fields_table('principle') }} {{ fields_table(kind=\"theory\") }} {{ principle_evidence_table() }}\n"
        '{# a comment #} {{ "{{" }} is a brace pair; {% raw %}{{ config }} is text{% endraw %}\n'
    )
    write(root, "docs/page.md", _page(body))
    assert diagnostics(root) == []


def test_a_page_that_does_not_render_is_text(tmp_path: Path) -> None:
    """Only `render_macros: true` makes a page a template; otherwise {{ }} is published as written."""
    root = minimal(tmp_path / "project")
    write(root, "docs/text.md", _page("{{ config }} {% for %}", "title: Text\n"))
    write(root, "docs/off.md", _page("{{ config }}", "render_macros: false\n"))
    write(root, "docs/none.md", "{{ config }}\n")
    write(root, "docs/string.md", _page("{{ config }}", "render_macros: 'true'\n"))
    # Text, as mkdocs-macros reads it; but a string where true or false belongs is named (imap.checking.site_pages).
    assert [(d.location.path, d.code) for d in diagnostics(root)] == [("docs/string.md", "field.type")]


def test_markdown_files_with_other_suffixes_are_checked(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    write(root, "docs/page.markdown", _page("{{ config }}"))
    assert _found(root) == [
        f"docs/page.markdown:6: error: the variable 'config' in a page that renders macros ({RULE}) [template.unsafe]"
    ]


def test_the_macros_made_are_the_checked_names(tmp_path: Path) -> None:
    """The generator makes exactly page_templates.MACROS, and the real pages call only them."""
    root = make_project(tmp_path / "project", "valid")
    pages, _, problems = generate.load(root, "", None)
    assert not has_errors(problems)
    assert sorted(pages.functions("page.md")) == sorted(page_templates.MACROS)
    assert len(set(page_templates.MACROS)) == len(page_templates.MACROS)
    assert page_templates.check_project(ROOT) == []


def test_a_page_is_checked_again_as_it_is_made(tmp_path: Path) -> None:
    """A backstop in the generator: whatever reached it, a page that calls macros holds only literal calls, and a
    call with arguments the macro does not take is an error at its line, never a traceback or a page."""
    root = make_project(tmp_path / "project", "valid")
    pages, _, _ = generate.load(root, "", None)
    assert "{{ config }}" in pages.page("page.md", {}, "{{ config }}").markdown  # not a page that calls macros
    assert "{{ config }}" in pages.page("page.md", {"render_macros": False}, "{{ config }}").markdown
    made = pages.page("page.md", {"render_macros": True}, "{{ '{{' }} {{ xref('P01') }} {{ 3 }}").markdown
    assert made.startswith("{{ [P01 ") and "{{ xref" not in made
    for text, first_line, expected in [
        ("\n{{ config }}", 4, f"docs/page.md:5: error: the variable 'config' in a page that renders macros ({RULE})"),
        ("{{ item_list('nonsense') }}", 6, "docs/page.md:6: error: item_list('nonsense') cannot be made: "),
        ("{{ glossary(1, 2) }}", 6, "docs/page.md:6: error: glossary(1, 2) cannot be made: "),
    ]:
        with pytest.raises(generate.GenerateError) as raised:
            pages.page("page.md", {"render_macros": 1}, text, first_line)
        assert str(raised.value).startswith(expected)
    with pytest.raises(generate.GenerateError) as raised:
        pages.page("page.md", {"render_macros": True, "title": "{{ self }}"}, "text")
    assert str(raised.value).startswith("docs/page.md: error: the variable 'self'")


def test_the_configuration_turns_on_no_template_engine(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\n  - macros:" not in config and "  - hooks/adapter.py\n" in config
    write(root, "mkdocs.yml", config)
    assert diagnostics(root) == []
    config = config.replace("plugins:\n  - search\n", "plugins:\n  - search\n  - macros:\n      module_name: macros\n")
    write(root, "mkdocs.yml", config)
    line = config.splitlines().index("  - macros:") + 1
    assert _found(root) == [
        f"mkdocs.yml:{line}: error: mkdocs.yml turns on the macros plugin, which renders pages as Jinja templates "
        "(pages call the site's macros through the engine (imap/publishing/generate.py); remove the plugin) [template.config]"
    ]


def test_the_configuration_may_not_inherit_unchecked_settings(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    write(root, "mkdocs.yml", "INHERIT: base.yml\nsite_name: x\nplugins:\n  macros: {}\n")
    assert _found(root) == [
        "mkdocs.yml:1: error: the configuration inherits from another file, whose plugin settings are not checked "
        "(write the settings into mkdocs.yml itself) [template.config]",
        "mkdocs.yml:4: error: mkdocs.yml turns on the macros plugin, which renders pages as Jinja templates "
        "(pages call the site's macros through the engine (imap/publishing/generate.py); remove the plugin) [template.config]",
    ]


def _link(root: Path, relative: str, target: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


LINKED = "the build reads and publishes only files of the repository itself"
HINT = "put the file itself in the repository, or remove the link"


def test_symbolic_links_are_reported_and_never_followed(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    outside = minimal(tmp_path / "outside")
    write(outside, "manual/principles/P02.md", (outside / "manual/principles/P01.md").read_text(encoding="utf-8"))
    write(root, ".git/config", "[core]\n")
    write(root, "docs/index.md", "# Home\n")
    _link(root, "docs/manual", "../manual")  # the project's own link: allowed
    _link(root, "manual/theories/more", str(outside / "manual" / "principles"))  # a folder linked in
    _link(root, "manual/principles/P02.md", str(outside / "manual" / "principles" / "P02.md"))  # a file linked in
    _link(root, "docs/assets/config", "../../.git/config")
    _link(root, "docs/assets/gone.js", "nowhere.js")
    _link(root, "docs/page.md", str(outside / "page.md"))
    assert _found(root) == [
        f"docs/assets/config: error: symbolic link to '../../.git/config': {LINKED} ({HINT}) [file.symlink]",
        f"docs/assets/gone.js: error: broken symbolic link to 'nowhere.js': {LINKED} ({HINT}) [file.symlink]",
        f"docs/page.md: error: broken symbolic link to '{outside / 'page.md'}': {LINKED} ({HINT}) [file.symlink]",
        f"manual/principles/P02.md: error: symbolic link to '{outside / 'manual/principles/P02.md'}': {LINKED} "
        f"({HINT}) [file.symlink]",
        f"manual/theories/more: error: symbolic link to '{outside / 'manual/principles'}': {LINKED} ({HINT}) "
        "[file.symlink]",
    ]
    from imap.checking.project import load_project

    assert sorted(i.id for i in load_project(root).manual.items) == ["P01", "T01"]  # P02 was not read
    _build_refuses(root, [f"docs/assets/config: error: symbolic link to '../../.git/config': {LINKED}"])


def test_docs_manual_must_point_to_the_manual(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    _link(root, "docs/manual", "../../elsewhere")
    assert _found(root) == [
        "docs/manual: error: symbolic link to '../../elsewhere': docs/manual must point to ../manual "
        "(make it again with: ln -sfn ../manual docs/manual) [file.symlink]"
    ]
    (root / "docs" / "manual").unlink()
    write(root, "docs/manual/page.md", "# A page\n")
    assert _found(root) == [
        "docs/manual: error: docs/manual must be the symbolic link to ../manual, not a folder of its own "
        "(move its pages to manual/ and make the link: ln -sfn ../manual docs/manual) [file.symlink]"
    ]


def test_input_files_and_folders_are_not_links(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    shutil.move(root / "references.bib", tmp_path / "references.bib")
    _link(root, "references.bib", str(tmp_path / "references.bib"))
    _link(root, "glossary.yml", "/proc/self/environ")
    shutil.move(root / "manual", tmp_path / "manual")
    _link(root, "manual", str(tmp_path / "manual"))
    found = _found(root)
    assert found == [
        f"glossary.yml: error: symbolic link to '/proc/self/environ': {LINKED} ({HINT}) [file.symlink]",
        f"manual: error: symbolic link to '{tmp_path / 'manual'}': {LINKED} ({HINT}) [file.symlink]",
        f"references.bib: error: symbolic link to '{tmp_path / 'references.bib'}': {LINKED} ({HINT}) [file.symlink]",
    ]


def test_the_inputs_checked_are_the_files_the_site_is_made_from() -> None:
    assert sorted(symlinks.INPUT_FILES) == sorted([*site.SOURCE_FILES, page_templates.CONFIG_FILE])


def test_the_codes_are_documented() -> None:
    for code in CODES_HERE:
        assert code in CODES


def test_a_hostile_page_and_link_fail_the_build_and_run_nothing(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path / "project", "valid")
    marker = tmp_path / "marker"
    payload = "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
    write(project_dir, "docs/hostile.md", _page(payload))
    write(project_dir, ".git/config", "[core]\n")
    (project_dir / "docs" / "assets" / "config").symlink_to("../../.git/config")
    result = mkdocs_build(project_dir)
    assert result.returncode != 0
    assert "docs/hostile.md:6: error: the expression {{ cycler.__init__.__globals__.os.popen('touch " in result.stderr
    assert f"docs/assets/config: error: symbolic link to '../../.git/config': {LINKED}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not marker.exists()
    assert not (project_dir / "site" / "assets" / "config").exists()
