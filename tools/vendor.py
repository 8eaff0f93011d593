"""Fetch the pinned front-end files listed in vendor.lock.json from the npm registry.

Each tarball is checked against its sha512 integrity before anything is extracted, and only the listed files are
written. Tarballs are cached in .vendor/cache so a second run needs no network.

    python -m tools.vendor [--root DIR]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import Any


def _integrity_ok(data: bytes, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        return False
    return base64.b64encode(hashlib.sha512(data).digest()).decode() == expected


def _tarball(package: dict[str, Any], cache: Path) -> bytes:
    cached = cache / f"{package['name']}-{package['version']}.tgz"
    if cached.exists():
        data = cached.read_bytes()
        if _integrity_ok(data, package["integrity"]):
            return data
    with urllib.request.urlopen(package["tarball"], timeout=120) as response:
        data = bytes(response.read())
    if not _integrity_ok(data, package["integrity"]):
        raise ValueError(f"{package['name']}@{package['version']}: the download does not match its integrity hash")
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def vendor(root: Path) -> list[str]:
    """Fetch and extract every listed file; return the problems (empty when all is well)."""
    lock = json.loads((root / "vendor.lock.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for package in lock["packages"]:
        label = f"{package['name']}@{package['version']}"
        try:
            data = _tarball(package, root / ".vendor" / "cache")
        except (OSError, ValueError) as exc:
            problems.append(f"vendor.lock.json: error: cannot fetch {label}: {exc}")
            continue
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member, target in package["files"].items():
                extracted = archive.extractfile(member)
                if extracted is None:
                    problems.append(f"vendor.lock.json: error: {label} has no file {member}")
                    continue
                path = root / target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(extracted.read())
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.vendor", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    problems = vendor(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
