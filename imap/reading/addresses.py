"""Permanent addresses: /id/<ID>/ for every item and hypothesis, whatever its title or file, and the registry of
every address the site has ever published (addresses.txt), which must keep resolving."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from imap.model.diagnostics import Diagnostic, Location, error
from imap.model.items import Kind
from imap.model.manual import Manual
from imap.model.paths import relpath
from imap.model.vocab import ID_NUMBER, ID_SCHEME, ITEM_LETTERS, is_id, shown_id
from imap.reading import frontmatter, inputs

REGISTRY = "addresses.txt"
ID_PREFIX = "id/"
_ITEM_ADDRESS = re.compile(rf"manual/([a-z]+)/([{ITEM_LETTERS}]{ID_NUMBER})(?:-[^/]*)?/")


@dataclass(frozen=True)
class Redirect:
    source: str  # the address, relative to the site root, ending in /
    target: str  # the page it leads to, relative to the site root, optionally with #anchor
    label: str


def permanent_redirects(manual: Manual) -> list[Redirect]:
    """One redirect per item (to its page) and per hypothesis (to its section on its principle's page)."""
    redirects = [Redirect(f"{ID_PREFIX}{item.id}/", item.url, item.label) for item in manual.items + manual.retired]
    for hypothesis in manual.hypotheses.values():
        principle = manual.by_id[hypothesis.principle]
        redirects.append(
            Redirect(f"{ID_PREFIX}{hypothesis.id}/", f"{principle.url}#{hypothesis.id.lower()}", hypothesis.id)
        )
    return sorted(redirects, key=lambda r: r.source)


def redirect_page(redirect: Redirect) -> str:
    """A small page that forwards at once, keeping any #section of the address, and works without JavaScript."""
    page, _, anchor = redirect.target.partition("#")
    relative = relpath(page, redirect.source) + "/"
    target = f"{relative}#{anchor}" if anchor else relative
    quoted = html.escape(target, quote=True)
    label = html.escape(redirect.label)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{label}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={quoted}">\n'
        f'<link rel="canonical" href="{quoted}">\n'
        '<meta name="robots" content="noindex">\n'
        "<script>\n"
        f'var target = "{quoted}";\n'
        "if (location.hash && target.indexOf('#') < 0) { target += location.hash; }\n"
        "location.replace(target);\n"
        "</script>\n"
        "</head>\n<body>\n"
        f'<p>This is the permanent address of <a href="{quoted}">{label}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def moved_redirects(manual: Manual, registry: list[str]) -> list[Redirect]:
    """Registered addresses of item pages whose file has since been renamed (manual/principles/P03/ when the file is
    now P03-tolerable-arousal.md): each leads to the item's page as it is now."""
    items = {item.id: item for item in manual.items + manual.retired}
    redirects: list[Redirect] = []
    for address in registry:
        match = _ITEM_ADDRESS.fullmatch(address)
        item = items.get(match.group(2)) if match else None
        if item is not None and item.url != address and Kind.from_folder(match.group(1) if match else "") is item.kind:
            redirects.append(Redirect(address, item.url, item.label))
    return redirects


def write_redirects(manual: Manual, site_dir: Path, registry: list[str] | None = None) -> list[str]:
    """The /id/ pages, and a forwarding page at every registered address of an item page that has moved."""
    written: list[str] = []
    for redirect in permanent_redirects(manual) + moved_redirects(manual, registry or []):
        path = site_dir / redirect.source / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(redirect_page(redirect), encoding="utf-8")
        written.append(redirect.source)
    return written


def read_registry(root: Path) -> list[str]:
    """The registered addresses ([] when there is no registry, or it cannot be read: load_registry says why)."""
    return load_registry(root)[0]


def load_registry(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """The registered addresses, in the file's order, and the registry's problems: a file that cannot be read, and
    an address of an item (id/<ID>/, manual/<folder>/<ID>[-words]/) whose ID breaks the scheme."""
    data, problems = inputs.read_input(root, REGISTRY)
    text, more = frontmatter.decode(REGISTRY, data) if data is not None else (None, [])
    if text is None:
        return [], problems + more
    registry: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        address = line.strip()
        if not address or address.startswith("#"):
            continue
        registry.append(address)
        written = _written_id(address)
        if written is not None and not is_id(written):
            problems.append(
                error(
                    Location(REGISTRY, number),
                    "id.malformed",
                    f"the address '{shown_id(address, 60)}' names '{shown_id(written)}', which is not an ID of the "
                    "scheme",
                    ID_SCHEME,
                )
            )
    return registry, problems


def _written_id(address: str) -> str | None:
    """The ID an address of an item names (id/P03/, manual/principles/P03-words/), as written, or None."""
    parts = address.rstrip("/").split("/")
    if len(parts) == 2 and parts[0] == ID_PREFIX.rstrip("/"):
        return parts[1]
    if len(parts) == 3 and parts[0] == "manual" and Kind.from_folder(parts[1]) is not None:
        return parts[2].split("-", 1)[0]
    return None


def published_addresses(site_dir: Path) -> list[str]:
    """Every page address of a built site (directory URLs), relative to its root: '' for the home page."""
    pages = sorted(p.parent.relative_to(site_dir).as_posix() for p in site_dir.rglob("index.html"))
    return ["" if page == "." else page + "/" for page in pages if not page.startswith(("assets", "search"))]


def unresolved(registry: list[str], site_dir: Path) -> list[str]:
    """Registered addresses that the built site no longer serves."""
    return [address for address in registry if not (site_dir / address / "index.html").is_file()]


def version_path(version: str) -> str:
    """The folder of a released version on the published site: MAJOR.MINOR (a patch release replaces it in place,
    as patches change no guidance), e.g. '0.2' for 0.2.1."""
    return ".".join(version.split(".")[:2])
