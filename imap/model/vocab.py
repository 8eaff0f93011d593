"""The closed vocabularies of the content model, each value with its documented meaning."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

Vocabulary = MappingProxyType[str, str]

EVIDENCE_KIND: Final = MappingProxyType(
    {
        "theory": "A statement or elaboration of a theory.",
        "review": "A narrative or systematic review without pooled estimates.",
        "meta-analysis": "A quantitative synthesis of several studies.",
        "trial": "A randomised or controlled clinical trial.",
        "experimental": "A controlled experiment outside a treatment trial (laboratory study).",
        "observational": "A cohort, cross-sectional or open-label study without a control condition.",
        "qualitative": "Interviews or other qualitative analysis of experience.",
        "case-report": "A case report or case series.",
        "preclinical": "A study in animals or cells.",
        "guideline": "A clinical practice guideline.",
        "consensus": "A consensus statement or Delphi study.",
        "manual": "A treatment manual or training document.",
        "regulatory": "A regulatory document (briefing document, decision letter) or an HTA report.",
        "commentary": "An editorial, commentary, letter or ethics analysis.",
    }
)

EVIDENCE_CONTEXT: Final = MappingProxyType(
    {
        "mdma-therapy": "MDMA-assisted therapy",
        "psychedelic-therapy": "Other psychedelic-assisted therapy",
        "mdma-laboratory": "MDMA in healthy volunteers (laboratory)",
        "ptsd-treatment": "PTSD treatment in general (no psychedelic)",
        "psychotherapy": "Psychotherapy in general",
        "human-basic": "Basic human research (memory, emotion, physiology)",
        "preclinical": "Preclinical (animal and cell studies)",
    }
)

EVIDENCE_STANCE: Final = MappingProxyType(
    {
        "supports": "The source supports the claim (it tested it, or states the theory it comes from).",
        "qualifies": "The source limits or complicates the claim.",
        "challenges": "The source contradicts or critiques the claim.",
        "describes": "The source describes a practice, design or position; it is not evidence that it works.",
    }
)

# Kinds of source that describe (a manual, a regulator's document, a commentary) and never count as support.
DESCRIPTIVE_KINDS: Final = frozenset({"manual", "regulatory", "commentary"})

CERTAINTY: Final = MappingProxyType(
    {
        "high": "Further research is very unlikely to change confidence in the claim as it applies to MDMA-assisted "
        "therapy for PTSD.",
        "moderate": "Further research is likely to have an important impact on confidence in the claim, and may "
        "change it.",
        "low": "Further research is very likely to change confidence in the claim, and is likely to change it.",
        "very-low": "Any estimate of the claim's truth for MDMA-assisted therapy is very uncertain.",
    }
)
CERTAINTY_DOMAINS: Final = MappingProxyType(
    {
        "risk-of-bias": "Risk of bias: limits in how the studies were designed or run (blinding that failed, "
        "missing outcome data, selective reporting).",
        "inconsistency": "Inconsistency: studies disagree more than chance explains.",
        "indirectness": "Indirectness: the evidence comes from other populations, treatments or outcomes (non-drug "
        "PTSD treatment, healthy volunteers, other psychedelics, animals) or does not test the claim itself.",
        "imprecision": "Imprecision: few participants or events, wide confidence intervals.",
        "publication-bias": "Publication bias: studies with unwelcome results may be missing.",
    }
)
# Kinds of source that report data: only these count as tested support (theory statements, consensus statements and
# the descriptive kinds do not).
EMPIRICAL_KINDS: Final = frozenset(
    {
        "trial",
        "meta-analysis",
        "experimental",
        "observational",
        "qualitative",
        "case-report",
        "preclinical",
        "review",
        "guideline",
    }
)

# Above this rating, a claim needs a tested link in MDMA-assisted therapy: a trial or meta-analysis that supports it.
CERTAINTY_CEILING: Final = "low"
TESTED_KINDS: Final = frozenset({"trial", "meta-analysis"})

FIDELITY_UNIT: Final = MappingProxyType(
    {
        "session": "Rated once for the whole session, from the whole recording.",
        "segment": "Rated for each segment of a medicine session (see C25 for how a recording is divided).",
    }
)
# The scores of a process indicator, each with an anchor in the indicator's own terms; "not applicable" when the
# situation it is rated in did not arise.
FIDELITY_SCORES: Final = ("0", "1", "2")
# The longest label of a decision guide's step: what fits in three lines of its box in the drawing.
GUIDE_LABEL: Final = 60
GUIDE_STEP_ID: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")

# How a medicine-session recording is divided for segment ratings, and the most ratings a rater makes per session.
SEGMENTS_PER_MEDICINE_SESSION: Final = 8
MAX_RATINGS_PER_SESSION: Final = 99
# What a hypothesis's threshold says when the margin is left to the study's own pre-registration.
PREREGISTERED_THRESHOLD: Final = "set in a pre-registered protocol"

HYPOTHESIS_STATUS: Final = MappingProxyType(
    {
        "untested": "No study has tested the prediction.",
        "indirect-support": "Related findings are consistent with it, but it has not been tested as stated.",
        "mixed": "Studies disagree.",
        "supported": "Tested directly and supported.",
        "contradicted": "Tested directly and not supported.",
    }
)

PHASE: Final = MappingProxyType(
    {
        "preparation": "Preparation sessions, before the first medicine session.",
        "medicine": "Medicine (dosing) sessions.",
        "integration": "Integration sessions after a medicine session.",
    }
)

SESSION_PHASE: Final = MappingProxyType(
    {
        "assessment": "Screening and assessment, before the course begins.",
        "preparation": "Preparation sessions, before a medicine session.",
        "medicine": "A medicine (dosing) session, from arrival to the next morning.",
        "integration": "Integration sessions after a medicine session.",
        "ending": "The end of the course.",
        "follow-up": "Contacts after the course has ended.",
    }
)

FORM_TYPE: Final = MappingProxyType(
    {
        "form": "A form the patient and the team fill in and sign (an agreement, a consent).",
        "record": "A record the team keeps (a session note, an event record).",
        "checklist": "A list the team works through and signs off.",
        "worksheet": "A page the patient works on, alone or with the team.",
        "handout": "Plain-language information the team gives the patient; nothing to fill in.",
    }
)

# The reading grade a handout may not exceed (Flesch-Kincaid grade level, as the readability package computes it).
HANDOUT_GRADE: Final = 8.0
# A handout is short: past this many words it is not read for its grade but reported as too long (which also keeps the
# check's work on a handout bounded).
HANDOUT_MAX_WORDS: Final = 2500

# What every session protocol says the team does when the session goes off course: the `###` headings its
# `## Off course` section must have, each answered in the text under it.
OFF_COURSE: Final = (
    "The patient does not engage",
    "The patient is flooded",
    "The patient wants to stop",
    "The patient arrives intoxicated or in crisis",
    "The patient misses the session",
    "One of the two therapists is absent",
    "The recording fails or consent to recording is withdrawn",
    "A medical event",
)

# The title of the admonition (type `wording`) that holds illustrative wording: the manual's own, labelled so.
WORDING_TYPE: Final = "wording"
WORDING_TITLE: Final = "Example wording, written for this manual"

PART: Final = MappingProxyType(
    {
        "foundations": "Foundations",
        "course": "The course of treatment",
        "safety-ethics": "Safety and ethics",
        "research": "The research programme",
        "training": "Training",
        "reference": "Reference",
    }
)

VOCABULARIES: Final = MappingProxyType(
    {
        "evidence kind": EVIDENCE_KIND,
        "evidence context": EVIDENCE_CONTEXT,
        "evidence stance": EVIDENCE_STANCE,
        "hypothesis status": HYPOTHESIS_STATUS,
        "intervention phase": PHASE,
        "session phase": SESSION_PHASE,
        "form type": FORM_TYPE,
        "chapter part": PART,
        "certainty rating": CERTAINTY,
        "certainty domain": CERTAINTY_DOMAINS,
        "fidelity rating unit": FIDELITY_UNIT,
    }
)

# The number in an ID: two digits from 01 (P03), and past 99 three or four without a leading zero (P100, P1200).
# Numbers start at 01, and stop at 9999: the documented scheme is "two digits (three after 99)", and the
# benchmark's synthetic manual at 100 times the real one (tools/synth.py) numbers its chapters up to C2700. A bound
# keeps every ID a small number wherever one is read (int() of a 5,000-digit string raises; a range to P99999999
# would name a hundred million IDs).
ID_NUMBER: Final = r"(?:0[1-9]|[1-9][0-9]{1,3})"  # ASCII digits only: U+1D7D1 is a \d too
MAX_ID_NUMBER: Final = 9999
# The first letter of each kind's IDs (imap.model.items.Kind.prefix; a test keeps the two equal).
ITEM_LETTERS: Final = "CTPISF"
ITEM_ID: Final = re.compile(rf"([{ITEM_LETTERS}])({ID_NUMBER})")  # an item of any kind
HYPOTHESIS_ID: Final = re.compile(rf"H({ID_NUMBER})([a-z])")  # the principle's number, then a letter
# What an author means as an ID in a list of IDs, right or wrong: a kind's letter and digits (P3, P00, P0003).
ID_SHAPED: Final = re.compile(rf"[{ITEM_LETTERS}]\d+|H\d+[a-z]?")
ID_SCHEME: Final = "an ID is C, T, P, I, S or F and a number from 01 to 99, then 100 to 9999 (P03); a hypothesis, H03a"
VERSION: Final = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def is_id(text: str) -> bool:
    """Whether a text is an item or hypothesis ID of the scheme."""
    return bool(ITEM_ID.fullmatch(text) or HYPOTHESIS_ID.fullmatch(text))


def shown_id(text: str, limit: int = 24) -> str:
    """A text an author meant as an ID, cut short for a message (a mistyped one may be thousands of digits)."""
    return text if len(text) <= limit else text[:limit] + "…"
