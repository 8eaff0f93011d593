"""Command line: `python -m macros.cli check` validates the manual without building the site."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from macros.diagnostics import has_errors, report
from macros.project import load_project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="imap", description="Check and export the IMAP manual.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate manual/ and references.bib; exit 1 on any error")
    export = commands.add_parser("export", help="write the manual as JSON (the same data as site/data/manual.json)")
    export.add_argument("output", type=Path, help="file to write, or - for standard output")
    args = parser.parse_args(argv)

    project = load_project(args.root.resolve())
    if project.diagnostics:
        print(report(project.diagnostics), file=sys.stderr)
    if has_errors(project.diagnostics):
        return 1
    if args.command == "export":
        from macros.export import manual_json
        from macros.site import SiteData

        text = (
            json.dumps(manual_json(SiteData.create(project.manual)), indent=2, ensure_ascii=False, sort_keys=True)
            + "\n"
        )
        if str(args.output) == "-":
            sys.stdout.write(text)
        else:
            args.output.write_text(text, encoding="utf-8")
    elif not project.diagnostics:
        print(f"ok: {len(project.manual.items)} items, {len(project.manual.references)} references", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
