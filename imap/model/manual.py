"""The whole manual: its items, references, citations, glossary, changelog and version, with the lookups pages and
rules need (by ID, by path, by kind, the terms by their first word)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from imap.model.changelog import UNRELEASED, Changelog
from imap.model.items import _FIRST_WORD, _PLAIN_TERM, Citation, Hypothesis, Item, Kind, Ref, Reference, Term


@dataclass(frozen=True)
class Manual:
    items: tuple[Item, ...]
    references: Mapping[str, Reference]
    citations: tuple[Citation, ...] = field(default=())
    version: str = "0.0.0"
    glossary: tuple[Term, ...] = ()
    changelog: Changelog = field(default_factory=Changelog)
    retired: tuple[Item, ...] = ()  # retired items: not part of the manual any more, but their pages remain
    bibtex: str = ""  # references.bib as written: what the reference engine reads

    @cached_property
    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def version_label(self) -> str:
        """The version as the pages name it: the released version, or that version "with unreleased changes" while
        the changelog lists changes that no release holds yet (the manual.json keeps the version alone)."""
        unreleased = any(entry.version == UNRELEASED for entry in self.changelog.entries)
        return f"{self.version} with unreleased changes" if unreleased else self.version

    @cached_property
    def by_path(self) -> dict[str, Item]:
        return {item.path: item for item in self.items}

    @cached_property
    def retired_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.retired}

    @cached_property
    def retired_by_path(self) -> dict[str, Item]:
        return {item.path: item for item in self.retired}

    @cached_property
    def hypotheses(self) -> dict[str, Hypothesis]:
        return {h.id: h for item in self.items for h in item.hypotheses}

    @cached_property
    def _by_kind(self) -> dict[Kind, tuple[Item, ...]]:
        index: dict[Kind, list[Item]] = {kind: [] for kind in Kind}
        for item in sorted(self.items, key=lambda i: i.id):
            index[item.kind].append(item)
        return {kind: tuple(items) for kind, items in index.items()}

    def of_kind(self, kind: Kind) -> list[Item]:
        return list(self._by_kind[kind])

    @cached_property
    def _reverse(self) -> dict[tuple[str, str], list[Item]]:
        """(field, target id) -> items whose field refers to target, sorted by id."""
        index: dict[tuple[str, str], list[Item]] = {}
        for item in sorted(self.items, key=lambda i: i.id):
            for name in ("theories", "principles", "interventions", "forms", "safety"):
                refs: tuple[Ref, ...] = getattr(item, name)
                for ref in refs:
                    index.setdefault((name, ref.target), []).append(item)
        return index

    def referring(self, field_name: str, target: str, kind: Kind | None = None) -> list[Item]:
        items = self._reverse.get((field_name, target), [])
        return [i for i in items if kind is None or i.kind is kind]

    def principles_of_theory(self, theory_id: str) -> list[Item]:
        return self.referring("theories", theory_id, Kind.PRINCIPLE)

    def principles_depending_on(self, chapter_id: str) -> list[Item]:
        return self.referring("safety", chapter_id, Kind.PRINCIPLE)

    def interventions_of_principle(self, principle_id: str) -> list[Item]:
        return self.referring("principles", principle_id, Kind.INTERVENTION)

    def sessions_applying(self, principle_id: str) -> list[Item]:
        return self.referring("principles", principle_id, Kind.SESSION)

    def sessions_using(self, intervention_id: str) -> list[Item]:
        return self.referring("interventions", intervention_id, Kind.SESSION)

    def sessions_using_form(self, form_id: str) -> list[Item]:
        return self.referring("forms", form_id, Kind.SESSION)

    @cached_property
    def cited_by(self) -> dict[str, list[str]]:
        """Reference key -> sorted IDs of the items that cite it."""
        index: dict[str, set[str]] = {}
        for citation in self.citations:
            if citation.item_id:
                index.setdefault(citation.key, set()).add(citation.item_id)
        return {key: sorted(ids) for key, ids in index.items()}

    @cached_property
    def cites(self) -> dict[str, list[str]]:
        """Item ID -> sorted keys of the references it cites (the reverse of cited_by)."""
        index: dict[str, set[str]] = {}
        for citation in self.citations:
            if citation.item_id:
                index.setdefault(citation.item_id, set()).add(citation.key)
        return {item_id: sorted(keys) for item_id, keys in index.items()}

    @cached_property
    def terms_by_word(self) -> dict[str, dict[int, dict[str, list[int]]]]:
        """Glossary positions by a term's first word, then by the term's length, then by the term: a text is searched
        for a term only where the term's first word stands, and there once for each length of the terms that begin
        with that word, not once for each term, so that finding a page's terms does not cost more as the glossary
        grows. A term with characters other than word characters, spaces and hyphens (which a Markdown text may show
        escaped) is filed under "", meaning: always a candidate."""
        index: dict[str, dict[int, dict[str, list[int]]]] = {}
        for position, term in enumerate(self.glossary):
            first = _FIRST_WORD.match(term.term) if _PLAIN_TERM.fullmatch(term.term) else None
            by_length = index.setdefault(first.group(0) if first else "", {})
            by_length.setdefault(len(term.term), {}).setdefault(term.term, []).append(position)
        return index

    def resolve(self, refs: tuple[Ref, ...]) -> list[Item]:
        return [self.by_id[r.target] for r in refs if r.target in self.by_id]
