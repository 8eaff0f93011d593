"""Decision guides written as data: checked with the line of each problem, shown as a numbered list and a drawing
made at build time, and the manual's crisis guides written this way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imap.checking import guides
from imap.checking.project import load_project
from imap.rendering import item_pages
from imap.rendering.site import SiteData
from tests.conftest import ROOT
from tests.helpers import formatted, minimal, write

CHAPTER = """\
---
id: C01
title: A chapter with a guide
part: foundations
since: 0.1.0
decision_guides:
  - id: crisis
    title: what to do in a crisis
    steps:
      - id: start
        label: Something happens
        text: Something happens ([[P01]]).
      - id: danger
        label: In danger now?
        text: Ask whether the person is in danger now.
        branches:
          - {when: "Yes", go: call}
          - {when: "No", go: talk}
      - id: call
        label: Call for help
        text: Call for help [@ehlers2000cognitive].
        next: record
      - id: talk
        label: Talk it through
        text: Talk it through.
      - id: record
        label: Record it
        text: Record what happened.
---

## What this chapter covers

Before the guide.

[[guide:crisis]]

After the guide.
"""


def _project(tmp_path: Path, chapter: str = CHAPTER) -> Path:
    root = minimal(tmp_path)
    write(root, "manual/chapters/C01.md", chapter)
    return root


def test_a_valid_guide_passes_and_is_listed_then_drawn(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert [line for line in formatted(root) if "error" in line] == []
    site = SiteData.create(load_project(root).manual)
    chapter = site.manual.by_id["C01"]
    page = item_pages.item_page(site, chapter)
    listed = re.findall(r"(?m)^(\d+)\. (.*)$", page)
    assert [number for number, _ in listed] == ["1", "2", "3", "4", "5"]
    assert "*Yes:* go to step 3; *No:* go to step 4." in listed[1][1]
    assert "Then go to step 5." in listed[2][1]
    assert page.index("Before the guide.") < page.index("1. Something happens") < page.index("<svg")
    assert page.index("<svg") < page.index("After the guide.")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("imap-node imap-node--") == 5
    assert svg.count("imap-node--question") == 1
    assert 'href="../../principles/P01/"' in svg  # the step that names P01 leads to it
    assert ">Yes<" in svg and ">No<" in svg
    assert "mermaid" not in page


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("go: talk}", "go: nowhere}", "step 'danger' leads to 'nowhere', which is not a step of guide 'crisis'"),
        ("next: record", "next: start2", "step 'call' leads to 'start2'"),
        ('          - {when: "No", go: talk}\n', "", "step 'danger' has one answer"),
        ("label: Talk it through", "label: " + "x" * 61, "the label of step 'talk' has 61 characters"),
        ("[[guide:crisis]]", "[[guide:other]]", "[[guide:other]] names no decision guide of this item"),
        ("[[guide:crisis]]", "", "decision guide 'crisis' is placed 0 times in the text"),
        ("id: talk", "id: Talk Now", "step id 'Talk Now' is not a short name"),
        ("        text: Ask whether", "        colour: red\n        text: Ask whether", "unknown key 'colour'"),
        ("Call for help [@ehlers2000cognitive]", "Call for help [@nokey2000]", "citation of unknown key 'nokey2000'"),
        ("Something happens ([[P01]])", "Something happens ([[P99]])", "cross-reference to unknown item 'P99'"),
    ],
)
def test_each_problem_of_a_guide_is_reported_at_its_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in CHAPTER
    text = CHAPTER.replace(old, new, 1)
    root = _project(tmp_path, text)
    found = [line for line in formatted(root) if message in line]
    assert len(found) == 1, formatted(root)
    line = int(found[0].split(":")[1])
    assert line > 0
    written = text.split("\n")[line - 1]
    assert written.strip(), found[0]  # points at a line that is written, in the guide or where it is placed


def test_a_step_no_way_reaches_is_reported(tmp_path: Path) -> None:
    text = CHAPTER.replace("        next: record\n", "        next: end\n").replace(
        '          - {when: "No", go: talk}', '          - {when: "No", go: call}'
    )
    root = _project(tmp_path, text)
    unreachable = [line for line in formatted(root) if "[guide.unreachable]" in line]
    assert len(unreachable) == 2  # talk, and record after it
    assert "step 'talk'" in unreachable[0]


def test_the_manual_s_crisis_guides_are_data_and_load_no_diagram_script() -> None:
    manual = load_project(ROOT).manual
    c16, c07 = manual.by_id["C16"], manual.by_id["C07"]
    assert [g.id for g in c16.decision_guides] == ["between-sessions"]
    assert len(c07.decision_guides) == 3
    for item in (c16, c07):
        assert "```mermaid" not in item.body
        for guide in item.decision_guides:
            assert guides.check(item) == []
            assert len(guide.steps) >= 8
    site = SiteData.create(manual)
    page = item_pages.item_page(site, c16)
    danger = next(i for i, s in enumerate(c16.decision_guides[0].steps) if s.id == "danger") + 1
    assert re.search(rf"(?m)^{danger}\. Ask whether they are in danger now", page)
