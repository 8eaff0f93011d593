"""Read references.bib (BibTeX or BibLaTeX) with bibtexparser v2 into Reference objects and CSL-JSON.

Blocks that bibtexparser cannot parse are reported with their line, never dropped silently.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Final

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_parser_context_db

from macros.diagnostics import Diagnostic, Location, error
from macros.model import Reference
from macros.parsecache import ParseCache, digest

_CSL_TYPES: Final = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "proceedings": "book",
    "manual": "report",
    "report": "report",
    "techreport": "report",
    "online": "webpage",
    "www": "webpage",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "unpublished": "manuscript",
    "misc": "document",
    "dataset": "dataset",
    "software": "software",
}

# Plain field name -> CSL variable.
_CSL_FIELDS: Final = {
    "title": "title",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "volume": "volume",
    "number": "issue",
    "issue": "issue",
    "edition": "edition",
    "publisher": "publisher",
    "institution": "publisher",
    "organization": "publisher",
    "howpublished": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "doi": "DOI",
    "url": "URL",
    "isbn": "ISBN",
}

_DOI: Final = re.compile(r"10\.\d{4,9}/\S+")
_YEAR: Final = re.compile(r"(\d{1,5})")
_FIRST_YEAR: Final = 1700
ET_AL_MARKER: Final = "ETALMARKER"


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs its own parse errors; the project reports them as diagnostics instead."""
    logger = logging.getLogger("bibtexparser.splitter")
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


# Text without these needs no LaTeX parser (slow: pylatexenc reads it a character at a time): its only markup is
# braces, which are dropped, and dashes, which become typographic dashes, exactly as pylatexenc converts them.
_LATEX_MARKUP: Final = re.compile(r"[\\$%&~`]|''")


class _FastLatex(LatexNodes2Text):  # type: ignore[misc]  # pylatexenc ships no types
    """pylatexenc's conversion, done without the parser for text whose only markup is braces and dashes (most of a
    bibliography), and with the parser's table of LaTeX macros built once (pylatexenc rebuilds it for every string)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._parser_context = get_default_parser_context_db()

    def latex_to_text(self, latex: str, **kwargs: Any) -> str:
        if not _LATEX_MARKUP.search(latex):
            return latex.replace("---", "\u2014").replace("--", "\u2013").replace("{", "").replace("}", "")
        return str(super().latex_to_text(latex, **{"latex_context": self._parser_context, **kwargs}))


def field_decoder() -> LatexNodes2Text:
    """The decoder bibtexparser's LatexDecodingMiddleware builds by default, with the fast path for plain text."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "bibtexparse-default-context", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return _FastLatex(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


def name_decoder() -> LatexNodes2Text:
    return _FastLatex()


def _latex(text: str, decoder: LatexNodes2Text) -> str:
    """Decode LaTeX in a name part ({\\"u} -> ü); bibtexparser decodes fields but not names."""
    try:
        return " ".join(decoder.latex_to_text(text).split())
    except Exception:  # noqa: BLE001 -- pylatexenc raises various errors on malformed LaTeX; keep the raw text
        return _plain(text)


def _names(value: Any, latex: LatexNodes2Text) -> tuple[tuple[str, str], ...]:
    """(family, given) pairs; a corporate author written in braces has an empty given name."""
    if not isinstance(value, list):
        return ()
    names: list[tuple[str, str]] = []
    for part in value:
        if isinstance(part, middlewares.NameParts):
            family = _latex(" ".join([*part.von, *part.last]), latex)
            given = _latex(" ".join(part.first), latex)
            if part.jr:
                given = f"{given}, {_latex(' '.join(part.jr), latex)}".strip(", ")
            names.append((family, given))
    return tuple(names)


def _plain(value: Any) -> str:
    return " ".join(str(value).replace("{", "").replace("}", "").split())


_ENTRY_START: Final = re.compile(r"^[ \t]*@", re.MULTILINE)
_SHARED_BLOCK: Final = re.compile(r"@\s*(?:string|preamble)\b", re.IGNORECASE)


def pieces(text: str) -> list[tuple[int, str]]:
    """The text cut before every line that opens an entry outside braces, with the 0-based line each piece starts
    on. A piece parses on its own as it does in the whole file, so one that has not changed since the last run is not
    parsed again. Text with @string or @preamble blocks, which other entries may use, is kept whole."""
    if _SHARED_BLOCK.search(text):
        return [(0, text)]
    found: list[tuple[int, str]] = []
    start = start_line = depth = line = last = 0
    for match in _ENTRY_START.finditer(text):
        at = match.start()
        depth += text.count("{", last, at) - text.count("}", last, at)
        line += text.count("\n", last, at)
        last = at
        if depth == 0 and at > start:
            found.append((start_line, text[start:at]))
            start, start_line = at, line
    found.append((start_line, text[start:]))
    return found


@dataclass(frozen=True)
class ParsedBlock:
    """One block of a piece of the file as parsed, with lines counted from the piece's first line."""

    key: str  # "" for a block that is not an entry
    line: int
    reference: Reference | None  # None: not an entry (a block that failed, or a duplicate)
    problems: tuple[Diagnostic, ...] = ()
    duplicate: bool = False  # a second entry with a key already used in the same piece


class _Decoders:
    """The LaTeX decoders, built when the first piece is parsed (building one is expensive; most runs reuse every
    piece and need none)."""

    @cached_property
    def fields(self) -> LatexNodes2Text:
        return field_decoder()

    @cached_property
    def names(self) -> LatexNodes2Text:
        return name_decoder()


def load(
    path: str, text: str, cache: ParseCache[tuple[ParsedBlock, ...]] | None = None
) -> tuple[dict[str, Reference], list[Diagnostic]]:
    """The references of the file and every problem in it. With a cache, only pieces not parsed before are parsed."""
    diagnostics: list[Diagnostic] = []
    decoders = _Decoders()
    first_seen: dict[str, int] = {}
    references: dict[str, Reference] = {}
    for offset, piece in pieces(text):
        key = digest(path, piece)
        parsed = cache.get(key) if cache is not None else None
        if parsed is None:
            parsed = _parse(path, piece, decoders)
            if cache is not None:
                cache.put(key, parsed)
        for block in parsed:
            line = block.line + offset
            if block.duplicate or (block.reference is not None and block.key in first_seen):
                diagnostics.append(
                    error(
                        Location(path, line),
                        "bib.duplicate-key",
                        f"entry key '{block.key}' is used twice",
                        f"the first entry with this key is on line {first_seen.get(block.key, '?')}",
                    )
                )
                continue
            if block.reference is not None:
                first_seen[block.key] = line
                references[block.key] = replace(block.reference, location=Location(path, line))
            diagnostics.extend(_shifted(p, offset) for p in block.problems)
    return references, diagnostics


def _shifted(diagnostic: Diagnostic, offset: int) -> Diagnostic:
    where = diagnostic.location
    return replace(diagnostic, location=Location(where.path, where.line + offset)) if where.line else diagnostic


def _parse(path: str, text: str, decoders: _Decoders) -> tuple[ParsedBlock, ...]:
    with _quiet_bibtexparser():
        library = parse_string(
            text,
            append_middleware=[
                middlewares.SeparateCoAuthors(),
                middlewares.SplitNameParts(),
                middlewares.LatexDecodingMiddleware(decoder=decoders.fields),
            ],
        )
    found: list[ParsedBlock] = []
    for block in library.blocks:
        if isinstance(block, Entry):
            reference, problems = _entry(path, block, decoders.names)
            found.append(ParsedBlock(block.key, _line(block), reference, tuple(problems)))
        elif isinstance(block, DuplicateBlockKeyBlock):
            found.append(ParsedBlock(block.key, _line(block), None, duplicate=True))
        elif isinstance(block, DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(f"'{k}'" for k in block.duplicate_keys))
            key = getattr(block.ignore_error_block, "key", "?")
            found.append(
                ParsedBlock(
                    "",
                    0,
                    None,
                    (
                        error(
                            Location(path, _line(block)),
                            "bib.parse",
                            f"entry '{key}' has a field more than once: {fields}",
                            "keep one of each field",
                        ),
                    ),
                )
            )
        elif isinstance(block, ParsingFailedBlock):
            found.append(ParsedBlock("", 0, None, (_failed(path, block),)))
    return tuple(found)


def _line(block: Block) -> int:
    """bibtexparser counts lines from 0."""
    return (block.start_line or 0) + 1


def _failed(path: str, block: Block) -> Diagnostic:
    raw = (block.raw or "").strip()
    head = raw.split("\n", 1)[0][:60]
    match = re.match(r"@\s*\w+\s*\{\s*([^,\s]+)", raw)
    what = f"entry '{match.group(1)}'" if match else f"block '{head}'"
    return error(
        Location(path, _line(block)),
        "bib.parse",
        f"{what} could not be parsed and was not loaded",
        "check for unbalanced braces, a missing comma between fields, or a missing closing brace",
    )


def _entry(path: str, entry: Entry, latex: LatexNodes2Text) -> tuple[Reference, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    authors: tuple[tuple[str, str], ...] = ()
    editors: tuple[tuple[str, str], ...] = ()
    for field in entry.fields:
        key = field.key.lower()
        lines[key] = (field.start_line if field.start_line is not None else entry.start_line or 0) + 1
        if key == "author":
            authors = _names(field.value, latex)
        elif key == "editor":
            editors = _names(field.value, latex)
        else:
            fields[key] = _plain(field.value)
    location = Location(path, _line(entry))
    entry_type = entry.entry_type.lower()

    if not fields.get("title"):
        diagnostics.append(error(location, "bib.missing-field", f"entry '{entry.key}' has no title"))
    if not fields.get("year") and not fields.get("date"):
        diagnostics.append(error(location, "bib.missing-field", f"entry '{entry.key}' has no year or date"))
    if entry_type == "article" and not (fields.get("journal") or fields.get("journaltitle")):
        diagnostics.append(
            error(location, "bib.missing-field", f"article '{entry.key}' has no journal (or journaltitle)")
        )
    for name in ("year", "date"):
        if name in fields and _year(fields[name]) is None:
            diagnostics.append(
                error(
                    Location(path, lines[name]),
                    "bib.year",
                    f"entry '{entry.key}' has an impossible {name} '{fields[name]}'",
                    f"a publication year between {_FIRST_YEAR} and next year",
                )
            )
    doi = fields.get("doi")
    if doi is not None and not _DOI.fullmatch(doi):
        hint = (
            "write the DOI without the https://doi.org/ prefix"
            if "doi.org" in doi
            else "a DOI looks like 10.1016/j.brat.2005.01.001"
        )
        diagnostics.append(
            error(Location(path, lines["doi"]), "bib.doi", f"entry '{entry.key}' has a malformed DOI '{doi}'", hint)
        )
        fields.pop("doi")
    return (
        Reference(
            key=entry.key,
            entry_type=entry_type,
            fields=fields,
            authors=authors,
            editors=editors,
            location=location,
        ),
        diagnostics,
    )


def _year(value: str) -> int | None:
    match = _YEAR.match(value.strip())
    if not match or len(match.group(1)) != 4:
        return None
    year = int(match.group(1))
    return year if _FIRST_YEAR <= year <= datetime.date.today().year + 1 else None


def issued(reference: Reference) -> list[int] | None:
    """Date parts [year, month?, day?] from `date` (BibLaTeX) or `year` (BibTeX)."""
    date = reference.fields.get("date", "")
    if date:
        parts = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
        if parts:
            return [int(p) for p in parts.groups() if p]
    year = _year(reference.fields.get("year", ""))
    return [year] if year else None


def to_csl(reference: Reference) -> dict[str, Any]:
    """The reference as a CSL-JSON item."""
    csl: dict[str, Any] = {"id": reference.key, "type": _CSL_TYPES.get(reference.entry_type, "document")}
    for name, value in sorted(reference.fields.items()):
        variable = _CSL_FIELDS.get(name)
        if variable and value and variable not in csl:
            csl[variable] = value
    if "pages" in reference.fields:
        csl["page"] = reference.fields["pages"].replace("--", "–")
    for role, names in (("author", reference.authors), ("editor", reference.editors)):
        people: list[dict[str, str]] = []
        for family, given in names:
            if family.lower() == "others":
                # The source's author list was not seen in full: keep that visible as "et al.".
                people.append({"literal": ET_AL_MARKER})
            elif not given:
                people.append({"literal": family})
            else:
                people.append({"family": family, "given": given})
        if people:
            csl[role] = people
    if not reference.authors and "organization" in reference.fields and reference.entry_type in ("manual", "report"):
        csl["author"] = [{"literal": reference.fields["organization"]}]
    date = issued(reference)
    if date:
        csl["issued"] = {"date-parts": [date]}
    if "urldate" in reference.fields:
        accessed = re.match(r"(\d{4})-(\d{2})-(\d{2})", reference.fields["urldate"])
        if accessed:
            csl["accessed"] = {"date-parts": [[int(p) for p in accessed.groups()]]}
    return csl
