"""The machine-readable twin of the site: site/data/manual.json."""

from __future__ import annotations

from typing import Any

from imap.model.items import EvidenceLink, Item, Kind
from imap.publishing.manual_schema import SCHEMA_VERSION, schema_url
from imap.rendering.site import SiteData


def _link(link: EvidenceLink) -> dict[str, str]:
    return {
        "source": link.source,
        "claim": link.claim,
        "kind": link.kind,
        "context": link.context,
        "stance": link.stance,
    }


def _item(site: SiteData, item: Item) -> dict[str, Any]:
    manual = site.manual
    record: dict[str, Any] = {
        "id": item.id,
        "kind": item.kind.value,
        "title": item.title,
        "summary": item.summary,
        "since": item.since,
        "url": item.url,
        "source_file": item.path,
        "theories": [r.target for r in item.theories],
        "evidence": [_link(link) for link in item.evidence],
        "related": [r.target for r in item.related],
        "cites": list(manual.cites.get(item.id, [])),
    }
    if item.kind in (Kind.PRINCIPLE, Kind.INTERVENTION):
        certainty = item.certainty
        record["certainty"] = (
            {
                "rating": certainty.rating,
                "downgraded_for": list(certainty.downgraded_for),
                "rationale": certainty.rationale,
                "basis": list(certainty.basis),
            }
            if certainty
            else None
        )
    if item.kind is Kind.PRINCIPLE:
        record["interventions"] = [i.id for i in manual.interventions_of_principle(item.id)]
        record["sessions"] = [s.id for s in manual.sessions_applying(item.id)]
        record["fidelity"] = [
            {
                "id": f"{item.id}.{number}",
                "indicator": f.indicator,
                "unit": f.unit,
                "rated_when": f.rated_when or None,
                "anchors": list(f.anchors),
            }
            for number, f in enumerate(item.fidelity, start=1)
        ]
        record["hypotheses"] = [
            {
                "id": h.id,
                "prediction": h.prediction,
                "mechanism": h.mechanism,
                "measure": h.measure,
                "design": h.design,
                "comparison": h.comparison,
                "threshold": h.threshold,
                "threshold_source": h.threshold_source or None,
                "refuted_if": h.refuted_if,
                "status": h.status,
                "evidence": [_link(link) for link in h.evidence],
                "url": f"{item.url}#{h.id.lower()}",
            }
            for h in item.hypotheses
        ]
    elif item.kind is Kind.THEORY:
        record["principles"] = [p.id for p in manual.principles_of_theory(item.id)]
    elif item.kind is Kind.INTERVENTION:
        record["principles"] = [r.target for r in item.principles]
        record["phases"] = list(item.phases)
        record["source_therapy"] = item.source_therapy
        record["sessions"] = [s.id for s in manual.sessions_using(item.id)]
    elif item.kind is Kind.SESSION:
        record["phase"] = item.phase
        record["principles"] = [r.target for r in item.principles]
        record["interventions"] = [r.target for r in item.interventions]
        record["forms"] = [r.target for r in item.forms]
    elif item.kind is Kind.FORM:
        record["type"] = item.form_type
        record["filled_in_by"] = item.filled_in_by
        record["when"] = item.when
        record["kept"] = item.kept
        record["sources"] = [r.target for r in item.sources]
        record["sessions"] = [s.id for s in manual.sessions_using_form(item.id)]
    elif item.kind is Kind.CHAPTER:
        record["part"] = item.part
    return record


def manual_json(site: SiteData) -> dict[str, Any]:
    manual = site.manual
    return {
        "$schema": schema_url(site.site_url),
        "schema_version": SCHEMA_VERSION,
        "manual_version": manual.version,
        "items": [_item(site, item) for item in sorted(manual.items, key=lambda i: i.id)],
        "references": [
            {
                "key": key,
                "csl": dict(site.formatted[key].csl),
                "apa": site.formatted[key].entry_text,
                "apa_html": site.formatted[key].entry_html,
                "in_text": f"({site.formatted[key].label})",
                "retracted": reference.retracted or None,
                "verified": reference.fields.get("verified") or None,
                "unverified": reference.fields.get("unverified") or None,
                "cited_by": manual.cited_by.get(key, []),
            }
            for key, reference in manual.references.items()
        ],
    }
