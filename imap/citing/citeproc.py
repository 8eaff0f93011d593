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

The work is one run of pandoc over the whole bibliography (never one per page), with a custom writer, engine.lua:
pandoc starts reading the bibliography before the checks do (`Pending`: the two readings overlap), and its writer,
given the fix-ups worked out from the checks' reading, keeps pandoc's reading for the agreement checks, makes the
fix-ups, formats every reference and citation at once (so year letters such as 2011a/2011b are worked out for the
whole manual) and writes CSL-JSON. Because citeproc's rule for APA's initials costs time that grows far faster
than the library, the writer formats with the style itself only the references whose citations another reference
could change, and everything else with a copy of the style whose rule is cheap (`_cheap_style`; see engine.lua). The
result is kept in the cache directory (the site build passes .cache/imap/) under a hash of everything it depends on:
the bibliography text, the style, pandoc's version and the engine's code.

Two readers see each entry, bibtexparser (whose lines the checks report) and pandoc (whose reading is printed);
`problems` reports every entry they disagree on (its type, year or number of authors), so what was checked is what
is printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from imap.citing import agreement, fixups, pandoc, pandoc_html, prepass
from imap.citing.agreement import _agreement, _dropped_latex
from imap.citing.fixups import ET_AL, ET_AL_MARKER, _string
from imap.model.diagnostics import Diagnostic, Location, Severity, error
from imap.model.items import Reference
from imap.reading import bib_values, bibrules
from imap.reading.parsecache import read_verified, write_verified

STYLE: Final = Path(__file__).parent / "styles" / "apa.csl"  # see imap/citing/styles/README.md
ENGINE: Final = Path(__file__).parent / "engine.lua"  # the custom writer of the one pandoc run

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
    from one pandoc run (and then stored in the cache). A missing, unreadable or corrupt cache file is ignored."""
    if not references:
        return Result()
    with Pending(bibtex, cache_dir) as pending:
        return pending.result(references)


class Pending:
    """The reference engine started on a bibliography before the checks have read it (imap.checking.project): pandoc
    reads the file while the project reads it too, and the fix-ups, which come from the checks' reading, are given
    to pandoc's writer when `result` is asked, so the two readings take the time of one. Nothing is started when the
    cache holds the result. Used as a context manager, so that a run whose result is never asked is stopped."""

    def __init__(self, bibtex: str, cache_dir: Path | None = None) -> None:
        self._bibtex = bibtex
        self._path = cache_dir / f"references-{cache_key(bibtex)}.json" if cache_dir is not None else None
        # HTML put into pages: only a file this machine wrote (see imap.reading.parsecache)
        self._cached = read_verified(self._path) if self._path is not None else None
        self._started: _Started | pandoc.PandocError | None = None
        if self._cached is None and bibtex:
            try:
                self._started = _start(bibtex)
            except pandoc.PandocError as problem:  # told when the result is asked
                self._started = problem

    def result(self, references: Mapping[str, Reference]) -> Result:
        """The references formatted, with the engine's problems; a pandoc that refused the file is a problem at the
        line pandoc names."""
        if not references:
            return Result()
        cached = _parse_cache(self._cached, references) if self._cached is not None else None
        if cached is not None:
            return cached
        started, self._started = self._started, None
        try:
            if isinstance(started, pandoc.PandocError):
                raise started
            started = started or _start(self._bibtex)  # the cache held a result for other references
            result = _process(self._bibtex, started, references)
        except pandoc.PandocError as problem:
            line = _PANDOC_LINE.search(str(problem))  # where pandoc stopped reading ("Error at (line 8, column 1)")
            where = Location("references.bib", int(line.group(1)) if line else 0)
            return Result(problems=(error(where, "bib.engine", str(problem)),))
        finally:
            if isinstance(started, _Started):
                started.run.stop()  # whatever happened (a finished run has only its folder left to remove)
        if self._path is not None:
            _write_cache(self._path, result)
        return result

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *_: object) -> None:
        if isinstance(self._started, _Started):
            self._started.run.stop()
        self._started = None


def format_csl_items(records: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """CSL-JSON records (the manual's own items, for "Cite this") formatted by the same engine: id -> (HTML, text)."""
    if not records:
        return {}
    keys = [str(r["id"]) for r in records]
    started = _start_run(["-f", "csljson"], json.dumps(records).encode("utf-8"))
    _read, rendered, _csl = _finish(started, keys, None)
    return {key: (entry, pandoc_html.text_of(entry)) for key, (entry, _label) in rendered.items()}


def cache_key(data: Any, code: Path | None = None) -> str:
    """A hash of everything a formatting result depends on: the data, the style, pandoc's version and the code."""
    digest = hashlib.sha256()
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(STYLE.read_bytes())
    digest.update(pandoc.version().encode("utf-8"))
    reading = Path(bibrules.__file__).parent  # the checks whose reading the fix-ups and the agreement take
    for module in (*sorted(Path(__file__).parent.glob("*.py")), *sorted(reading.glob("bib*.py"))):
        digest.update(module.read_bytes())
    for lua in sorted(ENGINE.parent.glob("*.lua")):  # engine.lua and the files it reads (names.lua, sharing.lua)
        digest.update(lua.read_bytes())
    if code is not None:
        digest.update(code.read_bytes())
    return digest.hexdigest()[:32]


# ---------------------------------------------------------------------------------------------------------------
# The one run


@dataclass(frozen=True)
class _Started:
    run: pandoc.Run
    placeholder: str  # see _placeholder


def _start(bibtex: str) -> _Started:
    """pandoc started on the bibliography, its writer waiting for its settings (_finish)."""
    return _start_run(["-f", "biblatex"], prepass.for_pandoc(bibtex).encode("utf-8"))


def _start_run(reader: list[str], data: bytes) -> _Started:
    """pandoc started: it reads `data` (a file in its folder) while the project works out the settings, which
    engine.lua reads from standard input (_finish)."""
    files = {"references.bib": data}
    arguments = [*reader, "-t", str(ENGINE), "{references.bib}"]
    cheap = _cheap_style()
    if cheap is not None:
        files["cheap.csl"] = cheap
        arguments.append("--metadata=imap-cheap-style:{cheap.csl}")
    return _Started(pandoc.Run(arguments, files), _placeholder(data))


def _process(bibtex: str, started: _Started, references: Mapping[str, Reference]) -> Result:
    read, rendered, csl = _finish(
        started,
        list(references),
        {key: fixups.hints(reference, references) for key, reference in references.items()},
    )
    by_key = {_string(ref["c"].get("id")): ref for ref in read if isinstance(ref, dict)}
    found = [
        *_agreement(references, by_key),
        *_dropped_latex(references, by_key),
        *agreement.read_twice(references, read, bibtex),
        *agreement.titles_differ(references, by_key, read),
    ]
    csl_by_key = {str(item.get("id")): _public(item) for item in csl if isinstance(item, dict)}
    formatted = {
        key: Formatted(
            key=key,
            entry_html=entry,
            entry_text=pandoc_html.text_of(entry),
            label=label,
            csl=csl_by_key.get(key, {"id": key}),
        )
        for key, (entry, label) in rendered.items()
    }
    return Result(formatted, tuple(found))


def _finish(
    started: _Started, keys: list[str], hints: Mapping[str, Any] | None
) -> tuple[list[Any], dict[str, tuple[str, str]], list[Any]]:
    """pandoc, having read the references, is given its settings and, in the same run (engine.lua), makes the
    fix-ups (unless `hints` is None), formats every reference with one in-text citation each and writes CSL-JSON:
    the references as read (pandoc's JSON metadata), each key's entry and label in reference-list order, and the
    CSL-JSON items."""
    settings = {
        "style": str(STYLE),
        "keys": keys,
        "fix": hints is not None,
        "hints": hints or {},
        "marker": ET_AL_MARKER,
        "statuses": list(bib_values.STATUSES),
        "placeholder": started.placeholder,
    }
    out = started.run.finish(json.dumps(settings).encode("utf-8"))
    try:
        result = json.loads(out)
        read = json.loads(result["read"]).get("meta", {}).get("references", {}).get("c", [])
        csl = json.loads(result["csl"])
        html_out = result["html"]
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as problem:  # nesting past Python's depth
        raise pandoc.PandocError(f"the reference engine's output could not be read: {problem!s:.200}") from problem
    if not isinstance(read, list) or not isinstance(csl, list) or not isinstance(html_out, str):
        raise pandoc.PandocError("the reference engine's output could not be read: unexpected shape")
    return read, pandoc_html.entries(html_out), csl


_PLACEHOLDERS: Final = re.compile(r"imapgivenname(q*)")
_NOT_LETTERS: Final = re.compile(r"[\W\d_]+")


def _placeholder(data: bytes) -> str:
    """The start of the placeholders engine.lua gives names in Chinese, Japanese or Korean script while citeproc
    formats them: letters that the bibliography's letters, in lower case, never spell, so that no text of a
    contributor's is taken for one."""
    letters = _NOT_LETTERS.sub("", data.decode("utf-8", "replace").lower())
    longest = max((len(found.group(1)) for found in _PLACEHOLDERS.finditer(letters)), default=-1)
    return "imapgivenname" + "q" * (longest + 1)


def _cheap_style() -> bytes | None:
    """The style with its cheap rule for initials ("by-cite"), with which engine.lua formats the references no other
    reference shares a first name with (see there); None if the style has no such rule to swap."""
    style = STYLE.read_bytes()
    rule = b'givenname-disambiguation-rule="primary-name-with-initials"'
    return style.replace(rule, b'givenname-disambiguation-rule="by-cite"') if style.count(rule) == 1 else None


# ---------------------------------------------------------------------------------------------------------------
# What the project does around pandoc


def _public(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item as published: bibliographic variables only; an incomplete author list ends in "et al."; a
    work of no particular kind (BibTeX's @misc, which pandoc gives no type) is a CSL document, as CSL requires one."""
    result: dict[str, Any] = {}
    for name, value in item.items():
        if name not in PUBLIC_CSL or (name == "type" and not value):
            continue
        if isinstance(value, list):
            value = [
                {"literal": ET_AL} if isinstance(p, dict) and p.get("literal") == ET_AL_MARKER else p for p in value
            ]
        result[name] = value
    result.setdefault("type", "document")
    return result


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


_PANDOC_LINE: Final = re.compile(r"\bline ([0-9]{1,7})\b")


# ---------------------------------------------------------------------------------------------------------------
# The cache


def _parse_cache(text: bytes, references: Mapping[str, Reference]) -> Result | None:
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
