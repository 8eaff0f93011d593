"""The JSON Schema (draft 2020-12) of site/data/manual.json, built from the same vocabularies as the content model.

The schema is generated, not written by hand: its enumerations (evidence kind, context, stance, hypothesis status,
phase, part) come from imap/model/vocab.py, so the published schema cannot fall out of step with what the build accepts.
A golden copy (tests/golden/manual.schema.json) keeps every change to it visible in review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from imap.model import vocab
from imap.model.items import Kind

SCHEMA_VERSION: Final = "2.1.1"
SCHEMA_FILE: Final = "manual.schema.json"
DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
_ID: Final = rf"[{vocab.ITEM_LETTERS}]{vocab.ID_NUMBER}"
ITEM_ID: Final = rf"^{_ID}$"
HYPOTHESIS_ID: Final = rf"^H{vocab.ID_NUMBER}[a-z]$"
VERSION: Final = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"


def schema_url(site_url: str) -> str:
    """Where the schema is published: beside manual.json."""
    return f"{site_url}data/{SCHEMA_FILE}" if site_url else SCHEMA_FILE


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _enum(vocabulary: Mapping[str, str], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(vocabulary), "description": description}


def _ids(description: str, pattern: str = ITEM_ID) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "pattern": pattern}, "description": description}


def _object(properties: Mapping[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": dict(properties),
        "required": required if required is not None else list(properties),
        "additionalProperties": False,
    }


_EVIDENCE_LINK: Final = {
    "source": _string("the reference's key (see references[].key)"),
    "claim": _string("what the source bears on, in a short phrase"),
    "kind": _enum(vocab.EVIDENCE_KIND, "the kind of evidence"),
    "context": _enum(vocab.EVIDENCE_CONTEXT, "the context the evidence comes from"),
    "stance": _enum(vocab.EVIDENCE_STANCE, "whether the source supports, qualifies or challenges the claim"),
}

_COMMON: Final = {
    "id": _string("the permanent ID", pattern=ITEM_ID),
    "kind": {"type": "string", "description": "the kind of item"},
    "title": _string("the page title", minLength=1),
    "summary": _string("the item in one sentence (may be empty for chapters)"),
    "since": _string("the manual version in which the item first appeared", pattern=VERSION),
    "url": _string("the item's page, relative to the site root", pattern=rf"^manual/[a-z]+/{_ID}(?:-[a-z0-9-]+)?/$"),
    "source_file": _string("the Markdown file it is written in", pattern=rf"^manual/[a-z]+/{_ID}(?:-[a-z0-9-]+)?\.md$"),
    "theories": _ids("IDs of the theories it rests on (principles) or draws on (interventions)"),
    "evidence": {"type": "array", "items": {"$ref": "#/$defs/evidence_link"}, "description": "typed evidence links"},
    "related": _ids("IDs of related items of the same kind"),
    "cites": {
        "type": "array",
        "items": {"type": "string"},
        "description": "keys of every reference the item cites (evidence links and text), sorted",
    },
}

_HYPOTHESIS: Final = {
    "id": _string("the hypothesis ID", pattern=HYPOTHESIS_ID),
    "prediction": _string("the testable prediction"),
    "mechanism": _string("the proposed mechanism (a hypothesis)"),
    "measure": _string("the measure that would test it"),
    "design": _string("the study design that would test it"),
    "comparison": _string("what is compared with what"),
    "threshold": _string(f"the margin that counts as support, or '{vocab.PREREGISTERED_THRESHOLD}'"),
    "threshold_source": {"type": ["string", "null"], "description": "the reference key the threshold comes from"},
    "refuted_if": _string("the result that would count against it"),
    "status": _enum(vocab.HYPOTHESIS_STATUS, "the current evidence status"),
    "evidence": {"type": "array", "items": {"$ref": "#/$defs/evidence_link"}},
    "url": _string(
        "its section on the principle's page, relative to the site root", pattern=rf"#h{vocab.ID_NUMBER}[a-z]$"
    ),
}

_CERTAINTY: Final = {
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "properties": {
                "rating": _enum(vocab.CERTAINTY, "the certainty of the evidence"),
                "downgraded_for": {"type": "array", "items": _enum(vocab.CERTAINTY_DOMAINS, "a GRADE domain")},
                "rationale": _string("why"),
                "basis": {"type": "array", "items": {"type": "string"}, "description": "reference keys"},
            },
            "required": ["rating", "downgraded_for", "rationale", "basis"],
            "additionalProperties": False,
        },
    ],
    "description": "the authors' GRADE-informed judgement for MDMA-assisted therapy for PTSD (not a formal GRADE "
    "assessment)",
}
_FIDELITY: Final = {
    "type": "object",
    "properties": {
        "id": _string("the item's number on the scale (P03.2)"),
        "indicator": _string("what a rater sees"),
        "unit": _enum(vocab.FIDELITY_UNIT, "rated once per session or per segment"),
        "rated_when": {"type": ["string", "null"], "description": "the situation in which it is rated"},
        "anchors": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3},
    },
    "required": ["id", "indicator", "unit", "rated_when", "anchors"],
    "additionalProperties": False,
}

_KIND_FIELDS: Final[Mapping[Kind, Mapping[str, Any]]] = {
    Kind.CHAPTER: {"part": _enum(vocab.PART, "the part of the manual the chapter belongs to")},
    Kind.THEORY: {"principles": _ids("IDs of the principles that rest on the theory")},
    Kind.PRINCIPLE: {
        "interventions": _ids("IDs of the interventions that serve the principle"),
        "sessions": _ids("IDs of the session protocols that apply the principle"),
        "fidelity": {"type": "array", "items": _FIDELITY, "description": "fidelity indicators"},
        "certainty": _CERTAINTY,
        "hypotheses": {"type": "array", "items": {"$ref": "#/$defs/hypothesis"}},
    },
    Kind.INTERVENTION: {
        "principles": _ids("IDs of the principles the intervention serves"),
        "phases": {"type": "array", "items": _enum(vocab.PHASE, "a phase of treatment"), "minItems": 1},
        "source_therapy": _string("the therapy or tradition it is drawn from"),
        "certainty": _CERTAINTY,
        "sessions": _ids("IDs of the session protocols that use the intervention"),
    },
    Kind.SESSION: {
        "phase": _enum(vocab.SESSION_PHASE, "the phase of the course the session belongs to"),
        "principles": _ids("IDs of the principles the session applies"),
        "interventions": _ids("IDs of the interventions the session uses"),
        "forms": _ids("IDs of the forms and handouts the session uses"),
    },
    Kind.FORM: {
        "type": _enum(vocab.FORM_TYPE, "what kind of form it is"),
        "filled_in_by": _string("who fills it in (for a handout: who gives it to whom)"),
        "when": _string("when it is filled in or given"),
        "kept": _string("where it is kept"),
        "sources": _ids("IDs of the pages its content comes from"),
        "sessions": _ids("IDs of the session protocols that use it"),
    },
}


def _item(kind: Kind) -> dict[str, Any]:
    properties = {**_COMMON, "kind": {"const": kind.value}, **_KIND_FIELDS[kind]}
    properties["id"] = _string("the permanent ID", pattern=rf"^{kind.prefix}{vocab.ID_NUMBER}$")
    return _object(properties)


def manual_schema(site_url: str = "") -> dict[str, Any]:
    """The schema as a JSON-ready dict; `site_url` (ending in /) makes its $id the published address."""
    reference = _object(
        {
            "key": _string("the BibTeX key"),
            "csl": {
                "type": "object",
                "description": "the reference as a CSL-JSON item (as in references.csl.json)",
                "required": ["id", "type"],
                "properties": {"id": {"type": "string"}, "type": {"type": "string"}},
            },
            "apa": _string("the APA 7th edition reference-list entry, plain text"),
            "apa_html": _string("the same entry as HTML (<i> for italics)"),
            "in_text": _string("the APA parenthetical citation", pattern=r"^\(.+\)$"),
            "retracted": {"type": ["string", "null"], "description": "the retraction notice, or null"},
            "verified": {
                "type": ["string", "null"],
                "description": "where the entry was checked (addresses of records, separated by ' ; '), or null",
            },
            "unverified": {
                "type": ["string", "null"],
                "description": "what could not be checked and where the entry rests instead, or null",
            },
            "cited_by": _ids("IDs of the items that cite it"),
        }
    )
    return {
        "$schema": DRAFT,
        "$id": schema_url(site_url),
        "title": f"IMAP manual data (manual.json), schema version {SCHEMA_VERSION}",
        "description": "The manual's items, typed evidence links, hypotheses and references, as the site publishes "
        "them in data/manual.json.",
        "x-schema-version": SCHEMA_VERSION,
        **_object(
            {
                "$schema": _string("the address of this schema"),
                "schema_version": {"const": SCHEMA_VERSION, "description": "the version of this schema"},
                "manual_version": _string("the manual's version (VERSION)", pattern=VERSION),
                "items": {
                    "type": "array",
                    "items": {"oneOf": [{"$ref": f"#/$defs/{kind.value}"} for kind in Kind]},
                    "description": "every item, sorted by ID",
                },
                "references": {"type": "array", "items": {"$ref": "#/$defs/reference"}},
            }
        ),
        "$defs": {
            "evidence_link": _object(_EVIDENCE_LINK),
            "hypothesis": _object(_HYPOTHESIS),
            **{kind.value: _item(kind) for kind in Kind},
            "reference": reference,
        },
    }
