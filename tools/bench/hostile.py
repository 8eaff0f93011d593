"""Hostile paragraphs: texts an author (or an attacker with a pull request) could add to an item to make `make check`
slow. The benchmark adds each in turn to one principle of the real manual and times `make check` (the `hostile`
section); tests/test_adversarial.py runs the checks of a body on the first kind directly.

Two kinds:

- ADVERSARIAL: texts built against the patterns that read author text (backtick runs, unclosed tags and brackets,
  deep nesting, many headings or abbreviations). Several are past the bounds of `imap.model.sanitize.too_complex`, so a
  check refuses them (`text.too-complex`) before anything renders them.
- `inside_bounds`: for one item's body, a text for each bound sized to stay just inside it once added to that body
  (and one with all of them at once): the costliest texts a check still renders with Python-Markdown. The sizes are
  found by bisection against `too_complex` itself, so they follow the bounds when these change.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from imap.model import text_bounds
from imap.reading import frontmatter

ADVERSARIAL: dict[str, str] = {
    "backtick runs": " ".join("`" * (n % 40 + 1) for n in range(20_000)),
    "one backtick then pairs": "`" + " ``" * 50_000,
    "unclosed tags": "<a " * 33_000,
    "brackets": "[" * 50_000,
    "citation-like": "[@a;" * 20_000,
    "cross-reference-like": "[[" * 30_000,
    "attribute lists": "{: " * 30_000,
    "entities": "&#" * 30_000,
    "nested list": "".join("  " * depth + "- x\n" for depth in range(300)),
    "nested quotes": ">" * 5_000 + " x",
    "headings": "# x {\n" * 20_000,
    "underlined headings": "x\n===\n" * 20_000,
    "abbreviations": "word " * 5_000 + "\n\n" + "".join(f"*[w{n}]: x\n" for n in range(5_000)),
}


def _abbreviations(count: int) -> str:
    """A paragraph of 5,000 words, each one of `count` abbreviations, then their definitions (each definition is a
    pass of Python-Markdown over the page)."""
    words = " ".join(f"w{n % max(count, 1)}" for n in range(5_000))
    return words + "\n\n" + "".join(f"*[w{n}]: x\n" for n in range(count))


# For each bound: a text whose measure grows with n (the number of '<', of brackets, of headings, of definitions,
# the depth), and the largest n tried (a bound that is not there, or no longer there, is not searched for forever).
GROWING: dict[str, tuple[Callable[[int], str], int]] = {
    "'<' up to the bound": (lambda n: "x " + "<a " * n, 100_000),
    "'[' never closed, up to the bound": (lambda n: "[" * n, 100_000),
    "'[a](' never closed, up to the bound": (lambda n: "[a](" * n, 100_000),
    "headings up to the bound": (lambda n: "# x\n\n" * n, 100_000),
    "abbreviations up to the bound": (_abbreviations, 100_000),
    "nested list up to the bound": (lambda n: "".join("    " * depth + "- x\n" for depth in range(n)), 300),
    "nested quotes up to the bound": (lambda n: ">" * n + " x", 5_000),
}
TOGETHER = "every bound at once"


def largest(fits: Callable[[int], bool], cap: int) -> int:
    """The largest n from 1 to `cap` for which `fits(n)`, or 0 if there is none; `fits` must hold up to some n and
    not after it (doubling, then bisection: a few dozen calls)."""
    if cap < 1 or not fits(1):
        return 0
    low, high = 1, 2
    while high <= cap and fits(high):
        low, high = high, high * 2
    high = min(high, cap + 1)  # fits(low); not fits(high), or high is past the cap
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def add_paragraph(body: str, paragraph: str) -> str:
    """The body with the paragraph added at the end of its introduction: before its first `## ` heading (at the end
    if it has none), with a blank line either side."""
    match = re.search(r"(?m)^## ", body)
    at = match.start() if match else len(body)
    return body[:at].rstrip("\n") + "\n\n" + paragraph.strip("\n") + "\n\n" + body[at:]


def add_to_item(text: str, paragraph: str) -> str:
    """An item file's text (front matter and body) with the paragraph added to its body, as `add_paragraph`."""
    split, problems = frontmatter.split("item", text)
    if split is None:
        raise ValueError(f"not an item file: {problems[0].message if problems else 'no front matter'}")
    head = text[: len(text) - len(split.body)]
    return head + add_paragraph(split.body, paragraph)


def inside_bounds(body: str) -> dict[str, str]:
    """For each bound of `too_complex`, the text that comes closest to it while the body with the text added stays
    inside every bound; and all of them at once (each part as large as still fits after the ones before it)."""
    texts: dict[str, str] = {}
    together = ""
    for name, (make, cap) in GROWING.items():
        alone = _fitting(body, "", make, cap)
        if alone:
            texts[name] = alone
        together = _join(together, _fitting(body, together, make, cap))
    if together:
        texts[TOGETHER] = together
    return texts


def _fitting(body: str, before: str, make: Callable[[int], str], cap: int) -> str:
    """The largest of `make`'s texts that, after `before`, keeps the body inside the bounds ("" if none does)."""
    size = largest(lambda n: text_bounds.too_complex(add_paragraph(body, _join(before, make(n)))) is None, cap)
    return make(size) if size else ""


def _join(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    return f"{first.rstrip()}\n\n{second}"


def texts_for(item_text: str) -> dict[str, str]:
    """Every hostile paragraph for this item file: the adversarial texts, then those just inside the bounds."""
    split, _ = frontmatter.split("item", item_text)
    return {**ADVERSARIAL, **inside_bounds(split.body if split else item_text)}
