"""A synthetic bibliography for `make bench`: unique authors and titles, with the entry-type shares of the manual's
own references.bib, so that formatting time grows as it would for a real library of that size."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

_FAMILIES = ("Abara", "Berg", "Castell", "Dunmore", "Ekwueme", "Farrow", "Gaspar", "Holm", "Ivers", "Jalali")
_GIVEN = ("Ana", "Bram", "Chidi", "Dana", "Eli", "Fen", "Gita", "Hal", "Ines", "Joss")
_WORDS = (
    "trauma", "memory", "alliance", "exposure", "therapy", "outcomes", "safety", "processing", "emotion", "recovery",
    "fear", "extinction", "cognition", "relationship", "fidelity", "training", "measure", "trial", "review", "model",
)  # fmt: skip


def shares(bibtex: str) -> Counter[str]:
    """How many entries of each type the bibliography has."""
    return Counter(t.lower() for t in re.findall(r"^@(\w+)\s*\{", bibtex, re.MULTILINE))


def entry(index: int, entry_type: str, rng: random.Random) -> str:
    authors = " and ".join(
        f"{rng.choice(_FAMILIES)}{index}x{n}, {rng.choice(_GIVEN)} {chr(65 + n)}." for n in range(rng.randint(1, 6))
    )
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 12))).capitalize() + f" {{PTSD}} {index}"
    year = 1980 + index % 45
    fields = [f"author = {{{authors}}}", f"title = {{{title}}}", f"year = {{{year}}}"]
    if entry_type == "article":
        fields += [f"journal = {{Journal of {rng.choice(_WORDS).title()}}}", f"volume = {{{index % 60}}}"]
        fields += [f"pages = {{{index % 300}--{index % 300 + 12}}}", f"doi = {{10.5555/bench.{index}}}"]
    elif entry_type in ("incollection", "inbook"):
        fields += [f"booktitle = {{Handbook of {rng.choice(_WORDS)}}}", "publisher = {Guilford Press}"]
        fields += ["editor = {Editor, Ed and Other, Ote}", f"pages = {{{index % 90}--{index % 90 + 20}}}"]
    elif entry_type in ("book", "report", "techreport", "manual", "thesis", "phdthesis"):
        fields += ["publisher = {Example Press}", "institution = {Example Institute}", "school = {Example University}"]
    else:
        fields += [f"url = {{https://example.org/{index}}}", "howpublished = {Example site}"]
    return f"@{entry_type}{{bench{index},\n  " + ",\n  ".join(fields) + "\n}\n"


def synthetic(size: int, model: str, seed: int = 7) -> str:
    """A bibliography of `size` entries with the type shares of `model` (a BibTeX text)."""
    counts = shares(model)
    types = [t for t, n in counts.most_common() for _ in range(n)] or ["article"]
    rng = random.Random(seed)
    return "\n".join(entry(i, types[i % len(types)], rng) for i in range(size))


def write(size: int, model: Path, into: Path) -> Path:
    into.write_text(synthetic(size, model.read_text(encoding="utf-8")), encoding="utf-8")
    return into
