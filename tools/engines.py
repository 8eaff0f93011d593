"""The site is the same whichever engine builds it, and whichever way the pages reach it.

    python -m tools.engines SITE_DIR

SITE_DIR is the site MkDocs built from this project (`make build`). Two more builds are compared with it, file by
file, after removing the one line that names the engine (<meta name="generator">):

- ProperDocs, a maintained fork of MkDocs 1.6, building the same project (its adapter hook included);
- MkDocs and ProperDocs each building the plain tree `python -m imap generate` writes (every page as Markdown, the
  navigation spelled out, no adapter), which shows that the generated tree is the complete site source.

Any difference fails, and the first differing files are listed with their first differing line.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
_SHOWN = 10  # differing files listed


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    return _GENERATOR.sub(b"", data) if path.suffix == ".html" else data


def differences(first: Path, second: Path) -> list[str]:
    """What differs between two built sites: files only in one, and files whose normalised bytes differ (with the
    first differing line)."""
    files_a = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    files_b = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    found = [f"only in {first}: {name}" for name in sorted(files_a - files_b)]
    found += [f"only in {second}: {name}" for name in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        a, b = normalised(first / name), normalised(second / name)
        if a == b:
            continue
        lines = difflib.unified_diff(
            a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines(), n=0, lineterm=""
        )
        changed = [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        found.append(f"differs: {name}: {' | '.join(line[:160] for line in changed[:2])}")
    return found


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{result.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site").resolve()
    if not (site / "index.html").is_file():
        print(f"error: {site} is not a built site (run make build first)", file=sys.stderr)
        return 2
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    failed = False
    with tempfile.TemporaryDirectory(prefix="imap-engines-") as temporary:
        work = Path(temporary)
        _run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(work / "properdocs")], ROOT, env)
        tree = work / "generated"
        _run([sys.executable, "-m", "imap", "generate", str(tree)], ROOT, env)
        # The generated tree's hooks (the sanitiser) import the engine, which a plain build finds on PYTHONPATH.
        plain = {**env, "PYTHONPATH": str(ROOT)}
        _run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(work / "plain")], tree, plain)
        _run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(work / "plain-pd")], tree, plain)
        for label, built in (
            ("ProperDocs", work / "properdocs"),
            ("the generated tree by MkDocs", work / "plain"),
            ("the generated tree by ProperDocs", work / "plain-pd"),
        ):
            found = differences(site, built)
            pages = sum(1 for _ in built.rglob("*.html"))
            if found:
                failed = True
                print(f"error: the site built from {label} differs in {len(found)} files:", file=sys.stderr)
                print("\n".join(f"  {line}" for line in found[:_SHOWN]), file=sys.stderr)
            else:
                print(f"ok: the site built from {label} is the same ({pages} HTML files)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
