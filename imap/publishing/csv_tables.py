"""The CSV downloads: items, evidence links, references and hypotheses, one row per record, each column with its
meaning (documented on the data page), and every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from imap.citing.fixups import ET_AL
from imap.model.items import Item, Kind
from imap.reading.bibliography import issued
from imap.rendering.site import SiteData

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
