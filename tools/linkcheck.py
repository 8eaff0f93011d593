"""Check every internal link and anchor of a built site with LinkChecker, serving the site on localhost.

    python -m tools.linkcheck [SITE_DIR]

LinkChecker cannot check anchors of directory URLs over file://, so the site is served over HTTP, as readers
meet it. Any error or warning fails the check.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
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
    return ok, result.stdout


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
