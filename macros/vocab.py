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
        "supports": "The source supports the claim.",
        "qualifies": "The source limits or complicates the claim.",
        "challenges": "The source contradicts or critiques the claim.",
    }
)

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
    }
)

# The number in an ID: two digits from 01 (P03), and past 99 three or four without a leading zero (P100, P1200).
# Numbers start at 01, and stop at 9999: the documented scheme is "two digits (three after 99)", and the
# benchmark's synthetic manual at 100 times the real one (tools/synth.py) numbers its chapters up to C2700. A bound
# keeps every ID a small number wherever one is read (int() of a 5,000-digit string raises; a range to P99999999
# would name a hundred million IDs).
ID_NUMBER: Final = r"(?:0[1-9]|[1-9]\d{1,3})"
MAX_ID_NUMBER: Final = 9999
# The first letter of each kind's IDs (macros.model.Kind.prefix; a test keeps the two equal).
ITEM_LETTERS: Final = "CTPISF"
ITEM_ID: Final = re.compile(rf"([{ITEM_LETTERS}])({ID_NUMBER})")  # an item of any kind
HYPOTHESIS_ID: Final = re.compile(rf"H({ID_NUMBER})([a-z])")  # the principle's number, then a letter
# What an author means as an ID in a list of IDs, right or wrong: a kind's letter and digits (P3, P00, P0003).
ID_SHAPED: Final = re.compile(rf"[{ITEM_LETTERS}]\d+|H\d+[a-z]?")
ID_SCHEME: Final = "an ID is C, T, P, I, S or F and a number from 01 to 99, then 100 to 9999 (P03); a hypothesis, H03a"
VERSION: Final = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def is_id(text: str) -> bool:
    """Whether a text is an item or hypothesis ID of the scheme."""
    return bool(ITEM_ID.fullmatch(text) or HYPOTHESIS_ID.fullmatch(text))


def shown_id(text: str, limit: int = 24) -> str:
    """A text an author meant as an ID, cut short for a message (a mistyped one may be thousands of digits)."""
    return text if len(text) <= limit else text[:limit] + "…"
