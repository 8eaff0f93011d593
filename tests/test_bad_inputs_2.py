"""More inputs no author meant, each a diagnostic with its file and line, found alike by `make check` and the build,
never a traceback, a hang, or silent damage: CITATION.cff that is not valid Citation File Format (or that prints a
line break into the page, or is an alias bomb); control characters (NUL and the like) in any text file the build
reads; YAML nested past its bound; and `make new` from a template it cannot fill in."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imap import cli
from imap.citing import citation_file, manual_citation
from imap.model.items import Kind
from imap.reading import frontmatter
from tests.conftest import ROOT
from tests.helpers import PRINCIPLE, THEORY, build_refusal, formatted, minimal, scaffolding, write

CFF = """\
cff-version: 1.2.0
message: "Please cite it as below."
title: "A manual"
authors:
  - name: "The contributors"
  - given-names: Ada
    family-names: Lovelace
version: 0.1.0
date-released: 2026-01-15
url: "https://example.org/"
license: CC-BY-4.0
"""


def _cff(root: Path, text: str | bytes) -> list[str]:
    """The diagnostics of a project whose CITATION.cff is `text`, as `make check` and the build both find them."""
    minimal(root)
    write(root, "CITATION.cff", text)
    return [line for line in formatted(root) if line.startswith("CITATION.cff")]


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "imap.cli", "--root", str(root), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


# --- CITATION.cff --------------------------------------------------------------------------------------------------


def test_the_real_citation_file_and_a_valid_one_pass(tmp_path: Path) -> None:
    assert citation_file.check(ROOT) == []
    assert _cff(tmp_path / "valid", CFF) == []
    # tests/conftest.py's release fixture sets the version with this substitution: the file stays valid.
    bumped = re.sub(r"(?m)^version: .*$", "version: 0.1.0", (ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert _cff(tmp_path / "bumped", bumped) == []
    assert _cff(tmp_path / "none", "") == [
        "CITATION.cff:1: error: CITATION.cff must be a mapping of keys to values, not empty [cff.schema]"
    ]
    (tmp_path / "absent").mkdir()
    minimal(tmp_path / "absent")
    assert formatted(tmp_path / "absent") == []  # no CITATION.cff: nothing to check


def test_a_file_against_the_citation_file_format_is_reported_at_each_line(tmp_path: Path) -> None:
    text = (
        CFF.replace('title: "A manual"', "titel: A manual")
        .replace('  - name: "The contributors"', '  - nam: "The contributors"\n  - name: ""')
        .replace("license: CC-BY-4.0", "license: CC-BY-5.0\nauthors-note: x")
        .replace('url: "https://example.org/"', 'url: "javascript:alert(1)"')
        .replace("date-released: 2026-01-15", "date-released: 2026-02-30")
        .replace("version: 0.1.0", "version: [0, 1]")
    )
    assert _cff(tmp_path, text) == [
        "CITATION.cff:1: error: CITATION.cff: the required key 'title' is missing [cff.schema]",
        "CITATION.cff:3: error: CITATION.cff: unknown key 'titel' (did you mean 'title'?) [cff.schema]",
        "CITATION.cff:5: error: 'authors', entry 1: unknown key 'nam' (did you mean 'name'?) [cff.schema]",
        "CITATION.cff:6: error: 'authors', entry 2, 'name' is empty [cff.schema]",
        "CITATION.cff:9: error: 'version' must be text or a number, not a list [cff.schema]",
        "CITATION.cff:10: error: 'date-released': '2026-02-30' is not of the form the Citation File Format asks for (for example 1900-01-01) [cff.schema]",
        "CITATION.cff:11: error: 'url': 'javascript:alert(1)' is not of the form the Citation File Format asks for (it must match ^(https|http|ftp|sftp)://.+) [cff.schema]",
        "CITATION.cff:12: error: 'license': 'CC-BY-5.0' is not one of the values the Citation File Format allows (one of 459 values, listed in imap/citing/schemas/citation-cff-1.2.0.json) [cff.schema]",
        "CITATION.cff:13: error: CITATION.cff: unknown key 'authors-note' (did you mean 'authors'?) [cff.schema]",
    ]


def test_a_printed_field_with_a_line_break_or_control_character_is_refused(tmp_path: Path) -> None:
    """The schema takes any text; the site prints the title, the authors' names, version, date-released and url
    as one line, so none of them may hold a line break, a tab or another control character (written as an escape:
    the file itself may not hold one, see the control-character test)."""
    text = (
        CFF.replace('  - name: "The contributors"', '  - name: "Evil\\n```\\n<img src=x>"')
        .replace("family-names: Lovelace", 'family-names: "Love\\tlace"')
        .replace('title: "A manual"', "title: |\n  A manual\n  on two lines")
        .replace("version: 0.1.0", 'version: "0.1.0\\u2028"')
    )
    message = "but the site prints it as one line of text (write it on one line, without escapes such as \\n or \\t) [cff.text]"
    assert _cff(tmp_path, text) == [
        f"CITATION.cff:3: error: 'title' holds a line break U+000A (LF), {message}",
        f"CITATION.cff:7: error: 'authors', entry 1, 'name' holds a line break U+000A (LF), {message}",
        f"CITATION.cff:9: error: 'authors', entry 2, 'family-names' holds the control character U+0009 (HT), {message}",
        f"CITATION.cff:10: error: 'version' holds a line break U+2028 (LINE SEPARATOR), {message}",
    ]


def test_an_alias_bomb_is_refused_at_its_first_alias_without_being_expanded(tmp_path: Path) -> None:
    """Nine levels of nine aliases each would be 9**9 (387 million) names once expanded."""
    bomb = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9 if i else ["x"] * 9) + "]\n" for i in range(10))
    text = CFF.replace("license: CC-BY-4.0", "license: CC-BY-4.0\n" + bomb + "keywords: *l9")
    start = time.perf_counter()
    assert _cff(tmp_path, text) == [
        "CITATION.cff:13: error: CITATION.cff uses the YAML alias *l0, which is not allowed here (write the value out in full) [cff.yaml]"
    ]
    assert manual_citation.read_work(tmp_path, "0.1.0", "") == manual_citation.Work(
        version="0.1.0"
    )  # the defaults, not the bomb
    assert time.perf_counter() - start < 10


def test_yaml_the_project_does_not_take_is_reported_with_its_line(tmp_path: Path) -> None:
    text = CFF.replace('title: "A manual"', 'title: "A manual"\ntitle: "Another"').replace(
        "version: 0.1.0", "version: !!python/object:os.system 0.1.0"
    )
    assert _cff(tmp_path / "a", text) == [
        "CITATION.cff:4: error: CITATION.cff: key 'title' appears twice (YAML would keep the last) [cff.yaml]",
        "CITATION.cff:9: error: 'version': the YAML tag tag:yaml.org,2002:python/object:os.system is not allowed [cff.yaml]",
    ]
    assert _cff(tmp_path / "b", "- a list\n") == [
        "CITATION.cff:1: error: CITATION.cff must be a mapping of keys to values, not a list [cff.schema]"
    ]
    assert _cff(tmp_path / "c", CFF + "keywords: [one\n") == [
        "CITATION.cff:12: error: CITATION.cff is not valid YAML: expected ',' or ']', but got '<stream end>' while "
        "parsing a flow sequence (check indentation, and quote values that contain ': ' or start with a special "
        "character) [cff.yaml]"
    ]


def test_the_build_stops_on_an_invalid_citation_file(tmp_path: Path) -> None:
    minimal(tmp_path)
    write(tmp_path, "CITATION.cff", CFF.replace('title: "A manual"', "title: 42"))
    assert "CITATION.cff:3: error: 'title' must be text, not 42 [cff.schema]" in build_refusal(tmp_path)


_EMAIL = r"^[\S]+@[\S]+\.[\S]{2,}$"  # the schema's pattern for an e-mail address


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a@. \n\t", max_size=14))
def test_the_linear_email_pattern_accepts_exactly_what_the_schemas_accepts(text: str) -> None:
    assert (re.search(citation_file._LINEAR_PATTERNS[_EMAIL], text) is None) == (re.search(_EMAIL, text) is None)


def test_no_check_of_the_schema_takes_more_than_linear_time(tmp_path: Path) -> None:
    """The schema's e-mail pattern backtracks in cubic time on '.@.@...' (a second for 1,000 characters, as re runs
    it), and jsonschema compares list entries pairwise: here, 20,000 characters of it and 3,000 authors take well
    under the time either alone would."""
    assert _EMAIL in citation_file._LINEAR_PATTERNS and citation_file._LINEAR_PATTERNS[_EMAIL] != _EMAIL
    hostile = ".@" * 10_000 + " "
    authors = "".join(f"  - name: A{index}\n    email: '{hostile}'\n" for index in range(3))
    authors += "".join(f"  - name: B{index}\n" for index in range(3000)) + "  - name: B0\n"
    text = CFF.replace('  - name: "The contributors"\n', authors)
    start = time.perf_counter()
    found = _cff(tmp_path, text)
    assert time.perf_counter() - start < 20
    assert [line.split(": error: ")[0] for line in found] == [
        "CITATION.cff:5",
        "CITATION.cff:6",
        "CITATION.cff:8",
        "CITATION.cff:10",
    ]
    assert found[0].endswith("'authors' lists the same entry twice [cff.schema]")


# --- control characters ---------------------------------------------------------------------------------------------


def test_a_control_character_anywhere_is_named_at_its_exact_line(tmp_path: Path) -> None:
    minimal(tmp_path)
    # In an item's body (which would reach the HTML), and in front matter (which YAML reported lines off), with
    # Windows line ends and a line separator before it, which YAML counts as a line break of its own.
    write(tmp_path, "manual/theories/T01.md", THEORY.replace("Text [@", "Te\x00xt [@").replace("\n", "\r\n").encode())
    write(tmp_path, "manual/principles/P01.md", PRINCIPLE.replace("title: A principle", "title: A\u2028 principle\x1b"))
    write(tmp_path, "glossary.yml", "- term: PTSD\n  definition: A disorder.\x07\n")
    write(tmp_path, "CHANGELOG.md", "# Changelog\n\n## [0.1.0] - 2026-01-15\n\n### Added\n- P01\x7f.\n")
    write(tmp_path, "docs/page.md", "# A page\n\nText\x85 with a C1 control.\n")
    write(tmp_path, "CITATION.cff", CFF.replace("license: CC-BY-4.0", "license: CC-BY-4.0\x00"))
    found = [line for line in formatted(tmp_path) if "control-character" in line]
    hint = "(delete it: an editor may show it as a box, or not at all) [file.control-character]"
    assert found == [
        f"CHANGELOG.md:6: error: the line holds the invisible control character U+007F (DEL) at column 6 {hint}",
        f"CITATION.cff:11: error: the line holds the invisible control character U+0000 (NUL) at column 19 {hint}",
        f"docs/page.md:3: error: the line holds the invisible control character U+0085 (NEL, a line break to YAML) at column 5 {hint}",
        f"glossary.yml:2: error: the line holds the invisible control character U+0007 (BEL) at column 26 {hint}",
        f"manual/principles/P01.md:3: error: the line holds the invisible control character U+2028 (LINE SEPARATOR) at column 9 {hint}",
        f"manual/theories/T01.md:15: error: the line holds the invisible control character U+0000 (NUL) at column 3 {hint}",
    ]


def test_a_file_full_of_control_characters_is_named_in_a_few_lines(tmp_path: Path) -> None:
    """A file saved as UTF-16 is valid UTF-8 with a NUL after every letter: ten lines are named, then the rest."""
    minimal(tmp_path)
    write(tmp_path, "manual/theories/T01.md", THEORY.encode("utf-16-le"))
    found = [line for line in formatted(tmp_path) if line.startswith("manual/theories/T01.md")]
    assert [line.split(": error: ")[0] for line in found] == [f"manual/theories/T01.md:{n}" for n in range(1, 12)]
    assert found[-1].endswith(
        "more lines from this one on hold control characters (the file may not be text at all (UTF-16, or a binary file): save it as UTF-8 text) [file.control-character]"
    )


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x3000) | st.sampled_from("\u2028\u2029\x85é")))
def test_the_quick_test_for_a_control_character_finds_exactly_what_the_pattern_names(text: str) -> None:
    """decode looks for control characters on the bytes (six times faster); the pattern then names them."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    quick = frontmatter._has_control(text.encode(), normalised)
    assert quick == (frontmatter._CONTROL.search(normalised) is not None)
    decoded, problems = frontmatter.decode("x.md", text.encode())
    assert (decoded is None) == quick == bool(problems)


def test_a_lone_surrogate_is_not_utf8_and_is_reported_at_its_line() -> None:
    data = ("---\nid: T01\ntitle: x\ud800\n---\n").encode("utf-8", "surrogatepass")
    text, problems = frontmatter.decode("x.md", data)
    assert text is None and [(p.location.line, p.code) for p in problems] == [(3, "file.encoding")]


# --- YAML nested deeper than its bound -----------------------------------------------------------------------------


def test_deep_nesting_is_reported_where_it_passes_the_bound(tmp_path: Path) -> None:
    minimal(tmp_path)
    flow = "[" * 10_000 + "]" * 10_000
    write(
        tmp_path, "manual/theories/T01.md", THEORY.replace("since: 0.1.0", f"since: 0.1.0\nrelated:\n  - x\n  - {flow}")
    )
    block = "".join("  " * (depth + 2) + "-\n" for depth in range(60)) + "  " * 62 + "x\n"
    write(tmp_path, "glossary.yml", "- term: PTSD\n  definition: A disorder.\n  see:\n" + block)
    found = [line for line in formatted(tmp_path) if "levels deep" in line]
    message = "nests lists and mappings more than 50 levels deep (no value needs more than a few levels: look for brackets that are never closed) [frontmatter.yaml]"
    assert found == [
        f"glossary.yml:52: error: the glossary {message}",  # levels: the list, its entry, then one a line from 4
        f"manual/theories/T01.md:8: error: the front matter {message}",
    ]


def test_the_depth_bound_is_exact_and_the_same_on_both_parsers() -> None:
    """50 levels parse; 51 do not, with libyaml and with the pure-Python parser alike (a depth the C parser takes
    is checked on its tree, a text it refuses is read again as events)."""
    for depth, expected in ((49, []), (50, [(3, "frontmatter.yaml")])):
        text = "a: 1\nb: " + "[" * depth + "]" * depth + "\n"
        node, problems = frontmatter.parse_yaml("x.md", text, 2, "the front matter")
        assert [(p.location.line, p.code) for p in problems] == expected
        assert (node is None) == bool(expected)
    node, problems = frontmatter.parse_yaml("x.md", "a: &x [1]\nb: *x\n", 1, "X", aliases=False)
    assert node is None and [p.format() for p in problems] == [
        "x.md:2: error: X uses the YAML alias *x, which is not allowed here (write the value out in full) [frontmatter.yaml]"
    ]


# --- make new and its templates ------------------------------------------------------------------------------------


def test_a_template_without_a_title_line_or_a_missing_one_stops_make_new(tmp_path: Path) -> None:
    root = scaffolding(tmp_path)
    template = root / "templates" / "principle.md"
    template.write_text(template.read_text(encoding="utf-8").replace("title: A short imperative title\n", ""))
    result = _cli(root, "new", "principle", "Name the rupture")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: templates/principle.md cannot be filled in: its front matter has no 'title:' line\n"
    (root / "templates" / "theory.md").unlink()
    result = _cli(root, "new", "theory", "A theory")
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == "error: there is no template for a theory: templates/theory.md is missing (or a symbolic link)\n"
    )
    (root / "templates" / "chapter.md").write_bytes(b"---\nid: C99\x00\n---\n")
    result = _cli(root, "new", "chapter", "A chapter")
    assert result.returncode == 2 and "templates/chapter.md:2: error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (root / "manual").rglob("*.md")) == ["P01.md", "T01.md"]


@pytest.mark.parametrize("kind", list(Kind))
def test_every_template_has_one_line_each_for_id_title_and_since(kind: Kind) -> None:
    text = (ROOT / "templates" / f"{kind.value}.md").read_text(encoding="utf-8")
    assert cli.template_problems(text) == []
    filled = cli.scaffold(text, f"{kind.prefix}42", "A: title", "9.9.9")
    assert filled.count("\n") == text.count("\n")
    assert [line for line in filled.split("\n") if line.split(":")[0] in cli.TEMPLATE_KEYS][:3] == [
        f"id: {kind.prefix}42",
        'title: "A: title"',
        "since: 9.9.9",
    ]


def test_a_template_whose_lines_cannot_be_filled_in_is_refused() -> None:
    template = (ROOT / "templates" / "principle.md").read_text(encoding="utf-8")
    cases = {
        template.replace("title: A short imperative title", "title: >-\n  A short imperative title"): [
            "its 'title:' line does not hold the whole value (write 'title: ...' on one line)"
        ],
        template.replace("since: 0.1.0\n", "since: 0.1.0\nsince: 0.2.0\n"): ["its front matter has 2 'since:' lines"],
        template.replace("id: P99\n", ""): ["its front matter has no 'id:' line"],
        "no front matter\n": ["it does not start with a front matter block between two --- lines"],
    }
    for text, expected in cases.items():
        assert cli.template_problems(text) == expected
        with pytest.raises(cli.TemplateError):
            cli.scaffold(text, "P01", "A title", "0.1.0")
    body_only = template.replace("title: A short imperative title\n", "") + "\ntitle: in the body\n"
    assert cli.template_problems(body_only) == ["its front matter has no 'title:' line"]  # the body is not looked at
