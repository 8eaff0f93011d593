"""Podcasts, videos and names in Chinese, Japanese or Korean script, as reference managers export them
(tests/fixtures/bibcorpus/media.bib): printed as APA 7 prints them (10.12, 10.13; 9.8 with CSL's rule for names
citeproc does not romanise), or named where the export does not say which it is."""

from __future__ import annotations

from functools import cache
from typing import Final

from imap.citing import citeproc
from imap.model.diagnostics import Diagnostic
from imap.reading import bibliography
from tests.conftest import ROOT

MEDIA: Final = ROOT / "tests" / "fixtures" / "bibcorpus" / "media.bib"


@cache
def _media() -> tuple[dict[str, str], dict[str, str], tuple[Diagnostic, ...]]:
    text = MEDIA.read_text(encoding="utf-8")
    references, problems = bibliography.load("references.bib", text)
    result = citeproc.process(text, references)
    entries = {key: f.entry_text for key, f in result.formatted.items()}
    labels = {key: f.label for key, f in result.formatted.items()}
    return entries, labels, (*problems, *result.problems)


def _found(code: str) -> list[tuple[int, str]]:
    return sorted((d.location.line, d.severity.value) for d in _media()[2] if d.code == code)


def test_a_podcast_episode_as_better_biblatex_exports_it_prints_as_apa_10_13() -> None:
    entries = _media()[0]
    assert entries["bbtPodcastSeries"] == (
        "Huberman, A. (2023, March 20). Dr. Rachel Yehuda: How trauma and PTSD are transmitted across generations "
        "(No. 115) [Audio podcast episode]. In Huberman Lab. Scicomm Media. https://www.hubermanlab.com/episode/x"
    )
    assert entries["podcastMaintitle"] == (
        "Roe, A. (2021, May 4). Grounding in session (No. 12) [Audio podcast episode]. In The Trauma Therapist. "
        "https://example.org/ep12"
    )
    assert entries["podcastMarked"] == (
        "Doe, J. (2022, January 10). Window of tolerance [Audio podcast episode]. In Therapist Uncensored. "
        "https://example.org/ep"
    )


def test_the_show_is_in_italics_after_in_and_the_episode_title_is_not() -> None:
    text = MEDIA.read_text(encoding="utf-8")
    references, _ = bibliography.load("references.bib", text)
    entry = citeproc.format_references(text, references)["bbtPodcastSeries"].entry_html
    assert "In <i>Huberman Lab</i>." in entry and "<i>Dr." not in entry
    csl = citeproc.format_references(text, references)["bbtPodcastSeries"].csl
    assert csl["type"] == "broadcast" and csl["container-title"] == "Huberman Lab"


def test_a_music_recording_or_an_undecided_audio_entry_stays_an_audio_recording() -> None:
    entries = _media()[0]
    assert entries["music"] == "Bach, J. S. (1981). Goldberg variations [Audio recording]. Sony."
    assert entries["podcastNoNumber"].endswith("Sleep after trauma [Audio recording]. https://example.org/ep2")
    assert entries["podcastNoShow"].endswith("Grounding again (No. 7) [Audio recording]. https://example.org/ep3")
    # read as a podcast: a note at the show; undecided: a warning at the show, or at the number
    found = _found("bib.podcast")
    assert found[:5] == [(1, "note"), (2, "note"), (3, "note"), (4, "warning"), (5, "warning")]
    assert [severity for _, severity in found[5:]] == ["note"]  # Zotero's own export of a podcast (a @misc)


def test_a_youtube_video_prints_as_apa_10_12() -> None:
    assert _media()[0]["youtube"] == (
        "American Psychological Association. (2017, May 30). What is prolonged exposure therapy? [Video]. YouTube. "
        "https://www.youtube.com/watch?v=abc"
    )


def test_names_in_chinese_japanese_or_korean_script_are_not_initialised() -> None:
    entries, labels, _ = _media()
    assert entries["cjkTwoFields"] == "山田太郎, & 鈴木花子. (2020). Trauma care. J, 1."
    assert labels["cjkTwoFields"] == "山田 & 鈴木, 2020"
    assert entries["cjkOneField"] == "山田太郎, & 鈴木花子. (2018). Trauma care. J, 1."
    assert entries["korean"] == "김민준, & Park, J.-y. (2021). Trauma care. J, 1."
    assert entries["cjkEditor"] == "Lee, A. (2020). C. In 王小明 & J. Smith (Eds.), B (pp. 1–2). P."


def test_a_name_in_cjk_script_written_without_a_comma_is_named() -> None:
    problems = [d.format() for d in _media()[2] if d.code == "bib.name"]
    assert problems == [
        "references.bib:12: warning: the author list of 'cjkSpace' has '王 小明', a name in Chinese, Japanese or "
        "Korean script written without a comma: BibTeX reads its last word, '小明', as the family name, and the "
        "reference prints '小明王' (write Family, Given, as Zotero exports it: 王, 小明) [bib.name]"
    ]


def test_latin_names_beside_cjk_names_keep_their_initials() -> None:
    text = (
        "@article{a, author = {Smith, John and 山田, 太郎}, title = {T}, journal = {J}, year = {2020}, volume = {1}}\n"
    )
    references, _ = bibliography.load("references.bib", text)
    assert citeproc.format_references(text, references)["a"].entry_text == "Smith, J., & 山田太郎. (2020). T. J, 1."


def test_an_incomplete_list_ending_in_a_cjk_name_takes_the_comma_before_et_al() -> None:
    """The fallback for `and others` (warned of: APA lists every author) puts a comma before "et al." after every
    name in the reference list, as after initials; in-text, "et al." follows the family name without one."""
    text = (
        "@article{a, author = {山田, 太郎 and 鈴木, 花子 and others}, title = {T}, journal = {J}, year = {2020}}\n"
        "@article{b, author = {Smith, John and 鈴木, 花子 and others}, title = {U}, journal = {J}, year = {2021}}\n"
    )
    formatted = citeproc.format_references(text, bibliography.load("references.bib", text)[0])
    assert formatted["a"].entry_text == "山田太郎, 鈴木花子, et al. (2020). T. J."
    assert formatted["b"].entry_text == "Smith, J., 鈴木花子, et al. (2021). U. J."
    assert formatted["a"].label == "山田 et al., 2020"


def test_a_web_page_as_paperpile_exports_it_prints_its_site_and_month() -> None:
    """APA 10.16: "Title. Site. URL." with the date as the page gives it; a @misc with a month but no site is a
    document, whose date is its year, and the month it does not print is named."""
    entries = _media()[0]
    assert entries["paperpileNhs"] == (
        "Post-traumatic stress disorder. (2023, March). NHS. "
        "https://www.nhs.uk/mental-health/conditions/post-traumatic-stress-disorder-ptsd/"
    )
    assert entries["paperpileSite"] == (
        "Lane, M. (2021, June). Finding a trauma therapist. Psychology Today. https://www.psychologytoday.com/example"
    )
    assert (
        entries["miscMonth"]
        == "World Health Organization. (2020). Guidance on trauma care. https://www.who.int/example"
    )
    # APA 10.16: a site that is also the author is not repeated
    assert entries["paperpileByAuthor"] == (
        "NHS. (2023). Post-traumatic stress disorder. https://www.nhs.uk/mental-health/conditions/ptsd/"
    )
    assert entries["miscDocument"] == "Trauma Council. (2020). A report on trauma care. https://example.org/report.pdf"
    lines = dict(_found("bib.webpage"))
    text = MEDIA.read_text(encoding="utf-8").splitlines()
    at = {key: next(n for n, line in enumerate(text, 1) if key in line) for key in ("paperpileNhs", "miscMonth")}
    assert lines[at["paperpileNhs"] + 2] == "note"  # at its booktitle
    assert lines[at["miscMonth"] + 1] == "warning"  # at its month
    assert len(lines) == 4  # the document without a month raises nothing


def test_a_presentation_written_in_a_note_prints_as_apa_10_5() -> None:
    """A poster or paper whose note or howpublished says where it was presented prints APA 10.5's description and
    meeting, where the note was dropped and the poster called an unpublished manuscript."""
    entries = _media()[0]
    assert entries["posterNote"] == (
        "Hill, H. (2016, August). Trauma narratives in group therapy [Poster presentation]. Annual Meeting of the "
        "American Psychological Association, Denver, CO."
    )
    assert entries["paperHowpublished"] == (
        "Ortiz, R. (2016). Moral injury after deployment [Paper presentation]. 32nd Annual Meeting of the "
        "International Society for Traumatic Stress Studies, Dallas, TX."
    )
    assert entries["manuscriptNote"] == "Hill, H. (2019). A draft on grounding [Unpublished manuscript]."
    assert [severity for _, severity in _found("bib.presentation")] == ["note", "note"]


def test_zoteros_own_podcast_export_and_placeholder_text_print_as_meant() -> None:
    entries = _media()[0]
    assert entries["zoteroPodcast"] == (
        "Smith, A. (2019). Trauma and the body [Audio podcast episode]. In Therapist Uncensored. https://example.org/p6"
    )
    # engine.lua's placeholders for given names in CJK script are letters this bibliography never spells
    assert entries["placeholderText"] == "王伟, & Doe, imapgivennameaaab. (2018). The imapgivennameaaaa effect. J."
