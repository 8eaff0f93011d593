"""Command line for authors and CI; the same model and rules as the site, and no MkDocs.

python -m imap.cli check                      validate manual/, references.bib and glossary.yml
python -m imap.cli export OUT                 the manual as JSON (as site/data/manual.json)
python -m imap.cli new principle "Title"      scaffold a new item with the next free ID
python -m imap.cli new --from-env             the same, from IMAP_NEW_KIND and IMAP_NEW_TITLE (as make new does)
python -m imap.cli diff-report BASE HEAD      traceability report between two git revisions (Markdown)
python -m imap.cli register SITE              add a built site's addresses to addresses.txt
python -m imap.cli generate DIR               the complete site source as plain files (any engine builds it)

`python -m imap ...` is the same command line.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

import yaml

from imap.checking.incremental import check_project
from imap.checking.project import Project, load_project
from imap.model.diagnostics import has_errors, report
from imap.model.items import Kind
from imap.model.manual import Manual
from imap.model.vocab import ID_NUMBER, MAX_ID_NUMBER
from imap.reading import addresses, frontmatter, git_history, inputs
from imap.reading.manual_files import CACHE_DIR, read_version, version_problems


def _load_checked(root: Path) -> Project | None:
    project = load_project(root, root / CACHE_DIR)
    if project.diagnostics:
        print(report(project.diagnostics), file=sys.stderr)
    return None if has_errors(project.diagnostics) else project


def _check(root: Path) -> int:
    checked = check_project(root, root / CACHE_DIR)
    if checked.diagnostics:
        print(report(checked.diagnostics), file=sys.stderr)
    if has_errors(checked.diagnostics):
        return 1
    if not checked.diagnostics:
        print(f"ok: {checked.items} items, {checked.references} references", file=sys.stderr)
    return 0


def _export(root: Path, output: Path) -> int:
    project = _load_checked(root)
    if project is None:
        return 1
    from imap.publishing.manual_json import manual_json
    from imap.rendering.site import SiteData

    text = json.dumps(manual_json(SiteData.create(project.manual)), indent=2, ensure_ascii=False, sort_keys=True)
    if str(output) == "-":
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n", encoding="utf-8")
    return 0


def next_id(root: Path, kind: Kind) -> str | None:
    """The next free ID of a kind: one past the highest ever used, in manual/ (P03.md, P03-words.md) or in the
    address registry; None when the scheme has no number left. Only IDs of the scheme count (their numbers are
    small): anything else in the registry is an error of `check` (addresses.load_registry)."""
    used = [p.stem for p in (root / "manual" / kind.folder).glob("*.md")]
    used += [a.removeprefix(addresses.ID_PREFIX).rstrip("/") for a in addresses.read_registry(root)]
    numbers = [int(m.group(1)) for u in used if (m := re.fullmatch(kind.prefix + f"({ID_NUMBER})(?:-.*)?", u))]
    number = max(numbers, default=0) + 1
    return f"{kind.prefix}{number:02d}" if number <= MAX_ID_NUMBER else None


# `make new` hands its KIND and TITLE over in these variables, so that no author text is part of a shell command.
NEW_KIND_VARIABLE = "IMAP_NEW_KIND"
NEW_TITLE_VARIABLE = "IMAP_NEW_TITLE"
NEW_USAGE = 'usage: make new KIND=principle|intervention|theory|chapter|session|form TITLE="..."'
# Control characters, line and paragraph separators, and unpaired surrogates: none belongs in a one-line title.
_NOT_IN_TITLE = frozenset({"Cc", "Cs", "Zl", "Zp"})


def title_problem(title: str) -> str | None:
    """Why a title cannot be scaffolded, or None: it must be one line of printable text."""
    if not title.strip():
        return "the title is empty"
    for position, char in enumerate(title, start=1):
        if unicodedata.category(char) in _NOT_IN_TITLE:
            return (
                f"the title contains a line break or control character (U+{ord(char):04X}, character {position}); "
                "give the title on one line"
            )
    return None


def yaml_string(text: str) -> str:
    """A string as one double-quoted YAML scalar (escaped by the YAML library) that loads back as exactly the text."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=math.inf).rstrip("\n")


TEMPLATES_DIR = "templates"
# The front matter lines `make new` fills in, each a top-level key written on one line of its template.
TEMPLATE_KEYS = ("id", "title", "since")


class TemplateError(ValueError):
    """A template that `make new` cannot fill in (the message says why)."""


def template_problems(template: str) -> list[str]:
    """Why a template cannot be filled in: its front matter must have exactly one line for each of TEMPLATE_KEYS,
    with the value on that line (no block value, no continuation line)."""
    lines = template.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if lines[0].rstrip() != "---" or end is None:
        return ["it does not start with a front matter block between two --- lines"]
    problems: list[str] = []
    for key in TEMPLATE_KEYS:
        found = [i for i in range(1, end) if re.match(rf"{key}:(?:[ \t]|$)", lines[i])]
        value = lines[found[0]][len(key) + 1 :].strip() if found else ""
        if not found:
            problems.append(f"its front matter has no '{key}:' line")
        elif len(found) > 1:
            problems.append(f"its front matter has {len(found)} '{key}:' lines")
        elif not value or value[0] in "|>" or lines[found[0] + 1][:1] in (" ", "\t"):
            problems.append(f"its '{key}:' line does not hold the whole value (write '{key}: ...' on one line)")
    return problems


def scaffold(template: str, item_id: str, title: str, version: str) -> str:
    """A template with its ID, title and version filled in, each on its own line of the front matter (nothing but
    those three lines changes); TemplateError when the template has no such line (see template_problems)."""
    problems = template_problems(template)
    if problems:
        raise TemplateError("; ".join(problems))
    values = {"id": item_id, "title": yaml_string(title), "since": version}
    lines = template.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    for index in range(1, end):
        key = lines[index].partition(":")[0]
        if key in values and re.match(rf"{key}:(?:[ \t]|$)", lines[index]):
            lines[index] = f"{key}: {values[key]}"
    return "\n".join(lines)


def _template(root: Path, kind: Kind) -> tuple[str | None, str]:
    """The text of a kind's template, or None and why it cannot be read."""
    relative = f"{TEMPLATES_DIR}/{kind.value}.md"
    data = inputs.read(root / relative)
    if data is None:
        return None, f"error: there is no template for a {kind.value}: {relative} is missing (or a symbolic link)"
    if isinstance(data, inputs.Refused):
        return None, inputs.diagnostic(relative, data).format()
    text, problems = frontmatter.decode(relative, data)
    return (text, "") if text is not None else (None, report(problems))


def _new(root: Path, kind_name: str | None, title: str | None) -> int:
    if not kind_name or not title:
        print(NEW_USAGE, file=sys.stderr)
        return 2
    kinds = [k.value for k in Kind]
    if kind_name not in kinds:
        print(f"error: unknown kind {kind_name!r} (choose {', '.join(kinds)})", file=sys.stderr)
        return 2
    problem = title_problem(title)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    kind = Kind(kind_name)
    _, problems = addresses.load_registry(root)
    if problems:  # the registry holds the IDs used before: without it, a retired ID could be given again
        print(report(problems), file=sys.stderr)
        return 1
    item_id = next_id(root, kind)
    if item_id is None:
        print(f"error: every {kind.value} ID up to {kind.prefix}{MAX_ID_NUMBER} is taken", file=sys.stderr)
        return 1
    template, problem = _template(root, kind)
    if template is None:
        print(problem, file=sys.stderr)
        return 2
    problems = version_problems(root)
    if problems:
        print(report(problems), file=sys.stderr)
        return 2
    try:
        text = scaffold(template, item_id, title, read_version(root))
    except TemplateError as failure:
        print(f"error: {TEMPLATES_DIR}/{kind.value}.md cannot be filled in: {failure}", file=sys.stderr)
        return 2
    path = root / "manual" / kind.folder / f"{item_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(path.relative_to(root).as_posix())
    return 0


def _snapshot(root: Path, revision: str, into: Path) -> Manual | None:
    """The manual as it was at a git revision (only the content files are read)."""
    if not git_history.extract(root, revision, into):
        print(f"error: unknown git revision '{revision}'", file=sys.stderr)
        return None
    return load_project(into).manual


def _diff_report(root: Path, base: str, head: str) -> int:
    from imap.publishing.diff_report import diff_report

    with tempfile.TemporaryDirectory() as tmp:
        old = _snapshot(root, base, Path(tmp) / "base")
        new = _snapshot(root, head, Path(tmp) / "head")
        if old is None or new is None:
            return 2
        sys.stdout.write(diff_report(old, new, base, head) + "\n")
    return 0


def _register(root: Path, site: Path) -> int:
    known, problems = addresses.load_registry(root)
    if problems:  # appending to a registry that was not read would lose or repeat addresses
        print(report(problems), file=sys.stderr)
        return 1
    new = [a for a in addresses.published_addresses(site) if a and a not in known]
    if new:
        with (root / addresses.REGISTRY).open("a", encoding="utf-8") as registry:
            registry.write("".join(f"{a}\n" for a in new))
    print(f"{len(new)} new addresses registered in {addresses.REGISTRY}", file=sys.stderr)
    return 0


def _generate(root: Path, out: Path) -> int:
    """The complete site source in `out`. A folder that holds anything else is never emptied: only one that is
    empty or that an earlier run wrote (it carries generate.MARKER)."""
    from imap.publishing import generate

    out = out.resolve()
    if out == root or out in root.parents or (out.is_dir() and not generate.replaceable(out)):
        print(
            f"error: {out} is not empty and was not written by `generate`; name a new folder "
            "(it is emptied before each run)",
            file=sys.stderr,
        )
        return 2
    pages, nav, problems = generate.load(root, generate.site_url(), generate.configured_nav(root))
    if problems:
        print(report(problems), file=sys.stderr)
    if has_errors(problems):
        return 1
    try:
        written = generate.generate(root, out, pages, nav)
    except generate.GenerateError as exc:
        print(report(exc.problems), file=sys.stderr)
        return 1
    pages_written = sum(1 for name in written if name.endswith(".md"))
    print(f"ok: {pages_written} pages and {len(written) - pages_written} other files in {out}", file=sys.stderr)
    return 0


def _editions(root: Path, site: Path, out: Path, paper: str, renders: Path | None) -> int:
    from imap.publishing import editions

    try:
        written = editions.build(site, out, read_version(root), paper, renders)
    except editions.EditionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for made in written:
        print(f"{made.path}: {made.path.stat().st_size / 1e6:.2f} MB in {made.seconds:.1f} s", file=sys.stderr)
    return 0


def _offline(root: Path, site: Path, out: Path) -> int:
    from imap.publishing import editions, offline

    try:
        made = offline.build(site, out, read_version(root))
    except editions.EditionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{made}: {made.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imap.cli", description="Check and work with the IMAP manual.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate manual/, references.bib and glossary.yml; exit 1 on any error")
    export = commands.add_parser("export", help="write the manual as JSON (the same data as site/data/manual.json)")
    export.add_argument("output", type=Path, help="file to write, or - for standard output")
    new = commands.add_parser("new", help="scaffold a new item from its template with the next free ID")
    new.add_argument("kind", nargs="?", choices=[k.value for k in Kind])
    new.add_argument("title", nargs="?")
    new.add_argument(
        "--from-env",
        action="store_true",
        help=f"take the kind and title from {NEW_KIND_VARIABLE} and {NEW_TITLE_VARIABLE} (as make new does)",
    )
    diff = commands.add_parser("diff-report", help="traceability report between two git revisions, as Markdown")
    diff.add_argument("base")
    diff.add_argument("head", nargs="?", default="HEAD")
    register = commands.add_parser("register", help="add the addresses of a built site to addresses.txt")
    register.add_argument("site", type=Path)
    generate = commands.add_parser(
        "generate", help="write the complete site source (every page as Markdown, the navigation) into a folder"
    )
    generate.add_argument("out", type=Path, help="the folder to write (emptied first; made if missing)")
    editions = commands.add_parser("editions", help="the PDF and EPUB editions of a built site")
    editions.add_argument("site", type=Path, help="the built site (make build writes site/)")
    editions.add_argument("out", type=Path, help="the folder to write them into")
    editions.add_argument("--paper", choices=["a4", "letter"], default="a4", help="page size (default A4)")
    editions.add_argument("--renders", type=Path, help="also draw sample pages as PNG here")
    offline = commands.add_parser("offline", help="finish an offline build of the site (make offline) and zip it")
    offline.add_argument("site", type=Path, help="the offline build (IMAP_OFFLINE=true mkdocs build)")
    offline.add_argument("out", type=Path, help="the folder to write imap-manual-offline.zip into")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.command == "check":
        return _check(root)
    if args.command == "export":
        return _export(root, args.output)
    if args.command == "new":
        if args.from_env:
            if args.kind is not None or args.title is not None:
                new.error("--from-env takes no kind or title arguments")
            return _new(root, os.environ.get(NEW_KIND_VARIABLE), os.environ.get(NEW_TITLE_VARIABLE))
        if args.kind is None or args.title is None:
            new.error("the kind and the title are required")
        return _new(root, args.kind, args.title)
    if args.command == "diff-report":
        return _diff_report(root, args.base, args.head)
    if args.command == "generate":
        return _generate(root, args.out)
    if args.command == "editions":
        return _editions(root, args.site, args.out, args.paper, args.renders)
    if args.command == "offline":
        return _offline(root, args.site, args.out)
    return _register(root, args.site)


if __name__ == "__main__":
    # One run, whose data is kept to its end: the cyclic garbage collector would only scan it again and again (on a
    # large manual that made `check` half again as slow). Reference counting still frees what is no longer used.
    gc.disable()
    raise SystemExit(main())
