"""Render the model as Markdown: item pages, overview tables, the bibliography, reference tables, navigation.

Every function is pure: model in, Markdown out. Everything that comes from front matter or the bibliography is
escaped, so it is published as text and never as markup. Links between pages are relative links to the .md files,
which MkDocs (in strict mode) checks and rewrites.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Final

from imap.checking import guides
from imap.model import markup, vocab
from imap.model.diagnostics import CODES
from imap.model.items import KIND_ORDER, EvidenceLink, Hypothesis, Item, Kind
from imap.model.paths import relpath
from imap.model.schema import FIELDS, GENERATED_SECTIONS, REQUIRED_SECTIONS, required_sections
from imap.rendering.site import SiteData

BIBLIOGRAPHY_PAGE: Final = "bibliography.md"
CONTENT_MODEL_PAGE: Final = "authoring/content-model.md"
CHANGES_PAGE: Final = "reference/changes.md"
# The characters Python-Markdown would read as markup, each escaped with a backslash it removes again (its escapable
# characters). Others are written as entities: <, > and & (HTML), and | (a table cell's edge, where a backslash would
# stay visible outside tables). Characters it does not treat as markup (=, ~, ^) are left alone: an escape would show.
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]{}!#+])")
_TAG: Final = re.compile(r"(<[^>]*>)")
_URL: Final = re.compile(r"https?://[^\s<>\"]+")
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


def md(text: str) -> str:
    """Escape text so that Markdown and HTML show it literally."""
    return (
        _MD_SPECIAL.sub(r"\\\1", html.unescape(text))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "&#124;")
        .replace("\n", " ")
    )


def _md_html(fragment: str) -> str:
    """Escape the text parts of trusted, already HTML-escaped markup (citeproc output) for Markdown."""
    parts = _TAG.split(fragment)
    return "".join(
        part if index % 2 else re.sub(r"([\\`*_\[\]{}|!#~^=+])", r"\\\1", part) for index, part in enumerate(parts)
    )


def rel(from_path: str, to_path: str, anchor: str = "") -> str:
    """A relative link from one docs page to another (both normalised paths relative to the docs directory)."""
    target = relpath(to_path, from_path.rpartition("/")[0])
    return f"{target}#{anchor}" if anchor else target


def ref_anchor(key: str) -> str:
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def item_link(item: Item, from_path: str, anchor: str = "") -> str:
    return f"[{md(item.label)}]({rel(from_path, item.path, anchor)})"


def id_link(item: Item, from_path: str) -> str:
    return f"[{item.id}]({rel(from_path, item.path)} {_title_attr(item.title)})"


def _title_attr(text: str) -> str:
    return '"' + md(text).replace('"', "&quot;") + '"'


# ---------------------------------------------------------------------------------------------------------------
# Citations and cross-references


def cite(site: SiteData, keys: Sequence[str], from_path: str) -> str:
    """An APA parenthetical citation, each part linked to its bibliography entry; retracted works say so."""
    parts: list[str] = []
    for key in keys:
        if key not in site.formatted:
            raise KeyError(f"unknown citation key '{key}'")
        link = f"[{md(site.formatted[key].label)}]({rel(from_path, BIBLIOGRAPHY_PAGE, ref_anchor(key))})"
        if site.manual.references[key].retracted:
            link += ", **retracted**"
        parts.append(link)
    return "(" + "; ".join(parts) + ")"


def xref(site: SiteData, target: str, from_path: str) -> str:
    manual = site.manual
    if target in manual.by_id:
        return item_link(manual.by_id[target], from_path)
    hypothesis = manual.hypotheses[target]
    return f"[{hypothesis.id}]({rel(from_path, manual.by_id[hypothesis.principle].path, hypothesis.id.lower())})"


def page_url(path: str) -> str:
    """The address of the page built from a docs path (directory URLs): manual/principles/P03.md -> .../P03/."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def url_from(from_path: str, to_path: str) -> str:
    """A relative URL from the page built from one docs path to the page built from another."""
    source, target = page_url(from_path), page_url(to_path)
    relative = relpath(target, source)
    return relative.rstrip("/") + "/" if relative != "." else "./"


def diagram_link(site: SiteData, node: str, target: str, from_path: str, line: str) -> str:
    """A Mermaid `click <node> <ID>` line made into a link to the item's page, with its title as the tooltip."""
    item = site.manual.by_id[target]
    indent = line[: len(line) - len(line.lstrip())]
    title = f"{item.id}: {item.title}".replace('"', "'")
    return f'{indent}click {node} href "{url_from(from_path, item.path)}" "{title}"'


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
        return url_from(from_path, target.path) if target is not None else ""

    listed = prose(site, guides.numbered_list(guide), from_path)
    caption = f"The same guide as a drawing: {html.escape(guide.title)}. Each step is numbered as in the list above."
    drawing = (
        f'<figure class="imap-figure imap-guide-figure">\n<div class="imap-figure__drawing">'
        f"{guides.drawing(guide, link)}</div>\n<figcaption>{caption}</figcaption>\n</figure>\n"
    )
    return f"{listed}\n{drawing}"


# ---------------------------------------------------------------------------------------------------------------
# Item pages


def _bullets(lines: Iterable[str], empty: str) -> str:
    rows = [f"- {line}" for line in lines]
    return "\n".join(rows) if rows else f"*{empty}*"


def table_caption(text: str) -> str:
    """A visible caption for the table that follows (Markdown tables cannot carry a <caption>)."""
    return f'<p class="imap-caption">{html.escape(text)}</p>\n'


def captioned_table(caption: str, header: str, align: str, rows: Sequence[str], empty: str) -> str:
    """A generated table: its caption, header and alignment rows, then its rows; or, with no rows, what is missing."""
    if not rows:
        return f"*{empty}*"
    return "\n".join([table_caption(caption), header, align, *rows])


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


def _summary(item: Item) -> str:
    """The item in one sentence, as the page's lead paragraph at body size."""
    if not item.summary:
        return ""
    return f"**{SUMMARY_TITLES[item.kind]}:** {md(item.summary)}\n{{: .imap-lead }}\n"


def _footer(site: SiteData, item: Item) -> str:
    since = f" · in the manual since version {md(item.since)}" if item.since else ""
    return (
        f"---\n\n<small>Permanent ID **{item.id}**{since} · manual version {md(site.manual.version_label)}"
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
    notice = f'!!! warning "Investigational treatment"\n    {INVESTIGATIONAL}\n'
    return _heading("About this form") + "\n".join(facts) + "\n\n" + notice


def _links_section(title: str, items: Sequence[Item], here: str, empty: str) -> str:
    """A generated section that lists linked items, one per line."""
    return _heading(title) + _bullets((item_link(i, here) for i in items), empty) + "\n"


def _principle_map(site: SiteData, principle: Item) -> str:
    """The principle's neighbourhood as a diagram of links (theories, interventions, hypotheses): see
    imap/rendering/figures.py."""
    from imap.rendering import figures  # imported here: figures builds on this module's link helpers

    return _heading("Map of this principle") + figures.principle_map(site, principle) + "\n"


def _id_links(items: Sequence[Item], from_path: str) -> str:
    return ", ".join(id_link(i, from_path) for i in items) or "—"


def _heading(title: str) -> str:
    """A generated section heading with its permanent anchor."""
    return f"## {title} {{ #{GENERATED_SECTIONS[title]} }}\n\n"


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


def principle_evidence_table(site: SiteData, from_path: str) -> str:
    """Each principle under its full title, with a one-line tally of its evidence, then its evidence table."""
    out: list[str] = []
    for principle in site.manual.of_kind(Kind.PRINCIPLE):
        out += [
            f"### {item_link(principle, from_path)} {{ #{principle.id.lower()} }}",
            "",
            md(evidence_tally(principle)),
            "",
            evidence_table(site, principle.evidence, from_path, f"Evidence for {principle.id}."),
            "",
        ]
    return "\n".join(out) if out else "*No principles yet.*"


def evidence_principles_table(site: SiteData, from_path: str) -> str:
    """Evidence -> principles: each source with the principles whose evidence links name it."""
    by_source: dict[str, list[Item]] = {}
    for principle in site.manual.of_kind(Kind.PRINCIPLE):
        for link in principle.evidence:
            by_source.setdefault(link.source, [])
            if principle not in by_source[link.source]:
                by_source[link.source].append(principle)
    order = list(site.formatted)
    rows = [
        f"| {cite(site, [key], from_path)} | {', '.join(id_link(p, from_path) for p in by_source[key])} |"
        for key in sorted(by_source, key=lambda k: (site.formatted[k].entry_text.lower(), order.index(k)))
    ]
    if not rows:
        return "*No evidence links yet.*"
    return "\n".join(["| Source | Principles it bears on |", "|---|---|", *rows])


def theory_map_table(site: SiteData, from_path: str) -> str:
    """Theory -> principles -> interventions, one row per theory and principle."""
    manual = site.manual
    rows: list[str] = []
    for theory in manual.of_kind(Kind.THEORY):
        principles = manual.principles_of_theory(theory.id)
        if not principles:
            rows.append(f"| {item_link(theory, from_path)} | — | — |")
        for principle in principles:
            interventions = manual.interventions_of_principle(principle.id)
            rows.append(
                f"| {item_link(theory, from_path)} | {item_link(principle, from_path)} | "
                f"{', '.join(id_link(i, from_path) for i in interventions) or '—'} |"
            )
    if not rows:
        return "*No theories yet.*"
    return "\n".join(["| Theory | Principle | Interventions |", "|---|---|---|", *rows])


# A matrix wider than this is no longer read as a matrix (and its size grows with the square of the manual's): the
# interventions are then listed with the principles each serves.
MATRIX_COLUMNS: Final = 30


def intervention_matrix(site: SiteData, from_path: str) -> str:
    """Intervention by principle: a cell says 'serves' where the intervention lists the principle. With more
    principles than fit across a page, a list: each intervention with the principles it serves."""
    manual = site.manual
    principles = manual.of_kind(Kind.PRINCIPLE)
    interventions = manual.of_kind(Kind.INTERVENTION)
    if not principles or not interventions:
        return "*No interventions yet.*"
    if len(principles) > MATRIX_COLUMNS:
        rows = [
            f"With {len(principles)} principles a matrix would be too wide to read, so each intervention is listed "
            "with the principles it serves.",
            "",
            "| Intervention | Serves |",
            "|---|---|",
        ]
        for intervention in interventions:
            served = ", ".join(id_link(p, from_path) for p in manual.resolve(intervention.principles))
            rows.append(f"| {item_link(intervention, from_path)} | {served or '*none listed*'} |")
        return "\n".join(rows)
    header = "| Intervention | " + " | ".join(id_link(p, from_path) for p in principles) + " |"
    rows = [
        'A cell reads "✓ serves" where the intervention lists the principle among those it serves.',
        "",
        header,
        "|---|" + "---|" * len(principles),
    ]
    for intervention in interventions:
        served_ids = {r.target for r in intervention.principles}
        cells = ["✓ serves" if p.id in served_ids else "" for p in principles]
        rows.append(f"| {item_link(intervention, from_path)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def session_table(site: SiteData, from_path: str) -> str:
    """Each session protocol in course order, with its phase and the principles and interventions it names."""
    manual = site.manual
    rows = [
        f"| {item_link(s, from_path)} | {md(s.phase)} | {_id_links(manual.resolve(s.principles), from_path)} | "
        f"{_id_links(manual.resolve(s.interventions), from_path)} | {_id_links(manual.resolve(s.forms), from_path)} |"
        for s in manual.of_kind(Kind.SESSION)
    ]
    return captioned_table(
        "Each session protocol, its phase, and what it applies and uses.",
        "| Session | Phase | Principles it applies | Interventions it uses | Forms it uses |",
        "|---|---|---|---|---|",
        rows,
        "No session protocols yet.",
    )


def form_table(site: SiteData, from_path: str) -> str:
    """Each form and handout: what it is, who fills it in, when, and the sessions that use it."""
    manual = site.manual
    rows = [
        f"| {item_link(f, from_path)} | {md(f.form_type)} | {md(f.filled_in_by)} | {md(f.when)} | "
        f"{_id_links(manual.sessions_using_form(f.id), from_path)} |"
        for f in manual.of_kind(Kind.FORM)
    ]
    return captioned_table(
        "Each form and handout, who fills it in (or gives it), when, and the sessions that use it.",
        "| Form | Type | Who fills it in, or gives it | When | Sessions that use it |",
        "|---|---|---|---|---|",
        rows,
        "No forms yet.",
    )


def principle_sessions_table(site: SiteData, from_path: str) -> str:
    """Each principle with the session protocols that apply it: where in the course a principle is put to work."""
    manual = site.manual
    rows = [
        f"| {item_link(p, from_path)} | {_id_links(manual.sessions_applying(p.id), from_path)} |"
        for p in manual.of_kind(Kind.PRINCIPLE)
    ]
    return captioned_table(
        "Sessions that apply each principle.",
        "| Principle | Sessions that apply this principle |",
        "|---|---|",
        rows,
        "No principles yet.",
    )


def off_course_list() -> str:
    """The situations every session protocol answers, as the check requires them."""
    return "\n".join(f"{n}. {md(situation)}" for n, situation in enumerate(vocab.OFF_COURSE, 1))


def item_list(site: SiteData, kind: Kind, from_path: str) -> str:
    rows = [f"| {item_link(i, from_path)} | {md(i.summary)} |" for i in site.manual.of_kind(kind)]
    if not rows:
        return f"*No {kind.plural.lower()} yet.*"
    return "\n".join([f"| {kind.value.capitalize()} | In one sentence |", "|---|---|", *rows])


# ---------------------------------------------------------------------------------------------------------------
# Bibliography


def _linkify(fragment: str, urls: Iterable[str]) -> str:
    for url in urls:
        if not url.startswith(("https://", "http://")):
            continue
        shown = html.escape(url, quote=False)
        if shown in fragment:
            anchor = f'<a class="imap-url" href="{html.escape(url, quote=True)}">{shown}</a>'
            fragment = fragment.replace(shown, anchor, 1)
    return fragment


def bibliography_page(site: SiteData, from_path: str) -> str:
    """Every reference in APA order, with its DOI as a link, a retraction notice, and the items that cite it.

    The reference list is an HTML list (one item per reference, its anchor on the item), written as one raw HTML
    block: the entries are citeproc's escaped HTML, and everything else is escaped here."""
    entries: list[str] = []
    for key, formatted in site.formatted.items():
        reference = site.manual.references[key]
        urls = [f"https://doi.org/{reference.doi}"] if reference.doi else []
        if "url" in reference.fields:
            urls.append(reference.fields["url"])
        parts = [_linkify(formatted.entry_html, urls)]
        if reference.retracted:
            parts.append(f"<br><strong>Retracted.</strong> {html.escape(reference.retracted)}")
        citing = [site.manual.by_id[i] for i in site.manual.cited_by.get(key, []) if i in site.manual.by_id]
        if citing:
            links = ", ".join(
                f'<a href="{url_from(from_path, i.path)}" title="{html.escape(i.title)}">{i.id}</a>' for i in citing
            )
            parts.append(f'<span class="imap-cited-by">Cited by: {links}</span>')
        entries.append(f'<li id="{ref_anchor(key)}" class="imap-ref">{"".join(parts)}</li>')
    if not entries:
        return "*The bibliography is empty.*"
    return '<ul class="imap-refs">\n' + "\n".join(entries) + "\n</ul>"


# ---------------------------------------------------------------------------------------------------------------
# Reference tables for the authoring documentation


def vocabulary_tables() -> str:
    out: list[str] = []
    for name, vocabulary in vocab.VOCABULARIES.items():
        out.append(f"### {name.capitalize()}\n")
        out.append("| value | meaning |\n|---|---|")
        out.extend(f"| `{value}` | {md(meaning)} |" for value, meaning in vocabulary.items())
        out.append("")
    return "\n".join(out)


def required_sections_table() -> str:
    rows = [f"| {kind.value} | {'; '.join(REQUIRED_SECTIONS[kind]) or '(free structure)'} |" for kind in KIND_ORDER]
    rows.append(f"| form of type handout | {'; '.join(required_sections(Kind.FORM, 'handout'))} |")
    return "\n".join(["| kind | required sections, in order |", "|---|---|", *rows])


def fields_table(kind: Kind) -> str:
    rows = [
        f"| `{name}` | {spec.type} | {'yes' if spec.required else 'no'} | {md(spec.doc)} |"
        for name, spec in FIELDS[kind].items()
    ]
    return "\n".join(["| key | type | required | meaning |", "|---|---|---|---|", *rows])


def diagnostic_codes_table() -> str:
    rows = [f"| `{code}` | {md(text)} |" for code, text in sorted(CODES.items())]
    return "\n".join(["| code | meaning |", "|---|---|", *rows])


# ---------------------------------------------------------------------------------------------------------------
# Navigation


# At most this many pages side by side in one navigation section; longer lists are split into groups named by their
# first and last ID (P001-P050, written with an en dash). With Material's navigation.prune a page carries only the
# entries on its own path, but every section's top-level entries too: more than NAV_FANOUT groups side by side are
# grouped in turn, as often as needed, so that what each page carries grows with the logarithm of the manual, not
# with the manual (the real manual has no section this long: its navigation is flat).
NAV_GROUP: Final = 50
NAV_FANOUT: Final = 10


_Member = tuple[Item, Item, Any]  # a page or group: its first and last item, and its navigation entry


def _chunked(members: Sequence[_Member], size: int) -> list[_Member]:
    """Consecutive members, `size` at a time, each run made one group named by its first and last ID."""
    groups: list[_Member] = []
    for start in range(0, len(members), size):
        run = members[start : start + size]
        first, last = run[0][0], run[-1][1]
        groups.append((first, last, {f"{first.id}–{last.id}": [entry for _, _, entry in run]}))
    return groups


def _grouped(items: Sequence[Item], entries: list[Any]) -> list[Any]:
    if len(entries) <= NAV_GROUP:
        return entries
    groups = _chunked(list(zip(items, items, entries, strict=True)), NAV_GROUP)
    while len(groups) > NAV_FANOUT:
        groups = _chunked(groups, NAV_FANOUT)
    return [entry for _, _, entry in groups]


def navigation(site: SiteData, configured: Sequence[Any] | None) -> list[Any]:
    """The site navigation: the configured first entry (Home), the manual's parts, then the rest of the configured
    navigation."""
    manual = site.manual
    configured = list(configured or [])
    # A configured section titled like a part (e.g. "The research programme") holds the site's generated pages for
    # that part; they follow the part's chapters.
    extra: dict[str, list[Any]] = {}
    for entry in configured[1:]:
        if isinstance(entry, dict) and len(entry) == 1:
            ((title, pages),) = entry.items()
            if title in vocab.PART.values() and isinstance(pages, list):
                extra[title] = pages
    rest = [e for e in configured[1:] if not (isinstance(e, dict) and len(e) == 1 and next(iter(e)) in extra)]
    sections: list[Any] = []
    for part, title in vocab.PART.items():
        in_part = [c for c in manual.of_kind(Kind.CHAPTER) if c.part == part]
        pages = _grouped(in_part, [{c.label: c.path} for c in in_part]) + extra.get(title, [])
        if pages:
            sections.append({title: pages})
        for kind in (Kind.SESSION, Kind.FORM) if part == "course" else ():
            of_kind = manual.of_kind(kind)
            if of_kind:
                sections.append({kind.plural: _grouped(of_kind, [{i.label: i.path} for i in of_kind])})
        if part == "foundations":
            for kind in (Kind.THEORY, Kind.PRINCIPLE, Kind.INTERVENTION):
                of_kind = manual.of_kind(kind)
                if of_kind:
                    sections.append({kind.plural: _grouped(of_kind, [{i.label: i.path} for i in of_kind])})
    if manual.retired:
        retired = list(manual.retired)
        sections.append({"Retired items": _grouped(retired, [{f"{i.label} (retired)": i.path} for i in retired])})
    return configured[:1] + sections + rest
