"""Cross-item validation rules: every function takes model objects and returns diagnostics; none reads files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from imap.checking import guides
from imap.checking.citation_rules import collect_citations, uncited, unknown_page_citations, unsafe_html
from imap.checking.content_rules import (
    certainty_ratings,
    descriptive_support,
    dose_amounts,
    empty_sections,
    fidelity_load,
    handout_readability,
    hypothesis_thresholds,
    session_protocols,
    wording_labels,
)
from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error, warning
from imap.model.items import Citation, Item, Kind, Ref, Reference
from imap.model.schema import GENERATED_SECTIONS, LINK_PARTS, LINK_TARGETS, required_sections
from imap.reading import parsecache


class Named(Protocol):
    """Something with an ID, written at a place (an item, a hypothesis)."""

    @property
    def id(self) -> str: ...

    @property
    def location(self) -> Location: ...


class Target(Protocol):
    """What the rules for links need to know of the item a link points to: an Item, or its Outline."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> Kind: ...

    @property
    def part(self) -> str: ...

    @property
    def retired(self) -> str: ...

    @property
    def replaced_by(self) -> tuple[Ref, ...]: ...


class Owner(Named, Target, Protocol):
    @property
    def path(self) -> str: ...

    @property
    def hypotheses(self) -> Sequence[Named]: ...


@dataclass(frozen=True)
class Anchor:
    id: str
    location: Location


@dataclass(frozen=True)
class Outline:
    """What the rules for other items need to know of one item, without its text: enough to check links to it, its
    IDs for duplicates, and what it makes known (its hypotheses). `make check` keeps one for every file."""

    id: str
    kind: Kind
    part: str
    path: str
    location: Location
    retired: str
    replaced_by: tuple[Ref, ...]
    hypotheses: tuple[Anchor, ...]
    fidelity_units: tuple[tuple[str, Location], ...] = ()

    @classmethod
    def of(cls, item: Item) -> Outline:
        return cls(
            item.id,
            item.kind,
            item.part,
            item.path,
            item.location,
            item.retired,
            item.replaced_by,
            tuple(Anchor(h.id, h.location) for h in item.hypotheses),
            item.fidelity_units,
        )


@dataclass(frozen=True)
class Namespace:
    """Everything outside one item that the rules for that item read: the items (live and retired) by ID, the live
    items' hypotheses, and the reference keys. Its digest changes whenever any of these does, so that a result of
    `item_rules` kept with the digest it was found under is still right while the digest is the same."""

    by_id: Mapping[str, Target]
    hypotheses: frozenset[str]
    references: Mapping[str, object]  # keys in the file's order (suggestions pick the first of equally close keys)

    @classmethod
    def of(cls, items: Sequence[Owner], references: Mapping[str, object]) -> Namespace:
        """From every item in load order, live ones first (a later item takes a duplicate ID, as in `check`)."""
        return cls(
            {i.id: i for i in items},
            frozenset(h.id for i in items if not i.retired for h in i.hypotheses),
            references,
        )

    @cached_property
    def known(self) -> frozenset[str]:
        """The IDs a cross-reference may name: every item's (live or retired) and the live items' hypotheses'."""
        return frozenset(self.by_id) | self.hypotheses

    @cached_property
    def retired(self) -> dict[str, Target]:
        return {key: target for key, target in self.by_id.items() if target.retired}

    @cached_property
    def digest(self) -> bytes:
        records = [
            "\x1f".join((t.id, t.kind.value, t.part, t.retired, *(r.target for r in t.replaced_by)))
            for t in self.by_id.values()
        ]
        return parsecache.digest(
            "\x1e".join(records), "\x1e".join(sorted(self.hypotheses)), "\x1e".join(self.references)
        )


def duplicate_ids(items: Sequence[Owner]) -> list[Diagnostic]:
    first: dict[str, Location] = {}
    found: list[Diagnostic] = []
    for item in sorted(items, key=lambda i: i.path):
        here = item.location
        ids = [(item.id, here)] + [(h.id, h.location) for h in item.hypotheses]
        for item_id, location in ids:
            if item_id in first:
                other = first[item_id]
                found.append(
                    error(
                        location,
                        "id.duplicate",
                        f"ID {item_id} is already used in {other.path}:{other.line}",
                        "IDs are never reused; take the next free one",
                    )
                )
            else:
                first[item_id] = location
    return found


def item_links(items: Sequence[Item], by_id: Mapping[str, Target]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in items:
        for (kind, field_name), targets in LINK_TARGETS.items():
            if item.kind is not kind:
                continue
            allowed = targets if isinstance(targets, tuple) else (targets,)
            wanted = " or ".join(", ".join(k.value for k in allowed).rsplit(", ", 1))
            for ref in getattr(item, field_name):
                target = by_id.get(ref.target)
                if target is None:
                    candidates = [i.id for i in by_id.values() if i.kind in allowed]
                    found.append(
                        error(
                            ref.location,
                            "link.unknown-item",
                            f"'{field_name}' refers to {ref.target}, which does not exist",
                            did_you_mean(ref.target, candidates),
                        )
                    )
                elif target.kind not in allowed:
                    found.append(
                        error(
                            ref.location,
                            "link.wrong-kind",
                            f"'{field_name}' must list {wanted} IDs, but {ref.target} is a {target.kind.value}",
                        )
                    )
                elif (kind, field_name) in LINK_PARTS and target.part != LINK_PARTS[kind, field_name]:
                    found.append(
                        error(
                            ref.location,
                            "link.wrong-part",
                            f"'{field_name}' must list chapters of the part '{LINK_PARTS[kind, field_name]}', "
                            f"but {ref.target} belongs to '{target.part}'",
                        )
                    )
                elif ref.target == item.id:
                    found.append(error(ref.location, "link.self", f"{item.id} lists itself under '{field_name}'"))
    return found


def evidence_sources(items: Sequence[Item], references: Mapping[str, object]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in items:
        seen: set[tuple[str, str]] = set()
        for link in item.all_evidence():
            if link.source not in references:
                found.append(
                    error(
                        link.location,
                        "evidence.unknown-source",
                        f"unknown source key '{link.source}'",
                        did_you_mean(link.source, references) or "add the checked reference to references.bib first",
                    )
                )
            if (link.source, link.claim) in seen:
                found.append(
                    warning(
                        link.location,
                        "evidence.duplicate",
                        f"source '{link.source}' is listed twice for the same claim",
                    )
                )
            seen.add((link.source, link.claim))
    return found


def body_markup(
    items: Sequence[Item],
    by_id: Mapping[str, Target],
    references: Mapping[str, object],
    known: AbstractSet[str] | None = None,
) -> list[Diagnostic]:
    """Citations, cross-references and diagram links in the text; `known` (default: the items of `by_id` and the
    hypotheses of `items`) are the IDs a cross-reference may name."""
    known_ids = (set(by_id) | {h.id for i in items for h in i.hypotheses}) if known is None else known
    found: list[Diagnostic] = []
    for item in items:
        placed = [(mark, Location(item.path, item.body_line + mark.line)) for mark in item.marks]
        for mark, location in [*placed, *guides.marks(item)]:
            if mark.kind == "cite":
                for key in mark.values:
                    if key not in references:
                        found.append(
                            error(
                                location,
                                "citation.unknown-key",
                                f"citation of unknown key '{key}'",
                                did_you_mean(key, references),
                            )
                        )
            elif mark.kind == "diagram-link" and mark.values[1] not in by_id:
                found.append(
                    error(
                        location,
                        "xref.unknown-item",
                        f"diagram node '{mark.values[0]}' links to unknown item '{mark.values[1]}'",
                        did_you_mean(mark.values[1], by_id),
                    )
                )
            elif mark.kind == "xref" and mark.values[0] not in known_ids:
                found.append(
                    error(
                        location,
                        "xref.unknown-item",
                        f"cross-reference to unknown item '{mark.values[0]}'",
                        did_you_mean(mark.values[0], known_ids),
                    )
                )
    return found


def sections(items: Sequence[Item]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in items:
        level_two = [h for h in item.headings if h.level == 2]
        titles = [h.text for h in level_two]
        required = required_sections(item.kind, item.form_type)
        for heading in level_two:
            if heading.text in GENERATED_SECTIONS:
                found.append(
                    error(
                        Location(item.path, item.body_line + heading.line),
                        "section.generated",
                        f"the heading '{heading.text}' is generated from the front matter",
                        "remove this section; edit the front matter instead",
                    )
                )
        missing = [title for title in required if title not in titles]
        for title in missing:
            found.append(
                error(
                    Location(item.path, item.body_line),
                    "section.missing",
                    f"{item.kind.value} {item.id} has no '## {title}' section",
                    f"a {item.kind.value} page has these sections, in order: {'; '.join(required)}",
                )
            )
        present = [t for t in titles if t in required]
        if not missing and present != list(required)[: len(present)]:
            found.append(
                error(
                    Location(item.path, item.body_line),
                    "section.order",
                    f"the sections of {item.id} are not in the required order",
                    f"order: {'; '.join(required)}",
                )
            )
    return found


def retired_links(items: Sequence[Item], retired: Mapping[str, Target]) -> list[Diagnostic]:
    """Links and cross-references from live items (or from a retired item's replacement list) to retired items."""
    found: list[Diagnostic] = []

    def flag(location: Location, target: str, what: str) -> None:
        old = retired[target]
        replacements = ", ".join(r.target for r in old.replaced_by)
        found.append(
            error(
                location,
                "link.retired",
                f"{what} {target}, which was retired in version {old.retired}",
                f"link to {replacements}, which replaced it" if replacements else "remove the link",
            )
        )

    if not retired:
        return found
    for item in items:
        for (kind, field_name), _ in LINK_TARGETS.items():
            if item.kind is kind:
                for ref in getattr(item, field_name):
                    if ref.target in retired:
                        flag(ref.location, ref.target, f"'{field_name}' refers to")
        placed = [(mark, Location(item.path, item.body_line + mark.line)) for mark in item.marks]
        for mark, location in [*placed, *guides.marks(item)]:
            target = mark.values[0] if mark.kind == "xref" else mark.values[1] if mark.kind == "diagram-link" else ""
            if target in retired:
                flag(location, target, "cross-reference to")
    return found


def item_rules(item: Item, namespace: Namespace) -> list[Diagnostic]:
    """Every rule for one item against the rest of the project. A retired item is checked for its links only: it is
    exempt from the rules for the content of live items."""
    found = [*item_links([item], namespace.by_id), *retired_links([item], namespace.retired)]
    if not item.retired:
        found += [
            *evidence_sources([item], namespace.references),
            *body_markup([item], namespace.by_id, namespace.references, namespace.known),
            *sections([item]),
            *empty_sections([item]),
            *wording_labels([item]),
            *session_protocols([item]),
            *handout_readability([item]),
            *certainty_ratings([item]),
            *descriptive_support([item]),
            *hypothesis_thresholds([item], namespace.references),
            *unsafe_html([item]),
            *dose_amounts([item]),
            *guides.check(item),
        ]
    return found


def check(
    items: Sequence[Item],
    references: Mapping[str, Reference],
    citations: Iterable[Citation],
    retired: Sequence[Item] = (),
) -> list[Diagnostic]:
    """Every cross-item rule. Retired items count as existing (so links to them get a specific error), are checked
    for their own replacement links, and are exempt from the rules for the content of live items."""
    everything = [*items, *retired]
    namespace = Namespace.of(everything, references)
    return [
        *duplicate_ids(everything),
        *fidelity_load(everything),
        *(found for item in everything for found in item_rules(item, namespace)),
        *unknown_page_citations(citations, references),
        *uncited(references, citations),
    ]


__all__ = ["Kind", "check", "collect_citations"]
