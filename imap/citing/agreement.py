"""Where pandoc's reading of the bibliography and the project's own disagree (kind of work, year, number of
authors and editors, inheritance through crossref and xdata), and LaTeX pandoc dropped: each a diagnostic at the
entry's line, so that nothing is lost or guessed silently."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Final

from imap.citing.fixups import _TYPES, _string, inherited
from imap.model.diagnostics import Diagnostic, Location, error, warning
from imap.model.items import Reference
from imap.reading import bib_values, bibrules


def _agreement(references: Mapping[str, Reference], by_key: Mapping[str, Any]) -> Iterable[Diagnostic]:
    for key, as_written in references.items():
        if as_written.entry_type == "xdata":
            continue  # fields for other entries to take (xdata), not a work of its own
        reference = inherited(as_written, references)
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
            if role == "editor" and reference.raw.get("editortype", "").strip("{} ").lower() not in ("", "editor"):
                continue  # a compiler's, director's or other role, which pandoc reads under that role
            names = [n for n in bib_values.split_names(reference.raw.get(role, "")) if n]
            read = meta.get(role, {}).get("c", []) if isinstance(meta.get(role), dict) else []
            if len(names) != len(read):
                yield error(
                    where,
                    "bib.agreement",
                    f"entry '{key}' has {len(names)} {role}(s) for the checks but {len(read)} for the reference engine",
                    _CHECK,
                )


_CHECK: Final = "check the entry's braces and 'and's; if it looks right, report it: the two readers should agree"


def read_counts(read: list[Any]) -> dict[str, int]:
    """How many times pandoc read each key."""
    counts: dict[str, int] = {}
    for ref in read:
        key = _string(ref.get("c", {}).get("id")) if isinstance(ref, dict) else ""
        counts[key] = counts.get(key, 0) + 1
    return counts


def read_twice(references: Mapping[str, Reference], read: list[Any], bibtex: str) -> Iterable[Diagnostic]:
    """An entry pandoc read more times than the file writes it, or one the checks did not read at all: a value that
    ends, for pandoc, elsewhere than where the checks end it, and text no check has read in its place. (A key the
    file writes twice, or an entry the checks refused, is reported by the checks.)"""
    seen = read_counts(read)
    written: dict[str, int] = {}
    for match in _ENTRY_KEY.finditer(bibtex):
        written[match.group(1)] = written.get(match.group(1), 0) + 1
    for key, count in seen.items():
        reference = references.get(key)
        if count > max(written.get(key, 0), 1) or (reference is None and key not in written):
            yield error(
                reference.location if reference is not None else Location("references.bib", 1),
                "bib.agreement",
                f"the reference engine read an entry '{key[:60]}' "
                + ("more than once" if reference is not None else "that the checks did not read")
                + ": a value before it ends elsewhere for the engine than for the checks",
                "look for a backslash before a closing brace, and for unbalanced braces or quotes",
            )


def titles_differ(
    references: Mapping[str, Reference], by_key: Mapping[str, Any], read: list[Any]
) -> Iterable[Diagnostic]:
    """A title pandoc read otherwise than the checks (its letters and digits, case and accents aside; pandoc may add
    a title addon, or take a book's main title): the reference would print a title no check read. An entry read
    twice is named by `read_twice` or the checks."""
    counts = read_counts(read)
    for key, reference in references.items():
        ref = by_key.get(key)
        title = reference.fields.get("title", "")
        raw_title = reference.raw.get("title", "")
        if ref is None or not title or counts.get(key, 0) > 1 or reference.entry_type in _OTHER_TITLES:
            continue
        commands = {m.group(1) for m in _COMMAND.finditer(raw_title)}
        if commands - bibrules.KNOWN_COMMANDS or commands & _VERBATIM_COMMANDS:
            continue  # a command pandoc drops (named already, bib.latex), or one whose text the readers keep apart
        written = _letters(html.unescape(_COMMAND.sub("", bib_values.html_as_latex(title))))
        meta = ref["c"]
        read_title = " ".join(_inline_text(meta.get(name)) for name in ("title", "volume-title") if name in meta)
        if written not in _letters(html.unescape(read_title)):
            yield warning(
                reference.location,
                "bib.agreement",
                f"the title of '{key}' reads otherwise for the reference engine than for the checks",
                _CHECK,
            )


_COMMAND: Final = re.compile(r"\\([A-Za-z]+)")
_NOT_ALNUM: Final = re.compile(r"[\W_]+")
_ENTRY_KEY: Final = re.compile(r"@[A-Za-z]+\s*[{(]\s*([^\s,{}]+?)\s*,")


# Kinds whose title pandoc reads from other fields (a podcast's show, a recording's album).
_OTHER_TITLES: Final = frozenset({"audio", "video", "music", "xdata"})
_VERBATIM_COMMANDS: Final = frozenset({"url", "href", "texttt", "verb", "path"})


def _letters(text: str) -> str:
    """The letters and digits of a text, case and accents aside (a dotless i as an i)."""
    plain = unicodedata.normalize("NFKD", text.casefold()).replace("\u0131", "i")
    return _NOT_ALNUM.sub("", plain)  # combining marks are no letters (str.isalnum, which \w follows)


def _inline_text(value: Any) -> str:
    """The text of pandoc's JSON for inlines or metadata, without attributes, link targets or format names."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_inline_text(inner) for inner in value)
    if not isinstance(value, dict):
        return ""
    kind, content = value.get("t"), value.get("c")
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Span", "Link", "Image", "Quoted", "Cite", "Math", "RawInline", "Code") and isinstance(content, list):
        return _inline_text(content[1]) if len(content) > 1 else ""
    return _inline_text(content)


def _written_year(reference: Reference) -> str | None:
    """The year the checks read ("" for none), or None for a date they already refuse (bib.date)."""
    date = reference.raw.get("date", "").strip("{} ")
    if date:
        return date[:4] if bib_values.valid_date(date) else None
    year = reference.raw.get("year", "").strip("{} ")
    if year and not bib_values.valid_year(year):
        return None  # refused already (bib.year)
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


def _raw_latex(value: Any) -> list[str]:
    """The raw LaTeX pandoc kept anywhere in a reference as read (walked with a stack: no recursion, however deep)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("t") in ("RawInline", "RawBlock"):
                found.append(str(item.get("c", ["", ""])[1]))
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _as_raw(reference: Reference) -> bibrules.Raw:
    return bibrules.Raw(
        reference.location.path, reference.key, reference.entry_type, reference.raw, {}, reference.location.line
    )
