"""`mkdocs build` of a project with the author-facing `html.unsafe` check (and CITATION.cff's, which refuses an
author's name on more than one line) switched off, as if a payload had got past them: what then reaches a reader
depends on the sanitiser and the escaping alone. Run as `python build_unchecked.py PROJECT_DIR`."""

from __future__ import annotations

import os
import sys

project = sys.argv[1]
sys.path.insert(0, project)
os.chdir(project)

from imap.citing import citation_file  # noqa: E402 -- the project must be importable first
from imap.model import sanitize  # noqa: E402

sanitize.unsafe_markup = lambda text: []  # what the check would say; the sanitiser itself is untouched
citation_file.check = (
    lambda root, cache=None: []
)  # CITATION.cff is still read as it is (imap.citing.manual_citation.read_work)

from mkdocs.__main__ import cli  # noqa: E402

sys.argv = ["mkdocs", "build", "--strict", "--quiet"]
cli()
