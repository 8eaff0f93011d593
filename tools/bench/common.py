"""What every section of the benchmark shares: the project's root, the environment builds run in, a command run in a
fresh process with its wall time and peak memory, the Bench that collects figures, and serving a built site."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from imap.rendering.benchmarks import Figure, format_value
from tools import synth

ROOT = Path(__file__).resolve().parents[2]


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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise BenchError("Debian's chromium is not installed (apt-get install chromium)")
    return found


def real_site(bench: Bench) -> Path:
    """The manual built once for the browser measurements (a copy of it, at 1x)."""
    project = bench.work / "real"
    if not (project / "site" / "index.html").exists():
        synth.generate(project, 1)
        measured(mkdocs("-d", "site"), project)
    return project / "site"
