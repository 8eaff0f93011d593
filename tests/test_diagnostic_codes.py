"""Every diagnostic code the code can emit is in the documented list, and every listed code is emitted somewhere."""

from __future__ import annotations

import re

from imap.model.diagnostics import CODES
from tests.conftest import ROOT


def test_emitted_codes_are_documented_and_documented_codes_are_used() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "imap").rglob("*.py") if p.name != "diagnostics.py"
    )
    used = set(
        re.findall(
            r'"((?:file|frontmatter|field|id|link|evidence|hypothesis|citation|cff|xref|section|bib|glossary|html|template|changelog|benchmarks|version|text|content|session|form|certainty|fidelity|guide|generate|markdown|diagram)\.(?!yml")[a-z-]+)"',
            source,
        )
    )
    assert used == set(CODES)
