"""Where a release publishes its editions, and the links to them from the home page and every page's footer.

`make release` builds the editions (imap.publishing.editions) and puts them beside the version's pages, under
editions/ of the version's folder, with the release's build told so by IMAP_EDITIONS=1. Only then do pages link to
them: a plain build (make build, make serve) has no editions, so its home page says how to get them and its footers
link to none, and no link leads nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from imap.model.paths import relpath
from imap.rendering.markdown import page_folder

FOLDER: Final = "editions"
MANUAL_PDF: Final = "imap-manual.pdf"
MANUAL_EPUB: Final = "imap-manual.epub"
CARDS_PDF: Final = "imap-principle-cards.pdf"
OFFLINE_ZIP: Final = "imap-manual-offline.zip"  # the whole site, to open from the file system
FORMS: Final = "forms"  # forms/<ID>.pdf
SETTING: Final = "IMAP_EDITIONS"  # "1" in a release's build (read by imap.publishing.generate.editions_published)


@dataclass(frozen=True)
class EditionFile:
    name: str  # under editions/
    label: str  # the link's words in a footer
    what: str  # what the home page says of it


FILES: Final = (
    EditionFile(MANUAL_PDF, "PDF", "the whole manual as PDF (A4), with bookmarks and working cross-references"),
    EditionFile(MANUAL_EPUB, "EPUB", "the whole manual as EPUB 3, for e-readers"),
    EditionFile(CARDS_PDF, "Principle cards", "the principle cards as PDF, one card a page, for printing"),
    EditionFile(
        OFFLINE_ZIP,
        "Offline copy",
        "this whole site as a zip: unpack it and open index.html from your own disk, without a connection "
        "(search included)",
    ),
)


def url(from_path: str, name: str, directory_urls: bool = True) -> str:
    """The address of an edition's file (under editions/) from the page of `from_path` (under docs/)."""
    return relpath(FOLDER, page_folder(from_path, directory_urls)) + "/" + name


def footer_links(is_published: bool) -> list[dict[str, str]]:
    """The editions every page's footer links to, as the theme reads them (addresses from the site's root), or none."""
    return [{"href": f"{FOLDER}/{f.name}", "label": f.label} for f in FILES] if is_published else []


def form_pdf(from_path: str, form_id: str, directory_urls: bool = True) -> str:
    """The address of a form's own PDF from its page."""
    return url(from_path, f"{FORMS}/{form_id}.pdf", directory_urls)


def section(from_path: str, is_published: bool, directory_urls: bool = True) -> str:
    """What the home page says of the editions: links to this version's files, or how to make them."""
    if not is_published:
        return (
            "Each release of the manual is also published as a PDF (A4), an EPUB 3 book, a PDF of the principle "
            "cards (one card a page), a PDF of each form and handout, and an offline copy of the whole site (a zip "
            "to open from your own disk), linked from here and from the foot of every page of the released site. "
            "This copy of the site was not built as a release, so it has none; `make editions` builds them from a "
            "checkout of the manual."
        )
    items = [f'- <a href="{url(from_path, f.name, directory_urls)}">{f.label}</a>: {f.what}.' for f in FILES]
    items.append("- Each form and handout as its own PDF, for printing: linked from the top of the form's page.")
    return "These editions of this version are made from the same content as these pages:\n\n" + "\n".join(items)
