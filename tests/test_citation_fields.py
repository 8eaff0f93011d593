"""Fields pandoc's reader drops or reads otherwise than exports mean them: each printed as APA 7 wants it where it
can be, and named at its line where the reference does not print it (imap/reading/bib_fields.py)."""

from __future__ import annotations

from imap.citing import citeproc
from imap.reading import bibliography


def _run(text: str) -> tuple[dict[str, str], list[str]]:
    references, problems = bibliography.load("references.bib", text)
    result = citeproc.process(text, references)
    return {k: f.entry_text for k, f in result.formatted.items()}, [p.format() for p in [*problems, *result.problems]]


def _coded(problems: list[str], code: str) -> list[str]:
    return [p for p in problems if p.endswith(f"[{code}]")]


def test_an_issue_written_in_issue_is_printed_and_one_that_is_no_number_is_named() -> None:
    """APA PsycNet and BibLaTeX write the issue in `issue`, which pandoc dropped without a word (APA 10.1 wants
    "13(2)"); a named issue is left out with a warning, a range takes an en dash, a month in number is named."""
    text = (
        "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2021}, volume = {13},\n"
        "  issue = {2}, pages = {179--188}}\n"
        "@article{b, author = {C, D}, title = {T}, journal = {J}, year = {2021}, volume = {13}, number = {2},\n"
        "  issue = {Special Issue on Psychedelics}}\n"
        "@article{c, author = {E, F}, title = {T}, journal = {J}, year = {2021}, volume = {13}, number = {1-2}}\n"
        "@article{d, author = {G, H}, title = {T}, journal = {J}, year = {2021}, volume = {13},\n"
        "  number = {MAR}}\n"
    )
    printed, problems = _run(text)
    assert printed["a"] == "A, B. (2021). T. J, 13(2), 179–188."
    assert printed["b"] == "C, D. (2021). T. J, 13(2)."
    assert printed["c"] == "E, F. (2021). T. J, 13(1–2)."
    issues = _coded(problems, "bib.issue")
    assert [p.split(": ", 2)[:2] for p in issues] == [
        ["references.bib:2", "note"],
        ["references.bib:4", "warning"],
        ["references.bib:7", "warning"],
    ], issues
    assert "'Special Issue on Psychedelics'" in issues[1] and "'MAR', is a month" in issues[2]


def test_a_preprint_given_by_its_identifier_on_an_osf_server_prints_its_address() -> None:
    text = (
        "@online{a, author = {A, B}, title = {Preprint}, year = {2022}, eprint = {u9z2k}, eprinttype = {PsyArXiv}}\n"
        "@online{b, author = {C, D}, title = {Work}, year = {2022},\n  eprint = {x1}, eprinttype = {figshare}}\n"
    )
    printed, problems = _run(text)
    assert printed["a"] == "A, B. (2022). Preprint [Preprint]. PsyArXiv. https://osf.io/u9z2k"
    eprints = _coded(problems, "bib.eprint")
    assert len(eprints) == 2 and eprints[0].startswith("references.bib:1: note:")
    assert eprints[1].startswith("references.bib:3: warning: the eprint of 'b', 'x1' on figshare, is not printed")


def test_a_paper_s_article_number_prints_where_a_chapter_s_pages_go() -> None:
    """ACM exports a paper's article number as articleno; it was dropped without a word."""
    text = (
        "@inproceedings{a, author = {Lee, Ann}, title = {Paper}, year = {2021},\n"
        "  booktitle = {Proceedings of the 2021 {CHI} Conference on Human Factors in Computing Systems},\n"
        "  publisher = {Association for Computing Machinery}, articleno = {412}, numpages = {14}}\n"
    )
    printed, problems = _run(text)
    assert printed["a"] == (
        "Lee, A. (2021). Paper. In Proceedings of the 2021 CHI conference on human factors in computing systems "
        "(Article 412). Association for Computing Machinery."
    )
    assert _coded(problems, "bib.article-number")[0].startswith("references.bib:3: note:")


def test_a_booksubtitle_is_printed_after_the_book_s_title_only() -> None:
    text = (
        "@incollection{a, author = {Lee, Cy}, title = {Chapter}, booktitle = {Handbook of Psychedelic Medicine},\n"
        "  booksubtitle = {Clinical Applications}, maintitle = {Psychedelic Medicine}, volume = {2},\n"
        "  editor = {Ed, Ed}, publisher = {P}, year = {2020}, pages = {1--20}}\n"
    )
    printed, problems = _run(text)
    assert printed["a"] == (
        "Lee, C. (2020). Chapter. In E. Ed (Ed.), Psychedelic medicine: Vol. 2. Handbook of psychedelic medicine: "
        "Clinical applications (pp. 1–20). P."
    )
    assert _coded(problems, "bib.booksubtitle")[0].startswith("references.bib:2: note:")


def test_what_a_note_or_a_second_date_holds_that_the_reference_leaves_out_is_named() -> None:
    """A note is never printed: a retraction written there (PubMed's export) and a registry record's number are
    named, as are an addendum and a year that the date overrides."""
    text = (
        "@article{a, author = {A, B}, title = {T}, journal = {Science}, year = {2002}, volume = {297},\n"
        "  note = {Retraction published Science. 2003;301(5639):1479}}\n"
        "@misc{b, author = {C, D}, title = {A trial}, year = {2023}, note = {Identifier: NCT03537014}}\n"
        "@online{c, author = {E, F}, title = {A trial}, year = {2023}, url = {https://clinicaltrials.gov/study/NCT05624268},\n"
        "  note = {ClinicalTrials.gov ID: NCT05624268}, addendum = {Last updated 2024-02-01}}\n"
        "@article{d, author = {G, H}, title = {T}, journal = {J}, volume = {1},\n  year = {2019}, date = {2020-02-01}}\n"
        "@article{e, author = {I, J}, title = {T}, journal = {J}, year = {2019}, volume = {1},\n"
        "  note = {RETRACTED 2024.}, retracted = {Retracted by J in 2024.}}\n"
    )
    printed, problems = _run(text)
    notes = _coded(problems, "bib.note")
    assert [p.split(": ", 1)[0] for p in notes] == ["references.bib:2", "references.bib:3", "references.bib:5"], notes
    assert "says the work was retracted" in notes[0] and "NCT03537014" in notes[1] and "addendum of 'c'" in notes[2]
    assert printed["d"] == "G, H. (2020). T. J, 1."
    assert _coded(problems, "bib.date") == [
        "references.bib:7: warning: 'd' has the year 2019 and the date 2020-02-01: the reference prints the date's "
        "year, 2020, and leaves the year out (keep the one the record shows) [bib.date]"
    ]


def test_names_as_plos_endnote_and_better_biblatex_export_them() -> None:
    """PLOS separates names with an upper-case AND, which BibTeX reads as "and"; Better BibLaTeX's extended name
    format is read as one name, not refused; EndNote's suffix written last is named with the form that works."""
    text = (
        '@article{a, author = {Sch{\\"a}fer, Ingo AND Hopchet, Marianne AND Vandamme, Nicole}, title = {T},\n'
        "  journal = {J}, year = {2020}}\n"
        "@article{b, author = {family=Kolk, given=Bessel A., prefix=van der, useprefix=true}, title = {T},\n"
        "  journal = {J}, year = {2021}}\n"
        "@article{c, author = {Smith, A. B., III and Lee, C.}, title = {T}, journal = {J}, year = {2022}}\n"
        "@article{d, author = {Garc{\\'\\i}a, Jos{\\'e}}, title = {T}, journal = {npj Schizophrenia}, year = {2023}}\n"
    )
    printed, problems = _run(text)
    assert printed["a"] == "Schäfer, I., Hopchet, M., & Vandamme, N. (2020). T. J."
    assert printed["b"] == "van der Kolk, B. A. (2021). T. J."
    assert printed["d"] == "García, J. (2023). T. npj Schizophrenia."  # í, not a dotless i with an accent
    assert problems == [
        "references.bib:5: error: the author list of 'c' has 'Smith, A. B., III', its suffix last (as EndNote writes "
        "it): 'III' would print as initials (write the suffix second: Smith, III, A. B.) [bib.name]"
    ]


def test_editions_versions_months_and_google_scholar_s_arxiv_as_apa_writes_them() -> None:
    text = (
        "@book{a, author = {A, B}, title = {T}, edition = {Revised}, publisher = {P}, year = {2020}}\n"
        "@book{b, author = {C, D}, title = {T}, edition = {2nd revised}, publisher = {P}, year = {2020}}\n"
        "@software{c, author = {Rosseel, Yves}, title = {lavaan}, version = {0.6-15}, year = {2023}}\n"
        "@article{d, author = {E, F}, title = {Deep trauma}, journal = {arXiv preprint arXiv:2203.04567}, year = {2022}}\n"
        "@article{e, author = {G, H}, title = {T}, journal = {J}, year = {2020}, month = {Spring}}\n"
    )
    printed, problems = _run(text)
    assert printed["a"] == "A, B. (2020). T (Rev. ed.). P."
    assert printed["b"] == "C, D. (2020). T (2nd rev. ed.). P."
    assert printed["c"] == "Rosseel, Y. (2023). Lavaan (Version 0.6\u201115) [Computer software]."  # not "Versions"
    assert printed["d"] == "E, F. (2022). Deep trauma [Preprint]. arXiv. https://arxiv.org/abs/2203.04567"
    assert [p.split(": ", 1)[0] for p in _coded(problems, "bib.date")] == ["references.bib:5"]
    assert _coded(problems, "bib.preprint")[0].startswith("references.bib:4: note:")


def test_what_a_hostile_review_of_these_readings_found_is_read_as_meant() -> None:
    """An extended name list with names left after commas is refused, not cut; a letter accent on a dotless i
    stays that accent; a month written in full or with a full stop is printed; a journal in lower case is
    capitalised as before; an identifier that is no identifier makes no address; "retractor" is no retraction;
    a number and an issue both given are named as such."""
    text = (
        "@article{a, author = {family=Smith, given=John, Doe, Jane}, title = {T}, journal = {J}, year = {2021}}\n"
        "@article{b, author = {B, B}, title = {With \\u\\i{} and \\v\\i{}}, journal = {J}, year = {2020}}\n"
        "@online{c, author = {C, C}, title = {T}, year = {2020}, month = {January}, url = {https://x.org/c}}\n"
        "@online{d, author = {D, D}, title = {T}, year = {2020}, month = {sept.}, url = {https://x.org/d}}\n"
        "@article{e, author = {E, E}, title = {T}, journal = {journal of Personality}, year = {2020}}\n"
        "@online{f, author = {F, F}, title = {T}, year = {2020}, eprint = {a/../../evil.example/x},\n"
        "  eprinttype = {psyarxiv}}\n"
        "@article{g, author = {G, G}, title = {T}, journal = {J}, year = {2020}, note = {A new retractor design}}\n"
        "@article{h, author = {H, H}, title = {T}, journal = {J}, year = {2020}, volume = {1}, number = {3},\n"
        "  issue = {4}}\n"
    )
    printed, problems = _run(text)
    assert [p for p in problems if "'a'" in p] == [
        "references.bib:1: error: the author list of 'a' has names separated by commas: 'family=Smith, given=John, "
        "Doe, Jane' (separate the names with 'and' (Family, Given and Family, Given)) [bib.name]"
    ]
    assert printed["b"] == "B, B. (2020). With \u012d and \u01d0. J."
    assert printed["c"] == "C, C. (2020, January). T. https://x.org/c"
    assert printed["d"] == "D, D. (2020, September). T. https://x.org/d"
    assert printed["e"] == "E, E. (2020). T. Journal of Personality."
    assert printed["f"] == "F, F. (2020). T [Preprint]. psyarxiv."
    assert [p.split(": ")[1] for p in _coded(problems, "bib.eprint")] == ["warning"]
    assert not _coded(problems, "bib.note")
    assert _coded(problems, "bib.issue") == [
        "references.bib:10: warning: 'h' has both a number, 3, and an issue, '4': the reference prints the number "
        "as the issue, (3), and leaves '4' out (keep the issue's number in number; APA prints an article's volume "
        "and issue number only) [bib.issue]"
    ]


def test_text_that_looks_like_an_entry_but_is_not_read_as_one_is_named() -> None:
    """`@ misc {` (a space after @) and `@misc{` with its comma on the next line: bibtexparser reads the first as a
    comment and pandoc refused the whole file for either; each is refused at its line, the rest prints."""
    text = (
        " @ misc { ,\n title = {X}, year = {2020}}\n"
        "@misc{\n, title = {Y}, year = {2021}}\n"
        "@article{a, author = {A, B}, title = {T}, journal = {J}, year = {2020}}\n"
    )
    printed, problems = _run(text)
    assert printed == {"a": "A, B. (2020). T. J."}
    assert [p.split(": ", 1)[0] for p in _coded(problems, "bib.parse")] == ["references.bib:1", "references.bib:3"]


def test_an_editor_list_in_cjk_script_takes_no_comma_before_et_al() -> None:
    text = (
        "@incollection{a, author = {Brown, B.}, title = {A chapter}, booktitle = {A book},\n"
        "  editor = {山田, 太郎 and others}, publisher = {Pub}, year = {2020}, pages = {1--2}}\n"
    )
    assert _run(text)[0]["a"] == "Brown, B. (2020). A chapter. In 山田太郎 et al. (Eds.), A book (pp. 1–2). Pub."


def test_kinds_of_work_a_fifth_export_test_found_read_as_meant() -> None:
    """From a test of guidelines, encyclopedias, packages, presentations, translations and legal sources as their
    exports write them (APA 10.3, 10.5, 10.10, 9.38, 11.5)."""
    text = (
        "@InCollection{sep, author = {Graham, George}, title = {{Behaviorism}}, year = {2019},\n"
        "  booktitle = {The {Stanford} Encyclopedia of Philosophy}, editor = {Edward N. Zalta},\n"
        "  howpublished = {\\url{https://plato.stanford.edu/archives/spr2019/entries/behaviorism/}},\n"
        "  edition = {{S}pring 2019}, publisher = {Metaphysics Research Lab, Stanford University}}\n"
        "@Manual{psych, title = {psych: Procedures for Personality Research}, author = {William Revelle},\n"
        "  organization = {Northwestern University}, year = {2023}, note = {R package version 2.3.3},\n"
        "  url = {https://CRAN.R-project.org/package=psych}}\n"
        "@unpublished{talk, author = {Kim, Hana}, title = {A talk}, eventtitle = {Annual Meeting of ISTSS},\n"
        "  eventdate = {2022-11-03}, venue = {Atlanta, GA}, type = {Paper presentation}}\n"
        "@book{janet, author = {Janet, Pierre}, title = {L'automatisme psychologique}, langid = {french},\n"
        "  titleaddon = {[Psychological automatism]}, publisher = {Alcan}, year = {1889}}\n"
        "@legislation{act, title = {Veterans Health Care Act}, date = {1992}, number = {102-585}}\n"
        "@article{mcnally, author = {Smith, Jane}, title = {Essays for R. J. McNally on Memory ... and Vitamin D.},\n"
        "  journal = {J}, volume = {1}, pages = {1--2}, year = {2010}}\n"
        "@incollection{doi, author = {A, B}, title = {T}, booktitle = {B}, publisher = {Springer}, year = {2013},\n"
        "  doi = {10.1007/978-3-642-35068-9{\\textunderscore }3}}\n"
    )
    printed, problems = _run(text)
    assert printed["sep"] == (
        "Graham, G. (2019). Behaviorism. In E. N. Zalta (Ed.), The Stanford encyclopedia of philosophy (Spring 2019 "
        "ed.). Metaphysics Research Lab, Stanford University. "
        "https://plato.stanford.edu/archives/spr2019/entries/behaviorism/"
    )
    assert printed["psych"] == (
        "Revelle, W. (2023). Psych: Procedures for personality research (Version 2.3.3) [Computer software]. "
        "Northwestern University. https://CRAN.R-project.org/package=psych"
    )
    assert (
        printed["talk"]
        == "Kim, H. (2022, November 3). A talk [Paper presentation]. Annual Meeting of ISTSS, Atlanta, GA."
    )
    assert printed["janet"] == "Janet, P. (1889). L\u2019automatisme psychologique [Psychological automatism]. Alcan."
    assert printed["act"] == "Veterans Health Care Act, Pub. L. No. 102\u2011585 (1992)."
    assert printed["mcnally"].startswith("Smith, J. (2010). Essays for R. J. McNally on memory \u2026 and vitamin D.")
    assert printed["doi"].endswith("https://doi.org/10.1007/978-3-642-35068-9_3")
    assert _coded(problems, "bib.note")[0].startswith("references.bib:6: note: the note of 'psych' gives")


def test_organisations_and_fields_the_engine_does_not_print_are_named() -> None:
    text = (
        "@techreport{rand, author = {RAND Corporation}, title = {Invisible wounds}, institution = {RAND}, year = {2008}}\n"
        "@techreport{iom, author = {Institute of Medicine}, title = {Treatment}, institution = {NAP}, year = {2008}}\n"
        "@online{icd, author = {{World Health Organization}}, title = {ICD}, edition = {11}, date = {2019},\n"
        "  url = {https://icd.who.int/}}\n"
        "@book{dsm, author = {{American Psychiatric Association}}, title = {DSM}, shorthand = {DSM-5-TR},\n"
        "  publisher = {APA}, year = {2022}}\n"
        "@book{comp, editor = {Smith, Jane}, editortype = {compiler}, title = {Texts}, publisher = {P}, year = {2020}}\n"
        "@book{film, editor = {Smith, Jo}, editortype = {director}, title = {A film}, publisher = {P}, year = {2021}}\n"
    )
    printed, problems = _run(text)
    names = [p.split(": ", 1)[0] for p in _coded(problems, "bib.name")]
    assert names == ["references.bib:1", "references.bib:2"]
    notes = [p.split(": ", 1)[0] for p in _coded(problems, "bib.note")]
    assert notes == ["references.bib:3", "references.bib:5", "references.bib:7"], problems
    assert printed["film"] == "Smith, J. (Director). (2021). A film. P."  # no false disagreement of the readers
    assert not _coded(problems, "bib.agreement")
