"""How to cite the manual and its items: the work CITATION.cff describes (imap.citing.citation_file checks the
file), and "Cite this" for every item page.

The APA reference is formatted by pandoc's citeproc with the same APA CSL style as the bibliography; the BibTeX entry is
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
from typing import Any, Final

from bibtexparser import model as bib
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library

from imap.citing.citation_file import _load, _read
from imap.citing.citeproc import cache_key, format_csl_items, write_cache_file
from imap.model.items import Item
from imap.reading.parsecache import read_verified

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
    """The work described by CITATION.cff, at the given version and date; defaults when the file is absent or cannot
    be read as YAML (`check` reports why: the build stops on it before it gets here)."""
    data = _load(_read(root))[0]
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
    """CSL record ID -> the APA reference as HTML, in one run of the reference engine (imap.citing.citeproc)."""
    # Each item is a work of its own, cited alone: APA's letters for works of one author and year (2026a, n.d.-b),
    # which the engine adds because it formats them together, do not belong to any of them.
    return {
        ref_id: _NO_LETTER.sub(r"(\1\2)", entry, count=1)
        for ref_id, (entry, _text) in format_csl_items(records).items()
    }


_NO_LETTER: Final = re.compile(r"\((\d{4}|n\.d\.)-?[a-z]{1,2}(,[^()]*)?\)")


def _format_cached(records: list[dict[str, Any]], cache_dir: Path | None) -> dict[str, str]:
    """As _format, reusing the result of an earlier build with the same records (as citations.format_references
    does for the bibliography); a missing or corrupt cache file is ignored."""
    if cache_dir is None:
        return _format(records)
    path = cache_dir / f"items-{cache_key(records, Path(__file__))}.json"
    text = read_verified(path)  # HTML put into pages: only a file this machine wrote (see imap.reading.parsecache)
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
    """'Cite this' for each item, formatted in one run of the reference engine (or taken from the cache of an earlier
    build)."""
    if not items:
        return {}
    ids = {item.id: f"item{index}" for index, item in enumerate(items)}
    by_id = _format_cached([_csl(work, item, urls[item.id], ids[item.id]) for item in items], cache_dir)
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
