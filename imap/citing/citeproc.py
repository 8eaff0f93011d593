"""Format references in APA 7th edition with pandoc's citeproc: one engine for the reference list, in-text
citations, "Cite this" and the CSL-JSON download.

pandoc reads references.bib itself (BibTeX and BibLaTeX: any field-name case, crossref, LaTeX accents and math,
sentence case for English titles with braced words kept). Around it the project does only what pandoc leaves
undone, each step named below and each announced by a diagnostic of imap.reading.bibrules where it changes what was
written: a DOI written as an address is shortened to the DOI; a url that is the DOI's address is printed once; a
\\url in howpublished is an address, not a publisher; a lower-case name particle stays in front of the family name
(de Wit, van der Kolk); "in press" is a status, not a missing date; a thesis is described as APA describes it; a
chapter whose crossref parent is a book takes the book's title as its container; an incomplete author list ends in
"et al.".

The work is three runs of pandoc over the whole bibliography (never one per page): reading it, formatting every
reference and citation at once (so year letters such as 2011a/2011b are worked out for the whole manual), and
writing CSL-JSON. Their result is kept in the cache directory (the site build passes .cache/imap/) under a hash of
everything it depends on: the bibliography text, the style, pandoc's version and this module's code.

Two readers see each entry, bibtexparser (whose lines the checks report) and pandoc (whose reading is printed);
`problems` reports every entry they disagree on (its type, year or number of authors), so what was checked is what
is printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final

from imap.citing import pandoc
from imap.model.diagnostics import Diagnostic, Location, Severity, error
from imap.model.items import Reference
from imap.reading import bibrules
from imap.reading.parsecache import read_verified, write_verified

STYLE: Final = Path(__file__).parent / "styles" / "apa.csl"  # see imap/citing/styles/README.md
# Stands for the names an incomplete author list ("and others") leaves out, until the text says "et al.".
ET_AL_MARKER: Final = "ETALMARKER"
ET_AL: Final = "et al."

# CSL-JSON variables published (references.csl.json, manual.json): bibliographic data only, never a contributor's
# file paths, abstracts, keywords or private notes.
PUBLIC_CSL: Final = frozenset(
    {
        "id", "type", "title", "title-short", "container-title", "container-title-short", "collection-title",
        "collection-number", "author", "editor", "translator", "container-author", "collection-editor", "director",
        "issued", "accessed", "original-date", "event-date", "status", "volume", "issue", "page", "number",
        "edition", "version", "genre", "medium", "publisher", "publisher-place", "event-title", "event-place",
        "archive", "archive_location", "DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID", "language", "number-of-volumes",
        "volume-title",
    }
)  # fmt: skip

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


@dataclass(frozen=True)
class Formatted:
    key: str
    entry_html: str  # the reference-list entry: escaped text with <i>, <b>, <sup> and <sub> only
    entry_text: str  # the same as plain text
    label: str  # in-text label without parentheses, e.g. "Ehlers & Clark, 2000" (plain text)
    csl: Mapping[str, Any]  # the CSL-JSON item, bibliographic fields only


@dataclass(frozen=True)
class Result:
    formatted: dict[str, Formatted] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()


# ---------------------------------------------------------------------------------------------------------------
# The entry points


def format_references(
    bibtex: str, references: Mapping[str, Reference], cache_dir: Path | None = None
) -> dict[str, Formatted]:
    """Every reference formatted, in reference-list order (empty when pandoc cannot be run: `problems` says why)."""
    return process(bibtex, references, cache_dir).formatted


def problems(bibtex: str, references: Mapping[str, Reference], cache_dir: Path | None = None) -> list[Diagnostic]:
    """What the reference engine would drop, guess or read differently from the checks, with each entry's line."""
    return list(process(bibtex, references, cache_dir).problems)


def process(bibtex: str, references: Mapping[str, Reference], cache_dir: Path | None = None) -> Result:
    """The formatted references and the engine's problems: from the cache when it holds this exact result, otherwise
    from three pandoc runs (and then stored in the cache). A missing, unreadable or corrupt cache file is ignored."""
    if not references:
        return Result()
    path = cache_dir / f"references-{cache_key(bibtex)}.json" if cache_dir is not None else None
    if path is not None:
        cached = _read_cache(path, references)
        if cached is not None:
            return cached
    try:
        result = _process(bibtex, references)
    except pandoc.PandocError as problem:
        return Result(problems=(error(Location("references.bib"), "bib.engine", str(problem)),))
    if path is not None:
        _write_cache(path, result)
    return result


def format_csl_items(records: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """CSL-JSON records (the manual's own items, for "Cite this") formatted by the same engine: id -> (HTML, text)."""
    if not records:
        return {}
    doc = pandoc.run_json(["-f", "csljson", "-t", "json"], json.dumps(records).encode("utf-8"))
    rendered = _render(doc, [str(r["id"]) for r in records])
    return {key: (entry, _text(entry)) for key, (entry, _label) in rendered.items()}


def cache_key(data: Any, code: Path | None = None) -> str:
    """A hash of everything a formatting result depends on: the data, the style, pandoc's version and the code."""
    digest = hashlib.sha256()
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(STYLE.read_bytes())
    digest.update(pandoc.version().encode("utf-8"))
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(bibrules.__file__).read_bytes())
    if code is not None:
        digest.update(code.read_bytes())
    return digest.hexdigest()[:32]


# ---------------------------------------------------------------------------------------------------------------
# The three runs


def _process(bibtex: str, references: Mapping[str, Reference]) -> Result:
    doc = pandoc.run_json(["-f", "biblatex", "-t", "json"], protect_styled_groups(bibtex).encode("utf-8"))
    meta_references = doc.get("meta", {}).get("references", {}).get("c", [])
    by_key = {_string(ref["c"].get("id")): ref for ref in meta_references if isinstance(ref, dict)}
    found = [*_agreement(references, by_key), *_dropped_latex(references, by_key)]
    for key, ref in by_key.items():
        if key in references:
            _fix(ref["c"], references[key], by_key)
    keys = [key for key in by_key if key in references]
    doc = {**doc, "meta": {"references": {"t": "MetaList", "c": [by_key[k] for k in keys]}}, "blocks": []}
    rendered = _render(doc, keys)
    csl = pandoc.run_json(["-f", "json", "-t", "csljson"], json.dumps(doc).encode("utf-8"))
    csl_by_key = {str(item.get("id")): _public(item) for item in csl if isinstance(item, dict)}
    formatted = {
        key: Formatted(
            key=key,
            entry_html=entry,
            entry_text=_text(entry),
            label=label,
            csl=csl_by_key.get(key, {"id": key}),
        )
        for key, (entry, label) in rendered.items()
    }
    return Result(formatted, tuple(found))


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


def _render(doc: dict[str, Any], keys: list[str]) -> dict[str, tuple[str, str]]:
    """Every key's reference-list entry (our HTML) and in-text label, in reference-list order, from one run."""
    blocks = [{"t": "Para", "c": [_cite(key)]} for key in keys]
    out = pandoc.run(
        ["-f", "json", "-t", "html", "--wrap=none", "--citeproc", "--csl", "{style.csl}"],
        json.dumps({**doc, "blocks": blocks}).encode("utf-8"),
        {"style.csl": STYLE.read_bytes()},
    ).decode("utf-8")
    reader = _Reader()
    reader.feed(out)
    reader.close()
    result: dict[str, tuple[str, str]] = {}
    for key, entry in reader.entries.items():
        label = _et_al(_text(reader.labels.get(key, ""))).strip()
        if label.startswith("(") and label.endswith(")"):
            label = label[1:-1]
        result[key] = (_apa_terms(_et_al(" ".join(entry.split()))), label)
    return result


def _cite(key: str) -> dict[str, Any]:
    citation = {
        "citationId": key,
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 0,
        "citationHash": 0,
    }
    return {"t": "Cite", "c": [[citation], [{"t": "Str", "c": key}]]}


class _Reader(HTMLParser):
    """pandoc's HTML read back into our own: the text of each entry (escaped again) with italics, bold, superscript
    and subscript, and the text of each citation. Every other tag is dropped (links are added by the pages)."""

    _KEEP: Final = {"em": "i", "i": "i", "strong": "b", "b": "b", "sup": "sup", "sub": "sub"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._key = ""
        self._label = ""
        self._depth = 0  # open elements inside the entry or citation being read
        self._math = 0  # open math spans (no italics in them: a Greek letter stays upright)
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if not self._key and not self._label:
            if tag == "div" and "csl-entry" in classes and (attributes.get("id") or "").startswith("ref-"):
                self._key, self._depth, self._parts = (attributes.get("id") or "")[4:], 1, []
            elif tag == "span" and "citation" in classes:
                self._label, self._depth, self._parts = attributes.get("data-cites") or "", 1, []
            return
        if tag not in ("br", "img", "hr", "wbr"):
            self._depth += 1
        if tag == "span" and "math" in classes:
            self._math += 1
        elif tag in self._KEEP and not self._math:
            self._parts.append(f"<{self._KEEP[tag]}>")

    def handle_endtag(self, tag: str) -> None:
        if not self._key and not self._label:
            return
        self._depth -= 1
        if self._depth == 0:
            text = "".join(self._parts).strip()
            if self._key:
                self.entries[self._key] = text
            else:
                self.labels[self._label] = text
            self._key = self._label = ""
            return
        if tag == "span" and self._math:
            self._math -= 1
        elif tag in self._KEEP and not self._math:
            self._parts.append(f"</{self._KEEP[tag]}>")

    def handle_data(self, data: str) -> None:
        if self._key or self._label:
            self._parts.append(html.escape(data, quote=False))


# ---------------------------------------------------------------------------------------------------------------
# What the project does around pandoc


def _fix(ref: dict[str, Any], reference: Reference, by_key: Mapping[str, Any]) -> None:
    """One reference as pandoc read it, completed where pandoc leaves it incomplete (see the module docstring)."""
    raw = reference.raw
    if "doi" in ref:
        doi = bibrules.normalised_doi(_string(ref["doi"]))
        if bibrules.is_doi(doi):
            ref["doi"] = _meta_string(doi)
        else:
            del ref["doi"]  # reported by bibrules (bib.doi)
    if "url" in ref:
        address = _string(ref["url"])
        if bibrules.duplicates_doi({"doi": raw.get("doi", ""), "url": address}) or not bibrules.is_url(address):
            del ref["url"]  # printed once as the DOI (bib.duplicate-url), or not an address (bib.url)
    if "\\url" in raw.get("howpublished", "") and "url" not in ref:
        address = bibrules.url_of(raw["howpublished"])
        ref.pop("publisher", None)
        if bibrules.is_url(address):
            ref["url"] = _meta_string(address)
    for role in ("author", "editor", "translator", "container-author", "collection-editor"):
        for person in ref.get(role, {}).get("c", []) if isinstance(ref.get(role), dict) else []:
            _fix_name(person.get("c", {}))
    issued = ref.get("issued")
    if issued is not None and _string(issued).strip().lower() in bibrules.STATUSES:
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


def _agreement(references: Mapping[str, Reference], by_key: Mapping[str, Any]) -> Iterable[Diagnostic]:
    for key, as_written in references.items():
        if as_written.entry_type == "xdata":
            continue  # fields for other entries to take (xdata), not a work of its own
        reference = _inherited(as_written, references)
        ref = by_key.get(key)
        where = reference.location
        if ref is None:
            yield error(where, "bib.agreement", f"the reference engine did not read entry '{key}'", _CHECK)
            continue
        meta = ref["c"]
        csl_type = _string(meta.get("type"))
        allowed = _TYPES.get(reference.entry_type)
        if allowed is not None and csl_type not in allowed:
            yield error(
                where,
                "bib.agreement",
                f"entry '{key}' is a {reference.entry_type}, but the reference engine reads it as '{csl_type}'",
                _CHECK,
            )
        year = re.match(r"\d{4}", _string(meta.get("issued")).strip())
        written = _written_year(reference)
        if written is not None and (year.group(0) if year else "") != written:
            yield error(
                where,
                "bib.agreement",
                f"entry '{key}' has the year '{written or 'none'}' for the checks but "
                f"'{year.group(0) if year else 'none'}' for the reference engine",
                _CHECK,
            )
        for role in ("author", "editor"):
            names = [n for n in bibrules.split_names(reference.raw.get(role, "")) if n]
            read = meta.get(role, {}).get("c", []) if isinstance(meta.get(role), dict) else []
            if len(names) != len(read):
                yield error(
                    where,
                    "bib.agreement",
                    f"entry '{key}' has {len(names)} {role}(s) for the checks but {len(read)} for the reference engine",
                    _CHECK,
                )


def _inherited(reference: Reference, references: Mapping[str, Reference]) -> Reference:
    """The entry with the fields it takes from its crossref and xdata entries (where it has none of its own), as
    BibLaTeX and pandoc read it."""
    raw = dict(reference.raw)
    for name in ("crossref", "xdata"):
        for parent_key in (k.strip() for k in reference.raw.get(name, "").split(",") if k.strip()):
            parent = references.get(parent_key)
            for field_name, value in parent.raw.items() if parent is not None else ():
                raw.setdefault(field_name, value)
    return replace(reference, raw=raw) if raw != reference.raw else reference


_CHECK: Final = "check the entry's braces and 'and's; if it looks right, report it: the two readers should agree"


def _written_year(reference: Reference) -> str | None:
    """The year the checks read ("" for none), or None for a date they already refuse (bib.date)."""
    date = reference.raw.get("date", "").strip("{} ")
    if date:
        return date[:4] if bibrules.valid_date(date) else None
    year = reference.raw.get("year", "").strip("{} ")
    return year if year.isdigit() else ""


def _dropped_latex(references: Mapping[str, Reference], by_key: Mapping[str, Any]) -> Iterable[Diagnostic]:
    """LaTeX that pandoc kept as raw LaTeX (and would drop from the reference), where the checks did not see it."""
    for key, ref in by_key.items():
        reference = references.get(key)
        if reference is None:
            continue
        raw = sorted(set(_raw_latex(ref)))
        if raw and not any(d.code == "bib.latex" for d in bibrules.check(_as_raw(reference))):
            yield error(
                reference.location,
                "bib.latex",
                f"entry '{key}' holds LaTeX the reference engine would drop: {', '.join(raw)[:120]}",
                "write the text itself (Unicode is fine)",
            )


def _raw_latex(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        if value.get("t") in ("RawInline", "RawBlock"):
            yield str(value.get("c", ["", ""])[1])
        else:
            for inner in value.values():
                yield from _raw_latex(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _raw_latex(inner)


def _as_raw(reference: Reference) -> bibrules.Raw:
    return bibrules.Raw(
        reference.location.path, reference.key, reference.entry_type, reference.raw, {}, reference.location.line
    )


def _public(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item as published: bibliographic variables only; an incomplete author list ends in "et al."."""
    result: dict[str, Any] = {}
    for name, value in item.items():
        if name not in PUBLIC_CSL:
            continue
        if isinstance(value, list):
            value = [
                {"literal": ET_AL} if isinstance(p, dict) and p.get("literal") == ET_AL_MARKER else p for p in value
            ]
        result[name] = value
    return result


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


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


_TAG: Final = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


def _apa_terms(entry: str) -> str:
    """The few words the style writes otherwise than the APA manual's examples: the ellipsis before the last of more
    than 20 authors (APA 9.8: ". . ."), and "[Data set]" (APA 10.9)."""
    entry = entry.replace(", \u2026 ", ", . . . ").replace("[Dataset]", "[Data set]")
    # An undated page without a retrieval date: the style still writes "Retrieved" before the address.
    return _RETRIEVED_ALONE.sub("", entry)


_RETRIEVED_ALONE: Final = re.compile(r"Retrieved (?=https?://)")


def _et_al(text: str) -> str:
    """The marker of an incomplete author list as "et al.", with the comma APA puts before it after a name."""
    for before in (", &amp; ", ", & ", " &amp; ", " & ", ", "):
        text = text.replace(before + ET_AL_MARKER, " " + ET_AL_MARKER)
    text = re.sub(r"\. " + ET_AL_MARKER, "., " + ET_AL, text)  # after initials: "Jerome, L., et al."
    return text.replace(" " + ET_AL_MARKER, " " + ET_AL).replace(ET_AL_MARKER, ET_AL).replace("et al..", "et al.")


# ---------------------------------------------------------------------------------------------------------------
# The cache


def _read_cache(path: Path, references: Mapping[str, Reference]) -> Result | None:
    text = read_verified(path)  # HTML put into pages: only a file this machine wrote (see imap.reading.parsecache)
    if text is None:
        return None
    try:
        data = json.loads(text)
        formatted = {entry["key"]: Formatted(**entry) for entry in data["formatted"]}
        found = tuple(
            Diagnostic(Location(d["path"], d["line"]), Severity(d["severity"]), d["code"], d["message"], d["hint"])
            for d in data["problems"]
        )
    except (ValueError, TypeError, KeyError):
        return None
    valid = all(
        isinstance(f.key, str)
        and isinstance(f.entry_html, str)
        and isinstance(f.entry_text, str)
        and isinstance(f.label, str)
        and isinstance(f.csl, dict)
        for f in formatted.values()
    )
    return Result(formatted, found) if valid and set(formatted) <= set(references) else None


def _write_cache(path: Path, result: Result) -> None:
    write_cache_file(
        path,
        {
            "formatted": [asdict(f) for f in result.formatted.values()],
            "problems": [
                {
                    "path": d.location.path,
                    "line": d.location.line,
                    "severity": d.severity.value,
                    "code": d.code,
                    "message": d.message,
                    "hint": d.hint,
                }
                for d in result.problems
            ],
        },
    )


def write_cache_file(path: Path, data: Any) -> None:
    """Write a cache file as JSON, atomically and authenticated (imap.reading.parsecache.write_verified: read it back
    with read_verified), and drop the earlier files of its kind (named <kind>-<hash>.json). A cache that cannot be
    written only costs time."""
    kind = path.name.rsplit("-", 1)[0]
    if not write_verified(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")):
        return
    with contextlib.suppress(OSError):
        for old in path.parent.glob(f"{kind}-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
