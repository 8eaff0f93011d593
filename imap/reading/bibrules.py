"""The checks of one bibliography entry as written, before the reference engine (pandoc) reads it.

pandoc reads BibTeX and BibLaTeX well, but silently drops, guesses or mangles a few things that real exports from
reference managers contain: an `and others`, a stray `and`, names separated by commas, LaTeX commands it does not know,
impossible dates, a DOI written as an address, a url that is not one, and capitalised words that sentence case will
lower. Each is reported here with the line of its field, so nothing reaches the printed reference altered without a
diagnostic. The checks read the raw field values (braces and LaTeX as written) and run in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from imap.model.diagnostics import Diagnostic, Location, error, note, warning
from imap.reading import bib_exports
from imap.reading.bib_values import (
    _SUFFIXES,
    FIRST_YEAR,
    STATUSES,
    duplicates_doi,
    is_doi,
    is_url,
    normalised_doi,
    short,
    split_names,
    unescaped,
    url_of,
    valid_date,
    valid_year,
)

# Fields read verbatim (BibLaTeX's verbatim fields and the exports' file links): no LaTeX, no case.
VERBATIM: Final = frozenset({"url", "doi", "eprint", "file", "urlraw", "pdf", "verba", "verbb", "verbc"})
NAME_FIELDS: Final = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "holder")
DATE_FIELDS: Final = ("date", "urldate", "eventdate", "origdate")
# Fields the project writes for itself: never read as bibliographic text.
PROJECT_FIELDS: Final = frozenset({"verified", "unverified", "retracted"})

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
    found.extend(_title_case(entry))
    found.extend(bib_exports.check(entry))
    return found


# ---------------------------------------------------------------------------------------------------------------
# Names


def _commas(name: str) -> list[str]:
    """The parts of a name between commas outside braces."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in name:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


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
    for name in names:
        parts = _commas(name)
        if len(parts) > 1 and not parts[-1]:
            yield warning(
                where,
                "bib.name",
                f"{what} has a name that ends in a comma: '{short(name)}' (a name in two parts, or an organisation "
                "whose name holds 'and')",
                "write an organisation in double braces, such as {{National Institute for Health and Care Excellence}}",
            )
            break
        if len(parts) == 1 and _VANCOUVER.fullmatch(name.strip()) and name.split()[-1].lower() not in _SUFFIXES:
            yield warning(
                where,
                "bib.name",
                f"{what} has '{short(name)}', which reads as the given name '{name.split()[0]}' and the family name "
                f"'{name.split()[-1]}' (initials after the family name, as PubMed writes them)",
                "write Family, Given: Johnson, M. W.",
            )
            break
        if len(parts) > 3 or (len(parts) == 3 and parts[1].lower() not in _SUFFIXES):
            yield error(
                where,
                "bib.name",
                f"{what} has names separated by commas: '{short(name)}'",
                "separate the names with 'and' (Family, Given and Family, Given)",
            )
            break


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


def _urls(entry: Raw) -> Iterator[Diagnostic]:
    for name in ("url", "howpublished"):
        raw = entry.fields.get(name, "")
        if not raw or (name == "howpublished" and "\\url" not in raw):
            continue
        address = url_of(raw)
        if not is_url(address):
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


# ---------------------------------------------------------------------------------------------------------------
# Sentence case


def _unbraced_words(value: str) -> list[tuple[str, bool]]:
    """The words of a title outside braces and math, each with whether a sentence starts with it (the first word,
    or one after a colon, a question or exclamation mark, a full stop or a dash)."""
    words: list[tuple[str, bool]] = []
    depth = 0
    word = ""
    starts = True
    in_math = False
    for char in value + " ":
        if char == "$":
            in_math = not in_math
            continue
        if char == "{":
            depth += 1
            word = word + "\0" if word else word  # a word with a braced part is protected as a whole
            continue
        if char == "}":
            depth = max(depth - 1, 0)
            continue
        if depth or in_math:
            if word:
                word += "\0"
            continue
        if char.isspace() or char in ":?!.\u2014\u2013" or (char == "-" and not word):
            if word:
                words.append((word, starts))
                starts = False
            if char in ":?!.\u2014\u2013":
                starts = True
            word = ""
            continue
        word += char
    return words


_CAPITALISED: Final = re.compile(r"[A-Z][a-z\u00df-\u00ff]+(?:[-'\u2019][A-Za-z\u00c0-\u00ff]+)*")


def _title_case(entry: Raw) -> Iterator[Diagnostic]:
    title = entry.fields.get("title", "")
    if not title or entry.fields.get("langid", "english").lower() not in ("english", "american", "british", "en"):
        return
    words = [(w.lstrip("(\"'\u201c\u2018"), starts) for w, starts in _unbraced_words(_COMMAND.sub(" ", title))]
    inner = [w for w, starts in words if not starts and "\0" not in w and len(w) > 3 and w[0].isalpha()]
    capitalised = [w for w in inner if _CAPITALISED.fullmatch(w.rstrip(",;)'\"\u201d\u2019"))]
    lower = [w for w in inner if w[0].islower()]
    if _braced_in_title_case(title):
        yield warning(
            entry.at("title"),
            "bib.title-case",
            f"the whole title of '{entry.key}' is braced, as Mendeley exports titles: it keeps its capitals, so it "
            "cannot be printed in APA sentence case",
            "remove the outer braces, and brace only names and acronyms, such as {PTSD}",
        )
        return
    braced = _BRACED_CAPITAL.findall(title)
    if len(braced) >= 3 and len(braced) + len(capitalised) > len(lower):
        yield warning(
            entry.at("title"),
            "bib.title-case",
            f"the title of '{entry.key}' braces capitalised words one by one ({', '.join(braced[:3])}), as Zotero's "
            "own BibTeX export does with every capitalised word: braced words keep their capitals, so unless they are "
            "all names the title will not be printed in APA sentence case",
            "keep the braces around names and acronyms only, such as {PTSD} or {Veterans Affairs}",
        )
        return
    # A title in title case capitalises most of its words; one in sentence case capitalises only names.
    if capitalised and len(capitalised) < len(lower):
        shown = ", ".join(f"'{w.rstrip(',;)')}'" for w in capitalised[:5])
        yield warning(
            entry.at("title"),
            "bib.title-case",
            f"the title of '{entry.key}' is in sentence case but capitalises {shown}: APA sentence case will print "
            "them in lower case",
            "brace names and acronyms to keep their capitals, such as {Veterans Affairs}",
        )


_BRACED_CAPITAL: Final = re.compile(r"\{[A-Z][a-z\u00df-\u00ff]+\}")


def _braced_in_title_case(title: str) -> bool:
    """Whether the whole title is one braced group (as Mendeley exports it) and in title case inside."""
    whole = title.strip()
    if len(whole) <= 2 or whole[0] != "{" or _closing(whole) != len(whole) - 1:
        return False
    words = [
        w.lstrip("(\"'\u201c\u2018") for w, starts in _unbraced_words(_COMMAND.sub(" ", whole[1:-1])) if not starts
    ]
    long = [w for w in words if "\0" not in w and len(w) > 3 and w[0].isalpha()]
    capitals = sum(1 for w in long if w[0].isupper())
    return capitals >= 3 and capitals > len(long) / 2


def _closing(text: str) -> int:
    """Where the brace that opens the text closes (-1 if it does not)."""
    depth = 0
    for index, char in enumerate(text):
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0:
            return index
    return -1
