"""references.bib: what real reference managers export loads; what cannot load is reported with its line."""

from __future__ import annotations

import json

import pytest

from imap.citing import agreement, citeproc
from imap.citing.citeproc import Formatted
from imap.model.items import Reference
from imap.reading import bibliography

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
  langid       = {german},
  date         = {2001-03},
  volume       = {7},
  doi          = {10.1000/xyz123}
}
"""


def load(text: str) -> tuple[dict[str, Reference], list[str]]:
    """The references and every problem: the checks' and the reference engine's."""
    references, problems = bibliography.load("references.bib", text)
    if not any(p.code == "bib.parse" for p in problems):  # as the project does: the engine reads a file that parses
        problems += citeproc.problems(text, references)
    return references, [p.format() for p in problems]


def format_references(text: str) -> dict[str, Formatted]:
    references, _ = bibliography.load("references.bib", text)
    return citeproc.format_references(text, references)


def test_biblatex_latex_accents_and_unicode_load() -> None:
    references, problems = load(BIBLATEX)
    assert problems == []
    assert sorted(references) == ["mueller2001", "va2023cpg", "who2024ptsd"]
    mueller = references["mueller2001"]
    assert mueller.authors == (("Müller", "Jörg"), ("Émile", "Zoé"))
    assert mueller.title == "Über PTSD und Gedächtnis"
    csl = format_references(BIBLATEX)["mueller2001"].csl
    assert csl["container-title"] == "Zeitschrift für Beispiele"
    assert csl["issued"] == {"date-parts": [[2001, 3]]}
    assert csl["type"] == "article-journal"
    who = format_references(BIBLATEX)["who2024ptsd"].csl
    assert who["type"] == "webpage"
    assert who["author"] == [{"literal": "World Health Organization"}]


def test_apa_formatting_through_pandoc_citeproc() -> None:
    formatted = format_references(BIBLATEX)
    assert formatted["mueller2001"].label == "Müller & Émile, 2001"
    assert formatted["mueller2001"].entry_text == (
        "Müller, J., & Émile, Z. (2001). Über PTSD und Gedächtnis. Zeitschrift für Beispiele, 7. https://doi.org/10.1000/xyz123"
    )
    assert formatted["who2024ptsd"].label == "World Health Organization, 2024"


def test_same_author_and_year_get_letters() -> None:
    text = """
@book{herman1992trauma, author = {Herman, Judith Lewis}, title = {Trauma and Recovery}, publisher = {Basic Books}, year = {1992}}
@article{herman1992complex, author = {Herman, Judith Lewis}, title = {Complex PTSD}, journal = {Journal of Traumatic Stress}, year = {1992}}
"""
    formatted = format_references(text)
    assert formatted["herman1992complex"].label == "Herman, 1992a"
    assert formatted["herman1992trauma"].label == "Herman, 1992b"
    assert formatted["herman1992trauma"].entry_text.startswith("Herman, J. L. (1992b).")
    assert list(formatted) == ["herman1992complex", "herman1992trauma"]


def test_truncated_author_list_is_shown_as_et_al() -> None:
    formatted = format_references(
        "@article{x, author = {Mithoefer, Michael C. and others}, title = {T}, journal = {J}, year = {2018}}"
    )["x"]
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
@article{badoi, author = {I, J}, title = {Bad DOI}, journal = {J}, year = {2003}, volume = {1},
  doi = {https://doi.org/10.1000/abc}}
@article{nojournal, author = {K, L}, title = {No journal}, year = {2004}}
"""
    references, problems = load(text)
    assert problems == [
        "references.bib:3: error: entry 'unbalanced' could not be parsed and was not loaded (check for unbalanced braces, "
        "a missing comma between fields, or a missing closing brace) [bib.parse]",
        "references.bib:8: error: entry key 'good' is used twice (the first entry with this key is on line 1) [bib.duplicate-key]",
        "references.bib:10: error: entry 'future' has an impossible year '20011' (a publication year between 1700 and "
        "next year, or one of: in press, forthcoming, submitted, in preparation) [bib.year]",
        "references.bib:12: note: the DOI of 'badoi' is written with a prefix; the reference uses 10.1000/abc "
        "[bib.doi-prefix]",
        "references.bib:13: error: article 'nojournal' has no journal (or journaltitle) [bib.missing-field]",
    ]
    assert "good" in references and "unbalanced" not in references
    assert references["badoi"].doi == "10.1000/abc"
    assert "noyear" in references  # APA's "n.d."


def test_duplicate_field_is_reported() -> None:
    _, problems = load("@article{x, title = {A}, title = {B}, journal = {J}, year = {2000}}")
    assert problems == [
        "references.bib:1: error: entry 'x' has a field more than once: 'title' (keep one of each field) [bib.parse]"
    ]


def test_keys_in_any_case_are_formatted() -> None:
    text = "@article{Ehlers2000, author = {Ehlers, Anke}, title = {T}, journal = {J}, year = {2000}}"
    assert format_references(text)["Ehlers2000"].label == "Ehlers, 2000"


def test_every_latex_command_the_checks_accept_is_read_by_the_engine() -> None:
    """bibrules.KNOWN_COMMANDS is what pandoc turns into text: none of them is left as raw LaTeX (which it drops)."""
    from imap.citing import pandoc, prepass
    from imap.reading import bibrules

    written = {
        command: r"\href{https://example.org}{x}" if command == "href" else "{\\" + command + "{x}}"
        for command in sorted(bibrules.KNOWN_COMMANDS)
    }
    text = "\n".join(
        f"@article{{c{index}, author = {{A, B}}, title = {{T {value} t}}, journal = {{J}}, year = {{2000}}}}"
        for index, value in enumerate(written.values())
    )
    doc = json.loads(
        pandoc.run(["-f", "biblatex", "-t", "json"], prepass.for_pandoc(text).encode())
    )  # as the engine reads it
    dropped = [
        command
        for command, ref in zip(written, doc["meta"]["references"]["c"], strict=True)
        if list(agreement._raw_latex(ref))
    ]
    assert dropped == []


def test_an_unknown_command_is_reported_where_it_is_written() -> None:
    _, problems = load(
        "@article{x, author = {A, B}, title = {T \\input{secret} and \\mymacro{y}}, journal = {J}, year = {2000}}"
    )
    assert problems == [
        "references.bib:1: error: the title of 'x' uses \\input, \\mymacro, which the reference engine does not know "
        "and would drop (write the text itself (Unicode is fine), or a command from the list in the content model) "
        "[bib.latex]"
    ]


def test_the_published_bibliography_carries_bibliographic_fields_as_written() -> None:
    from imap.publishing import downloads

    text = r"""@article{Smith2019,
  Author = {M{\"u}ller, J{\"o}rg and {World Health Organization}},
  Title = {Über {PTSD}: $\pm$ a {Veterans Affairs} study},
  Journal = {J},
  Year = {2019},
  Volume = {3},
  DOI = {10.5555/x},
  url = {https://example.org/a~b&c%20d},
  file = {/Users/jane/Zotero/storage/ABCD/Smith.pdf},
  abstract = {A long abstract.},
  keywords = {ptsd},
  Owner = {jane},
  verified = {https://doi.org/10.5555/x},
  retracted = {Retracted in 2020.}
}"""
    references, _ = bibliography.load("references.bib", text)
    written = downloads._bibtex("1.0.0", list(references.values()))
    assert "/Users/jane" not in written and "abstract" not in written and "keywords" not in written
    assert "owner" not in written.lower() and "verified = " not in written
    assert r"M{\"u}ller, J{\"o}rg and {World Health Organization}" in written
    assert r"{Über {PTSD}: $\pm$ a {Veterans Affairs} study}" in written
    assert "https://example.org/a~b&c%20d" in written and "Retracted in 2020." in written
    again, problems = bibliography.load("references.bib", written)
    assert problems == [] and again["Smith2019"].raw["title"] == references["Smith2019"].raw["title"]
    csl = format_references(text)["Smith2019"].csl
    assert "abstract" not in csl and "keyword" not in csl and "note" not in csl
    assert csl["URL"] == "https://example.org/a~b&c%20d" and csl["DOI"] == "10.5555/x"


def test_a_hyphenated_given_name_keeps_both_initials_as_written() -> None:
    """APA keeps both parts of a hyphenated given name, in the case written ("Ahn, H.-n."); the style alone drops a
    lower-case second part ("Ahn, H.")."""
    text = "@article{a, author = {Ahn, Hyun-nie and Sartre, Jean-Paul}, title = {T}, journal = {J}, year = {2001}}"
    assert format_references(text)["a"].entry_text.startswith("Ahn, H.-n., & Sartre, J.-P. (2001).")


def test_what_reference_managers_export_is_named_where_it_would_print_otherwise() -> None:
    """Exports from Zotero's own BibTeX, Mendeley, EndNote and PubMed converters that pandoc would print otherwise
    than meant: each is a diagnostic at its line."""
    _, problems = load(
        "@article{a,\n"
        "  author = {Johnson MW and {National Institute for Health and Care Excellence,}},\n"
        "  title = {Trial of {Psilocybin} versus {Escitalopram} for {Depression}},\n"
        "  journal = {J}, year = {2020}}\n"
        "@article{b,\n"
        "  author = {A, B},\n"
        "  title = {{Effects of Psilocybin-Assisted Therapy on Major Depressive Disorder}},\n"
        "  journal = {J}, year = {2020}, language = {de}}\n"
        "@techreport{c,\n"
        "  author = {A, B}, title = {T}, year = {2020},\n"
        "  institution = {Substance Abuse and Mental Health Services Administration}}\n"
    )
    found = [(p.split(":")[1], p.rsplit("[", 1)[1].rstrip("]")) for p in problems if ": note: " not in p]
    assert found == [
        ("2", "bib.name"),  # the Vancouver name (the first of the list that cannot be read is named)
        ("3", "bib.title-case"),  # every capitalised word braced
        ("7", "bib.title-case"),  # the whole title braced
        ("8", "bib.language"),
        ("11", "bib.list-and"),
    ], problems


def test_a_percent_sign_in_a_title_is_text_and_an_address_stays_as_written() -> None:
    from imap.citing import prepass

    text = (
        "% A comment line with 50% and a { brace\n"
        '@article{a, title = {Use in 12% of visits}, journal = "J of 100% Open", url = {https://x.org/a%20b},\n'
        " howpublished = {\\url{https://y.org/%7E}}, note = {already \\% escaped}}\n"
        "@comment{ 5% }\n"
    )
    assert prepass.escape_text(text) == text.replace("12%", "12\\%").replace("100%", "100\\%")
    formatted = format_references(
        "@article{a, author = {A, B}, title = {Use in 12% of visits}, journal = {J}, year = {2020}}"
    )
    assert "Use in 12% of visits." in formatted["a"].entry_text


def test_an_entry_in_parentheses_is_read_and_a_refusal_is_named_at_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """BibTeX allows `@article( ... )`, which pandoc does not read: the engine gives it braces. Whatever pandoc still
    refuses is named at the line pandoc names."""
    from imap.citing import pandoc

    text = (
        "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2020}}\n\n"
        "@article(b, author = {C, D}, title = {In parentheses}, journal = {J}, year = {2021})\n"
    )
    assert format_references(text)["b"].entry_text.startswith("C, D. (2021). In parentheses.")

    def refuse(*_: object) -> bytes:
        raise pandoc.PandocError("pandoc refused its input: Error at (line 3, column 9): unexpected '('")

    monkeypatch.setattr(pandoc.Run, "finish", refuse)
    engine = [p for p in load(text)[1] if p.endswith("[bib.engine]")]
    assert len(engine) == 1 and engine[0].startswith("references.bib:3: error: pandoc refused its input"), engine


def test_an_edition_is_printed_as_apa_names_it() -> None:
    formatted = format_references(
        "@book{a, author = {A, B}, title = {T}, publisher = {P}, year = {2020}, edition = {First}}\n"
        "@book{b, author = {C, D}, title = {U}, publisher = {P}, year = {2020}, edition = {Third}}\n"
    )
    assert formatted["a"].entry_text == "A, B. (2020). T. P."
    assert formatted["b"].entry_text == "C, D. (2020). U (3rd ed.). P."


def test_an_article_that_says_neither_its_place_nor_that_it_is_ahead_of_print_is_named() -> None:
    """APA prints an article's volume and pages, or 'Advance online publication' (10.1). An export writes an
    online-first article (which has a DOI) and an incomplete one alike, so the engine does not guess: it warns at
    the journal's line, and prints the status the author gives."""
    text = (
        "@article{a, author = {A, B}, title = {T}, year = {2024}, doi = {10.5555/x.1},\n"
        "  journal = {J}}\n"
        "@article{b, author = {C, D}, title = {U}, journal = {J}, year = {2024}, doi = {10.5555/x.2},\n"
        "  pubstate = {Advance online publication}}\n"
        "@article{c, author = {E, F}, title = {V}, journal = {J}, year = {2024}, volume = {3}}\n"
        "@article{d, author = {G, H}, title = {W}, journal = {J}, year = {in press}, doi = {10.5555/x.4}}\n"
        "@article{e, author = {I, J}, title = {X}, journal = {J}, year = {2024}}\n"
    )
    found = [p for p in load(text)[1] if p.endswith("[bib.online-first]")]
    assert len(found) == 1 and found[0].startswith(
        "references.bib:2: warning: the article 'a' has a DOI but no volume"
    ), found
    assert format_references(text)["b"].entry_text == (
        "C, D. (2024). U. J. Advance online publication. https://doi.org/10.5555/x.2"
    )


def test_a_long_number_in_pages_is_an_article_number_and_a_short_one_a_page() -> None:
    """Frontiers, Elsevier and Taylor & Francis exports write an article number where the pages go (APA 9.25:
    'Article 906639'); a number of four digits or fewer may be a page, and eid says when it is not."""
    formatted = format_references(
        "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2022}, volume = {13}, pages = {906639}}\n"
        "@article{b, author = {C, D}, title = {U}, journal = {J}, year = {2024}, volume = {241}, pages = {2403}}\n"
        "@article{c, author = {E, F}, title = {V}, journal = {J}, year = {2018}, volume = {12}, eid = {258}}\n"
    )
    assert formatted["a"].entry_text == "A, B. (2022). T. J, 13, Article 906639."
    assert formatted["b"].entry_text == "C, D. (2024). U. J, 241, 2403."
    assert formatted["c"].entry_text == "E, F. (2018). V. J, 12, Article 258."


def test_dates_as_biblatex_writes_them_are_read_and_what_pandoc_would_drop_is_named() -> None:
    """BibLaTeX's dates (EDTF): a season as month 21 to 24 (Better BibTeX writes "Winter 2016" so), circa, a time,
    an open range. A range ending in '..', which pandoc drops (the reference would say n.d.), and a season with a
    day are errors at their line."""
    dates = ["2016-24", "1990~", "2016-07-21T14:34:00", "2004/", "2016-24/2017-21", "2004-06-01/..", "2016-24-01"]
    text = "".join(
        f"@article{{d{index}, author = {{A, B}}, title = {{T}}, journal = {{J}}, volume = {{1}},\n  date = {{{date}}}}}\n"
        for index, date in enumerate(dates)
    )
    refused = [p for p in load(text)[1] if p.endswith("[bib.date]")]
    assert [p.split(":")[1] for p in refused] == ["12", "14"], refused
    formatted = format_references(text)
    assert formatted["d1"].entry_text == "A, B. (ca. 1990). T. J, 1."
    assert formatted["d3"].entry_text == "A, B. (2004–). T. J, 1."


EXPORTS = r"""@article{RN30, author = {Adams, Amy}, title = {Treatment #2 of {PTSD}: Costs of US$ 2 billion},
  journal = {J}, volume = {4}, pages = {10-20}, year = {2019}}
@article{Binder_2008, title={Association of <i>FKBP5</i> polymorphisms with <scp>PTSD</scp> &amp; abuse},
  volume={299}, journal={JAMA}, author={Binder, Elisabeth B.}, year={2008}, pages={1291--1305}}
@article{Nakamura_2022, title={Band activity in <mml:math><mml:mi>α</mml:mi></mml:math> rhythm},
  volume={2}, journal={J}, author={Nakamura, Ken}, year={2022}, pages={1--2}}
@article{pi2011, author = {Pi, Paul}, journal = {J}, year = {2011}, volume = {14}, pages = {1--2},
  title = {Effects of \emph{Escherichia coli} on H\textsubscript{2}O intake and $^{13}$C-labelled CO$_2$}}
@article{f1, author = {{\'E}mile Durkheim}, title = {Suicide}, journal = {J}, year = {2021}, volume = {1}}
@article{Lee2021, author = {Lee, Kim}, title = {Internet-delivered {CBT}: A trial}, year = {2021},
  doi = {10.1101/2021.05.10.21256789}, publisher = {Cold Spring Harbor Laboratory Press}, journal = {medRxiv}}
@misc{osf1, author = {Brown, Ann}, title = {Trauma memory}, publisher = {PsyArXiv}, year = {2022},
  doi = {10.31234/osf.io/xyz12}}
@article{RW1, author = {Gamma, Gil}, title = {Sleep}, journal = {J}, volume = {3}, year = {2003},
  pages = {pp. 12-34}}
@phdthesis{RN16, author = {Kline, Alex}, title = {Written exposure}, school = {University of Nebraska-Lincoln},
  type = {Ph.D.}, year = {2021}, url = {https://digitalcommons.unl.edu/psychdiss/100}}
@article{dblp, author = {Wei Wang 0001}, title = {T}, journal = {J}, year = {2020}, volume = {1}}
@book{apa, author = {American Psychiatric Association}, title = {Manual}, publisher = {P}, year = {2013}}
@misc{stub}
@article{ads, author = {Smith, J.}, title = {Stars}, journal = {\mnras}, year = {2020}, volume = {491}}
@article{range, author = {Nu, N.}, title = {Range}, journal = {J}, year = {2019/2020}, volume = {1}}
"""


def test_what_real_exports_write_is_printed_as_meant_or_named() -> None:
    """EndNote's raw # and $, Crossref's HTML, LaTeX styles and formulas, a braced accented initial, preprint
    servers named as a journal or publisher, "pp." in pages, EndNote's thesis types: printed as APA 7 wants them,
    each change that is not plain reading noted; what the engine cannot print as meant is named; one stub entry
    does not stop the others; a refused year or an unknown journal macro is reported once."""
    formatted = format_references(EXPORTS)
    text = {key: f.entry_text for key, f in formatted.items()}
    assert text["RN30"] == "Adams, A. (2019). Treatment #2 of PTSD: Costs of US$ 2 billion. J, 4, 10–20."
    assert text["Binder_2008"] == (
        "Binder, E. B. (2008). Association of FKBP5 polymorphisms with PTSD & abuse. JAMA, 299, 1291–1305."
    )
    assert "<i>FKBP5</i>" in formatted["Binder_2008"].entry_html
    assert formatted["pi2011"].entry_html.startswith(
        "Pi, P. (2011). Effects of <i>Escherichia coli</i> on H<sub>2</sub>O intake and <sup>13</sup>C-labelled "
        "CO<sub>2</sub>."
    )
    assert text["f1"].startswith("Durkheim, É. (2021).")
    assert text["Lee2021"] == (
        "Lee, K. (2021). Internet-delivered CBT: A trial [Preprint]. medRxiv. "
        "https://doi.org/10.1101/2021.05.10.21256789"
    )
    assert text["osf1"] == "Brown, A. (2022). Trauma memory [Preprint]. PsyArXiv. https://doi.org/10.31234/osf.io/xyz12"
    assert text["RW1"] == "Gamma, G. (2003). Sleep. J, 3, 12–34."
    assert "[Doctoral dissertation, University of Nebraska-Lincoln]" in text["RN16"]
    assert text["ads"].startswith("Smith, J. (2020). Stars.") and "range" in text
    problems = load(EXPORTS)[1]
    codes = {(p.split(":")[1], p.rsplit("[", 1)[1].rstrip("]")) for p in problems}
    assert {("3", "bib.html"), ("5", "bib.html"), ("11", "bib.preprint"), ("12", "bib.preprint")} <= codes
    assert {("15", "bib.pages"), ("18", "bib.name"), ("19", "bib.name")} <= codes
    assert next(p for p in problems if "'Nakamura_2022'" in p and "[bib.html]" in p).split(": ")[1] == "warning"
    assert sum("'range'" in p for p in problems) == 1 and sum("'ads'" in p for p in problems) == 1, problems


def test_an_address_as_endnote_and_osf_write_it_is_read_with_a_warning() -> None:
    """EndNote joins every link of a record with a newline (a Web of Science one first); OSF writes its addresses
    without a scheme. The reference prints the first address, or the address with https://, and says so."""
    text = (
        "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2017}, volume = {85},\n"
        "  url = {<Go to ISI>://WOS:000395123400001\nhttps://example.org/a}}\n"
        "@misc{b, author = {C, D}, title = {U}, year = {2020}, url = {osf.io/abcde}}\n"
        "@misc{c, author = {E, F}, title = {V}, year = {2020}, url = {not an address}}\n"
    )
    problems = [p for p in load(text)[1] if p.endswith("[bib.url]")]
    assert [p.split(": ")[1] for p in problems] == ["warning", "warning", "error"], problems
    formatted = format_references(text)
    assert formatted["a"].entry_text.endswith(" https://example.org/a")
    assert formatted["b"].entry_text.endswith(" https://osf.io/abcde")


def test_string_macros_joined_with_hash_are_read_as_bibtex_reads_them_and_an_undefined_one_is_named() -> None:
    """JabRef and BibDesk files define @string macros and join values with #: the checks read what pandoc reads
    (no false error on the joined address), and a macro no @string defines, which would print as its own name, is
    named at its field's line."""
    text = (
        "@String{base = {https://www.ptsd.va.gov}}\n"
        '@String{jts = "Journal of " # {Traumatic Stress}}\n'
        "@online{a, author = {{National Center for PTSD}}, title = {PTSD basics}, year = {2022},\n"
        "  url = base # {/understand/ptsd_basics.asp}}\n"
        "@article{b, author = {C, D}, title = {T}, year = 2020, month = mar, volume = 1,\n"
        "  journal = jts}\n"
        "@article{c, author = {E, F}, title = {U}, year = {2020}, volume = {1},\n"
        "  journal = jtsundefined}\n"
    )
    references, problems = load(text)
    assert [p.split(": ", 1)[0] + " " + p.rsplit("[", 1)[1] for p in problems] == ["references.bib:8 bib.string]"]
    assert references["a"].fields["url"] == "https://www.ptsd.va.gov/understand/ptsd_basics.asp"
    formatted = format_references(text)
    assert formatted["a"].entry_text.endswith("https://www.ptsd.va.gov/understand/ptsd_basics.asp")
    assert formatted["b"].entry_html == "C, D. (2020). T. <i>Journal of Traumatic Stress</i>, <i>1</i>."


def test_string_values_entities_money_and_pages_are_read_as_written() -> None:
    """A @string's text is read as a field's is (its % and # are text); a numeric HTML entity is its character;
    two dollar signs around words are money, not a formula; pages after "pp." keep their dash."""
    text = (
        "@string{visits = {Use in 12% of visits #2}}\n"
        "@article{a, author = {A, B}, title = visits, journal = {J}, year = {2020}, volume = {1}}\n"
        "@article{b, author = {C, D}, title = {Trauma&#8212;a review: Fees of $5 to $10}, journal = {J},\n"
        "  year = {2020}, volume = {1}, pages = {pp. 12--34}}\n"
    )
    formatted = format_references(text)
    assert formatted["a"].entry_text == "A, B. (2020). Use in 12% of visits #2. J, 1."
    assert formatted["b"].entry_text == "C, D. (2020). Trauma—a review: Fees of $5 to $10. J, 1, 12–34."


def test_what_databases_export_is_printed_as_apa_wants_or_named() -> None:
    """Web of Science, Scopus, PsycINFO, Cochrane, Google Scholar, ProQuest and EndNote as their exports write
    them (tests/fixtures/bibcorpus/databases.bib): document types are not printed, article numbers are printed
    whatever field holds them, initials written together are initials, a paper in proceedings is a chapter, degrees
    are named as APA names them, a thesis's database is printed after it, a one-word subtitle is capitalised; what
    the engine cannot print as meant is named."""
    from tests.conftest import ROOT

    text = (ROOT / "tests" / "fixtures" / "bibcorpus" / "databases.bib").read_text(encoding="utf-8")
    entries = {key: f.entry_text for key, f in format_references(text).items()}
    assert entries["wos"].startswith("Lee, A. (2020). A review of written exposure therapy. CLINICAL")
    assert entries["scopus"].endswith("PLoS ONE, 15(11), Article e0241843.")
    assert entries["cochrane"].endswith("Cochrane Database of Systematic Reviews, 2013(12), Article CD003388.")
    assert (
        entries["gs"] == "Rizzo, A. (2010). Virtual reality exposure therapy for PTSD. In Annual review of "
        "cybertherapy and telemedicine (pp. 1–4)."
    )
    assert "[Unpublished doctoral dissertation]" in entries["psyd"]
    assert "[Unpublished master's thesis]" in entries["ma"]
    assert "In M. J. Friedman & T. M. Keane (Eds.)" in entries["wosch"]
    assert "[Video]. YouTube." in entries["vid"]
    assert entries["colon"].startswith("Adams, A. (2012). Prolonged exposure for PTSD: Outcomes.")
    found = {(p.split(":")[1], p.rsplit("[", 1)[1].rstrip("]")) for p in load(text)[1]}
    assert {("1", "bib.title-case"), ("1", "bib.type"), ("3", "bib.article-number"), ("4", "bib.title-case")} <= found
    assert {("8", "bib.name"), ("11", "bib.authors-incomplete"), ("12", "bib.name"), ("13", "bib.name")} <= found
    assert not any(code == "bib.doi-prefix" for _, code in found)  # Web of Science's {{DOI}} is no LaTeX escape
    # ProQuest names its database as the publisher, beside the university: APA 10.6's published dissertation.
    assert entries["proquest"] == (
        "Garcia, L. (2020). Moral injury among combat medics (Publication No. 27993211) [Doctoral dissertation, "
        "Fordham University]. ProQuest Dissertations and Theses Global."
    )
    assert ("14", "bib.thesis") in found and ("14", "bib.list-and") not in found
    # A title braced whole, as Web of Science and Google Scholar write one in sentence case: APA 9.19's capital
    # after a colon, the rest as written.
    assert entries["wosc"] == "Orr, A. (2020). A review of written exposure therapy: Outcomes and moderators. J, 1."


def test_a_republished_work_s_first_year_in_a_note_is_printed_with_both_years() -> None:
    """JabRef's users write a reprint's or translation's first year in `note`; APA 7 prints it after the reference
    and cites both years. A note that says something else ("First published 2019", a later year) changes nothing."""
    text = (
        "@book{james, author = {James, William}, title = {The principles of psychology}, publisher = {Dover},\n"
        "  year = {1950}, note = {Original work published 1890}}\n"
        "@book{freud, author = {Freud, Sigmund}, title = {Beyond the pleasure principle}, publisher = {Norton},\n"
        "  year = {1961}, note = {J. Strachey, Trans.; originally published in {1920}}}\n"
        "@article{online, author = {Lee, Ann}, title = {T}, journal = {J}, year = {2020}, volume = {1},\n"
        "  note = {First published 2019}}\n"
        "@book{later, author = {Roe, Ann}, title = {U}, publisher = {P}, year = {2000}, note = {Original work published 2005}}\n"
    )
    formatted = format_references(text)
    assert formatted["james"].entry_text == (
        "James, W. (1950). The principles of psychology. Dover. (Original work published 1890)"
    )
    assert formatted["james"].label == "James, 1890/1950" and formatted["freud"].label == "Freud, 1920/1961"
    assert formatted["online"].label == "Lee, 2020" and "Original" not in formatted["online"].entry_text
    assert formatted["later"].label == "Roe, 2000"
    problems = load(text)[1]
    assert [p.split(":")[1] for p in problems if p.endswith("[bib.original-date]")] == ["2", "4"], problems  # the notes


def test_a_nickname_in_quotes_is_left_out_of_a_name_with_a_note() -> None:
    """DBLP writes nicknames in quotes ("Florian 'Floyd' Mueller"); pandoc reads one as a particle and printed
    "Mueller, F. 'Floyd'" and, as an editor, "F. 'Floyd'Mueller". An apostrophe inside a name is no nickname."""
    text = (
        "@inproceedings{d, author = {Florian 'Floyd' Mueller and Mary \"Molly\" Smith and O'Brien, Pat},\n"
        "  editor = {Regina Bernhaupt and Florian 'Floyd' Mueller}, title = {T}, booktitle = {B}, year = {2020}}\n"
    )
    assert format_references(text)["d"].entry_text == (
        "Mueller, F., Smith, M., & O’Brien, P. (2020). T. In R. Bernhaupt & F. Mueller (Eds.), B."
    )
    problems = [p for p in load(text)[1] if p.endswith("[bib.name]")]
    assert len(problems) == 2 and all(": note: " in p and "nickname" in p for p in problems), problems


def test_the_dsm_s_revised_edition_is_printed_as_apa_writes_it() -> None:
    formatted = format_references(
        "@book{a, author = {{American Psychiatric Association}}, title = {Diagnostic and Statistical Manual of "
        "Mental Disorders}, edition = {5th, text rev.}, publisher = {American Psychiatric Publishing}, year = {2022}}"
    )
    assert "(5th ed., text rev.)" in formatted["a"].entry_text


def test_a_note_does_not_hide_an_error_later_in_a_name_list_and_an_entity_beside_an_address_is_kept() -> None:
    text = (
        "@article{a, author = {Friedman, MJ and Smith, J., Doe, K.}, journal = {J}, year = {2020}, volume = {1},\n"
        "  title = {Guide &#8212; see \\url{https://x.org} for more}}\n"
        "@article{b, author = {A, B}, title = {R&#38;D and &#123;x&#125;}, journal = {J}, year = {2020}, volume = {1}}\n"
    )
    problems = load(text)[1]
    assert any(p.startswith("references.bib:1: error:") and p.endswith("[bib.name]") for p in problems), problems
    assert any(p.startswith("references.bib:2: warning:") and p.endswith("[bib.html]") for p in problems), problems
    formatted = format_references(text)
    assert "Guide &#8212; see https://x.org for more" in formatted["a"].entry_text
    assert "{x}" in formatted["b"].entry_text and "&#" not in formatted["b"].entry_text


def test_an_entry_without_a_key_is_refused_at_its_line_and_the_others_are_printed() -> None:
    """R's citation() writes `@Manual{,`: pandoc refused the whole file for it, and every reference vanished. The
    entry is refused at its line; the rest of the bibliography prints, and no message names a temporary folder."""
    text = (
        "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2020}}\n\n"
        "@Manual{,\n  title = {R: A Language and Environment for Statistical Computing},\n"
        "  author = {{R Core Team}}, year = {2023}, url = {https://www.R-project.org/},\n}\n\n"
        "@article{b, author = {C, D}, title = {U}, journal = {J}, year = {2021}}\n"
    )
    problems = load(text)[1]
    assert problems == [
        "references.bib:3: error: an @manual entry has no key (R: A Language and Environment for Statistical "
        "Computing), so it was not loaded (give it a key after the opening brace, as in @manual{rcoreteam2023, which "
        "citations name it by) [bib.parse]"
    ]
    formatted = format_references(text)
    assert [f.entry_text for f in formatted.values()] == ["A, B. (2020). T. J.", "C, D. (2021). U. J."]


def test_pandoc_s_refusal_names_the_bibliography_not_a_temporary_file() -> None:
    text = "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2020}}\n@article{b, title = {x"
    references, _ = bibliography.load("references.bib", text)
    (problem,) = citeproc.problems(text, references)
    assert problem.code == "bib.engine" and '"references.bib"' in problem.message
    assert "imap-pandoc" not in problem.message and "/tmp" not in problem.message
