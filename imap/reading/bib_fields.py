"""Fields that pandoc's reader drops or reads otherwise than exports mean them, read as meant: an article's issue in
BibLaTeX's `issue` (as APA PsycNet exports it), a preprint's identifier on a server other than arXiv, an article
number of a paper in proceedings, a year and a date that disagree, a retraction or a registration number written in
a note, an addendum. The reference engine's fix-ups (imap.citing.fixups, engine.lua) print what can be printed as APA
7 does; the checks here name each change, and each field the reference does not print, at its line. Part of the
checks of imap.reading.bibrules."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from imap.model.diagnostics import Diagnostic, note, warning
from imap.reading.bib_exports import Entry
from imap.reading.bib_values import EID_FIELDS, plain, short, url_of

# An issue's number as journals print it: 2, 1-2, 3/4, S1, Suppl 2, Suppl. 1, Special Issue 2 is not one.
_ISSUE_NUMBER: Final = re.compile(
    r"(?:[Ss]uppl?(?:ement)?\.?\s?)?[A-Za-z]?[0-9]{1,5}[A-Za-z]?(?:\s?[-/\u2013]{1,2}\s?[0-9]{1,5})?"
)
_RANGE_DASH: Final = re.compile(r"(?<=[0-9])\s?(?:--|-|\u2013)\s?(?=[0-9])")
# A month as exports write it, and the abbreviation pandoc reads (it reads jan or 1, not January or sept.).
MONTHS: Final = {
    name: name[:3]
    for name in ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                 "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                 "dec")
}  # fmt: skip


def issue(entry_type: str, fields: Mapping[str, str]) -> tuple[str, str]:
    """The issue an article prints, where pandoc's reader does not print it as meant (an issue in `issue`, which it
    drops alone and joins to `number` otherwise; a range written with a hyphen), and the text of `issue` it leaves
    out: ("", "") when there is nothing to change. `fields` as the checks read them (LaTeX read)."""
    if entry_type != "article":
        return "", ""
    number = plain(fields.get("number", ""))
    written = plain(fields.get("issue", ""))
    if written and not number:
        return (_RANGE_DASH.sub("\u2013", written), "") if _ISSUE_NUMBER.fullmatch(written) else ("", written)
    if written:
        return _RANGE_DASH.sub("\u2013", number), written
    return (_RANGE_DASH.sub("\u2013", number), "") if _RANGE_DASH.search(number) else ("", "")


# Servers whose preprints (and other works) an identifier in `eprint` names, and the address it has there; arXiv's
# is imap.citing.fixups's. PsyArXiv, SocArXiv and the other OSF servers share OSF's identifiers.
_OSF_ID: Final = re.compile(r"[a-z0-9]{5,8}(?:_v[0-9]{1,3})?")
_HANDLE: Final = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})*/[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+){0,20}")
_EPRINT_ADDRESSES: Final = {
    **dict.fromkeys(("psyarxiv", "osf", "osf preprints", "socarxiv", "edarxiv", "metaarxiv", "sportrxiv"),
                    ("https://osf.io/{}", _OSF_ID)),
    "hdl": ("https://hdl.handle.net/{}", _HANDLE),
    "handle": ("https://hdl.handle.net/{}", _HANDLE),
    "jstor": ("https://www.jstor.org/stable/{}", re.compile(r"[0-9]{1,12}")),
}  # fmt: skip
# Identifiers APA does not print: the reference needs no address made from them.
_UNPRINTED_EPRINTS: Final = frozenset({"pubmed", "pmid", "pmcid", "pmc", "googlebooks", "arxiv"})


def eprint_address(fields: Mapping[str, str]) -> str:
    """The address of a work given by its server and identifier (`eprinttype = {PsyArXiv}`, `eprint = {u9z2k}`),
    or "" when the server is not one the engine knows or the identifier is not one."""
    server = plain(fields.get("eprinttype") or fields.get("archiveprefix") or "").lower()
    identifier = plain(fields.get("eprint", ""))
    address, form = _EPRINT_ADDRESSES.get(server, ("", None))
    return address.format(identifier) if form is not None and form.fullmatch(identifier) else ""


def check(entry: Entry) -> Iterator[Diagnostic]:
    """Each field pandoc's reader drops or reads otherwise, with what the reference prints."""
    fields = {name: plain(value) for name, value in entry.fields.items()}
    yield from _issue(entry, fields)
    yield from _eprint(entry, fields)
    yield from _dates(entry, fields)
    yield from _notes(entry, fields)
    eid = next((name for name in EID_FIELDS if fields.get(name)), "")
    if eid and entry.entry_type in ("inproceedings", "incollection", "inbook", "conference"):
        number = short(fields[eid])
        yield (
            warning(
                entry.at(eid),
                "bib.article-number",
                f"'{entry.key}' has pages and the article number {number}: the reference prints the pages only",
                "keep the one the record shows",
            )
            if fields.get("pages")
            else note(
                entry.at(eid),
                "bib.article-number",
                f"'{entry.key}' has the article number {number}: the reference prints '(Article {number})' after the "
                "book's title, where a chapter's pages go",
            )
        )
    if fields.get("booksubtitle") and fields.get("maintitle") and not fields.get("mainsubtitle"):
        yield note(
            entry.at("booksubtitle"),
            "bib.booksubtitle",
            f"the booksubtitle of '{entry.key}' belongs to its booktitle: the reference prints it there only, where "
            "the reference engine also added it to the maintitle",
        )


def _issue(entry: Entry, fields: Mapping[str, str]) -> Iterator[Diagnostic]:
    printed, left_out = issue(entry.entry_type, fields)
    number = fields.get("number", "")
    if left_out and number:
        yield warning(
            entry.at("issue"),
            "bib.issue",
            f"'{entry.key}' has both a number, {short(number)}, and an issue, '{short(left_out)}': the reference "
            f"prints the number as the issue, ({short(number)}), and leaves '{short(left_out)}' out",
            "keep the issue's number in number; APA prints an article's volume and issue number only",
        )
    elif left_out:
        yield warning(
            entry.at("issue"),
            "bib.issue",
            f"the issue of '{entry.key}', '{short(left_out)}', is not an issue's number, and the reference does not "
            "print it: APA prints an article's volume and issue number",
            "write the issue's number in number; a season belongs in the date: month = {Winter}, or date = 2016-24",
        )
    elif printed and "issue" in fields:
        yield note(
            entry.at("issue"),
            "bib.issue",
            f"the issue of '{entry.key}' is written in issue (as APA PsycNet and BibLaTeX write it), which the "
            f"reference engine would drop: the reference prints it as the issue, ({printed})",
        )
    if entry.entry_type == "article" and number.lower().rstrip(".") in MONTHS:
        yield warning(
            entry.at("number"),
            "bib.issue",
            f"the number of '{entry.key}', '{short(number)}', is a month (as Mendeley exports one): the reference "
            f"prints it as the issue, ({short(number)})",
            "write the month in month, and the issue's number, if it has one, in number",
        )


def _eprint(entry: Entry, fields: Mapping[str, str]) -> Iterator[Diagnostic]:
    server = (fields.get("eprinttype") or fields.get("archiveprefix") or "").lower()
    if not fields.get("eprint") or server in _UNPRINTED_EPRINTS or fields.get("url") or fields.get("doi"):
        return
    address = eprint_address(fields)
    if address:
        yield note(
            entry.at("eprint"),
            "bib.eprint",
            f"'{entry.key}' is given by its identifier on {short(server)}: the reference prints its address, {address}",
        )
    else:
        yield warning(
            entry.at("eprint"),
            "bib.eprint",
            f"the eprint of '{entry.key}', '{short(fields['eprint'])}'"
            f"{f' on {short(server)}' if server else ''}, is not printed: the reference engine makes an address only "
            "from an identifier on arXiv, the OSF servers (PsyArXiv, SocArXiv), a handle or JSTOR",
            "add the work's address in url (or its DOI in doi)",
        )


_YEAR: Final = re.compile(r"[0-9]{4}")


def _dates(entry: Entry, fields: Mapping[str, str]) -> Iterator[Diagnostic]:
    year, date = _YEAR.match(fields.get("year", "")), _YEAR.match(fields.get("date", ""))
    if year is not None and date is not None and year.group(0) != date.group(0):
        yield warning(
            entry.at("year"),
            "bib.date",
            f"'{entry.key}' has the year {year.group(0)} and the date {short(fields['date'])}: the reference prints "
            f"the date's year, {date.group(0)}, and leaves the year out",
            "keep the one the record shows",
        )
    month = fields.get("month", "").lower().rstrip(".")
    if month and month not in MONTHS and not (month.isdigit() and 1 <= int(month) <= 12):
        yield warning(
            entry.at("month"),
            "bib.date",
            f"the month of '{entry.key}', '{short(fields['month'])}', is not a month the reference engine reads, so "
            "the reference does not print it",
            "write the month's number or name, as in month = 3 or month = mar; a season goes in the date, as in "
            "date = 2020-21 for spring (22 summer, 23 autumn, 24 winter)",
        )


_REPRINTED: Final = re.compile(r"\s*reprinted (?:from|in)\b", re.IGNORECASE)
_RETRACTION: Final = re.compile(r"\bretract(?:ed|ion|s)?\b", re.IGNORECASE)
_REGISTRATION: Final = re.compile(
    r"\b(?:NCT[0-9]{8}|ISRCTN[0-9]{8}|ACTRN[0-9]{14}|DRKS[0-9]{8}|ChiCTR[-0-9A-Za-z]{6,20}|CTRI/[0-9/]{6,20}|"
    r"EUCTR[-0-9A-Za-z]{6,25}|[0-9]{4}-[0-9]{6}-[0-9]{2})\b"
)


_PACKAGE_VERSION: Final = re.compile(r"(?:R|Python) package version ([0-9][0-9A-Za-z.-]{0,30})\.?")


def package_version(fields: Mapping[str, str]) -> str:
    """The version of an R or Python package that its own citation() export writes in a note ("R package version
    2.3.3"), or ""."""
    found = _PACKAGE_VERSION.fullmatch(plain(fields.get("note", "")))
    return found.group(1) if found and not plain(fields.get("version", "")) else ""


# Fields pandoc's citeproc does not print, that an author may expect to see (BibLaTeX's own), and what to do.
_ABBREVIATION: Final = "APA gives a group's abbreviation in the text, at its first citation: write it there"
_RELATED: Final = (
    "write the reviewed or related work in the title, in brackets: [Review of the book Title, by A. Author]"
)
_UNPRINTED: Final = {
    "shorthand": _ABBREVIATION,
    "shortauthor": _ABBREVIATION,
    "related": _RELATED,
    "relatedtype": _RELATED,
    "origtitle": "give the original's year in origdate: APA prints '(Original work published 1946)' only",
}


def _notes(entry: Entry, fields: Mapping[str, str]) -> Iterator[Diagnostic]:
    """A note is never printed (nor published): named where it says what the reference should show."""
    text = fields.get("note", "")
    version = package_version(fields)
    if version:
        yield note(
            entry.at("note"),
            "bib.note",
            f"the note of '{entry.key}' gives the package's version, as R's citation() writes it: the reference "
            f"prints it as software, '(Version {version}) [Computer software]' (APA 10.10)",
        )
    if _REPRINTED.match(text):
        yield warning(
            entry.at("note"),
            "bib.note",
            f"the note of '{entry.key}' says where the work was reprinted from, and a note is never printed",
            "cite the work where you read it, and give the original's year in origdate",
        )
    for name, advice in _UNPRINTED.items():
        if fields.get(name):
            yield warning(
                entry.at(name),
                "bib.note",
                f"the {name} of '{entry.key}' is not used by the reference engine: the reference and its citations "
                "do not show it",
                advice,
            )
    role = fields.get("editortype", "").lower()
    if fields.get("editor") and role in _EDITOR_AS_EDITOR:
        yield warning(
            entry.at("editortype"),
            "bib.note",
            f"the editor of '{entry.key}' is a {role}, which the reference prints as an editor, '(Ed.)'",
            "leave out editortype if the work names them editors",
        )
    for name in ("editora", "editorb", "editorc"):
        if fields.get(name):
            yield warning(entry.at(name), "bib.note", f"the {name} of '{entry.key}' is not printed", "write the names "
                          "the reference must show as author, editor or translator")  # fmt: skip
    if entry.entry_type in ("online", "www") and (fields.get("edition") or fields.get("version")):
        name = "edition" if fields.get("edition") else "version"
        yield warning(
            entry.at(name),
            "bib.note",
            f"the {name} of '{entry.key}' is not printed: APA's web page has no {name}",
            "make a reference work with an edition @book (with its url), and a versioned program @software",
        )
    if _RETRACTION.search(text) and not fields.get("retracted"):
        yield warning(
            entry.at("note"),
            "bib.note",
            f"the note of '{entry.key}' says the work was retracted, and a note is never printed: the reference and "
            "its citations would not show the retraction",
            "write the retraction notice in retracted = {...}, which every page that cites the work shows",
        )
    registration = _REGISTRATION.search(text)
    where = (fields.get("url", "") + url_of(entry.fields.get("howpublished", "")) + fields.get("title", "")).lower()
    if registration and entry.entry_type in _RECORDS and registration.group(0).lower() not in where:
        yield warning(
            entry.at("note"),
            "bib.note",
            f"the note of '{entry.key}' gives the registration number {registration.group(0)}, and a note is never "
            "printed: the reference would not show it",
            "add the registry's address of the record in url, which holds the number",
        )
    if fields.get("addendum"):
        yield warning(
            entry.at("addendum"),
            "bib.note",
            f"the addendum of '{entry.key}', '{short(fields['addendum'])}', is not printed",
            "write what the reference must show in its own field: a date of update in date, a number in number",
        )


# BibLaTeX's roles for an editor that pandoc prints as an editor ("Ed.").
_EDITOR_AS_EDITOR: Final = frozenset({"compiler", "founder", "continuator", "redactor", "reviser", "collaborator"})
# Entry types that may be a trial's registration record (a web page, a data set, a document).
_RECORDS: Final = frozenset({"online", "www", "misc", "electronic", "dataset", "report", "techreport", "unpublished"})
