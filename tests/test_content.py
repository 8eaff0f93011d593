"""The real manual meets the content standard the issues set: coverage, sources per principle, references cited."""

from __future__ import annotations

import pytest

from macros.model import Kind, Manual
from macros.project import load_project
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def manual() -> Manual:
    project = load_project(ROOT)
    errors = [d.format() for d in project.diagnostics if d.severity.value == "error"]
    assert errors == []
    return project.manual


def test_foundations_theories_and_principles_are_in_place(manual: Manual) -> None:
    assert [c.id for c in manual.of_kind(Kind.CHAPTER) if c.part == "foundations"][:4] == ["C01", "C02", "C03", "C04"]
    assert len(manual.of_kind(Kind.THEORY)) >= 10
    assert 10 <= len(manual.of_kind(Kind.PRINCIPLE)) <= 14


def test_each_principle_rests_on_three_sources_and_has_a_hypothesis(manual: Manual) -> None:
    for principle in manual.of_kind(Kind.PRINCIPLE):
        assert len({link.source for link in principle.evidence}) >= 3, principle.id
        assert principle.hypotheses, principle.id
        assert principle.fidelity, principle.id
        assert principle.theories, principle.id


def test_every_reference_is_cited_and_there_are_enough(manual: Manual) -> None:
    assert len(manual.references) >= 70
    uncited = sorted(set(manual.references) - set(manual.cited_by))
    assert uncited == []


def test_retracted_works_are_flagged(manual: Manual) -> None:
    retracted = sorted(k for k, r in manual.references.items() if r.retracted)
    assert retracted == ["feduccia2021discontinuation", "jerome2020ltfu", "mithoefer2019pooled"]


def test_vignettes_are_labelled_fictional_composites(manual: Manual) -> None:
    for item in manual.items:
        for line in item.body.splitlines():
            if line.lstrip().startswith("!!! example"):
                assert '"Fictional composite vignette"' in line, (item.id, line)
