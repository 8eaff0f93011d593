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
        "chapter part": PART,
    }
)

# The number in an ID: two digits (P03), or three or more without a leading zero past 99 (P100).
ID_NUMBER: Final = r"(?:\d{2}|[1-9]\d{2,})"
HYPOTHESIS_ID: Final = re.compile(rf"H({ID_NUMBER})([a-z])")  # the principle's number, then a letter
VERSION: Final = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
