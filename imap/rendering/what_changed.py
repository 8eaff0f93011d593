"""What changed in each item between releases: its title, summary, linked items, evidence links and text.

The releases are the manual at each release tag (history.Snapshot), followed by the working copy when it differs
from the last release. Each item gets one section on the "What changed" page; its text changes are shown sentence
by sentence (the manual keeps one sentence per line), with the words that changed inside a sentence marked.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass

from imap.model.items import EvidenceLink, Item
from imap.model.manual import Manual
from imap.reading.git_history import History

_LIST_FIELDS = ("theories", "principles", "related", "safety")
FIELD_NAMES = {"theories": "Theories", "principles": "Principles", "related": "Related", "safety": "Safety chapters"}


@dataclass(frozen=True)
class Step:
    """One item between two consecutive versions."""

    before: str  # version name
    after: str
    status: str  # "added", "changed", "removed" (or retired)
    title: tuple[str, str] | None = None
    summary: tuple[str, str] | None = None
    lists: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()  # (field, added IDs, removed IDs)
    evidence_added: tuple[EvidenceLink, ...] = ()
    evidence_removed: tuple[EvidenceLink, ...] = ()
    evidence_regraded: tuple[tuple[EvidenceLink, EvidenceLink], ...] = ()
    text: tuple[str, ...] = ()  # HTML lines: each a changed, added or removed sentence

    @property
    def empty(self) -> bool:
        return self.status == "changed" and not (
            self.title
            or self.summary
            or self.lists
            or self.evidence_added
            or self.evidence_removed
            or self.evidence_regraded
            or self.text
        )


def versions(history: History, current: Manual) -> list[tuple[str, Manual]]:
    """The releases in order, then the working copy when it differs from the last release."""
    found = [(s.version, s.manual) for s in history.releases]
    if not found or _fingerprint(found[-1][1]) != _fingerprint(current):
        name = current.version if not found or current.version != found[-1][0] else f"{current.version}+unreleased"
        found.append((name, current))
    return found


def _fingerprint(manual: Manual) -> tuple[tuple[object, ...], ...]:
    return tuple(
        (
            i.id,
            i.title,
            i.summary,
            i.body,
            tuple(_evidence_key(e) + _grade(e) for e in i.all_evidence()),
            tuple(r.target for f in _LIST_FIELDS for r in getattr(i, f)),
        )
        for i in manual.items
    )


def _evidence_key(link: EvidenceLink) -> tuple[str, str]:
    return (link.source, link.claim)


def _grade(link: EvidenceLink) -> tuple[str, str, str]:
    return (link.kind, link.context, link.stance)


def _words(before: str, after: str) -> str:
    """One sentence changed: the words removed in <del>, the words added in <ins>."""
    old, new = before.split(), after.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(old[a1:a2])))
            continue
        if a2 > a1:
            out.append(f"<del>{html.escape(' '.join(old[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{html.escape(' '.join(new[b1:b2]))}</ins>")
    return " ".join(out)


def text_changes(before: str, after: str) -> tuple[str, ...]:
    """The body's changed sentences (lines) as HTML: edited, added (<ins>) and removed (<del>)."""
    old = [line.strip() for line in before.splitlines() if line.strip()]
    new = [line.strip() for line in after.splitlines() if line.strip()]
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        removed, added = old[a1:a2], new[b1:b2]
        paired = min(len(removed), len(added)) if op == "replace" else 0
        for r, a in zip(removed[:paired], added[:paired], strict=True):
            out.append("Edited: " + _words(r, a))
        out.extend(f"Removed: <del>{html.escape(r)}</del>" for r in removed[paired:])
        out.extend(f"Added: <ins>{html.escape(a)}</ins>" for a in added[paired:])
    return tuple(out)


def step(before_name: str, after_name: str, old: Item | None, new: Item | None) -> Step | None:
    if old is None and new is None:
        return None
    if old is None:
        return Step(before_name, after_name, "added")
    if new is None:
        return Step(before_name, after_name, "removed")
    lists = []
    for name in _LIST_FIELDS:
        was = [r.target for r in getattr(old, name)]
        now = [r.target for r in getattr(new, name)]
        added = tuple(t for t in now if t not in was)
        removed = tuple(t for t in was if t not in now)
        if added or removed:
            lists.append((name, added, removed))
    old_links = {_evidence_key(link): link for link in old.all_evidence()}
    new_links = {_evidence_key(link): link for link in new.all_evidence()}
    result = Step(
        before_name,
        after_name,
        "changed",
        title=(old.title, new.title) if old.title != new.title else None,
        summary=(old.summary, new.summary) if old.summary != new.summary else None,
        lists=tuple(lists),
        evidence_added=tuple(new_links[k] for k in new_links if k not in old_links),
        evidence_removed=tuple(old_links[k] for k in old_links if k not in new_links),
        evidence_regraded=tuple(
            (old_links[k], new_links[k])
            for k in new_links
            if k in old_links and _grade(old_links[k]) != _grade(new_links[k])
        ),
        text=text_changes(old.body, new.body),
    )
    return None if result.empty else result


def item_steps(history: History, current: Manual) -> dict[str, list[Step]]:
    """Item ID -> its steps between consecutive versions, oldest first (only steps where something changed)."""
    ordered = versions(history, current)
    ids = sorted({i.id for _, manual in ordered for i in manual.items})
    result: dict[str, list[Step]] = {item_id: [] for item_id in ids}
    previous_name, previous = "", Manual(items=(), references={})
    for name, manual in ordered:
        for item_id in ids:
            found = step(previous_name, name, previous.by_id.get(item_id), manual.by_id.get(item_id))
            if found is not None:
                result[item_id].append(found)
        previous_name, previous = name, manual
    return result
