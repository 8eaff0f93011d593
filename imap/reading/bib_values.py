"""Values of bibliography fields as written: DOIs (with or without an address in front), web addresses (parsed,
in linear time), dates and years, and names split on 'and' outside braces."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

# Fields read verbatim (BibLaTeX's verbatim fields and the exports' file links): no LaTeX, no case.
VERBATIM: Final = frozenset({"url", "doi", "eprint", "file", "urlraw", "pdf", "verba", "verbb", "verbc"})
# Fields the project writes for itself: never read as bibliographic text.
PROJECT_FIELDS: Final = frozenset({"verified", "unverified", "retracted"})

# What a `year` may say instead of a year (printed as APA's status in place of the date).
STATUSES: Final = ("in press", "forthcoming", "submitted", "in preparation")


FIRST_YEAR: Final = 1700


_DOI: Final = re.compile(r"10\.[0-9]{4,9}/\S+")


_DOI_PREFIX: Final = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


_URL_MACRO: Final = re.compile(r"\\url\{([^{}]*)\}")


# A date as BibLaTeX writes it (EDTF levels 0 and 1, as far as pandoc reads them): YYYY, YYYY-MM or YYYY-MM-DD; a
# season for the month (21 spring, 22 summer, 23 autumn, 24 winter: Better BibTeX writes "Winter 2016" as 2016-24);
# a time after a full date (dropped, as CSL has none); and ~ (circa) or ? (uncertain) after it. EDTF's % (both) is
# left out: in a BibTeX file it starts a comment.
_DATE: Final = re.compile(
    r"(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"
    r"[~?]?"
)
_SEASONS: Final = range(21, 25)


_YEAR: Final = re.compile(r"[0-9]{4}")


_SUFFIXES: Final = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})


def normalised_doi(value: str) -> str:
    """The DOI alone, without an address or 'doi:' in front of it (what the reference prints after https://doi.org/),
    and without the LaTeX escapes a reference manager may write into it (`{\\_}`, `\\_`, `\\%`)."""
    value = unescaped(value.strip())
    match = _DOI_PREFIX.match(value)
    return value[match.end() :].strip() if match else value


def unescaped(value: str) -> str:
    """An address or a DOI as meant, where an export escaped it as LaTeX text (Mendeley writes `10.1016/j.x.{\\_}001`
    and `a\\%20b`): braces dropped, and the escaped characters as themselves. Such fields are read verbatim, so
    the escapes would otherwise be printed, and the address broken."""
    if "\\" not in value and "{" not in value and "}" not in value:
        return value
    value = _UNDERSCORE.sub("_", value.replace("{", "").replace("}", ""))
    return _ESCAPED.sub(r"\1", value)


_ESCAPED: Final = re.compile(r"\\([_%&#$~])")
_UNDERSCORE: Final = re.compile(r"\\textunderscore ?")


def is_doi(value: str) -> bool:
    return _DOI.fullmatch(value) is not None


def url_of(raw: str) -> str:
    """The address in a url field, or in a \\url{...} (howpublished), without LaTeX escapes (see `unescaped`); of
    several, one per line as EndNote writes them ("<Go to ISI>://WOS:..." and an address), the first that is an
    address; one written without its scheme (osf.io/abcde), with https:// (see `url_reading`)."""
    return url_reading(raw)[0]


def url_reading(raw: str) -> tuple[str, str]:
    """The address a url field is read as, and how, where it is not as written: "several" (the first address of
    several, one per line as EndNote writes them), "spaces" (spaces in it written %20, as a browser sends them),
    "doi" (a DOI written as the url, as its address), "scheme" (https:// added to a host name) or "" (as written,
    LaTeX escapes aside)."""
    match = _URL_MACRO.search(raw)
    written = unescaped((match.group(1) if match else raw).strip())
    if is_url(written) or not written:
        return written, ""
    lines = [line.strip() for line in written.splitlines() if line.strip()]
    first = next((line for line in lines if is_url(line)), "") if len(lines) > 1 else ""
    if first:
        return first, "several"
    if (
        len(lines) == 1
        and is_url(written.replace(" ", "%20"))
        and written.split()[0].startswith(("http://", "https://"))
    ):
        return written.replace(" ", "%20"), "spaces"
    doi = normalised_doi(written)
    if is_doi(doi):
        return "https://doi.org/" + doi, "doi"
    with_scheme = "https://" + written
    if "://" not in written and is_url(with_scheme) and _HOST_NAME.fullmatch(with_scheme.split("/")[2]):
        return with_scheme, "scheme"
    return written, ""


# A host name with a dot and a letter in its last label (osf.io, www.example.org), not a DOI (10.1037).
_HOST_NAME: Final = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z][A-Za-z0-9-]*")


# What EndNote and some converters write in `type` on every entry: the kind of reference, which is not a description
# of the work ("[Journal Article]"); a thesis's or a report's own type ("PhD thesis", "Working paper") is.
REFERENCE_KINDS: Final = frozenset(
    {
        "journal article", "electronic article", "magazine article", "newspaper article", "book", "edited book",
        "electronic book", "book section", "electronic book section", "conference paper", "conference proceedings",
        "generic", "web page", "article", "misc", "online", "inbook", "incollection", "inproceedings",
        # Web of Science's document types, joined with ";" on a record ("Article; Early Access")
        "review", "editorial material", "proceedings paper", "early access", "book chapter", "letter",
        "meeting abstract", "note", "correction", "book review", "data paper", "retracted publication",
        # PsycINFO's publication types, as EndNote imports them from Ovid and EBSCO
        "journal", "peer reviewed journal", "peer-reviewed journal", "empirical study",
        "quantitative study", "qualitative study", "literature review", "systematic review", "meta analysis",
        "clinical trial", "randomized controlled trial", "authored book", "chapter",
        "dissertation abstract",
    }
)  # fmt: skip


def reference_kind(value: str) -> bool:
    """Whether a `type` field names the kind of reference rather than describing the work (every part of it, where
    Web of Science and PsycINFO join several with ';')."""
    parts = [" ".join(part.split()).lower() for part in value.replace("{", "").replace("}", "").split(";")]
    return all(parts) and all(part in REFERENCE_KINDS for part in parts)


_ORDINALS: Final = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    "twentieth",
)  # fmt: skip
_EDITION: Final = re.compile(r"([1-9][0-9]{0,2})(?:st|nd|rd|th)?(?:\s*(?:ed\.?|edn\.?|edition))?", re.IGNORECASE)


def edition_number(value: str) -> str:
    """An edition written as a word or an ordinal ("Second", "2nd ed.") as its number, which the style prints as
    "2nd ed."; "" for an edition written otherwise (printed as written, "Rev. ed.")."""
    text = " ".join(value.replace("{", "").replace("}", "").split()).strip(". ")
    words = text.lower().split()
    if words and words[0] in _ORDINALS and all(w.strip(".") in ("ed", "edn", "edition") for w in words[1:]):
        return str(_ORDINALS.index(words[0]) + 1)
    match = _EDITION.fullmatch(text)
    return match.group(1) if match else ""


def revised_edition(value: str) -> str:
    """An edition with a revision after it, as the DSM's is written ("5th, text rev.", "Fourth edition, text
    revision"), as APA writes it ("5th ed., text rev."); or ""."""
    text = " ".join(value.replace("{", "").replace("}", "").split())
    edition, _, revision = text.partition(",")
    number = edition_number(edition)
    if not number or not _REVISION.fullmatch(revision.strip()):
        return ""
    last = int(number) % 10 if int(number) % 100 not in (11, 12, 13) else 0
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(last, 'th') } ed., text rev."


_REVISION: Final = re.compile(r"text\s+rev(?:\.|ision)?", re.IGNORECASE)


# An article number written where the pages go, as exports of PLOS ("e0266123"), Frontiers ("906639"), Elsevier
# ("104069") and Taylor & Francis ("2297536") articles write it: an e and digits, or five digits or more and no range
# (no journal's single page runs to 10,000), or a Cochrane review's (CD003388). A shorter number may be a page:
# BibLaTeX's eid says it is not (Scopus writes art_number, Web of Science Article-Number: read as eid).
_ARTICLE_NUMBER: Final = re.compile(r"[eE][0-9]+|[0-9]{5,}|CD[0-9]{6}")


# Where exports write an article's number: BibLaTeX's eid, Scopus's art_number, Web of Science's Article-Number.
EID_FIELDS: Final = ("eid", "art_number", "article-number", "articleno")


def article_number(pages: str) -> str:
    """The article number a `pages` field holds instead of pages, or ""."""
    text = pages.replace("{", "").replace("}", "").strip()
    return text if _ARTICLE_NUMBER.fullmatch(text) else ""


def is_url(value: str) -> bool:
    """A web address: http(s), a host name with a dot in it (or localhost), no spaces. Parsed, not matched, so that
    any text is read in linear time."""
    if not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        _ = parts.port  # a port that is not a number is an error
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and ("." in host.strip(".") or host == "localhost")


def split_names(raw: str) -> list[str]:
    """The names of a list, split at each 'and' outside braces (the empty string where an 'and' has no name beside
    it). A single pass over the text."""
    names: list[str] = []
    words: list[str] = []
    depth = 0
    word = ""
    for char in raw + " ":
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char.isspace() and depth == 0:
            if word:
                if word.lower() == "and":
                    names.append(" ".join(words))
                    words = []
                else:
                    words.append(word)
                word = ""
            continue
        word += char
    names.append(" ".join(words))
    return names


def _last_year() -> int:
    return datetime.date.today().year + 1


def valid_date(value: str) -> bool:
    """A real date (YYYY, YYYY-MM, YYYY-MM-DD, a season, a time, circa or uncertain: see _DATE), or a range of two
    with '/' whose end may be open (written empty: pandoc drops a date whose end is '..')."""
    ends = value.strip().split("/")
    if len(ends) > 2:
        return False
    return all(_valid_single(end) or (len(ends) == 2 and end == "" and ends[0] != "") for end in ends)


def _valid_single(value: str) -> bool:
    match = _DATE.fullmatch(value.strip())
    if not match:
        return False
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    if not FIRST_YEAR <= year <= _last_year():
        return False
    if month is not None and int(month) in _SEASONS:
        return day is None
    if month is not None and not 1 <= int(month) <= 12:
        return False
    return day is None or 1 <= int(day) <= calendar.monthrange(year, int(month or 1))[1]


def valid_year(value: str) -> bool:
    text = value.strip().strip("{}").strip()
    if text.lower() in STATUSES:
        return True
    return _YEAR.fullmatch(text) is not None and FIRST_YEAR <= int(text) <= _last_year()


def duplicates_doi(fields: Mapping[str, str]) -> bool:
    """Whether the url is the DOI's own address (printed once, as the DOI)."""
    doi = normalised_doi(fields.get("doi", ""))
    url = url_of(fields.get("url", ""))
    return (
        bool(doi) and is_doi(doi) and _DOI_PREFIX.match(url) is not None and normalised_doi(url).lower() == doi.lower()
    )


def plain(value: object) -> str:
    """A value's text without braces, its spaces joined."""
    return " ".join(str(value).replace("{", "").replace("}", "").split())


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:60] + "…"


# The HTML that Crossref, publishers and Zotero write in titles, and the LaTeX each stands for. Italic and bold
# text keeps its capitals (a gene, a species, a book's title); small capitals are an acronym's capitals.
_OPEN: Final = {
    "i": "{\\textit{",
    "em": "{\\textit{",
    "b": "{\\textbf{",
    "strong": "{\\textbf{",
    "sup": "\\textsuperscript{",
    "sub": "\\textsubscript{",
    "scp": "{",
    "sc": "{",
    'span class="nocase"': "{",
}
_CLOSE: Final = {"i": "}}", "em": "}}", "b": "}}", "strong": "}}", "sup": "}", "sub": "}", "scp": "}", "sc": "}"}
HTML_MARKUP: Final = re.compile(
    r'<(/?)(i|em|b|strong|sup|sub|scp|sc|span class="nocase"|span)>|&(#x?[0-9a-fA-F]{1,6}|[a-z]{2,6});'
)
_ENTITIES: Final = {"amp": "\\&", "lt": "<", "gt": ">", "quot": '{"}', "apos": "'", "nbsp": "~"}
_SPECIAL: Final = frozenset('{}\\%#$&~^_"')


def html_as_latex(value: str) -> str:
    """HTML markup in a field's text as the LaTeX it stands for: the tags of `_OPEN` where they pair up (a tag left
    unpaired is left as written, and the checks name it), the entities of `_ENTITIES` and numeric ones."""
    tokens = list(HTML_MARKUP.finditer(value))
    paired: dict[int, str] = {}  # token index -> its LaTeX
    stack: list[tuple[int, str]] = []
    escaped = {index for index, token in enumerate(tokens) if escaped_at(value, token.start())}
    for index, token in enumerate(tokens):
        closing, name = token.group(1), token.group(2)
        if name is None or index in escaped:
            continue
        if not closing and name in _OPEN and len(stack) < _DEEPEST:
            stack.append((index, name))
        elif closing and stack and (stack[-1][1] == name or (name == "span" and stack[-1][1].startswith("span"))):
            opened, opened_name = stack.pop()
            paired[opened] = _OPEN[opened_name]
            paired[index] = _CLOSE.get(opened_name, "}")
    parts: list[str] = []
    position = 0
    for index, token in enumerate(tokens):
        if index in escaped:
            continue  # \<i> or \&amp;: a brace after the backslash would be text
        replacement = paired.get(index) if token.group(2) is not None else _entity(token.group(3))
        if replacement is None:
            continue
        parts.append(value[position : token.start()])
        parts.append(replacement)
        position = token.end()
    parts.append(value[position:])
    return "".join(parts)


# Markup nested deeper than this is left as written (and named): pandoc's time grows faster than the nesting.
_DEEPEST: Final = 8


def escaped_at(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd run of backslashes (is escaped)."""
    run = 0
    while index - run - 1 >= 0 and text[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _entity(name: str) -> str | None:
    if name in _ENTITIES:
        return _ENTITIES[name]
    if not name.startswith("#"):
        return None
    number = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:]) if name[1:].isdigit() else -1
    char = chr(number) if 32 <= number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else ""
    if char in _SPECIAL_LATEX:
        return _SPECIAL_LATEX[char]
    return char if char and char not in _SPECIAL and char.isprintable() else None


# A special character of LaTeX given as a numeric entity (R&#38;D), as LaTeX writes it as text.
_SPECIAL_LATEX: Final = {"&": "\\&", "%": "\\%", "#": "\\#", "$": "\\$", "_": "\\_", "{": "\\{", "}": "\\}", '"': '{"}'}


# Preprint servers, as their own exports and Zotero name them in `journal` (APA 10.8 prints "[Preprint]. Server.").
PREPRINT_SERVERS: Final = frozenset(
    {
        *("arxiv", "biorxiv", "medrxiv", "psyarxiv", "socarxiv", "edarxiv", "metaarxiv", "sportrxiv", "chemrxiv"),
        *("engrxiv", "techrxiv", "ssrn", "ssrn electronic journal", "research square", "preprints", "preprints.org"),
        *("osf preprints", "authorea", "authorea preprints", "qeios"),
    }
)


def preprint_server(entry_type: str, fields: Mapping[str, str]) -> tuple[str, str]:
    """The field that names a preprint server and the server as written ("journal", "medRxiv"), or ("", ""): the
    journal of an article (bioRxiv's own export), the publisher of a work of no other kind (DataCite's)."""
    names: tuple[str, ...] = ("journal", "journaltitle") if entry_type == "article" else ()
    if entry_type in ("misc", "online", "unpublished"):
        names = ("publisher", "howpublished", "organization")
    for field in names:
        name = plain(fields.get(field, ""))
        scholar = SCHOLAR_ARXIV.fullmatch(name)  # Google Scholar's "arXiv preprint arXiv:2203.04567"
        if name.lower() in PREPRINT_SERVERS or scholar:
            return field, "arXiv" if scholar else name
    return "", ""


SCHOLAR_ARXIV: Final = re.compile(r"arXiv preprint arXiv:(\S{1,40})", re.IGNORECASE)
