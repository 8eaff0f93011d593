"""Kinds of work that exports write in entry types BibTeX has no better name for, read as they mean them: a podcast
episode (@audio, as Better BibLaTeX writes Zotero's podcast), a web page (@misc with its site in booktitle, as
Paperpile writes it) and a presentation at a meeting (@unpublished or @misc whose note or howpublished says "Poster
presented at ...", as BibTeX's own advice and JabRef's users write it). The reference engine's fix-ups
(imap.citing.fixups, engine.lua) print them as APA 7 does; the checks here name each, at its field's line, and
where the export leaves the kind undecided. Part of the checks of imap.reading.bibrules."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from imap.model.diagnostics import Diagnostic, note, warning
from imap.reading.bib_exports import Entry
from imap.reading.bib_values import plain, preprint_server, short


def check(entry: Entry) -> Iterator[Diagnostic]:
    """The kinds of work read from an entry, and the ones its export leaves undecided."""
    yield from _podcast(entry)
    yield from _web_page(entry)
    yield from _presentation(entry)


# Where an export names the show a podcast episode belongs to: Better BibTeX writes Zotero's "Series Title" as
# series; other exports and authors use maintitle or booktitle.
_SHOWS: Final = ("series", "maintitle", "booktitle")
_PODCAST_MARKS: Final = ("entrysubtype", "type", "howpublished")


def podcast(entry_type: str, fields: Mapping[str, str]) -> tuple[str, str, str]:
    """How an @audio entry, or a @misc that says it is a podcast, reads: ("podcast", show field, show) for a podcast
    episode, printed as APA 10.13 prints one ("(No. 115) [Audio podcast episode]. In *Show*."); ("ambiguous", field,
    show) where the export does not say; ("", "", "") for anything else. An episode is an @audio entry with a show and
    either an episode number (Zotero's podcast item has one, its audio recording none: Better BibLaTeX writes both as
    @audio) or a field that says "podcast" (entrysubtype, type or howpublished), or a @misc whose entrysubtype or
    type says "podcast", with its show in series or howpublished (Zotero's own BibTeX export). An @audio entry with a
    show but neither, or a number without a show, is ambiguous: an album in a series is an audio recording too."""
    if entry_type not in ("misc", "audio"):
        return "", "", ""
    said = next((name for name in _PODCAST_MARKS if "podcast" in plain(fields.get(name, "")).lower()), "")
    if entry_type == "misc":
        shows = ("series", "howpublished") if said in ("entrysubtype", "type") else ()
        shown = next(((name, plain(fields[name])) for name in shows if _show_in(fields, name)), ("", ""))
        return ("podcast", *shown) if shown[0] else ("", "", "")
    shown = next(((name, plain(fields[name])) for name in _SHOWS if plain(fields.get(name, ""))), ("", ""))
    numbered = bool(plain(fields.get("number", "")))
    if shown[0] and (said or numbered):
        return "podcast", *shown
    if said or numbered or shown[0]:
        return "ambiguous", shown[0] or said or "number", shown[1]
    return "", "", ""


def _show_in(fields: Mapping[str, str], name: str) -> bool:
    """Whether the field names a show: not empty, not an address, and not the word 'podcast' alone."""
    value = plain(fields.get(name, ""))
    return bool(value) and "\\url" not in fields.get(name, "") and value.lower() not in ("podcast", "audio podcast")


def web_site(entry_type: str, fields: Mapping[str, str]) -> tuple[bool, str]:
    """Whether a @misc has an address (url, or \\url in howpublished), and the site its booktitle names ("" for
    none), as Paperpile exports a web page: "Title. Site. URL" (APA 10.16) where pandoc prints no site."""
    if entry_type != "misc":
        return False, ""
    address = plain(fields.get("url", "")) or "\\url" in fields.get("howpublished", "")
    return bool(address), plain(fields.get("booktitle", "")) if address else ""


def _podcast(entry: Entry) -> Iterator[Diagnostic]:
    """An @audio entry read as a podcast episode (a note), or one the export leaves undecided (a warning)."""
    kind, name, show = podcast(entry.entry_type, entry.fields)
    if kind == "podcast":
        yield note(
            entry.at(name),
            "bib.podcast",
            f"'{entry.key}' is read as a podcast episode of {short(show)} (its {name}): the reference prints it as "
            "APA 10.13 does, '(No. …) [Audio podcast episode]. In Show. Publisher.'",
        )
    elif kind == "ambiguous":
        has = f"a show in {name} but no episode number" if show else f"no show (series) beside its {name}"
        yield warning(
            entry.at(name),
            "bib.podcast",
            f"the audio recording '{entry.key}' has {has}: the reference prints it as an audio recording"
            f"{f', without its {name},' if show else ''} though it may be a podcast episode",
            "for a podcast episode, give the show in series and entrysubtype = {podcast}",
        )


def _web_page(entry: Entry) -> Iterator[Diagnostic]:
    """A @misc with an address that names its site (a note), or that has a month the reference does not print (a
    preprint, which APA dates by its year, aside)."""
    address, site = web_site(entry.entry_type, entry.fields)
    if site:
        yield note(
            entry.at("booktitle"),
            "bib.webpage",
            f"'{entry.key}' has an address and names its site, {short(site)}, in booktitle, as Paperpile exports a web "
            "page: the reference prints it as one, 'Title. Site. URL', with its full date (APA 10.16)",
        )
    elif address and plain(entry.fields.get("month", "")) and not preprint_server("misc", entry.fields)[1]:
        yield warning(
            entry.at("month"),
            "bib.webpage",
            f"'{entry.key}' is a @misc with an address and a month: the reference prints it as a document, whose "
            "date is its year alone, so the month is not printed",
            "if it is a web page, make it @online (with the site's name in organization), which prints its full date",
        )


# A note or howpublished that says what was presented where: "Poster presented at the Annual Meeting of ...".
_PRESENTED: Final = re.compile(
    r"\s*(?:an?\s+)?(poster|paper|talk|oral presentation|presentation|keynote(?: address| lecture)?|symposium|workshop"
    r"|invited (?:talk|address|lecture)|lecture)(?: session)?\s+(?:was\s+)?(?:presented|given|delivered)\s+at\s+"
    r"(?:the\s+)?(\S.*)",
    re.IGNORECASE | re.DOTALL,
)
# APA 7 10.5's descriptions of presentations.
_DESCRIPTIONS: Final = {
    "poster": "Poster presentation",
    "paper": "Paper presentation",
    "symposium": "Symposium",
    "workshop": "Workshop",
}


def presentation(entry_type: str, fields: Mapping[str, str]) -> tuple[str, str, str]:
    """A presentation at a meeting, written the BibTeX way: an @unpublished or @misc whose note or howpublished says
    "Poster presented at the Annual Meeting of ..." (and no eventtitle, which pandoc reads itself). The field, APA
    10.5's description ("Poster presentation") and the meeting with its place, as written; or ("", "", "")."""
    if entry_type not in ("unpublished", "misc") or plain(fields.get("eventtitle", "")):
        return "", "", ""
    for name in ("howpublished", "note"):
        found = _PRESENTED.match(plain(fields.get(name, "")))
        if found is not None:
            kind = found.group(1).lower()
            description = _DESCRIPTIONS.get(kind, "Keynote address" if kind.startswith("keynote") else "")
            meeting = found.group(2).strip().rstrip(".").strip().replace("---", "\u2014").replace("--", "\u2013")
            return name, description or "Conference presentation", meeting
    return "", "", ""


def _presentation(entry: Entry) -> Iterator[Diagnostic]:
    """A presentation read from a note or howpublished (a note)."""
    name, description, meeting = presentation(entry.entry_type, entry.fields)
    if name:
        yield note(
            entry.at(name),
            "bib.presentation",
            f"the {name} of '{entry.key}' says it was presented at {short(meeting)}: the reference prints it as APA "
            f"10.5 does, '[{description}]. {short(meeting)}.'",
        )
