"""Synthetic manuals for the benchmark: the real manual copied N times with every permanent ID, hypothesis ID,
bibliography key and glossary term renumbered per copy, so that a 100x manual has 100 times the items, evidence
links, references and glossary terms of the real one, with pages of the real pages' size and structure.

    python -m tools.synth OUT --scale 10        writes a buildable project (manual/, references.bib, glossary.yml,
                                                 docs/, mkdocs.yml, imap/, overrides/, hooks/, VERSION) into OUT

Copy 0 is the real manual unchanged; copy k renumbers each kind's IDs past the real ones (with 12 principles,
P03 of copy 2 becomes P27), appends `x<k>` to each bibliography key and ` <k>` to each glossary term, and dates
each reference k years earlier. A copy's references are thus other works, as in a real manual of that size: copies
with the same authors and year would be told apart in APA style by year letters (2000a, 2000b, ... 2000cv), work
that grows with the number of copies and that no real bibliography asks for.
The result passes `python -m imap.cli --root OUT check`.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from imap.model.items import Kind

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("mkdocs.yml", "VERSION", "vendor.lock.json")
PROJECT_DIRS = ("docs", "overrides", "imap", "hooks")
_ID = re.compile(rf"\b([{''.join(kind.prefix for kind in Kind)}])(\d{{2}})\b")
_HYPOTHESIS = re.compile(r"\bH(\d{2})([a-z])\b")
_BIB_KEY = re.compile(r"^(@\w+\s*\{\s*)([^,\s]+)(\s*,)", re.MULTILINE)
_BIB_YEAR = re.compile(r"^(\s*(?:year|date)\s*=\s*[{\"]?)(\d{4})", re.MULTILINE | re.IGNORECASE)
_TERM = re.compile(r"^(- term: )(.*)$", re.MULTILINE)
_SEE = re.compile(r"^(\s+see: )(.*)$", re.MULTILINE)


def _counts(source: Path) -> dict[str, int]:
    """The highest number of each kind in the real manual (IDs are renumbered past it)."""
    counts: dict[str, int] = {}
    for path in (source / "manual").rglob("*.md"):
        match = _ID.fullmatch(path.stem)
        if match:
            counts[match.group(1)] = max(counts.get(match.group(1), 0), int(match.group(2)))
    return counts


def _renumber(counts: dict[str, int], copy: int, keys: list[str]) -> Callable[[str], str]:
    """A function that rewrites a text of the real manual into copy number `copy`."""
    key_pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + r")(?![\w-])"
    )

    def item(match: re.Match[str]) -> str:
        prefix, number = match.group(1), int(match.group(2))
        if prefix not in counts or number > counts[prefix]:
            return match.group(0)
        return f"{prefix}{copy * counts[prefix] + number:02d}"

    def hypothesis(match: re.Match[str]) -> str:
        return f"H{copy * counts['P'] + int(match.group(1)):02d}{match.group(2)}"

    def rewrite(text: str) -> str:
        if copy == 0:
            return text
        text = _ID.sub(item, text)
        text = _HYPOTHESIS.sub(hypothesis, text)
        return key_pattern.sub(lambda m: f"{m.group(1)}x{copy}", text)

    return rewrite


def _items(source: Path, copy: int, rewrite: Callable[[str], str], counts: dict[str, int], out: Path) -> None:
    for path in sorted((source / "manual").rglob("*.md")):
        match = _ID.fullmatch(path.stem)
        if match is None:
            continue
        text = rewrite(path.read_text(encoding="utf-8"))
        if copy:
            text = re.sub(r"(?m)^title: (.*)$", lambda m: f"title: {_suffixed(m.group(1), copy)}", text, count=1)
        new_id = f"{match.group(1)}{copy * counts[match.group(1)] + int(match.group(2)):02d}"
        target = out / "manual" / path.parent.name / f"{new_id}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _suffixed(value: str, copy: int) -> str:
    """A YAML scalar (plain or quoted) with ' <copy>' appended to its text."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f"{value[:-1]} {copy}{value[-1]}"
    return f"{value} {copy}"


def _copy_bib(bib: str, copy: int) -> str:
    if copy == 0:
        return bib
    renamed = _BIB_KEY.sub(lambda m: f"{m.group(1)}{m.group(2)}x{copy}{m.group(3)}", bib)
    return _BIB_YEAR.sub(lambda m: f"{m.group(1)}{int(m.group(2)) - copy}", renamed)


def _copy_glossary(glossary: str, copy: int, rewrite: Callable[[str], str]) -> str:
    if copy == 0:
        return glossary
    renamed = _TERM.sub(lambda m: m.group(1) + _suffixed(m.group(2), copy), glossary)
    return _SEE.sub(lambda m: m.group(1) + rewrite(m.group(2)), renamed)


def generate(out: Path, scale: int, source: Path = ROOT) -> Path:
    """Write a buildable project with `scale` copies of the manual in `source` into `out` (replaced if present)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(source / name, out / name)
    for name in PROJECT_DIRS:
        shutil.copytree(source / name, out / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    counts = _counts(source)
    bib = (source / "references.bib").read_text(encoding="utf-8")
    keys = [m.group(2) for m in _BIB_KEY.finditer(bib)]
    glossary_path = source / "glossary.yml"
    glossary = glossary_path.read_text(encoding="utf-8") if glossary_path.exists() else ""
    bibs: list[str] = []
    glossaries: list[str] = []
    for copy in range(scale):
        rewrite = _renumber(counts, copy, keys)
        _items(source, copy, rewrite, counts, out)
        bibs.append(_copy_bib(bib, copy))
        if glossary:
            glossaries.append(_copy_glossary(glossary, copy, rewrite))
    (out / "references.bib").write_text("\n".join(bibs), encoding="utf-8")
    if glossary:
        (out / "glossary.yml").write_text("\n".join(glossaries), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the project into (replaced)")
    parser.add_argument("--scale", type=int, default=1, help="how many copies of the real manual (default 1)")
    args = parser.parse_args(argv)
    generate(args.out, args.scale)
    print(f"wrote a {args.scale}x manual into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
