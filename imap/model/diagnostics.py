"""Diagnostics as data: every problem has a stable code, a severity, a file and a line."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # something the build did for you (such as a DOI written with its address, shortened): no action


@dataclass(frozen=True, order=True)
class Location:
    """A place in the project: a path relative to the project root and a 1-based line (0: the whole file)."""

    path: str
    line: int = 0


# The closed list of diagnostic codes. The documentation page of diagnostics is generated from it,
# and a test fails if the code emits a code that is not listed here.
CODES: dict[str, str] = {
    "file.encoding": "The file is not valid UTF-8 text.",
    "file.control-character": "The file holds an invisible control character (NUL, escape, DEL, a C1 control, or the "
    "line or paragraph separator U+2028/U+2029), which a page would carry into its HTML or which YAML counts as a line "
    "break.",
    "file.empty": "The file is empty.",
    "file.not-a-file": "Something other than a file (a folder, a named pipe, a device) is where the build reads a "
    "file: a manual page, references.bib, glossary.yml, CHANGELOG.md, CITATION.cff or addresses.txt.",
    "file.unreadable": "A file the build reads cannot be read (the operating system's reason is given, such as its "
    "permissions).",
    "file.name": "A file under docs/ whose name holds characters other than letters, digits, '.', '_' and '-'.",
    "file.unexpected": "A file in manual/ that is not a Markdown page in one of the item folders, or a file under "
    "docs/ that is neither a page nor a picture (the site would publish it as it is).",
    "file.symlink": "A symbolic link in manual/ or docs/ (but docs/manual, to ../manual) or as a file the build reads: "
    "the build would read or publish what it points to, from outside the repository or past the checks.",
    "frontmatter.missing": "The file does not start with a YAML front matter block (a line with ---).",
    "frontmatter.unclosed": "The front matter block has no closing --- line.",
    "frontmatter.yaml": "The front matter is not valid YAML.",
    "frontmatter.not-mapping": "The front matter is valid YAML but not a mapping of keys to values.",
    "field.unknown": "A front matter key that this kind of item does not have (often a misspelling).",
    "field.duplicate": "The same key appears twice in one mapping; YAML would silently keep only the last.",
    "field.missing": "A required key is absent.",
    "field.empty": "A required key is present but has no value.",
    "field.type": "A value has the wrong type (for example a single string where a list is expected).",
    "field.vocabulary": "A value is not in the closed vocabulary for its field.",
    "field.version": "A version is not of the form MAJOR.MINOR.PATCH.",
    "id.malformed": "An ID does not follow the scheme for its kind (in an item, a hypothesis, a front matter list, "
    "a changelog entry or addresses.txt).",
    "id.duplicate": "Two items (or two hypotheses) have the same ID.",
    "id.file-name": "The file's name is not the item's ID, alone or with lower-case words (P03.md, P03-some-words.md).",
    "id.kind": "The ID's letter does not match the folder the file is in.",
    "link.unknown-item": "A front matter list refers to an item ID that does not exist.",
    "link.wrong-kind": "A front matter list refers to an item of the wrong kind (e.g. a principle under theories).",
    "link.wrong-part": "A front matter list refers to a chapter of the wrong part (e.g. under safety).",
    "link.self": "An item lists itself as related.",
    "link.retired": "A link or cross-reference to a retired item; link to the item that replaced it.",
    "evidence.unknown-source": "An evidence link names a source key that is not in references.bib.",
    "evidence.duplicate": "The same source appears twice in one item's evidence for the same claim.",
    "hypothesis.id-mismatch": "A hypothesis ID does not carry the number of the principle it belongs to.",
    "citation.unknown-key": "A [@key] citation in the text names a key that is not in references.bib.",
    "xref.unknown-item": "A [[ID]] cross-reference in the text names an item that does not exist.",
    "content.dose": "A dose amount (mg, mg/kg, µg) outside a cited 'Published trial design' block.",
    "section.missing": "A required second-level heading for this kind of item is missing.",
    "section.order": "The required headings are present but not in the required order.",
    "section.generated": "The text contains a heading that the build generates; it would appear twice.",
    "section.empty": "A required section has a heading but no text under it.",
    "session.off-course": "A session protocol's 'Off course' section does not answer one of the situations every "
    "session must answer (a '###' heading of that title with text under it).",
    "session.timing": "A session protocol's 'Timing' section neither cites the published record of its timing nor "
    "says that it is as the governing protocol sets.",
    "session.wording": "A session protocol has no illustrative wording in the labelled block "
    '(!!! wording "Example wording, written for this manual").',
    "form.readability": "A patient handout reads above the stated grade (Flesch-Kincaid grade 8, as the readability "
    "package computes it from the text a reader sees), or is longer than a handout may be.",
    "certainty.ceiling": "An item is rated above 'low' certainty without a trial or meta-analysis in MDMA-assisted "
    "therapy that supports it.",
    "certainty.basis": "A certainty rating rests on a source that is not one of the item's evidence links.",
    "evidence.descriptive-support": "A descriptive source (a manual, a regulatory document or a commentary) is "
    "tagged as supporting a claim.",
    "fidelity.anchors": "A fidelity indicator does not give exactly one anchor for each score (0, 1, 2).",
    "fidelity.load": "The fidelity scale asks a rater for more ratings per medicine session than the stated bound (a "
    "warning from make check, so that a manual grown past one scale, such as the benchmark's synthetic copies, still "
    "builds; the test suite holds the manual itself to the bound).",
    "hypothesis.threshold": "A hypothesis's threshold neither names its source nor is left to a pre-registered "
    "protocol, or names a source that is not in references.bib.",
    "content.wording-label": "An example-wording block (type 'wording') does not carry the label "
    "'Example wording, written for this manual'.",
    "glossary.duplicate": "The glossary defines the same term twice.",
    "glossary.term": "A glossary term with characters outside the term grammar (letters, digits, single separators).",
    "template.syntax": "A page with render_macros: true is not a valid Jinja template.",
    "template.unsafe": "A page with render_macros: true does more than call the site's macros with literal strings or "
    "numbers (a variable, attribute, filter, tag, or a computed argument).",
    "template.config": "mkdocs.yml turns on the mkdocs-macros plugin (which would render pages as Jinja templates), "
    "or inherits settings from a file the check does not read.",
    "template.call": "A page calls one of the site's macros with arguments it does not take (a kind that does not "
    "exist, too many arguments): the page cannot be generated.",
    "generate.folder": "make generate was asked to write into a folder that holds files it did not write.",
    "generate.config": "mkdocs.yml is not a mapping of settings: make generate cannot write the tree's configuration.",
    "diagram.unsafe": "A Mermaid diagram that holds a directive, HTML, an address, node data or a click other than a "
    "link to an item (the diagram library turns its text into markup after the sanitiser).",
    "markdown.unclosed": "A fenced code block, an HTML element or a comment that the text never closes: the rest of "
    "the page, and the sections the build adds after it, would be shown as code or lost.",
    "html.unsafe": "Markup the sanitiser removes from a page: HTML, attributes or link schemes outside its allowlist.",
    "text.too-complex": "A text past the stated bounds on '<' and '[' (Markdown reads such runs in quadratic time).",
    "benchmarks.malformed": "The benchmark results file (written by make bench) is not valid JSON or lacks a field.",
    "guide.step": "A decision guide's step (or the guide) has an id that is not a short name or is used twice, or "
    "leads to a step the guide does not have.",
    "guide.branches": "A decision guide's question has one answer, or both answers and a next step.",
    "guide.unreachable": "No way through a decision guide leads to one of its steps.",
    "guide.label": "A decision guide's step label is too long for its box in the drawing.",
    "guide.placement": "A decision guide is not placed exactly once in its item's text ([[guide:<id>]]), or the text "
    "places a guide the item does not have.",
    "bib.parse": "A BibTeX entry could not be parsed (often unbalanced braces or a missing comma).",
    "bib.duplicate-key": "Two entries in references.bib have the same key.",
    "bib.missing-field": "A bibliography entry lacks a field every entry of its type needs.",
    "bib.year": "A year is neither a plausible publication year nor a publication status such as 'in press'.",
    "bib.date": "A date (date, urldate, eventdate, origdate) is not a real calendar date of the form YYYY, YYYY-MM or "
    "YYYY-MM-DD (or a range of them with '/').",
    "bib.doi": "A DOI is not of the form 10.NNNN/suffix.",
    "bib.doi-prefix": "A DOI was written with its address or a 'doi:' prefix; the build uses the DOI alone (a note).",
    "bib.url": "A url (or the address given in howpublished) is not a web address starting with http:// or https:// "
    "(an error), or is read as one only with https:// added or as the first of several (a warning).",
    "bib.url-escaped": "A url was written with LaTeX escapes (an escaped underscore or percent sign); the build uses "
    "the address as meant (a note).",
    "bib.type": "A type field names the kind of reference (EndNote's 'Journal Article'), which is not printed "
    "(a note).",
    "bib.article-number": "The pages of an article are an article number (e0123456), printed 'Article e0123456' "
    "(a note).",
    "bib.edition": "An edition written as a word or an ordinal ('Second') is printed as a number, '2nd ed.' (a note).",
    "bib.list-and": "A publisher, institution or place reads as several names because it holds 'and', which BibLaTeX "
    "reads as a separator.",
    "bib.language": "An entry in another language (its language field says so, or the words of its title and journal "
    "show it) has no langid: the reference engine prints its title in English sentence case and its journal in "
    "English title case.",
    "bib.html": "A field's text holds HTML markup (as Crossref writes it): read as what it stands for, or, where the "
    "engine does not read it, printed as text.",
    "bib.pages": "Pages written after 'pp.' or 'p.': the reference prints the pages with what APA puts before them.",
    "bib.preprint": "An article names a preprint server as its journal: printed as a preprint (APA 10.8).",
    "bib.original-date": "A note gives the year a republished work first came out ('Original work published 1890'): "
    "printed as APA 7 writes it, with both years in citations (a note).",
    "bib.thesis": "A thesis names a publisher beside its university: printed as the database it is published in, "
    "after the description (APA 10.6) (a note).",
    "bib.podcast": "An @audio entry with a show (series) and an episode number, or marked as a podcast, is printed "
    "as a podcast episode (APA 10.13) (a note); one with only a show and an address, or only a number, is named, "
    "since it may be either an audio recording or a podcast episode.",
    "bib.string": "A field uses a @string macro that no @string defines: the reference prints the macro's name.",
    "bib.online-first": "An article with a DOI has no volume, issue or pages: published online ahead of its issue "
    "(pubstate says so) or incomplete.",
    "bib.duplicate-url": "A url is the DOI's own address; the reference prints it once, as the DOI (a note).",
    "bib.name": "A list of names cannot be read as written: an 'and' with no name beside it, names separated by "
    "commas instead of 'and', or 'others' before the end.",
    "bib.authors-incomplete": "A list of names ends in 'and others': the reference prints 'et al.', which APA 7 does "
    "not use in a reference list (it names up to 20 authors); list them all.",
    "bib.latex": "A LaTeX command that the reference engine does not know: it would be dropped from the printed "
    "reference.",
    "bib.title-case": "A title in sentence case has capitalised words after its first word: APA sentence case prints "
    "them in lower case unless they are braced ({Veterans Affairs}), as names and acronyms should be.",
    "bib.title-name": "A title in Title Case holds words that look like names (a country, people, nationality, "
    "language, religion, month, day, place, event, organisation or eponym, or a name braced in another title): APA "
    "sentence case prints them in lower case unless they are braced ({United States}).",
    "bib.webpage": "A @misc with an address names its site in booktitle, as Paperpile exports a web page: printed as "
    "one, 'Title. Site. URL', with its full date (a note); or it has a month, which a @misc does not print (a "
    "warning: make a web page @online).",
    "bib.presentation": "An @unpublished or @misc whose note or howpublished says it was presented at a meeting "
    "('Poster presented at the Annual Meeting of ...'): printed as APA 10.5's presentation, '[Poster presentation]. "
    "Meeting.' (a note).",
    "bib.issue": "An article's issue is written in BibLaTeX's issue (printed as its number, a note), is not an issue's "
    "number (not printed), or is a month written in number (printed as the issue).",
    "bib.eprint": "A work is given by its identifier on a server (eprint): printed with its address there (a note), or "
    "not printed, where the server is not one the engine knows.",
    "bib.booksubtitle": "A chapter's booksubtitle, which pandoc adds to the maintitle too, is printed after the "
    "booktitle only (a note).",
    "bib.note": "A note or addendum says what the reference should show (a retraction, a trial's registration number), "
    "and notes are never printed.",
    "bib.crossref": "A crossref or xdata field names an entry that is not in references.bib.",
    "bib.agreement": "The two readers of references.bib (the checks' and the reference engine's) disagree about an "
    "entry (its type, year or number of authors, how many times it is read, or its title: a warning), so what was "
    "checked would not be what is printed.",
    "bib.engine": "The reference engine (pandoc) could not be run or refused the bibliography.",
    "bib.uncited": "A reference that no item cites.",
    "bib.file": "references.bib is missing.",
    "cff.yaml": "CITATION.cff is not valid YAML, or uses YAML the project does not accept (an alias, a tag, a key "
    "written twice, nesting past the bound).",
    "cff.schema": "CITATION.cff does not follow the Citation File Format 1.2.0 (its JSON Schema, vendored in "
    "imap/citing/schemas/).",
    "cff.text": "A field of CITATION.cff that the site prints (title, an author's name, version, date-released, url) "
    "holds a line break or another control character.",
    "version.format": "VERSION is not one line holding one version, MAJOR.MINOR.PATCH.",
    "changelog.format": "A CHANGELOG.md heading that is not a dated release or a Keep a Changelog category.",
    "changelog.unknown-item": "A changelog entry names an item or hypothesis ID that does not exist.",
    "changelog.range": "A range of IDs in a changelog entry (C05–C11, H03a–H03c) whose ends are of two kinds (or two "
    "principles' hypotheses), run backwards, or span more than 1,000 IDs.",
}


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        where = f"{self.location.path}:{self.location.line}" if self.location.line else self.location.path
        return f"{where}: {self.severity.value}: {self.message}{hint} [{self.code}]"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.path, self.location.line, self.code, self.message)


def error(location: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, code, message, hint)


def warning(location: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, Severity.WARNING, code, message, hint)


def note(location: Location, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(location, Severity.NOTE, code, message, hint)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def report(diagnostics: Iterable[Diagnostic]) -> str:
    """All diagnostics, sorted by file and line, one per line, with a closing count."""
    ordered = sort_diagnostics(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in ordered)
    warnings = sum(d.severity is Severity.WARNING for d in ordered)
    notes = len(ordered) - errors - warnings
    lines = [d.format() for d in ordered]
    counts = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    lines.append(counts + (f", {notes} note{'s' if notes != 1 else ''}" if notes else ""))
    return "\n".join(lines)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate, or an empty string."""
    import difflib

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""
