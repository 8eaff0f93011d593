"""Retiring an item: its ID is never reused, its page and permanent address remain and say what replaced it, and
links to it are refused with a pointer to the replacement."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import imap_check, make_project, mkdocs_build
from tests.helpers import write

RETIRED = """\
---
id: I02
title: Counting breaths
since: 0.1.0
retired: 0.2.0
reason: Merged into grounding, which covers the same ground with fewer steps.
replaced_by: [I01]
---
"""


def test_a_retired_item_leaves_a_page_that_says_what_replaced_it(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "valid")
    write(project, "manual/interventions/I02.md", RETIRED)
    assert imap_check(project).returncode == 0
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = (site / "manual" / "interventions" / "I02" / "index.html").read_text(encoding="utf-8")
    assert "I02 Counting breaths (retired)" in page
    assert "Retired in version 0.2.0" in page
    assert "Merged into grounding, which covers the same ground with fewer steps." in page
    assert 'href="../I01/">I01 Grounding and orienting</a>' in page
    assert "url=../../manual/interventions/I02/" in (site / "id" / "I02" / "index.html").read_text(encoding="utf-8")
    # It is no longer part of the manual's tables; the navigation lists it under "Retired items".
    matrix = (site / "overview" / "intervention-matrix" / "index.html").read_text(encoding="utf-8")
    assert "I02" not in matrix.split("<article")[1].split("</article>")[0]
    assert "I02 Counting breaths (retired)" in matrix.split("<article")[0]


def test_links_to_a_retired_item_name_its_replacement(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "valid")
    write(project, "manual/interventions/I02.md", RETIRED)
    principle = project / "manual" / "principles" / "P01.md"
    text = principle.read_text(encoding="utf-8")
    body_line = text.splitlines().index("Fixture text [@siegel1999developing].") + 1
    principle.write_text(text.replace("Fixture text [@siegel1999developing].", "See [[I02]]."), encoding="utf-8")
    result = imap_check(project)
    assert result.returncode == 1
    assert (
        f"manual/principles/P01.md:{body_line}: error: cross-reference to I02, which was retired in version 0.2.0 "
        "(link to I01, which replaced it) [link.retired]"
    ) in result.stderr.splitlines()


def test_a_retired_item_needs_its_reason_and_version(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "valid")
    write(project, "manual/interventions/I02.md", RETIRED.replace("reason: Merged", "why: Merged"))
    result = imap_check(project)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("manual/interventions/I02.md:2: error: front matter: required key 'reason' is missing")
    assert lines[1].startswith("manual/interventions/I02.md:6: error: front matter: unknown key 'why'")
