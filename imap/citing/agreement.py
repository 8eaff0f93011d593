"""Where pandoc's reading of the bibliography and the project's own disagree (kind of work, year, number of
authors and editors, inheritance through crossref and xdata), and LaTeX pandoc dropped: each a diagnostic at the
entry's line, so that nothing is lost or guessed silently."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from imap.citing.fixups import _TYPES, _string, inherited
from imap.model.diagnostics import Diagnostic, error
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


def _raw_latex(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        if value.get("t") in ("RawInline", "RawBlock"):
            yield str(value.get("c", ["", ""])[1])
        else:
            for inner in value.values():
                yield from _raw_latex(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _raw_latex(inner)


def _as_raw(reference: Reference) -> bibrules.Raw:
    return bibrules.Raw(
        reference.location.path, reference.key, reference.entry_type, reference.raw, {}, reference.location.line
    )
