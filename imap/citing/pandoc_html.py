"""pandoc's HTML read back into the project's entries and in-text labels (imap/citing/citeproc.py runs pandoc).

Each entry keeps its text, escaped again, with italics, bold, superscript and subscript only; links are added by the
pages. The marker of an incomplete author list becomes "et al.", and the few words the style writes otherwise than the
APA manual's examples are written as the manual writes them.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Final

from imap.citing.fixups import ET_AL, ET_AL_MARKER
from imap.reading.bib_names import CJK


def entries(out: str) -> dict[str, tuple[str, str]]:
    """Every key's reference-list entry (our HTML) and in-text label, in reference-list order, from pandoc's HTML. A key
    formatted twice (engine.lua formats some references again) keeps its place and takes the later HTML."""
    reader = _Reader()
    reader.feed(out)
    reader.close()
    result: dict[str, tuple[str, str]] = {}
    for key, entry in reader.entries.items():
        label = _et_al(text_of(reader.labels.get(key, ""))).strip()
        if label.startswith("(") and label.endswith(")"):
            label = label[1:-1]
        result[key] = (_apa_terms(_et_al(" ".join(entry.split()), listed=True)), label)
    return result


class _Reader(HTMLParser):
    """pandoc's HTML read back into our own: the text of each entry (escaped again) with italics, bold, superscript
    and subscript, and the text of each citation. Every other tag is dropped (links are added by the pages)."""

    _KEEP: Final = {"em": "i", "i": "i", "strong": "b", "b": "b", "sup": "sup", "sub": "sub"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._key = ""
        self._label = ""
        self._depth = 0  # open elements inside the entry or citation being read
        self._math = 0  # open math spans (no italics or bold in them: a Greek letter stays upright)
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if not self._key and not self._label:
            if tag == "div" and "csl-entry" in classes and (attributes.get("id") or "").startswith("ref-"):
                self._key, self._depth, self._parts = (attributes.get("id") or "")[4:], 1, []
            elif tag == "span" and "citation" in classes:
                self._label, self._depth, self._parts = attributes.get("data-cites") or "", 1, []
            return
        if tag not in ("br", "img", "hr", "wbr"):
            self._depth += 1
        if tag == "span" and "math" in classes:
            self._math += 1
        elif tag in self._KEEP and (not self._math or tag in ("sup", "sub")):
            self._parts.append(f"<{self._KEEP[tag]}>")

    def handle_endtag(self, tag: str) -> None:
        if not self._key and not self._label:
            return
        self._depth -= 1
        if self._depth == 0:
            text = "".join(self._parts).strip()
            if self._key:
                self.entries[self._key] = text
            else:
                self.labels[self._label] = text
            self._key = self._label = ""
            return
        if tag == "span" and self._math:
            self._math -= 1
        elif tag in self._KEEP and (not self._math or tag in ("sup", "sub")):
            self._parts.append(f"</{self._KEEP[tag]}>")

    def handle_data(self, data: str) -> None:
        if self._key or self._label:
            self._parts.append(html.escape(data, quote=False))


# A name in Chinese, Japanese or Korean script, printed whole, just before an incomplete list's end: the comma that
# follows every name of a reference list before "et al." ("Smith, J., et al.") follows it too.
_CJK_BEFORE_ET_AL: Final = re.compile(
    "([" + "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK) + "])(?= " + re.escape(ET_AL_MARKER) + ")"
)
_TAG: Final = re.compile(r"<[^>]+>")


def text_of(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


def _apa_terms(entry: str) -> str:
    """The few words the style writes otherwise than the APA manual's examples: the ellipsis before the last of more
    than 20 authors (APA 9.8: ". . ."), and "[Data set]" (APA 10.9)."""
    entry = (
        entry.replace(", \u2026 ", ", . . . ")
        .replace("[Dataset]", "[Data set]")
        .replace("[Video recording]", "[Video]")
    )
    # An undated page without a retrieval date: the style still writes "Retrieved" before the address.
    return _RETRIEVED_ALONE.sub("", entry)


_RETRIEVED_ALONE: Final = re.compile(r"Retrieved (?=https?://)")


def _et_al(text: str, listed: bool = False) -> str:
    """The marker of an incomplete author list as "et al.", with the comma a reference list puts before it after a
    name (`listed`: "Smith, J., et al.", "山田太郎, et al."; in-text, "Smith et al.")."""
    for before in (", &amp; ", ", & ", " &amp; ", " & ", ", "):
        text = text.replace(before + ET_AL_MARKER, " " + ET_AL_MARKER)
    if listed:  # in the author list, before the date: not an editor's in "In 山田太郎 et al. (Eds.)"
        authors, date, rest = text.partition(" (")
        text = _CJK_BEFORE_ET_AL.sub(r"\1,", authors) + date + rest
    text = re.sub(r"\. " + ET_AL_MARKER, "., " + ET_AL, text)  # after initials: "Jerome, L., et al."
    return text.replace(" " + ET_AL_MARKER, " " + ET_AL).replace(ET_AL_MARKER, ET_AL).replace("et al..", "et al.")
