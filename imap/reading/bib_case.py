"""Sentence case as the reference engine prints it (APA 7 6.17): the words of a title, and of the title of the book
or proceedings a part is in, that it would print otherwise than their author meant. Part of the checks of
imap.reading.bibrules, at each field's line."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from imap.model.diagnostics import Diagnostic, warning
from imap.reading.bib_exports import Entry
from imap.reading.bib_language import accented, is_english
from imap.reading.bib_values import html_as_latex

_COMMAND: Final = re.compile(r"\\([A-Za-z]+|.)")


def _unbraced_words(value: str) -> list[tuple[str, bool]]:
    """The words of a title outside braces and math, each with whether the reference engine keeps its capital as a
    sentence's first (the first word, or one after a colon, a question or exclamation mark, a full stop, or an em
    dash written without a space after it: pandoc lowers the word after a spaced dash or an en dash). A word with a
    braced part carries "\0", so it is protected as a whole, as is one that begins with a braced part ({V}ietnam,
    {M}DMA: a capital braced alone, as classic BibTeX writes it); a word braced whole is no word here."""
    words: list[tuple[str, bool]] = []
    depth = 0
    word = ""
    starts = True
    in_math = False
    last = ""
    dotted = False  # the word began right after a full stop, as the S of U.S. does
    value = value.replace("---", "\u2014").replace("--", "\u2013") + " "
    for at, char in enumerate(value):
        before, last = last, char
        if char == "$":
            in_math = not in_math
            continue
        if char == "{":
            depth += 1
            word = word + "\0" if word else word  # a word with a braced part is protected as a whole
            continue
        if char == "}":
            depth = max(depth - 1, 0)
            continue
        if depth or in_math:
            if word:
                word += "\0"
            continue
        if char.isspace() or char in ":?!.\u2014\u2013" or (char == "-" and not word):
            if word:
                words.append((word, starts))
                starts = False
            abbreviation = word in ABBREVIATIONS or (len(word) == 1 and dotted)
            if char in ":?!" or (char == "." and not abbreviation):
                starts = True  # a full stop after an abbreviation (U.S., e.g., et al.) ends no sentence
            elif char == "\u2014" and value[at + 1].isalpha():  # not a quotation mark or a bracket: pandoc lowers
                starts = True
            word = ""
            continue
        dotted = before == "." if not word else dotted
        word += "\0" + char if not word and before == "}" else char  # {V}ietnam: begun braced
    return words


# Abbreviations a title may hold, besides letters with full stops (U.S., e.g.): the full stop after them ends no
# sentence, and the reference engine reads them so (imap.citing.prepass). After a title or a saint (Dr. Yehuda,
# St. Louis) comes a name, which the engine keeps as written, as it does a sentence's first word.
ABBREVIATIONS: Final = frozenset({"Jr", "Sr", "vs", "cf", "etc", "al"})
HONORIFICS: Final = frozenset({"Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Mt", "Ft"})
_CAPITALISED: Final = re.compile(r"[A-Z][a-z\u00df-\u00ff]+(?:[-'\u2019][A-Za-z\u00c0-\u00ff]+)*")


def check(entry: Entry, foreign: str = "") -> Iterator[Diagnostic]:
    """The title, and the title of the book or proceedings a part is in, as the reference engine prints them: in
    sentence case, HTML markup read as what it stands for. `foreign`: the language the entry looks written in
    (bib_language.written_in), whose warning (bib.language) says what to do instead."""
    if english(entry.fields) and not foreign:
        for name in ("title", "booktitle"):
            if entry.fields.get(name, ""):
                yield from _case_of(entry, name, html_as_latex(entry.fields[name]))
    for name in ("title", "booktitle", "journal", "journaltitle", "publisher"):
        letters = "".join(c for c in _COMMAND.sub(" ", entry.fields.get(name, "")) if c.isalpha())
        long_words = [w for w in entry.fields.get(name, "").split() if sum(c.isalpha() for c in w) >= 4]
        if len(long_words) >= 2 and letters.isupper():
            yield warning(
                entry.at(name),
                "bib.title-case",
                f"the {name} of '{entry.key}' is written in capitals, as Web of Science exports it: the reference "
                "prints it in capitals",
                _AS_WRITTEN.get(name, "write it as the work writes it, such as Guilford Press"),
            )


def english(fields: Mapping[str, str]) -> bool:
    """Whether the engine prints the entry's titles in sentence case: English, or no language given."""
    return is_english(fields.get("langid", "english"))


def _words(title: str) -> list[tuple[str, bool]]:
    text = _COMMAND.sub(" ", accented(title))
    return [(w.lstrip("(\"'\u201c\u2018"), starts) for w, starts in _unbraced_words(text)]


def _classes(words: list[tuple[str, bool]]) -> tuple[list[str], list[str]]:
    """The capitalised and the lower-case words of four letters or more after a sentence's first word."""
    inner = [w for w, starts in words if not starts and "\0" not in w and len(w) > 3 and w[0].isalpha()]
    capitalised = [w for w in inner if _CAPITALISED.fullmatch(w.rstrip(",;)'\"\u201d\u2019"))]
    return capitalised, [w for w in inner if w[0].islower() and w == w.lower()]  # mTBI and fMRI are names


def _braced_one_by_one(title: str, capitalised: list[str], lower: list[str]) -> list[str]:
    """The words braced one by one, if the title braces its capitalised words so (Zotero's own BibTeX export)."""
    braced = _BRACED_CAPITAL.findall(title)
    return braced if len(braced) >= 3 and len(braced) + len(capitalised) > len(lower) else []


def _sentence_case(lower: list[str]) -> bool:
    """A title in Title Case capitalises every word of four letters or more but the short words Chicago's title case
    leaves in lower case; a lower-case word besides those shows a title in sentence case."""
    return any(w.rstrip(",;:)'\"\u201d\u2019").lower() not in _MINOR for w in lower)


def title_case_words(title: str) -> list[tuple[str, bool]]:
    """The words outside braces and math of a title in Title Case, each with whether a sentence starts with it; none
    for a title in sentence case, braced whole or braced word by word (which `check` reports as they are)."""
    title = html_as_latex(title)
    if _braced_in_title_case(title):
        return []
    words = _words(title)
    capitalised, lower = _classes(words)
    if not capitalised or _braced_one_by_one(title, capitalised, lower) or _sentence_case(lower):
        return []
    return words


def braced_word_by_word(title: str) -> bool:
    """Whether a title braces its capitalised words one by one, as Zotero's own BibTeX export does."""
    title = html_as_latex(title)
    return bool(_braced_one_by_one(title, *_classes(_words(title))))


def _case_of(entry: Entry, name: str, title: str) -> Iterator[Diagnostic]:
    what = "title" if name == "title" else "book's title"
    capitalised, lower = _classes(_words(title))
    if _braced_in_title_case(title):
        yield warning(
            entry.at(name),
            "bib.title-case",
            f"the whole {what} of '{entry.key}' is braced, as Mendeley exports titles: it keeps its capitals, so it "
            "cannot be printed in APA sentence case",
            "remove the outer braces, and brace only names and acronyms, such as {PTSD}",
        )
        return
    braced = _braced_one_by_one(title, capitalised, lower)
    if braced:
        yield warning(
            entry.at(name),
            "bib.title-case",
            f"the {what} of '{entry.key}' braces capitalised words one by one ({', '.join(braced[:3])}), as Zotero's "
            "own BibTeX export does with every capitalised word: braced words keep their capitals, so unless they are "
            "all names the title will not be printed in APA sentence case",
            "keep the braces around names and acronyms only, such as {PTSD} or {Veterans Affairs}",
        )
        return
    # The capitalised words of a title in sentence case are names (or should not be capitalised).
    if capitalised and _sentence_case(lower):
        shown = ", ".join(f"'{w.rstrip(',;)')}'" for w in capitalised[:5])
        yield warning(
            entry.at(name),
            "bib.title-case",
            f"the {what} of '{entry.key}' is in sentence case but capitalises {shown}: APA sentence case will print "
            "them in lower case",
            "brace names and acronyms to keep their capitals, such as {Veterans Affairs}",
        )


_AS_WRITTEN: Final = {
    "title": "write it in sentence case, names and acronyms capitalised (braced), such as Trauma in {Rwanda}",
    "booktitle": "write it as the book writes it, such as Handbook of {PTSD}: Science and Practice",
    "journal": "write it as the journal writes it, such as Journal of Traumatic Stress",
    "journaltitle": "write it as the journal writes it, such as Journal of Traumatic Stress",
}
# Prepositions, conjunctions and articles of four letters or more, which title case may leave in lower case.
_MINOR: Final = frozenset(
    {
        *("about", "above", "across", "after", "against", "along", "among", "amongst", "around", "before", "behind"),
        *("below", "beneath", "beside", "besides", "between", "beyond", "despite", "down", "during", "except", "from"),
        *("inside", "into", "like", "near", "onto", "outside", "over", "past", "since", "than", "that", "through"),
        *(
            "throughout",
            "till",
            "toward",
            "towards",
            "under",
            "underneath",
            "unlike",
            "until",
            "upon",
            "versus",
            "with",
        ),
        *("within", "without", "when", "where", "whether", "while", "both", "either", "neither", "nor", "also"),
    }
)
_BRACED_CAPITAL: Final = re.compile(r"\{[A-Z][a-z\u00df-\u00ff]+\}")


def _braced_in_title_case(title: str) -> bool:
    """Whether the whole title is one braced group (as Mendeley exports it) and in title case inside."""
    whole = title.strip()
    if len(whole) <= 2 or whole[0] != "{" or closing(whole) != len(whole) - 1:
        return False
    words = [
        w.lstrip("(\"'\u201c\u2018") for w, starts in _unbraced_words(_COMMAND.sub(" ", whole[1:-1])) if not starts
    ]
    long = [w for w in words if "\0" not in w and len(w) > 3 and w[0].isalpha()]
    capitals = sum(1 for w in long if w[0].isupper())
    return capitals >= 3 and capitals > len(long) / 2


def closing(text: str) -> int:
    """Where the brace that opens the text closes (-1 if it does not)."""
    depth = 0
    for index, char in enumerate(text):
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0:
            return index
    return -1
