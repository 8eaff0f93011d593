"""The checks of a list of names as written (author, editor, translator): what BibTeX and the reference engine would
read otherwise than meant (a stray or doubled `and`, `and others`, names separated by commas, a suffix in the wrong
place, an organisation without braces, PubMed's and Web of Science's forms, nicknames, names in Chinese, Japanese or
Korean script without a comma). Part of the checks of imap.reading.bibrules; linear time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from imap.model.diagnostics import Diagnostic, Location, Severity, error, note, warning
from imap.reading.bib_exports import Entry
from imap.reading.bib_strings import split_outside
from imap.reading.bib_values import _SUFFIXES, short, split_names


def _commas(name: str) -> list[str]:
    """The parts of a name between commas outside braces."""
    return split_outside(name, ",")


def check(entry: Entry, field: str) -> Iterator[Diagnostic]:
    """The problems of one list of names (at most one error or warning, and one note, per list)."""
    where = entry.at(field)
    names = split_names(entry.fields[field])
    what = f"the {field} list of '{entry.key}'"
    if len(names) == 1 and not names[0]:
        yield error(where, "bib.name", f"{what} is empty", "write the names, separated by 'and', or remove the field")
        return
    if any(not name for name in names):
        place = "ends with" if not names[-1] else "starts with" if not names[0] else "has a doubled"
        yield error(
            where,
            "bib.name",
            f"{what} {place} 'and' with no name beside it",
            "remove the stray 'and' (a reference manager may have lost a name there: check the record)",
        )
    others = [i for i, name in enumerate(names) if name.lower() == "others"]
    if others and others != [len(names) - 1]:
        yield error(where, "bib.name", f"{what} has 'others' before its end", "'and others' can only end a list")
    elif others:
        yield warning(
            where,
            "bib.authors-incomplete",
            f"{what} ends in 'and others': the reference will print 'et al.', which APA 7 does not use in a "
            "reference list",
            "list every author as the record shows them (APA names up to 20)",
        )
    noted = False
    for name in names:
        problem = _name_problem(where, what, name, _commas(name))
        if problem is None or (problem.severity is Severity.NOTE and noted):
            continue
        yield problem
        if problem.severity is not Severity.NOTE:
            break  # one problem of a list is named; a note (one at most) does not stop the reading
        noted = True


# Han, kana and Hangul: the scripts whose names are written family name first (and which citeproc does not initialise).
CJK: Final = ((0x1100, 0x11FF), (0x3005, 0x3007), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
               (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))  # fmt: skip


def _cjk(word: str) -> bool:
    """Whether every character of a word is of those scripts."""
    return all(any(low <= ord(char) <= high for low, high in CJK) for char in word)


_EXTENDED_NAME: Final = re.compile(r"\s*(?:family|given|prefix|suffix|useprefix)(?:-i)?\s*=", re.IGNORECASE)


def _name_problem(where: Location, what: str, name: str, parts: list[str]) -> Diagnostic | None:
    """What one name of a list holds that the reference engine would print otherwise than meant, or None."""
    if len(parts) > 1 and not parts[-1]:
        return warning(
            where,
            "bib.name",
            f"{what} has a name that ends in a comma: '{short(name)}' (a name in two parts, or an organisation "
            "whose name holds 'and')",
            "write an organisation in double braces, such as {{National Institute for Health and Care Excellence}}",
        )
    if len(parts) == 1 and _VANCOUVER.fullmatch(name.strip()) and name.split()[-1].lower() not in _SUFFIXES:
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', which reads as the given name '{name.split()[0]}' and the family name "
            f"'{name.split()[-1]}' (initials after the family name, as PubMed writes them)",
            "write Family, Given: Johnson, M. W.",
        )
    extended = all(_EXTENDED_NAME.match(part) for part in parts)  # Better BibLaTeX's family=..., given=...
    if not extended and len(parts) == 3 and parts[1].lower() not in _SUFFIXES and parts[2].strip().lower() in _SUFFIXES:
        suffix, family, given = parts[2].strip(), parts[0].strip(), parts[1].strip()
        return error(
            where,
            "bib.name",
            f"{what} has '{short(name)}', its suffix last (as EndNote writes it): '{suffix}' would print as initials",
            f"write the suffix second: {family}, {suffix}, {given}",
        )
    if not extended and (len(parts) > 3 or (len(parts) == 3 and parts[1].lower() not in _SUFFIXES)):
        return error(
            where,
            "bib.name",
            f"{what} has names separated by commas: '{short(name)}'",
            "separate the names with 'and' (Family, Given and Family, Given)",
        )
    if "et al" in name.lower().replace("\\", ""):
        return warning(
            where,
            "bib.authors-incomplete",
            f"{what} has '{short(name)}': APA 7 does not use 'et al.' in a reference list, and the in-text "
            "citation would miss it",
            "list every author as the record shows them (APA names up to 20)",
        )
    if len(parts) == 2 and _CAPITALS.fullmatch(parts[0]):
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', its family name in capitals (as Web of Science writes names before "
            "about 2006): the reference prints it in capitals",
            "write the name as the work prints it: Keane, T. M.",
        )
    if len(parts) == 2 and _WOS_INITIALS.fullmatch(parts[1]):
        return note(
            where,
            "bib.name",
            f"{what} has '{short(name)}', its initials written together (as Web of Science writes them): the "
            f"reference prints them {'. '.join(parts[1])}.",
        )
    words = name.split() if len(parts) == 1 and not name.strip().startswith("{") else []
    if len(words) >= 3 and words[-1].lower().rstrip(".") in {s.rstrip(".") for s in _SUFFIXES}:
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', which reads as the family name '{words[-1]}': a suffix is written "
            "after the family name, with commas",
            f"write Family, Suffix, Given: {words[-2]}, {words[-1]}, {' '.join(words[:-2])}",
        )
    grouped = len(words) >= 2 and (words[-1].lower() in _GROUPS or "of" in words[1:-1] or "for" in words[1:-1])
    if any(word.isdigit() for word in words) or grouped:
        numbered = any(word.isdigit() for word in words)
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', which reads as a person's name but holds "
            f"{'a number, as DBLP marks namesakes' if numbered else 'an organisation'}: the reference would "
            f"print '{short(words[-1])}' as a family name",
            "leave out the number" if numbered else "write the organisation in double braces: {{" + short(name) + "}}",
        )
    if len(words) >= 2 and all(_cjk(word) for word in words):
        return warning(
            where,
            "bib.name",
            f"{what} has '{short(name)}', a name in Chinese, Japanese or Korean script written without a comma: "
            f"BibTeX reads its last word, '{short(words[-1])}', as the family name, and the reference prints "
            f"'{short(words[-1] + ''.join(words[:-1]))}'",
            f"write Family, Given, as Zotero exports it: {words[0]}, {' '.join(words[1:])}",
        )
    if _NICKNAME.search(name):
        return note(
            where,
            "bib.name",
            f"{what} has '{short(name)}', with a nickname in quotes (as DBLP writes it): the reference leaves the "
            "nickname out, since it is neither a given nor a family name",
        )
    return None


# The last word of an organisation's name written without braces (Google Scholar's "American Psychiatric
# Association"), which BibTeX reads as a person's.
_GROUPS: Final = frozenset(
    {
        *("association", "organization", "organisation", "institute", "institutes", "society", "council", "team"),
        *("collaboration", "consortium", "group", "committee", "agency", "administration", "foundation", "trust"),
        *("department", "ministry", "office", "commission", "network", "board", "centre", "center", "service"),
        *("services", "alliance", "federation", "college", "academy", "authority", "corporation", "clinic", "school"),
        *("university", "hospital", "laboratory", "laboratories", "inc", "inc.", "company", "centers", "centres"),
    }
)
# A word in quotation marks within a name: DBLP's nickname ("Florian 'Floyd' Mueller"); linear (no quote or space
# inside the word, so each attempt ends at the next space).
_NICKNAME: Final = re.compile(
    r"(?:^|\s)(?:'[^'\s]+'|\"[^\"\s]+\"|``[^'\s]+''|[\u2018\u201c][^\u2019\u201d\s]+[\u2019\u201d])(?=\s|$)"
)
_WOS_INITIALS: Final = re.compile(r"[A-Z]{2,3}")
_CAPITALS: Final = re.compile(r"[A-Z][A-Z'-]{3,}")
_VANCOUVER: Final = re.compile(r"[A-Z][\w'-]+(?: [A-Z][\w'-]+)* [A-Z]{1,3}")
