"""A traceability report for a change: what two versions of the manual differ in, as Markdown for a pull request.

Items added, removed or retitled; evidence links added, removed or re-graded (kind, context or stance changed);
hypotheses whose status changed; references added or removed; and references that nothing cites any more.
"""

from __future__ import annotations

from collections.abc import Iterable

from imap.model.items import EvidenceLink
from imap.model.manual import Manual

_Key = tuple[str, str, str]  # (item or hypothesis ID, source key, claim)


def _links(manual: Manual) -> dict[_Key, EvidenceLink]:
    found: dict[_Key, EvidenceLink] = {}
    for item in manual.items:
        for link in item.evidence:
            found[item.id, link.source, link.claim] = link
        for hypothesis in item.hypotheses:
            for link in hypothesis.evidence:
                found[hypothesis.id, link.source, link.claim] = link
    return found


def _grade(link: EvidenceLink) -> str:
    return f"{link.kind}, {link.context}, {link.stance}"


def _section(title: str, rows: Iterable[str]) -> list[str]:
    listed = list(rows)
    return [f"### {title} ({len(listed)})", "", *(listed or ["None."]), ""]


def diff_report(base: Manual, head: Manual, base_name: str = "base", head_name: str = "head") -> str:
    base_items, head_items = base.by_id, head.by_id
    added = [f"- **{i}** {head_items[i].title}" for i in sorted(set(head_items) - set(base_items))]
    removed = [f"- **{i}** {base_items[i].title}" for i in sorted(set(base_items) - set(head_items))]
    retitled = [
        f"- **{i}** {base_items[i].title} → {head_items[i].title}"
        for i in sorted(set(base_items) & set(head_items))
        if base_items[i].title != head_items[i].title
    ]
    changed_text = [
        f"- **{i}** {head_items[i].title}"
        for i in sorted(set(base_items) & set(head_items))
        if base_items[i].body != head_items[i].body
    ]
    old_links, new_links = _links(base), _links(head)
    links_added = [
        f"- {k[0]}: `{k[1]}` ({_grade(new_links[k])}): {k[2]}" for k in sorted(set(new_links) - set(old_links))
    ]
    links_removed = [
        f"- {k[0]}: `{k[1]}` ({_grade(old_links[k])}): {k[2]}" for k in sorted(set(old_links) - set(new_links))
    ]
    regraded = [
        f"- {k[0]}: `{k[1]}`: {_grade(old_links[k])} → {_grade(new_links[k])}"
        for k in sorted(set(old_links) & set(new_links))
        if _grade(old_links[k]) != _grade(new_links[k])
    ]
    status = [
        f"- **{h}**: {base.hypotheses[h].status} → {head.hypotheses[h].status}"
        for h in sorted(set(base.hypotheses) & set(head.hypotheses))
        if base.hypotheses[h].status != head.hypotheses[h].status
    ]
    refs_added = [f"- `{k}`" for k in sorted(set(head.references) - set(base.references))]
    refs_removed = [f"- `{k}`" for k in sorted(set(base.references) - set(head.references))]
    orphaned = [
        f"- `{k}` is in references.bib but nothing cites it" for k in sorted(set(head.references) - set(head.cited_by))
    ]
    return "\n".join(
        [
            f"## Traceability report: {base_name} → {head_name}",
            "",
            f"Manual version {base.version} → {head.version}.",
            "",
            *_section("Items added", added),
            *_section("Items removed", removed),
            *_section("Items retitled", retitled),
            *_section("Items whose text changed", changed_text),
            *_section("Evidence links added", links_added),
            *_section("Evidence links removed", links_removed),
            *_section("Evidence links re-graded", regraded),
            *_section("Hypotheses whose status changed", status),
            *_section("References added", refs_added),
            *_section("References removed", refs_removed),
            *_section("Orphaned references", orphaned),
        ]
    )
