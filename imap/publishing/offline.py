"""The offline edition: the whole site to open from one's own disk (file://), search included, packed as a zip.

It is a build of the site without directory URLs (each page is a file, such as manual/principles/P03.html) with
Material's offline plugin on, which writes the search index as a script a page can load from the file system
(`make offline` sets IMAP_OFFLINE=true). What that build leaves for a server to resolve is finished here: the links
the engine writes as HTML (tables, maps, cards, citations) and the forwarding pages' targets name folders (`../P03/`),
which a browser shows from the file system as a listing; each is pointed at the page's file. Every relative address
must then lead to a file of the edition, or no edition is made. The zip is byte-identical for the same site: sorted
entries, one date (SOURCE_DATE_EPOCH), fixed permissions.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from imap.publishing.editions import EditionError, source_date
from imap.rendering.edition_links import OFFLINE_ZIP

SEARCH_SCRIPT: Final = "search/search_index.js"  # what the offline plugin writes
# An address in an attribute a browser follows (a link, a script, a picture, a stylesheet) or a forwarding page's
# target. Linear: one pass, no nested repetition.
_ADDRESS: Final = re.compile(r'(?P<before>\b(?:href|src)="|http-equiv="refresh" content="\d+; ?url=)(?P<url>[^"]*)"')
_EXTERNAL: Final = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#|$)")
_ZIP_EPOCH: Final = 315532800  # 1980-01-01, the earliest date a zip entry can carry


# The shim that lets the search worker run from the file system, vendored (make vendor): Material's offline plugin
# names a copy on a CDN, which an offline edition cannot reach and a page must never load.
IFRAME_WORKER: Final = "assets/vendor/iframe-worker.js"


def local_polyfills(polyfills: list[str]) -> list[str]:
    """The theme's polyfill scripts with the search worker shim taken from the site itself."""
    return [IFRAME_WORKER if "iframe-worker" in str(url) else url for url in polyfills]


def finish(site: Path) -> list[str]:
    """Point every relative address of the offline build's pages at a file. Returns the addresses that lead to no
    file (as "page: address"), which must be none. Raises EditionError when the site is not an offline build."""
    if not (site / SEARCH_SCRIPT).is_file() or not (site / "index.html").is_file():
        raise EditionError(f"{site}: not an offline build of the site (run make offline)")
    # The page a server shows for an address it does not have: a file system shows its own, and its links are from the
    # root of a server.
    (site / "404.html").unlink(missing_ok=True)
    missing: list[str] = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        changed = _ADDRESS.sub(_pointer(site, page, missing), text)
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    return missing


def _pointer(site: Path, page: Path, missing: list[str]) -> Callable[[re.Match[str]], str]:
    here = page.parent.relative_to(site).as_posix()

    def point(match: re.Match[str]) -> str:
        return match["before"] + _to_file(site, here, match["url"], page, missing) + '"'

    return point


def _to_file(site: Path, here: str, url: str, page: Path, missing: list[str]) -> str:
    """`url` (relative to the folder `here`) pointed at a file: a folder's index.html, or the page file a folder
    address stands for (P03/ is P03.html). A link an author wrote for the site (a folder address relative to the
    page's own folder address, P01/ for P01.html) is read that way when it leads nowhere read from the file."""
    if _EXTERNAL.match(url):
        return url
    where = page.relative_to(site).as_posix()
    if url.startswith("/"):  # from the root of a server, which a file has not
        missing.append(f"{where}: {url} (an address from the server's root)")
        return url
    path, mark, rest = url.partition("#") if "#" in url else url.partition("?")
    bases = [here] if page.name == "index.html" else [here, posixpath.join(here, page.stem)]
    for base in bases:
        target = posixpath.normpath(posixpath.join(base, path)) if path else base
        if target == ".." or target.startswith("../"):
            continue
        found = _file_for(site, target)
        if found == target and base == here:
            return url
        if found:
            return posixpath.relpath(found, here or ".") + (mark + rest if mark else "")
    missing.append(f"{where}: {url} (built from the page's source in manual/ or docs/)")
    return url


def _file_for(site: Path, target: str) -> str:
    """The file of the edition an address (normalised, relative to the edition's root) stands for, or ""."""
    candidates = [target, f"{target}/index.html"] + ([f"{target}.html"] if target not in (".", "") else [])
    return next((c.removeprefix("./") for c in candidates if (site / c).is_file()), "")


def pack(site: Path, target: Path, folder: str) -> Path:
    """The offline build as a zip whose entries sit under `folder`/ (so that it unpacks into one folder)."""
    when = datetime.datetime.fromtimestamp(max(source_date().timestamp(), _ZIP_EPOCH), datetime.UTC)
    stamp = when.timetuple()[:6]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted((p for p in site.rglob("*") if p.is_file()), key=lambda p: p.relative_to(site).as_posix()):
            entry = zipfile.ZipInfo(f"{folder}/{path.relative_to(site).as_posix()}", date_time=stamp)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return target


def build(site: Path, out: Path, version: str) -> Path:
    """Finish the offline build in `site` and write it to `out`/imap-manual-offline.zip. Raises EditionError when an
    address would lead nowhere from the file system."""
    missing = finish(site)
    if missing:
        listed = "\n  ".join(missing[:20])
        raise EditionError(f"{len(missing)} address(es) of the offline edition lead to no file:\n  {listed}")
    return pack(site, out / OFFLINE_ZIP, f"imap-manual-{version}")
