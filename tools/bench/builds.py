"""Sections 1, 2 and 4 of the benchmark: the full build against plain Material for MkDocs building the generated tree,
synthetic manuals at growing scales, and the live preview's reload time."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from imap.rendering.benchmarks import Figure
from tools import synth
from tools.bench import stats
from tools.bench.common import (
    ENV,
    ROOT,
    Bench,
    BenchError,
    Run,
    fetch,
    free_port,
    fresh,
    measured,
    mkdocs,
)

LIVE_FILE = "manual/principles/P03.md"


LIVE_URL = "manual/principles/P03/"


LARGEST_RUNS = 3  # builds of the largest synthetic manual (100x: about a quarter of an hour each on two cores)


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
