"""What reference managers write that the reference engine would print otherwise than meant: the kind of reference
in `type` (EndNote), an article number in `pages`, an edition as a word, an unbraced 'and' in a publisher or an
institution, a language without langid, an article with a DOI but no volume, issue or pages (published online ahead
of its issue, or incomplete), HTML markup in a title, a thesis's database named as its publisher, and a republished
work's first year in a note. Part of the checks of imap.reading.bibrules, at each field's line."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final, Protocol

from imap.model.diagnostics import Diagnostic, Location, note, warning
from imap.reading.bib_language import is_english
from imap.reading.bib_values import (
    HTML_MARKUP,
    PROJECT_FIELDS,
    VERBATIM,
    article_number,
    edition_number,
    html_as_latex,
    is_doi,
    normalised_doi,
    plain,
    preprint_server,
    reference_kind,
    revised_edition,
    short,
    split_names,
)


class Entry(Protocol):
    """One entry as written (imap.reading.bibrules.Raw)."""

    @property
    def key(self) -> str: ...

    @property
    def entry_type(self) -> str: ...

    @property
    def fields(self) -> Mapping[str, str]: ...

    def at(self, name: str) -> Location: ...


_LIST_FIELDS: Final = ("publisher", "institution", "organization", "school", "location", "address")
# What places an article in its journal; an article with none of them is online ahead of its issue, or incomplete.
_PLACE: Final = (
    "volume",
    "number",
    "issue",
    "pages",
    "eid",
    "art_number",
    "article-number",
    "pubstate",
    "crossref",
    "xdata",
)
_THESES: Final = frozenset({"thesis", "phdthesis", "mastersthesis"})


def thesis_database(entry_type: str, fields: Mapping[str, str]) -> str:
    """The database a thesis is published in, as written without braces, or "": ProQuest's exports name it as the
    publisher of a thesis, beside the university in school or institution (APA 10.6 prints it after the
    description: "[Doctoral dissertation, University]. ProQuest Dissertations and Theses Global.")."""

    university = plain(fields.get("school", "")) or plain(fields.get("institution", ""))
    publisher = plain(fields.get("publisher", ""))
    return publisher if entry_type in _THESES and university and publisher.lower() != university.lower() else ""


_ORIGINAL: Final = re.compile(r"\b(?:original work|originally) published(?: in)?\s+([0-9]{4})\b", re.IGNORECASE)
_YEAR: Final = re.compile(r"[\s{]*([0-9]{4})")


def original_year(fields: Mapping[str, str]) -> str:
    """The year a note says a republished work (a reprint, a translation) first came out, as JabRef's users write it
    ("Original work published 1890"), when the entry has no origdate and the year is before the entry's; or ""."""
    found = _ORIGINAL.search(fields.get("note", "").replace("{", "").replace("}", ""))
    year = _YEAR.match(fields.get("year", "") or fields.get("date", ""))
    if found is None or year is None or found.group(1) >= year.group(1) or fields.get("origdate", "").strip("{} "):
        return ""
    return found.group(1)


def _suffix(number: int) -> str:
    """The English ordinal suffix of a number: 1st, 2nd, 3rd, 4th, 11th, 22nd."""
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def check(entry: Entry, foreign: tuple[str, list[str]] = ("", [])) -> Iterator[Diagnostic]:
    """What an entry holds, as reference managers write it, that the reference engine would print otherwise than
    meant, or prints otherwise than written (a note). `foreign`: the language an entry without langid looks written
    in, with the words that show it (imap.reading.bib_language.written_in)."""
    fields = entry.fields
    kind = fields.get("type", "")
    if kind and reference_kind(kind):
        yield note(
            entry.at("type"),
            "bib.type",
            f"the type of '{entry.key}', '{short(kind.strip('{} '))}', names the kind of reference (as EndNote, Web "
            "of Science and PsycINFO export it) rather than describing the work, so the reference does not print it",
        )
    pages = pages_without_prefix(fields.get("pages", ""))
    if pages:
        yield note(
            entry.at("pages"),
            "bib.pages",
            f"the pages of '{entry.key}', '{short(fields['pages'].strip('{} '))}', begin with a page abbreviation: the "
            f"reference prints {short(pages)} with what APA puts before pages",
        )
    named_in, server = preprint_server(entry.entry_type, fields)
    if server:
        yield note(
            entry.at(named_in),
            "bib.preprint",
            f"'{entry.key}' names the preprint server {short(server)} as its {named_in}: the reference prints it as a "
            "preprint (APA 10.8: '[Preprint]. Server.')",
        )
    number = article_number(fields.get("pages", ""))
    if number and entry.entry_type == "article":
        yield note(
            entry.at("pages"),
            "bib.article-number",
            f"the pages of '{entry.key}', {number}, are an article number: the reference prints 'Article {number}'",
        )
    edition = fields.get("edition", "")
    revised = revised_edition(edition) or described_edition(edition)
    if revised and revised != " ".join(edition.strip("{} ").split()):
        yield note(
            entry.at("edition"),
            "bib.edition",
            f"the edition of '{entry.key}', '{short(plain(edition))}', is printed as APA writes it, '{revised}'",
        )
    printed = "" if revised else edition_number(edition)
    if printed and (printed == "1" or not any(char.isdigit() for char in edition)):
        shown = (
            "not at all (APA names an edition from the second on)"
            if printed == "1"
            else (f"as APA writes it, '{printed}{_suffix(int(printed))} ed.'")
        )
        yield note(
            entry.at("edition"),
            "bib.edition",
            f"the edition of '{entry.key}', '{short(plain(edition))}', is printed {shown}",
        )
    original = original_year(fields)
    if original:
        yield note(
            entry.at("note"),
            "bib.original-date",
            f"the note of '{entry.key}' says the work was first published in {original}: the reference prints "
            f"'(Original work published {original})' after it, and citations give both years, as APA 7 writes a "
            "republished work",
        )
    database = thesis_database(entry.entry_type, fields)
    if database:
        yield note(
            entry.at("publisher"),
            "bib.thesis",
            f"'{entry.key}' names {short(database)} as its publisher beside its university: the reference prints it "
            "as the database the thesis is published in (APA 10.6: '[Doctoral dissertation, University]. Database.')",
        )
    for name in _LIST_FIELDS:
        parts = [part for part in split_names(fields.get(name, "")) if part]
        if len(parts) > 1 and not (name == "publisher" and database):  # a database's name is printed whole
            yield warning(
                entry.at(name),
                "bib.list-and",
                f"the {name} of '{entry.key}' reads as {len(parts)} names ('{short(parts[0])}', "
                f"'{short(parts[1])}'{', ...' if len(parts) > 2 else ''}): BibLaTeX, and the reference engine, "
                f"separate the names in {name} with 'and'",
                f"brace a name that holds 'and': {{{short(fields[name].strip('{} '))}}}",
            )
    language = fields.get("language", "").strip("{} ").lower()
    if language and "langid" not in fields and not is_english(language):
        yield warning(
            entry.at("language"),
            "bib.language",
            f"'{entry.key}' is in '{short(language)}' but has no langid: the reference engine will print its title "
            "in English sentence case",
            "add langid with BibLaTeX's name of the language (langid = {german}), which keeps the title as written",
        )
    written, words = foreign
    if written:
        shown = ", ".join(f"'{w}'" for w in words[:4])
        yield warning(
            entry.at("title"),
            "bib.language",
            f"'{entry.key}' looks {written.capitalize()} ({shown}) but has no langid: the reference engine will print "
            "its title in English sentence case and its journal in English title case",
            f"add langid = {{{written}}} if it is in {written.capitalize()}, which keeps the title and journal as "
            "written (langid = {english} if it is in English)",
        )
    yield from _unplaced(entry)
    yield from _html(entry)


_TAG_LEFT: Final = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*")


def _closer(shown: str) -> str:
    """The '>' a tag's name is shown with."""
    return ">" if shown.startswith("<") and not shown.endswith(">") else ""


def _html(entry: Entry) -> Iterator[Diagnostic]:
    """HTML markup in a field's text, as Crossref and some publishers write it: read as what it stands for (a note),
    or, markup the engine does not read (MathML, an unpaired tag), named, since it would print as text."""
    for name, value in entry.fields.items():
        if name in VERBATIM or name in PROJECT_FIELDS or ("<" not in value and "&" not in value):
            continue
        beside_address = "\\url" in value or "\\href" in value  # the engine reads no HTML beside an address
        read = value if beside_address else html_as_latex(value)
        left = _TAG_LEFT.search(read) or (HTML_MARKUP.search(value) if beside_address else None)
        if left is not None:
            yield warning(
                entry.at(name),
                "bib.html",
                f"the {name} of '{entry.key}' holds HTML markup the reference engine does not read "
                f"('{short(left.group(0))}{_closer(left.group(0))}'): it would be printed as text",
                "write it as text, or in LaTeX: \\textit{...}, \\textsuperscript{...}, $...$",
            )
        elif read != value and HTML_MARKUP.search(value):
            yield note(
                entry.at(name),
                "bib.html",
                f"the {name} of '{entry.key}' holds HTML markup, as Crossref writes it: the reference prints what it "
                "stands for (italics, superscripts, small capitals as capitals, '&amp;' as '&')",
            )


def _unplaced(entry: Entry) -> Iterator[Diagnostic]:
    """An article with a DOI that says neither where in its journal it is nor that it is not there yet: APA prints
    an article's volume and pages, or 'Advance online publication' for one published ahead of its issue (10.1).
    Which of the two it is, only the author knows: exports write an online-first article this way, and an incomplete
    entry too, so the engine does not guess."""
    fields = entry.fields
    when = " ".join(fields.get(name, "") for name in ("year", "date")).lower()
    has_doi = is_doi(normalised_doi(fields.get("doi", "")))
    unplaced = entry.entry_type == "article" and has_doi and not any(name in fields for name in _PLACE)
    unplaced = unplaced and not preprint_server(entry.entry_type, fields)[1]
    if not unplaced or "press" in when:
        return
    yield warning(
        entry.at("journaltitle" if "journaltitle" in fields else "journal"),
        "bib.online-first",
        f"the article '{entry.key}' has a DOI but no volume, issue or pages: the reference prints none, and APA "
        "wants them, or 'Advance online publication' for an article published online ahead of its issue",
        "add volume and pages as the record shows them, or pubstate = {Advance online publication}",
    )


_PAGES_PREFIX: Final = re.compile(r"(?:pp?\.|pages?)\s*(?=[0-9A-Za-z])", re.IGNORECASE)


def pages_without_prefix(pages: str) -> str:
    """The pages of a `pages` field written with "pp." or "p." before them ("pp. 12-34"), without it; or ""."""
    text = pages.replace("{", "").replace("}", "").strip()
    prefix = _PAGES_PREFIX.match(text)
    return text[prefix.end() :].replace("---", "\u2013").replace("--", "\u2013") if prefix else ""


# Editions described in words, as APA writes them (9.20: "Rev. ed."); an ordinal before "revised" ("2nd rev. ed.").
_EDITION_WORDS: Final = {
    "revised": "Rev.", "rev.": "Rev.", "rev": "Rev.", "updated": "Updated", "expanded": "Expanded",
    "enlarged": "Enlarged", "abridged": "Abridged", "special": "Special", "international": "International",
    "anniversary": "Anniversary", "student": "Student", "illustrated": "Illustrated",
}  # fmt: skip


def described_edition(value: str) -> str:
    """An edition written in words ("Revised", "Updated edition", "2nd revised") as APA writes it ("Rev. ed.",
    "Updated ed.", "2nd rev. ed."); "" for any other."""
    words = " ".join(value.replace("{", "").replace("}", "").split()).strip(". ").lower().split()
    if words and words[-1].strip(".") in ("ed", "edn", "edition"):
        words = words[:-1]
    if len(words) == 1 and words[0] in _EDITION_WORDS:
        return f"{_EDITION_WORDS[words[0]]} ed."
    number = edition_number(words[0]) if len(words) == 2 else ""
    if number and _EDITION_WORDS.get(words[1]) == "Rev.":
        return f"{number}{_suffix(int(number))} rev. ed."
    text = " ".join(value.replace("{", "").replace("}", "").split()).strip(". ")
    if text and len(words) == len(text.split()) and not edition_number(text) and "," not in text:
        return f"{text} ed."  # "Spring 2019" as APA writes an edition named so, "Spring 2019 ed."
    return ""
