"""The language a title or journal name is written in, where the entry does not say (no langid, no language).

The reference engine takes such an entry for English: it prints the title in English sentence case, which lowers a
German title's nouns ("Trauma und psychotherapie"), and the journal in English title case ("Zeitschrift Für
Psychiatrie ... Und ..."). Exports write no language more often than not (JabRef, Mendeley, Google Scholar). The
short words a language cannot do without (articles, conjunctions, prepositions), written in lower case, words and
letters only it writes (Zeitschrift, Tidsskrift; ł, ř, ğ) show it well enough to ask for a langid; the entry is not
changed. Name particles (van der Kolk) and "et al." are no language's words, and a title that writes English's own
short words (the, and, among) is told by its words alone, not by the letters of its names or its journal's name.
Also here: LaTeX's accents read as the letters they make, for the title checks (`accented`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final

# BibLaTeX's name of each language (as langid takes it), with its short words that English titles do not use in
# lower case (words English uses too, such as die, per, met, no, over and pour, are left out), and words of journal
# names and titles that only that language writes, in any case.
_SHORT_WORDS: Final = {
    "german": "und der das für mit bei zur zum eine einer eines einem nach über vom im des den dem auf oder nicht wie "
    "aus ist sind sich",
    "french": "le la les des du et un une dans avec sur aux au chez est qui en",
    "spanish": "el los las del y con por para una sobre entre desde como en al",
    "italian": "il gli della delle dei degli nel nella di da sul sulla tra fra una",
    "portuguese": "os das dos em uma pelo pela ao nas nos para",
    "dutch": "het een voor bij en naar zijn op van",
    "swedish": "och av hos med vid för på efter till som inom utan",
    "norsk": "og av hos med ved på etter til som blant uten",
    "danish": "og af hos med ved på efter til som blandt uden",
    "polish": "oraz dla przez się",
    "czech": "při pro ve se",
    "turkish": "ve ile bir için",
}
_OWN_WORDS: Final = {
    "german": "zeitschrift nervenarzt fortschritte psychotherapeut störung störungen belastungsstörung "
    "belastungsstörungen psychiatrie",
    "french": "revue annales encéphale évolution médecine santé psychiatrie",
    "spanish": "psiquiatría psicología salud estrés trastorno",
    "italian": "rivista giornale psichiatria psicologia disturbo",
    "portuguese": "psiquiatria saúde psicologia transtorno estresse",
    "dutch": "tijdschrift geneeskunde psychiatrie stoornis",
    "swedish": "läkartidningen tidskrift",
    "norsk": "tidsskrift legeforening",
    "danish": "ugeskrift læger",
    "polish": "psychiatria",
    "czech": "psychiatrie",
    "turkish": "dergisi",
}
# Letters that only that language writes: each counts as a word.
_LETTERS: Final = {"polish": "łąęż", "czech": "řěů", "turkish": "ğış"}
_SHORT: Final = {language: frozenset(words.split()) for language, words in _SHORT_WORDS.items()}
_OWN: Final = {language: frozenset(_OWN_WORDS[language].split()) for language in _SHORT_WORDS}
_LETTER_SETS: Final = {language: frozenset(_LETTERS.get(language, "")) for language in _SHORT_WORDS}
_ALL_LETTERS: Final = frozenset("".join(_LETTERS.values()))
_ANY_SHORT: Final = frozenset().union(*_SHORT.values())
_ANY_OWN: Final = frozenset().union(*_OWN.values())
# Name particles before a capitalised word (van der Kolk, de la Tourette, da Costa) and "et al.": no language's words.
_PARTICLES: Final = frozenset({"van", "von", "de", "da", "di", "du", "la", "le", "del", "dos", "ten", "ter"})
_MAYBE_PARTICLES: Final = _PARTICLES | {"der", "den"}
_ET_AL: Final = re.compile(r"\bet\s+al\b")
# English's short words that none of those languages writes (not in, of, for, an, is or was, which German, Dutch,
# Italian, Norwegian or Danish write): a title that writes one in lower case is English, whatever its names and its
# journal's name.
_ENGLISH_SHORT_WORDS: Final = (
    "the and with among amongst after from between during their its into about against through toward towards "
    "within without that which what how why who does are were this these those"
)
_ENGLISH_WORDS: Final = frozenset(_ENGLISH_SHORT_WORDS.split())
# A word: a run of letters, not a LaTeX command's name.
_WORD: Final = re.compile(r"(?<![\\\w])[^\W\d_]+")


def is_english(name: str) -> bool:
    """Whether a langid or language names English, which pandoc prints in sentence case: BibLaTeX's and BCP 47's
    names (english, UKenglish, american, en-US, en_GB) and ISO 639-2's (eng)."""
    name = name.strip("{} ").lower().replace("_", "-")
    return name in _ENGLISH or name.startswith("en-") or name.endswith("english")


_ENGLISH: Final = frozenset({"english", "american", "british", "canadian", "australian", "newzealand", "en", "eng"})


def written_in(fields: Mapping[str, str]) -> tuple[str, list[str]]:
    """The language the title, book title or journal of an entry with no langid or language is written in, with the
    lower-case words that show it; ('', []) for English, or when it cannot be told. A title that writes English's
    own short words is told by its words alone: an English article on a Turkish city, in Revista de Psiquiatría y
    Salud Mental, is English."""
    if "langid" in fields or "language" in fields:
        return "", []
    lower, folded, letters = _signs(" ".join(fields.get(name, "") for name in ("title", "booktitle")))
    if lower & _ENGLISH_WORDS:
        letters = set()  # an English title: its names' letters and its journal's name tell nothing
    else:
        journal = _signs(" ".join(fields.get(name, "") for name in ("journal", "journaltitle")))
        lower, folded, letters = lower | journal[0], folded | journal[1], letters | journal[2]
    if len(lower & _ANY_SHORT) + len(folded & _ANY_OWN) + len(letters) < 2:
        return "", []  # fewer than two signs of any language: most English titles stop here
    scores = sorted(
        (
            (sorted(lower & _SHORT[language] | folded & _OWN[language] | _LETTER_SETS[language] & letters), language)
            for language in _SHORT
        ),
        key=lambda score: -len(score[0]),
    )
    (best, language), (second, _) = scores[0], scores[1]
    if len(best) >= 2 and len(best) > len(second):
        return language, best
    return "", []


def _signs(text: str) -> tuple[set[str], set[str], set[str]]:
    """The words of a text in lower case but name particles, all its words case-folded, and the letters only a
    language writes."""
    text = accented(text)
    tokens = _WORD.findall(_ET_AL.sub(" ", text) if "et al" in text else text)
    lower = {
        word
        for index, word in enumerate(tokens)
        if word.islower() and not (word in _MAYBE_PARTICLES and _particle(tokens, index))
    }
    return lower, {word.casefold() for word in tokens}, set(text) & _ALL_LETTERS


def _particle(tokens: list[str], index: int) -> bool:
    """A name's particle: "van", "de", "da" before a capitalised word, "van der" and "von den" before any."""
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    before = tokens[index - 1] if index > 0 else ""
    word = tokens[index]
    if word in ("van", "von") and after in ("der", "den", "de"):
        return True  # van der Kolk, even before a word in lower case
    return after[:1].isupper() and (word in _PARTICLES or (word in ("der", "den") and before in ("van", "von")))


# LaTeX's accents, as exports write them (T\"urkiye, \c{c}, {\'e}): the letters they make, so that an accent does not
# split a word in two.
_MARKS: Final = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
}
_ACCENT_LETTER: Final = re.compile(r"\\([\"'`^~=.]|[uvHckrd](?=[\s{]))\s*(?:\{([A-Za-z])\}|([A-Za-z]))")
_WRAPPED_ACCENT: Final = re.compile(r"\{(\\(?:[\"'`^~=.]|[uvHckrd](?=[\s{]))\s*(?:\{[A-Za-z]\}|[A-Za-z]))\}")


def accented(text: str) -> str:
    """The text with LaTeX's accents made letters, and a braced accent ({\\"u}) unbraced."""
    if "\\" not in text:
        return text
    text = _WRAPPED_ACCENT.sub(r"\1", text.replace("{\\i}", "i"))
    letters = _ACCENT_LETTER.sub(lambda m: (m.group(2) or m.group(3)) + _MARKS[m.group(1)], text)
    return unicodedata.normalize("NFC", letters)
