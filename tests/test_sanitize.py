"""The allowlist sanitiser (imap/model/sanitize.py, run on every page by hooks/sanitize.py): it changes nothing on the
real manual, removes every class of hostile markup, and a built site holds nothing outside the allowlist, even when
the author-facing check is switched off. `make check` names what it would remove with file and line."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from imap.model import sanitize
from tests.conftest import ROOT
from tests.helpers import formatted, minimal, write
from tests.hostile.corpus import BODY_CASES, CHANGELOG_ENTRY, MARK
from tests.sitescan import scan_html, scan_site

_VOID = frozenset({"br", "hr", "img", "col", "wbr", "input", "meta", "link", "source", "area", "base", "embed"})


class _Events(HTMLParser):
    """A document as the sequence a parser reads: start tags with their attributes, text, end tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self._text: list[str] = []

    def _flush(self) -> None:
        if self._text:
            self.events.append(("text", "".join(self._text)))
            self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        self.events.append(("start", tag, *sorted(f"{k}={v or ''}" for k, v in attrs)))
        if tag in _VOID:
            self.events.append(("end", tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.events.append(("end", tag))

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        if tag not in _VOID:
            self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _events(html: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.events


def test_the_sanitiser_changes_nothing_on_the_real_manual(built_site: Path) -> None:
    """Every page's content, as Markdown made it, is the same document after the sanitiser: the same elements,
    attributes and text in the same order. (Not the same bytes: the sanitiser writes HTML its own way, `<br>` for
    `<br />` and `"` for `&quot;` in text, which a browser reads as the same document.)"""
    recorded = sorted((built_site.parent / "recorded").rglob("*.html"))
    assert len(recorded) > 80  # every page of the site, docs and manual
    changed = [
        path.relative_to(built_site.parent).as_posix()
        for path in recorded
        if _events(sanitize.clean(text := path.read_text(encoding="utf-8"))) != _events(text) or sanitize.removed(text)
    ]
    assert changed == []


def test_the_built_site_holds_nothing_outside_the_allowlist(built_site: Path) -> None:
    assert [str(finding) for finding in scan_site(built_site)] == []


def test_with_the_check_switched_off_no_payload_reaches_a_page_alive(hostile_site: Path) -> None:
    """The hostile corpus planted in the manual and built without the author check: every page, the print edition
    and the search index hold nothing outside the allowlist (the browser test then checks none of it runs)."""
    assert [str(finding) for finding in scan_site(hostile_site)] == []
    page = (hostile_site / "manual" / "principles" / "P02" / "index.html").read_text(encoding="utf-8")
    assert "XSS-img" not in page and "<title>&lt;/title&gt;" in page  # the payloads were there, and came out inert
    assert "assets/vendor/mermaid.min.js" in page  # the diagram in a form once missed loads the vendored script
    cited = (hostile_site / "manual" / "principles" / "P03" / "index.html").read_text(encoding="utf-8")
    bibtex = re.search(r"In BibTeX:</p>\s*<div class=\"highlight\"><pre><span></span><code>(.*?)</code>", cited, re.S)
    assert bibtex is not None and "XSS-cff" in bibtex.group(1)  # the CITATION.cff author stays inside the block


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<img title=">" src=x onerror=alert(1)>',
        '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
        '<svg><set attributeName="onmouseover" to="alert(1)"/></svg>',
        '<svg><use href="data:image/svg+xml,<svg onload=alert(1)>"/></svg>',
        "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
        "<svg><script>alert(1)</script></svg>",
        '<details open ontoggle="alert(1)"><summary>s</summary></details>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<object data="javascript:alert(1)"></object>',
        '<embed src="javascript:alert(1)">',
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="javascript:alert(1)//">',
        '<link rel="import" href="x">',
        "<style>body{background:url(javascript:alert(1))}</style>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        '<div id="__config">{"base": "javascript:alert(1)"}</div>',
        '<div data-md-component="outdated">x</div>',
        '<input autofocus onfocus="alert(1)">',
        "<textarea><img src=x onerror=alert(1)></textarea>",
        "<template><img src=x onerror=alert(1)></template>",
        '<a href="https://example.org" target="_blank" ping="https://evil.example">x</a>',
        '<img src="https://tracker.example/pixel.png">',
        '<img src="//tracker.example/pixel.png">',
        '<img src="\\\\tracker.example/pixel.png">',
    ],
)
def test_hostile_markup_comes_out_inside_the_allowlist(fragment: str) -> None:
    cleaned = sanitize.clean(fragment)
    assert [str(finding) for finding in scan_html("fragment", cleaned, content_only=True)] == []
    assert "onerror" not in cleaned.replace("&lt;", "<").split(">")[0] or "<img" not in cleaned
    assert not re.search(r"<[^>]*\son\w+\s*=", cleaned), cleaned
    assert not re.search(r"(?i)(href|src|action|data)\s*=\s*\"?\s*(javascript|vbscript|data):", cleaned), cleaned
    assert "__config" not in re.findall(r'id="([^"]*)"', cleaned)
    assert sanitize.removed(fragment), "the check would not have named it"


def test_legitimate_markup_passes_unchanged() -> None:
    fragment = (
        '<p>See <a href="../P03/" title="t">P03</a>, <a href="https://doi.org/10.1000/x">a DOI</a> and '
        '<a href="mailto:team@example.org">us</a>.</p>\n'
        '<table><thead><tr><th style="text-align: right;">n</th></tr></thead>'
        '<tbody><tr><td style="text-align: right;">3</td></tr></tbody></table>\n'
        '<svg class="imap-map" role="group" aria-label="Map" viewBox="0 0 10 10" width="10" height="10" '
        'xmlns="http://www.w3.org/2000/svg"><a class="imap-node" href="../P01/" aria-label="P01">'
        '<rect x="1" y="1" width="5" height="5" rx="4"></rect><text x="1" y="2"><tspan x="1" y="2">P01</tspan>'
        "</text></a></svg>\n"
        '<details class="warning"><summary>More</summary><p><abbr title="x">PTSD</abbr></p></details>'
    )
    assert _events(sanitize.clean(fragment)) == _events(fragment)
    assert sanitize.removed(fragment) == []


def test_every_markdown_extension_of_the_site_is_the_checks() -> None:
    """`make check` renders a text with the site's own Markdown extensions, to see what the sanitiser would remove."""

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    _Loader.add_constructor("!ENV", lambda loader, node: None)  # MkDocs' environment variables (site_url)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    names = [next(iter(entry)) if isinstance(entry, dict) else entry for entry in config["markdown_extensions"]]
    assert tuple(names) == sanitize.MARKDOWN_EXTENSIONS
    # The adapter first (it puts the engine on the import path), then the sanitiser, before any other hook.
    assert config["hooks"][:2] == ["hooks/adapter.py", "hooks/sanitize.py"]


def _case_line(case: str) -> int:
    """The line of a corpus case that carries its attack (0-based within the case)."""
    lines = case.split("\n")
    markers = (MARK, "__config", "data-md-component", "style=", "data:")
    return next(number for number, line in enumerate(lines) if any(m in line for m in markers))


@pytest.mark.parametrize("name", list(BODY_CASES))
def test_each_hostile_body_is_named_with_file_and_line(tmp_path: Path, name: str) -> None:
    root = minimal(tmp_path)
    path = root / "manual" / "principles" / "P01.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n## ") + 1
    first_line = text[:start].count("\n") + 1
    case = BODY_CASES[name]
    path.write_text(text[:start] + case + "\n\n" + text[start:], encoding="utf-8")
    found = [line for line in formatted(root) if line.endswith("[html.unsafe]")]
    assert found, f"{name} was not reported"
    expected = f"manual/principles/P01.md:{first_line + _case_line(case)}: error: the page holds "
    assert any(line.startswith(expected) for line in found), found


def test_a_changelog_entry_with_an_attribute_list_is_named(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    write(root, "CHANGELOG.md", f"# Changelog\n\n## [Unreleased]\n\n### Changed\n{CHANGELOG_ENTRY}\n")
    assert any(
        line.startswith("CHANGELOG.md:6: error: the changelog entry holds the onmouseover= attribute of <a>")
        and line.endswith("[html.unsafe]")
        for line in formatted(root)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.2.0<script>document.title='XSS-version'</script>\n", "VERSION:1: error: VERSION is "),
        ("0.2.0\n0.3.0\n", "VERSION:1: error: VERSION holds more than one line"),
        ("1.2\n", "VERSION:1: error: VERSION is '1.2', not one version"),
        ("9" * 5000 + ".0.0\n", "VERSION:1: error: VERSION is '9999"),
        ("", "VERSION:1: error: VERSION is '', not one version"),
    ],
)
def test_a_version_that_is_not_one_version_is_refused(tmp_path: Path, text: str, message: str) -> None:
    root = minimal(tmp_path)
    write(root, "VERSION", text)
    found = [line for line in formatted(root) if line.endswith("[version.format]")]
    assert len(found) == 1 and found[0].startswith(message), found


def test_a_version_folder_is_refused(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    (root / "VERSION").mkdir()
    assert "VERSION: error: VERSION is a folder [version.format]" in formatted(root)


@pytest.mark.parametrize("term", ["a\\b", "x]: y", "*bold*", "<b>PTSD</b>", "`code`", "-"])
def test_a_glossary_term_outside_the_grammar_is_refused(tmp_path: Path, term: str) -> None:
    root = minimal(tmp_path)
    write(root, "glossary.yml", yaml.safe_dump([{"term": term, "definition": "A definition."}]))
    found = [line for line in formatted(root) if line.endswith("[glossary.term]")]
    assert len(found) == 1 and found[0].startswith("glossary.yml:1: error: the term "), found
