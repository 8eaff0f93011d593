"""Check every internal link and anchor of a built site: the links with LinkChecker, serving the site on localhost;
the anchors in one pass over the built files.

    python -m tools.linkcheck [SITE_DIR]

LinkChecker cannot check anchors of directory URLs over file://, so the site is served over HTTP, as readers
meet it. Any error or warning fails the check.

LinkChecker checks every page it reaches and every link on it. Its own anchor check treats each `page#anchor` as a
URL of its own, fetched and parsed again: with thousands of citations pointing into the bibliography and the print
edition, that took over four minutes, against eight seconds without it. So anchors are checked here instead, each
page parsed once: every `href` with a fragment that leads to a page of the site must name an `id` (or an `<a name>`)
on that page. Links LinkChecker skips (linkcheckerrc's `ignore`) are skipped here too.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
import re
import subprocess
import sys
import threading
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "linkcheckerrc"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # LinkChecker throttles to 10 requests a second unless the server opts in with this header.
        self.send_header("LinkChecker", "allow")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # LinkChecker may close a connection before a large page is sent; that is not a finding, and the traceback
        # the server would print for it hides the check's report. Anything else is still printed.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def check(site: Path) -> tuple[bool, str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    with _Server(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            result = subprocess.run(
                [sys.executable, "-m", "linkcheck", "-f", str(CONFIG), "--no-status", url],
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            server.shutdown()
    summary = re.search(r"(\d+) warnings? found\. (\d+) errors? found", result.stdout)
    ok = result.returncode == 0 and summary is not None and summary.groups() == ("0", "0")
    missing = missing_anchors(site)
    report = result.stdout
    if missing:
        report += f"\n{len(missing)} anchors not found:\n" + "\n".join(missing) + "\n"
    return ok and not missing, report


class _Anchors(HTMLParser):
    """The anchors a page defines (every id, and name on <a>) and the links it makes (href on a, area and link)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name == "href" and tag in ("a", "area", "link"):
                self.links.append((value, self.getpos()[0]))


def _ignored() -> list[re.Pattern[str]]:
    """linkcheckerrc's `ignore` patterns, as written for http://127.0.0.1:<port>/ addresses."""
    text = CONFIG.read_text(encoding="utf-8")
    block = text.split("\nignore=\n", 1)[1] if "\nignore=\n" in text else ""
    patterns = []
    for line in block.splitlines():
        if not line.startswith((" ", "\t")) or not line.strip():
            break
        patterns.append(re.compile(line.strip()))
    return patterns


def missing_anchors(site: Path) -> list[str]:
    """Every link with a fragment, on any page of the site, whose target page has no such anchor:
    `<page>:<line>: <href>`. Pages are parsed once each."""
    pages: dict[str, _Anchors] = {}
    for path in sorted(site.rglob("*.html")):
        parser = _Anchors()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        pages[path.relative_to(site).as_posix()] = parser
    ignored = _ignored()
    missing: list[str] = []
    for name, page in pages.items():
        here = "/" + (name[: -len("index.html")] if name.endswith("index.html") else name)
        for href, line in page.links:
            parts = urllib.parse.urlsplit(href)
            if not parts.fragment or parts.scheme or parts.netloc or parts.fragment.startswith(":~:"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), parts.path)) if parts.path else here
            if parts.path.endswith("/") or (not parts.path and here.endswith("/")):
                target = target.rstrip("/") + "/"
            if any(pattern.search(f"http://127.0.0.1:0{target}") for pattern in ignored):
                continue
            key = target.lstrip("/")
            key = key + "index.html" if key.endswith("/") or not key else key
            if key not in pages and f"{key}/index.html" in pages:
                key = f"{key}/index.html"
            anchors = pages.get(key)
            if anchors is None:
                continue  # a page that does not exist: LinkChecker reports the link
            if urllib.parse.unquote(parts.fragment) not in anchors.ids:
                missing.append(f"{name}:{line}: {href}")
    return missing


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    site = Path(args[0] if args else "site")
    if not (site / "index.html").exists():
        print(f"{site}: error: no built site here (run make build first)", file=sys.stderr)
        return 2
    ok, report = check(site)
    lines = report.strip().splitlines()
    print("\n".join(lines if not ok else lines[-3:]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
