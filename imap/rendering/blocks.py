"""Blocks that item pages and the pages over the whole manual share: an author's prose with its marks resolved,
decision guides, evidence tables and tallies, the certainty box, hypothesis fields and fidelity indicators."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from typing import Final

from imap.checking import guides
from imap.model import markup, vocab
from imap.model.items import EvidenceLink, Hypothesis, Item
from imap.model.schema import GENERATED_SECTIONS
from imap.rendering.markdown import (
    CONTENT_MODEL_PAGE,
    cite,
    diagram_link,
    id_link,
    md,
    rel,
    table_caption,
    url_from,
    xref,
)
from imap.rendering.site import SiteData
from imap.rendering.svg import SCROLL_HINT


def prose(site: SiteData, text: str, from_path: str) -> str:
    """Author Markdown with [@key] and [[ID]] marks turned into links."""

    def render(mark: markup.Mark) -> str:
        if mark.kind == "cite":
            return cite(site, mark.values, from_path)
        if mark.kind == "diagram-link":
            return diagram_link(site, mark.values[0], mark.values[1], from_path, text[mark.start : mark.end])
        if mark.kind == "guide":
            return decision_guide(site, mark.values[0], from_path)
        return xref(site, mark.values[0], from_path)

    return markup.replace(text, render)


def decision_guide(site: SiteData, guide_id: str, from_path: str) -> str:
    """A decision guide of the page's item where its text places it: the numbered list, then the drawing."""
    item = site.manual.by_path.get(from_path)
    guide = next((g for g in item.decision_guides if g.id == guide_id), None) if item is not None else None
    if guide is None:
        raise KeyError(f"no decision guide '{guide_id}' on {from_path}")

    def link(item_id: str) -> str:
        target = site.manual.by_id.get(item_id)
        return url_from(from_path, target.path, site.directory_urls) if target is not None else ""

    listed = prose(site, guides.numbered_list(guide), from_path)
    caption = f"The same guide as a drawing: {html.escape(guide.title)}. Each step is numbered as in the list above."
    drawing = (
        f'<figure class="imap-figure imap-guide-figure">\n<div class="imap-figure__drawing">'
        f"{guides.drawing(guide, link)}</div>\n<figcaption>{caption}{SCROLL_HINT}</figcaption>\n</figure>\n"
    )
    # The steps are one block (class imap-keep), which an edition keeps on one page.
    return f'<div class="imap-keep" markdown>\n\n{listed}\n\n</div>\n\n{drawing}'


def evidence_table(site: SiteData, links: Sequence[EvidenceLink], from_path: str, caption: str) -> str:
    if not links:
        return "*No evidence links yet.*"
    rows = [
        f"| {cite(site, [link.source], from_path)} | {md(link.claim)} | {md(link.kind)} | "
        f"{md(vocab.EVIDENCE_CONTEXT[link.context])} | {md(link.stance)} |"
        for link in links
    ]
    return "\n".join(
        [
            table_caption(caption),
            '<div class="imap-evidence" markdown>',
            "",
            "| Source | What it bears on | Kind | Context | Stance |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "</div>",
        ]
    )


def evidence_tally(item: Item) -> str:
    """One line on an item's evidence: how many links, how many of them tested support, and by stance."""
    links = item.evidence
    if not links:
        return "No evidence links yet."
    stances = Counter(link.stance for link in links)
    tested = sum(link.tested for link in links)
    parts = ", ".join(f"{count} {stance}" for stance, count in sorted(stances.items(), key=lambda s: (-s[1], s[0])))
    rated = f"; certainty of evidence: {item.certainty.rating}" if item.certainty else ""
    return f"{len(links)} evidence links ({parts}); {tested} of them tested support{rated}."


def _id_links(items: Sequence[Item], from_path: str) -> str:
    return ", ".join(id_link(i, from_path) for i in items) or "—"


# Generated sections search leaves out (Material's data-search-exclude): how to cite the item, its history and its
# map's labels only repeat what the page and the rest of the site already say, and would crowd out the results.
NOT_SEARCHED: Final = frozenset({"Cite this", "History", "Map of this principle"})


def _heading(title: str) -> str:
    """A generated section heading with its permanent anchor."""
    excluded = " data-search-exclude" if title in NOT_SEARCHED else ""
    return f"## {title} {{ #{GENERATED_SECTIONS[title]}{excluded} }}\n\n"


def hypothesis_fields(site: SiteData, h: Hypothesis, from_path: str) -> list[str]:
    """The paragraphs that describe a hypothesis, on its principle's page and in the registry."""
    source = f" {cite(site, [h.threshold_source], from_path)}" if h.threshold_source in site.formatted else ""
    return [
        f"**Prediction.** {md(h.prediction)}",
        "",
        f"**Comparison.** {md(h.comparison)}",
        "",
        f"**Proposed mechanism (a hypothesis).** {md(h.mechanism)}",
        "",
        f"**Measure.** {md(h.measure)}",
        "",
        f"**Threshold.** {md(h.threshold)}{source}",
        "",
        f"**Design that would test it.** {md(h.design)}",
        "",
        f"**What would refute it.** {md(h.refuted_if)}",
        "",
        f"**Current status:** {md(h.status)} ({md(vocab.HYPOTHESIS_STATUS[h.status].rstrip('.').lower())}).",
    ]


def fidelity_list(item: Item) -> str:
    """A principle's fidelity indicators, each with its number, rating unit, when it is rated and its anchors."""
    blocks: list[str] = []
    for number, f in enumerate(item.fidelity, start=1):
        when = f" Rated when {md(f.rated_when.rstrip('.'))}; otherwise not applicable." if f.rated_when else ""
        anchors = "; ".join(
            f"**{score}** {md(text)}" for score, text in zip(vocab.FIDELITY_SCORES, f.anchors, strict=True)
        )
        blocks.append(f"- **{item.id}.{number}** {md(f.indicator)} *(rated per {md(f.unit)}.{when})*  \n  {anchors}")
    return "\n".join(blocks) if blocks else "*None yet.*"


def certainty_box(site: SiteData, item: Item) -> str:
    """The certainty of the evidence for the item, at the top of its page: the rating, what lowered it, why, and
    the sources the judgement rests on."""
    certainty = item.certainty
    if certainty is None:
        return ""
    lowered = ", ".join(md(d) for d in certainty.downgraded_for) or "nothing"
    sources = "; ".join(cite(site, [key], item.path)[1:-1] for key in certainty.basis if key in site.formatted)
    how = rel(item.path, CONTENT_MODEL_PAGE, "certainty")
    return "\n".join(
        [
            f'!!! info "Certainty of evidence: {md(certainty.rating)}"',
            f"    {md(certainty.rationale)}",
            "",
            f"    **Lowered for:** {lowered}. **Rests on:** {sources or 'no source'}.",
            f"    A judgement by this manual's authors, informed by GRADE, for MDMA-assisted therapy for PTSD; not a "
            f"formal GRADE assessment ([how ratings are made]({how})).",
            "",
        ]
    )
