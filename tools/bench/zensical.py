"""Section 6 of the benchmark, the Zensical canary: the engine-neutral tree built by Zensical in a virtual environment
of its own, against MkDocs building the same tree."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

from imap.rendering.benchmarks import Figure
from tools import synth
from tools.bench import stats
from tools.bench.common import (
    ENV,
    ROOT,
    Bench,
    BenchError,
    fresh,
    measured,
    mkdocs,
)

# The newest Zensical whose dependencies the package index reachable from the benchmark machine has: 0.0.74 and
# later depend on zensical-ui, which is not on it.
ZENSICAL = "zensical==0.0.73"


ZENSICAL_VENV = ROOT / ".bench-venv"


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
