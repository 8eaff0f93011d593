"""The downloads under site/data/: the manual as JSON with its JSON Schema, the evidence graph as CSV tables, and the
bibliography as CSL-JSON and BibTeX. All are written by the build from the model, in a fixed order, so two builds of
one commit are byte-identical.

The columns of each table are declared once here, with their meaning (and whether they hold numbers); the site's data
page shows these declarations, so the documentation is the code. The one CSV writer, table_csv, neutralises
spreadsheet formulas in every text cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from imap.model.items import Reference
from imap.model.paths import relpath
from imap.publishing import manual_json
from imap.publishing.csv_tables import TABLES, table_csv
from imap.publishing.manual_schema import SCHEMA_FILE, SCHEMA_VERSION, manual_schema
from imap.reading.parsecache import digest
from imap.rendering.markdown import md, page_folder, table_caption
from imap.rendering.site import SiteData

DATA_DIR: Final = "data"


# ---------------------------------------------------------------------------------------------------------------
# items.csv


# ---------------------------------------------------------------------------------------------------------------
# evidence.csv


# ---------------------------------------------------------------------------------------------------------------
# references.csv


# ---------------------------------------------------------------------------------------------------------------
# hypotheses.csv


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


def data_url(from_path: str, name: str = "", directory_urls: bool = True) -> str:
    """The relative URL of a data file from the page built from a docs path."""
    return relpath(DATA_DIR, page_folder(from_path, directory_urls)) + "/" + name


def data_link(from_path: str, name: str, directory_urls: bool = True) -> str:
    """A link to a data file, named by its path (raw HTML: the file exists only in the built site)."""
    if name not in {f.name for f in FILES}:
        raise KeyError(f"no data file '{name}' (the data files are listed in imap/publishing/downloads.py)")
    return f'<a href="{data_url(from_path, name, directory_urls)}"><code>{DATA_DIR}/{name}</code></a>'


def files_table(from_path: str, directory_urls: bool = True) -> str:
    """The data page's list of files, each linked (raw HTML links: the files exist only in the built site, so
    MkDocs cannot check them; the link check and a test do)."""
    rows = [
        f'| <a href="{data_url(from_path, f.name, directory_urls)}">{f.name}</a> | `{f.media_type}` | {md(f.what)} |'
        for f in FILES
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
