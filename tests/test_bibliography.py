"""references.bib: what real reference managers export loads; what cannot load is reported with its line."""

from __future__ import annotations

from macros import bibliography
from macros.citations import format_references
from macros.model import Reference

BIBLATEX = r"""
@online{who2024ptsd,
  author       = {{World Health Organization}},
  title        = {Post-traumatic stress disorder},
  date         = {2024-05-27},
  url          = {https://www.who.int/news-room/fact-sheets/detail/post-traumatic-stress-disorder},
  urldate      = {2025-01-10}
}

@report{va2023cpg,
  author      = {{VA/DoD}},
  title       = {Clinical Practice Guideline for the Management of Posttraumatic Stress Disorder},
  institution = {Department of Veterans Affairs},
  date        = {2023}
}

@article{mueller2001,
  author       = {M{\"u}ller, J{\"o}rg and {\'E}mile, Zo{\'e}},
  title        = {Über {PTSD} und \emph{Gedächtnis}},
  journaltitle = {Zeitschrift für Beispiele},
  date         = {2001-03},
  doi          = {10.1000/xyz123}
}
"""


def load(text: str) -> tuple[dict[str, Reference], list[str]]:
    references, problems = bibliography.load("references.bib", text)
    return references, [p.format() for p in problems]


def test_biblatex_latex_accents_and_unicode_load() -> None:
    references, problems = load(BIBLATEX)
    assert problems == []
    assert sorted(references) == ["mueller2001", "va2023cpg", "who2024ptsd"]
    mueller = references["mueller2001"]
    assert mueller.authors == (("Müller", "Jörg"), ("Émile", "Zoé"))
    assert mueller.title == "Über PTSD und Gedächtnis"
    csl = bibliography.to_csl(mueller)
    assert csl["container-title"] == "Zeitschrift für Beispiele"
    assert csl["issued"] == {"date-parts": [[2001, 3]]}
    assert csl["type"] == "article-journal"
    assert bibliography.to_csl(references["who2024ptsd"])["type"] == "webpage"
    assert bibliography.to_csl(references["who2024ptsd"])["author"] == [{"literal": "World Health Organization"}]


def test_apa_formatting_through_citeproc() -> None:
    references, _ = load(BIBLATEX)
    formatted = format_references(references)
    assert formatted["mueller2001"].label == "Müller & Émile, 2001"
    assert formatted["mueller2001"].entry_text == (
        "Müller, J., & Émile, Z. (2001). Über PTSD und Gedächtnis. Zeitschrift Für Beispiele. https://doi.org/10.1000/xyz123"
    )
    assert formatted["who2024ptsd"].label == "World Health Organization, 2024"


def test_same_author_and_year_get_letters() -> None:
    text = """
@book{herman1992trauma, author = {Herman, Judith Lewis}, title = {Trauma and Recovery}, publisher = {Basic Books}, year = {1992}}
@article{herman1992complex, author = {Herman, Judith Lewis}, title = {Complex PTSD}, journal = {Journal of Traumatic Stress}, year = {1992}}
"""
    references, _ = load(text)
    formatted = format_references(references)
    assert formatted["herman1992complex"].label == "Herman, 1992a"
    assert formatted["herman1992trauma"].label == "Herman, 1992b"
    assert formatted["herman1992trauma"].entry_text.startswith("Herman, J. L. (1992b).")
    assert list(formatted) == ["herman1992complex", "herman1992trauma"]


def test_truncated_author_list_is_shown_as_et_al() -> None:
    references, _ = load(
        "@article{x, author = {Mithoefer, Michael C. and others}, title = {T}, journal = {J}, year = {2018}}"
    )
    formatted = format_references(references)["x"]
    assert formatted.label == "Mithoefer et al., 2018"
    assert formatted.entry_text.startswith("Mithoefer, M. C., et al. (2018).")


def test_every_broken_entry_is_reported_with_its_line() -> None:
    text = """@article{good, author = {A, B}, title = {T}, journal = {J}, year = {2000}}

@article{unbalanced,
  author = {Foo, Bar,
  title  = {Missing brace},
  year   = {2001}

@article{good, author = {C, D}, title = {Again}, journal = {J}, year = {2002}}
@article{noyear, author = {E, F}, title = {No year}, journal = {J}}
@article{future, author = {G, H}, title = {Future}, journal = {J}, year = {20011}}
@article{badoi, author = {I, J}, title = {Bad DOI}, journal = {J}, year = {2003},
  doi = {https://doi.org/10.1000/abc}}
@article{nojournal, author = {K, L}, title = {No journal}, year = {2004}}
"""
    references, problems = load(text)
    assert problems == [
        "references.bib:3: error: entry 'unbalanced' could not be parsed and was not loaded (check for unbalanced braces, "
        "a missing comma between fields, or a missing closing brace) [bib.parse]",
        "references.bib:8: error: entry key 'good' is used twice (the first entry with this key is on line 1) [bib.duplicate-key]",
        "references.bib:9: error: entry 'noyear' has no year or date [bib.missing-field]",
        "references.bib:10: error: entry 'future' has an impossible year '20011' (a publication year between 1700 and next year) [bib.year]",
        "references.bib:12: error: entry 'badoi' has a malformed DOI 'https://doi.org/10.1000/abc' (write the DOI without the https://doi.org/ prefix) [bib.doi]",
        "references.bib:13: error: article 'nojournal' has no journal (or journaltitle) [bib.missing-field]",
    ]
    assert "good" in references and "unbalanced" not in references


def test_duplicate_field_is_reported() -> None:
    _, problems = load("@article{x, title = {A}, title = {B}, journal = {J}, year = {2000}}")
    assert problems == [
        "references.bib:1: error: entry 'x' has a field more than once: 'title' (keep one of each field) [bib.parse]"
    ]


def test_keys_in_any_case_are_formatted() -> None:
    references, _ = load("@article{Ehlers2000, author = {Ehlers, Anke}, title = {T}, journal = {J}, year = {2000}}")
    assert format_references(references)["Ehlers2000"].label == "Ehlers, 2000"
