"""The manual gives no doses: a dose amount anywhere in an item's text is an error, except inside a block titled
"Published trial design" that cites the trial it describes (issue 21, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import formatted, minimal


def _with_body(root: Path, text: str) -> int:
    """Puts `text` before the principle's first section; returns the file line where it starts."""
    path = root / "manual" / "principles" / "P01.md"
    body = path.read_text(encoding="utf-8")
    start = body.index("\n## ") + 1
    path.write_text(body[:start] + text + "\n\n" + body[start:], encoding="utf-8")
    return body[:start].count("\n") + 1


@pytest.mark.parametrize(
    "dose", ["120 mg", "80mg", "1.5 mg/kg", "0,5 mg/kg", "100 µg", "100 μg", "50 mcg", "125 milligrams", "2 MG"]
)
def test_a_dose_amount_in_the_text_is_an_error_with_its_line(tmp_path: Path, dose: str) -> None:
    root = minimal(tmp_path)
    line = _with_body(root, f"Give the patient {dose} at the start.")
    found = [entry for entry in formatted(root) if entry.endswith("[content.dose]")]
    assert len(found) == 1 and found[0].startswith(f"manual/principles/P01.md:{line}: error: the text gives a dose")


def test_a_cited_published_trial_design_may_describe_its_doses(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    _with_body(
        root,
        '!!! note "Published trial design"\n'
        "    The trial gave 120 mg, with an optional 60 mg after 1.5 to 2 hours [@ehlers2000cognitive].\n",
    )
    assert formatted(root) == []


def test_a_trial_design_block_without_a_citation_does_not_license_a_dose(tmp_path: Path) -> None:
    root = minimal(tmp_path)
    line = _with_body(root, '!!! note "Published trial design"\n    The trial gave 120 mg.\n')
    assert [entry.split(" error: ")[0] for entry in formatted(root) if entry.endswith("[content.dose]")] == [
        f"manual/principles/P01.md:{line + 1}:"
    ]


@pytest.mark.parametrize("text", ["In 2019 mgmt changed.", "`120 mg` in code", "P120mg", "4.5mgx", "MDMA-assisted"])
def test_numbers_that_are_not_doses_pass(tmp_path: Path, text: str) -> None:
    root = minimal(tmp_path)
    _with_body(root, text)
    assert [entry for entry in formatted(root) if entry.endswith("[content.dose]")] == []
