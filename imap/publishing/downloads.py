"""The downloads under site/data/: the manual as JSON with its JSON Schema, the evidence graph as CSV tables, and the
bibliography as CSL-JSON and BibTeX. All are written by the build from the model, in a fixed order, so two builds of
one commit are byte-identical.

The columns of each table are declared once here, with their meaning (and whether they hold numbers); the site's data
page shows these declarations, so the documentation is the code. The one CSV writer, table_csv, neutralises
spreadsheet formulas in every text cell.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from imap.citing.citeproc import ET_AL
from imap.model.items import Item, Kind, Reference
from imap.model.paths import relpath
from imap.publishing import manual_json
from imap.publishing.manual_schema import SCHEMA_FILE, SCHEMA_VERSION, manual_schema
from imap.reading.bibliography import issued
from imap.reading.parsecache import digest
from imap.rendering.render import md, page_url, table_caption
from imap.rendering.site import SiteData

DATA_DIR: Final = "data"
LIST_SEPARATOR: Final = ";"
NAME_SEPARATOR: Final = "; "


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    numeric: bool = False  # a count or a year, written as a number; every other column holds text


@dataclass(frozen=True)
class Table:
    name: str  # the file is <name>.csv
    rows_are: str
    columns: tuple[Column, ...]
    rows: Callable[[SiteData], Iterator[Sequence[str]]]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


def _c(name: str, meaning: str) -> Column:
    return Column(name, meaning)


def _n(name: str, meaning: str) -> Column:
    return Column(name, meaning, numeric=True)


def _ids(items: Sequence[Item]) -> str:
    return LIST_SEPARATOR.join(i.id for i in items)


def _targets(item: Item, name: str) -> str:
    return LIST_SEPARATOR.join(ref.target for ref in getattr(item, name))


# ---------------------------------------------------------------------------------------------------------------
# items.csv


def _item_rows(site: SiteData) -> Iterator[list[str]]:
    manual = site.manual
    for item in sorted(manual.items, key=lambda i: i.id):
        if item.kind is Kind.THEORY:
            principles = _ids(manual.principles_of_theory(item.id))
        elif item.kind in (Kind.INTERVENTION, Kind.SESSION):
            principles = _targets(item, "principles")
        else:
            principles = ""
        if item.kind is Kind.PRINCIPLE:
            interventions = _ids(manual.interventions_of_principle(item.id))
            sessions = _ids(manual.sessions_applying(item.id))
        elif item.kind is Kind.INTERVENTION:
            interventions, sessions = "", _ids(manual.sessions_using(item.id))
        elif item.kind is Kind.FORM:
            interventions, sessions = "", _ids(manual.sessions_using_form(item.id))
        else:
            interventions, sessions = _targets(item, "interventions"), ""
        yield [
            item.id,
            item.kind.value,
            item.title,
            item.summary,
            item.since,
            item.part,
            _targets(item, "theories"),
            principles,
            interventions,
            sessions,
            _targets(item, "forms"),
            LIST_SEPARATOR.join(h.id for h in item.hypotheses),
            _targets(item, "related"),
            item.phase or item.form_type or LIST_SEPARATOR.join(item.phases),
            item.source_therapy,
            item.certainty.rating if item.certainty else "",
            str(len(item.evidence)),
            item.url,
            site.permalink(item.id),
            item.path,
        ]


ITEMS: Final = Table(
    "items",
    "one row per item (chapter, theory, principle, intervention, session protocol, form), sorted by ID",
    (
        _c("id", "the permanent ID (C, T, P, I, S or F and a number)"),
        _c("kind", "chapter, theory, principle, intervention, session or form"),
        _c("title", "the page title"),
        _c("summary", "the item in one sentence (may be empty for a chapter)"),
        _c("since", "the manual version in which the item first appeared"),
        _c("part", "chapters: the part of the manual it belongs to"),
        _c("theories", "principles: the theories it rests on; interventions: theories it draws on directly"),
        _c(
            "principles",
            "theories: the principles that rest on it; interventions: the principles it serves; sessions: the"
            " principles it applies",
        ),
        _c("interventions", "principles: the interventions that serve it; sessions: the interventions it uses"),
        _c(
            "sessions",
            "principles: the session protocols that apply it; interventions and forms: the sessions that use it",
        ),
        _c("forms", "sessions: the forms and handouts it uses"),
        _c("hypotheses", "principles: the IDs of its hypotheses"),
        _c("related", "related items of the same kind"),
        _c(
            "phases",
            "interventions: preparation, medicine and/or integration; sessions: its phase of the course; forms: its"
            " type",
        ),
        _c("source_therapy", "interventions: the therapy or tradition it is drawn from"),
        _c("certainty", "principles and interventions: the certainty of the evidence (high, moderate, low, very-low)"),
        _n("evidence_links", "how many evidence links the item has (its hypotheses' links not counted)"),
        _c("url", "its page, relative to the site root"),
        _c("permalink", "its permanent address (/id/<ID>/), which never changes"),
        _c("source_file", "the Markdown file it is written in"),
    ),
    _item_rows,
)

# ---------------------------------------------------------------------------------------------------------------
# evidence.csv


def _evidence_rows(site: SiteData) -> Iterator[list[str]]:
    for item in sorted(site.manual.items, key=lambda i: i.id):
        edges = [(item.id, item.kind.value, link) for link in item.evidence]
        edges += [(h.id, "hypothesis", link) for h in item.hypotheses for link in h.evidence]
        for from_id, from_type, link in edges:
            yield [from_id, from_type, item.id, link.source, link.claim, link.kind, link.context, link.stance]


EVIDENCE: Final = Table(
    "evidence",
    "one row per evidence link (an edge from an item or hypothesis to a source), in the order of the items' IDs "
    "and of their front matter; a principle's hypotheses follow its own links",
    (
        _c("from", "the ID of the item or hypothesis the link belongs to"),
        _c("from_type", "theory, principle, intervention or hypothesis"),
        _c("item", "the item whose page shows the link (for a hypothesis: its principle)"),
        _c("source", "the reference's key (references.csv, references.bib)"),
        _c("claim", "what the source bears on, in a short phrase"),
        _c("kind", "the kind of evidence (vocabulary on the content model page)"),
        _c("context", "the context the evidence comes from"),
        _c("stance", "supports, qualifies or challenges"),
    ),
    _evidence_rows,
)

# ---------------------------------------------------------------------------------------------------------------
# references.csv


def _person(family: str, given: str) -> str:
    if family.lower() == "others":
        return ET_AL
    return f"{family}, {given}" if given else family


def _reference_rows(site: SiteData) -> Iterator[list[str]]:
    manual = site.manual
    links: dict[str, int] = {}
    for item in manual.items:
        for link in item.all_evidence():
            links[link.source] = links.get(link.source, 0) + 1
    for key, formatted in site.formatted.items():
        reference = manual.references[key]
        fields = reference.fields
        date = issued(reference)
        yield [
            key,
            reference.entry_type,
            str(formatted.csl.get("type", "")),
            NAME_SEPARATOR.join(_person(f, g) for f, g in reference.authors),
            str(date[0]) if date else "",
            reference.title,
            str(formatted.csl.get("container-title", "")),
            fields.get("volume", ""),
            fields.get("number", fields.get("issue", "")),
            fields.get("pages", "").replace("--", "–"),
            str(formatted.csl.get("publisher", "")),
            reference.doi,
            fields.get("url", ""),
            reference.retracted,
            f"({formatted.label})",
            formatted.entry_text,
            LIST_SEPARATOR.join(manual.cited_by.get(key, [])),
            str(links.get(key, 0)),
        ]


REFERENCES: Final = Table(
    "references",
    "one row per reference, in the order of the reference list (APA)",
    (
        _c("key", "the BibTeX key, as used in evidence links"),
        _c("entry_type", "the BibTeX or BibLaTeX entry type"),
        _c("csl_type", "the CSL item type"),
        _c("authors", "family, given names; separated by '; '; 'et al.' ends a list not seen in full"),
        _n("year", "the year of publication"),
        _c("title", "the title"),
        _c("container", "the journal or book it appeared in"),
        _c("volume", "the volume"),
        _c("issue", "the issue"),
        _c("pages", "the page range"),
        _c("publisher", "the publisher or institution"),
        _c("doi", "the DOI, without https://doi.org/"),
        _c("url", "a URL, where the entry has one"),
        _c("retracted", "the retraction notice, or empty"),
        _c("in_text", "the APA parenthetical citation"),
        _c("apa", "the APA 7th edition reference-list entry, plain text"),
        _c("cited_by", "the IDs of the items that cite it"),
        _n("evidence_links", "how many evidence links (items' and hypotheses') name it"),
    ),
    _reference_rows,
)

# ---------------------------------------------------------------------------------------------------------------
# hypotheses.csv


def _hypothesis_rows(site: SiteData) -> Iterator[list[str]]:
    for principle in site.manual.of_kind(Kind.PRINCIPLE):
        for h in principle.hypotheses:
            yield [
                h.id,
                principle.id,
                h.status,
                h.prediction,
                h.mechanism,
                h.measure,
                h.design,
                h.comparison,
                h.threshold,
                h.threshold_source,
                h.refuted_if,
                LIST_SEPARATOR.join(link.source for link in h.evidence),
                f"{principle.url}#{h.id.lower()}",
                site.permalink(h.id),
            ]


HYPOTHESES: Final = Table(
    "hypotheses",
    "one row per hypothesis, by principle",
    (
        _c("id", "the hypothesis ID (H, the principle's two digits, a letter)"),
        _c("principle", "the principle it tests"),
        _c("status", "the current evidence status"),
        _c("prediction", "the testable prediction"),
        _c("mechanism", "the proposed mechanism (a hypothesis)"),
        _c("measure", "the measure that would test it"),
        _c("design", "the design that would test it"),
        _c("comparison", "what is compared with what"),
        _c("threshold", "the margin that counts as support, or 'set in a pre-registered protocol'"),
        _c("threshold_source", "the reference key the threshold comes from, if any"),
        _c("refuted_if", "the result that would count against it"),
        _c("evidence_sources", "keys of the sources bearing on it (each also a row of evidence.csv)"),
        _c("url", "its section on the principle's page, relative to the site root"),
        _c("permalink", "its permanent address"),
    ),
    _hypothesis_rows,
)

TABLES: Final = (ITEMS, EVIDENCE, REFERENCES, HYPOTHESES)


# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection); OWASP's remedy is a leading
# apostrophe, behind which a spreadsheet shows the cell as text.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_NUMBER: Final = re.compile(r"-?[0-9]+")


def csv_cell(column: Column, value: str) -> str:
    """A cell as written: a text cell that a spreadsheet would run as a formula gets a leading apostrophe; a numeric
    column's cell is written as it is, and must be a whole number (or empty)."""
    if column.numeric:
        if value and not _NUMBER.fullmatch(value):
            raise ValueError(f"column {column.name} is numeric, but holds {value!r}")
        return value
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def table_csv(site: SiteData, table: Table) -> str:
    """A table as CSV (RFC 4180: comma-separated, double quotes where needed, CRLF line ends), header first; every
    cell passes csv_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in table.columns])
    for row in table.rows(site):
        writer.writerow([csv_cell(column, value) for column, value in zip(table.columns, row, strict=True)])
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# The bibliography: CSL-JSON and BibTeX


def csl_json(site: SiteData) -> list[dict[str, Any]]:
    """Every reference as a CSL-JSON item (bibliographic variables only), in reference-list order."""
    return [dict(formatted.csl) for formatted in site.formatted.values()]


# The fields the published references.bib carries: bibliographic fields of BibTeX and BibLaTeX, as written, and the
# project's retraction notice (a reader of the file must not miss it). Never a contributor's file paths, abstracts,
# keywords, private notes or reference-manager bookkeeping (owner, timestamp), nor the project's checking notes
# (verified, unverified), which manual.json publishes with each reference.
PUBLISHED_FIELDS: Final = frozenset(
    {
        "author", "editor", "translator", "bookauthor", "editora", "editorb", "editortype", "holder",
        "title", "subtitle", "titleaddon", "shorttitle", "journal", "journaltitle", "journalsubtitle", "shortjournal",
        "booktitle", "booksubtitle", "booktitleaddon", "maintitle", "mainsubtitle", "series", "volume", "volumes",
        "number", "issue", "pages", "pagetotal", "eid", "chapter", "part", "edition", "version", "type",
        "year", "date", "month", "day", "origdate", "eventdate", "eventtitle", "venue", "urldate", "pubstate",
        "publisher", "institution", "organization", "school", "address", "location", "howpublished",
        "doi", "url", "isbn", "issn", "eprint", "eprinttype", "eprintclass", "archiveprefix", "primaryclass",
        "pmid", "pmcid", "langid", "language", "crossref", "xdata", "retracted",
    }
)  # fmt: skip
_MONTHS: Final = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})


def _bib_entry(reference: Reference) -> Entry:
    """The entry with its published fields as written (braces and LaTeX kept: the file reads as the source did)."""
    fields = [
        Field(name, value if name == "month" and value.lower() in _MONTHS else "{" + value + "}")
        for name, value in reference.raw.items()
        if name in PUBLISHED_FIELDS and value.strip()
    ]
    return Entry(reference.entry_type, reference.key, fields)


def bibtex(site: SiteData) -> str:
    """The bibliography as BibTeX (BibLaTeX entry types kept as written), in reference-list order, the published
    fields only; taken from the build before when the references, their order and the version are the same."""
    references = [site.manual.references[key] for key in site.formatted]
    written_from = [(r.key, r.entry_type, sorted(r.raw.items())) for r in references]
    key = digest("references.bib", site.manual.version, repr(written_from))
    cached = site.exports.get(key)
    if cached is None:
        cached = _bibtex(site.manual.version, references)
        site.exports.put(key, cached)
    return cached


def _bibtex(version: str, references: list[Reference]) -> str:
    library = Library([_bib_entry(reference) for reference in references])
    layout = BibtexFormat()  # type: ignore[no-untyped-call]  # bibtexparser leaves its __init__ unannotated
    layout.indent = "  "
    layout.block_separator = "\n"
    layout.trailing_comma = True
    header = (
        f"% The IMAP manual's bibliography, version {version}, as written by the site build.\n"
        "% Bibliographic fields only, as the source writes them; 'retracted' marks retracted works. Where each entry\n"
        "% was checked is in manual.json (verified, unverified).\n\n"
    )
    return header + str(write_string(library, unparse_stack=[], bibtex_format=layout))


# ---------------------------------------------------------------------------------------------------------------
# Writing and documenting the files


@dataclass(frozen=True)
class DataFile:
    name: str
    media_type: str
    what: str


FILES: Final = (
    DataFile("manual.json", "application/json", "every item with its links, evidence, hypotheses and references"),
    DataFile(SCHEMA_FILE, "application/schema+json", f"the JSON Schema of manual.json (version {SCHEMA_VERSION})"),
    *(DataFile(table.file, "text/csv", table.rows_are) for table in TABLES),
    DataFile("references.csl.json", "application/json", "the bibliography as CSL-JSON (Zotero, Pandoc, citeproc)"),
    DataFile("references.bib", "application/x-bibtex", "the bibliography as BibTeX (BibLaTeX entry types kept)"),
)


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _json_records(data: object) -> str:
    """JSON whose lists of records (items, references) hold one record per line, keys sorted: a change to one
    record is a change to one line, and the fast (C) encoder writes each record where the indenting one is several
    times slower on a file of this size."""

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))

    def records(values: list[Any], indent: str) -> str:
        return "[\n" + ",\n".join(indent + "  " + compact(v) for v in values) + "\n" + indent + "]" if values else "[]"

    if isinstance(data, list):
        return records(data, "") + "\n"
    if isinstance(data, dict):
        fields = [
            f"  {compact(key)}: " + (records(value, "  ") if isinstance(value, list) else compact(value))
            for key, value in sorted(data.items())
        ]
        return "{\n" + ",\n".join(fields) + "\n}\n"
    return compact(data) + "\n"


def data_files(site: SiteData) -> dict[str, str]:
    """The name and content of every file under data/."""
    return {
        "manual.json": _json_records(manual_json.manual_json(site)),
        SCHEMA_FILE: _json(manual_schema(site.site_url)),
        **{table.file: table_csv(site, table) for table in TABLES},
        "references.csl.json": _json_records(csl_json(site)),
        "references.bib": bibtex(site),
    }


def write_data_files(site: SiteData, site_dir: Path) -> list[Path]:
    directory = site_dir / DATA_DIR
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in data_files(site).items():
        path = directory / name
        # newline="" keeps the CSV files' CRLF line ends as the csv module wrote them.
        with path.open("w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        written.append(path)
    return written


def data_url(from_path: str, name: str = "") -> str:
    """The relative URL of a data file from the page built from a docs path."""
    return relpath(DATA_DIR, page_url(from_path)) + "/" + name


def files_table(from_path: str) -> str:
    """The data page's list of files, each linked (raw HTML links: the files exist only in the built site, so
    MkDocs cannot check them; the link check and a test do)."""
    rows = [
        f'| <a href="{data_url(from_path, f.name)}">{f.name}</a> | `{f.media_type}` | {md(f.what)} |' for f in FILES
    ]
    caption = table_caption("The files under data/, each with its media type.")
    return "\n".join([caption + "| File | Type | What it holds |", "|---|---|---|", *rows])


def columns_table(name: str) -> str:
    """The columns of one CSV table (items, evidence, references, hypotheses) with their meaning."""
    table = next(t for t in TABLES if t.name == name)
    rows = [f"| `{c.name}` | {md(c.meaning)} |" for c in table.columns]
    caption = table_caption(f"The columns of {table.file}, in order.")
    return "\n".join([f"Rows: {md(table.rows_are)}.", "", caption + "| Column | Meaning |", "|---|---|", *rows])


def versions(site: SiteData) -> str:
    return (
        f"This build publishes version **{md(site.manual.version)}** of the manual, "
        f"with manual.json in schema version **{SCHEMA_VERSION}**."
    )
