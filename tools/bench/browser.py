"""Section 5 of the benchmark, in Chromium: a principle page's weight with an empty cache, and the crisis and
medicine-session chapters on a throttled phone profile."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from imap.rendering.benchmarks import Figure
from tools.bench import stats
from tools.bench.common import (
    Bench,
    BenchError,
    _Quiet,
    chromium,
    real_site,
)

PAGE_URL = "manual/principles/P03/"


def page_weight(site: Path) -> tuple[int, int, int, int]:
    """Bytes transferred, requests, requests to other hosts, and the bytes had the server compressed them, for a
    principle page opened with an empty cache."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        requests: list[tuple[str, int]] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = context.new_page()

            def finished(request: object) -> None:
                sizes = request.sizes()  # type: ignore[attr-defined]
                requests.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))  # type: ignore[attr-defined]

            page.on("requestfinished", finished)
            page.on("requestfailed", lambda request: requests.append((request.url, 0)))
            page.goto(base + PAGE_URL, wait_until="networkidle")
            context.close()
            browser.close()
        server.shutdown()
    third_party = sum(1 for url, _ in requests if not url.startswith(base) and not url.startswith("data:"))
    compressed = sum(gzipped_size(site, url.removeprefix(base)) for url, _ in requests if url.startswith(base))
    return sum(size for _, size in requests), len(requests), third_party, compressed


def gzipped_size(site: Path, path: str) -> int:
    """The size of a site file compressed as static hosts send text (gzip), for the same request."""
    target = site / urllib.parse.unquote(path.split("#", 1)[0].split("?", 1)[0])
    if target.is_dir():
        target = target / "index.html"
    return len(gzip.compress(target.read_bytes(), compresslevel=6)) if target.is_file() else 0


def bench_weight(bench: Bench) -> None:
    print("Page weight: a principle page with an empty cache (Chromium)", flush=True)
    site = real_site(bench)
    runs = [page_weight(site) for _ in range(bench.repeats)]
    total_kb = stats.median([r[0] / 1024 for r in runs])
    count = stats.median([r[1] for r in runs])
    third = max(r[2] for r in runs)
    html_kb = (site / PAGE_URL / "index.html").stat().st_size / 1024
    bench.add(
        Figure(
            "weight.bytes",
            "Page weight",
            "Principle page P03, everything fetched, uncompressed",
            total_kb,
            "KB",
            "INFO",
            detail=f"from a server that does not compress; of which the HTML {html_kb:.0f} KB",
            runs=tuple(r[0] / 1024 for r in runs),
        )
    )
    gzip_kb = stats.median([r[3] / 1024 for r in runs])
    bench.add(
        Figure(
            "weight.gzip",
            "Page weight",
            "Principle page P03, everything transferred (gzip)",
            gzip_kb,
            "KB",
            stats.at_most(gzip_kb, 500),
            target="under 500 KB",
            detail="as GitHub Pages, where the manual is published, and most static hosts send it (gzip level 6)",
            runs=tuple(r[3] / 1024 for r in runs),
        )
    )
    bench.add(
        Figure(
            "weight.requests",
            "Page weight",
            "Requests for that page",
            count,
            "requests",
            "INFO",
            runs=tuple(float(r[1]) for r in runs),
        )
    )
    bench.add(
        Figure(
            "weight.third-party",
            "Page weight",
            "Requests to other hosts",
            float(third),
            "requests",
            stats.at_most(third, 0),
            target="none",
        )
    )
    index_kb = (site / "search" / "search_index.json").stat().st_size / 1024
    bench.add(
        Figure(
            "weight.search-index",
            "Page weight",
            "Search index (fetched when the page opens)",
            index_kb,
            "KB",
            "INFO",
            detail="site/search/search_index.json",
        )
    )


PHONE_PAGES = ("manual/chapters/C16/", "manual/chapters/C07/", "manual/principles/P03/", "", "print_page/")


PHONE_TARGET = 3.0  # seconds


JS_LIMIT_KB = 500.0


_LCP = """() => new Promise(resolve => {
  new PerformanceObserver(list => { const e = list.getEntries(); resolve(e[e.length - 1].startTime / 1000); })
    .observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => resolve(null), 30000);
})"""


def phone_figures(site: Path, page_path: str) -> tuple[float, float, float]:
    """On a throttled phone (390x844, 1.6 Mbit/s, 150 ms latency, CPU four times slower) with an empty cache: the
    Largest Contentful Paint, the time until the first decision guide's list is visible (0 when the page has none),
    and the kilobytes of JavaScript the page loads."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        scripts: list[int] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8},
            )
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})

            def finished(request: Any) -> None:
                if request.resource_type == "script":
                    sizes = request.sizes()
                    scripts.append(sizes["responseBodySize"])

            page.on("requestfinished", finished)
            start = time.perf_counter()
            page.goto(base + page_path, wait_until="commit")
            guide = 0.0
            if page_path in PHONE_PAGES[:2]:
                # The guide's numbered steps (kept together in a division of class imap-keep), before its drawing.
                page.locator(".imap-keep > ol").first.wait_for(state="visible", timeout=60000)
                guide = time.perf_counter() - start
            page.wait_for_load_state("load", timeout=120000)
            lcp = page.evaluate(_LCP)
            page.wait_for_load_state("networkidle", timeout=120000)
            context.close()
            browser.close()
        server.shutdown()
    return float(lcp or 0.0), guide, sum(scripts) / 1024


def bench_phone(bench: Bench) -> None:
    print("Phone: the crisis guides and other pages on a throttled phone profile (Chromium)", flush=True)
    from playwright.sync_api import Error as PlaywrightError

    site = real_site(bench)
    for page_path in PHONE_PAGES:
        try:
            runs = [phone_figures(site, page_path) for _ in range(max(1, min(bench.repeats, 3)))]
        except PlaywrightError as exc:  # a page that never showed what is measured: an ERROR figure, not a crash
            raise BenchError(f"{page_path or 'home/'}: {str(exc).splitlines()[0]}") from exc
        name = page_path or "home/"
        lcp = stats.median([r[0] for r in runs])
        bench.add(
            Figure(f"phone.{name}lcp", "Phone", f"{name}: Largest Contentful Paint", lcp, "s",
                   stats.at_most(lcp, PHONE_TARGET) if page_path in PHONE_PAGES[:2] else "INFO",
                   target=f"under {PHONE_TARGET:.0f} s" if page_path in PHONE_PAGES[:2] else "",
                   runs=tuple(r[0] for r in runs))
        )  # fmt: skip
        if page_path in PHONE_PAGES[:2]:
            shown = stats.median([r[1] for r in runs])
            bench.add(
                Figure(f"phone.{name}guide", "Phone", f"{name}: the decision list in the page", shown, "s",
                       stats.at_most(shown, PHONE_TARGET), target=f"under {PHONE_TARGET:.0f} s",
                       runs=tuple(r[1] for r in runs))
            )  # fmt: skip
        script_kb = max(r[2] for r in runs)
        bench.add(
            Figure(f"phone.{name}js", "Phone", f"{name}: JavaScript loaded", script_kb, "KB",
                   stats.at_most(script_kb, JS_LIMIT_KB), target=f"at most {JS_LIMIT_KB:.0f} KB")
        )  # fmt: skip
