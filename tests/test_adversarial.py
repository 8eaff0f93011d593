"""Adversarial text: the patterns over author text answer in time that grows with the text, not with its square,
and never raise. Each case has a generous guard (seconds, far above what a linear pass takes) that catches a hang
without being a timing assertion; the figures themselves belong to `make bench`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imap.model import markup, sanitize, text_bounds
from tests.helpers import within
from tools.bench.hostile import ADVERSARIAL  # the benchmark adds the same texts to a principle and times make check

GUARD_SECONDS = 30.0


def _reference_code_spans(text: str) -> list[tuple[int, int]]:
    """Code spans by their definition, the slow way: a run of backticks is closed by the next run as long."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        length = runs[index][1] - runs[index][0]
        closing = next((k for k in range(index + 1, len(runs)) if runs[k][1] - runs[k][0] == length), None)
        if closing is None:
            index += 1
        else:
            spans.append((runs[index][0], runs[closing][1]))
            index = closing + 1
    return spans


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="`` a\n\\[]@", max_size=80))
def test_code_spans_are_found_as_defined(text: str) -> None:
    assert markup._code_spans(text) == _reference_code_spans(text)


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_the_body_checks_answer_on_adversarial_text(name: str) -> None:
    text = ADVERSARIAL[name]
    found = within(GUARD_SECONDS, lambda: (markup.scan(text), markup.headings(text), sanitize.unsafe_markup(text)))
    assert isinstance(found, tuple)


def test_texts_past_the_bounds_are_refused_before_rendering() -> None:
    for text in (
        "<a " * (text_bounds.MAX_ANGLE_BRACKETS + 1),
        "[" * 3_000,
        "[a](" * 3_000,
        "# x\n" * (text_bounds.MAX_HEADINGS + 1),
        "*[a]: b\n" * (text_bounds.MAX_ABBREVIATIONS + 1),
        "".join("    " * depth + "- x\n" for depth in range(300)),
        "".join("\t" * depth + "- x\n" for depth in range(text_bounds.MAX_NESTING + 2)),
        "> " * 300 + "x",
    ):
        found = sanitize.unsafe_markup(text)
        assert [u.code for u in found] == ["text.too-complex"]
    paragraphs = "\n\n".join(["x [" * 600] * 30)  # far from each other's ends, in 30 paragraphs
    assert [u.code for u in sanitize.unsafe_markup(paragraphs)] == ["text.too-complex"]
    citations = "A sentence that cites [@ehlers2000cognitive; @foa2006emotional].\n\n" * 50_000
    assert text_bounds.too_complex(citations) is None  # many brackets, each closed at once: linear work


def test_the_worst_text_within_the_bounds_still_renders() -> None:
    """Just inside every bound at once: rendered and checked, within the guard."""
    text = (
        "[" * 1_350
        + "\n\nx "
        + "<a " * text_bounds.MAX_ANGLE_BRACKETS
        + "\n\n"
        + "".join(f"# h{n}\n\n" for n in range(text_bounds.MAX_HEADINGS))
        + "".join(f"*[w{n}]: x\n" for n in range(text_bounds.MAX_ABBREVIATIONS))
    )
    assert within(GUARD_SECONDS, lambda: sanitize.unsafe_markup(text)) == []
