"""Training and reference pages derived from the items' metadata: the principle cards, the glossary and the hover
definitions of its terms on every page, and what changed in each item between releases.

Each function returns Markdown for one page; editing an item's front matter changes them on the next build.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from imap.model import markup
from imap.model.items import KIND_ORDER, EvidenceLink, Kind
from imap.reading.parsecache import digest
from imap.rendering import what_changed
from imap.rendering.blocks import prose
from imap.rendering.markdown import item_link, md, rel
from imap.rendering.site import SiteData

# ---------------------------------------------------------------------------------------------------------------
# Hypotheses registry


# ---------------------------------------------------------------------------------------------------------------
# Fidelity scale


# ---------------------------------------------------------------------------------------------------------------
# Evidence gap map


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
