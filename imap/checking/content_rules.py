"""Rules about what the manual says and how it can be delivered: no empty section, example wording labelled, session
protocols complete, a fidelity scale that can be rated, certainty ratings within their ceiling, descriptive sources
never counted as support, hypothesis thresholds with a source, handouts readable, no dose amounts outside a
published trial design."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, Protocol

from imap.checking import reading_level
from imap.model import markup, text_bounds, vocab
from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error, warning
from imap.model.items import Item, Kind
from imap.model.schema import required_sections

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
        if item.kind is not Kind.FORM or item.form_type != "handout" or text_bounds.too_complex(item.body) is not None:
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
