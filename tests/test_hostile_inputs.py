"""Content is data, never code: a page that renders macros may only call the site's macros with literal arguments,
and no symbolic link makes the build read or publish a file from outside the repository. Each hostile input is
reported, with its file and line, by `make check` and by the site build (before any page is rendered)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mkdocs.exceptions import PluginError

from macros import adapter, site, symlinks, templates
from macros.diagnostics import CODES
from tests.conftest import ROOT, make_project, mkdocs_build
from tests.helpers import diagnostics, minimal, write

RULE = "such a page may only call the site's macros, with literal strings or numbers as arguments"
CODES_HERE = ("template.syntax", "template.unsafe", "template.config", "file.symlink")


def _page(body: str, front: str = "title: A page\nrender_macros: true\n") -> str:
    """A page under docs/ whose body starts on line 6 (with two lines of front matter)."""
    return f"---\n{front}---\n\n{body}\n"


def _found(root: Path) -> list[str]:
    """The diagnostics of this module's codes, as `make check` and the site build's loading both find them."""
    return [d.format() for d in diagnostics(root) if d.code in CODES_HERE]


def _build_refuses(root: Path, expected: list[str]) -> None:
    """The site build stops in define_env, before mkdocs-macros renders any page, with every diagnostic."""
    with pytest.raises(PluginError) as raised:
        adapter.define_env(SimpleNamespace(project_dir=str(root), conf={}))
    for line in expected:
        assert line in str(raised.value)


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
        "macros/templates.py) [template.unsafe]",
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
    # Text, as mkdocs-macros reads it; but a string where true or false belongs is named (macros.pages).
    assert [(d.location.path, d.code) for d in diagnostics(root)] == [("docs/string.md", "field.type")]


def test_markdown_files_with_other_suffixes_are_checked(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    write(root, "docs/page.markdown", _page("{{ config }}"))
    assert _found(root) == [
        f"docs/page.markdown:6: error: the variable 'config' in a page that renders macros ({RULE}) [template.unsafe]"
    ]


def test_the_registered_macros_are_the_checked_names(tmp_path: Path) -> None:
    """define_env registers exactly templates.MACROS (it refuses to build otherwise), and the real pages call only
    them."""
    root = make_project(tmp_path / "project", "valid")
    registered: list[str] = []
    env: Any = SimpleNamespace(
        project_dir=str(root),
        conf={"site_url": "", "nav": None, "watch": [], "extra": {}},
        macro=lambda function, name: registered.append(name),
    )
    adapter.define_env(env)
    assert sorted(registered) == sorted(templates.MACROS)
    assert len(set(templates.MACROS)) == len(templates.MACROS)
    assert templates.check_project(ROOT) == []


def _rendering(markdown: str, meta: dict[str, object], title: str = "A page", source: str | None = None) -> Any:
    text = source if source is not None else markdown
    return SimpleNamespace(
        page=SimpleNamespace(meta=meta, title=title, file=SimpleNamespace(src_path="page.md", content_string=text)),
        markdown=markdown,
        config={"render_by_default": False},
        force_page_rendering=lambda path: False,
    )


def test_the_page_being_rendered_is_checked_again() -> None:
    """A backstop in the build: whatever made mkdocs-macros render a page, what it renders passes the check."""
    adapter.on_pre_page_macros(_rendering("{{ config }}", {"render_macros": False}))
    adapter.on_pre_page_macros(_rendering("{{ config }}", {}))
    adapter.on_pre_page_macros(_rendering("{{ cite('x') }}", {"render_macros": True}))
    with pytest.raises(PluginError) as raised:
        adapter.on_pre_page_macros(
            _rendering("\n{{ config }}", {"render_macros": True}, source="---\n---\n\n{{ config }}")
        )
    assert f"docs/page.md:4: error: the variable 'config' in a page that renders macros ({RULE})" in str(raised.value)
    with pytest.raises(PluginError) as raised:
        adapter.on_pre_page_macros(_rendering("text", {"render_macros": 1}, title="{{ self }}"))
    assert "docs/page.md: error: the variable 'self'" in str(raised.value)


MACROS_PLUGIN = """\
  - macros:
      module_name: macros
      render_by_default: false   # only pages with `render_macros: true` are Jinja templates
      on_error_fail: true
      on_undefined: strict
"""


def test_the_macros_plugin_settings_reach_no_further(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert MACROS_PLUGIN in config
    write(root, "mkdocs.yml", config)
    assert diagnostics(root) == []
    changed = MACROS_PLUGIN.replace("on_error_fail: true\n", "include_dir: docs\n      modules: [os]\n")
    changed = changed.replace("on_undefined: strict", "on_undefined: keep\n      j2_variable_start_string: '[['")
    config = config.replace(MACROS_PLUGIN, changed)
    write(root, "mkdocs.yml", config)
    first = config.splitlines().index("  - macros:") + 1
    allowed = "module_name, render_by_default, on_error_fail, on_undefined, verbose"
    reach = "it widens what a page that renders macros can reach, or which pages render"
    assert _found(root) == [
        f"mkdocs.yml:{first + 1}: error: the macros plugin must set on_error_fail: true [template.config]",
        f"mkdocs.yml:{first + 3}: error: the macros plugin option 'include_dir' is not allowed: {reach} "
        f"(the options allowed are {allowed}) [template.config]",
        f"mkdocs.yml:{first + 4}: error: the macros plugin option 'modules' is not allowed: {reach} "
        f"(the options allowed are {allowed}) [template.config]",
        f"mkdocs.yml:{first + 5}: error: the macros plugin option on_undefined must be strict [template.config]",
        f"mkdocs.yml:{first + 6}: error: the macros plugin option 'j2_variable_start_string' is not allowed: {reach} "
        f"(the options allowed are {allowed}) [template.config]",
    ]


def test_the_configuration_may_not_inherit_unchecked_settings(tmp_path: Path) -> None:
    root = minimal(tmp_path / "project")
    write(root, "mkdocs.yml", "INHERIT: base.yml\nsite_name: x\nplugins:\n  macros: {}\n")
    assert _found(root) == [
        "mkdocs.yml:1: error: the configuration inherits from another file, whose plugin settings are not checked "
        "(write the settings into mkdocs.yml itself) [template.config]",
        "mkdocs.yml:4: error: the macros plugin must set module_name: macros [template.config]",
        "mkdocs.yml:4: error: the macros plugin must set on_error_fail: true [template.config]",
        "mkdocs.yml:4: error: the macros plugin must set on_undefined: strict [template.config]",
        "mkdocs.yml:4: error: the macros plugin must set render_by_default: false [template.config]",
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
    from macros.project import load_project

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
    assert sorted(symlinks.INPUT_FILES) == sorted([*site.SOURCE_FILES, templates.CONFIG_FILE])


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
