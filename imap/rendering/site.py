"""What a site build needs beyond the model: formatted references, history and citations of the items.

Built once per build, never global."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from imap.citing import citation_file
from imap.citing.citeproc import Formatted, format_references
from imap.citing.manual_citation import ItemCitation, Work, cite_items
from imap.model.manual import Manual
from imap.reading import addresses, changelog, glossary, manual_files, parsecache
from imap.reading.addresses import ID_PREFIX, version_path
from imap.reading.git_history import History
from imap.reading.parsecache import ParseCache

# The files besides docs/ that the site is made from. manual/ is not among them: the site reaches it through the
# docs/manual link, inside the docs directory.
SOURCE_FILES = (
    manual_files.BIB_FILE,
    glossary.GLOSSARY_FILE,
    manual_files.VERSION_FILE,
    changelog.FILE,
    citation_file.FILE,
    addresses.REGISTRY,
)


PAGE_TERMS_FILE = "page-terms.json"
EXPORTS_FILE = "exports.json"


def source_files(root: Path) -> list[Path]:
    """Those of the SOURCE_FILES the project has (a live preview rebuilds when one of them changes)."""
    return [root / name for name in SOURCE_FILES if (root / name).is_file()]


@dataclass(frozen=True)
class SiteData:
    manual: Manual
    formatted: Mapping[str, Formatted]
    site_url: str = ""  # the published site's root URL, ending in /, or "" when unknown
    # Whether this build's editions (PDF, EPUB) are published beside its pages (a release's build): only then do
    # pages link to them (imap.rendering.edition_links).
    editions: bool = False
    # Whether pages are folders (manual/principles/P03/, the site) or files (P03.html, the offline edition): the
    # links the engine writes as HTML follow it.
    directory_urls: bool = True
    history: History = field(default_factory=History)
    work: Work = field(default_factory=Work)
    item_citations: Mapping[str, ItemCitation] = field(default_factory=dict)
    # The glossary terms each page shows (positions in the glossary), by digest of the page's text: most pages of a
    # rebuild are the same text as in the build before, and finding the terms means reading every word of a page.
    page_terms: ParseCache[tuple[int, ...]] = field(default_factory=lambda: ParseCache(None, ""))
    # Data files that take long to write and change only with the bibliography (references.bib), by digest of
    # what they are written from.
    exports: ParseCache[str] = field(default_factory=lambda: ParseCache(None, ""))

    @classmethod
    def create(
        cls,
        manual: Manual,
        site_url: str = "",
        history: History | None = None,
        work: Work | None = None,
        cache_dir: Path | None = None,
        editions: bool = False,
        directory_urls: bool = True,
    ) -> SiteData:
        """cache_dir: where formatted references (and the glossary terms of each page, and the BibTeX export) are
        kept between builds (None: found again every time)."""
        code = parsecache.fingerprint() if cache_dir is not None else ""
        root = site_url.rstrip("/") + "/" if site_url else ""
        work = work or Work(version=manual.version)
        # Citations need absolute addresses; without a site URL (a local preview) they name none.
        urls = {
            item.id: f"{root}{version_path(manual.version)}/{ID_PREFIX}{item.id}/" if root else ""
            for item in manual.items
        }
        return cls(
            manual=manual,
            formatted=format_references(manual.bibtex, manual.references, cache_dir),
            site_url=root,
            editions=editions,
            directory_urls=directory_urls,
            history=history or History(),
            work=work,
            item_citations=cite_items(work, list(manual.items), urls, cache_dir),
            page_terms=ParseCache(
                cache_dir / PAGE_TERMS_FILE if cache_dir is not None else None,
                code + parsecache.digest(repr(manual.glossary)).hex() if cache_dir else "",
            ),
            exports=ParseCache(cache_dir / EXPORTS_FILE if cache_dir is not None else None, code),
        )

    def save_caches(self) -> None:
        """Keep what this build found for the next one (see page_terms and exports)."""
        self.page_terms.save()
        self.exports.save()

    def permalink(self, item_id: str, anchor: str = "") -> str:
        """The permanent address of an item (or of a section in it): <site>/id/<ID>/ whatever its file or title.
        On the published site it leads to the item in the latest release."""
        address = f"{self.site_url}{ID_PREFIX}{item_id}/"
        return f"{address}#{anchor}" if anchor else address

    def permalink_path(self, item_id: str) -> str:
        """The permanent address of an item relative to the root of the site, id/<ID>/: what a page resolves against
        wherever it is served ("Copy link")."""
        return f"{ID_PREFIX}{item_id}/"

    def versioned_permalink(self, item_id: str) -> str:
        """The permanent address of an item inside this version of the published site: <site>/<MAJOR.MINOR>/id/<ID>/."""
        return self.item_citations[item_id].url
