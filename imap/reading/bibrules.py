"""The checks of one bibliography entry as written, before the reference engine (pandoc) reads it.

pandoc reads BibTeX and BibLaTeX well, but silently drops, guesses or mangles a few things that real exports from
reference managers contain: an `and others`, a stray `and`, names separated by commas, LaTeX commands it does not know,
impossible dates, a DOI written as an address, a url that is not one, and capitalised words that sentence case will
lower. Each is reported here with the line of its field, so nothing reaches the printed reference altered without a
diagnostic. The checks read the raw field values (braces and LaTeX as written) and run in linear time."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from imap.model.diagnostics import Diagnostic, Location, error, note, warning
from imap.reading import bib_case, bib_exports, bib_fields, bib_kinds, bib_language, bib_names
from imap.reading.bib_case import closing as _closing
from imap.reading.bib_values import (
    FIRST_YEAR,
    PROJECT_FIELDS,
    STATUSES,
    VERBATIM,
    duplicates_doi,
    is_doi,
    is_url,
    normalised_doi,
    short,
    unescaped,
    url_reading,
    valid_date,
    valid_year,
)

NAME_FIELDS: Final = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "holder")
DATE_FIELDS: Final = ("date", "urldate", "eventdate", "origdate")

# The LaTeX the reference engine turns into text (checked by a test that gives each of them to pandoc): accents,
# special letters and signs, text styles and the commands reference managers write.
KNOWN_COMMANDS: Final = frozenset(
    {
        # accents (\"u, \'e, \c{c}, \v{s}, ...)
        *"'`^\"~=.uvHcdbtrk",
        # letters and signs
        *("ss", "o", "O", "ae", "AE", "oe", "OE", "aa", "AA", "l", "L", "i", "j"),
        *("&", "%", "$", "_", "#", "{", "}", ",", "-", "/", " ", "@", "\\"),
        *("textquoteleft", "textquoteright", "textquotedblleft", "textquotedblright", "textasciitilde"),
        *("textbackslash", "textless", "textgreater", "textbullet", "textdegree", "ldots", "dots", "S", "P"),
        *("copyright", "textregistered", "textsection", "textmu", "guillemotleft", "guillemotright", "euro", "pounds"),
        *("slash", "textendash", "textemdash"),
        # styles
        *("textit", "emph", "textbf", "textsc", "textsuperscript", "textsubscript", "textup", "textsl", "textrm"),
        *("textsf", "texttt", "textnormal", "mkbibquote", "mkbibemph", "mkbibitalic", "mkbibbold", "enquote"),
        *("url", "href", "it", "bf", "em", "rm", "tt", "ensuremath"),
    }
)

_COMMAND: Final = re.compile(r"\\([A-Za-z]+|.)")


@dataclass(frozen=True)
class Raw:
    """One entry as written: its key and type, its fields' raw values (lower-case names) and each field's line."""

    path: str
    key: str
    entry_type: str
    fields: Mapping[str, str]
    lines: Mapping[str, int]
    line: int

    def at(self, name: str) -> Location:
        return Location(self.path, self.lines.get(name, self.line))


def check(entry: Raw) -> list[Diagnostic]:
    """Every problem of one entry as written."""
    found: list[Diagnostic] = []
    for name in NAME_FIELDS:
        if name in entry.fields:
            found.extend(bib_names.check(entry, name))
    found.extend(_latex(entry))
    found.extend(_dates(entry))
    found.extend(_doi(entry))
    found.extend(_urls(entry))
    foreign = bib_language.written_in(entry.fields)  # the language an entry without langid looks written in
    found.extend(bib_case.check(entry, foreign[0]))
    found.extend(bib_kinds.check(entry))
    found.extend(bib_fields.check(entry))
    found.extend(bib_exports.check(entry, foreign))
    return found


# ---------------------------------------------------------------------------------------------------------------
# LaTeX


def _outside_math(value: str) -> str:
    """The text without its $...$ math (whose commands pandoc's math reader handles)."""
    kept: list[str] = []
    in_math = False
    previous = ""
    for char in value:
        if char == "$" and previous != "\\":
            in_math = not in_math
        elif not in_math:
            kept.append(char)
        previous = char if previous != "\\" or char != "\\" else ""
    return "".join(kept)


def _latex(entry: Raw) -> Iterator[Diagnostic]:
    for name, value in entry.fields.items():
        if name in VERBATIM or name in PROJECT_FIELDS or "\\" not in value:
            continue
        unknown = sorted(
            {"\\" + m.group(1) for m in _COMMAND.finditer(_outside_math(value)) if m.group(1) not in KNOWN_COMMANDS}
        )
        if unknown:
            yield error(
                entry.at(name),
                "bib.latex",
                f"the {name} of '{entry.key}' uses {', '.join(unknown)}, which the reference engine does not know and "
                "would drop",
                "write the text itself (Unicode is fine), or a command from the list in the content model",
            )


# ---------------------------------------------------------------------------------------------------------------
# Dates


def _dates(entry: Raw) -> Iterator[Diagnostic]:
    if "year" in entry.fields and not valid_year(entry.fields["year"]):
        yield error(
            entry.at("year"),
            "bib.year",
            f"entry '{entry.key}' has an impossible year '{short(entry.fields['year'])}'",
            f"a publication year between {FIRST_YEAR} and next year, or one of: {', '.join(STATUSES)}",
        )
    for name in DATE_FIELDS:
        if name in entry.fields and not valid_date(entry.fields[name].strip("{}")):
            yield error(
                entry.at(name),
                "bib.date",
                f"entry '{entry.key}' has an impossible {name} '{short(entry.fields[name])}'",
                "a real date written YYYY, YYYY-MM or YYYY-MM-DD (a season as month 21 to 24, circa with ~), or a "
                "range written with / (an open end left empty: 2004/)",
            )


# ---------------------------------------------------------------------------------------------------------------
# DOIs and addresses


def _doi(entry: Raw) -> Iterator[Diagnostic]:
    if "doi" not in entry.fields:
        return
    written = entry.fields["doi"].strip()
    while written.startswith("{") and written.endswith("}") and _closing(written) == len(written) - 1:
        written = written[1:-1].strip()  # {{10.1002/jts.22399}}: Web of Science braces every field twice
    doi = normalised_doi(written)
    if not is_doi(doi):
        yield error(
            entry.at("doi"),
            "bib.doi",
            f"entry '{entry.key}' has a DOI that is not a DOI: '{short(written)}'",
            "a DOI looks like 10.1016/j.brat.2005.01.001; remove the field if there is none",
        )
    elif doi != written:
        plain = unescaped(written)
        how = " and ".join(
            what for what, present in (("a prefix", plain != doi), ("LaTeX escapes", plain != written)) if present
        )
        yield note(
            entry.at("doi"),
            "bib.doi-prefix",
            f"the DOI of '{entry.key}' is written with {how}; the reference uses {doi}",
        )


_READ_AS: Final = {
    "several": "holds several addresses, one per line (as EndNote writes them)",
    "spaces": "holds spaces",
    "doi": "is a DOI, not an address",
    "scheme": "is written without https://",
}


def _urls(entry: Raw) -> Iterator[Diagnostic]:
    for name in ("url", "howpublished"):
        raw = entry.fields.get(name, "")
        if not raw or (name == "howpublished" and "\\url" not in raw):
            continue
        address, how = url_reading(raw)
        if how:
            yield warning(
                entry.at(name),
                "bib.url",
                f"the {name} of '{entry.key}' " + _READ_AS[how] + f": the reference prints {address[:200]}",
                "write one full address, starting with https://, with %20 for a space",
            )
        elif not is_url(address):
            yield error(
                entry.at(name),
                "bib.url",
                f"the {name} of '{entry.key}' is not a web address: '{short(address)}'",
                "a full address starting with https:// (or remove the field)",
            )
        elif name == "url" and duplicates_doi(entry.fields):
            yield note(
                entry.at("url"),
                "bib.duplicate-url",
                f"the url of '{entry.key}' is its DOI's address; the reference prints it once, as the DOI",
            )
        elif name == "url" and address != raw.strip():
            yield note(
                entry.at("url"),
                "bib.url-escaped",
                f"the url of '{entry.key}' is written with LaTeX escapes; the reference uses {short(address)}",
            )
