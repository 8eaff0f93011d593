"""The front matter schema of each kind of item, and the conversion of YAML nodes into model objects.

Every problem becomes a Diagnostic with the file and line of the offending key or value; nothing raises.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

import yaml

from imap.model import vocab
from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error
from imap.model.items import (
    Certainty,
    DecisionGuide,
    EvidenceLink,
    FidelityItem,
    GuideBranch,
    GuideStep,
    Hypothesis,
    Item,
    Kind,
    Ref,
)

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

_YAML_NULL = "tag:yaml.org,2002:null"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _YAML_NULL


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"'{node.value}'"


class _Reader:
    """Converts YAML nodes to values, collecting diagnostics with file lines."""

    def __init__(self, path: str, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[int] = set()

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.path, self.first_line + node.start_mark.line)

    def err(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(error(self.loc(node), code, message, hint))

    def mapping(self, node: yaml.Node, specs: Mapping[str, FieldSpec], what: str) -> dict[str, tuple[Any, Location]]:
        """Read a mapping against its field specs: {name: (value, location of the key)}."""
        if id(node) in self._seen:
            self.err(node, "field.type", f"{what}: YAML aliases (*name) are not allowed in front matter")
            return {}
        self._seen.add(id(node))
        if not isinstance(node, yaml.MappingNode):
            self.err(node, "field.type", f"{what} must be a mapping of keys to values, not {_describe(node)}")
            return {}
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.err(key_node, "field.type", f"{what}: a key must be a plain word, not {_describe(key_node)}")
                continue
            key = str(key_node.value)
            if key in found:
                self.err(key_node, "field.duplicate", f"{what}: key '{key}' appears twice")
                continue
            if key not in specs:
                self.err(
                    key_node,
                    "field.unknown",
                    f"{what}: unknown key '{key}'",
                    did_you_mean(key, specs) or f"allowed keys: {', '.join(specs)}",
                )
                continue
            found[key] = (key_node, value_node)
        values: dict[str, tuple[Any, Location]] = {}
        for name, spec in specs.items():
            if name not in found:
                if spec.required:
                    self.err(node, "field.missing", f"{what}: required key '{name}' is missing", f"{name}: {spec.doc}")
                continue
            key_node, value_node = found[name]
            value = self.value(value_node, spec, f"{what}: '{name}'")
            if value is not None:
                values[name] = (value, self.loc(key_node))
        return values

    def value(self, node: yaml.Node, spec: FieldSpec, what: str) -> Any:
        if _is_null(node) or (isinstance(node, yaml.SequenceNode) and not node.value):
            if spec.required:
                self.err(node, "field.empty", f"{what} is empty", spec.doc)
                return None
            return () if spec.type in _LISTS else None
        if spec.type in ("text", "version", "choice"):
            return self.scalar(node, spec, what)
        if spec.type == "certainty":
            return self.certainty(node, what)
        if not isinstance(node, yaml.SequenceNode):
            example = "[T04, T07]" if spec.type == "ids" else "a list of items, one per line starting with '- '"
            self.err(node, "field.type", f"{what} must be a list, not {_describe(node)}", f"write it as {example}")
            return None
        if spec.type == "evidence":
            return tuple(link for child in node.value if (link := self.evidence(child, what)) is not None)
        if spec.type == "hypotheses":
            return tuple(h for child in node.value if (h := self.hypothesis(child, what)) is not None)
        if spec.type == "fidelity":
            return tuple(f for child in node.value if (f := self.fidelity(child)) is not None)
        if spec.type == "guides":
            return tuple(g for child in node.value if (g := self.guide(child)) is not None)
        if spec.type == "steps":
            return tuple(s for child in node.value if (s := self.guide_step(child)) is not None)
        if spec.type == "branches":
            return tuple(b for child in node.value if (b := self.guide_branch(child)) is not None)
        element = FieldSpec("choice" if spec.type == "choices" else "text", True, spec.doc, spec.vocabulary)
        result: list[Any] = []
        for child in node.value:
            text = self.scalar(child, element, f"{what} entry")
            if text is not None and spec.type == "ids" and vocab.ID_SHAPED.fullmatch(text) and not vocab.is_id(text):
                # written as an ID (P00, P3, P0003) but not one of the scheme; any other word is an unknown item
                self.err(child, "id.malformed", f"{what} entry '{vocab.shown_id(text)}' is not an ID", vocab.ID_SCHEME)
            elif text is not None:
                result.append(Ref(text, self.loc(child)) if spec.type == "ids" else text)
        return tuple(result)

    def scalar(self, node: yaml.Node, spec: FieldSpec, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.err(node, "field.type", f"{what} must be a single value, not {_describe(node)}")
            return None
        if _is_null(node) or not str(node.value).strip():
            self.err(node, "field.empty", f"{what} is empty", spec.doc)
            return None
        text = " ".join(str(node.value).split())
        if spec.type == "version" and not vocab.VERSION.fullmatch(text):
            self.err(node, "field.version", f"{what} '{text}' is not a version like 0.1.0")
            return None
        if spec.type == "choice" and spec.vocabulary is not None and text not in spec.vocabulary:
            self.err(
                node,
                "field.vocabulary",
                f"{what} '{text}' is not one of: {', '.join(spec.vocabulary)}",
                did_you_mean(text, spec.vocabulary),
            )
            return None
        return text

    def evidence(self, node: yaml.Node, what: str) -> EvidenceLink | None:
        fields = self.mapping(node, EVIDENCE_FIELDS, "evidence link")
        if not all(name in fields for name, spec in EVIDENCE_FIELDS.items() if spec.required):
            return None
        return EvidenceLink(
            source=fields["source"][0],
            claim=fields["claim"][0],
            kind=fields["kind"][0],
            context=fields["context"][0],
            stance=fields.get("stance", ("supports", None))[0],
            location=self.loc(node),
        )

    def certainty(self, node: yaml.Node, what: str) -> Certainty | None:
        fields = self.mapping(node, CERTAINTY_FIELDS, "certainty")
        if not all(name in fields for name, spec in CERTAINTY_FIELDS.items() if spec.required):
            return None
        return Certainty(
            rating=fields["rating"][0],
            downgraded_for=fields.get("downgraded_for", ((), None))[0],
            rationale=fields["rationale"][0],
            basis=fields["basis"][0],
            location=self.loc(node),
        )

    def guide(self, node: yaml.Node) -> DecisionGuide | None:
        fields = self.mapping(node, GUIDE_FIELDS, "decision guide")
        if not all(name in fields for name, spec in GUIDE_FIELDS.items() if spec.required):
            return None
        return DecisionGuide(fields["id"][0], fields["title"][0], fields["steps"][0], self.loc(node))

    def guide_step(self, node: yaml.Node) -> GuideStep | None:
        fields = self.mapping(node, STEP_FIELDS, "decision guide step")
        if not all(name in fields for name, spec in STEP_FIELDS.items() if spec.required):
            return None
        return GuideStep(
            id=fields["id"][0],
            label=fields["label"][0],
            text=fields["text"][0],
            location=self.loc(node),
            next=fields.get("next", ("", None))[0],
            branches=fields.get("branches", ((), None))[0],
        )

    def guide_branch(self, node: yaml.Node) -> GuideBranch | None:
        fields = self.mapping(node, BRANCH_FIELDS, "decision guide answer")
        if not all(name in fields for name, spec in BRANCH_FIELDS.items() if spec.required):
            return None
        return GuideBranch(fields["when"][0], fields["go"][0], self.loc(node))

    def fidelity(self, node: yaml.Node) -> FidelityItem | None:
        fields = self.mapping(node, FIDELITY_FIELDS, "fidelity indicator")
        if not all(name in fields for name, spec in FIDELITY_FIELDS.items() if spec.required):
            return None
        anchors: tuple[str, ...] = fields["anchors"][0]
        if len(anchors) != len(vocab.FIDELITY_SCORES):
            self.diagnostics.append(
                error(
                    fields["anchors"][1],
                    "fidelity.anchors",
                    f"a fidelity indicator has {len(anchors)} anchors",
                    f"give one anchor for each score, in order: {', '.join(vocab.FIDELITY_SCORES)}",
                )
            )
            return None
        return FidelityItem(
            indicator=fields["indicator"][0],
            unit=fields["unit"][0],
            anchors=anchors,
            location=self.loc(node),
            rated_when=fields.get("rated_when", ("", None))[0],
        )

    def hypothesis(self, node: yaml.Node, what: str) -> Hypothesis | None:
        fields = self.mapping(node, HYPOTHESIS_FIELDS, "hypothesis")
        if not all(name in fields for name, spec in HYPOTHESIS_FIELDS.items() if spec.required):
            return None
        hypothesis_id = fields["id"][0]
        if not vocab.HYPOTHESIS_ID.fullmatch(hypothesis_id):
            self.diagnostics.append(
                error(
                    fields["id"][1],
                    "id.malformed",
                    f"hypothesis ID '{hypothesis_id}' does not follow the scheme",
                    "H + the principle's two digits + a lower-case letter, e.g. H03a",
                )
            )
            return None
        return Hypothesis(
            id=hypothesis_id,
            principle="",
            prediction=fields["prediction"][0],
            mechanism=fields["mechanism"][0],
            measure=fields["measure"][0],
            design=fields["design"][0],
            status=fields["status"][0],
            evidence=fields.get("evidence", ((), None))[0],
            location=self.loc(node),
            comparison=fields["comparison"][0],
            threshold=fields["threshold"][0],
            threshold_source=fields.get("threshold_source", ("", None))[0],
            refuted_if=fields["refuted_if"][0],
        )


GLOSSARY_FIELDS: Final = MappingProxyType(
    {
        "term": _f("text", True, "the term or abbreviation exactly as it appears in the text (case matters)"),
        "expansion": _f("text", False, "what an abbreviation stands for"),
        "definition": _f("text", True, "one or two plain sentences"),
        "see": _f("ids", False, "items where the term is treated"),
    }
)


def read_records(
    path: str, node: yaml.Node, specs: Mapping[str, FieldSpec], what: str
) -> tuple[list[tuple[dict[str, Any], Location]], list[Diagnostic]]:
    """Read a YAML list of mappings against field specs: [(values, location of the record)], diagnostics."""
    reader = _Reader(path, 1)
    if not isinstance(node, yaml.SequenceNode):
        reader.err(node, "field.type", f"{path} must be a list of entries, not {_describe(node)}")
        return [], reader.diagnostics
    records: list[tuple[dict[str, Any], Location]] = []
    for child in node.value:
        values = reader.mapping(child, specs, what)
        if all(name in values for name, spec in specs.items() if spec.required):
            records.append(({name: value for name, (value, _) in values.items()}, reader.loc(child)))
    return records, reader.diagnostics


def _sources_written(node: yaml.MappingNode) -> set[str]:
    """Every `source:` written in an item's evidence links and its hypotheses' (as written, valid or not: a link
    refused for another mistake still names its source, and must not make the certainty's basis an error too)."""
    found: set[str] = set()

    def links(value: yaml.Node) -> None:
        for link in value.value if isinstance(value, yaml.SequenceNode) else ():
            for key, child in link.value if isinstance(link, yaml.MappingNode) else ():
                if isinstance(key, yaml.ScalarNode) and key.value == "source" and isinstance(child, yaml.ScalarNode):
                    found.add(str(child.value).strip())

    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "evidence":
            links(value)
        elif isinstance(key, yaml.ScalarNode) and key.value == "hypotheses" and isinstance(value, yaml.SequenceNode):
            for hypothesis in value.value:
                for inner_key, inner in hypothesis.value if isinstance(hypothesis, yaml.MappingNode) else ():
                    if isinstance(inner_key, yaml.ScalarNode) and inner_key.value == "evidence":
                        links(inner)
    return found


def read_item(
    path: str, kind: Kind, node: yaml.MappingNode, yaml_line: int, body: str, body_line: int
) -> tuple[Item | None, list[Diagnostic]]:
    """Convert one file's front matter into an Item.

    The item is returned even when some fields are wrong (with the diagnostics), so that later checks still see it
    and do not report a cascade of 'unknown item' errors; it is None only when it cannot be identified at all.
    """
    reader = _Reader(path, yaml_line)
    retired = any(isinstance(key, yaml.ScalarNode) and key.value == "retired" for key, _ in node.value)
    fields = reader.mapping(node, RETIRED_FIELDS if retired else FIELDS[kind], "front matter")
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    item_id = fields["id"][0] if "id" in fields else stem
    id_location = fields["id"][1] if "id" in fields else Location(path, yaml_line)
    if not kind.id_pattern.fullmatch(item_id):
        other = Kind.from_id(item_id)
        if other is not None:
            reader.diagnostics.append(
                error(
                    id_location,
                    "id.kind",
                    f"'{item_id}' is a {other.value} ID but the file is in manual/{kind.folder}/",
                    f"{kind.value} IDs start with {kind.prefix}",
                )
            )
        else:
            reader.diagnostics.append(
                error(
                    id_location,
                    "id.malformed",
                    f"ID '{item_id}' does not follow the scheme for a {kind.value}",
                    f"{kind.prefix} followed by two digits, e.g. {kind.prefix}03",
                )
            )
        return None, reader.diagnostics
    # The file name is the page's address, and generated links carry it: the ID, then at most words of lower-case
    # letters and digits joined by hyphens (no quotes, spaces or brackets to break a link or an attribute).
    words = stem[len(item_id) + 1 :] if stem.startswith(item_id + "-") else None
    if stem != item_id and (words is None or not _FILE_WORDS.fullmatch(words)):
        reader.diagnostics.append(
            error(
                id_location,
                "id.file-name",
                f"the file for {item_id} is named {(stem[:80] + '.md')!r}",
                f"name it {item_id}.md (or {item_id}-<words>.md, words of a-z and 0-9 joined by hyphens); its address"
                f" is /manual/{kind.folder}/<file name>/",
            )
        )
    certainty: Certainty | None = fields.get("certainty", (None, None))[0]
    if certainty is not None:
        written = _sources_written(node)
        for key in certainty.basis:
            if key not in written:
                reader.diagnostics.append(
                    error(
                        certainty.location,
                        "certainty.basis",
                        f"the certainty of {item_id} rests on '{key}', which is not one of its evidence links",
                        did_you_mean(key, sorted(written)) or "list keys of the item's own evidence links",
                    )
                )
    hypotheses: tuple[Hypothesis, ...] = fields.get("hypotheses", ((), None))[0]
    checked: list[Hypothesis] = []
    for h in hypotheses:
        match = vocab.HYPOTHESIS_ID.fullmatch(h.id)
        if match and match.group(1) != item_id[1:]:
            reader.diagnostics.append(
                error(
                    h.location,
                    "hypothesis.id-mismatch",
                    f"hypothesis {h.id} is listed under {item_id}",
                    f"hypotheses of {item_id} are numbered H{item_id[1:]}a, H{item_id[1:]}b, ...",
                )
            )
        checked.append(dataclasses.replace(h, principle=item_id))

    def get(name: str, default: Any) -> Any:
        return fields[name][0] if name in fields else default

    item = Item(
        kind=kind,
        id=item_id,
        title=get("title", item_id),
        path=path,
        location=Location(path, 1),
        body=body,
        body_line=body_line,
        since=get("since", ""),
        summary=get("reason", "") if retired else get("summary", ""),
        theories=get("theories", ()),
        principles=get("principles", ()),
        interventions=get("interventions", ()),
        forms=get("forms", ()),
        sources=get("sources", ()),
        related=get("related", ()),
        evidence=get("evidence", ()),
        hypotheses=tuple(checked),
        fidelity=get("fidelity", ()),
        decision_guides=get("decision_guides", ()),
        certainty=get("certainty", None),
        phases=get("phases", ()),
        source_therapy=get("source_therapy", ""),
        phase=get("phase", ""),
        form_type=get("type", ""),
        filled_in_by=get("filled_in_by", ""),
        when=get("when", ""),
        kept=get("kept", ""),
        safety=get("safety", ()),
        part=get("part", ""),
        retired=get("retired", "") if retired else "",
        replaced_by=get("replaced_by", ()),
    )
    return item, reader.diagnostics
