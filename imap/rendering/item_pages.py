"""An item's page as Markdown: its title, summary and the author's text, then the sections made from its front
matter (theories, evidence, interventions, hypotheses, fidelity, map), its history and how to cite it; and the page a
retired item leaves behind.

Every function is pure: model in, Markdown out. Everything that comes from front matter or the bibliography is
escaped, so it is published as text and never as markup. Links between pages are relative links to the .md files,
which MkDocs (in strict mode) checks and rewrites.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Final

from imap.model.items import Item, Kind
from imap.rendering import edition_links, figures
from imap.rendering.blocks import (
    _heading,
    _id_links,
    certainty_box,
    evidence_table,
    fidelity_list,
    hypothesis_fields,
    prose,
)
from imap.rendering.markdown import (
    CHANGES_PAGE,
    _bullets,
    _md_html,
    item_link,
    md,
    rel,
)
from imap.rendering.site import SiteData

SUMMARY_TITLES: Final = {
    Kind.PRINCIPLE: "The principle in one sentence",
    Kind.INTERVENTION: "In one sentence",
    Kind.THEORY: "The theory in one sentence",
    Kind.CHAPTER: "This chapter in one sentence",
    Kind.SESSION: "This session in one sentence",
    Kind.FORM: "What it is for",
}
INVESTIGATIONAL: Final = (
    "MDMA-assisted therapy is investigational in most jurisdictions. Use this only within a governing study protocol"
    " or an approved treatment framework, which it does not replace."
)


# ---------------------------------------------------------------------------------------------------------------
# Citations and cross-references


# ---------------------------------------------------------------------------------------------------------------
# Item pages


def _summary(item: Item) -> str:
    """The item in one sentence, as the page's lead paragraph at body size."""
    if not item.summary:
        return ""
    return f"**{SUMMARY_TITLES[item.kind]}:** {md(item.summary)}\n{{: .imap-lead }}\n"


def _footer(site: SiteData, item: Item) -> str:
    since = f" · in the manual since version {md(item.since)}" if item.since else ""
    # The address is printed where one is known (a site with its published address), so that a printed page or an
    # edition of the manual leads back to the item.
    address = f" · permanent address {_url_link(site.permalink(item.id))}" if site.site_url else ""
    return (
        f"---\n\n<small>Permanent ID **{item.id}**{address}{since} · manual version {md(site.manual.version_label)}"
        f" · {last_changed(site, item.path)}</small>\n"
    )


def last_changed(site: SiteData, path: str) -> str:
    """'Last changed on <date>' for a file (path from the project root), from git; says so when not recorded."""
    date = site.history.date(path)
    return f"last changed on {date}" if date else "date of last change not recorded"


def page_footer(site: SiteData, path: str, generated: bool) -> str:
    """The last line of a site page (not an item page): when it last changed. A page generated from the manual
    changes whenever the manual does, so its date is the later of its own file's and the manual's."""
    dates = [site.history.date(path)] + ([site.history.content_date()] if generated else [])
    date = max(dates)
    told = f"Last changed on {date}" if date else "Date of last change not recorded"
    return f"---\n\n<small>{told} · manual version {md(site.manual.version_label)}</small>\n"


def _history_section(site: SiteData, item: Item) -> str:
    """Since which version the item exists, the changelog entries that name it, and where its changes are shown."""
    released = site.manual.changelog.date_of(item.since)
    when = f" (released {released})" if released else ""
    lines = [f"In the manual since version **{md(item.since)}**{when}; {last_changed(site, item.path)}.", ""]
    entries = site.manual.changelog.naming(item.id)
    if entries:
        lines += ["Changelog entries that name it:", ""]
        lines += [f"- **{md(e.version)}** · {md(e.category)}: {e.text.replace('<', '&lt;')}" for e in entries]
    else:
        lines.append("No changelog entry names it yet.")
    changes = rel(item.path, CHANGES_PAGE, item.id.lower())
    lines += [
        "",
        f"[What changed in {item.id} between releases]({changes}): its text and evidence links, by release.",
    ]
    return _heading("History") + "\n".join(lines) + "\n"


def _url_link(url: str) -> str:
    """A link that shows its own address (so print does not write the address a second time)."""
    quoted = html.escape(url, quote=True)
    return f'<a class="imap-url" href="{quoted}">{html.escape(url, quote=False)}</a>'


def _fence(code: str) -> str:
    """A code fence longer than any run of backticks in `code`, so that nothing in it can close the block."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _cite_section(site: SiteData, item: Item) -> str:
    """'Cite this': the item in this version of the manual, in APA and BibTeX, with its permanent addresses."""
    citation = site.item_citations.get(item.id)
    if citation is None:
        return ""
    lines = [
        "In APA style (7th edition):",
        "",
        f'<p class="imap-cite-apa">{_md_html(citation.apa_html)}</p>',
        "",
        "In BibTeX:",
        "",
        _fence(citation.bibtex) + "text",
        citation.bibtex,
        _fence(citation.bibtex),
    ]
    if citation.url:
        lines += [
            "",
            f"Permanent address of this version: {_url_link(citation.url)}.  ",
            f"Always the latest version: {_url_link(site.permalink(item.id))}.",
        ]
    return _heading("Cite this") + "\n".join(lines) + "\n"


def item_page(site: SiteData, item: Item) -> str:
    """The full Markdown of an item's page: title, summary, the author's text, then the generated sections."""
    here = item.path
    sections = [f"# {md(item.label)}\n", _summary(item), certainty_box(site, item)]
    if item.kind is Kind.INTERVENTION:
        phases = ", ".join(md(p) for p in item.phases)
        sections.append(f"**Used in:** {phases} sessions · **Drawn from:** {md(item.source_therapy)}\n")
    elif item.kind is Kind.SESSION:
        sections.append(
            f"**Phase of the course:** {md(item.phase)} · Medical procedure, dosing and monitoring follow the governing"
            " protocol, not this page.\n"
        )
    elif item.kind is Kind.FORM:
        sections.append(_about_form(site, item))
    sections.append(prose(site, item.body, here).strip() + "\n")
    sections.extend(_generated(site, item))
    sections.append(_history_section(site, item))
    sections.append(_cite_section(site, item))
    sections.append(_footer(site, item))
    return "\n".join(s for s in sections if s)


def retired_page(site: SiteData, item: Item) -> str:
    """The page a retired item leaves behind: when and why it was retired, and what replaced it."""
    here = item.path
    replacements = site.manual.resolve(item.replaced_by)
    lines = [
        f"# {md(item.label)} (retired)\n",
        f'!!! warning "Retired in version {md(item.retired)}"',
        f"    {md(item.summary)}",
        "",
    ]
    if replacements:
        lines += ["Replaced by:", "", *(f"- {item_link(r, here)}" for r in replacements), ""]
    else:
        lines += ["Nothing in the manual replaces it.", ""]
    lines.append(
        f"It was part of the manual from version {md(item.since)} until version {md(item.retired)}. "
        f"[What changed in {item.id}]({rel(here, CHANGES_PAGE, item.id.lower())}) shows its history."
    )
    if item.body.strip():
        lines += ["", prose(site, item.body, here).strip()]
    lines += ["", _footer(site, item)]
    return "\n".join(lines) + "\n"


def _generated(site: SiteData, item: Item) -> list[str]:
    manual = site.manual
    here = item.path
    out: list[str] = []
    if item.kind is Kind.PRINCIPLE:
        out.append(_principle_map(site, item))
        theories = manual.resolve(item.theories)
        out.append(_heading("Theories") + _bullets((item_link(t, here) for t in theories), "None.") + "\n")
        out.append(
            _heading("Evidence")
            + evidence_table(
                site, item.evidence, here, f"Evidence for {item.id}: each source, what it bears on, and how."
            )
            + "\n"
        )
        interventions = manual.interventions_of_principle(item.id)
        out.append(
            _heading("Interventions that serve this principle")
            + _bullets(
                (item_link(i, here) for i in interventions), "No intervention in the manual serves this principle yet."
            )
            + "\n"
        )
        out.append(
            _links_section(
                "Sessions that apply this principle",
                manual.sessions_applying(item.id),
                here,
                "No session protocol names this principle yet.",
            )
        )
        out.append(_heading("Testable hypotheses") + _hypotheses(site, item) + "\n")
        out.append(_heading("Fidelity indicators") + fidelity_list(item) + "\n")
        safety = manual.resolve(item.safety)
        if safety:
            out.append(_heading("Safety and ethics") + _bullets((item_link(c, here) for c in safety), "") + "\n")
        related = manual.resolve(item.related)
        if related:
            out.append(_heading("Related principles") + _bullets((item_link(p, here) for p in related), "") + "\n")
    elif item.kind is Kind.THEORY:
        principles = manual.principles_of_theory(item.id)
        rows = [
            f"| {item_link(p, here)} | {_id_links(manual.interventions_of_principle(p.id), here)} |" for p in principles
        ]
        table = (
            "\n".join(["| Principle | Interventions that serve it |", "|---|---|", *rows])
            if rows
            else "*No principle draws on this theory yet.*"
        )
        out.append(_heading("Principles that draw on this theory") + table + "\n")
        out.append(
            _heading("Evidence")
            + evidence_table(site, item.evidence, here, f"Sources for {item.id}, including critiques.")
            + "\n"
        )
        related = manual.resolve(item.related)
        if related:
            out.append(_heading("Related theories") + _bullets((item_link(t, here) for t in related), "") + "\n")
    elif item.kind is Kind.CHAPTER:
        dependents = manual.principles_depending_on(item.id)
        if dependents:
            out.append(
                _heading("Principles that depend on this chapter")
                + _bullets((item_link(p, here) for p in dependents), "")
                + "\n"
            )
    elif item.kind is Kind.INTERVENTION:
        principles = manual.resolve(item.principles)
        out.append(
            _heading("Principles it serves") + _bullets((item_link(p, here) for p in principles), "None.") + "\n"
        )
        theories = manual.resolve(item.theories)
        if theories:
            out.append(_heading("Theories") + _bullets((item_link(t, here) for t in theories), "") + "\n")
        out.append(
            _heading("Evidence")
            + evidence_table(site, item.evidence, here, f"Evidence for {item.id}, graded by kind and context.")
            + "\n"
        )
        out.append(
            _links_section(
                "Sessions that use this intervention",
                manual.sessions_using(item.id),
                here,
                "No session protocol names this intervention yet.",
            )
        )
    elif item.kind is Kind.SESSION:
        out.append(_links_section("Principles it applies", manual.resolve(item.principles), here, "None."))
        out.append(_links_section("Interventions it uses", manual.resolve(item.interventions), here, "None."))
        out.append(_links_section("Forms it uses", manual.resolve(item.forms), here, "None listed."))
    elif item.kind is Kind.FORM:
        out.append(_links_section("Where this comes from", manual.resolve(item.sources), here, "None."))
        out.append(
            _links_section(
                "Sessions that use this form",
                manual.sessions_using_form(item.id),
                here,
                "No session protocol names this form yet.",
            )
        )
    return out


def _about_form(site: SiteData, item: Item) -> str:
    """What a printed form carries at its top: what it is, who fills it in, when, where it is kept, the manual
    version and the form's permanent address, and that the treatment is investigational."""
    handout = item.form_type == "handout"
    facts = [
        f"- **Type:** {md(item.form_type)}",
        f"- **{'Who gives it' if handout else 'Who fills it in'}:** {md(item.filled_in_by)}",
        f"- **When:** {md(item.when)}",
        f"- **Where it is kept:** {md(item.kept)}",
        f"- **Manual version:** {md(site.manual.version_label)}",
    ]
    if site.site_url:
        facts.append(f"- **Permanent address:** {_url_link(site.permalink(item.id))}")
    if site.editions:
        pdf = edition_links.form_pdf(item.path, item.id, site.directory_urls)
        facts.append(f'- **To print:** <a href="{pdf}">{item.id} as PDF</a> (A4)')
    notice = f'!!! warning "Investigational treatment"\n    {INVESTIGATIONAL}\n'
    return _heading("About this form") + "\n".join(facts) + "\n\n" + notice


def _links_section(title: str, items: Sequence[Item], here: str, empty: str) -> str:
    """A generated section that lists linked items, one per line."""
    return _heading(title) + _bullets((item_link(i, here) for i in items), empty) + "\n"


def _principle_map(site: SiteData, principle: Item) -> str:
    """The principle's neighbourhood as a diagram of links (theories, interventions, hypotheses): see
    imap/rendering/figures.py."""

    return _heading("Map of this principle") + figures.principle_map(site, principle) + "\n"


def _hypotheses(site: SiteData, item: Item) -> str:
    blocks: list[str] = []
    for h in item.hypotheses:
        lines = [f"### {h.id} {{ #{h.id.lower()} }}", "", *hypothesis_fields(site, h, item.path)]
        if h.evidence:
            lines += ["", evidence_table(site, h.evidence, item.path, f"Evidence bearing on {h.id}.")]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "*None yet.*"


# ---------------------------------------------------------------------------------------------------------------
# Overview tables


# ---------------------------------------------------------------------------------------------------------------
# Bibliography


# ---------------------------------------------------------------------------------------------------------------
# Reference tables for the authoring documentation


# ---------------------------------------------------------------------------------------------------------------
# Navigation
