"""A field's value as BibTeX reads it: in braces or quotes, a number, a @string macro, or several of these joined
with `#` (JabRef and BibDesk files write `url = base # {/path}` and `journal = jts`). bibtexparser resolves only a
value that is one defined macro; pandoc resolves them all; the checks read what pandoc reads. A macro that is not
defined reads as its own name (pandoc prints it so): it is named, since the author meant something else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# BibTeX's month macros: left as written (pandoc and the checks read them as months).
MONTHS: Final = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})


def parts(value: str) -> list[str]:
    """The parts of a value joined by `#` outside braces and quotes, each as written (stripped)."""
    return split_outside(value, "#", quotes=True)


def split_outside(value: str, separator: str, quotes: bool = False) -> list[str]:
    """The parts of a text between separators outside braces (and, with `quotes`, outside double quotes), stripped.
    Also the parts of a name between its commas (imap.reading.bibrules)."""
    found: list[str] = []
    depth = 0
    quoted = False
    current: list[str] = []
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and quotes and depth == 0:
            quoted = not quoted
        elif char == separator and depth == 0 and not quoted:
            found.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    found.append("".join(current).strip())
    return found


def resolved(value: str, strings: Mapping[str, str]) -> tuple[str, list[str]]:
    """The text of a value as BibTeX reads it, and the macros it uses that are not defined. `strings` maps each
    defined macro (lower case) to its text, resolved already."""
    text: list[str] = []
    undefined: list[str] = []
    for part in parts(value) if "#" in value else [value.strip()]:
        if len(part) >= 2 and ((part[0] == "{" and part[-1] == "}") or (part[0] == '"' and part[-1] == '"')):
            text.append(part[1:-1])
        elif part.isdigit() or part.lower() in MONTHS:
            text.append(part)
        elif part.lower() in strings:
            text.append(strings[part.lower()])
        else:
            text.append(part)
            if part:
                undefined.append(part)
    return "".join(text), undefined


def definitions(raw: list[tuple[str, str]]) -> dict[str, str]:
    """The @string macros, each resolved with those defined before it (as BibTeX reads them, in order)."""
    strings: dict[str, str] = {}
    for key, value in raw:
        strings[key.lower()] = resolved(value, strings)[0]
    return strings
