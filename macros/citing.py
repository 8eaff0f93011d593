"""How to cite the manual and its items: CITATION.cff read as data, and "Cite this" for every item page.

The APA reference is formatted by citeproc-py with the same APA CSL style as the bibliography; the BibTeX entry is
written by bibtexparser. Both name the manual version, the item's ID and title, and the permanent address of the
item inside that version of the published site.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from bibtexparser import model as bib
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library

from macros.citations import apa, cache_key, escape_csl, write_cache_file
from macros.model import Item
from macros.parsecache import read_verified

FILE = "CITATION.cff"
DEFAULT_TITLE = "IMAP manual"
DEFAULT_AUTHOR = "IMAP manual contributors"


@dataclass(frozen=True)
class Work:
    """The manual as a citable work (from CITATION.cff)."""

    title: str = DEFAULT_TITLE
    authors: tuple[str, ...] = (DEFAULT_AUTHOR,)
    version: str = ""
    date: str = ""  # YYYY-MM-DD of this version, or "" when not known


@dataclass(frozen=True)
class ItemCitation:
    apa_html: str
    apa_text: str
    bibtex: str
    url: str


def read_work(root: Path, version: str, date: str) -> Work:
    """The work described by CITATION.cff, at the given version and date; defaults when the file is absent."""
    try:
        data = yaml.safe_load((root / FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict):
        return Work(version=version, date=date)
    authors = tuple(
        str(a.get("name") or " ".join(str(a.get(k, "")) for k in ("given-names", "family-names")).strip())
        for a in data.get("authors") or []
        if isinstance(a, dict)
    )
    return Work(
        title=str(data.get("title") or DEFAULT_TITLE), authors=authors or Work().authors, version=version, date=date
    )


def _csl(work: Work, item: Item, url: str, ref_id: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": ref_id,
        "type": "entry-encyclopedia",
        "author": [{"literal": a} for a in work.authors],
        "title": item.label,
        "container-title": work.title,
        "version": work.version,
    }
    if url:
        record["URL"] = url
    if work.date:
        record["issued"] = {"date-parts": [[int(p) for p in work.date.split("-")]]}
    return record


def _bibtex(work: Work, item: Item, url: str) -> str:
    key = re.sub(r"[^A-Za-z0-9]+", "_", f"imap_{item.id}_v{work.version}")
    fields = [
        bib.Field("author", " and ".join("{" + a + "}" for a in work.authors)),
        bib.Field("title", "{" + item.id + "} " + item.title),
        bib.Field("booktitle", work.title),
        bib.Field("version", work.version),
    ]
    if work.date:
        fields += [bib.Field("year", work.date[:4]), bib.Field("date", work.date)]
    if url:
        fields.append(bib.Field("url", url))
    fields.append(bib.Field("note", f"Permanent ID {item.id}"))
    return write_string(Library([bib.Entry("incollection", key, fields)])).strip()


def _format(records: list[dict[str, Any]]) -> dict[str, str]:
    """CSL record ID -> the APA reference as HTML, in one citeproc run."""
    with apa(records) as (bibliography, citation):
        for record in records:
            bibliography.register(citation(record["id"]))
        entries = zip(bibliography.keys, bibliography.bibliography(), strict=True)
        return {ref_id: str(entry) for ref_id, entry in entries}


def _format_cached(records: list[dict[str, Any]], cache_dir: Path | None) -> dict[str, str]:
    """As _format, reusing the result of an earlier build with the same records (as citations.format_references
    does for the bibliography); a missing or corrupt cache file is ignored."""
    if cache_dir is None:
        return _format(records)
    path = cache_dir / f"items-{cache_key(records, Path(__file__))}.json"
    text = read_verified(path)  # HTML put into pages: only a file this machine wrote (see macros.parsecache)
    try:
        cached = json.loads(text) if text is not None else None
    except ValueError:
        cached = None
    if (
        isinstance(cached, dict)
        and set(cached) == {r["id"] for r in records}
        and all(isinstance(v, str) for v in cached.values())
    ):
        return cached
    result = _format(records)
    write_cache_file(path, result)
    return result


def cite_items(
    work: Work, items: list[Item], urls: Mapping[str, str], cache_dir: Path | None = None
) -> dict[str, ItemCitation]:
    """'Cite this' for each item, formatted in one citeproc run (or taken from the cache of an earlier build)."""
    if not items:
        return {}
    ids = {item.id: f"item{index}" for index, item in enumerate(items)}
    by_id = _format_cached([escape_csl(_csl(work, item, urls[item.id], ids[item.id])) for item in items], cache_dir)
    result: dict[str, ItemCitation] = {}
    for item in items:
        entry = by_id[ids[item.id]]
        result[item.id] = ItemCitation(
            apa_html=entry,
            apa_text=html.unescape(re.sub(r"<[^>]+>", "", entry)),
            bibtex=_bibtex(work, item, urls[item.id]),
            url=urls[item.id],
        )
    return result
