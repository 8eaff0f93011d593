"""`mkdocs build` of a project with the author-facing `html.unsafe` check switched off, as if a payload had got past
it: what then reaches a reader depends on the sanitiser alone. Run as `python build_unchecked.py PROJECT_DIR`."""

from __future__ import annotations

import os
import sys

project = sys.argv[1]
sys.path.insert(0, project)
os.chdir(project)

from macros import sanitize  # noqa: E402 -- the project must be importable first

sanitize.unsafe_markup = lambda text: []  # what the check would say; the sanitiser itself is untouched

from mkdocs.__main__ import cli  # noqa: E402

sys.argv = ["mkdocs", "build", "--strict", "--quiet"]
cli()
