"""Small builders for tests that work on files without building a site."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from imap.checking.incremental import check_project
from imap.checking.project import load_project
from imap.model.diagnostics import Diagnostic
from imap.model.vocab import OFF_COURSE

BIB = """\
@article{ehlers2000cognitive,
  author  = {Ehlers, Anke and Clark, David M.},
  title   = {A Cognitive Model of Posttraumatic Stress Disorder},
  journal = {Behaviour Research and Therapy},
  year    = {2000},
  volume  = {38},
  number  = {4},
  pages   = {319--345},
  doi     = {10.1016/S0005-7967(99)00123-0}
}

@book{siegel1999developing,
  author    = {Siegel, Daniel J.},
  title     = {The Developing Mind},
  publisher = {Guilford Press},
  year      = {1999}
}
"""

THEORY = """\
---
id: T01
title: A theory
summary: One sentence.
since: 0.1.0
evidence:
  - source: ehlers2000cognitive
    claim: A claim
    kind: theory
    context: ptsd-treatment
---

## Core claim

Text [@siegel1999developing].

## Implications for the MDMA session

Text.

## Evidence and limits

Text.
"""

PRINCIPLE = """\
---
id: P01
title: A principle
summary: One sentence.
since: 0.1.0
theories: [T01]
evidence:
  - source: siegel1999developing
    claim: A claim
    kind: theory
    context: psychotherapy
hypotheses:
  - id: H01a
    prediction: A prediction.
    mechanism: A mechanism.
    measure: CAPS-5.
    design: A trial.
    comparison: One arm against another.
    threshold: set in a pre-registered protocol
    refuted_if: No difference.
    status: untested
certainty:
  rating: very-low
  downgraded_for: [indirectness]
  rationale: Theory only.
  basis: [siegel1999developing]
fidelity:
  - indicator: An indicator.
    unit: session
    anchors: [Absent., Partly., Fully.]
---

## What it means

Text.

## Why

Text.

## What it looks like in a session

Text.

## Decision points

Text.

## Cautions and limits

Text.
"""


INTERVENTION = """\
---
id: I01
title: Grounding
summary: Bring attention back to the room.
since: 0.1.0
principles: [P01]
phases: [preparation, medicine]
source_therapy: Phase-oriented trauma treatment
evidence:
  - source: siegel1999developing
    claim: A claim
    kind: theory
    context: psychotherapy
certainty:
  rating: very-low
  rationale: Theory only.
  basis: [siegel1999developing]
---

## Purpose

Text.

## When to use it

Text.

## How

Text.

## Adaptations for the MDMA state

Text.

## When not to use it

Text.
"""


_OFF_COURSE = "\n".join(f"### {situation}\n\nWhat the team does.\n" for situation in OFF_COURSE)

SESSION_FRONT_MATTER = """\
---
id: S01
title: First preparation session
summary: Meet both therapists.
since: 0.1.0
phase: preparation
principles: [P01]
interventions: [I01]
---
"""

SESSION = f"""{SESSION_FRONT_MATTER}
## Purpose

Text [@ehlers2000cognitive].

## Prerequisites

- Consent given sober.

## Timing

About 90 minutes, as the governing protocol sets.

## Steps

1. Greet the patient.

!!! wording "Example wording, written for this manual"
    - "We go at your pace."

## What is recorded

- A note.

## Off course

{_OFF_COURSE}"""


def write(root: Path, relative: str, text: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def minimal(root: Path) -> Path:
    """A valid two-item project: one theory, one principle, two references."""
    write(root, "references.bib", BIB)
    write(root, "manual/theories/T01.md", THEORY)
    write(root, "manual/principles/P01.md", PRINCIPLE)
    return root


def diagnostics(root: Path) -> list[Diagnostic]:
    """The project's diagnostics as the site build finds them; `make check`'s own path must find the same, on a
    first run and on a run that reuses what the first kept."""
    found = list(load_project(root).diagnostics)
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(2):
            assert list(check_project(root, Path(cache)).diagnostics) == found
    return found


def formatted(root: Path) -> list[str]:
    return [d.format() for d in diagnostics(root)]


T = TypeVar("T")


def within(seconds: float, work: Callable[[], T]) -> T:
    """work(), run in a thread that must finish within `seconds`: a generous guard that catches a hang (an endless
    read, a quadratic pattern) without being a timing assertion."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as problem:  # noqa: BLE001 -- handed to the test's own thread
            failure.append(problem)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if failure:
        raise failure[0]
    return result[0]


def scaffolding(root: Path) -> Path:
    """A minimal project that `make new` can add to: the real templates and a VERSION."""
    from tests.conftest import ROOT

    minimal(root)
    shutil.copytree(ROOT / "templates", root / "templates")
    write(root, "VERSION", "0.1.0\n")
    return root


class HookConfig(dict[str, object]):
    """What the MkDocs adapter hook (hooks/adapter.py) reads and writes of MkDocs' configuration."""

    def __init__(self, root: Path, nav: object = None) -> None:
        super().__init__()
        self.config_file_path = str(root / "mkdocs.yml")
        self.site_url = ""
        self.use_directory_urls = True  # pages as folders, as the site is built (the offline edition: files)
        self.nav = nav
        self.watch: list[str] = []
        self.extra: dict[str, object] = {}


def adapter_hook() -> ModuleType:
    """The MkDocs adapter (hooks/adapter.py), loaded as MkDocs loads a hook."""
    spec = importlib.util.spec_from_file_location(
        "imap_adapter_hook", Path(__file__).resolve().parent.parent / "hooks" / "adapter.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_refusal(root: Path) -> str:
    """Why the site build of the project at `root` stops before any page is made (the adapter's PluginError)."""
    from mkdocs.exceptions import PluginError

    saved = list(sys.path)
    try:
        adapter_hook().on_config(HookConfig(root))
    except PluginError as exc:
        return str(exc)
    finally:
        sys.path[:] = saved
    raise AssertionError("the build went on")
