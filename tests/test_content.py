"""The real manual meets the content standard the issues set: coverage, sources per principle, references cited."""

from __future__ import annotations

import pytest

from imap.checking.project import load_project
from imap.model.items import Kind
from imap.model.manual import Manual
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
                assert '"Fictional composite vignette' in line, (item.id, line)


def test_every_intervention_serves_a_principle_and_every_principle_is_served(manual: Manual) -> None:
    assert len(manual.of_kind(Kind.INTERVENTION)) >= 18
    for intervention in manual.of_kind(Kind.INTERVENTION):
        assert intervention.principles, intervention.id
    for principle in manual.of_kind(Kind.PRINCIPLE):
        assert manual.interventions_of_principle(principle.id), principle.id


COURSE = ("assessment", "preparation", "medicine session", "integration", "follow-up", "co-therapy team")


def test_every_session_type_has_its_chapter_and_decision_guides_are_drawn(manual: Manual) -> None:
    titles = [c.title.lower() for c in manual.of_kind(Kind.CHAPTER) if c.part == "course"]
    for topic in COURSE:
        assert any(topic in title for title in titles), (topic, titles)
    guides = [c.id for c in manual.of_kind(Kind.CHAPTER) if c.decision_guides]
    assert len(guides) >= 2, guides


def test_case_illustrations_hold_at_least_four_labelled_vignettes(manual: Manual) -> None:
    cases = next(c for c in manual.of_kind(Kind.CHAPTER) if c.title == "Case illustrations")
    assert cases.body.count('!!! example "Fictional composite vignette') >= 4


def test_every_safety_chapter_is_linked_from_the_principles_that_depend_on_it(manual: Manual) -> None:
    safety = [c for c in manual.of_kind(Kind.CHAPTER) if c.part == "safety-ethics"]
    assert len(safety) >= 10
    for chapter in safety:
        assert manual.principles_depending_on(chapter.id), chapter.id
