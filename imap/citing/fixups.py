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
    a dash, and the fields pandoc does not read (eid, eprinttype, pubstate, the meeting's name as written)."""
    raw = inherited(reference, references).raw
    doi = bib_values.normalised_doi(raw.get("doi", ""))
    address = bib_values.url_of(raw.get("url", ""))
    howpublished = raw.get("howpublished", "")
    published_at = bib_values.url_of(howpublished) if "\\url" in howpublished else None
    return {
        "doi": doi if bib_values.is_doi(doi) else "",
        "url": address
        if bib_values.is_url(address) and not bib_values.duplicates_doi({"doi": raw.get("doi", ""), "url": address})
        else "",
        "howpublished": published_at is not None,
        "howpublished_url": published_at if published_at is not None and bib_values.is_url(published_at) else "",
        "dash": _DASH_CAPITAL.search(raw.get("title", "")) is not None,
        "eid": raw.get("eid", "").strip("{} "),
        "server": raw.get("eprinttype", "").strip("{} "),
        "prepublished": raw.get("pubstate", "").strip("{} ").lower() == "prepublished",
        "eventtitle": " ".join(reference.fields.get("eventtitle", "").split()),
        "crossref": raw.get("crossref", "").strip(),
    }


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
