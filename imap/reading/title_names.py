"""Names in titles written in Title Case, as most exports write them (APA 7 6.17, 5.7).

The reference engine prints an English title in sentence case: it lowers every capitalised word after a sentence's
first that is not braced. In a title written in sentence case, the capitalised words are the names, and bib_case
reports them. In a title written in Title Case every word is capitalised, so nothing shows which are names:
"Posttraumatic Stress Among Black Veterans in the United States" would print "... among black veterans in the united
states" without a word. This check finds the words of such a title that look like names: a country (ISO 3166, from
pycountry), a people, nationality or language, a religion, a month or day, a place, an event or an organisation often
named in trauma research, an eponym, or a name braced in another title of the same references.bib. It cannot know
every name, so it names what it finds and says how to keep a capital; it never changes the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

import pycountry

from imap.model.diagnostics import Diagnostic, Location, warning
from imap.model.items import Reference
from imap.reading import bib_case, bib_language

Phrase = tuple[str, ...]

# Peoples, nationalities and languages (APA 7 5.7 capitalises racial and ethnic groups), with places that are not
# countries of ISO 3166 or are named otherwise there.
_PEOPLES: Final = (
    "Aboriginal African Afghan Albanian Algerian American Arab Arabic Argentine Argentinian Armenian Asian Australian "
    "Austrian Balkan Bangladeshi Belgian Bosnian Brazilian British Bulgarian Burmese Burundian Cambodian Canadian "
    "Cantonese Caribbean Chilean Chinese Colombian Congolese Croatian Cuban Czech Danish Dari Dutch Egyptian Emirati "
    "English Eritrean Estonian Ethiopian European Farsi Filipina Filipino Finnish French German Ghanaian Greek Haitian "
    "Hebrew Hindi Hispanic Hungarian Icelandic Indian Indigenous Indonesian Inuit Iranian Iraqi Irish Israeli Italian "
    "Jamaican Japanese Jordanian Kenyan Korean Kosovar Kurdish Kuwaiti Laotian Latin Latina Latine Latino "
    "Latinx Latvian Lebanese Libyan Lithuanian Malaysian Mandarin Maori Māori Mexican Métis Moroccan Nepalese Nepali "
    "Nigerian Nordic Norwegian Pakistani Palestinian Pashto Persian Peruvian Polish Portuguese Qatari Romanian Russian "
    "Rwandan Saudi Scandinavian Scottish Serbian Sinhalese Slavic Slovak Somali Spanish Sudanese Swahili Swedish Swiss "
    "Syrian Tagalog Tamil Thai Tibetan Tigrinya Tunisian Turkish Ugandan Ukrainian Urdu Venezuelan Vietnamese Welsh "
    "Yemeni Yiddish Zealander"
)
_PEOPLE_PHRASES: Final = (
    "Native American",
    "Native Hawaiian",
    "Alaska Native",
    "Pacific Islander",
    "Torres Strait Islander",
    "First Nations",
    "Puerto Rican",
    "Sri Lankan",
)
# Names that a word after or before them makes a common word: "Black" and "White" name peoples (APA 7 5.7) but not in
# "white matter" or "black box"; "cold turkey", "guinea pigs", "fine china", "nail polish".
_COMMON_AFTER: Final = {
    "Black": frozenset(
        {"Matter", "Box", "Boxes", "Noise", "Paper", "Papers", "Hole", "Holes", "Swan", "Light", "Blood", "Cell"}
        | {"Cells", "Collar", "Dog", "Sheep", "Market", "Tar", "And", "Humor", "Humour", "Death", "Out", "Outs"}
    ),
    "White": frozenset(
        {"Matter", "Box", "Boxes", "Noise", "Paper", "Papers", "Hole", "Holes", "Swan", "Light", "Blood", "Cell"}
        | {"Cells", "Collar", "Coat", "Coats", "Lie", "Lies", "Knuckle", "And", "Space", "Flag"}
    ),
    "Guinea": frozenset({"Pig", "Pigs"}),
}
_COMMON_BEFORE: Final = {
    "Turkey": frozenset({"Cold"}),
    "China": frozenset({"Fine", "Bone"}),
    "Polish": frozenset({"Nail", "Shoe"}),
    "White": frozenset({"Black", "And"}),
    "Black": frozenset({"Jet", "Pitch"}),
}
# Words that belong to a name beside them: "Hurricane Katrina", "Iraq War", "New York City".
_JOINS_BEFORE: Final = frozenset({"Hurricane"})
_JOINS_AFTER: Final = frozenset({"War", "Wars", "City"})
# Generic terms, which APA lowercases ("women in the armed forces", "after a civil war"), but for the name they make
# after a name or a country's abbreviation ("American Civil War", "Canadian Armed Forces", "U.S. Army", "Royal Navy").
# Longest first, as _longest takes them.
_GENERIC: Final = tuple(
    tuple(term.split())
    for term in ("Civil War", "Armed Forces", "Air Force", "Defence Force", "Defense Force", "Army", "Navy")
)
_QUALIFIERS: Final = frozenset({"US", "UK", "Royal"})
_PLACES: Final = (
    "Africa Alberta America Americas Antarctica Asia Baghdad Balkans Basel Beirut Berlin Boston Britain Chernobyl "
    "Chicago Darfur England Europe Fukushima Gaza Geneva Hiroshima Jerusalem Kabul Katrina Kosovo Kurdistan London "
    "Manhattan Manitoba Melbourne Montreal Nagasaki Ontario Oslo Paris Quebec Québec Russia Sarajevo Saskatchewan "
    "Scandinavia Scotland Srebrenica Sydney Tibet Toronto Turkey Vancouver Wales Zurich Zürich Atlanta Baltimore "
    "Bosnia Christchurch Columbine Dallas Denver Detroit Herzegovina Houston Miami Philadelphia Pittsburgh Saharan "
    "Seattle Soviet Utøya Wuhan "
    # the states of the United States
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois "
    "Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri "
    "Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington "
    "Wisconsin Wyoming"
)
_PLACE_PHRASES: Final = (
    "Great Britain",
    "Northern Ireland",
    "North America",
    "South America",
    "Latin America",
    "Middle East",
    "West Bank",
    "North Korea",
    "South Korea",
    "New York",
    "New Orleans",
    "Los Angeles",
    "San Francisco",
    "Tel Aviv",
    "Las Vegas",
    "San Diego",
    "Sandy Hook",
    "New South Wales",
    "Democratic Republic of the Congo",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "British Columbia",
    "Nova Scotia",
    "New Brunswick",
    "World War",
    "First World War",
    "Second World War",
    "Gulf War",
    "Cold War",
    "Operation Enduring Freedom",
    "Operation Iraqi Freedom",
    "Operation New Dawn",
    "Veterans Affairs",
    "Veterans Administration",
    "Department of Defense",
    "Department of Veterans Affairs",
    "Department of Health and Human Services",
    "National Center for PTSD",
    "National Institute of Mental Health",
    "National Institutes of Health",
    "National Guard",
    "Marine Corps",
    "Coast Guard",
    "United Nations",
    "World Health Organization",
    "Food and Drug Administration",
    "European Union",
    "Red Cross",
)
# Religions, months and days (not March, May or August, which are words too), events, organisations and eponyms.
_OTHER: Final = (
    "Buddhism Buddhist Catholic Christian Christianity Christmas Easter God Hindu Hinduism Islam Islamic Jew Jewish "
    "Judaism Koran Mormon Muslim Passover Protestant Quaker Quran Ramadan Sabbath Shoah Sikh Talmud Torah Zen "
    "January February April June July September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Holocaust Medicare Medicaid "
    "Adler Adlerian Alzheimer Asperger Bayes Bayesian Beck Bowlby Broca Cartesian Cronbach Darwin Darwinian Erikson "
    "Ericksonian Frankl Freud Freudian Gaussian Gestalt Hebbian Huntington Janet Jung Jungian Kantian Klein Kleinian "
    "Kohut Korsakoff Lacan Lacanian Likert Markov Maslow Parkinson Pavlov Pavlovian Piaget Piagetian Rasch Rogerian "
    "Rogers Rorschach Skinner Skinnerian Socratic Stroop Tourette Vygotsky Wechsler Wernicke Winnicott"
)
# A run of capitalised words, as a title braces a name its author kept ({Rwanda}, {Veterans Affairs}).
_NAME: Final = re.compile(r"[A-Z][a-z\u00df-\u00ff]+(?: [A-Z][a-z\u00df-\u00ff]+)*")
# A title whose first word is braced alone, as Zotero's own export braces every capitalised word ("{Complex} {Trauma}"):
# its braces say nothing of names. A capital braced alone at the start of a word ({V}ietnam) is classic BibTeX's.
_ZOTERO_FIRST: Final = re.compile(r"\s*\{[A-Z][a-z\u00df-\u00ff]*\}(?!\w)")
_LOWER_WORD: Final = re.compile(r"(?<![\w{])[a-z][a-z\u00df-\u00ff]+")
# A capitalised word after a title's first (sentence case lowers none other).
_INNER_CAPITAL: Final = re.compile(r"[\s/\-}][A-Z\u00c0-\u00de][a-z\u00df-\u00ff]")
# What splits a word into the words of a name: a space, a hyphen or a slash ("Iraq/Afghanistan", "African-American").
_SPLIT: Final = re.compile(r"[ /\u2010\u2011-]")
_EDGES: Final = "()[]\"'`\u201c\u201d\u2018\u2019,;:.?!"


def problems(references: Mapping[str, Reference]) -> list[Diagnostic]:
    """A warning for each title or book title in Title Case whose words that look like names sentence case lowers."""
    lexicon: dict[str, tuple[Phrase, ...]] | None = None  # made when a title in Title Case needs it
    found: list[Diagnostic] = []
    for reference in references.values():
        if not bib_case.english(reference.raw):
            continue  # printed as written
        for name in ("title", "booktitle"):
            title = reference.raw.get(name, "")
            if not _INNER_CAPITAL.search(title):
                continue  # no capitalised word after the first: nothing sentence case would lower
            words = bib_case.title_case_words(title)
            if not words or bib_language.written_in(reference.raw)[0]:
                continue  # no Title Case, or another language (bib.language says so, and how to keep it)
            lexicon = _lexicon(references) if lexicon is None else lexicon
            names = _names_in(words, lexicon) + (_meetings(words) if name == "booktitle" else [])
            if not names:
                continue
            what = "title" if name == "title" else "book's title"
            shown = ", ".join(f"'{n}'" for n in dict.fromkeys(names))
            found.append(
                warning(
                    Location(reference.location.path, reference.lines.get(name, reference.location.line)),
                    "bib.title-name",
                    f"the {what} of '{reference.key}' is in Title Case, and APA sentence case will print {shown} in "
                    "lower case, though they look like names",
                    "brace each name to keep its capitals, such as {United States} or {Black}; write a word that is "
                    "not a name in lower case",
                )
            )
    return found


def _lexicon(references: Mapping[str, Reference]) -> dict[str, tuple[Phrase, ...]]:
    """The names to look for, by their first word, longest first: the fixed ones, ISO 3166's countries, and the names
    braced in the bibliography's own titles, but for words it also writes in lower case and for titles braced whole
    or from their first word (Mendeley's and Zotero's exports, whose braces say nothing of names)."""
    names = [
        *f"{_PEOPLES} {_PLACES} {_OTHER}".split(),
        *_COMMON_AFTER,
        *_PEOPLE_PHRASES,
        *_PLACE_PHRASES,
        *_countries(),
    ]
    phrases: set[Phrase] = {tuple(_SPLIT.split(name)) for name in names}
    learned: set[Phrase] = set()
    lower: set[str] = set()
    for reference in references.values():
        for name in ("title", "booktitle"):
            title = reference.raw.get(name, "")
            lower.update(_LOWER_WORD.findall(title))
            braced = _braced_names(title)
            zotero = _ZOTERO_FIRST.match(title) or bib_case.braced_word_by_word(title)
            if braced and not _braced_whole(title) and not zotero:
                learned.update(tuple(_SPLIT.split(name)) for name in braced)
    phrases.update(p for p in learned if len(p) > 1 or p[0].lower() not in lower)
    lexicon: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        lexicon.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in lexicon.items()}


def _braced_names(title: str) -> list[str]:
    """The names a title braces: each group of braces written directly in it that holds capitalised words only
    ({Rwanda}, {Veterans Affairs}). A group inside another ({{International Conference}}, as Better BibLaTeX braces
    a title's capitals) or a LaTeX command's argument (\\mkbibquote{Ecstasy}) keeps the capitals of that title and
    names nothing."""
    names: list[str] = []
    depth = start = 0
    argument_at = -1  # where a group would be the argument of the command before it
    argument = False  # whether the group open at the top is a command's argument
    index = 0
    while index < len(title):
        char = title[index]
        if char == "\\":
            end = index + 1
            while end < len(title) and title[end].isalpha():
                end += 1
            argument_at = end if end > index + 1 else end + 1  # \mkbibquote {..} or \"{u}
            while end > index + 1 and argument_at < len(title) and title[argument_at].isspace():
                argument_at += 1
            index = max(end, index + 2)
            continue
        if char == "{":
            if depth == 0:
                start, argument = index + 1, index == argument_at
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0 and not argument and _NAME.fullmatch(title, start, index):
                names.append(title[start:index])
            argument_at = index + 1 if depth == 0 and argument else argument_at  # \href{..}{..}: the next one too
        index += 1
    return names


def _braced_whole(title: str) -> bool:
    whole = title.strip()
    return whole.startswith("{") and bib_case.closing(whole) == len(whole) - 1


def _countries() -> Iterable[str]:
    """The names of ISO 3166's countries as titles write them: 'Iran' for 'Iran, Islamic Republic of'."""
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if isinstance(value, str):
                yield value.split(",")[0].split("(")[0].strip()


# The words that end a meeting's name ("Annual International Conference of the IEEE Engineering in Medicine and
# Biology Society"), a proper name in the title of its proceedings, which sentence case would lower; and the short
# words a name's capitalised words may hold between them.
_MEETINGS: Final = frozenset({"Conference", "Symposium", "Congress", "Meeting", "Workshop", "Convention", "Colloquium"})
_WITHIN: Final = frozenset({"of", "the", "on", "and", "for", "in", "&", "\\&"})


def _meetings(words: list[tuple[str, bool]]) -> list[str]:
    """The names of meetings in a book's title: each run of capitalised words (numbers, and the short words between
    them) holding a meeting's word, in one pass."""
    plain = [word.strip(_EDGES) for word, _ in words]
    named = [p[:1].isupper() or p[:1].isdigit() for p in plain]
    found: list[str] = []
    index = done = 0
    while index < len(plain):
        if plain[index] not in _MEETINGS or "\0" in words[index][0]:
            index += 1
            continue
        first = index
        while first > done and (named[first - 1] or plain[first - 1] in _WITHIN):
            first -= 1
        last = index
        while last + 1 < len(plain) and (named[last + 1] or plain[last + 1] in _WITHIN):
            last += 1
        while plain[first] in _WITHIN or plain[first] in ("Proceedings", "Proc"):  # the book's, not the meeting's
            first += 1
        while plain[last] in _WITHIN:
            last -= 1
        if first < index or last > index:  # "the Conference" alone names no meeting
            found.append(" ".join(plain[first : last + 1]))
        index = done = last + 1
    return found


def _names_in(words: list[tuple[str, bool]], lexicon: Mapping[str, tuple[Phrase, ...]]) -> list[str]:
    """The names among a title's words (each with whether a sentence starts with it) that sentence case would lower:
    a name any of whose capitalised words does not start a sentence, with the word before or after it that belongs
    to it ("Hurricane Katrina", "Vietnam War", "New York City") and the generic term it names ("American Civil
    War")."""
    tokens = [
        (part, starts and index == 0)
        for word, starts in words
        for index, part in enumerate(_SPLIT.split(word.strip(_EDGES)))
    ]
    bases = [_base(part) for part, _ in tokens]
    found: list[str] = []
    index = 0
    while index < len(tokens):
        word = bases[index]
        phrases = lexicon.get(word, ()) + (lexicon.get(word[:-1], ()) if word.endswith("s") else ())
        match = _longest(bases, index, phrases)
        match = () if match and _common(bases, index, match) else match
        qualifier = word in _QUALIFIERS or (index > 0 and bases[index - 1] + word in _QUALIFIERS)  # U.S. is U, S
        head = match or ((word,) if qualifier else ())
        generic = _longest(bases, index + len(head), _GENERIC) if head else ()
        if not match and not generic:
            index += 1
            continue
        first, last = index, index + len(head) + len(generic)
        if not match and not _capitalised(word):
            first += 1  # U.S. keeps its capitals: the term after it is named
        if first > 0 and bases[first - 1] in _JOINS_BEFORE:
            first -= 1
        if not generic and last < len(bases) and bases[last] in _JOINS_AFTER:
            last += 1
        span = tokens[first:last]
        if any(not starts and _capitalised(_base(word)) for word, starts in span):
            found.append(" ".join(written for written, _ in span))
        index = last
    return found


def _common(bases: list[str], index: int, match: Phrase) -> bool:
    """A name that a word before or after it makes a common word ("White Matter", "Cold Turkey")."""
    if len(match) > 1:
        return False
    after = bases[index + 1] if index + 1 < len(bases) else ""
    before = bases[index - 1] if index > 0 else ""
    return after in _COMMON_AFTER.get(match[0], ()) or before in _COMMON_BEFORE.get(match[0], ())


def _capitalised(word: str) -> bool:
    """A word sentence case lowers: a capital, then lower-case letters only (PTSD and McDonald keep theirs)."""
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _base(word: str) -> str:
    """A word without a possessive ending: "Alzheimer's" is "Alzheimer"."""
    for ending in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def _longest(bases: list[str], index: int, phrases: tuple[Phrase, ...]) -> Phrase:
    """The longest of the phrases (longest first) that the words spell from index (the last may take a plural s)."""
    for phrase in phrases:
        *head, last = phrase
        end = index + len(head)
        if end < len(bases) and bases[index:end] == head and bases[end] in (last, last + "s"):
            return phrase
    return ()
