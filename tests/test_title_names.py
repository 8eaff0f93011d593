"""Names in titles written in Title Case, as most exports write them: sentence case would lower them, so each is named
with the title's line (bib.title-name), and a braced name keeps its capitals in the printed reference."""

from __future__ import annotations

import re
from pathlib import Path

from imap.citing import citeproc
from imap.reading import bibliography

ROOT = Path(__file__).resolve().parent.parent


def _names(text: str) -> dict[str, str]:
    """The line and message of each bib.title-name warning, by line."""
    return {
        d.location.path + ":" + str(d.location.line): d.message
        for d in bibliography.load("references.bib", text)[1]
        if d.code == "bib.title-name"
    }


def test_names_in_a_title_case_title_are_named_with_the_line_of_the_title() -> None:
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001},\n"
        "  title = {Posttraumatic Stress Among Black Women in the United States: Evidence From New York}}\n"
        "@article{b, author = {Lee, Ann}, journal = {J}, year = {2002},\n"
        "  title = {Post-Vietnam Syndrome in African-American Veterans of World War II and Operation Iraqi Freedom}}\n"
        "@incollection{c, author = {Lee, Ann}, year = {2003}, title = {A Chapter}, publisher = {P},\n"
        "  booktitle = {Trauma Among Latinos and Canadians After Hurricane Katrina in August and September}}\n"
        "@article{d, author = {Lee, Ann}, journal = {J}, year = {2004},\n"
        "  title = {Freudian Defences, Alzheimer's Disease and Ramadan Fasting in T\\\"urkiye}}\n"
    )
    found = _names(text)
    assert set(found) == {"references.bib:2", "references.bib:4", "references.bib:6", "references.bib:8"}, found
    assert "'Black', 'United States', 'New York'" in found["references.bib:2"]
    assert "'Vietnam', 'African', 'American', 'World War', 'Operation Iraqi Freedom'" in found["references.bib:4"]
    assert "book's title of 'c'" in found["references.bib:6"]
    # plurals and possessives are names too; August is a word as well, so it is left alone
    assert "'Latinos', 'Canadians', 'Hurricane Katrina', 'September'" in found["references.bib:6"]
    assert "'Alzheimer's', 'Ramadan', 'Türkiye'" in found["references.bib:8"]  # an accent in LaTeX too
    assert "'Freudian'" not in found["references.bib:8"]  # the first word keeps its capital
    # an accent written in LaTeX no longer splits a word, which made this title look like one in sentence case
    assert not [d for d in bibliography.load("references.bib", text)[1] if d.code == "bib.title-case"]


def test_title_case_titles_without_names_and_other_cases_raise_nothing() -> None:
    text = "\n".join(
        f"@article{{k{n}, author = {{Lee, Ann}}, journal = {{J}}, year = {{20{n:02d}}}, {field}}}"
        for n, field in enumerate(
            [
                # words only (White Matter and Black Box are colours; March and May are words too)
                "title = {Reduced White Matter Integrity and the Black Box of Long-Term Major Depression}",
                "title = {Prolonged Exposure Therapy in March: May It Help Veterans With Military-Related PTSD?}",
                # a name that starts a sentence keeps its capital
                "title = {Canada's Veterans: American Lessons}",
                # braced names keep their capitals
                "title = {Trauma Among {Black} Women in the {United States}}",
                # a title in sentence case: bib.title-case names its capitalised words, not this check
                "title = {Trauma among women in the United States}",
                # a title that is not English is printed as written
                "title = {Trauma bei Flüchtlingen in Deutschland und Österreich im Januar}, langid = {german}",
                # Zotero's word-by-word braces keep the capitals already (bib.title-case)
                "title = {{Trauma} {Among} {Veterans} in {Canada}}",
            ]
        )
    )
    assert _names(text) == {}


def test_a_name_braced_in_one_title_is_looked_for_in_the_others() -> None:
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001}, title = {Therapy by {Lykos} Clinicians}}\n"
        "@article{b, author = {Lee, Ann}, journal = {J}, year = {2002}, title = {Why Lykos Ended Its Trial}}\n"
        # a braced word that the bibliography also writes in lower case is not taken for a name
        "@article{c, author = {Lee, Ann}, journal = {J}, year = {2003}, title = {The {Trauma} Clinic}}\n"
        "@article{d, author = {Lee, Ann}, journal = {J}, year = {2004}, title = {Complex trauma in adults}}\n"
        "@article{e, author = {Lee, Ann}, journal = {J}, year = {2005}, title = {Working With Trauma Survivors}}\n"
        # Zotero's own export braces every capitalised word: its braces name nothing
        "@article{f, author = {Lee, Ann}, journal = {J}, year = {2006}, title = {{Complex} {Grief}}}\n"
        "@article{g, author = {Lee, Ann}, journal = {J}, year = {2007}, title = {Working With Complex Grief}}\n"
    )
    found = _names(text)
    assert list(found) == ["references.bib:2"], found
    assert "'Lykos'" in found["references.bib:2"]


def test_the_suggested_braces_keep_the_capitals_in_the_printed_reference() -> None:
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001},\n"
        "  title = {Trauma Among {Black} Women in the {United States}: {New York} in {February}}}\n"
    )
    references, problems = bibliography.load("references.bib", text)
    assert not [p for p in problems if p.code in ("bib.title-name", "bib.title-case")]
    entry = citeproc.process(text, references).formatted["a"].entry_text
    assert "Trauma among Black women in the United States: New York in February." in entry, entry


def test_the_manuals_own_names_are_found_when_their_braces_are_taken_away() -> None:
    """The real bibliography braces its names; without the braces, the check finds the places and months."""
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    assert _names(text) == {}
    bare = re.sub(
        r"(?m)^(\s*(?:title|booktitle)\s*=.*)$",
        lambda m: re.sub(r"\{([A-Z][a-z]+(?: [A-Z][a-z]+)*)\}", r"\1", m.group(1)),
        text,
    )
    found = " ".join(_names(bare).values())
    for name in ("'Germany', 'Lithuania'", "'Canada'", "'London'", "'January'", "'June'"):
        assert name in found, name


def test_what_a_review_found_is_read_as_meant() -> None:
    """Lower-case acronyms, English langids, slashes, wars and hurricanes, common words that are also names, titles
    braced whole, and titles in another language."""
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001},\n"  # mTBI is no lower-case word
        "  title = {Mild Traumatic Brain Injury Among Black Soldiers in Iraq: The Role of mTBI Severity}}\n"
        "@article{b, author = {Lee, Ann}, journal = {J}, year = {2002}, langid = {en-US},\n"
        "  title = {Trauma Among Veterans of the Vietnam War and Hurricane Katrina in Iraq/Afghanistan}}\n"
        "@article{c, author = {Lee, Ann}, journal = {J}, year = {2003},\n"
        "  title = {Quitting Cold Turkey: Guinea Pigs, White-Collar Workers and the White Matter of Veterans}}\n"
        "@article{d, author = {Lee, Ann}, journal = {J}, year = {2004}, title = {{Moral Injury}}}\n"
        "@article{e, author = {Lee, Ann}, journal = {J}, year = {2005}, title = {Moral Injury Among Veterans}}\n"
        "@article{f, author = {Lee, Ann}, year = {2006}, journal = {Revista de psiquiatría y salud mental},\n"
        "  title = {Salud mental de migrantes en Venezuela}}\n"
    )
    found = _names(text)
    assert "'Black', 'Iraq'" in found.pop("references.bib:2")
    assert "'Vietnam War', 'Hurricane Katrina', 'Iraq', 'Afghanistan'" in found.pop("references.bib:4")
    assert found == {}, found  # common words, a title braced whole, and a title in Spanish (bib.language)
    codes = [(d.location.line, d.code) for d in bibliography.load("references.bib", text)[1]]
    assert (10, "bib.language") in codes and (10, "bib.title-case") not in codes


def test_abbreviations_in_titles_print_as_written() -> None:
    """pandoc lowers an abbreviation ("u.s.") and capitalises the word after its full stop ("u.s. Veterans")."""
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001}, title = {Suicide among U.S. veterans in B.C.}}\n"
        "@article{b, author = {Lee, Ann}, journal = {J}, year = {2002}, title = {Suicide Among {U.S.} Veterans}}\n"
        "@article{c, author = {Lee, Ann}, journal = {J}, year = {2003},\n"
        "  title = {A Talk by Dr. Yehuda in St. Louis on CBT vs. Exposure, e.g. in Groups}}\n"
    )
    references, _ = bibliography.load("references.bib", text)
    entries = {key: f.entry_text for key, f in citeproc.process(text, references).formatted.items()}
    assert "Suicide among U.S. veterans in B.C. J." in entries["a"], entries["a"]
    assert "Suicide among U.S. veterans. J." in entries["b"], entries["b"]
    assert "A talk by Dr. Yehuda in St. Louis on CBT vs. exposure, e.g. in groups. J." in entries["c"], entries["c"]


def test_capital_letters_standing_alone_in_titles_print_as_written() -> None:
    """pandoc lowers a capital letter that is a word ("phase i", "cluster b", "vitamin d"); "A" is the article but
    after a word that names with letters."""
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001},\n"
        "  title = {A Phase I Trial for Type A and Cluster B Traits: What I'm Told of Vitamin D and T-Cells, a Q&A}}\n"
    )
    references, _ = bibliography.load("references.bib", text)
    entry = citeproc.process(text, references).formatted["a"].entry_text
    assert "A phase I trial for type A and cluster B traits: What I’m told of vitamin D and T-cells, a Q&A. J." in entry


def test_a_name_after_a_dash_is_named_where_the_engine_lowers_it() -> None:
    """pandoc keeps the capital of a word right after an em dash ("context—Iraq"), and lowers it after a spaced dash
    or an en dash ("context — iraq", "context--iraq" in LaTeX): the checks read dashes as the engine prints them."""
    titles = {
        "spaced em dash": "Trauma in Context \u2014 Iraq and the Aftermath of War",
        "spaced em dash in LaTeX": "Trauma in Context --- Iraq and the Aftermath of War",
        "spaced en dash": "Trauma in Context \u2013 Iraq and the Aftermath of War",
        "en dash": "Trauma in Context--Iraq and the Aftermath of War",
        "em dash": "Trauma in Context\u2014Iraq and the Aftermath of War",
        "em dash in LaTeX": "Trauma in Context---Iraq and the Aftermath of War",
    }
    text = "\n".join(
        f"@article{{k{n}, author = {{Lee, Ann}}, journal = {{J}}, year = {{2001}}, title = {{{title}}}}}"
        for n, title in enumerate(titles.values())
    )
    found = _names(text)
    named = {what for n, what in enumerate(titles) if f"references.bib:{n + 1}" in found}
    assert named == {"spaced em dash", "spaced em dash in LaTeX", "spaced en dash", "en dash"}, found
    printed = {
        key: f.entry_text for key, f in citeproc.format_references(text, bibliography.load("r", text)[0]).items()
    }
    assert "context \u2014 iraq" in printed["k0"] and "context\u2014Iraq" in printed["k4"]


def test_a_word_begun_with_a_braced_capital_is_a_protected_word() -> None:
    """Classic BibTeX braces a capital alone ({V}ietnam, {M}DMA): pandoc prints the word as written, so the title is
    read as the Title Case it is (not as sentence case with a word 'ietnam'), and its names are looked for."""
    text = (
        "@article{a, author = {Lee, Ann}, journal = {J}, year = {2001},\n"
        "  title = {Trauma and the {V}ietnam War Generation: Report of Findings from the National {V}ietnam Veterans "
        "Readjustment Study}}\n"
        "@article{b, author = {Lee, Ann}, journal = {J}, year = {2002},\n"
        "  title = {Use of {M}DMA Among {V}ietnam Veterans in Texas}}\n"
        "@article{c, author = {Lee, Ann}, journal = {J}, year = {2003},\n"
        "  title = {Use of {M}DMA among {V}ietnam veterans in Texas}}\n"
        # a title that begins so still teaches the names it braces
        "@article{d, author = {Lee, Ann}, journal = {J}, year = {2004}, title = {{V}ietnam Veterans and {Lykos}}}\n"
        "@article{e, author = {Lee, Ann}, journal = {J}, year = {2005}, title = {Why Lykos Ended Its Trial}}\n"
    )
    references, problems = bibliography.load("references.bib", text)
    found = {(p.location.line, p.code) for p in problems if p.code.startswith("bib.title")}
    assert found == {(4, "bib.title-name"), (6, "bib.title-case"), (8, "bib.title-name")}, problems
    assert "will print 'Texas' in lower case" in _names(text)["references.bib:4"]
    assert "capitalises 'Texas':" in next(p.message for p in problems if p.location.line == 6)
    assert "'Lykos'" in _names(text)["references.bib:8"]
    entry = citeproc.process(text, references).formatted["a"].entry_text
    assert "Trauma and the Vietnam war generation: Report of findings from the national Vietnam veterans" in entry


def test_only_a_brace_group_written_directly_in_a_title_names_a_word_for_the_others() -> None:
    """Better BibLaTeX braces a title's capitals twice ({{International Conference}}), and a LaTeX command's argument
    is braced by the command (\\mkbibquote{{Ecstasy}}, \\emph{Molly}): such braces keep that title's capitals, and do
    not make the words names in the other titles."""
    text = (
        "@inproceedings{a, author = {Lee, Ann}, year = {2001}, booktitle = {Proceedings},\n"
        "  title = {Papers of the {{International Conference}} on \\mkbibquote{{Ecstasy}} and \\emph{Molly} Use}}\n"
        "@article{b, author = {Lee, Ann}, journal = {J}, year = {2002},\n"
        "  title = {Recreational Ecstasy and Molly Use at the International Conference}}\n"
        "@article{c, author = {Lee, Ann}, journal = {J}, year = {2003}, title = {Therapy by {Lykos} Clinicians}}\n"
        "@article{d, author = {Lee, Ann}, journal = {J}, year = {2004}, title = {Why Lykos Ended Its Trial}}\n"
    )
    found = _names(text)
    assert list(found) == ["references.bib:6"], found  # a single brace group in a title still names a word
    assert "'Lykos'" in found["references.bib:6"]


def test_generic_terms_are_names_only_as_a_name_makes_them() -> None:
    """APA lowercases a generic term ("the armed forces", "a civil war"); a name before it makes it a name, named as
    a whole so that one pair of braces keeps it ("American Civil War"), and U.S. keeps its own capitals."""
    titles = [
        "Women Serving in the Armed Forces After Civil War",
        "Stress in the Army and Navy Reserves and the Air Force",
        "Veterans of the American Civil War and the Canadian Armed Forces",
        "Suicide Among U.S. Army Soldiers and Royal Navy Sailors",
    ]
    text = "\n".join(
        f"@article{{k{n}, author = {{Lee, Ann}}, journal = {{J}}, year = {{2001}}, title = {{{title}}}}}"
        for n, title in enumerate(titles)
    )
    found = _names(text)
    assert sorted(found) == ["references.bib:3", "references.bib:4"], found
    assert "print 'American Civil War', 'Canadian Armed Forces' in lower case" in found["references.bib:3"]
    assert "print 'Army', 'Royal Navy' in lower case" in found["references.bib:4"]


def test_a_meeting_s_name_in_a_book_s_title_is_named() -> None:
    """IEEE and ACM export proceedings with the meeting's name in booktitle, a proper name that sentence case would
    lower ("… annual international conference of the IEEE engineering in medicine …"); a handbook's title is not."""
    text = (
        "@inproceedings{a, author = {Park, J.}, title = {T}, year = {2020},\n"
        "  booktitle = {2020 42nd Annual International Conference of the IEEE Engineering in Medicine Society (EMBC)}}\n"
        "@inproceedings{b, author = {Lee, Ann}, title = {Paper}, year = {2021},\n"
        "  booktitle = {Proceedings of the 2021 {CHI} Conference on Human Factors in Computing Systems}}\n"
        "@incollection{c, author = {Lee, Bo}, title = {Chapter}, booktitle = {Handbook of Trauma Treatment},\n"
        "  publisher = {P}, year = {2020}}\n"
    )
    found = _names(text)
    assert set(found) == {"references.bib:2", "references.bib:4"}, found
    assert (
        "'2020 42nd Annual International Conference of the IEEE Engineering in Medicine Society EMBC'"
        in (found["references.bib:2"])
    )
    assert "'2021 Conference on Human Factors in Computing Systems'" in found["references.bib:4"]  # not Proceedings
