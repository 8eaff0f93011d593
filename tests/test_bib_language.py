"""Entries in another language exported without langid or language (JabRef, Mendeley, Google Scholar): the engine would
print them as English, so the language their words show is named, and the langid it suggests keeps them as written."""

from __future__ import annotations

from imap.citing import citeproc
from imap.reading import bibliography

ENTRIES = (
    '@article{de, author = {M{\\"u}ller, Hans}, year = {2019}, volume = {67}, pages = {1--10},\n'
    "  title = {Trauma und Psychotherapie},\n"
    '  journal = {Zeitschrift f{\\"u}r Psychiatrie, Psychologie und Psychotherapie}}\n'
    "@article{es, author = {Garcia, Ana}, year = {2019}, journal = {Revista de psiquiatría y salud mental},\n"
    "  title = {Estrés postraumático en la población}}\n"
    "@article{nl, author = {Smit, Jan}, year = {2017}, title = {PTSS}, journal = {Nederlands tijdschrift voor geneeskunde}}\n"
    "@article{fr, author = {Dupont, Jean}, year = {2018}, journal = {Revue française de psychiatrie et de psychologie},\n"
    "  title = {Le trouble de stress post-traumatique}}\n"
)


def _languages(text: str) -> dict[int, str]:
    return {
        d.location.line: d.message for d in bibliography.load("references.bib", text)[1] if d.code == "bib.language"
    }


def test_an_entry_in_another_language_without_langid_is_named_at_its_title() -> None:
    found = _languages(ENTRIES)
    assert sorted(found) == [2, 5, 6, 8], found
    assert (
        "'de' looks German ('für', 'psychiatrie', 'und', 'zeitschrift')" in found[2]
    )  # the umlaut written in LaTeX too
    assert "'es' looks Spanish" in found[5]
    assert "'nl' looks Dutch" in found[6]
    assert "'fr' looks French" in found[8]


def test_the_suggested_langid_keeps_the_title_and_journal_as_written() -> None:
    text = ENTRIES.replace("@article{de, ", "@article{de, langid = {german}, ")
    assert 2 not in _languages(text)
    references, _ = bibliography.load("references.bib", text)
    entry = citeproc.process(text, references).formatted["de"].entry_text
    assert "Trauma und Psychotherapie. Zeitschrift für Psychiatrie, Psychologie und Psychotherapie, 67" in entry, entry


def test_english_titles_and_names_of_places_are_not_taken_for_another_language() -> None:
    text = "\n".join(
        f"@article{{k{n}, author = {{Lee, Ann}}, journal = {{J}}, year = {{2001}}, title = {{{title}}}}}"
        for n, title in enumerate(
            [
                "PTSD Among Firefighters in Los Angeles and Las Vegas",  # capitalised: place names
                "Treatment \\emph{und} the Self",  # one word, and a command's name is no word
                "Pour, Die and Met: Verbs English Shares",
                "Trauma und Psychotherapie",  # one short word is not enough
                # name particles and "et al." are no language's words
                "Gilles de la Tourette syndrome in veterans: A reply to Smith et al.",
                "A commentary on van der Kolk en route to DSM-5",
                "Treating da Costa syndrome: di Nicola et al. revisited",
            ]
        )
    )
    assert _languages(text) == {}


def test_languages_told_by_their_letters_and_journals() -> None:
    text = "\n".join(
        f"@article{{{key}, author = {{Lee, Ann}}, year = {{2020}}, title = {{{title}}}, journal = {{{journal}}}}}"
        for key, title, journal in [
            ("no", "Behandling av posttraumatisk stresslidelse", "Tidsskrift for Den norske legeforening"),
            ("sv", "Behandling av PTSD med exponeringsterapi", "Läkartidningen"),
            ("pl", "Zespół stresu pourazowego u żołnierzy", "Psychiatria Polska"),
            ("tr", "Travma sonrası stres bozukluğu ve tedavisi", "Türk Psikiyatri Dergisi"),
            ("fr", "Les psychédéliques en psychiatrie", "L'Encéphale"),
        ]
    )
    found = _languages(text)
    assert [message.split(" looks ")[1].split(" ")[0] for message in found.values()] == [
        "Norsk",
        "Swedish",
        "Polish",
        "Turkish",
        "French",
    ], found


def test_an_english_title_is_not_taken_for_another_language_by_its_names_or_its_journal() -> None:
    """A title that writes English's short words (the, and, among) is English, though names in it write Turkish
    letters and its journal is Spanish: the title checks read it as English, and a title in another language is still
    named."""
    text = (
        "@article{tr, author = {Lee, Ann}, journal = {J}, year = {2024},\n"
        "  title = {Posttraumatic Stress Among Survivors of the 2023 Kahramanmaraş Earthquakes in Hatay and Adıyaman}}\n"
        "@article{en, author = {Lee, Ann}, year = {2021}, journal = {Revista de Psiquiatría y Salud Mental},\n"
        "  title = {Burnout Among Health Workers in Spain After the First Wave of COVID-19}}\n"
        "@article{es, author = {Garcia, Ana}, year = {2019}, journal = {Revista de Psiquiatría y Salud Mental},\n"
        "  title = {Estrés postraumático en trabajadores sanitarios}}\n"
    )
    found = _languages(text)
    assert list(found) == [6], found
    assert "'es' looks Spanish" in found[6]
    names = [d for d in bibliography.load("references.bib", text)[1] if d.code == "bib.title-name"]
    assert [(d.location.line, "'Spain'" in d.message) for d in names] == [(4, True)], names
