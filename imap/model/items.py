"""The manual as frozen data: items, evidence links, hypotheses and references, each knowing where it came from."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from imap.model import markup, sanitize, text_bounds
from imap.model.diagnostics import Location
from imap.model.vocab import EMPIRICAL_KINDS, ID_NUMBER

# The number in a permanent ID: two digits (01-99), then as many as needed (100, 101, ...), never a padded 001.
_FIRST_WORD: Final = re.compile(r"\w+")
# A glossary term of word characters, spaces and hyphens appears in a page's Markdown exactly as in its text; any
# other character may be escaped in the Markdown (\_, &amp;).
_PLAIN_TERM: Final = re.compile(r"\w[\w -]*")


class Kind(enum.Enum):
    CHAPTER = "chapter"
    THEORY = "theory"
    PRINCIPLE = "principle"
    INTERVENTION = "intervention"
    SESSION = "session"
    FORM = "form"

    @property
    def prefix(self) -> str:
        return {"chapter": "C", "theory": "T", "principle": "P", "intervention": "I", "session": "S", "form": "F"}[
            self.value
        ]

    @property
    def folder(self) -> str:
        return {
            "chapter": "chapters",
            "theory": "theories",
            "principle": "principles",
            "intervention": "interventions",
            "session": "sessions",
            "form": "forms",
        }[self.value]

    @property
    def plural(self) -> str:
        return {
            "chapter": "Chapters",
            "theory": "Theories",
            "principle": "Principles",
            "intervention": "Interventions",
            "session": "Session protocols",
            "form": "Forms and handouts",
        }[self.value]

    @property
    def id_pattern(self) -> re.Pattern[str]:
        return re.compile(self.prefix + ID_NUMBER)

    @classmethod
    def from_folder(cls, folder: str) -> Kind | None:
        return next((k for k in cls if k.folder == folder), None)

    @classmethod
    def from_id(cls, item_id: str) -> Kind | None:
        return next((k for k in cls if k.id_pattern.fullmatch(item_id)), None)


# Display order of the kinds in navigation and exports.
KIND_ORDER = (Kind.CHAPTER, Kind.THEORY, Kind.PRINCIPLE, Kind.INTERVENTION, Kind.SESSION, Kind.FORM)


@dataclass(frozen=True)
class Ref:
    """A reference from one item to another by permanent ID, with the place it was written."""

    target: str
    location: Location


@dataclass(frozen=True)
class EvidenceLink:
    source: str
    claim: str
    kind: str
    context: str
    stance: str
    location: Location

    @property
    def tested(self) -> bool:
        """Whether the link is tested support: a source that supports the claim from data (not a theory statement,
        a consensus, a manual, a regulator's document or a commentary)."""
        return self.stance == "supports" and self.kind in EMPIRICAL_KINDS


@dataclass(frozen=True)
class Hypothesis:
    id: str
    principle: str
    prediction: str
    mechanism: str
    measure: str
    design: str
    status: str
    evidence: tuple[EvidenceLink, ...]
    location: Location
    comparison: str = ""  # what is compared with what
    threshold: str = ""  # the margin that counts as support, or "set in a pre-registered protocol"
    threshold_source: str = ""  # the reference key the threshold is taken from
    refuted_if: str = ""  # the result that would count against it


@dataclass(frozen=True)
class Certainty:
    """The authors' GRADE-informed judgement of how certain the evidence is for an item's central claim as it applies
    to MDMA-assisted therapy for PTSD (not a formal GRADE assessment, which rates outcomes of a systematic review)."""

    rating: str
    downgraded_for: tuple[str, ...]
    rationale: str
    basis: tuple[str, ...]  # keys of the item's evidence links the judgement rests on
    location: Location


@dataclass(frozen=True)
class GuideBranch:
    """One answer to a decision guide's question, and the step it leads to."""

    when: str
    go: str  # a step's id
    location: Location


@dataclass(frozen=True)
class GuideStep:
    """One step of a decision guide: something to do, or a question whose answers branch."""

    id: str
    label: str  # the few words in the drawing
    text: str  # the full instruction in the numbered list (Markdown, with [[ID]] and [@key] marks)
    location: Location
    next: str = ""  # the step that follows ("" for the next one written, "end" for none)
    branches: tuple[GuideBranch, ...] = ()


@dataclass(frozen=True)
class DecisionGuide:
    """A decision guide written as data (front matter `decision_guides`): drawn and listed at build time."""

    id: str
    title: str
    steps: tuple[GuideStep, ...]
    location: Location

    def successors(self, index: int) -> list[tuple[str, int]]:
        """(label of the edge, index of the step it leads to) for the step at `index`; unknown targets skipped."""
        positions = {step.id: at for at, step in enumerate(self.steps)}
        step = self.steps[index]
        if step.branches:
            return [(b.when, positions[b.go]) for b in step.branches if b.go in positions]
        if step.next == "end" or (not step.next and index + 1 >= len(self.steps)):
            return []
        target = positions.get(step.next) if step.next else index + 1
        return [("", target)] if target is not None else []


@dataclass(frozen=True)
class FidelityItem:
    """One observable indicator of a principle, with its rating unit and an anchor for each score."""

    indicator: str
    unit: str
    anchors: tuple[str, ...]  # what scores 0, 1 and 2 look like
    location: Location
    rated_when: str = ""  # the situation in which it is rated (otherwise: not applicable)


@dataclass(frozen=True)
class Item:
    kind: Kind
    id: str
    title: str
    path: str  # e.g. manual/principles/P03.md: from the project root, and from docs/ (docs/manual links to manual)
    location: Location  # where the front matter starts
    body: str
    body_line: int  # line number of the first body line in the file
    since: str = ""
    summary: str = ""
    theories: tuple[Ref, ...] = ()
    principles: tuple[Ref, ...] = ()
    interventions: tuple[Ref, ...] = ()  # a session's: the interventions it uses
    forms: tuple[Ref, ...] = ()  # a session's: the forms and handouts it uses
    sources: tuple[Ref, ...] = ()  # a form's: the pages its content comes from
    related: tuple[Ref, ...] = ()
    evidence: tuple[EvidenceLink, ...] = ()
    hypotheses: tuple[Hypothesis, ...] = ()
    fidelity: tuple[FidelityItem, ...] = ()
    decision_guides: tuple[DecisionGuide, ...] = ()
    certainty: Certainty | None = None
    phases: tuple[str, ...] = ()
    source_therapy: str = ""
    phase: str = ""  # a session's: the phase of the course it belongs to
    form_type: str = ""  # a form's: form, record, checklist, worksheet or handout
    filled_in_by: str = ""  # a form's: who fills it in (or, for a handout, who gives it to whom)
    when: str = ""  # a form's: when it is filled in or given
    kept: str = ""  # a form's: where it is kept
    part: str = ""
    safety: tuple[Ref, ...] = ()
    retired: str = ""  # the version in which the item was retired; its page then says what replaced it
    replaced_by: tuple[Ref, ...] = ()

    @property
    def url(self) -> str:
        """The page's address relative to the site root (directory URLs)."""
        return self.path.removesuffix(".md") + "/"

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"

    @cached_property
    def marks(self) -> tuple[markup.Mark, ...]:
        """The citations, cross-references and diagram links in the text (found once; the rules read them twice)."""
        return tuple(markup.scan(self.body))

    @cached_property
    def headings(self) -> tuple[markup.Heading, ...]:
        """The headings of the text, outside code."""
        return tuple(markup.headings(self.body))

    @cached_property
    def unsafe_html(self) -> tuple[text_bounds.Unsafe, ...]:
        """Markup in the text that the sanitiser would remove from its page (what could run code, among others)."""
        return tuple(sanitize.unsafe_markup(self.body))

    def parsed(self) -> Item:
        """The item with everything found in its text worked out, so that a stored copy carries it."""
        _ = self.marks, self.headings, self.unsafe_html
        return self

    @property
    def fidelity_units(self) -> tuple[tuple[str, Location], ...]:
        """The rating unit of each fidelity indicator, where it is written (what the rule on rating load reads)."""
        return tuple((f.unit, f.location) for f in self.fidelity)

    def all_evidence(self) -> tuple[EvidenceLink, ...]:
        return self.evidence + tuple(link for h in self.hypotheses for link in h.evidence)


@dataclass(frozen=True)
class Reference:
    key: str
    entry_type: str
    fields: Mapping[str, str]
    authors: tuple[tuple[str, str], ...]  # (family, given)
    editors: tuple[tuple[str, str], ...]
    location: Location
    # The fields as written in the file (lower-case names, braces and LaTeX kept): what the reference engine reads
    # and the published references.bib carries.
    raw: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)  # the line of each field in the file

    @property
    def doi(self) -> str:
        return self.fields.get("doi", "")

    @property
    def retracted(self) -> str:
        return self.fields.get("retracted", "")

    @property
    def title(self) -> str:
        return self.fields.get("title", "")


@dataclass(frozen=True)
class Citation:
    """One place where a reference is cited: an item's evidence link or text, or (item_id "") a site page."""

    key: str
    item_id: str
    location: Location


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    location: Location
    expansion: str = ""
    see: tuple[Ref, ...] = ()

    @property
    def anchor(self) -> str:
        """A stable anchor derived from the term: 'CAPS-5' -> 'term-caps-5'."""
        slug = "".join(c if c.isalnum() else "-" for c in self.term.lower()).strip("-")
        return "term-" + "-".join(part for part in slug.split("-") if part)
