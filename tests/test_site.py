"""Full strict MkDocs builds: the real manual and the fixture sites, checked from the outside."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, imap_check, make_project, mkdocs_build, run
from tests.helpers import write


def _manual_json(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "data" / "manual.json").read_text(encoding="utf-8"))
    return data


def test_every_manual_file_is_one_page_and_one_item(built_site: Path) -> None:
    files = sorted(p.relative_to(ROOT / "manual").with_suffix("").as_posix() for p in (ROOT / "manual").rglob("*.md"))
    pages = sorted(
        p.parent.relative_to(built_site / "manual").as_posix() for p in (built_site / "manual").rglob("index.html")
    )
    assert pages == files
    data = _manual_json(built_site)
    assert sorted(i["source_file"] for i in data["items"]) == sorted(f"manual/{f}.md" for f in files)


def test_a_build_keeps_what_the_next_build_reuses(built_site: Path) -> None:
    """The next build (a save under `make serve`) takes the page terms and the BibTeX download from the cache, so
    the build must save them after everything that fills them has run."""
    cache = built_site.parent / ".cache" / "imap"
    for name in ("page-terms.json", "exports.json"):
        assert (cache / name).is_file(), name


def test_manual_json_lists_every_reference_with_apa_and_cited_by(built_site: Path) -> None:
    data = _manual_json(built_site)
    bib_keys = re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(r["key"] for r in data["references"]) == sorted(bib_keys)
    ehlers = next(r for r in data["references"] if r["key"] == "ehlers2000cognitive")
    assert ehlers["in_text"] == "(Ehlers & Clark, 2000)"
    assert ehlers["apa"].startswith("Ehlers, A., & Clark, D. M. (2000).")
    assert ehlers["csl"]["DOI"] == "10.1016/S0005-7967(99)00123-0"
    assert ehlers["cited_by"]
    assert data["manual_version"] == (ROOT / "VERSION").read_text(encoding="utf-8").strip()


def test_a_principle_page_links_to_its_theories_sources_and_back(built_site: Path) -> None:
    data = _manual_json(built_site)
    principle = next(i for i in data["items"] if i["kind"] == "principle")
    html = (built_site / principle["url"] / "index.html").read_text(encoding="utf-8")
    for theory in principle["theories"]:
        assert f'href="../../theories/{theory}/"' in html
    first_source = principle["evidence"][0]["source"]
    assert f'href="../../../bibliography/#ref-{first_source}"' in html
    bibliography = (built_site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert f'id="ref-{first_source}"' in bibliography
    assert f'href="../{principle["url"]}"' in bibliography


def test_every_page_says_the_treatment_is_investigational(built_site: Path) -> None:
    """Every page a reader sees; the /id/ pages only forward to one of them and are checked to do just that."""
    pages = [p for p in built_site.rglob("index.html") if not p.relative_to(built_site).as_posix().startswith("id/")]
    assert len(pages) > 60
    for page in pages:
        assert "Investigational treatment." in page.read_text(encoding="utf-8"), page
    for forward in (built_site / "id").rglob("index.html"):
        text = forward.read_text(encoding="utf-8")
        assert '<meta http-equiv="refresh" content="0; url=../../manual/' in text, forward
        assert len(text) < 1000, forward


def test_retracted_works_are_marked_where_cited(built_site: Path) -> None:
    data = _manual_json(built_site)
    for reference in (r for r in data["references"] if r["retracted"] and r["cited_by"]):
        for item_id in reference["cited_by"]:
            item = next(i for i in data["items"] if i["id"] == item_id)
            html = (built_site / item["url"] / "index.html").read_text(encoding="utf-8")
            anchor = f'#ref-{reference["key"]}"'
            after = html.split(anchor, 1)[1][:400]
            assert "<strong>retracted</strong>" in after, (item_id, reference["key"])


def test_no_third_party_resources(built_site: Path) -> None:
    pattern = re.compile(r"""(?:src|href)=["'](https?:)?//(?!imap-manual\.example\.org)[^"']+["'][^>]*""")
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            tag_start = text.rfind("<", 0, match.start())
            assert text[tag_start : tag_start + 2] == "<a", (page, match.group(0))


def test_valid_fixture_site_publishes_template_syntax_as_text(valid_site: Path) -> None:
    html = (valid_site / "manual" / "chapters" / "C01" / "index.html").read_text(encoding="utf-8")
    assert "{{ not_a_macro }}" in html
    assert "{% not_a_tag %}" in html
    assert "<strong>retracted</strong>" in html


def test_broken_copy_fails_check_and_build_with_every_problem(tmp_path: Path) -> None:
    """The 'done when' of the engine: unknown key, bad YAML and a malformed bib entry, each with file and line."""
    project_dir = make_project(tmp_path / "broken", "valid")
    principle = project_dir / "manual" / "principles" / "P01.md"
    principle.write_text(principle.read_text(encoding="utf-8").replace("summary:", "sumary:"), encoding="utf-8")
    write(project_dir, "manual/theories/T02.md", "---\nid: T02\ntitle: [unclosed\n---\n")
    bib = project_dir / "references.bib"
    original = bib.read_text(encoding="utf-8")
    broken_line = original.count("\n") + 2
    bib.write_text(original + "\n@article{broken,\n  title = {Unbalanced,\n  year = {2000}\n", encoding="utf-8")
    expected = [
        "manual/principles/P01.md:2: error: front matter: required key 'summary' is missing (summary: the principle in one sentence) [field.missing]",
        "manual/principles/P01.md:4: error: front matter: unknown key 'sumary' (did you mean 'summary'?) [field.unknown]",
        "manual/theories/T02.md:3: error: the front matter is not valid YAML: expected ',' or ']', but got '<stream end>' "
        "while parsing a flow sequence (check indentation, and quote values that contain ': ' or start with a special character) [frontmatter.yaml]",
        f"references.bib:{broken_line}: error: entry 'broken' could not be parsed and was not loaded (check for unbalanced braces, "
        "a missing comma between fields, or a missing closing brace) [bib.parse]",
        "4 errors, 0 warnings",
    ]
    check = imap_check(project_dir)
    assert check.returncode == 1
    assert check.stderr.splitlines() == expected
    build = mkdocs_build(project_dir)
    assert build.returncode == 1
    assert "Traceback" not in build.stderr
    for line in expected[:-1]:
        assert line in build.stderr


def test_diagram_nodes_link_to_item_pages_and_only_diagram_pages_load_the_script(valid_site: Path) -> None:
    chapter = (valid_site / "manual" / "chapters" / "C01" / "index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid"><code>' in chapter
    assert 'click N3 href "../../principles/P01/" "P01: ' in chapter
    assert "assets/vendor/mermaid.min.js" in chapter
    assert (valid_site / "assets" / "vendor" / "mermaid.min.js").stat().st_size > 100_000
    principle = (valid_site / "manual" / "principles" / "P01" / "index.html").read_text(encoding="utf-8")
    assert "mermaid.min.js" not in principle


def test_safety_chapter_and_principle_link_each_other(valid_site: Path) -> None:
    principle = (valid_site / "manual" / "principles" / "P01" / "index.html").read_text(encoding="utf-8")
    section = principle.split('id="safety"', 1)[1].split("<h2", 1)[0]
    assert 'href="../../chapters/C02/"' in section
    chapter = (valid_site / "manual" / "chapters" / "C02" / "index.html").read_text(encoding="utf-8")
    section = chapter.split('id="principles"', 1)[1].split("<h2", 1)[0]
    assert 'href="../../principles/P01/"' in section


def test_glossary_terms_show_their_definition_on_hover(valid_site: Path) -> None:
    chapter = (valid_site / "manual" / "chapters" / "C02" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="post-traumatic stress disorder: A disorder that can follow' in chapter
    glossary = (valid_site / "reference" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert 'id="term-window-of-tolerance"' in glossary
    assert "<abbr" not in glossary  # every term is defined in full there (see hover_definitions in its front matter)


HOSTILE = '<script>alert(1)</script> x\\" onerror=alert(2) <img src=x onerror=alert(3)> [y](javascript:alert(4))'


def test_hostile_metadata_never_reaches_a_page_as_markup(tmp_path: Path) -> None:
    """Front matter and bibliography text is data: escaped wherever it is shown, never HTML or a link."""
    project_dir = make_project(tmp_path / "hostile", "valid")
    bib = project_dir / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("{The Developing Mind}", "{The Developing Mind " + HOSTILE + "}"),
        encoding="utf-8",
    )
    principle = project_dir / "manual" / "principles" / "P01.md"
    text = principle.read_text(encoding="utf-8")
    text = text.replace("summary: Keep arousal", f'summary: "{HOSTILE} Keep arousal')
    text = text.replace("stay present.\n", 'stay present."\n', 1)
    text = text.replace("claim: An optimal zone of arousal for integration", f'claim: "{HOSTILE}"')
    principle.write_text(text, encoding="utf-8")
    result = mkdocs_build(project_dir)
    assert result.returncode == 0, result.stderr
    pages = {p: p.read_text(encoding="utf-8") for p in (project_dir / "site").rglob("*.html")}
    shown = [p for p, html in pages.items() if "alert(1)" in html]
    assert len(shown) >= 3  # the principle page, the bibliography and the overview tables show the text
    for page, html in pages.items():
        assert "<script>alert" not in html, page
        assert not re.search(r"<[a-z]+[^>]*\sonerror=", html), page
        assert 'href="javascript:' not in html.lower(), page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[project_dir / "site" / "bibliography" / "index.html"]


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path: Path) -> None:
    """Dates come from SOURCE_DATE_EPOCH (the Makefile sets it from the last commit), never from the clock."""
    project_dir = make_project(tmp_path / "twice", "valid")
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    first = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "first"], project_dir, env)
    assert first.returncode == 0, first.stderr
    second = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "second"], project_dir, env)
    assert second.returncode == 0, second.stderr
    one, two = _files(project_dir / "first"), _files(project_dir / "second")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
