"""References point to the record: DOIs are well formed, each article with a DOI names a record site it was checked
on (or says plainly that it was not), and a DOI quoted in `verified` is the entry's own."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from imap.checking.project import load_project
from imap.model.items import Reference
from tests.conftest import ROOT

_DOI: Final = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+")
_DOI_IN_URL: Final = re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/)?)(10\.\d{4,9}/[^\s\"<>?#;]+)", re.IGNORECASE)
# Sites that hold the record of a publication: DOI resolution and Crossref, the indexes (PubMed, PMC), registries,
# and publishers' own sites. A document-sharing copy (Scribd, Academia, ResearchGate, a blog) is none of these.
RECORD_SITES: Final = (
    "doi.org",
    "crossref.org",
    "pubmed.ncbi.nlm.nih.gov",
    "pubmed.gov",
    "ncbi.nlm.nih.gov",
    "europepmc.org",
    "clinicaltrials.gov",
    "nature.com",
    "springer.com",
    "sciencedirect.com",
    "elsevier.com",
    "cell.com",
    "thelancet.com",
    "wiley.com",
    "tandfonline.com",
    "sagepub.com",
    "apa.org",
    "psychiatryonline.org",
    "jamanetwork.com",
    "bmj.com",
    "nejm.org",
    "frontiersin.org",
    "oup.com",
    "cambridge.org",
    "annualreviews.org",
    "karger.com",
    "mdpi.com",
    "plos.org",
    "biomedcentral.com",
    "jstor.org",
    "guilford.com",
    "acpjournals.org",
    "icer.org",
    "informahealthcare.com",
    "akjournals.com",
    "bjgpopen.org",
    "fda.gov",
    "maps.org",
    "psyarxiv.com",
    "osf.io",
)
# The share of journal articles whose DOI was seen on a record site. The target is 95% (issue 23); the floor is what
# the bibliography has reached, so that it can only rise. The rest say in `unverified` where they rest.
DOI_COVERAGE_TARGET: Final = 0.95
DOI_COVERAGE_FLOOR: Final = 0.56


def _references() -> list[Reference]:
    return list(load_project(ROOT).manual.references.values())


def _urls(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip().startswith(("http://", "https://"))]


def _on_record_site(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == site or host.endswith("." + site) for site in RECORD_SITES)


def test_every_doi_is_well_formed() -> None:
    bad = [(r.key, r.doi) for r in _references() if r.doi and not _DOI.fullmatch(r.doi)]
    assert bad == []


def test_a_doi_quoted_in_verified_is_the_entrys_own() -> None:
    mismatched = []
    for reference in _references():
        for found in _DOI_IN_URL.findall(reference.fields.get("verified", "")):
            # a publisher's address may go on past the DOI (/full, /references): the DOI is where it starts
            if reference.doi and not (found.lower() + "/").startswith(reference.doi.lower() + "/"):
                mismatched.append((reference.key, found, reference.doi))
    assert mismatched == []


def test_every_article_with_a_doi_was_checked_on_a_record_or_says_it_was_not() -> None:
    """`verified` names a record site, or an `unverified` field says where the entry rests (a copy, a secondary list)."""
    unchecked = [
        r.key
        for r in _references()
        if r.entry_type == "article"
        and r.doi
        and not any(_on_record_site(url) for url in _urls(r.fields.get("verified", "")))
        and not r.fields.get("unverified")
    ]
    assert unchecked == []


def _journal_articles() -> list[Reference]:
    """The articles in journals (a magazine's or a newsletter's, entrysubtype = magazine, have no DOI)."""
    return [
        r
        for r in _references()
        if r.entry_type == "article" and r.fields.get("entrysubtype", "").lower() not in ("magazine", "newspaper")
    ]


def test_every_article_without_a_doi_says_why() -> None:
    silent = [r.key for r in _journal_articles() if not r.doi and not r.fields.get("unverified")]
    assert silent == []


def test_the_share_of_articles_checked_on_a_record_does_not_fall() -> None:
    articles = _journal_articles()
    on_record = [
        r for r in articles if r.doi and any(_on_record_site(url) for url in _urls(r.fields.get("verified", "")))
    ]
    share = len(on_record) / len(articles)
    assert share >= DOI_COVERAGE_FLOOR, f"{len(on_record)} of {len(articles)} articles ({share:.0%})"
