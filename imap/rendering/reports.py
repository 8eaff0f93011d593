"""Views derived from the items' metadata for the research programme, training and reference pages: the hypotheses
registry, the fidelity scale, the evidence gap maps, the principle cards and the glossary.

Each function returns Markdown for one page; editing an item's front matter changes them on the next build.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final

from imap.model import markup, vocab
from imap.model.items import KIND_ORDER, EvidenceLink, Item, Kind
from imap.reading.parsecache import digest
from imap.rendering import what_changed
from imap.rendering.render import (
    captioned_table,
    cite,
    hypothesis_fields,
    id_link,
    item_link,
    md,
    prose,
    rel,
    table_caption,
)
from imap.rendering.site import SiteData

# The principles whose fidelity indicators form the boundaries-and-safety subscale.
SAFETY_SUBSCALE: Final = ("P10", "P11")
# The columns of the gap map, in order: MDMA first, because its absence is what the map shows.
GAP_CONTEXTS: Final = tuple(vocab.EVIDENCE_CONTEXT)


# ---------------------------------------------------------------------------------------------------------------
# Hypotheses registry


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


# ---------------------------------------------------------------------------------------------------------------
# Fidelity scale


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


# ---------------------------------------------------------------------------------------------------------------
# Evidence gap map


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


# ---------------------------------------------------------------------------------------------------------------
# Principle cards


def principle_cards(site: SiteData, from_path: str) -> str:
    out: list[str] = []
    version = md(site.manual.version_label)
    for principle in site.manual.of_kind(Kind.PRINCIPLE):
        markers = "\n".join(f"- {md(f.indicator)}" for f in principle.fidelity) or "*None yet.*"
        certainty = principle.certainty
        rated = f"**Certainty of evidence:** {md(certainty.rating)}" if certainty else ""
        decisions = prose(site, markup.section(principle.body, "Decision points"), from_path) or "*None yet.*"
        # On the published site, the card names the item's permanent address; a build without one links the page.
        permalink = site.permalink(principle.id) if site.site_url else f"{principle.id} in this manual"
        out += [
            '<div class="imap-card" markdown>',
            "",
            f"## {md(principle.label)} {{ #card-{principle.id.lower()} }}",
            "",
            f"**{md(principle.summary)}**",
            "",
            rated,
            "",
            "**Markers (what an observer would see)**",
            "",
            markers,
            "",
            "**Decision points**",
            "",
            decisions,
            "",
            f"IMAP manual version {version} · {principle.id} · "
            f"[{md(permalink)}]({rel(from_path, principle.path)}) · investigational treatment",
            "",
            "</div>",
            "",
        ]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Glossary

_WORD: Final = re.compile(r"\w+")
_WORD_CHARACTER: Final = re.compile(r"\w")


def _word_starts(text: str, word: str) -> list[int]:
    """Where `word` stands in `text` as a whole word."""
    starts = []
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _WORD_CHARACTER.match(text, at - 1)) and not _WORD_CHARACTER.match(text, end):
            starts.append(at)
        at = text.find(word, at + 1)
    return starts


def glossary_page(site: SiteData, from_path: str) -> str:
    terms = site.manual.glossary
    if not terms:
        return "*The glossary is empty.*"
    out: list[str] = []
    for term in terms:
        expansion = f" ({md(term.expansion)})" if term.expansion else ""
        see = site.manual.resolve(term.see)
        links = f" See {', '.join(item_link(i, from_path) for i in see)}." if see else ""
        out += [
            f'<span id="{term.anchor}"></span>**{md(term.term)}**{expansion}',
            f":   {md(term.definition)}{links}",
            "",
        ]
    return "\n".join(out)


def abbreviations(site: SiteData, text: str) -> str:
    """Abbreviation definitions (Python-Markdown `abbr` syntax) for the glossary terms that occur in `text`: hover
    text site-wide. A page defines only the terms it can show, so its cost does not grow with the glossary; each
    definition is a block of its own (the `abbr` extension re-reads a block of definitions once per definition)."""
    key = digest(text)
    used = site.page_terms.get(key)
    if used is None:
        used = _terms_in(site.manual.terms_by_word, text)
        site.page_terms.put(key, used)
    lines = []
    for position in used:
        term = site.manual.glossary[position]
        definition = f"{term.expansion}: {term.definition}" if term.expansion else term.definition
        lines.append(f"*[{term.term}]: {' '.join(definition.split())}")
    return "\n\n".join(lines)


def _terms_in(index: Mapping[str, Mapping[int, Mapping[str, list[int]]]], text: str) -> tuple[int, ...]:
    """The positions in the glossary of the terms that `text` may show, in glossary order: a term whose first word
    stands in the text as a whole word, and the whole term from there (see Manual.terms_by_word)."""
    used = {position for terms in index.get("", {}).values() for found in terms.values() for position in found}
    for word in index.keys() & set(_WORD.findall(text)):
        starts: list[int] | None = None
        for length, terms in index[word].items():
            if length == len(word):  # the term is the word itself
                used.update(terms[word])
                continue
            if starts is None:
                starts = _word_starts(text, word)
            for at in starts:
                used.update(terms.get(text[at : at + length], ()))
    return tuple(sorted(used))


# ---------------------------------------------------------------------------------------------------------------
# What changed: each item, release by release


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(md(i) for i in ids)


def _link_line(link: EvidenceLink) -> str:
    return f"`{md(link.source)}` ({md(link.kind)}, {md(link.context)}, {md(link.stance)}): {md(link.claim)}"


def _step_lines(item_id: str, step: what_changed.Step) -> list[str]:
    if step.status in ("added", "removed"):
        return [f"**{md(step.after)}**: {step.status} {'to' if step.status == 'added' else 'from'} the manual.", ""]
    anchor = f"{item_id}-{step.after}".lower().replace(".", "-").replace("+", "-")
    lines = [f"### {md(step.before)} → {md(step.after)} {{ #{anchor} }}", ""]
    if step.title:
        lines.append(f"- Title: “{md(step.title[0])}” → “{md(step.title[1])}”")
    if step.summary:
        lines.append(f"- Summary: <del>{md(step.summary[0])}</del> <ins>{md(step.summary[1])}</ins>")
    for name, added, removed in step.lists:
        parts = ([f"added {_ids(added)}"] if added else []) + ([f"removed {_ids(removed)}"] if removed else [])
        lines.append(f"- {what_changed.FIELD_NAMES[name]}: {'; '.join(parts)}")
    lines += [f"- Evidence link added: {_link_line(link)}" for link in step.evidence_added]
    lines += [f"- Evidence link removed: {_link_line(link)}" for link in step.evidence_removed]
    lines += [
        f"- Evidence link re-graded: `{md(old.source)}` {md(', '.join((old.kind, old.context, old.stance)))}"
        f" → {md(', '.join((new.kind, new.context, new.stance)))}"
        for old, new in step.evidence_regraded
    ]
    if step.text:
        count = len(step.text)
        lines.append(f"- Text: {count} sentence{'s' if count != 1 else ''} changed (as written in the source):")
        lines += ["", '<div class="imap-diff">', *(f"<p>{t}</p>" for t in step.text), "</div>"]
    return [*lines, ""]


def changes_page(site: SiteData, from_path: str) -> str:
    """One section per item (anchor: its ID in lower case) listing what changed in it between releases."""
    steps = what_changed.item_steps(site.history, site.manual)
    names = [name for name, _ in what_changed.versions(site.history, site.manual)]
    intro = [
        "Compared: " + (", ".join(md(n) for n in names) or "no release recorded") + ".",
        "",
    ]
    blocks: list[str] = []
    everything = [*site.manual.items, *site.manual.retired]
    for kind in KIND_ORDER:
        for item in sorted((i for i in everything if i.kind is kind), key=lambda i: i.id):
            lines = [
                f"## {md(item.label)} {{ #{item.id.lower()} }}",
                "",
                f"Current page: {item_link(item, from_path)}.",
                "",
            ]
            lines += [line for step in steps.get(item.id, []) for line in _step_lines(item.id, step)] or [
                "No release recorded for it yet."
            ]
            blocks.append("\n".join(lines))
    return "\n".join(intro) + "\n\n" + "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Certainty and evidence profiles


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
