"""One item's front matter read into an item: its fields by the schema of its kind, retired items by their own, the
evidence sources as written, and the body with its line."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from imap.model import vocab
from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error
from imap.model.items import Certainty, Hypothesis, Item, Kind
from imap.model.schema import (
    _FILE_WORDS,
    FIELDS,
    RETIRED_FIELDS,
)
from imap.reading.item_reader import _Reader


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
