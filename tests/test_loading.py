"""Each class of bad input yields one exact diagnostic: code, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import PRINCIPLE, THEORY, diagnostics, formatted, minimal, write


def test_minimal_project_is_clean(tmp_path: Path) -> None:
    assert formatted(minimal(tmp_path)) == []


def test_loaded_items_keep_their_file_and_line(tmp_path: Path) -> None:
    from imap.checking.project import load_project

    manual = load_project(minimal(tmp_path)).manual
    principle = manual.by_id["P01"]
    assert principle.path == "manual/principles/P01.md"
    assert principle.evidence[0].location.line == 8
    assert principle.hypotheses[0].location.line == 13
    assert principle.theories[0].location.line == 6


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "summary: One sentence.",
            "sumary: One sentence.",
            [
                "manual/principles/P01.md:2: error: front matter: required key 'summary' is missing (summary: the principle in one sentence) [field.missing]",
                "manual/principles/P01.md:4: error: front matter: unknown key 'sumary' (did you mean 'summary'?) [field.unknown]",
            ],
        ),
        (
            "theories: [T01]",
            "theories: T01",
            [
                "manual/principles/P01.md:6: error: front matter: 'theories' must be a list, not 'T01' (write it as [T04, T07]) [field.type]"
            ],
        ),
        (
            "summary: One sentence.",
            "summary:",
            [
                "manual/principles/P01.md:4: error: front matter: 'summary' is empty (the principle in one sentence) [field.empty]"
            ],
        ),
        (
            "    kind: theory\n    context: psychotherapy",
            "    kind: theroy\n    context: psychotherapy",
            [
                "manual/principles/P01.md:10: error: evidence link: 'kind' 'theroy' is not one of: theory, review, meta-analysis, "
                "trial, experimental, observational, qualitative, case-report, preclinical, guideline, consensus, manual, "
                "regulatory, commentary (did you mean 'theory'?) [field.vocabulary]"
            ],
        ),
        (
            "since: 0.1.0\ntheories",
            "since: 0.1\ntheories",
            [
                "manual/principles/P01.md:5: error: front matter: 'since' '0.1' is not a version like 0.1.0 [field.version]"
            ],
        ),
        (
            "theories: [T01]",
            "theories: [T02]",
            [
                "manual/principles/P01.md:6: error: 'theories' refers to T02, which does not exist (did you mean 'T01'?) [link.unknown-item]"
            ],
        ),
        (
            "theories: [T01]",
            "theories: [P01]",
            [
                "manual/principles/P01.md:6: error: 'theories' must list theory IDs, but P01 is a principle [link.wrong-kind]"
            ],
        ),
        (
            "  - source: siegel1999developing",
            "  - source: siegal1999developing",
            [
                "manual/principles/P01.md:8: error: unknown source key 'siegal1999developing' (did you mean 'siegel1999developing'?) [evidence.unknown-source]",
                "manual/principles/P01.md:23: error: the certainty of P01 rests on 'siegel1999developing', which is not one of its evidence links (did you mean 'siegal1999developing'?) [certainty.basis]",
            ],
        ),
        (
            "  - id: H01a",
            "  - id: H02a",
            [
                "manual/principles/P01.md:13: error: hypothesis H02a is listed under P01 (hypotheses of P01 are numbered H01a, H01b, ...) [hypothesis.id-mismatch]"
            ],
        ),
        (
            "  - id: H01a",
            "  - id: H1",
            [
                "manual/principles/P01.md:13: error: hypothesis ID 'H1' does not follow the scheme (H + the principle's two digits + a lower-case letter, e.g. H03a) [id.malformed]"
            ],
        ),
        (
            "## Why\n",
            "## Rationale\n",
            [
                "manual/principles/P01.md:32: error: principle P01 has no '## Why' section (a principle page has these sections, in order: "
                "What it means; Why; What it looks like in a session; Decision points; Cautions and limits) [section.missing]"
            ],
        ),
        (
            "## Cautions and limits\n\nText.\n",
            "## Cautions and limits\n\nText.\n\n## Evidence\n\nHand-made table.\n",
            [
                "manual/principles/P01.md:53: error: the heading 'Evidence' is generated from the front matter (remove this section; edit the front matter instead) [section.generated]"
            ],
        ),
        (
            "## Why\n\nText.",
            "## Why\n\nText [@ehlers2000cogntive] and [[P99]].",
            [
                "manual/principles/P01.md:39: error: citation of unknown key 'ehlers2000cogntive' (did you mean 'ehlers2000cognitive'?) [citation.unknown-key]",
                "manual/principles/P01.md:39: error: cross-reference to unknown item 'P99' [xref.unknown-item]",
            ],
        ),
        (
            "title: A principle",
            "title: A principle\ntitle: Another",
            ["manual/principles/P01.md:4: error: front matter: key 'title' appears twice [field.duplicate]"],
        ),
    ],
    ids=[
        "misspelt-key",
        "wrong-type",
        "empty-required",
        "vocabulary",
        "version",
        "unknown-item",
        "wrong-kind",
        "unknown-source",
        "hypothesis-number",
        "hypothesis-scheme",
        "missing-section",
        "generated-section",
        "body-markup",
        "duplicate-key",
    ],
)
def test_principle_mistakes(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    minimal(tmp_path)
    assert old in PRINCIPLE
    write(tmp_path, "manual/principles/P01.md", PRINCIPLE.replace(old, new))
    assert formatted(tmp_path) == expected


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    minimal(tmp_path)
    write(tmp_path, "manual/principles/P01.md", PRINCIPLE.replace("summary: One sentence.", "summary: [unclosed"))
    assert formatted(tmp_path) == [
        "manual/principles/P01.md:5: error: the front matter is not valid YAML: expected ',' or ']', but got ':' "
        "while parsing a flow sequence (check indentation, and quote values that contain ': ' or start with a special "
        "character) [frontmatter.yaml]",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "",
            "manual/theories/T01.md:1: error: the file is empty (start it from a template in templates/) [file.empty]",
        ),
        (
            "# No front matter\n",
            "manual/theories/T01.md:1: error: the file does not start with a front matter block (the first line must be ---, "
            "followed by the YAML keys and a closing ---) [frontmatter.missing]",
        ),
        (
            "---\nid: T01\n",
            "manual/theories/T01.md:1: error: the front matter block opened here is never closed (add a line with ---) [frontmatter.unclosed]",
        ),
        (
            "---\n- id\n- T01\n---\n",
            "manual/theories/T01.md:2: error: the front matter must be a mapping of keys to values, like 'title: ...' [frontmatter.not-mapping]",
        ),
        (
            b"---\nid: T01\ntitle: Caf\xe9\n---\n",
            "manual/theories/T01.md:3: error: the file is not valid UTF-8 (byte 0xe9 at offset 22) (save the file as UTF-8) [file.encoding]",
        ),
    ],
    ids=["empty", "no-front-matter", "unclosed", "not-mapping", "not-utf8"],
)
def test_unreadable_files(tmp_path: Path, content: str | bytes, expected: str) -> None:
    minimal(tmp_path)
    write(tmp_path, "manual/theories/T01.md", content)
    errors = [d for d in formatted(tmp_path) if ": error: " in d and "T01.md" in d]
    assert errors == [expected]


def test_a_file_that_fails_is_reported_and_others_still_load(tmp_path: Path) -> None:
    minimal(tmp_path)
    write(tmp_path, "manual/theories/T02.md", "---\nid: T02\ntitle: [\n---\n")
    found = diagnostics(tmp_path)
    assert [d.code for d in found if d.severity.value == "error"] == ["frontmatter.yaml"]
    from imap.checking.project import load_project

    assert sorted(load_project(tmp_path).manual.by_id) == ["P01", "T01"]


def test_ids_follow_the_scheme_and_the_file_name(tmp_path: Path) -> None:
    minimal(tmp_path)
    write(tmp_path, "manual/theories/T02.md", THEORY.replace("id: T01", "id: T1"))
    write(tmp_path, "manual/theories/T03.md", THEORY.replace("id: T01", "id: P03"))
    write(tmp_path, "manual/theories/window.md", THEORY.replace("id: T01", "id: T04"))
    write(tmp_path, "manual/theories/T05.md", THEORY)
    assert formatted(tmp_path) == [
        "manual/theories/T02.md:2: error: ID 'T1' does not follow the scheme for a theory (T followed by two digits, e.g. T03) [id.malformed]",
        "manual/theories/T03.md:2: error: 'P03' is a principle ID but the file is in manual/theories/ (theory IDs start with T) [id.kind]",
        "manual/theories/T05.md:1: error: ID T01 is already used in manual/theories/T01.md:1 (IDs are never reused; take the next free one) [id.duplicate]",
        "manual/theories/T05.md:2: error: the file for T01 is named 'T05.md' (name it T01.md (or T01-<words>.md, words of a-z and 0-9 joined by hyphens); its address is /manual/theories/<file name>/) [id.file-name]",
        "manual/theories/window.md:2: error: the file for T04 is named 'window.md' (name it T04.md (or T04-<words>.md, words of a-z and 0-9 joined by hyphens); its address is /manual/theories/<file name>/) [id.file-name]",
    ]


def test_files_outside_the_item_folders_are_reported(tmp_path: Path) -> None:
    minimal(tmp_path)
    write(tmp_path, "manual/notes.md", "---\nid: X\n---\n")
    write(tmp_path, "manual/principles/draft.txt", "text")
    assert [d.split(": error: ")[0] for d in formatted(tmp_path)] == ["manual/notes.md", "manual/principles/draft.txt"]


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    minimal(tmp_path)
    text = PRINCIPLE.replace("basis: [siegel1999developing]", "basis: &f [siegel1999developing]\nrelated: *f")
    write(tmp_path, "manual/principles/P01.md", text)
    assert [d.code for d in diagnostics(tmp_path)] == ["link.unknown-item"]


def test_a_very_large_file_loads(tmp_path: Path) -> None:
    minimal(tmp_path)
    body = "A sentence that repeats [@ehlers2000cognitive].\n\n" * 50_000
    write(tmp_path, "manual/theories/T01.md", THEORY + body)
    assert formatted(tmp_path) == []


def test_cross_references_in_site_pages_are_checked_with_their_line(tmp_path: Path) -> None:
    root = minimal(tmp_path / "p")
    write(
        root, "docs/research/page.md", '---\nrender_macros: true\n---\n\nSee {{ xref("P01") }} and {{ xref("P09") }}.\n'
    )
    assert formatted(root) == [
        "docs/research/page.md:5: error: cross-reference to unknown item 'P09' (did you mean 'P01'?) [xref.unknown-item]",
    ]
