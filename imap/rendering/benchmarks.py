"""The benchmark results (written by `make bench` into docs/benchmarks/results.json) as data, and their page.

The file is read and checked like any other input: a problem is a `path:line` diagnostic; a missing file is not a
problem (the page then says the manual has not been measured yet).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from imap.model.diagnostics import Diagnostic, Location, error
from imap.rendering.markdown import md, table_caption

RESULTS_FILE: Final = "docs/benchmarks/results.json"
SCHEMA: Final = 1
STATUSES: Final = {
    "PASS": "meets its target",
    "FAIL": "misses its target",
    "INFO": "measured for comparison; no target",
    "ERROR": "could not be measured (see the note)",
}


@dataclass(frozen=True)
class Figure:
    id: str  # stable, e.g. "build.macros"
    section: str  # the group it is shown in, e.g. "Full build"
    name: str  # what was measured, in words
    value: float | None  # the median (None: not measured)
    unit: str  # "s", "MB", "KB", "requests", "x" (a ratio), ...
    status: str  # one of STATUSES
    target: str = ""  # the target in words, e.g. "at most 15% over plain MkDocs"
    detail: str = ""  # the ratio or comparison it was judged by, or the reason it could not be measured
    runs: tuple[float, ...] = ()  # every run, in order


@dataclass(frozen=True)
class Results:
    date: str
    repeats: int
    machine: Mapping[str, str]
    commands: tuple[str, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = field(default=())


def to_json(results: Results) -> str:
    """The results as JSON: one figure per line, so that a change in one figure is a one-line diff."""
    data = asdict(results)
    figures = data.pop("figures")
    head = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    lines = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in figures]
    return head[:-2] + ',\n  "figures": [\n    ' + ",\n    ".join(lines) + "\n  ],\n" + f'  "schema": {SCHEMA}\n}}\n'


def load_results(root: Path, relative: str = RESULTS_FILE) -> tuple[Results | None, list[Diagnostic]]:
    """The results file, or None with no problem when it does not exist, or None with the problems found in it."""
    path = root / relative
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError) as exc:
        return None, [error(Location(relative), "benchmarks.malformed", f"cannot read the benchmark results: {exc}")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            error(
                Location(relative, exc.lineno),
                "benchmarks.malformed",
                f"the benchmark results are not valid JSON: {exc.msg}",
                "run `make bench` again to rewrite the file",
            )
        ]
    problems: list[Diagnostic] = []
    results = _read(data, text, relative, problems)
    return (results if not problems else None), problems


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _read(data: Any, text: str, relative: str, problems: list[Diagnostic]) -> Results | None:
    def problem(needle: str, message: str) -> None:
        problems.append(
            error(
                Location(relative, _line_of(text, needle)),
                "benchmarks.malformed",
                message,
                "run `make bench` again to rewrite the file",
            )
        )

    if not isinstance(data, dict):
        problem("", "the benchmark results must be a JSON object")
        return None
    if data.get("schema") != SCHEMA:
        found = data.get("schema")
        problem('"schema"', f"the benchmark results have schema {found!r}; this code reads schema {SCHEMA}")
        return None
    expected = {"date": str, "repeats": int, "machine": dict, "commands": list, "figures": list, "notes": list}
    for key, kind in expected.items():
        if not isinstance(data.get(key), kind):
            problem(f'"{key}"', f"'{key}' is missing or is not a {kind.__name__}")
    if problems:
        return None
    figures: list[Figure] = []
    for number, entry in enumerate(data["figures"], start=1):
        figure = _figure(entry)
        if isinstance(figure, str):
            needle = f'"id": "{entry["id"]}"' if isinstance(entry, dict) and isinstance(entry.get("id"), str) else ""
            problem(needle or '"figures"', f"figure {number}: {figure}")
        else:
            figures.append(figure)
    return Results(
        date=data["date"],
        repeats=data["repeats"],
        machine={str(k): str(v) for k, v in data["machine"].items()},
        commands=tuple(str(c) for c in data["commands"]),
        figures=tuple(figures),
        notes=tuple(str(n) for n in data["notes"]),
    )


def _figure(entry: Any) -> Figure | str:
    """A figure, or what is wrong with the entry."""
    if not isinstance(entry, dict):
        return "must be an object"
    for key in ("id", "section", "name", "unit", "status", "target", "detail"):
        if not isinstance(entry.get(key), str):
            return f"'{key}' is missing or is not text"
    value = entry.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "'value' must be a number or null"
    runs = entry.get("runs")
    if not isinstance(runs, list) or not all(isinstance(r, int | float) and not isinstance(r, bool) for r in runs):
        return "'runs' must be a list of numbers"
    if entry["status"] not in STATUSES:
        return f"'status' is '{entry['status']}', not one of {', '.join(STATUSES)}"
    return Figure(
        id=entry["id"],
        section=entry["section"],
        name=entry["name"],
        value=None if value is None else float(value),
        unit=entry["unit"],
        status=entry["status"],
        target=entry["target"],
        detail=entry["detail"],
        runs=tuple(float(r) for r in runs),
    )


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "%":
        return f"{value:+.1f}%"
    if unit in ("requests", "pages", "files", "items") or abs(value) >= 100:
        number = f"{value:,.0f}"
    elif abs(value) >= 10:
        number = f"{value:.1f}"
    else:
        number = f"{value:.2f}"
    return f"{number} {unit}".strip()


_SLUG: Final = re.compile(r"[^a-z0-9]+")


def results_page(results: Results | None) -> str:
    """The benchmarks page body: every figure with its target and verdict, the machine, the commands."""
    if results is None:
        return (
            '!!! note "Not yet measured"\n'
            "    No benchmark results have been recorded yet. Run `make bench` to measure, and commit "
            f"`{RESULTS_FILE}`.\n"
        )
    out: list[str] = []
    failing = [f for f in results.figures if f.status in ("FAIL", "ERROR")]
    if failing:
        names = "; ".join(f"{md(f.name)} ({f.status.lower()})" for f in failing)
        out += [f'!!! warning "Targets not met"\n    {names}.', ""]
    sections: dict[str, list[Figure]] = {}
    for figure in results.figures:
        sections.setdefault(figure.section, []).append(figure)
    for section, figures in sections.items():
        anchor = "bench-" + _SLUG.sub("-", section.lower()).strip("-")
        out += [f"## {md(section)} {{ #{anchor} }}", ""]
        out.append(table_caption(f"{section}: median of the runs, the comparison it is judged by, target, verdict."))
        out += ["| Figure | Median | Compared | Target | Verdict |", "|---|---:|---|---|---|"]
        for f in figures:
            runs = f" ({len(f.runs)} runs)" if len(f.runs) > 1 else ""
            verdict = f"**{f.status}**" if f.status in ("FAIL", "ERROR") else f.status
            out.append(
                f"| {md(f.name)} | {md(format_value(f.value, f.unit))}{runs} | {md(f.detail) or '—'} | "
                f"{md(f.target) or '—'} | {verdict} |"
            )
        out.append("")
    if results.notes:
        out += ["## Notes { #bench-notes }", "", *(f"- {md(note)}" for note in results.notes), ""]
    out += [
        "## The machine { #bench-machine }",
        "",
        table_caption("The machine and software the figures were measured on."),
        "| Property | Value |",
        "|---|---|",
        f"| date | {md(results.date)} |",
        f"| runs per figure | {results.repeats} (the median is shown; a figure run more often says how often) |",
        *(f"| {md(key)} | {md(value)} |" for key, value in results.machine.items()),
        "",
        "## Reproduce { #bench-reproduce }",
        "",
        "```sh",
        *results.commands,
        "```",
        "",
        table_caption("What each verdict means."),
        "| Verdict | Meaning |",
        "|---|---|",
        *(f"| {status} | {meaning} |" for status, meaning in STATUSES.items()),
        "",
    ]
    return "\n".join(out)
