"""The research programme's pages: the hypotheses registry, the fidelity scale and rating form, the evidence gap
map, the certainty of each item's evidence and the evidence profiles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

from imap.model import vocab
from imap.model.items import EvidenceLink, Item, Kind
from imap.rendering.blocks import hypothesis_fields
from imap.rendering.markdown import captioned_table, cite, id_link, item_link, md, rel, table_caption
from imap.rendering.site import SiteData

# The principles whose fidelity indicators form the boundaries-and-safety subscale.
SAFETY_SUBSCALE: Final = ("P10", "P11")


# The columns of the gap map, in order: MDMA first, because its absence is what the map shows.
GAP_CONTEXTS: Final = tuple(vocab.EVIDENCE_CONTEXT)


def hypotheses_registry(site: SiteData, from_path: str) -> str:
    manual = site.manual
    principles = manual.of_kind(Kind.PRINCIPLE)
    counts = Counter(h.status for p in principles for h in p.hypotheses)
    status_rows = [
        f"| {md(status)} | {md(meaning)} | {counts[status]} |" for status, meaning in vocab.HYPOTHESIS_STATUS.items()
    ]
    summary_rows = [
        f"| [{h.id}](#{h.id.lower()}) | {id_link(p, from_path)} | {md(h.status)} | {md(h.prediction)} |"
        for p in principles
        for h in p.hypotheses
    ]
    out = [
        table_caption("Hypotheses by current evidence status."),
        "| Status | Meaning | Hypotheses |",
        "|---|---|---|",
        *status_rows,
        "",
        table_caption("Every hypothesis in the manual, with the principle it tests."),
        "| ID | Principle | Status | Prediction |",
        "|---|---|---|---|",
        *summary_rows,
        "",
        "## Each hypothesis in full",
        "",
    ]
    for principle in principles:
        for h in principle.hypotheses:
            out += [
                f"### {h.id} {{ #{h.id.lower()} }}",
                "",
                f"**Principle:** {item_link(principle, from_path, h.id.lower())}",
                "",
                *hypothesis_fields(site, h, from_path),
                "",
            ]
            if h.evidence:
                sources = "; ".join(cite(site, [link.source], from_path) + f" {md(link.claim)}" for link in h.evidence)
                out += [f"**Evidence bearing on it:** {sources}", ""]
    return "\n".join(out)


def _fidelity_block(principle: Item, from_path: str) -> list[str]:
    rows = []
    for number, f in enumerate(principle.fidelity, start=1):
        when = md(f.rated_when) if f.rated_when else "always"
        anchors = " | ".join(md(a) for a in f.anchors)
        rows.append(f"| {principle.id}.{number} | {md(f.indicator)} | {md(f.unit)} | {when} | {anchors} |")
    return [
        f"### {md(principle.label)} {{ #{principle.id.lower()} }}",
        "",
        f"{md(principle.summary)} [The indicators on the principle's page]"
        f"({rel(from_path, principle.path, 'fidelity')}).",
        "",
        table_caption(
            f"Fidelity items for {principle.id}, each with its rating unit, when it is rated and its anchors."
        ),
        "| Item | What a rater sees | Rated per | Rated when | 0 | 1 | 2 |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def rating_load(principles: Sequence[Item]) -> tuple[int, int, int]:
    """(indicators rated once per session, indicators rated per segment, ratings per medicine session)."""
    session = sum(1 for p in principles for f in p.fidelity if f.unit == "session")
    segment = sum(1 for p in principles for f in p.fidelity if f.unit == "segment")
    return session, segment, session + segment * vocab.SEGMENTS_PER_MEDICINE_SESSION


def fidelity_scale(site: SiteData, from_path: str) -> str:
    principles = site.manual.of_kind(Kind.PRINCIPLE)
    safety = [p for p in principles if p.id in SAFETY_SUBSCALE]
    process = [p for p in principles if p.id not in SAFETY_SUBSCALE]
    session, segment, load = rating_load(principles)
    out = [
        f"The scale has {session + segment} items from {len(principles)} principles: {session} rated once per session "
        f"from the whole recording, and {segment} rated in each of the {vocab.SEGMENTS_PER_MEDICINE_SESSION} segments "
        f"of a medicine-session recording. One rater makes **{load} ratings** per medicine session "
        f"(the bound is {vocab.MAX_RATINGS_PER_SESSION}: `make check` warns past it, and the test suite fails).",
        "",
        'Each item is scored 0, 1 or 2 against its own anchors, or NA when it has a condition ("rated when") and '
        "the situation did not arise in the unit rated.",
        "",
        "## Boundaries-and-safety subscale",
        "",
        "Any score of 0 on these items is reported on its own, with its time stamp, to the supervisor and the study "
        "team, and is never averaged into a total.",
        "",
    ]
    for principle in safety:
        out += _fidelity_block(principle, from_path)
    out += ["## Process subscale", ""]
    for principle in process:
        out += _fidelity_block(principle, from_path)
    return "\n".join(out)


def fidelity_form(site: SiteData, from_path: str) -> str:
    """The printable rating form: one row per item, a box per score, and (for segment items) one column per
    segment."""
    principles = site.manual.of_kind(Kind.PRINCIPLE)
    segments = [str(n) for n in range(1, vocab.SEGMENTS_PER_MEDICINE_SESSION + 1)]
    session_rows = [
        f"| {p.id}.{n} | {md(f.indicator)} | ☐ 0 ☐ 1 ☐ 2 ☐ NA |"
        for p in principles
        for n, f in enumerate(p.fidelity, start=1)
        if f.unit == "session"
    ]
    segment_rows = [
        f"| {p.id}.{n} | {md(f.indicator)} | " + " | ".join("" for _ in segments) + " |"
        for p in principles
        for n, f in enumerate(p.fidelity, start=1)
        if f.unit == "segment"
    ]
    return "\n".join(
        [
            table_caption("Fill in before rating."),
            "| Field | Entry |",
            "|---|---|",
            "| Recording | |",
            "| Session (S-ID) | |",
            "| Rater | |",
            "| Date | |",
            "",
            "### Rated once for the session",
            "",
            table_caption("Tick one score per item, from the whole recording."),
            "| Item | What a rater sees | Score |",
            "|---|---|---|",
            *session_rows,
            "",
            "### Rated per segment",
            "",
            table_caption("Write 0, 1, 2 or NA for each segment."),
            "| Item | What a rater sees | " + " | ".join(segments) + " |",
            "|---|---|" + "---|" * len(segments),
            *segment_rows,
        ]
    )


def _gap_table(items: Sequence[Item], from_path: str, caption: str) -> str:
    headers = " | ".join(md(vocab.EVIDENCE_CONTEXT[c]) for c in GAP_CONTEXTS)
    rows: list[str] = []
    totals: Counter[str] = Counter()
    for item in items:
        counts = Counter(link.context for link in item.all_evidence() if link.tested)
        totals.update(counts)
        cells = [_gap_cell(counts[c], c) for c in GAP_CONTEXTS]
        rows.append(f"| {item_link(item, from_path)} | {' | '.join(cells)} | {sum(counts.values())} |")
    total_cells = " | ".join(str(totals[c]) for c in GAP_CONTEXTS)
    return "\n".join(
        [
            table_caption(caption),
            f"| Item | {headers} | All |",
            "|---|" + "---:|" * (len(GAP_CONTEXTS) + 1),
            *rows,
            f"| **All** | {total_cells} | {sum(totals.values())} |",
        ]
    )


def _gap_cell(count: int, context: str) -> str:
    """A cell that carries its meaning in text (a number, or 'none'), with a class only as an extra cue."""
    if count:
        return str(count)
    if context == "mdma-therapy":
        return '<span class="imap-gap">none (gap)</span>'
    return "none"


def gap_map(site: SiteData, from_path: str) -> str:
    manual = site.manual
    principles = manual.of_kind(Kind.PRINCIPLE)
    interventions = manual.of_kind(Kind.INTERVENTION)
    missing = [
        p for p in principles if not any(link.context == "mdma-therapy" and link.tested for link in p.all_evidence())
    ]
    missing_text = ", ".join(id_link(p, from_path) for p in missing) or "none"
    links = [link for item in principles for link in item.all_evidence() if link.tested]
    by_kind = Counter(link.kind for link in links if link.context == "mdma-therapy")
    kinds = ", ".join(f"{md(kind)} {count}" for kind, count in sorted(by_kind.items())) or "none"
    return "\n".join(
        [
            "The map counts tested support only: links whose source supports the claim from data (a trial, "
            "meta-analysis, experiment, observational or qualitative study, case report, preclinical study, review or "
            "guideline). Theory statements, consensus statements, manuals, regulatory documents and commentaries are "
            "not counted, nor are links that qualify or challenge a claim.",
            "",
            f"**Principles with no tested support from MDMA-assisted therapy:** {missing_text}.",
            "",
            f"**Kinds of tested MDMA-assisted therapy support linked to principles:** {kinds}.",
            "",
            "## Principles",
            "",
            _gap_table(
                principles,
                from_path,
                "Tested support per principle (its hypotheses' evidence included) by the context of the evidence.",
            ),
            "",
            "## Interventions",
            "",
            _gap_table(interventions, from_path, "Tested support per intervention by context."),
            "",
        ]
    )


def certainty_table(site: SiteData, from_path: str) -> str:
    """Every principle and intervention with its certainty rating, what lowered it, and its tested support from
    MDMA-assisted therapy."""
    rows = []
    for item in [*site.manual.of_kind(Kind.PRINCIPLE), *site.manual.of_kind(Kind.INTERVENTION)]:
        certainty = item.certainty
        rating = md(certainty.rating) if certainty else "not rated"
        lowered = ", ".join(md(d) for d in certainty.downgraded_for) if certainty else ""
        tested = sum(1 for link in item.all_evidence() if link.tested and link.context == "mdma-therapy")
        rows.append(f"| {item_link(item, from_path)} | {rating} | {lowered or '—'} | {tested} |")
    return captioned_table(
        "Certainty of the evidence for each principle and intervention in MDMA-assisted therapy for PTSD, what "
        "lowered it, and how many of its links are tested support from MDMA-assisted therapy.",
        "| Item | Certainty | Lowered for | Tested MDMA-therapy support |",
        "|---|---|---|---:|",
        rows,
        "No principles or interventions yet.",
    )


def evidence_profiles(site: SiteData, from_path: str) -> str:
    """For each principle: its certainty and why, and its evidence links counted by context and stance (tested
    support apart from theory and description)."""
    columns = ("tested support", "theory or consensus", "describes", "qualifies", "challenges")

    def column(link: EvidenceLink) -> str:
        if link.tested:
            return "tested support"
        if link.stance == "supports":
            return "theory or consensus"
        return link.stance

    out: list[str] = []
    for principle in site.manual.of_kind(Kind.PRINCIPLE):
        certainty = principle.certainty
        counts = Counter((link.context, column(link)) for link in principle.all_evidence())
        rows = [
            f"| {md(vocab.EVIDENCE_CONTEXT[context])} | "
            + " | ".join(str(counts[context, c] or "") for c in columns)
            + " |"
            for context in vocab.EVIDENCE_CONTEXT
            if any(counts[context, c] for c in columns)
        ]
        out += [
            f"## {md(principle.label)} {{ #{principle.id.lower()} }}",
            "",
            f"**Certainty of evidence: {md(certainty.rating)}.** {md(certainty.rationale)}" if certainty else "",
            "",
            f"**Lowered for:** {', '.join(md(d) for d in certainty.downgraded_for) or 'nothing'}." if certainty else "",
            "",
            table_caption(f"Evidence links of {principle.id} by context and stance."),
            "| Context | " + " | ".join(c.capitalize() for c in columns) + " |",
            "|---|" + "---:|" * len(columns),
            *rows,
            "",
            f"[{principle.id}'s evidence table]({rel(from_path, principle.path, 'evidence')})",
            "",
        ]
    return "\n".join(out)
