"""Pictures of the evidence graph, drawn at build time from the metadata: the map of the whole manual (theories,
principles, interventions), each principle's neighbourhood, and the coverage figures of the overview page.

The diagrams are inline SVG with a fixed, deterministic layout and no script: every node is a link (<a href>, with a
<title> naming the item), so keyboard and screen-reader users reach the same pages as a mouse. The SVG is a group of
links (role="group"), not role="img", which would hide the links from assistive technology. Colours come from CSS
classes in docs/assets/imap.css, so the light and dark schemes both stay readable; the kind of each node is also
written in its label (its ID's letter) and in the column headings, never shown by colour alone.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from typing import Final

from imap.model import vocab
from imap.model.items import Item, Kind
from imap.rendering.markdown import id_link, item_link, md, table_caption, url_from
from imap.rendering.site import SiteData
from imap.rendering.svg import PAD, Node, _count, _curve, _figure, _heading, _n, _node, _node_height, _svg, _wrap


def _column(
    items: Sequence[Item],
    css: str,
    x: float,
    top: float,
    width: float,
    chars: int,
    lines: int,
    from_path: str,
    directory_urls: bool,
) -> list[Node]:
    height = _node_height(lines)
    return [
        Node(
            item.id,
            css,
            _wrap(item.label, chars, lines),
            item.label,
            url_from(from_path, item.path, directory_urls),
            x,
            top + index * (height + PAD),
            width,
            height,
        )
        for index, item in enumerate(items)
    ]


def _barycentre(items: Sequence[Item], neighbours: dict[str, list[str]], order: Sequence[str]) -> list[Item]:
    """Items ordered by the mean position of their neighbours in the middle column (fewer crossing edges);
    items without neighbours last; ties by ID. Deterministic."""
    position = {key: index for index, key in enumerate(order)}

    def key(item: Item) -> tuple[float, str]:
        places = [position[n] for n in neighbours.get(item.id, []) if n in position]
        return (sum(places) / len(places) if places else float(len(order)), item.id)

    return sorted(items, key=key)


# ---------------------------------------------------------------------------------------------------------------
# The map of the whole manual

MAP_COLUMN: Final = 205.0
MAP_GUTTER: Final = 60.0
MAP_HEADER: Final = 34.0


def manual_map(site: SiteData, from_path: str) -> str:
    """Theories → principles → interventions, every node a link to its page."""
    manual = site.manual
    principles = manual.of_kind(Kind.PRINCIPLE)
    if not principles:
        return "*No principles yet.*"
    order = [p.id for p in principles]
    theory_links = {t.id: [p.id for p in manual.principles_of_theory(t.id)] for t in manual.of_kind(Kind.THEORY)}
    served = {i.id: [r.target for r in i.principles] for i in manual.of_kind(Kind.INTERVENTION)}
    theories = _barycentre(manual.of_kind(Kind.THEORY), theory_links, order)
    interventions = _barycentre(manual.of_kind(Kind.INTERVENTION), served, order)
    lines, chars = 2, 29
    step = _node_height(lines) + PAD
    tallest = max(len(theories), len(principles), len(interventions))
    height = MAP_HEADER + tallest * step

    def top(count: int) -> float:
        return MAP_HEADER + (tallest - count) * step / 2

    xs = [0.0, MAP_COLUMN + MAP_GUTTER, 2 * (MAP_COLUMN + MAP_GUTTER)]
    columns = [
        _column(
            theories, "theory", xs[0], top(len(theories)), MAP_COLUMN, chars, lines, from_path, site.directory_urls
        ),
        _column(
            principles,
            "principle",
            xs[1],
            top(len(principles)),
            MAP_COLUMN,
            chars,
            lines,
            from_path,
            site.directory_urls,
        ),
        _column(
            interventions,
            "intervention",
            xs[2],
            top(len(interventions)),
            MAP_COLUMN,
            chars,
            lines,
            from_path,
            site.directory_urls,
        ),
    ]
    nodes = {node.key: node for column in columns for node in column}
    edges = [
        _curve(nodes[t].right, nodes[p].left) for t, targets in theory_links.items() for p in targets if p in nodes
    ]
    edges += [_curve(nodes[p].right, nodes[i].left) for i, targets in served.items() for p in targets if p in nodes]
    width = xs[2] + MAP_COLUMN
    headings = [
        _heading(xs[0], 18, f"Theories ({len(theories)})"),
        _heading(xs[1], 18, f"Principles ({len(principles)})"),
        _heading(xs[2], 18, f"Interventions ({len(interventions)})"),
    ]
    body = [
        '<g class="imap-map__edges" aria-hidden="true">',
        *edges,
        "</g>",
        '<g aria-hidden="true">',
        *headings,
        "</g>",
        *(_node(node) for column in columns for node in column),
    ]
    label = (
        f"Map of the manual: {_count(len(theories), 'theory', 'theories')}, "
        f"{_count(len(principles), 'principle', 'principles')} and "
        f"{_count(len(interventions), 'intervention', 'interventions')}; each is a link to its page"
    )
    caption = (
        "Theories (left) connect to the principles that rest on them (middle), and principles to the interventions "
        "that serve them (right). Each box is a link to the item's page. "
        "The same connections are listed as text in the table below."
    )
    return _figure(_svg(width, height, label, "imap-map--manual", body), caption)


# ---------------------------------------------------------------------------------------------------------------
# A principle's neighbourhood

NB_COLUMN: Final = 210.0
NB_GUTTER: Final = 45.0
NB_HEADER: Final = 34.0
NB_HYPOTHESES_PER_ROW: Final = 3


def principle_map(site: SiteData, principle: Item) -> str:
    """One principle with its theories (left), the interventions that serve it (right) and its hypotheses (below,
    linking to their sections on the same page)."""
    manual = site.manual
    here = principle.path
    theories = manual.resolve(principle.theories)
    interventions = manual.interventions_of_principle(principle.id)
    lines, chars = 2, 30
    step = _node_height(lines) + PAD
    side = max(len(theories), len(interventions), 1)
    block = side * step - PAD
    xs = [0.0, NB_COLUMN + NB_GUTTER, 2 * (NB_COLUMN + NB_GUTTER)]
    width = xs[2] + NB_COLUMN

    def top(count: int) -> float:
        return NB_HEADER + (block - (count * step - PAD)) / 2

    centre_lines = _wrap(principle.label, chars, 4)
    centre_height = _node_height(len(centre_lines))
    centre = Node(
        principle.id,
        "principle",
        centre_lines,
        principle.label,
        "",
        xs[1],
        NB_HEADER + (block - centre_height) / 2,
        NB_COLUMN,
        centre_height,
    )
    left = _column(theories, "theory", xs[0], top(len(theories)), NB_COLUMN, chars, lines, here, site.directory_urls)
    right = _column(
        interventions,
        "intervention",
        xs[2],
        top(len(interventions)),
        NB_COLUMN,
        chars,
        lines,
        here,
        site.directory_urls,
    )
    body: list[str] = ['<g aria-hidden="true">']
    body.append(_heading(xs[0], 18, "Theories it rests on"))
    body.append(_heading(xs[1], 18, "Principle"))
    body.append(_heading(xs[2], 18, "Interventions that serve it"))
    for nodes, x in ((left, xs[0]), (right, xs[2])):
        if not nodes:
            body.append(_heading(x, NB_HEADER + block / 2, "None yet"))
    edges = [_curve(node.right, centre.left) for node in left]
    edges += [_curve(centre.right, node.left) for node in right]

    hypotheses: list[Node] = []
    rows_top = NB_HEADER + block + 2 * PAD + 24
    if principle.hypotheses:
        body.append(_heading(xs[0], rows_top - 8, "Hypotheses it implies"))
        box = (width - (NB_HYPOTHESES_PER_ROW - 1) * PAD * 2) / NB_HYPOTHESES_PER_ROW
        h_lines = 3
        h_step = _node_height(h_lines) + 2 * PAD
        for index, h in enumerate(principle.hypotheses):
            row, place = divmod(index, NB_HYPOTHESES_PER_ROW)
            text = f"{h.id} ({h.status}): {h.prediction}"
            hypotheses.append(
                Node(
                    h.id,
                    "hypothesis",
                    _wrap(text, 34, h_lines),
                    text,
                    f"#{h.id.lower()}",
                    place * (box + 2 * PAD),
                    rows_top + row * h_step,
                    box,
                    _node_height(h_lines),
                )
            )
        edges += [_curve(centre.bottom, node.top, vertical=True) for node in hypotheses]
    body.append("</g>")
    rows = -(-len(hypotheses) // NB_HYPOTHESES_PER_ROW)
    height = (
        rows_top + rows * (_node_height(3) + 2 * PAD) - 2 * PAD if hypotheses else NB_HEADER + block
    ) + 2  # room for a focus outline
    drawing = [
        '<g class="imap-map__edges" aria-hidden="true">',
        *edges,
        "</g>",
        *body,
        *(_node(node) for node in (*left, centre, *right, *hypotheses)),
    ]
    label = (
        f"{principle.id} and its neighbourhood: {_count(len(theories), 'theory', 'theories')}, "
        f"{_count(len(interventions), 'intervention', 'interventions')}, "
        f"{_count(len(principle.hypotheses), 'hypothesis', 'hypotheses')}; each is a link"
    )
    caption = (
        f"{html.escape(principle.id)} at the centre, the theories it rests on (left), the interventions that serve "
        "it (right) and its hypotheses (below). Each box is a link; the sections below list the same items as text."
    )
    return _figure(_svg(width, height, label, "imap-map--principle", drawing), caption)


# ---------------------------------------------------------------------------------------------------------------
# Coverage figures

BAR_WIDTH: Final = 100


def _bar(value: int, largest: int) -> str:
    """A bar drawn to scale; decorative (hidden from assistive technology), the number beside it carries the value."""
    length = round(BAR_WIDTH * value / largest, 1) if largest else 0
    return (
        f'<svg class="imap-bar" viewBox="0 0 {BAR_WIDTH} 10" width="{BAR_WIDTH}" height="10" aria-hidden="true" '
        f'focusable="false"><rect width="{_n(length)}" height="10"/></svg>'
    )


def _share(value: int, total: int) -> str:
    return f"{100 * value / total:.0f}%" if total else "—"


def coverage(site: SiteData, from_path: str) -> str:
    """Sources per principle, principles per theory, and the evidence by context and by kind: numbers in tables,
    each with a bar drawn to scale."""
    manual = site.manual
    principles = manual.of_kind(Kind.PRINCIPLE)
    sources = {p.id: len({link.source for link in p.all_evidence() if link.tested}) for p in principles}
    links_of = {p.id: len(p.all_evidence()) for p in principles}
    largest = max(sources.values(), default=0)
    out = [
        "### Sources per principle",
        "",
        table_caption(
            "Distinct sources of tested support, and all evidence links, per principle (its hypotheses' evidence "
            "included); the bar shows the sources of tested support."
        ),
        "| Principle | Sources of tested support | Evidence links | Tested sources, to scale |",
        "|---|---:|---:|---|",
        *(
            f"| {item_link(p, from_path)} | {sources[p.id]} | {links_of[p.id]} | {_bar(sources[p.id], largest)} |"
            for p in principles
        ),
        "",
    ]
    theories = manual.of_kind(Kind.THEORY)
    resting = {t.id: manual.principles_of_theory(t.id) for t in theories}
    largest = max((len(v) for v in resting.values()), default=0)
    out += [
        "### Principles per theory",
        "",
        table_caption("How many principles rest on each theory; the bar shows the number."),
        "| Theory | Principles | Which | Principles, to scale |",
        "|---|---:|---|---|",
        *(
            f"| {item_link(t, from_path)} | {len(resting[t.id])} | "
            f"{', '.join(id_link(p, from_path) for p in resting[t.id]) or '—'} | {_bar(len(resting[t.id]), largest)} |"
            for t in theories
        ),
        "",
    ]
    links = [link for item in manual.items for link in item.all_evidence() if link.tested]
    for title, attribute, vocabulary in (
        ("Evidence by context", "context", vocab.EVIDENCE_CONTEXT),
        ("Evidence by kind", "kind", vocab.EVIDENCE_KIND),
    ):
        counted = Counter(getattr(link, attribute) for link in links)
        shown = {value: vocabulary[value] if attribute == "context" else value for value in vocabulary}
        largest = max(counted.values(), default=0)
        out += [
            f"### {title}",
            "",
            table_caption(
                f"Links of tested support in the manual ({len(links)} in all, from theories, principles, interventions "
                f"and hypotheses; links that support a claim from data) by {attribute}: the number, its share, and a "
                "bar to scale."
            ),
            f"| {attribute.capitalize()} | Links | Share | Links, to scale |",
            "|---|---:|---:|---|",
            *(
                f"| {md(shown[value])} | {counted[value]} | {_share(counted[value], len(links))} | "
                f"{_bar(counted[value], largest)} |"
                for value in vocabulary
            ),
            "",
        ]
    return "\n".join(out)
