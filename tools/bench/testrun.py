"""The `test` section of the benchmark: `make test` on a fresh clone of the current commit, browser tests included,
timed against its target (five minutes on the benchmark machine).

A fresh clone starts with no caches: no parse or reference cache (`.cache/imap/`), no mypy or ruff cache, no built
site, as CI does. It shares two things with the working copy, which a CI machine has ready too: the installed
packages (the clone's `.venv` is a link to this one, so `make` finds them installed) and the hash-checked front-end
files (`.vendor/`, `docs/assets/vendor/`), so that nothing is fetched over the network while the clock runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from imap.rendering.benchmarks import Figure
from tools.bench import stats

TARGET_S = 300.0  # five minutes


def fresh_clone(root: Path, into: Path) -> Path:
    """A clone of the commit checked out in `root`, with the installed packages and vendored files linked in."""
    if into.exists():
        shutil.rmtree(into)
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(root), str(into)], check=True)
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "-q", head.stdout.strip()], check=True)
    (into / ".venv").symlink_to(root / ".venv")
    for vendored in (".vendor", "docs/assets/vendor"):
        if (root / vendored).is_dir():
            shutil.copytree(root / vendored, into / vendored, symlinks=True)
    # make's stamps are older than the fresh files they depend on, but the packages and vendored files are in place:
    # the clone's stamps (the shared .venv's among them) are marked current, so make installs and fetches nothing.
    for stamp in (into / ".venv" / ".installed", into / ".vendor" / ".installed"):
        if stamp.parent.is_dir():
            stamp.touch()
    return into


def timed_make_test(clone: Path, env: dict[str, str]) -> tuple[float, str]:
    """Seconds `make test` took in the clone, and the last lines it printed. Raises RuntimeError if it failed."""
    start = time.perf_counter()
    done = subprocess.run(["make", "test"], cwd=clone, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-6:])
    if done.returncode != 0:
        raise RuntimeError(f"make test failed in the fresh clone:\n{tail}")
    return seconds, tail


def bench_test(root: Path, work: Path, repeats: int, env: dict[str, str]) -> list[Figure]:
    """`make test` on a fresh clone, `repeats` times (a new clone each time); the median against the target."""
    runs: list[float] = []
    for n in range(repeats):
        clone = fresh_clone(root, work / f"clone-{n}")
        seconds, _ = timed_make_test(clone, {**env, "SOURCE_DATE_EPOCH": env.get("SOURCE_DATE_EPOCH", "0")})
        runs.append(seconds)
        shutil.rmtree(clone, ignore_errors=True)
    seconds = stats.median(runs)
    cores = os.cpu_count() or 1
    return [
        Figure(
            "test.make",
            "Test run",
            "make test on a fresh clone, browser tests included",
            seconds,
            "s",
            stats.at_most(seconds, TARGET_S),
            target=f"at most {TARGET_S:.0f} s",
            detail=f"{cores} cores; the tests run in {cores} processes (pytest -n auto)",
            runs=tuple(runs),
        )
    ]
