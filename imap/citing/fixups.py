"""The fix-ups around pandoc's citeproc: where pandoc reads an entry otherwise than APA 7 wants it printed (kinds of
work, theses, report and article numbers, name particles and hyphenated initials, a capital after a dash), each
named in imap/citing/citeproc.py's docstring. engine.lua makes them inside the one pandoc run, on the references as
pandoc read them; what they need to know of the entry as the checks read it comes from `hints`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from imap.model.items import Reference
from imap.reading import bib_values
from imap.reading.bibrules import VERBATIM

# Stands for the names an incomplete author list ("and others") leaves out, until the text says "et al.".
ET_AL_MARKER: Final = "ETALMARKER"


# The CSL types pandoc may give each BibTeX/BibLaTeX entry type (the agreement check); types not listed may be any.
_TYPES: Final = {
    "article": {"article-journal", "article-magazine", "article-newspaper", "article"},
    "book": {"book"},
    "mvbook": {"book"},
    "collection": {"book"},
    "mvcollection": {"book"},
    "proceedings": {"book"},
    "inbook": {"chapter"},
    "incollection": {"chapter"},
    "inproceedings": {"paper-conference"},
    "report": {"report"},
    "techreport": {"report"},
    "thesis": {"thesis"},
    "phdthesis": {"thesis"},
    "mastersthesis": {"thesis"},
    "online": {"webpage"},
    "www": {"webpage"},
    "software": {"software"},
    "dataset": {"dataset"},
    "unpublished": {"manuscript", "speech"},
}


def hints(reference: Reference, references: Mapping[str, Reference]) -> dict[str, Any]:
    """What the reference engine's fix-ups (engine.lua) need to know of an entry as the checks read it, with what it
    takes from its crossref and xdata entries: the DOI to print ("" for none: not a DOI, reported by bibrules as
    bib.doi), the address to print ("" for none: the DOI's own address, printed once as the DOI, or not an address),
    whether howpublished holds a \\url and its address ("" for none), whether the title capitalises the word after
    a dash, the fields pandoc does not read (eid, eprinttype or archivePrefix, pubstate, the meeting's name as
    written), whether `type` names the kind of reference rather than describing the work (bib.type), an article
    number written as pages (bib.article-number), and an edition's number (bib.edition)."""
    raw = inherited(reference, references).raw
    doi = bib_values.normalised_doi(raw.get("doi", ""))
    address = bib_values.url_of(raw.get("url", ""))
    howpublished = raw.get("howpublished", "")
    published_at = bib_values.url_of(howpublished) if "\\url" in howpublished else None
    server = (raw.get("eprinttype") or raw.get("archiveprefix") or "").strip("{} ")
    return {
        "doi": doi if bib_values.is_doi(doi) else "",
        "url": address
        if bib_values.is_url(address) and not bib_values.duplicates_doi({"doi": raw.get("doi", ""), "url": address})
        else "",
        "howpublished": published_at is not None,
        "howpublished_url": published_at if published_at is not None and bib_values.is_url(published_at) else "",
        "dash": _DASH_CAPITAL.search(raw.get("title", "")) is not None,
        "eid": raw.get("eid", "").strip("{} "),
        "server": server,
        "drop_genre": bib_values.reference_kind(raw.get("type", "")),
        "article_number": bib_values.article_number(raw.get("pages", "")) if reference.entry_type == "article" else "",
        "edition": bib_values.edition_number(raw.get("edition", "")),
        "arxiv": server.lower() == "arxiv",
        "eprint_url": _arxiv_address(raw.get("eprint", "")),
        "prepublished": raw.get("pubstate", "").strip("{} ").lower() == "prepublished",
        "eventtitle": " ".join(reference.fields.get("eventtitle", "").split()),
        "crossref": raw.get("crossref", "").strip(),
    }


_ARXIV_ID: Final = re.compile(r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?")


def _arxiv_address(eprint: str) -> str:
    """The arXiv address of an arXiv identifier (2301.01234, hep-th/9901001), or "" for anything else (Mendeley
    writes a PubMed Central ID there, which has no arXiv address)."""
    identifier = eprint.strip("{} ")
    return f"https://arxiv.org/abs/{identifier}" if _ARXIV_ID.fullmatch(identifier) else ""


def inherited(reference: Reference, references: Mapping[str, Reference]) -> Reference:
    """The entry with the fields it takes from its crossref and xdata entries (where it has none of its own), as
    BibLaTeX and pandoc read it."""
    raw = dict(reference.raw)
    for name in ("crossref", "xdata"):
        for parent_key in (k.strip() for k in reference.raw.get(name, "").split(",") if k.strip()):
            parent = references.get(parent_key)
            for field_name, value in parent.raw.items() if parent is not None else ():
                raw.setdefault(field_name, value)
    return replace(reference, raw=raw) if raw != reference.raw else reference


_DASH_CAPITAL: Final = re.compile(r"(?:---|\u2014)\s?\{?[A-Z]")


def for_pandoc(bibtex: str) -> str:
    """The bibliography as pandoc is given it: each line where it was, with what pandoc would read otherwise than
    the checks and the author: `\\textendash` and `\\textemdash` as the dashes (pandoc drops them), a `%` in a field's
    text escaped (see `escape_percent`), and braced styled text protected (see `protect_styled_groups`)."""
    return protect_styled_groups(escape_percent(_DASHES.sub(lambda m: _DASH[m.group(1)], bibtex)))


_DASHES: Final = re.compile(r"\\text(en|em)dash(?![A-Za-z])(?:\{\}| )?")
_DASH: Final = {"en": "\u2013", "em": "\u2014"}


def escape_percent(bibtex: str) -> str:
    """Each `%` in the text of a field written `\\%`, and an entry written in parentheses (`@article(key, ...)`,
    which BibTeX reads and pandoc does not) written in braces. Reference managers export a percent sign as it is
    (Mendeley's "Use in 12% of visits"), and pandoc, reading LaTeX, takes it for a comment and drops the rest of the
    line: a title lost without a word. Addresses, DOIs and file names (the verbatim fields), text outside entries
    (where `%` starts a comment) and @comment and @preamble entries are left as they are. One pass over the text;
    lines keep their numbers."""
    if "%" not in bibtex and "(" not in bibtex:
        return bibtex
    out: list[str] = []
    depth = 0  # 0 outside entries, 1 inside an entry's own braces or parentheses, 2 and more inside a value
    closer = ""  # what closes the entry: } or )
    quoted = escaped = comment = skip = False
    address = 0  # the depth of a \\url's argument being read, or 0
    word = field = ""
    kind = ""  # the entry's type, read after @
    for char in bibtex:
        out.append(char)
        if comment:
            comment = char != "\n"
            continue
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
            continue
        if depth == 0:
            if char == "%":
                comment = True
            elif char == "@":
                kind = "@"
            elif kind.startswith("@") and (char.isalpha()):
                kind += char.lower()
            elif kind.startswith("@") and char in "{(":
                depth, closer, quoted, field, word = 1, "}" if char == "{" else ")", False, "", ""
                out[-1] = "{"  # an entry in parentheses, which BibTeX allows and pandoc does not read, in braces
                skip = kind in ("@comment", "@preamble")
                kind = ""
            elif not char.isspace():
                kind = ""
            continue
        if char == "{":
            depth += 1
            if "".join(out[-5:]) == "\\url{" or "".join(out[-6:]) == "\\href{":
                address = depth  # the address of \\url or \\href, read as it is
        elif char == "}" or (char == ")" and depth == 1 and closer == ")" and not quoted):
            depth -= 1
            out[-1] = "}" if depth == 0 else char
            address = 0 if depth < address else address
        elif depth == 1 and char == '"':
            quoted = not quoted
        elif depth == 1 and not quoted:
            if char == "=":
                field, word = word.strip().lower(), ""
            elif char == ",":
                field, word = "", ""
            elif char.isalnum() or char in "_-:.":
                word += char
            elif not char.isspace():
                word = ""
        elif char == "%" and not skip and not address and field not in VERBATIM and (depth > 1 or quoted):
            out[-1] = "\\%"
    return "".join(out)


_STYLED: Final = re.compile(r"\\(?:emph|textit|textbf|textsc|textsl|mkbibemph|mkbibitalic)\{\{")


def protect_styled_groups(bibtex: str) -> str:
    """`\\emph{{The Quiet Harbour}}` written as `{\\emph{The Quiet Harbour}}`, which means the same in BibLaTeX:
    pandoc keeps the capitals of a braced group only when the braces are outside the command. The text keeps its
    length and lines. The braces are paired in one pass first, so the whole takes linear time."""
    closing = _brace_pairs(bibtex)
    parts: list[str] = []
    position = 0
    for match in _STYLED.finditer(bibtex):
        outer, inner = match.end() - 2, match.end() - 1
        end = closing.get(inner, -1)
        if match.start() < position or end < 0 or closing.get(outer) != end + 1:
            continue
        command = bibtex[match.start() : outer]
        parts.append(bibtex[position : match.start()])
        parts.append("{" + command + "{" + bibtex[inner + 1 : end] + "}}")
        position = end + 2
    parts.append(bibtex[position:])
    return "".join(parts)


def _brace_pairs(text: str) -> dict[int, int]:
    """The position of the closing brace of each opening brace (braces after a backslash are text)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            stack.append(index)
        elif char == "}" and stack:
            pairs[stack.pop()] = index
    return pairs


def _string(value: Any) -> str:
    """The text of a pandoc metadata value (a string, or inlines flattened)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        kind, content = value.get("t"), value.get("c")
        if kind in ("MetaString", "Str"):
            return str(content)
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return _string(content)
    if isinstance(value, list):
        return "".join(_string(v) for v in value)
    return ""
