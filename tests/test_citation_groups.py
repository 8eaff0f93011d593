"""In-text citations are told apart across the whole manual, and the engine's grouped formatting prints exactly
what one citeproc run over every reference prints.

engine.lua formats every reference with the style's cheap rule for initials, then again, with the style itself, only
the references whose citations could read like another's (the same first family name, or no author). The fixture
tests/fixtures/citation-groups.bib holds the cases that make citations interact: shared family names with other
initials, the same author and year, et al. lists that read the same, editors, particles (written apart, braced
into the family name, joined by an apostrophe or a hyphen, or in an organisation's name), accents, organisations
cited by name or as publisher, laws, cases and standards (cited by their titles although they have authors), names
with only a given name, and works with no author or no date. A hostile review found the particles, the legal kinds
and the given names; each made the grouped output differ before the grouping took them in.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import pytest

from imap.citing import citeproc
from imap.reading import bibliography
from tests.conftest import ROOT

FIXTURE: Final = ROOT / "tests" / "fixtures" / "citation-groups.bib"
_SOLO: Final = (
    "@article{{solo{i}, author = {{{name}, Ann}}, title = {{Solo work {i}}}, journal = {{J}}, year = {{2001}}}}\n"
)


@cache
def _formatted(name: str, grouped: bool) -> tuple[tuple[str, str, str], ...]:
    text = (FIXTURE if name == "fixture" else ROOT / "references.bib").read_text(encoding="utf-8")
    if name == "fixture":  # works that share with nobody: with fewer than half the works sharing, both ways are used
        text += "".join(_SOLO.format(i=i, name=f"Solo{chr(97 + i // 26)}{chr(97 + i % 26)}") for i in range(60))
    references, _ = bibliography.load("references.bib", text)
    cheap = citeproc._cheap_style
    if not grouped:
        citeproc._cheap_style = lambda: None  # one run over everything with the style itself
    try:
        result = citeproc.process(text, references)
    finally:
        citeproc._cheap_style = cheap
    return tuple((key, f.entry_html, f.label) for key, f in result.formatted.items())


def test_the_style_has_the_rule_the_engine_swaps() -> None:
    """If the vendored style ever loses its rule for initials, the engine falls back to one slow run: say so here."""
    assert citeproc._cheap_style() is not None


@pytest.mark.parametrize("name", ["fixture", "manual"])
def test_grouped_formatting_prints_what_one_run_prints(name: str) -> None:
    """Every entry, label and year letter, in the same order, as one run of the style over everything gives."""
    grouped, single = _formatted(name, True), _formatted(name, False)
    assert [key for key, _, _ in grouped] == [key for key, _, _ in single]
    assert {key: (entry, label) for key, entry, label in grouped} == {
        key: (entry, label) for key, entry, label in single
    }


def test_citations_are_told_apart_across_the_manual() -> None:
    """APA 8.20: first authors who share a family name get their initials, whatever the year; 8.19: the same
    authors and year get letters (also for "n.d." and "in press"); 8.18: et al. lists that read the same name more."""
    labels = {key: label for key, _, label in _formatted("fixture", True)}
    assert labels["smitha2021"] == "A. Smith, 2021"
    assert labels["smithc2017"] == "C. Smith, 2017"
    assert labels["smithk2015"] == "K. Smith, 2015"  # an edited book, cited by its editor
    assert labels["muller1"] == "H. Müller, 2012" and labels["muller3"] == "A. Müller, 2012"
    assert labels["unique1"] == "Zebra, 2001"  # nobody shares its name: formatted once, with the cheap rule
    assert (labels["nodate1"], labels["nodate2"]) == ("Lee, n.d.-a", "Lee, n.d.-b")
    assert (labels["press1"], labels["press2"]) == ("Park, in press-a", "Park, in press-b")
    assert (labels["annual2020a"], labels["annual2020b"]) == ("Annual Report, 2020a", "Annual Report, 2020b")
    assert {labels["brown2018a"], labels["brown2018b"]} == {"Brown, Green, et al., 2018", "Brown, Black, et al., 2018"}
    entries = {key: entry for key, entry, _ in _formatted("fixture", True)}
    assert "(n.d.-a)" in entries["nodate1"] and "(n.d.-b)" in entries["nodate2"]  # the list has the same letters
