"""`make bench` (python -m tools.bench): measure the build, its scaling, `make check`, the live preview, page weight,
the Zensical canary, the editions (PDF, EPUB) and `make test` on a fresh clone; print every figure with its ratio and
target; write docs/benchmarks/results.json.

    python -m tools.bench                 everything, 5 runs per figure (about 75 minutes on two cores)
    python -m tools.bench --repeats 3     fewer runs
    python -m tools.bench --quick         one run each, scales 1x and 2x, no Zensical: a smoke test of the bench
    python -m tools.bench --only build,check
    python -m tools.bench --only hostile  make check with each hostile paragraph added (a few minutes)
    python -m tools.bench --only test     make test on a fresh clone of the current commit (about five minutes a run)
    python -m tools.bench --only editions the editions of the real manual: each one's build time and size

Every figure is the median of its runs; every target is a ratio to a baseline measured in the same run. The full
build and the live preview are compared with plain Material for MkDocs in pairs of runs made back to back (which of
the two goes first alternates), and judged by the median of the pairs' ratios, so that a machine whose speed drifts
slows both runs of a pair alike.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from imap.rendering.benchmarks import RESULTS_FILE, Figure, Results, load_results, to_json
from tools.bench import testrun
from tools.bench.browser import bench_phone, bench_weight
from tools.bench.builds import bench_build, bench_live, bench_scale
from tools.bench.checks import bench_check, bench_citations, bench_hostile
from tools.bench.common import (
    ENV,
    ROOT,
    TIMEOUT,
    Bench,
    BenchError,
)
from tools.bench.editions import bench_editions
from tools.bench.zensical import bench_zensical

SECTIONS = (
    "build",
    "scale",
    "check",
    "hostile",
    "citations",
    "live",
    "weight",
    "phone",
    "zensical",
    "editions",
    "test",
)
PACKAGES = ("mkdocs", "properdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "pypandoc-binary")


# ---------------------------------------------------------------------------------------------------------------
# 1. Full build, with the macros and plain


# ---------------------------------------------------------------------------------------------------------------
# 2. Scale


# ---------------------------------------------------------------------------------------------------------------
# 3. make check on the largest manual


# ---------------------------------------------------------------------------------------------------------------
# 3b. make check on the real manual with a hostile paragraph added


# ---------------------------------------------------------------------------------------------------------------
# 4. Live preview


# ---------------------------------------------------------------------------------------------------------------
# 5. Page weight


# ---------------------------------------------------------------------------------------------------------------
# 6. Zensical canary


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
    """The section (of SECTIONS) a figure belongs to, from its id: `check.hostile...` is the hostile section's,
    `citeproc.growth...` the citations section's."""
    if figure_id.startswith("check.hostile"):
        return "hostile"
    if figure_id.startswith("citeproc."):  # the growth figures of the citations section
        return "citations"
    return figure_id.split(".", 1)[0]


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
            ("editions", "Editions", lambda: bench_editions(bench)),
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
