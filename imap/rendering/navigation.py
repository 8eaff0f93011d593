"""The site navigation: the configured pages, with the manual's parts inserted after Home, and long lists grouped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from imap.model import vocab
from imap.model.items import Item, Kind
from imap.rendering.site import SiteData

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
