"""The front matter schema of each kind of item: its fields with their types and meanings, the sections its body
must have, and which fields link to which kinds. (imap.reading.item_reader reads front matter against it.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from imap.model import vocab
from imap.model.items import Kind

FieldType = Literal[
    "text",
    "version",
    "ids",
    "texts",
    "choice",
    "choices",
    "evidence",
    "hypotheses",
    "certainty",
    "fidelity",
    "guides",
    "steps",
    "branches",
]


@dataclass(frozen=True)
class FieldSpec:
    type: FieldType
    required: bool
    doc: str
    vocabulary: Mapping[str, str] | None = None


def _f(type_: FieldType, required: bool, doc: str, vocabulary: Mapping[str, str] | None = None) -> FieldSpec:
    return FieldSpec(type_, required, doc, vocabulary)


_FILE_WORDS: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COMMON: Final = {
    "id": _f("text", True, "the permanent ID; the file is named after it"),
    "title": _f("text", True, "the page title"),
    "since": _f("version", True, "the manual version in which the item first appeared"),
}

EVIDENCE_FIELDS: Final = MappingProxyType(
    {
        "source": _f("text", True, "a key in references.bib"),
        "claim": _f("text", True, "what the source bears on, in a short phrase"),
        "kind": _f("choice", True, "the kind of evidence", vocab.EVIDENCE_KIND),
        "context": _f("choice", True, "the context the evidence comes from", vocab.EVIDENCE_CONTEXT),
        "stance": _f("choice", False, "whether it supports, qualifies or challenges the claim", vocab.EVIDENCE_STANCE),
    }
)

HYPOTHESIS_FIELDS: Final = MappingProxyType(
    {
        "id": _f("text", True, "H + the principle's two digits + a letter, e.g. H03a"),
        "prediction": _f("text", True, "the testable prediction"),
        "mechanism": _f("text", True, "the proposed mechanism"),
        "measure": _f("text", True, "the outcome or process measure that would test it"),
        "design": _f("text", True, "the study design that would test it"),
        "comparison": _f("text", True, "what is compared with what (arms, conditions or groups)"),
        "threshold": _f(
            "text",
            True,
            f"the margin that would count as support, from a cited source, or '{vocab.PREREGISTERED_THRESHOLD}'",
        ),
        "threshold_source": _f("text", False, "the key in references.bib the threshold is taken from"),
        "refuted_if": _f("text", True, "the result that would count against the hypothesis"),
        "status": _f("choice", True, "the current evidence status", vocab.HYPOTHESIS_STATUS),
        "evidence": _f("evidence", False, "typed links to evidence bearing on it"),
    }
)

CERTAINTY_FIELDS: Final = MappingProxyType(
    {
        "rating": _f("choice", True, "high, moderate, low or very-low", vocab.CERTAINTY),
        "downgraded_for": _f("choices", False, "the domains that lowered the rating", vocab.CERTAINTY_DOMAINS),
        "rationale": _f("text", True, "why, in one or two sentences"),
        "basis": _f("texts", True, "the keys of the evidence links the judgement rests on"),
    }
)

FIDELITY_FIELDS: Final = MappingProxyType(
    {
        "indicator": _f("text", True, "what a rater sees on the recording when the principle is followed"),
        "unit": _f("choice", True, "session or segment", vocab.FIDELITY_UNIT),
        "rated_when": _f("text", False, "the situation in which it is rated; otherwise it is not applicable"),
        "anchors": _f("texts", True, "what scores 0, 1 and 2 look like, in this order"),
    }
)

BRANCH_FIELDS: Final = MappingProxyType(
    {
        "when": _f("text", True, "the answer, in a few words (Yes; No; Yes, or unsure)"),
        "go": _f("text", True, "the id of the step this answer leads to"),
    }
)

STEP_FIELDS: Final = MappingProxyType(
    {
        "id": _f("text", True, "a short name for the step, unique in its guide (letters, digits and '-')"),
        "label": _f(
            "text", True, f"the step in a few words, as the drawing shows it (at most {vocab.GUIDE_LABEL} characters)"
        ),
        "text": _f("text", True, "the full instruction, as the numbered list shows it ([[ID]] and [@key] allowed)"),
        "next": _f("text", False, "the id of the step that follows, or 'end'; the step written next when absent"),
        "branches": _f("branches", False, "for a question: each answer and the step it leads to (at least two)"),
    }
)

GUIDE_FIELDS: Final = MappingProxyType(
    {
        "id": _f("text", True, "a short name for the guide, placed in the text as [[guide:<id>]]"),
        "title": _f("text", True, "what the guide is for, as the caption of its drawing"),
        "steps": _f("steps", True, "the steps, in the order of the numbered list; the first is where it starts"),
    }
)

_LISTS: Final = frozenset(
    {"ids", "texts", "choices", "evidence", "hypotheses", "fidelity", "guides", "steps", "branches"}
)

FIELDS: Final = MappingProxyType(
    {
        Kind.CHAPTER: MappingProxyType(
            {
                **_COMMON,
                "part": _f("choice", True, "the part of the manual it belongs to", vocab.PART),
                "summary": _f("text", False, "one sentence on what the chapter covers"),
                "decision_guides": _f("guides", False, "decision guides as data, each drawn and listed where placed"),
            }
        ),
        Kind.THEORY: MappingProxyType(
            {
                **_COMMON,
                "summary": _f("text", True, "the core claim in one sentence"),
                "evidence": _f("evidence", True, "canonical statements, tests and critiques"),
                "related": _f("ids", False, "neighbouring theories"),
            }
        ),
        Kind.PRINCIPLE: MappingProxyType(
            {
                **_COMMON,
                "summary": _f("text", True, "the principle in one sentence"),
                "theories": _f("ids", True, "the theories it rests on"),
                "evidence": _f("evidence", True, "typed links to the sources that bear on it"),
                "certainty": _f("certainty", True, "how certain the evidence is for it in MDMA-assisted therapy"),
                "hypotheses": _f("hypotheses", True, "testable predictions it implies"),
                "fidelity": _f("fidelity", True, "observable indicators, each with its rating unit and anchors"),
                "related": _f("ids", False, "closely related principles"),
                "safety": _f("ids", False, "the safety and ethics chapters this principle depends on"),
            }
        ),
        Kind.INTERVENTION: MappingProxyType(
            {
                **_COMMON,
                "summary": _f("text", True, "what it is, in one sentence"),
                "principles": _f("ids", True, "the principles it serves"),
                "phases": _f("choices", True, "when it is used", vocab.PHASE),
                "source_therapy": _f("text", True, "the therapy or tradition it is drawn from"),
                "theories": _f("ids", False, "theories it draws on directly"),
                "evidence": _f("evidence", True, "typed links to its evidence"),
                "certainty": _f("certainty", True, "how certain the evidence is for it in MDMA-assisted therapy"),
            }
        ),
        Kind.SESSION: MappingProxyType(
            {
                **_COMMON,
                "summary": _f("text", True, "what the session is for, in one sentence"),
                "phase": _f("choice", True, "the phase of the course it belongs to", vocab.SESSION_PHASE),
                "principles": _f("ids", True, "the principles it applies"),
                "interventions": _f("ids", True, "the interventions it uses"),
                "forms": _f("ids", False, "the forms and handouts it uses"),
            }
        ),
        Kind.FORM: MappingProxyType(
            {
                **_COMMON,
                "summary": _f("text", True, "what the form or handout is for, in one sentence"),
                "type": _f("choice", True, "what kind of form it is", vocab.FORM_TYPE),
                "filled_in_by": _f("text", True, "who fills it in (for a handout: who gives it to whom)"),
                "when": _f("text", True, "when it is filled in or given"),
                "kept": _f(
                    "text",
                    True,
                    "where it is kept (for a handout: where the patient's copy and the record of giving it go)",
                ),
                "sources": _f(
                    "ids", True, "the pages its content comes from (chapters, principles, interventions, sessions)"
                ),
            }
        ),
    }
)

# The front matter of a retired item: it keeps its ID (never reused) and its page, which says what replaced it.
RETIRED_FIELDS: Final = MappingProxyType(
    {
        **_COMMON,
        "retired": _f("version", True, "the manual version in which the item was retired"),
        "reason": _f("text", True, "why it was retired, in one sentence"),
        "replaced_by": _f("ids", False, "the items of the same kind that replace it, if any"),
    }
)

# Which kind (or kinds) each ID list must point to, per item kind.
LINK_TARGETS: Final[Mapping[tuple[Kind, str], Kind | tuple[Kind, ...]]] = MappingProxyType(
    {
        (Kind.THEORY, "related"): Kind.THEORY,
        (Kind.PRINCIPLE, "theories"): Kind.THEORY,
        (Kind.PRINCIPLE, "related"): Kind.PRINCIPLE,
        (Kind.PRINCIPLE, "safety"): Kind.CHAPTER,
        (Kind.INTERVENTION, "principles"): Kind.PRINCIPLE,
        (Kind.INTERVENTION, "theories"): Kind.THEORY,
        (Kind.SESSION, "principles"): Kind.PRINCIPLE,
        (Kind.SESSION, "interventions"): Kind.INTERVENTION,
        (Kind.SESSION, "forms"): Kind.FORM,
        (Kind.FORM, "sources"): (Kind.CHAPTER, Kind.PRINCIPLE, Kind.INTERVENTION, Kind.SESSION),
        **{(kind, "replaced_by"): kind for kind in Kind},
    }
)

# Chapter links that must point into one part of the manual.
LINK_PARTS: Final = MappingProxyType({(Kind.PRINCIPLE, "safety"): "safety-ethics"})

# Second-level headings each kind must have, in order.
REQUIRED_SECTIONS: Final = MappingProxyType(
    {
        Kind.CHAPTER: (),
        Kind.THEORY: ("Core claim", "Implications for the MDMA session", "Evidence and limits"),
        Kind.PRINCIPLE: (
            "What it means",
            "Why",
            "What it looks like in a session",
            "Decision points",
            "Cautions and limits",
        ),
        Kind.INTERVENTION: (
            "Purpose",
            "When to use it",
            "How",
            "Adaptations for the MDMA state",
            "When not to use it",
        ),
        Kind.SESSION: ("Purpose", "Prerequisites", "Timing", "Steps", "What is recorded", "Off course"),
        Kind.FORM: ("How it is used", "The form"),
    }
)
# A handout is given, not filled in: its text is "The handout".
HANDOUT_SECTIONS: Final = ("How it is used", "The handout")


def required_sections(kind: Kind, form_type: str = "") -> tuple[str, ...]:
    """The second-level headings an item must have, in order."""
    return HANDOUT_SECTIONS if kind is Kind.FORM and form_type == "handout" else REQUIRED_SECTIONS[kind]


# Second-level headings the build generates on item pages, with their permanent anchors. An author who writes
# one of them would publish it twice, so the rules refuse them in the text.
GENERATED_SECTIONS: Final = MappingProxyType(
    {
        "Map of this principle": "map",
        "Theories": "theories",
        "Evidence": "evidence",
        "Interventions that serve this principle": "interventions",
        "Testable hypotheses": "hypotheses",
        "Fidelity indicators": "fidelity",
        "Related principles": "related",
        "Safety and ethics": "safety",
        "Principles that depend on this chapter": "principles",
        "Principles that draw on this theory": "principles",
        "Related theories": "related",
        "Principles it serves": "principles",
        "Sessions that apply this principle": "sessions",
        "Sessions that use this intervention": "sessions",
        "Principles it applies": "principles",
        "Interventions it uses": "interventions",
        "Forms it uses": "forms",
        "Sessions that use this form": "sessions",
        "Where this comes from": "sources",
        "About this form": "about",
        "History": "history",
        "Cite this": "cite",
    }
)


GLOSSARY_FIELDS: Final = MappingProxyType(
    {
        "term": _f("text", True, "the term or abbreviation exactly as it appears in the text (case matters)"),
        "expansion": _f("text", False, "what an abbreviation stands for"),
        "definition": _f("text", True, "one or two plain sentences"),
        "see": _f("ids", False, "items where the term is treated"),
    }
)
