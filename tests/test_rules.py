"""Validation rules on in-memory model objects: no files involved."""

from __future__ import annotations

from typing import Any

from imap.checking import citation_rules, rules
from imap.model.diagnostics import Location
from imap.model.items import EvidenceLink, Item, Kind, Ref, Reference


def _item(kind: Kind, item_id: str, body: str = "", **fields: Any) -> Item:
    path = f"manual/{kind.folder}/{item_id}.md"
    return Item(
        kind=kind, id=item_id, title=item_id, path=path, location=Location(path, 1), body=body, body_line=10, **fields
    )


def _reference(key: str) -> Reference:
    return Reference(
        key=key,
        entry_type="article",
        fields={"title": "T", "year": "2000"},
        authors=(),
        editors=(),
        location=Location("references.bib", 1),
    )


def test_links_must_resolve_to_the_right_kind() -> None:
    theory = _item(Kind.THEORY, "T01")
    principle = _item(
        Kind.PRINCIPLE,
        "P01",
        theories=(Ref("T01", Location("p", 3)), Ref("P01", Location("p", 3)), Ref("T09", Location("p", 4))),
    )
    found = rules.item_links([theory, principle], {"T01": theory, "P01": principle})
    assert [(d.code, d.location.line) for d in found] == [("link.wrong-kind", 3), ("link.unknown-item", 4)]


def test_safety_links_must_point_to_safety_and_ethics_chapters() -> None:
    safety = _item(Kind.CHAPTER, "C12", part="safety-ethics")
    other = _item(Kind.CHAPTER, "C01", part="foundations")
    principle = _item(Kind.PRINCIPLE, "P10", safety=(Ref("C12", Location("p", 5)), Ref("C01", Location("p", 6))))
    found = rules.item_links([safety, other, principle], {"C12": safety, "C01": other, "P10": principle})
    assert [(d.code, d.location.line, d.message) for d in found] == [
        (
            "link.wrong-part",
            6,
            "'safety' must list chapters of the part 'safety-ethics', but C01 belongs to 'foundations'",
        ),
    ]


def test_body_citations_and_cross_references_are_checked_with_their_line() -> None:
    item = _item(Kind.CHAPTER, "C01", body="Text [@known].\n\nMore [@nope; @known] and [[P07]].\n")
    found = rules.body_markup([item], {"C01": item}, {"known": _reference("known")})
    assert [(d.code, d.location.line, d.message) for d in found] == [
        ("citation.unknown-key", 12, "citation of unknown key 'nope'"),
        ("xref.unknown-item", 12, "cross-reference to unknown item 'P07'"),
    ]


def test_diagram_links_are_checked_inside_mermaid_fences_only() -> None:
    body = "```mermaid\nflowchart TD\n  A --> B\n  click A C01\n  click B P09\n```\n\n```text\nclick A P08\n```\n"
    item = _item(Kind.CHAPTER, "C01", body=body)
    found = rules.body_markup([item], {"C01": item}, {})
    assert [(d.code, d.location.line, d.message) for d in found] == [
        ("xref.unknown-item", 14, "diagram node 'B' links to unknown item 'P09'"),
    ]


def test_html_that_could_run_code_is_refused_outside_code() -> None:
    body = (
        "Safe <em>emphasis</em> and `<script>` in code.\n"
        "<script>alert(1)</script>\n"
        '<img src="x.png" onerror="alert(1)">\n'
        "[click](javascript:alert(1)) and <iframe src=x>\n"
        '<a href="JavaScript:void(0)">x</a>\n'
        "```html\n<script>fine in a fence</script>\n```\n"
    )
    found = citation_rules.unsafe_html([_item(Kind.CHAPTER, "C01", body=body)])
    assert [(d.location.line, d.message.split(", which")[0]) for d in found] == [
        (11, "the page holds the element <script>"),
        (12, "the page holds the onerror= attribute of <img> ('alert(1)')"),
        (13, "the page holds the element <iframe>"),
        (13, "the page holds the href= attribute of <a> ('javascript:alert(1)')"),
        (14, "the page holds the href= attribute of <a> ('JavaScript:void(0)')"),
    ]
    assert {d.code for d in found} == {"html.unsafe"}


def test_duplicate_evidence_is_a_warning_and_unknown_sources_are_errors() -> None:
    link = EvidenceLink("known", "claim", "trial", "ptsd-treatment", "supports", Location("p", 5))
    item = _item(
        Kind.THEORY,
        "T01",
        evidence=(link, link, EvidenceLink("gone", "c", "trial", "ptsd-treatment", "supports", Location("p", 9))),
    )
    found = rules.evidence_sources([item], {"known": _reference("known")})
    assert [(d.severity.value, d.code) for d in found] == [
        ("warning", "evidence.duplicate"),
        ("error", "evidence.unknown-source"),
    ]


def test_uncited_references_are_warnings() -> None:
    item = _item(Kind.CHAPTER, "C01", body="[@a]")
    citations = citation_rules.collect_citations([item])
    found = citation_rules.uncited({"a": _reference("a"), "b": _reference("b")}, citations)
    assert [d.format() for d in found] == [
        "references.bib:1: warning: reference 'b' is not cited by any item [bib.uncited]"
    ]
