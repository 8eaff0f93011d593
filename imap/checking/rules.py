"""Cross-item validation rules: every function takes model objects and returns diagnostics; none reads files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property
from typing import Final, Protocol

from imap.checking import guides, reading_level
from imap.model import markup, sanitize, vocab
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


def uncited(references: Mapping[str, Reference], citations: Iterable[Citation]) -> list[Diagnostic]:
    return uncited_keys({key: ref.location for key, ref in references.items()}, {c.key for c in citations})


def uncited_keys(references: Mapping[str, Location], cited: Iterable[str]) -> list[Diagnostic]:
    """References (by key, where each is written) that no item cites."""
    keys = set(cited)
    return [
        warning(location, "bib.uncited", f"reference '{key}' is not cited by any item")
        for key, location in sorted(references.items())
        if key not in keys
    ]


def collect_citations(items: Iterable[Item]) -> tuple[Citation, ...]:
    """Every place an item cites a reference: its evidence links and the [@key] marks in its text."""
    found: list[Citation] = []
    for item in items:
        found.extend(Citation(link.source, item.id, link.location) for link in item.all_evidence())
        for mark in item.marks:
            if mark.kind == "cite":
                location = Location(item.path, item.body_line + mark.line)
                found.extend(Citation(key, item.id, location) for key in mark.values)
        for mark, location in guides.marks(item):
            if mark.kind == "cite":
                found.extend(Citation(key, item.id, location) for key in mark.values)
    return tuple(found)


def cited_keys(item: Item) -> frozenset[str]:
    """The reference keys an item cites (the keys of its citations in `collect_citations`)."""
    marks = [*item.marks, *(mark for mark, _ in guides.marks(item))]
    keys = (key for mark in marks if mark.kind == "cite" for key in mark.values)
    return frozenset(link.source for link in item.all_evidence()).union(keys)


_MACRO_CITE = re.compile(r"\bcite\(([^)]*)\)")


def page_citations(path: str, text: str) -> tuple[Citation, ...]:
    """Citations made with the cite() macro in the site's own pages (docs/), which render Jinja by opting in."""
    found: list[Citation] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for call in _MACRO_CITE.finditer(line):
            for key in re.findall(r"""['"]([^'"]+)['"]""", call.group(1)):
                found.append(Citation(key, "", Location(path, number)))
    return tuple(found)


_MACRO_XREF = re.compile(r"""\bxref\(\s*['"]([^'"]+)['"]\s*\)""")


def page_xrefs(path: str, text: str, known_ids: Iterable[str]) -> list[Diagnostic]:
    """xref() macro calls in the site's own pages (docs/) that name an item that does not exist."""
    known = set(known_ids)
    return [
        error(
            Location(path, number),
            "xref.unknown-item",
            f"cross-reference to unknown item '{call.group(1)}'",
            did_you_mean(call.group(1), known),
        )
        for number, line in enumerate(text.split("\n"), start=1)
        for call in _MACRO_XREF.finditer(line)
        if call.group(1) not in known
    ]


def unknown_page_citations(citations: Iterable[Citation], references: Mapping[str, object]) -> list[Diagnostic]:
    return [
        error(c.location, "citation.unknown-key", f"citation of unknown key '{c.key}'", did_you_mean(c.key, references))
        for c in citations
        if not c.item_id and c.key not in references
    ]


def unsafe_html(items: Sequence[Item]) -> list[Diagnostic]:
    return [
        error(
            Location(item.path, item.body_line + found.line),
            found.code,
            found.message("the page"),
            found.hint,
        )
        for item in items
        for found in item.unsafe_html
    ]


def page_unsafe_html(path: str, text: str) -> list[Diagnostic]:
    """What the sanitiser would remove from a site page under docs/ (its front matter aside)."""
    lines = text.split("\n")
    end = 0
    if lines and lines[0].rstrip() == "---":
        end = next((n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "...")), 0)
    body = "\n".join(lines[end + 1 :]) if end else text
    first = end + 2 if end else 1
    return [
        error(
            Location(path, first + found.line),
            found.code,
            found.message("the page"),
            found.hint,
        )
        for found in sanitize.unsafe_markup(body)
    ]


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


_DOSE: Final = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:mg/kg|mg|µg|μg|mcg|milligrams?|micrograms?)(?![\w/])", re.IGNORECASE
)
TRIAL_DESIGN_TITLE: Final = "Published trial design"


def _section_lines(item: Item, heading: markup.Heading, body: Sequence[str]) -> range:
    """The lines of the text under a heading (0-based, within the body): up to the next heading of its level or
    higher."""
    later = [h.line for h in item.headings if h.line > heading.line and h.level <= heading.level]
    return range(heading.line + 1, later[0] if later else len(body))


def _has_text(body: Sequence[str], lines: range) -> bool:
    """Whether any of the lines holds text other than headings."""
    return any(body[n].strip() and not body[n].lstrip().startswith("#") for n in lines)


def empty_sections(items: Sequence[Item]) -> list[Diagnostic]:
    """A required section with a heading and nothing under it: a stub, not a section."""
    found: list[Diagnostic] = []
    for item in items:
        required = required_sections(item.kind, item.form_type)
        body = item.body.split("\n")
        for heading in item.headings:
            if (
                heading.level == 2
                and heading.text in required
                and not _has_text(body, _section_lines(item, heading, body))
            ):
                found.append(
                    error(
                        Location(item.path, item.body_line + heading.line),
                        "section.empty",
                        f"the section '{heading.text}' of {item.id} has no text",
                        "write the section, or ask for help in the pull request",
                    )
                )
    return found


_ADMONITION: Final = re.compile(r'^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*([\w-]+)(?:[ \t]+"([^"\n]*)")?')


def wording_blocks(item: Item) -> list[tuple[int, str]]:
    """The example-wording blocks of an item's text, outside code: (0-based line, title)."""
    code = markup.code_mask(item.body)
    found: list[tuple[int, str]] = []
    offset = 0
    for number, line in enumerate(item.body.split("\n")):
        match = _ADMONITION.match(line)
        if match and match.group(1) == vocab.WORDING_TYPE and not code[offset]:
            found.append((number, match.group(2) or ""))
        offset += len(line) + 1
    return found


def wording_labels(items: Sequence[Item]) -> list[Diagnostic]:
    """Every example-wording block says whose wording it is: the manual's own, written for it."""
    return [
        error(
            Location(item.path, item.body_line + number),
            "content.wording-label",
            f"this example-wording block is titled {title!r}" if title else "this example-wording block has no title",
            f'write it as !!! {vocab.WORDING_TYPE} "{vocab.WORDING_TITLE}"',
        )
        for item in items
        for number, title in wording_blocks(item)
        if title != vocab.WORDING_TITLE
    ]


def session_protocols(items: Sequence[Item]) -> list[Diagnostic]:
    """What makes a session protocol usable beyond its headings: example wording, a sourced timing, and an answer
    to every situation that takes a session off course."""
    found: list[Diagnostic] = []
    for item in items:
        if item.kind is not Kind.SESSION:
            continue
        start = Location(item.path, item.body_line)
        if not any(title == vocab.WORDING_TITLE for _, title in wording_blocks(item)):
            found.append(
                error(
                    start,
                    "session.wording",
                    f"session {item.id} has no example wording",
                    f'add at least one block: !!! {vocab.WORDING_TYPE} "{vocab.WORDING_TITLE}", its lines indented'
                    " by four spaces",
                )
            )
        body = item.body.split("\n")
        for heading in item.headings:
            if heading.level != 2:
                continue
            lines = _section_lines(item, heading, body)
            here = Location(item.path, item.body_line + heading.line)
            if heading.text == "Timing":
                cited = any(m.kind == "cite" and m.line in lines for m in item.marks)
                if not cited and not any("governing protocol" in body[n].lower() for n in lines):
                    found.append(
                        error(
                            here,
                            "session.timing",
                            f"the timing of {item.id} is neither cited nor left to the governing protocol",
                            "cite the trial paper, supplement or registry entry that published it ([@key]), or write"
                            " that it is as the governing protocol sets",
                        )
                    )
            elif heading.text == "Off course":
                written = {h.text: h for h in item.headings if h.level == 3 and h.line in lines}
                for situation in vocab.OFF_COURSE:
                    subsection = written.get(situation)
                    if subsection is None:
                        found.append(
                            error(
                                here,
                                "session.off-course",
                                f"in {item.id}, the situation '### {situation}' is missing",
                                "each session answers, under a ### heading of exactly this title: "
                                + "; ".join(vocab.OFF_COURSE),
                            )
                        )
                    elif not _has_text(body, _section_lines(item, subsection, body)):
                        found.append(
                            error(
                                Location(item.path, item.body_line + subsection.line),
                                "session.off-course",
                                f"in {item.id}, the situation '### {situation}' has no text under it",
                                "say what the team does when this happens in this session",
                            )
                        )
    return found


class Rated(Protocol):
    """What the rule on rating load needs of an item: its ID, whether it is retired, its indicators' units."""

    @property
    def id(self) -> str: ...

    @property
    def retired(self) -> str: ...

    @property
    def fidelity_units(self) -> tuple[tuple[str, Location], ...]: ...


def fidelity_load(items: Sequence[Rated]) -> list[Diagnostic]:
    """The fidelity scale stays usable: one rater's ratings per medicine session (each session-level indicator once,
    each segment-level indicator once per segment) stay within the stated bound."""
    units = [unit for item in sorted(items, key=lambda i: i.id) if not item.retired for unit in item.fidelity_units]
    sessions = sum(1 for unit, _ in units if unit == "session")
    segments = [where for unit, where in units if unit == "segment"]
    load = sessions + len(segments) * vocab.SEGMENTS_PER_MEDICINE_SESSION
    if load <= vocab.MAX_RATINGS_PER_SESSION:
        return []
    return [
        warning(
            segments[-1] if segments else units[-1][1],
            "fidelity.load",
            f"the fidelity scale asks for {load} ratings per medicine session ({sessions} indicators rated once, "
            f"{len(segments)} rated in each of {vocab.SEGMENTS_PER_MEDICINE_SESSION} segments); the bound is "
            f"{vocab.MAX_RATINGS_PER_SESSION}",
            "rate more indicators once per session (unit: session), or merge indicators",
        )
    ]


def certainty_ratings(items: Sequence[Item]) -> list[Diagnostic]:
    """A certainty rating stays at or below the ceiling unless a trial or meta-analysis in MDMA-assisted therapy
    supports the item (that it rests on the item's own links is checked where the front matter is read)."""
    found: list[Diagnostic] = []
    order = list(vocab.CERTAINTY)
    for item in items:
        certainty = item.certainty
        if certainty is None:
            continue
        tested = any(
            link.tested and link.kind in vocab.TESTED_KINDS and link.context == "mdma-therapy"
            for link in item.all_evidence()
        )
        if order.index(certainty.rating) < order.index(vocab.CERTAINTY_CEILING) and not tested:
            found.append(
                error(
                    certainty.location,
                    "certainty.ceiling",
                    f"{item.id} is rated '{certainty.rating}', above '{vocab.CERTAINTY_CEILING}', without a trial or "
                    "meta-analysis in MDMA-assisted therapy that supports it",
                    f"rate it '{vocab.CERTAINTY_CEILING}' or lower, or link the trial that tests it",
                )
            )
    return found


def descriptive_support(items: Sequence[Item]) -> list[Diagnostic]:
    """A manual, a regulator's document or a commentary describes; it never counts as support."""
    return [
        error(
            link.location,
            "evidence.descriptive-support",
            f"'{link.source}' is a {link.kind} source, which cannot support a claim",
            "give it the stance 'describes' (or 'qualifies' or 'challenges' if it argues against the claim); a "
            "missing stance means 'supports'",
        )
        for item in items
        for link in item.all_evidence()
        if link.kind in vocab.DESCRIPTIVE_KINDS and link.stance == "supports"
    ]


def hypothesis_thresholds(items: Sequence[Item], references: Mapping[str, object]) -> list[Diagnostic]:
    """Each hypothesis can fail: its threshold comes from a cited source, or is left to a pre-registered protocol."""
    found: list[Diagnostic] = []
    for item in items:
        for h in item.hypotheses:
            preregistered = h.threshold.strip().rstrip(".").lower() == vocab.PREREGISTERED_THRESHOLD
            if h.threshold_source and h.threshold_source not in references:
                found.append(
                    error(
                        h.location,
                        "hypothesis.threshold",
                        f"the threshold of {h.id} cites '{h.threshold_source}', which is not in references.bib",
                        did_you_mean(h.threshold_source, references),
                    )
                )
            elif not preregistered and not h.threshold_source:
                found.append(
                    error(
                        h.location,
                        "hypothesis.threshold",
                        f"the threshold of {h.id} has no source",
                        "name the source of the margin in threshold_source, or write "
                        f"'{vocab.PREREGISTERED_THRESHOLD}'",
                    )
                )
    return found


def handout_readability(items: Sequence[Item]) -> list[Diagnostic]:
    """A handout is written for the patient, in plain language: its text reads at or below the stated grade."""
    found: list[Diagnostic] = []
    for item in items:
        if item.kind is not Kind.FORM or item.form_type != "handout" or sanitize.too_complex(item.body) is not None:
            continue
        body = item.body.split("\n")
        for heading in item.headings:
            if heading.level != 2 or heading.text != "The handout":
                continue
            lines = _section_lines(item, heading, body)
            text = "\n".join(body[n] for n in lines)
            words = len(text.split())
            if words > vocab.HANDOUT_MAX_WORDS:
                found.append(
                    error(
                        Location(item.path, item.body_line + heading.line),
                        "form.readability",
                        f"the handout {item.id} has {words} words; a handout has at most {vocab.HANDOUT_MAX_WORDS}",
                        "split it into several handouts, each on one subject",
                    )
                )
                continue
            level = reading_level.grade(text)
            if level is not None and level > vocab.HANDOUT_GRADE:
                found.append(
                    error(
                        Location(item.path, item.body_line + heading.line),
                        "form.readability",
                        f"the handout {item.id} reads at grade {level:.1f} (Flesch-Kincaid); a handout reads at grade"
                        f" {vocab.HANDOUT_GRADE:.0f} or below",
                        "use shorter sentences and everyday words; put each step in its own sentence or list item",
                    )
                )
    return found


_TRIAL_DESIGN: Final = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?)\s+[\w-]+\s+"Published trial design"\s*$')


def dose_amounts(items: Sequence[Item]) -> list[Diagnostic]:
    """Dose amounts (mg, mg/kg, µg) in an item's text: the manual gives none, since dosing belongs to the governing
    protocol. The one exception is a published trial's design, described as published, inside a block titled
    "Published trial design" that cites the trial."""
    found: list[Diagnostic] = []
    for item in items:
        code = markup.code_mask(item.body)
        lines = item.body.split("\n")
        allowed = _trial_design_lines(lines)
        offset = 0
        for number, line in enumerate(lines):
            for match in _DOSE.finditer(line):
                if number in allowed or code[offset + match.start()]:
                    continue
                found.append(
                    error(
                        Location(item.path, item.body_line + number),
                        "content.dose",
                        f"the text gives a dose amount ({match.group(0)!r}); the manual gives no doses",
                        "dosing belongs to the governing protocol; a published trial's doses may be described, as "
                        f'published, only inside a block titled "{TRIAL_DESIGN_TITLE}" that cites the trial',
                    )
                )
            offset += len(line) + 1
    return found


def _trial_design_lines(lines: list[str]) -> set[int]:
    """The lines inside "Published trial design" blocks that cite a source (0-based): the block's title line and
    every following line indented deeper, or blank, up to the first line that is not."""
    allowed: set[int] = set()
    number = 0
    while number < len(lines):
        opening = _TRIAL_DESIGN.match(lines[number])
        if opening is None:
            number += 1
            continue
        indent = len(opening.group(1))
        end = number + 1
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1
        block = range(number, end)
        if any("[@" in lines[n] for n in block):
            allowed.update(block)
        number = end
    return allowed


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
