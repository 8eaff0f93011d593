"""`make bench` (python -m tools.bench): measure the build, its scaling, `make check`, the live preview, page weight,
the Zensical canary and `make test` on a fresh clone; print every figure with its ratio and target; write
docs/benchmarks/results.json.

    python -m tools.bench                 everything, 5 runs per figure (about 75 minutes on two cores)
    python -m tools.bench --repeats 3     fewer runs
    python -m tools.bench --quick         one run each, scales 1x and 2x, no Zensical: a smoke test of the bench
    python -m tools.bench --only build,check
    python -m tools.bench --only hostile  make check with each hostile paragraph added (a few minutes)
    python -m tools.bench --only test     make test on a fresh clone of the current commit (about five minutes a run)

Every figure is the median of its runs; every target is a ratio to a baseline measured in the same run. The full
build and the live preview are compared with plain Material for MkDocs in pairs of runs made back to back (which of
the two goes first alternates), and judged by the median of the pairs' ratios, so that a machine whose speed drifts
slows both runs of a pair alike.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gzip
import html
import http.server
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from imap.model import text_bounds
from imap.reading import frontmatter
from imap.reading.manual_files import CACHE_DIR
from imap.rendering.benchmarks import RESULTS_FILE, Figure, Results, format_value, load_results, to_json
from tools import synth
from tools.bench import hostile, stats, testrun

ROOT = Path(__file__).resolve().parents[2]
# The newest Zensical whose dependencies the package index reachable from the benchmark machine has: 0.0.74 and
# later depend on zensical-ui, which is not on it.
ZENSICAL = "zensical==0.0.73"
ZENSICAL_VENV = ROOT / ".bench-venv"
LIVE_FILE = "manual/principles/P03.md"
LIVE_URL = "manual/principles/P03/"
PAGE_URL = "manual/principles/P03/"
SECTIONS = ("build", "scale", "check", "hostile", "citations", "live", "weight", "phone", "zensical", "test")
LARGEST_RUNS = 3  # builds of the largest synthetic manual (100x: about a quarter of an hour each on two cores)
PACKAGES = ("mkdocs", "properdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "pypandoc-binary")
# Every run keeps Python's compiled bytecode, as a build on an author's or CI's machine does (some machines, this
# benchmark's among them, turn that off in their environment): otherwise each build with the macros would also pay
# for compiling the project's own code, which the installed packages of the plain build never do.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "NO_MKDOCS_2_WARNING": "1"}

# Runs a command as its only child and reports its wall time and peak memory (the child's maximum resident set).
_WRAPPER = """
import json, resource, subprocess, sys, time
limit = float(sys.argv[1])
start = time.perf_counter()
try:
    done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=limit)
    rc, stderr = done.returncode, done.stderr[-3000:]
except subprocess.TimeoutExpired:
    rc, stderr = -1, f"did not finish within {limit:.0f} s (stopped)"
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_kb": rss, "rc": rc, "stderr": stderr}))
"""
TIMEOUT = 1800.0  # seconds one measured command may take


class BenchError(Exception):
    """A measurement that could not be made; reported as an ERROR figure."""


@dataclass
class Run:
    seconds: float
    rss_mb: float
    stderr: str = ""  # its last 3,000 characters


@dataclass
class Bench:
    work: Path
    repeats: int
    quick: bool
    pairs: int = 21  # runs of each build for the two comparisons with plain Material (full build, live preview)
    timeout: float = TIMEOUT
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        value = format_value(figure.value, figure.unit)
        target = f"  target: {figure.target}" if figure.target else ""
        detail = f"  ({figure.detail})" if figure.detail else ""
        print(f"  {figure.status:5} {figure.name}: {value}{detail}{target}", flush=True)


def measured(
    command: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    limit: float = TIMEOUT,
    accept: tuple[int, ...] = (0,),
) -> Run:
    """Run a command in a fresh process; its wall time and peak memory. An exit status not in `accept` (a failure)
    raises BenchError."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(limit), *command],
        cwd=cwd,
        env=env or ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError) as exc:
        raise BenchError(f"{command[0]}: no report ({done.stderr.strip()[-500:]})") from exc
    if report["rc"] not in accept:
        stderr = report["stderr"].strip()
        errors = [line.strip() for line in stderr.splitlines() if "Error:" in line]
        headline = f"{errors[-1]}\n" if errors else ""  # a traceback's last line says what went wrong
        raise BenchError(f"{' '.join(command[:4])} failed: {headline}{stderr[-800:]}")
    return Run(seconds=report["seconds"], rss_mb=report["rss_kb"] / 1024, stderr=report["stderr"])


def mkdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", *args]


def fresh(project: Path, *names: str) -> None:
    for name in names:
        path = project / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


# ---------------------------------------------------------------------------------------------------------------
# 1. Full build, with the macros and plain


def make_plain(project: Path) -> Path:
    """Write the project's pages as plain files with the engine-neutral generator (`python -m imap generate`), into
    plain-docs/, and plain.yml, the generated configuration reading them: plain Material for MkDocs, with the site's
    sanitiser hooks and without the adapter, builds the same site from them. Returns the plain configuration."""
    tree = project / "plain-tree"
    fresh(project, "plain-docs", "plain-tree")
    generate = [sys.executable, "-m", "imap", "--root", str(project), "generate", str(tree)]
    measured(generate, ROOT)
    shutil.move(tree / "docs", project / "plain-docs")
    text = (tree / "mkdocs.yml").read_text(encoding="utf-8")
    if "\ndocs_dir: docs\n" not in text:
        raise BenchError("the generated configuration names no docs_dir")
    config = project / "plain.yml"
    config.write_text(text.replace("\ndocs_dir: docs\n", "\ndocs_dir: plain-docs\n", 1), encoding="utf-8")
    return config


def compare_sites(one: Path, two: Path) -> tuple[int, int, list[str]]:
    """(files in both, byte-identical files, files in only one)."""
    files_one = {p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file()}
    files_two = {p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file()}
    both = files_one & files_two
    same = sum((one / f).read_bytes() == (two / f).read_bytes() for f in both)
    return len(both), same, sorted(files_one ^ files_two)


def bench_build(bench: Bench) -> None:
    print("Full build: the real manual, with the macros and with plain Material for MkDocs", flush=True)
    project = synth.generate(bench.work / "real", 1)
    plain = make_plain(project)
    warm: list[float] = []
    cold: list[float] = []
    base: list[float] = []

    def with_macros() -> None:
        fresh(project, "site")
        warm.append(measured(mkdocs("-d", "site"), project).seconds)

    def plain_build() -> None:
        fresh(project, "plain-site")
        base.append(measured(mkdocs("-f", plain.name, "-d", "plain-site"), project).seconds)

    measured(mkdocs("-d", "site"), project)  # fills the reference cache
    for n in range(bench.pairs):
        for build in (with_macros, plain_build) if n % 2 == 0 else (plain_build, with_macros):
            build()
        if n < bench.repeats:
            fresh(project, "site-cold", ".cache")
            cold.append(measured(mkdocs("-d", "site-cold"), project).seconds)
    both, same, only = compare_sites(project / "site", project / "plain-site")
    if only:
        raise BenchError(f"the plain build is not equivalent: files in one site only: {', '.join(only[:10])}")
    bench.notes.append(
        f"Equivalence: the plain build wrote the same {both} files as the build with the macros, "
        f"{same} of them byte-identical."
    )
    plain_s, warm_s, cold_s = stats.median(base), stats.median(warm), stats.median(cold)
    over = stats.paired_overhead_percent(warm, base)
    bench.add(
        Figure(
            "build.plain",
            "Full build",
            "Plain Material for MkDocs, same pages",
            plain_s,
            "s",
            "INFO",
            detail="the baseline",
            runs=tuple(base),
        )
    )
    bench.add(
        Figure(
            "build.macros",
            "Full build",
            "With the macros (reference cache kept)",
            warm_s,
            "s",
            stats.at_most(over, 15),
            target="at most 15% over plain",
            detail=f"{over:+.0f}% over plain, the median of {len(warm)} pairs",
            runs=tuple(warm),
        )
    )
    cold_over = stats.overhead_percent(cold_s, plain_s)
    bench.add(
        Figure(
            "build.macros-cold",
            "Full build",
            "With the macros, fresh checkout (no cache)",
            cold_s,
            "s",
            "INFO",
            detail=f"{cold_over:+.0f}% over plain",
            runs=tuple(cold),
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# 2. Scale


def bench_scale(bench: Bench, scales: tuple[int, ...]) -> None:
    """Builds in rounds, each round every scale from the smallest up, so that each build of a larger manual has
    builds of the next smaller one before and after it (see stats.bracketed_ratio). The largest manual
    is built in the first LARGEST_RUNS rounds only: one build of it takes many minutes."""
    print(f"Scale: synthetic manuals at {', '.join(f'{s}x' for s in scales)} (fresh checkout, no cache)", flush=True)
    projects = {scale: synth.generate(bench.work / f"x{scale}", scale) for scale in scales}
    runs: dict[int, list[Run]] = {scale: [] for scale in scales}
    failed: dict[int, str] = {}
    largest_runs = min(bench.repeats, LARGEST_RUNS)
    for round_number in range(bench.repeats):
        for scale in scales:
            if scale in failed or (scale == scales[-1] and len(scales) > 1 and round_number >= largest_runs):
                continue
            project = projects[scale]
            fresh(project, "site", ".cache")
            try:
                runs[scale].append(measured(mkdocs("-d", "site"), project, limit=bench.timeout))
            except BenchError as exc:
                failed[scale] = str(exc)
                fresh(project, "site")
            outcome = "failed" if scale in failed else f"{runs[scale][-1].seconds:.1f} s"
            print(f"  round {round_number + 1}, {scale}x: {outcome}", flush=True)
    measured_scales: list[int] = []
    for scale in scales:
        project = projects[scale]
        if scale in failed or not runs[scale]:
            problem = failed.get(scale, "not built")
            bench.add(Figure(f"scale.{scale}x.time", "Scale", f"Build at {scale}x", None, "s", "ERROR", detail=problem))
            continue
        measured_scales.append(scale)
        seconds = stats.median([r.seconds for r in runs[scale]])
        pages = sum(1 for _ in (project / "manual").rglob("*.md"))
        size_mb = sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file()) / 1e6
        index_mb = (project / "site" / "search" / "search_index.json").stat().st_size / 1e6
        bench.add(
            Figure(
                f"scale.{scale}x.time",
                "Scale",
                f"Build at {scale}x ({pages} items)",
                seconds,
                "s",
                "INFO",
                detail=f"{seconds / pages * 1000:.0f} ms per item, {_builds(len(runs[scale]))}",
                runs=tuple(r.seconds for r in runs[scale]),
            )
        )
        rss = stats.median([r.rss_mb for r in runs[scale]])
        bench.add(
            Figure(
                f"scale.{scale}x.memory",
                "Scale",
                f"Peak memory at {scale}x",
                rss,
                "MB",
                "INFO",
                detail=f"site {size_mb:,.0f} MB, search index {index_mb:,.1f} MB",
                runs=tuple(r.rss_mb for r in runs[scale]),
            )
        )
        if scale != scales[0]:
            shutil.rmtree(project / "site", ignore_errors=True)
    times = [[r.seconds for r in runs[scale]] for scale in measured_scales]
    for small, large, growth, verdict in stats.linear(measured_scales, times):
        factor = large / small
        before = stats.median([r.seconds for r in runs[int(small)]])
        after = stats.median([r.seconds for r in runs[int(large)]])
        bench.add(
            Figure(
                f"scale.growth.{small:g}x-{large:g}x",
                "Scale",
                f"Build time growth {small:g}x → {large:g}x",
                growth,
                "x",
                verdict,
                target=f"at most {stats.LINEAR_SLACK * factor:g}× ({factor:g}× the content)",
                detail=f"{before:.1f} s → {after:.1f} s; each {large:g}x build against the {small:g}x ones either side",
            )
        )


def _builds(count: int) -> str:
    return "one build" if count == 1 else f"the median of {count} builds"


# ---------------------------------------------------------------------------------------------------------------
# 3. make check on the largest manual


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


# ---------------------------------------------------------------------------------------------------------------
# 3b. make check on the real manual with a hostile paragraph added

HOSTILE_FILE = "manual/principles/P03.md"
HOSTILE_TARGET = 2.0  # seconds
HOSTILE_LIMIT = 300.0  # seconds one check may take: past it, the text hangs the check (an ERROR naming it)
ALONE = "the manual alone"
# The last line a check writes when it ran to the end: its verdict, or the count of what it found.
_CHECK_DONE = re.compile(r"^(ok: .*|\d+ errors?, \d+ warnings?)$")


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


# ---------------------------------------------------------------------------------------------------------------
# 4. Live preview


CITATION_SIZES = (200, 1000, 2000)
CITATION_OVERHEAD = 0.20  # the project's time over pandoc's alone on the same file


_FORMAT_PROGRAM = """
import sys, time
from pathlib import Path
from imap.reading import bibliography
from imap.citing import citeproc
text = Path(sys.argv[1]).read_text(encoding="utf-8")
start = time.perf_counter()
references, problems = bibliography.load("references.bib", text)
result = citeproc.process(text, references)
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
    project (its checks, three pandoc runs and the work around them, no cache) against pandoc alone formatting the
    same file once."""
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
                detail=f"{over:+.0%} over pandoc alone (reading, the checks and three pandoc runs)",
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return ""


@contextlib.contextmanager
def serving(project: Path, config: str, port: int) -> Iterator[str]:
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", config, "--dev-addr", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while not fetch(base + LIVE_URL):
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"mkdocs serve -f {config} did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reload_time(base: str, source: Path, marker: str) -> float:
    """Append a marker to the page's source, then poll the page until the marker is served; seconds."""
    text = source.read_text(encoding="utf-8")
    start = time.perf_counter()
    source.write_text(text.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
    deadline = start + 300
    while marker not in fetch(base + LIVE_URL):
        if time.perf_counter() > deadline:
            raise BenchError("the edit never reached the served page")
        time.sleep(0.05)
    return time.perf_counter() - start


def bench_live(bench: Bench) -> None:
    print("Live preview: from saving P03.md to the new page being served", flush=True)
    project = bench.work / "real"
    if not (project / "plain.yml").exists():
        synth.generate(project, 1)
        make_plain(project)
    macros_times: list[float] = []
    plain_times: list[float] = []
    with (
        serving(project, "mkdocs.yml", free_port()) as base_macros,
        serving(project, "plain.yml", free_port()) as base_plain,
    ):

        def edit_with_macros(n: int) -> None:
            macros_times.append(reload_time(base_macros, project / LIVE_FILE, f"Benchmark edit macros {n}."))

        def edit_plain(n: int) -> None:
            plain_times.append(
                reload_time(base_plain, project / "plain-docs" / LIVE_FILE, f"Benchmark edit plain {n}.")
            )

        for n in range(bench.pairs):
            for edit in (edit_with_macros, edit_plain) if n % 2 == 0 else (edit_plain, edit_with_macros):
                time.sleep(1.5)  # mkdocs serve ignores changes that come too soon after its last build
                edit(n)
    macros_s, plain_s = stats.median(macros_times), stats.median(plain_times)
    over = stats.paired_overhead_percent(macros_times, plain_times)
    bench.add(
        Figure(
            "live.plain",
            "Live preview",
            "Save to served page, plain Material for MkDocs",
            plain_s,
            "s",
            "INFO",
            detail="the baseline",
            runs=tuple(plain_times),
        )
    )
    bench.add(
        Figure(
            "live.macros",
            "Live preview",
            "Save to served page, with the macros",
            macros_s,
            "s",
            stats.at_most(over, 15),
            target="at most 15% over plain",
            detail=f"{over:+.0f}% over plain, the median of {len(macros_times)} pairs",
            runs=tuple(macros_times),
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# 5. Page weight


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise BenchError("Debian's chromium is not installed (apt-get install chromium)")
    return found


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


def real_site(bench: Bench) -> Path:
    """The manual built once for the browser measurements (a copy of it, at 1x)."""
    project = bench.work / "real"
    if not (project / "site" / "index.html").exists():
        synth.generate(project, 1)
        measured(mkdocs("-d", "site"), project)
    return project / "site"


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
                page.locator(".imap-guide-figure").first.locator("xpath=preceding-sibling::ol[1]").wait_for(
                    state="visible", timeout=60000
                )
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
    site = real_site(bench)
    for page_path in PHONE_PAGES:
        runs = [phone_figures(site, page_path) for _ in range(max(1, min(bench.repeats, 3)))]
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


# ---------------------------------------------------------------------------------------------------------------
# 6. Zensical canary


def ensure_zensical() -> None:
    """A separate virtual environment with the pinned Zensical and the project's locked packages (the macros)."""
    stamp = ZENSICAL_VENV / ".installed"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == ZENSICAL:
        return
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(ZENSICAL_VENV)], check=True)
    install = subprocess.run(
        [
            str(ZENSICAL_VENV / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            ZENSICAL,
            "-r",
            str(ROOT / "requirements.lock"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        errors = [line for line in install.stderr.splitlines() if line.startswith("ERROR: No matching")]
        raise BenchError(f"could not install {ZENSICAL}: {' '.join(errors) or install.stderr.strip()[-300:]}")
    stamp.write_text(ZENSICAL, encoding="utf-8")


def article_text(page: Path) -> str:
    """The words of a built page's article (what a reader reads), without markup."""
    text = page.read_text(encoding="utf-8", errors="replace")
    start, end = text.find("<article"), text.rfind("</article>")
    body = text[start:end] if start >= 0 and end > start else ""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", body)).split())


def bench_zensical(bench: Bench) -> None:
    """Zensical builds the engine-neutral tree (`python -m imap generate`): no adapter, no hooks (Zensical ignores
    them), no print-site plugin (it drops unknown plugins). Reported: whether it builds, how fast, and how far its
    pages differ from MkDocs' build of the same tree (pages missing; pages whose article text differs)."""
    print(f"Zensical canary ({ZENSICAL}, in {ZENSICAL_VENV.name}/)", flush=True)
    ensure_zensical()
    project = bench.work / "real"
    if not (project / "mkdocs.yml").exists():
        synth.generate(project, 1)
    tree = project / "zensical-tree"
    fresh(project, "zensical-tree")
    measured([sys.executable, "-m", "imap", "--root", str(project), "generate", str(tree)], ROOT)
    runs: list[float] = []
    base: list[float] = []
    for _ in range(bench.repeats):
        fresh(tree, "site-zensical", "site-mkdocs")
        try:
            command = [str(ZENSICAL_VENV / "bin" / "zensical"), "build", "--clean"]
            runs.append(measured(command, tree).seconds)
        except BenchError as exc:
            errors = [line.strip() for line in str(exc).splitlines() if "Error:" in line]
            raise BenchError(f"{ZENSICAL} did not build the generated tree: {errors[0] if errors else exc}") from exc
        shutil.move(tree / "site", tree / "site-zensical")
        base.append(measured(mkdocs("-d", "site-mkdocs"), tree, {**ENV, "PYTHONPATH": str(project)}).seconds)
    seconds, mkdocs_s = stats.median(runs), stats.median(base)
    reference = sorted(p.relative_to(tree / "site-mkdocs") for p in (tree / "site-mkdocs").rglob("index.html"))
    missing = [p for p in reference if not (tree / "site-zensical" / p).is_file()]
    differing = [
        p for p in reference if p not in missing
        and article_text(tree / "site-zensical" / p) != article_text(tree / "site-mkdocs" / p)
    ]  # fmt: skip
    bench.add(
        Figure(
            "zensical.build",
            "Zensical canary",
            f"Full build of the generated tree with {ZENSICAL}",
            seconds,
            "s",
            "INFO",
            detail=f"{stats.ratio(seconds, mkdocs_s):.2f}× MkDocs building the same tree ({mkdocs_s:.1f} s)",
            runs=tuple(runs),
        )
    )
    same = len(reference) - len(missing) - len(differing)
    bench.add(
        Figure(
            "zensical.same",
            "Zensical canary",
            "Pages whose article text is the same as MkDocs' build of the tree",
            float(same),
            "pages",
            "INFO",
            detail=f"of {len(reference)}: {len(missing)} missing, {len(differing)} with other text"
            + "".join(
                f"; first {label}: {paths[0].parent.as_posix()}/"
                for label, paths in (("missing", missing), ("other", differing))
                if paths
            ),
        )
    )


# ---------------------------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text(encoding="utf-8").split("MemTotal:", 1)[1].split()[0])
        ram = f"{kb / 1024 / 1024:.0f} GB"
    info = {
        "CPU": cpu,
        "cores": str(os.cpu_count() or "?"),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()} ({platform.freedesktop_os_release().get('PRETTY_NAME', '')})"
        if hasattr(platform, "freedesktop_os_release")
        else platform.platform(),
        "Python": platform.python_version(),
    }
    for package in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[package] = metadata.version(package)
    with contextlib.suppress(OSError):
        info["load average at start (1, 5, 15 min)"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return info


def section_of(figure_id: str) -> str:
    """The section (of SECTIONS) a figure belongs to, from its id: `check.hostile...` is the hostile section's."""
    return "hostile" if figure_id.startswith("check.hostile") else figure_id.split(".", 1)[0]


def bench_test_run(bench: Bench) -> None:
    """`make test` on a fresh clone of the current commit (tools/bench/testrun.py)."""
    print("Test run: make test on a fresh clone, browser tests included", flush=True)
    try:
        figures = testrun.bench_test(ROOT, bench.work / "test-run", 1 if bench.quick else min(bench.repeats, 3), ENV)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        raise BenchError(str(exc)) from exc
    for figure in figures:
        bench.add(figure)


def run_section(bench: Bench, name: str, action: Callable[[], None], section: str) -> None:
    try:
        action()
    except BenchError as exc:
        status = "INFO" if name == "zensical" else "ERROR"
        bench.add(Figure(f"{name}.error", section, section, None, "", status, detail=str(exc)[:600]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (default 5; the median is kept)")
    parser.add_argument(
        "--pairs",
        type=int,
        default=21,
        help="pairs of runs (with the macros, plain) for the full build and live preview comparisons (default 21)",
    )
    parser.add_argument("--quick", action="store_true", help="one run each, scales 1x and 2x, no Zensical")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--output", type=Path, default=ROOT / RESULTS_FILE, help="results file to write")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a scale build may take (default 1800)")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if args.quick:
        args.repeats, args.pairs, only = 1, 1, only - {"zensical"}
    scales = (1, 2) if args.quick else (1, 10, 100)
    info = machine()
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="imap-bench-")))
        bench = Bench(
            work=work, repeats=max(1, args.repeats), quick=args.quick, pairs=max(1, args.pairs), timeout=args.timeout
        )
        plan: list[tuple[str, str, Callable[[], None]]] = [
            ("build", "Full build", lambda: bench_build(bench)),
            ("scale", "Scale", lambda: bench_scale(bench, scales)),
            ("check", "Check", lambda: bench_check(bench, scales[-1])),
            ("hostile", "Check", lambda: bench_hostile(bench)),
            ("citations", "Citations", lambda: bench_citations(bench)),
            ("live", "Live preview", lambda: bench_live(bench)),
            ("weight", "Page weight", lambda: bench_weight(bench)),
            ("phone", "Phone", lambda: bench_phone(bench)),
            ("zensical", "Zensical canary", lambda: bench_zensical(bench)),
            ("test", "Test run", lambda: bench_test_run(bench)),
        ]
        for name, section, action in plan:
            if name in only:
                run_section(bench, name, action, section)
    with contextlib.suppress(OSError):
        info["load average at end (1, 5, 15 min)"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    commands = ["make bench", f"# or: .venv/bin/python -m tools.bench --repeats {bench.repeats} --pairs {bench.pairs}"]
    if args.quick:
        commands = ["python -m tools.bench --quick"]
    figures, notes = list(bench.figures), list(bench.notes)
    if only != set(SECTIONS) and not args.quick and args.output.is_file():
        # Some sections only: the other sections' figures (and notes) of the results file are kept as they were.
        earlier, _ = load_results(args.output.parent, args.output.name)
        if earlier is not None:
            figures = [f for f in earlier.figures if section_of(f.id) not in only] + figures
            notes = [n for n in earlier.notes if n not in notes] + notes
            commands.append(f"# this run: --only {','.join(sorted(only))}; other figures from {earlier.date}")
    results = Results(
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        repeats=bench.repeats,
        machine=info,
        commands=tuple(commands),
        figures=tuple(figures),
        notes=tuple(notes),
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(to_json(results), encoding="utf-8")
    failing = [f for f in bench.figures if f.status in ("FAIL", "ERROR")]
    print(f"\n{len(bench.figures)} figures, {len(failing)} failing; written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
