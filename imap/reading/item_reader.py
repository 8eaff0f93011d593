"""Front matter read against the schema (imap.model.schema): a YAML node into an item, its evidence links, certainty,
hypotheses, fidelity indicators and decision guides, with every problem at its line; and lists of records (the
glossary) by the same rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    Ref,
)
from imap.model.schema import (
    _LISTS,
    BRANCH_FIELDS,
    CERTAINTY_FIELDS,
    EVIDENCE_FIELDS,
    FIDELITY_FIELDS,
    GUIDE_FIELDS,
    HYPOTHESIS_FIELDS,
    STEP_FIELDS,
    FieldSpec,
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

    def record(
        self, node: yaml.Node, specs: Mapping[str, FieldSpec], what: str
    ) -> dict[str, tuple[Any, Location]] | None:
        """A mapping read against its field specs (see mapping), or None when a required key is missing (mapping has
        reported it)."""
        fields = self.mapping(node, specs, what)
        return fields if all(name in fields for name, spec in specs.items() if spec.required) else None

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
        fields = self.record(node, EVIDENCE_FIELDS, "evidence link")
        if fields is None:
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
        fields = self.record(node, CERTAINTY_FIELDS, "certainty")
        if fields is None:
            return None
        return Certainty(
            rating=fields["rating"][0],
            downgraded_for=fields.get("downgraded_for", ((), None))[0],
            rationale=fields["rationale"][0],
            basis=fields["basis"][0],
            location=self.loc(node),
        )

    def guide(self, node: yaml.Node) -> DecisionGuide | None:
        fields = self.record(node, GUIDE_FIELDS, "decision guide")
        if fields is None:
            return None
        return DecisionGuide(fields["id"][0], fields["title"][0], fields["steps"][0], self.loc(node))

    def guide_step(self, node: yaml.Node) -> GuideStep | None:
        fields = self.record(node, STEP_FIELDS, "decision guide step")
        if fields is None:
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
        fields = self.record(node, BRANCH_FIELDS, "decision guide answer")
        if fields is None:
            return None
        return GuideBranch(fields["when"][0], fields["go"][0], self.loc(node))

    def fidelity(self, node: yaml.Node) -> FidelityItem | None:
        fields = self.record(node, FIDELITY_FIELDS, "fidelity indicator")
        if fields is None:
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
        fields = self.record(node, HYPOTHESIS_FIELDS, "hypothesis")
        if fields is None:
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
