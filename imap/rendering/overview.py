"""Tables and lists over the whole manual: the overview and research tables, the bibliography page, and the
tables of the authors' documentation (vocabularies, fields, diagnostic codes)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Final

from imap.model import sanitize, vocab
from imap.model.diagnostics import CODES
from imap.model.items import KIND_ORDER, Item, Kind
from imap.model.schema import FIELDS, REQUIRED_SECTIONS, required_sections
from imap.rendering.blocks import _id_links, evidence_table, evidence_tally
from imap.rendering.markdown import captioned_table, cite, id_link, item_link, md, ref_anchor, url_from
from imap.rendering.site import SiteData


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
                f'<a href="{url_from(from_path, i.path, site.directory_urls)}" '
                f'title="{html.escape(i.title)}">{i.id}</a>'
                for i in citing
            )
            parts.append(f'<span class="imap-cited-by">Cited by: {links}</span>')
        entries.append(f'<li id="{ref_anchor(key)}" class="imap-ref">{"".join(parts)}</li>')
    if not entries:
        return "*The bibliography is empty.*"
    return '<ul class="imap-refs">\n' + "\n".join(entries) + "\n</ul>"


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


def allowlist_tables() -> str:
    """The allowlist as Markdown, for the authors' documentation (docs/authoring/markup.md): elements, the
    attributes each may carry, and the link schemes."""
    text = ", ".join(f"`{tag}`" for tag in sorted(sanitize.TEXT_ELEMENTS))
    svg = ", ".join(f"`{tag}`" for tag in sorted(sanitize.SVG_ELEMENTS))
    rows = [
        "| element | attributes it may carry besides the common ones |",
        "|---|---|",
    ]
    for tag, names in sorted(sanitize.ALLOWED_ATTRIBUTES.items()):
        if tag == "*":
            continue
        shown = [f"`{name}`" for name in sorted(names)]
        shown += [
            f"`{name}` only as " + " or ".join(f"`{value}`" for value in sorted(values))
            for name, values in sorted(sanitize.ALLOWED_ATTRIBUTE_VALUES.get(tag, {}).items())
        ]
        rows.append(f"| `{tag}` | {', '.join(shown)} |")
    for tag, values in sorted(sanitize.ALLOWED_ATTRIBUTE_VALUES.items()):
        if tag not in sanitize.ALLOWED_ATTRIBUTES:
            shown = [f"`{name}` only as " + " or ".join(f"`{v}`" for v in sorted(vs)) for name, vs in values.items()]
            rows.append(f"| `{tag}` | {', '.join(shown)} |")
    common = ", ".join(f"`{name}`" for name in sorted(sanitize.GLOBAL_ATTRIBUTES))
    schemes = ", ".join(f"`{scheme}:`" for scheme in sorted(sanitize.URL_SCHEMES))
    return "\n".join(
        [
            f"**Elements of text**: {text}.",
            "",
            f"**Elements of drawings (SVG)**: {svg}.",
            "",
            f"**Attributes every element may carry**: {common} (an `id` not beginning with `__`).",
            "",
            *rows,
            "",
            f"**Addresses**: a link (`href`) leads within the site or to an address beginning {schemes}; an image"
            " (`src`) comes from the site itself.",
            "",
        ]
    )
