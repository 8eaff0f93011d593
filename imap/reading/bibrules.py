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

from imap.model.diagnostics import Diagnostic, Location, Severity, error, note, warning
from imap.reading import bib_case, bib_exports, bib_fields, bib_kinds, bib_language
from imap.reading.bib_case import closing as _closing
from imap.reading.bib_strings import split_outside
from imap.reading.bib_values import (
    _SUFFIXES,
    FIRST_YEAR,
    PROJECT_FIELDS,
    STATUSES,
    VERBATIM,
    duplicates_doi,
    is_doi,
    is_url,
    normalised_doi,
    short,
    split_names,
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
            found.extend(_names(entry, name))
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
# Names


def _commas(name: str) -> list[str]:
    """The parts of a name between commas outside braces."""
    return split_outside(name, ",")


def _names(entry: Raw, field: str) -> Iterator[Diagnostic]:
    where = entry.at(field)
    names = split_names(entry.fields[field])
    what = f"the {field} list of '{entry.key}'"
    if len(names) == 1 and not names[0]:
        yield error(where, "bib.name", f"{what} is empty", "write the names, separated by 'and', or remove the field")
        return
    if any(not name for name in names):
        place = "ends with" if not names[-1] else "starts with" if not names[0] else "has a doubled"
        yield error(
            where,
            "bib.name",
            f"{what} {place} 'and' with no name beside it",
            "remove the stray 'and' (a reference manager may have lost a name there: check the record)",
        )
    others = [i for i, name in enumerate(names) if name.lower() == "others"]
    if others and others != [len(names) - 1]:
        yield error(where, "bib.name", f"{what} has 'others' before its end", "'and others' can only end a list")
    elif others:
        yield warning(
            where,
            "bib.authors-incomplete",
            f"{what} ends in 'and others': the reference will print 'et al.', which APA 7 does not use in a "
            "reference list",
            "list every author as the record shows them (APA names up to 20)",
        )
    noted = False
    for name in names:
        problem = _name_problem(where, what, name, _commas(name))
        if problem is None or (problem.severity is Severity.NOTE and noted):
            continue
        yield problem
        if problem.severity is not Severity.NOTE:
            break  # one problem of a list is named; a note (one at most) does not stop the reading
        noted = True


# Han, kana and Hangul: the scripts whose names are written family name first (and which citeproc does not initialise).
CJK: Final = ((0x1100, 0x11FF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
               (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))  # fmt: skip


def _cjk(word: str) -> bool:
    """Whether every character of a word is of those scripts."""
    return all(any(low <= ord(char) <= high for low, high in CJK) for char in word)


_EXTENDED_NAME: Final = re.compile(r"\s*(?:family|given|prefix|suffix|useprefix)(?:-i)?\s*=", re.IGNORECASE)


def _name_problem(where: Location, what: str, name: str, parts: list[str]) -> Diagnostic | None:
    """What one name of a list holds that the reference engine would print otherwise than meant, or None."""
    if len(parts) > 1 and not parts[-1]:
        return warning(
            where,
            "bib.name",
            f"{what} has a name that ends in a comma: '{short(name)}' (a name in two parts, or an organisation "
            "whose name holds 'and')",
            "write an organisation in double braces, such as {{National Institute for Health and Care Excellence}}",
        )
    if len(parts) == 1 and _VANCOUVER.fullmatch(name.strip()) and name.split()[-1].lower() not in _SUFFIXES:
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', which reads as the given name '{name.split()[0]}' and the family name "
            f"'{name.split()[-1]}' (initials after the family name, as PubMed writes them)",
            "write Family, Given: Johnson, M. W.",
        )
    extended = all(_EXTENDED_NAME.match(part) for part in parts)  # Better BibLaTeX's family=..., given=...
    if not extended and len(parts) == 3 and parts[1].lower() not in _SUFFIXES and parts[2].strip().lower() in _SUFFIXES:
        suffix, family, given = parts[2].strip(), parts[0].strip(), parts[1].strip()
        return error(
            where,
            "bib.name",
            f"{what} has '{short(name)}', its suffix last (as EndNote writes it): '{suffix}' would print as initials",
            f"write the suffix second: {family}, {suffix}, {given}",
        )
    if not extended and (len(parts) > 3 or (len(parts) == 3 and parts[1].lower() not in _SUFFIXES)):
        return error(
            where,
            "bib.name",
            f"{what} has names separated by commas: '{short(name)}'",
            "separate the names with 'and' (Family, Given and Family, Given)",
        )
    if "et al" in name.lower().replace("\\", ""):
        return warning(
            where,
            "bib.authors-incomplete",
            f"{what} has '{short(name)}': APA 7 does not use 'et al.' in a reference list, and the in-text "
            "citation would miss it",
            "list every author as the record shows them (APA names up to 20)",
        )
    if len(parts) == 2 and _CAPITALS.fullmatch(parts[0]):
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', its family name in capitals (as Web of Science writes names before "
            "about 2006): the reference prints it in capitals",
            "write the name as the work prints it: Keane, T. M.",
        )
    if len(parts) == 2 and _WOS_INITIALS.fullmatch(parts[1]):
        return note(
            where,
            "bib.name",
            f"{what} has '{short(name)}', its initials written together (as Web of Science writes them): the "
            f"reference prints them {'. '.join(parts[1])}.",
        )
    words = name.split() if len(parts) == 1 and not name.strip().startswith("{") else []
    if len(words) >= 3 and words[-1].lower().rstrip(".") in {s.rstrip(".") for s in _SUFFIXES}:
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', which reads as the family name '{words[-1]}': a suffix is written "
            "after the family name, with commas",
            f"write Family, Suffix, Given: {words[-2]}, {words[-1]}, {' '.join(words[:-2])}",
        )
    grouped = len(words) >= 2 and (words[-1].lower() in _GROUPS or "of" in words[1:-1] or "for" in words[1:-1])
    if any(word.isdigit() for word in words) or grouped:
        numbered = any(word.isdigit() for word in words)
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', which reads as a person's name but holds "
            f"{'a number, as DBLP marks namesakes' if numbered else 'an organisation'}: the reference would "
            f"print '{short(words[-1])}' as a family name",
            "leave out the number" if numbered else "write the organisation in double braces: {{" + short(name) + "}}",
        )
    if len(words) >= 2 and all(_cjk(word) for word in words):
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', a name in Chinese, Japanese or Korean script written without a comma: "
            f"BibTeX reads its last word, '{short(words[-1])}', as the family name, and the reference prints "
            f"'{short(words[-1] + ''.join(words[:-1]))}'",
            f"write Family, Given, as Zotero exports it: {words[0]}, {' '.join(words[1:])}",
        )
    if _NICKNAME.search(name):
        return note(
            where,
            "bib.name",
            f"{what} has '{short(name)}', with a nickname in quotes (as DBLP writes it): the reference leaves the "
            "nickname out, since it is neither a given nor a family name",
        )
    return None


# The last word of an organisation's name written without braces (Google Scholar's "American Psychiatric
# Association"), which BibTeX reads as a person's.
_GROUPS: Final = frozenset(
    {
        *("association", "organization", "organisation", "institute", "institutes", "society", "council", "team"),
        *("collaboration", "consortium", "group", "committee", "agency", "administration", "foundation", "trust"),
        *("department", "ministry", "office", "commission", "network", "board", "centre", "center", "service"),
        *("services", "alliance", "federation", "college", "academy", "authority", "corporation", "clinic", "school"),
        *("university", "hospital", "laboratory", "laboratories", "inc", "inc.", "company", "centers", "centres"),
    }
)
# A word in quotation marks within a name: DBLP's nickname ("Florian 'Floyd' Mueller"); linear (no quote or space
# inside the word, so each attempt ends at the next space).
_NICKNAME: Final = re.compile(
    r"(?:^|\s)(?:'[^'\s]+'|\"[^\"\s]+\"|``[^'\s]+''|[\u2018\u201c][^\u2019\u201d\s]+[\u2019\u201d])(?=\s|$)"
)
_WOS_INITIALS: Final = re.compile(r"[A-Z]{2,3}")
_CAPITALS: Final = re.compile(r"[A-Z][A-Z'-]{3,}")
_VANCOUVER: Final = re.compile(r"[A-Z][\w'-]+(?: [A-Z][\w'-]+)* [A-Z]{1,3}")


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
