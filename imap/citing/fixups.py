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
from imap.reading import bib_exports, bib_fields, bib_kinds, bib_values

# Stands for the names an incomplete author list ("and others") leaves out, until the text says "et al.".
ET_AL_MARKER: Final = "ETALMARKER"
ET_AL: Final = "et al."  # what the marker is printed as


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
    number written as pages (bib.article-number), an edition's number (bib.edition), pages written after "pp."
    (bib.pages), a preprint server named as the journal (bib.preprint), a thesis's database named as its publisher,
    with the university (bib.thesis), a podcast episode's show (bib.podcast), a web page's site (bib.webpage),
    a presentation at a meeting (bib.presentation), an article's issue (bib.issue), the address of a work given by
    its identifier on a server (bib.eprint) and a booksubtitle (bib.booksubtitle)."""
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
        # its own publisher, as the checks read it, which a \url in howpublished keeps (pandoc joins the two)
        "publisher": " ".join(reference.fields.get("publisher", "").split()),
        "howpublished_url": published_at if published_at is not None and bib_values.is_url(published_at) else "",
        "dash": _DASH_CAPITAL.search(raw.get("title", "")) is not None,
        "colon": _COLON_LOWER.search(raw.get("title", "")) is not None,
        "eid": next(  # as the checks read it (LaTeX read)
            (
                bib_values.plain(reference.fields[n])
                for n in bib_values.EID_FIELDS
                if reference.fields.get(n, "").strip()
            ),
            "",
        ),
        "server": server,
        "drop_genre": bib_values.reference_kind(raw.get("type", "")),
        "article_number": bib_values.article_number(raw.get("pages", "")) if reference.entry_type == "article" else "",
        "pages": bib_exports.pages_without_prefix(reference.fields.get("pages", "")),  # read as LaTeX (12--34)
        "preprint_server": bib_values.preprint_server(reference.entry_type, raw)[1],
        "edition": bib_values.edition_number(raw.get("edition", "")),
        "revised_edition": bib_values.revised_edition(raw.get("edition", ""))
        or bib_exports.described_edition(raw.get("edition", "")),
        "arxiv": server.lower() == "arxiv",
        "preprint_eprint": server.lower() in bib_values.PREPRINT_SERVERS,
        "eprint_url": _arxiv_address(raw.get("eprint", "")) or bib_fields.eprint_address(raw) or _scholar_arxiv(raw),
        "issue": bib_fields.issue(reference.entry_type, reference.fields)[0],  # (bib.issue)
        "package_version": bib_fields.package_version(reference.fields),  # R's citation() (bib.note)
        "bracketed_addon": bib_values.plain(reference.fields.get("titleaddon", "")).startswith("["),
        # a booksubtitle pandoc adds to the maintitle too, as the checks read it (bib.booksubtitle)
        "booksubtitle": " ".join(reference.fields.get("booksubtitle", "").split())
        if reference.fields.get("maintitle") and not reference.fields.get("mainsubtitle")
        else "",
        "prepublished": raw.get("pubstate", "").strip("{} ").lower() == "prepublished",
        "eventtitle": " ".join(reference.fields.get("eventtitle", "").split()),
        "crossref": raw.get("crossref", "").strip(),
        # the publisher and university as the checks read them (LaTeX read, braces gone, see imap.reading.bibliography)
        "thesis_database": bib_exports.thesis_database(reference.entry_type, raw)
        and reference.fields.get("publisher", ""),
        "original_year": bib_exports.original_year(raw),
        "thesis_school": reference.fields.get("school") or reference.fields.get("institution", ""),
        # a podcast episode's show, as the checks read it, and the field pandoc read it from (bib.podcast)
        "podcast_show": _podcast_show(reference.entry_type, raw, reference.fields),
        # a presentation at a meeting, as a note or howpublished says it (bib.presentation)
        "presentation": _presentation(reference.entry_type, raw, reference.fields),
        # a web page's site, as Paperpile names it in a @misc's booktitle (bib.webpage)
        "site": " ".join(reference.fields.get("booktitle", "").split())
        if bib_kinds.web_site(reference.entry_type, raw)[1]
        else "",
    }


def _presentation(entry_type: str, raw: Mapping[str, str], fields: Mapping[str, str]) -> dict[str, str]:
    """A presentation's field, description and meeting, the meeting as the checks read it (LaTeX read), or an empty
    dict (imap.reading.bib_kinds.presentation)."""
    name, description, _meeting = bib_kinds.presentation(entry_type, raw)
    if not name:
        return {}
    return {"field": name, "description": description, "meeting": bib_kinds.presentation(entry_type, fields)[2]}


def _podcast_show(entry_type: str, raw: Mapping[str, str], fields: Mapping[str, str]) -> dict[str, str]:
    """The field that names a podcast episode's show and the show's name as the checks read it (LaTeX read),
    or an empty dict for anything else (imap.reading.bib_kinds.podcast)."""
    kind, name, _show = bib_kinds.podcast(entry_type, raw)
    return {"field": name, "name": " ".join(fields.get(name, "").split())} if kind == "podcast" else {}


_ARXIV_ID: Final = re.compile(r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?")


def _arxiv_address(eprint: str) -> str:
    """The arXiv address of an arXiv identifier (2301.01234, hep-th/9901001), or "" for anything else (Mendeley
    writes a PubMed Central ID there, which has no arXiv address)."""
    identifier = eprint.strip("{} ")
    return f"https://arxiv.org/abs/{identifier}" if _ARXIV_ID.fullmatch(identifier) else ""


def _scholar_arxiv(raw: Mapping[str, str]) -> str:
    """The arXiv address of a preprint Google Scholar exports with its identifier in the journal."""
    scholar = bib_values.SCHOLAR_ARXIV.fullmatch(bib_values.plain(raw.get("journal", "")))
    return _arxiv_address(scholar.group(1)) if scholar else ""


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
_COLON_LOWER: Final = re.compile(r": [a-z]")  # a subtitle written in lower case (engine.lua capitalises one word)


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
