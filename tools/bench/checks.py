"""Section 3 of the benchmark: make check on the largest manual (fresh, after an edit, after a new reference), on the
real manual with each hostile paragraph added, and the citation engine's cost over pandoc alone."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

from imap.model import text_bounds
from imap.reading import frontmatter
from imap.reading.manual_files import CACHE_DIR
from imap.rendering.benchmarks import Figure
from tools import synth
from tools.bench import hostile, stats
from tools.bench.common import (
    ENV,
    ROOT,
    Bench,
    BenchError,
    fresh,
    measured,
)


def _after_edits(bench: Bench, command: list[str], path: Path, appended: str) -> list[float]:
    """Times of `command`, each run after appending `appended` (formatted with the run's number) to the file as it
    was; the file is restored afterwards."""
    original = path.read_text(encoding="utf-8")
    times: list[float] = []
    try:
        for run in range(bench.repeats):
            path.write_text(original + appended.format(run=run), encoding="utf-8")
            times.append(measured(command, ROOT).seconds)
    finally:
        path.write_text(original, encoding="utf-8")
    return times


def bench_check(bench: Bench, scale: int) -> None:
    """Three situations: a fresh checkout (CI, a new clone: nothing parsed yet); an author's loop (edit one
    principle, run `make check` again: only that file is checked again, the rest is kept from the run before); and
    a reference added (every item is checked again against the new set of keys, from the parse cache)."""
    print(f"Check: python -m imap.cli check on the {scale}x manual", flush=True)
    project = bench.work / f"x{scale}"
    if not (project / "manual").exists():
        synth.generate(project, scale)
    command = [sys.executable, "-m", "imap.cli", "--root", str(project), "check"]
    items = sum(1 for _ in (project / "manual").rglob("*.md"))
    cold: list[float] = []
    for _ in range(bench.repeats):
        fresh(project, CACHE_DIR)
        cold.append(measured(command, ROOT).seconds)
    warm = _after_edits(
        bench, command, project / "manual" / "principles" / "P03.md", "\nEdited for the benchmark, run {run}.\n"
    )
    added = _after_edits(
        bench,
        command,
        project / "references.bib",
        "\n@book{{benchmark{run}added,\n  author = {{Doe, Jane}},\n  title = {{Added}},\n  publisher = {{P}},\n"
        "  year = {{2020}}\n}}\n",
    )
    cold_s, warm_s = stats.median(cold), stats.median(warm)
    bench.add(
        Figure(
            f"check.{scale}x.cold",
            "Check",
            f"make check at {scale}x, fresh checkout (no parse cache)",
            cold_s,
            "s",
            "INFO",
            detail=f"{cold_s / items * 1000:.2f} ms per item",
            runs=tuple(cold),
        )
    )
    bench.add(
        Figure(
            f"check.{scale}x",
            "Check",
            f"make check at {scale}x ({items} items) after editing one principle",
            warm_s,
            "s",
            stats.at_most(warm_s, 3.0),
            target="under 3 s",
            detail="the other files' results kept from the run before",
            runs=tuple(warm),
        )
    )
    bench.add(
        Figure(
            f"check.{scale}x.namespace",
            "Check",
            f"make check at {scale}x after adding a reference (every item checked again)",
            stats.median(added),
            "s",
            "INFO",
            detail="the items read back from the parse cache, the bibliography's other entries too",
            runs=tuple(added),
        )
    )


HOSTILE_FILE = "manual/principles/P03.md"


HOSTILE_TARGET = 2.0  # seconds


HOSTILE_LIMIT = 300.0  # seconds one check may take: past it, the text hangs the check (an ERROR naming it)


ALONE = "the manual alone"


# The last line a check writes when it ran to the end: its verdict, or the count of what it found.
_CHECK_DONE = re.compile(r"^(ok: .*|\d+ errors?, \d+ warnings?(?:, \d+ notes?)?)$")


def check_finished(stderr: str) -> bool:
    """Whether a check's error output ends as a check that ran to the end ends (not with a traceback)."""
    lines = stderr.strip().splitlines()
    return bool(lines) and _CHECK_DONE.match(lines[-1].strip()) is not None


def worst_text(times: dict[str, list[float]]) -> tuple[str, float]:
    """The text whose check took longest (by the median of its runs), and that median; the manual alone aside."""
    medians = {name: stats.median(runs) for name, runs in times.items() if name != ALONE}
    if not medians:
        raise BenchError("no hostile text was measured")
    name = max(medians, key=lambda n: medians[n])
    return name, medians[name]


def bench_hostile(bench: Bench, texts: dict[str, str] | None = None) -> None:
    """`make check` on a copy of the real manual, fresh checkout (no parse cache), with each hostile paragraph
    (tools/bench/hostile.py: the adversarial texts, and texts just inside each bound of imap.model.sanitize.too_complex)
    added in turn to one principle's body, before its first `## ` heading; the slowest is the figure. Every round
    checks the manual alone and with each text, so that a drift of the machine's speed reaches them all alike. A
    check may report errors (a text past a bound is refused, `text.too-complex`): it must only run to the end."""
    print(
        f"Check: python -m imap.cli check on the real manual, a hostile paragraph added to {HOSTILE_FILE}", flush=True
    )
    project = synth.generate(bench.work / "hostile", 1)
    path = project / HOSTILE_FILE
    original = path.read_text(encoding="utf-8")
    texts = hostile.texts_for(original) if texts is None else texts
    sources = {ALONE: original, **{name: hostile.add_to_item(original, text) for name, text in texts.items()}}
    refused = {name for name, source in sources.items() if _refused(source)}
    command = [sys.executable, "-m", "imap.cli", "--root", str(project), "check"]
    times: dict[str, list[float]] = {name: [] for name in sources}
    try:
        for round_number in range(bench.repeats):
            for name, source in sources.items():
                path.write_text(source, encoding="utf-8")
                fresh(project, CACHE_DIR)
                try:
                    run = measured(command, ROOT, limit=min(bench.timeout, HOSTILE_LIMIT), accept=(0, 1))
                except BenchError as exc:
                    raise BenchError(f"make check failed with the hostile text {name!r}: {exc}") from exc
                if not check_finished(run.stderr):
                    raise BenchError(f"make check did not finish with the hostile text {name!r}: {run.stderr[-500:]}")
                times[name].append(run.seconds)
                print(f"  round {round_number + 1}, {name}: {run.seconds:.2f} s", flush=True)
    finally:
        path.write_text(original, encoding="utf-8")
    alone_s = stats.median(times[ALONE])
    worst, worst_s = worst_text(times)
    how = "refused before rendering" if worst in refused else "rendered"
    bench.add(
        Figure(
            "check.hostile.alone",
            "Check",
            "make check on the real manual, fresh checkout (no parse cache)",
            alone_s,
            "s",
            "INFO",
            detail="the baseline of the next figure",
            runs=tuple(times[ALONE]),
        )
    )
    bench.add(
        Figure(
            "check.hostile",
            "Check",
            "make check on the real manual with the worst hostile paragraph added (fresh checkout)",
            worst_s,
            "s",
            stats.at_most(worst_s, HOSTILE_TARGET),
            target=f"under {HOSTILE_TARGET:g} s",
            detail=f"the worst of {len(texts)} texts: {worst!r} ({how}), "
            f"{worst_s - alone_s:+.2f} s over the manual alone",
            runs=tuple(times[worst]),
        )
    )
    slowest = sorted((n for n in times if n != ALONE), key=lambda n: -stats.median(times[n]))[:3]
    listed = "; ".join(f"{n!r} {stats.median(times[n]):.2f} s" for n in slowest)
    bench.notes.append(f"Hostile paragraphs in {HOSTILE_FILE}, the slowest checks: {listed}.")


def _refused(item_text: str) -> bool:
    """Whether a check refuses the item's body before rendering it (past a bound of text_bounds.too_complex)."""
    split, _ = frontmatter.split(HOSTILE_FILE, item_text)
    return split is not None and text_bounds.too_complex(split.body) is not None


CITATION_SIZES = (200, 1000, 2000)


CITATION_OVERHEAD = 0.20  # the project's time over pandoc's alone on the same file


_FORMAT_PROGRAM = """
import sys, time
from pathlib import Path
from imap.reading import bibliography
from imap.citing import citeproc
text = Path(sys.argv[1]).read_text(encoding="utf-8")
start = time.perf_counter()
with citeproc.Pending(text) as engine:  # as imap.checking.project.load_references does
    references, problems = bibliography.load("references.bib", text)
    result = engine.result(references)
print(time.perf_counter() - start)
assert len(result.formatted) == len(references), [p.format() for p in result.problems][:3]
"""


def _formatting_seconds(bib: Path) -> float:
    """The project's time to read, check and format a bibliography (no cache), timed inside a fresh process: the
    same work as a cold build does, without the interpreter's start-up, which pandoc alone does not pay either."""
    done = subprocess.run(
        [sys.executable, "-c", _FORMAT_PROGRAM, str(bib)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"formatting {bib.name} failed: {done.stderr.strip()[-600:]}")
    return float(done.stdout.strip().splitlines()[-1])


def bench_citations(bench: Bench) -> None:
    """Formatting time of synthetic bibliographies (the manual's entry-type mix, unique authors and titles) with the
    project (its checks, its one pandoc run with the fix-ups and the work around it, no cache) against pandoc alone
    formatting the same file once."""
    from imap.citing import pandoc
    from tools.bench import bibmix

    model = ROOT / "references.bib"
    style = ROOT / "imap" / "citing" / "styles" / "apa.csl"
    sizes = CITATION_SIZES[:1] if bench.quick else CITATION_SIZES
    previous: tuple[int, float] | None = None
    for size in sizes:
        bib = bibmix.write(size, model, bench.work / f"bench-{size}.bib")
        document = bench.work / "nocite.md"
        document.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
        alone = [
            measured(
                [str(pandoc.executable()), str(document), "--citeproc", "--bibliography", str(bib), "--csl",
                 str(style), "-t", "html", "-o", os.devnull],
                ROOT,
            ).seconds
            for _ in range(bench.repeats)
        ]  # fmt: skip
        ours = [_formatting_seconds(bib) for _ in range(bench.repeats)]
        alone_s, ours_s = statistics.median(alone), statistics.median(ours)
        over = ours_s / alone_s - 1
        bench.add(
            Figure(f"citations.{size}.pandoc", "Citations", f"pandoc alone, {size} references", alone_s, "s", "INFO",
                   runs=tuple(alone))
        )  # fmt: skip
        bench.add(
            Figure(
                f"citations.{size}.project",
                "Citations",
                f"The project, {size} references",
                ours_s,
                "s",
                "PASS" if over <= CITATION_OVERHEAD else "FAIL",
                target=f"at most {CITATION_OVERHEAD:.0%} over pandoc alone",
                detail=f"{over:+.0%} over pandoc alone (reading, the checks and the one pandoc run)",
                runs=tuple(ours),
            )
        )
        if previous is not None:
            growth = ours_s / previous[1]
            bench.add(
                Figure(f"citeproc.growth.{previous[0]}-{size}", "Citations",
                       f"Growth {previous[0]} → {size} references", growth, "x", "INFO",
                       detail=f"{size / previous[0]:.0f}× the references")
            )  # fmt: skip
        previous = (size, ours_s)
