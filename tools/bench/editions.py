"""Section 7 of the benchmark, the editions: `python -m imap editions` on the real manual's built site, each
edition's build time (as the command reports it) and size. Targets (issue 27): the whole-manual PDF in under 15 s and
under 5 MB. The EPUB is made beside the PDF (pandoc in its own process while Typst sets the PDF), so the PDF's time
is measured with that work running too, as `make editions` runs it."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from imap.rendering.benchmarks import Figure
from imap.rendering.edition_links import CARDS_PDF, FORMS, MANUAL_EPUB, MANUAL_PDF
from tools.bench import stats
from tools.bench.common import Bench, BenchError, fresh, measured, real_site

SECTION = "Editions"
PDF_SECONDS = 15.0
PDF_MB = 5.0
# What the command prints for each file: "<path>: <size> MB in <seconds> s".
_MADE = re.compile(r"^(?P<path>\S+): (?P<mb>[\d.]+) MB in (?P<seconds>[\d.]+) s$", re.MULTILINE)


def bench_editions(bench: Bench) -> None:
    print("Editions: the manual as PDF and EPUB, the cards and the forms, from the built site", flush=True)
    site = real_site(bench)
    out = bench.work / "editions"
    seconds: dict[str, list[float]] = defaultdict(list)
    sizes: dict[str, float] = {}
    walls: list[float] = []
    for _ in range(bench.repeats):
        fresh(bench.work, "editions")
        run = measured([sys.executable, "-m", "imap", "editions", str(site), str(out)], site.parent)
        walls.append(run.seconds)
        for found in _MADE.finditer(run.stderr):
            name = Path(found["path"]).relative_to(out).as_posix()
            seconds[name].append(float(found["seconds"]))
            sizes[name] = (out / name).stat().st_size / 1e6
    if MANUAL_PDF not in sizes:
        raise BenchError("the editions command reported no manual PDF")
    pdf_time, pdf_size = stats.median(seconds[MANUAL_PDF]), sizes[MANUAL_PDF]
    bench.add(
        Figure(
            "editions.manual_pdf.seconds",
            SECTION,
            "Whole-manual PDF: build time (pandoc, Typst, packing), with the EPUB made beside it",
            pdf_time,
            "s",
            stats.at_most(pdf_time, PDF_SECONDS),
            target=f"under {PDF_SECONDS:.0f} s",
            runs=tuple(seconds[MANUAL_PDF]),
        )
    )
    bench.add(
        Figure(
            "editions.manual_pdf.size",
            SECTION,
            "Whole-manual PDF: size",
            pdf_size,
            "MB",
            stats.at_most(pdf_size, PDF_MB),
            target=f"under {PDF_MB:.0f} MB",
        )
    )
    forms = [name for name in sizes if name.startswith(FORMS + "/")]
    others = (
        (MANUAL_EPUB, "Whole-manual EPUB", seconds[MANUAL_EPUB], sizes.get(MANUAL_EPUB)),
        (CARDS_PDF, "Principle cards PDF", seconds[CARDS_PDF], sizes.get(CARDS_PDF)),
        (
            FORMS,
            f"The {len(forms)} forms' PDFs, together",
            [sum(runs) for runs in zip(*(seconds[name] for name in forms), strict=True)],
            sum(sizes[name] for name in forms),
        ),
    )
    for key, words, runs, size in others:
        slug = re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")
        if runs:
            bench.add(
                Figure(f"editions.{slug}.seconds", SECTION, f"{words}: build time", stats.median(runs), "s", "INFO")
            )
        if size is not None:
            bench.add(Figure(f"editions.{slug}.size", SECTION, f"{words}: size", size, "MB", "INFO"))
    bench.add(
        Figure(
            "editions.all.seconds",
            SECTION,
            "Every edition, one command (python -m imap editions), wall time",
            stats.median(walls),
            "s",
            "INFO",
            runs=tuple(walls),
        )
    )
