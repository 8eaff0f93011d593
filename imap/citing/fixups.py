"""The fix-ups around pandoc's citeproc: where pandoc reads an entry otherwise than APA 7 wants it printed (kinds of
work, theses, report and article numbers, name particles and hyphenated initials, a capital after a dash), each
named in imap/citing/citeproc.py's docstring. They work on CSL-JSON as pandoc writes it."""

from __future__ import annotations

import re
from collections.abc import Mapping
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


_DOCTORAL: Final = frozenset({"phd thesis", "phdthesis", "doctoral thesis", "doctoral dissertation", "dissertation"})


_MASTERS: Final = frozenset({"master's thesis", "master\u2019s thesis", "mastersthesis", "masters thesis"})


_LOOSE: Final = frozenset({"webpage", "document", "", "manuscript"})  # types a preprint server's entry may come as


_CHAPTERS: Final = frozenset({"chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary", "entry"})


def _fix(ref: dict[str, Any], reference: Reference, by_key: Mapping[str, Any]) -> None:
    """One reference as pandoc read it, completed where pandoc leaves it incomplete (see the module docstring)."""
    raw = reference.raw
    if "doi" in ref:
        doi = bib_values.normalised_doi(_string(ref["doi"]))
        if bib_values.is_doi(doi):
            ref["doi"] = _meta_string(doi)
        else:
            del ref["doi"]  # reported by bibrules (bib.doi)
    if "url" in ref:
        address = _string(ref["url"])
        if bib_values.duplicates_doi({"doi": raw.get("doi", ""), "url": address}) or not bib_values.is_url(address):
            del ref["url"]  # printed once as the DOI (bib.duplicate-url), or not an address (bib.url)
    if "\\url" in raw.get("howpublished", "") and "url" not in ref:
        address = bib_values.url_of(raw["howpublished"])
        ref.pop("publisher", None)
        if bib_values.is_url(address):
            ref["url"] = _meta_string(address)
    for role in ("author", "editor", "translator", "container-author", "collection-editor"):
        for person in ref.get(role, {}).get("c", []) if isinstance(ref.get(role), dict) else []:
            _fix_name(person.get("c", {}))
    issued = ref.get("issued")
    if issued is not None and _string(issued).strip().lower() in bib_values.STATUSES:
        ref["status"] = _meta_string(_string(issued).strip().lower())
        del ref["issued"]
    if _string(ref.get("type")) == "thesis":
        _fix_thesis(ref)
    _fix_numbers(ref, raw)
    if "title" in ref and _DASH_CAPITAL.search(raw.get("title", "")):
        _capitalise_after_dash(ref["title"])
    authors = ref.get("author", {}).get("c", []) if isinstance(ref.get("author"), dict) else []
    publisher = _string(ref.get("publisher"))
    if publisher and len(authors) == 1 and _string(authors[0].get("c", {}).get("literal")) == publisher:
        del ref["publisher"]  # APA 9.29: a publisher that is the author is not repeated
    for name in ("event", "event-title"):  # the name of a meeting, as written (pandoc reads it in sentence case)
        if name in ref and reference.fields.get("eventtitle"):
            words = reference.fields["eventtitle"].split()
            inlines = [part for word in words for part in ({"t": "Space"}, {"t": "Str", "c": word})][1:]
            ref[name] = {"t": "MetaInlines", "c": [{"t": "Span", "c": [["", ["nocase"], []], inlines]}]}
    if _string(ref.get("type")) == "paper-conference" and "publisher" in ref and "container-title" in ref:
        ref["type"] = _meta_string("chapter")  # APA 10.5: a paper in published proceedings is a chapter of a book,
        for name in ("event", "event-title", "event-place", "event-date"):  # cited without its meeting
            ref.pop(name, None)
    server = raw.get("eprinttype", "").strip("{} ")
    if raw.get("pubstate", "").strip("{} ").lower() == "prepublished" or (
        server and _string(ref.get("type")) in _LOOSE
    ):
        ref["type"] = _meta_string("article")  # APA 10.8: a preprint, "[Preprint]. Server." (CSL's article)
        ref.setdefault("genre", _meta_string("Preprint"))
        if server:
            ref.setdefault("publisher", _meta_string(server))
    if _string(ref.get("type")) == "pamphlet" and "genre" not in ref:
        ref["genre"] = _meta_string("Brochure")  # APA 10.2: a booklet is a brochure
    parent = by_key.get(raw.get("crossref", "").strip())
    chapter = _string(ref.get("type")) in _CHAPTERS and "container-title" not in ref
    if parent is not None and chapter and "title" in parent["c"]:
        ref["container-title"] = parent["c"]["title"]


_LOWER_AFTER_HYPHEN: Final = re.compile(r"\w-[a-z]")


_DASH_CAPITAL: Final = re.compile(r"(?:---|\u2014)\s?\{?[A-Z]")


_DASH_LOWER: Final = re.compile(r"(\u2014\s?)([a-z])")


def _capitalise_after_dash(value: Any) -> None:
    """APA sentence case capitalises the first word after an em dash that opens a subtitle (APA 6.17), as it does
    after a colon; pandoc only after a colon. Applied where the title as written capitalises that word."""
    if isinstance(value, dict):
        if value.get("t") == "Str" and isinstance(value.get("c"), str):
            value["c"] = _DASH_LOWER.sub(lambda m: m.group(1) + m.group(2).upper(), value["c"])
        else:
            _capitalise_after_dash(value.get("c"))
    elif isinstance(value, list):
        for inner in value:
            _capitalise_after_dash(inner)


def _fix_numbers(ref: dict[str, Any], raw: Mapping[str, str]) -> None:
    """A report's number as APA 10.4 writes it, "(Working Paper No. WP-17)", "(Report No. 12)": in the description,
    where the style would print it as a range ("Nos. 2019-04") or without "No."; an article's number (BibLaTeX's
    eid, which pandoc does not read) as "Article e0123456" (APA 9.25)."""
    if _string(ref.get("type")) == "report" and "number" in ref:
        if not _string(ref.get("genre")).strip():
            ref["genre"] = _meta_string("Report")
        ref["number"] = _meta_string("No. " + _string(ref["number"]).strip())  # as written, never read as a range
    eid = raw.get("eid", "").strip("{} ")
    if _string(ref.get("type")) == "article-journal" and eid and "number" not in ref:
        ref["number"] = _meta_string(eid)


def _fix_name(person: dict[str, Any]) -> None:
    particle = person.get("dropping-particle")
    if particle is not None and _string(particle)[:1].islower():
        person["non-dropping-particle"] = person.pop("dropping-particle")  # de Wit, H. (APA 9.8), not Wit, H. de
    given = _string(person.get("given"))
    if _LOWER_AFTER_HYPHEN.search(given):  # "Hyun-nie": the style drops the lower-case part; APA keeps it, "H.-n."
        person["given"] = _meta_string(
            " ".join(
                "-".join(part[:1] + "." for part in word.split("-")) if _LOWER_AFTER_HYPHEN.search(word) else word
                for word in given.split()
            )
        )
    if _string(person.get("literal")).lower() == "others":
        person["literal"] = _meta_string(ET_AL_MARKER)


def _fix_thesis(ref: dict[str, Any]) -> None:
    """APA 10.6: "[Doctoral dissertation, University]" when published (in a database or online), "[Unpublished
    doctoral dissertation]" with the university after it when not."""
    genre = _string(ref.get("genre")).strip().lower()
    published = any(name in ref for name in ("archive", "doi", "url"))
    if genre in _DOCTORAL or not genre:
        kind = "doctoral dissertation"
    elif genre in _MASTERS:
        kind = "master's thesis"
    else:
        return
    ref["genre"] = _meta_string(kind[0].upper() + kind[1:] if published else f"Unpublished {kind}")


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


def _meta_string(text: str) -> dict[str, Any]:
    return {"t": "MetaString", "c": text}
