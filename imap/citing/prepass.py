"""The bibliography as pandoc is given it: the text as written, with what pandoc would read otherwise than the
checks and the author, each change keeping every line where it was (pandoc's errors name lines of the file).

- `\\textendash` and `\\textemdash` are the dashes (pandoc drops them).
- In the text of a field (never in an address, a DOI or a file name: the verbatim fields), a `%` and a `#` are
  text, and a `$` that opens no formula (an odd number of them in the field, or two around words with no formula's
  signs: "$5 to $10") is a dollar sign: reference managers export them as they are (Mendeley's "Use in 12% of
  visits", EndNote's "Treatment #2", "US$ 2 billion"), and pandoc, reading LaTeX, would take them for a comment, a
  macro parameter or a formula and drop the rest of the line or the whole field without a word.
- HTML markup as Crossref and some publishers write it in a title (`<i>FKBP5</i>`, `<sup>13</sup>C`,
  `<scp>PTSD</scp>`, `&amp;`) is read as the LaTeX it stands for; bib.html notes it.
- Styled text (`\\emph{Escherichia coli}`) keeps its capitals, as the checks read it: pandoc keeps the capitals of
  a braced group only when the braces are outside the command.
- An entry with no key (`@Manual{,`) is a comment: pandoc refuses the whole file for it; the checks refuse it.
- An entry written in parentheses (`@article(key, ...)`, which BibTeX reads and pandoc does not) is written in
  braces.

Each pass reads the text once (linear time)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from imap.reading.bib_case import ABBREVIATIONS, HONORIFICS
from imap.reading.bib_fields import MONTHS
from imap.reading.bib_values import VERBATIM, escaped_at, html_as_latex
from imap.reading.bibrules import NAME_FIELDS


def for_pandoc(bibtex: str) -> str:
    return escape_text(_KEYLESS.sub(r"\1@comment{\2,", _DASHES.sub(lambda m: _DASH[m.group(1)], bibtex)))


# An entry with no key (`@Manual{,`, as R's citation() writes one), which pandoc refuses with the whole file: made a
# comment, which pandoc skips; the checks refuse it at its line (bib.parse), so nothing is dropped without a word.
_KEYLESS: Final = re.compile(r"(?m)^([ \t]*)@[ \t]*[A-Za-z]+[ \t]*[{(](\s*),")


_DASHES: Final = re.compile(r"\\text(en|em)dash(?![A-Za-z])(?:\{\}| )?")
_DASH: Final = {"en": "\u2013", "em": "\u2014"}


def escape_text(bibtex: str) -> str:
    """Each `%`, `#` and lone `$` in the text of a field escaped, HTML markup in it read as LaTeX, and an entry in
    parentheses given braces (see the module's docstring). Text outside entries (where `%` starts a comment) and
    @comment and @preamble entries are left as they are; @string values are read as field values are."""
    if not any(char in bibtex for char in "%#$(<&}"):
        return bibtex
    out: list[str] = []
    depth = 0  # 0 outside entries, 1 inside an entry's own braces or parentheses, 2 and more inside a value
    closer = ""  # what closes the entry: } or )
    quoted = escaped = comment = skip = is_string = fields = False  # fields: the entry's key is followed by a comma
    address = 0  # the depth of a \\url's argument being read, or 0
    word = field = ""
    kind = ""  # the entry's type, read after @
    start = -1  # where the text of the value being read begins in `out`, or -1
    dollars: list[int] = []  # where the value's unescaped dollar signs are in `out`
    hashes: list[int] = []  # where the value's # after & are in `out`
    for char in bibtex:
        out.append(char)
        if comment:
            comment = char != "\n"
            continue
        if escaped:
            escaped = False
            continue
        if char == "\\" and depth > 0:  # outside entries a backslash escapes nothing (BibTeX reads \@article)
            escaped = True
            continue
        if depth == 0:
            if char == "%":
                comment = True
            elif char == "@":
                kind = "@"
            elif kind.startswith("@") and (char.isalpha()):
                kind += char.lower()
            elif kind.startswith("@") and char in "{(":
                depth, closer, quoted, field, word, fields = 1, "}" if char == "{" else ")", False, "", "", False
                out[-1] = "{"  # an entry in parentheses, which BibTeX allows and pandoc does not read, in braces
                skip, is_string = kind in ("@comment", "@preamble"), kind == "@string"
                kind = ""
            elif not char.isspace():
                kind = ""
            continue
        plain = not skip and field not in VERBATIM
        if char == "{":
            depth += 1
            if depth == 2 and not quoted:
                start, dollars, hashes = len(out), [], []
            if "".join(out[-5:]) == "\\url{" or "".join(out[-6:]) == "\\href{":
                address = depth  # the address of \\url or \\href, read as it is
        elif char == "}" or (char == ")" and depth == 1 and closer == ")" and not quoted):
            depth -= 1
            # @misc{key}: pandoc wants the comma after the key (not so a @string, @comment or @preamble)
            out[-1] = ("}" if fields or skip or is_string else ",}") if depth == 0 else char
            address = 0 if depth < address else address
            if depth == 1 and not quoted and start >= 0:
                _finish_value(out, start, dollars, hashes, plain, field)
                start = -1
        elif depth == 1 and char == '"':
            quoted = not quoted
            if quoted:
                start, dollars, hashes = len(out), [], []
            elif start >= 0:
                _finish_value(out, start, dollars, hashes, plain, field)
                start = -1
        elif depth == 1 and not quoted:
            if char == "=":
                field, word = word.strip().lower(), ""
            elif char == ",":
                field, word, fields = "", "", True
            elif char.isalnum() or char in "_-:.":
                word += char
            elif not char.isspace():
                word = ""
        elif char == "#" and plain and not address and out[-2:-1] == ["&"]:
            hashes.append(len(out) - 1)  # may begin an entity (&#8212;), read with the value's HTML
        elif char in "%#" and plain and not address:
            out[-1] = "\\" + char
        elif char == "$" and plain and not address:
            dollars.append(len(out) - 1)
    return "".join(out)


def _finish_value(out: list[str], start: int, dollars: list[int], hashes: list[int], plain: bool, field: str) -> None:
    """The end of a field's value (its closing delimiter is the last of `out`): a lone `$` escaped, HTML read, and
    in a title the abbreviations braced."""
    if not plain:
        return
    if len(dollars) % 2:
        for index in dollars:
            out[index] = "\\$"
    else:  # two dollar signs around text that is no formula ("$5 to $10"): money, as EndNote exports it
        for opening, closing in zip(dollars[::2], dollars[1::2], strict=True):
            inside = "".join(out[opening + 1 : closing])
            if not any(char in inside for char in "\\^_{") and " " in inside:
                out[opening] = out[closing] = "\\$"
    value = "".join(out[start:-1])
    if "\\url" in value or "\\href" in value:  # no HTML read beside an address: a # after & is text
        for index in hashes:
            out[index] = "\\#"
        return
    read = html_as_latex(value) if "<" in value or "&" in value else value
    read = _escape_hashes(read) if "#" in read else read  # a # that began no entity
    if "$" in read or "script{" in read:
        read = protect_formula_words(read)
    if "\\" in read:
        read = protect_styled_groups(read)
    if field in ("title", "booktitle"):
        read = read.replace("...", "\u2026")  # pandoc capitalises the word after three full stops, not after …
        read = protect_letters(protect_initials(protect_abbreviations(read)) if "." in read else read)
    if field in NAME_FIELDS and "AND" in read:  # PLOS's separator, which BibTeX and the checks read as "and"
        read = _brace_outside(_UPPER_AND, read, lambda m: "and")
    if "\\i" in read:  # Google Scholar's {\'\i}: the accented letter, not a dotless i and an accent
        read = _DOTLESS_I.sub(lambda m: m[1] + ("i" if m[1].endswith("{") else "{i}"), read)
    if field in ("journal", "journaltitle") and _BRAND.match(read):
        read = _BRAND.sub(r"{\1}", read, count=1)  # "npj Schizophrenia" as written, not "Npj"
    if field == "month":  # pandoc reads jan or 1, not January or sept.
        read = MONTHS.get(read.strip().lower().rstrip("."), read)
    if read != value and _balanced(read):  # never a rewriting that moves where a group or the value ends
        out[start:-1] = [read]


_UPPER_AND: Final = re.compile(r"(?<=\s)AND(?=\s)")
_DOTLESS_I: Final = re.compile(r"(\\[`'^\"~=.uvH]\s?\{?)\\i(?![A-Za-z]) ?")
# A journal whose name starts with a word in lower case that is its brand, which title case would capitalise.
_BRAND: Final = re.compile(r"(npj)(?=\s)")


# An abbreviation followed by a space or ending a clause or the title (U.S., e.g., one of bib_case's), or a title or
# saint with the name after it (Dr. Yehuda, St. Louis), written bare or braced alone.
_ABBREVIATION: Final = re.compile(
    r"(?<![\w\\.])(\{)?((?:[A-Za-z]\.){2,}|(?:" + "|".join(sorted(ABBREVIATIONS)) + r")\.)(?(1)\})"
    r"(?:( |\\ )(?=\S)|(?=[:;,)?!]|$))"
)
_HONORIFIC: Final = re.compile(
    r"(?<![\w\\.])(\{)?((?:" + "|".join(sorted(HONORIFICS)) + r")\.)(?(1)\})( |\\ )([A-Z][^\s{}\\$]*)"
)


def protect_abbreviations(title: str) -> str:
    """Each abbreviation in a title (outside braces, or braced alone), braced with the space after it: "{U.S. }veterans"
    for "U.S. veterans" and "{U.S.} veterans"; a title or saint with the name after it: "{Dr. Yehuda}". pandoc would
    lower the abbreviation ("u.s.") and take its full stop for a sentence's end, capitalising the next word ("u.s.
    Veterans"), or lowering a name after it ("dr. yehuda")."""
    title = _brace_outside(_HONORIFIC, title, lambda m: f"{{{m[2]}{m[3]}{m[4]}}}")
    return _brace_outside(_ABBREVIATION, title, lambda m: f"{{{m[2]}{m[3] or ''}}}")


# Initials in a title, with the name after them ("R. J. McNally", "C. G. Jung", "Smith, J. A.", "Vitamin D."):
# pandoc lowers an initial and takes its full stop for a sentence's end, lowering or capitalising the next word.
_INITIALS: Final = re.compile(r"(?<![\w\\{}.'\u2019-])((?:[A-Z]\.(?: |~)?){1,4})((?<=[ ~])[A-Z][\w'\u2019-]*)?")


def protect_initials(title: str) -> str:
    """Each run of initials in a title, outside braces, braced with the name after it: "{R. J. McNally}"."""
    return _brace_outside(_INITIALS, title, lambda m: f"{{{m[1]}{m[2] or ''}}}")


# A capital letter standing alone as a word ("Phase I", "Cluster B", "Vitamin D", "I'm", "T-cell"), not an initial
# (J. K.) or a word's part; "A" only after a word that names with letters or beside a hyphen ("A-B"), since elsewhere
# it is the article.
_LABELS: Final = ("Type", "Cluster", "Criterion", "Vitamin", "Group", "Class")
_LETTER: Final = re.compile(
    r"(?<![\w\\{}.'\u2019])(?:([B-Z])|(?:"
    + "|".join(f"(?<={label} )" for label in _LABELS)
    + r"|(?<=-)|(?<=&))(A)|(A)(?=-[A-Z]))"
    r"(?![\w.}])"
)


def protect_letters(title: str) -> str:
    """Each capital letter standing alone in a title, outside braces, braced: pandoc lowers it ("phase i", "cluster
    b", "vitamin d"), where APA keeps it as written."""
    return _brace_outside(_LETTER, title, lambda m: f"{{{m[1] or m[2] or m[3]}}}")


def _brace_outside(pattern: re.Pattern[str], title: str, braced: Callable[[re.Match[str]], str]) -> str:
    """The title with each match of the pattern outside braces written as `braced` writes it. The depth of braces
    is read (once, in one pass) only for a title with a match."""
    matches = list(pattern.finditer(title))
    if not matches:
        return title
    depths: list[int] = []
    depth = 0
    for char, escaped in _read(title):
        depths.append(depth)
        depth += 0 if escaped else 1 if char == "{" else -1 if char == "}" else 0
    parts: list[str] = []
    position = 0
    for match in matches:
        if depths[match.start()] == 0:
            parts += [title[position : match.start()], braced(match)]
            position = match.end()
    return "".join([*parts, title[position:]])


def _escape_hashes(text: str) -> str:
    """Each # of the text that is not escaped, escaped."""
    return "".join("\\#" if char == "#" and not escaped else char for char, escaped in _read(text))


def _balanced(text: str) -> bool:
    """Whether every brace of the text that is not escaped closes one it opened, and all are closed."""
    depth = 0
    for char, escaped in _read(text):
        depth += 0 if escaped else 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0 and not escaped_at(text + " ", len(text))  # a backslash at the end escapes the delimiter


def _read(text: str) -> Iterator[tuple[str, bool]]:
    """Each character of the text, with whether a backslash before it escapes it."""
    escaped = False
    for char in text:
        yield char, escaped
        escaped = not escaped and char == "\\"


_SCRIPTS: Final = frozenset("^_")
_WORD_END: Final = frozenset('{}"-,;:()/')
_FORMULA: Final = re.compile(r"\\text(?:sub|super)script\{|\$")


def protect_formula_words(value: str) -> str:
    """A word with a sub- or superscript in it (`H\\textsubscript{2}O`, `$^{13}$C`, `5-HT$_{2A}$`) braced whole, up to
    a space, a hyphen or punctuation: sentence case would otherwise lower its capitals ('h2o', '13c'), which are a
    formula's, not a word's. Each character is read a bounded number of times."""
    closing = _brace_pairs(value)
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _FORMULA.finditer(value):
        if match.start() < position or escaped_at(value, match.start()):
            continue
        end = _formula_end(value, match.start(), closing)
        if end < 0 or (value[match.start()] == "$" and not _SCRIPTS.intersection(value[match.start() : end])):
            continue  # a formula with no sub- or superscript ($\\pm$) has no capitals of its own
        while end < len(value) and not value[end].isspace() and value[end] not in _WORD_END:
            following = _FORMULA.match(value, end)
            after = _formula_end(value, end, closing) if following and value[end - 1] != "\\" else -1
            end = after if after > 0 else end + 1
        begin = match.start()
        while begin > position and not value[begin - 1].isspace() and value[begin - 1] not in _WORD_END:
            begin -= 1
        if escaped_at(value, end) or escaped_at(value, begin):
            continue  # a brace there would be text (H$_2$O\ ): the word is left as it is
        spans.append((begin, end))
        position = end
    parts: list[str] = []
    last = 0
    for begin, end in spans:
        parts += [value[last:begin], "{", value[begin:end], "}"]
        last = end
    parts.append(value[last:])
    return "".join(parts)


def _formula_end(value: str, start: int, closing: dict[int, int]) -> int:
    """Where the formula that starts at `start` ends (after its closing `$` or brace), or -1."""
    if value[start] == "$":
        close = value.find("$", start + 1)
        while close > 0 and value[close - 1] == "\\":
            close = value.find("$", close + 1)
        return close + 1 if close > 0 else -1
    brace = value.find("{", start)
    return closing.get(brace, -2) + 1


_STYLED: Final = re.compile(r"\\(?:emph|textit|textbf|textsc|textsl|mkbibemph|mkbibitalic)\{")


def protect_styled_groups(bibtex: str) -> str:
    """`\\emph{Escherichia coli}` and `\\emph{{The Quiet Harbour}}` written as `{\\emph{...}}`, which means the
    same in BibLaTeX: pandoc keeps the capitals of a braced group only when the braces are outside the command, and
    the checks read styled text as kept. Lines keep their numbers. The braces are paired in one pass first, so the
    whole takes linear time."""
    closing = _brace_pairs(bibtex)
    parts: list[str] = []
    position = 0
    for match in _STYLED.finditer(bibtex):
        opening = match.end() - 1
        end = closing.get(opening, -1)
        if match.start() < position or end < 0 or escaped_at(bibtex, match.start()):
            continue
        inner = bibtex[opening + 1 : end]
        if inner.startswith("{") and closing.get(opening + 1) == end - 1:
            inner = inner[1:-1]  # \\emph{{X}}: braced inside already
        wrapped = bibtex[match.start() - 1 : match.start()] == "{" and closing.get(match.start() - 1) == end + 1
        command = bibtex[match.start() : opening]
        parts.append(bibtex[position : match.start()])
        parts.append(f"{command}{{{inner}}}" if wrapped else f"{{{command}{{{inner}}}}}")
        position = end + 1
    parts.append(bibtex[position:])
    return "".join(parts)


def _brace_pairs(text: str) -> dict[int, int]:
    """The position of the closing brace of each opening brace (braces after a backslash are text)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            stack.append(index)
        elif char == "}" and stack:
            pairs[stack.pop()] = index
    return pairs
