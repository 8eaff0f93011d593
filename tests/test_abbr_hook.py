"""The hook that makes Python-Markdown's `abbr` extension linear in time gives the same HTML as the extension's own
method (hooks/abbr.py), on random documents and on a long definition list like the manual's generated pages."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import markdown
import markdown.extensions.abbr
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT

EXTENSIONS = ["abbr", "def_list", "attr_list", "tables", "md_in_html"]
DEFINITIONS = "\n\n*[PTSD]: post-traumatic stress disorder\n\n*[CBT]: cognitive behavioural therapy\n\n*[IFS]: x"


def _load(name: str, path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The extension's own method, from a copy of its module that no hook has touched (the hook replaces the method on
# the class of the imported module when it is loaded, by MkDocs or by this test).
ORIGINAL: Any = _load(
    "markdown.extensions._abbr_unpatched", str(markdown.extensions.abbr.__file__)
).AbbrTreeprocessor.iter_element
_load("abbr_hook", str(ROOT / "hooks" / "abbr.py"))


def _both(text: str) -> tuple[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown.extensions.abbr.AbbrTreeprocessor, "iter_element", ORIGINAL)
        original = markdown.markdown(text, extensions=EXTENSIONS)
    return markdown.markdown(text, extensions=EXTENSIONS), original


_WORDS = st.sampled_from(["PTSD", "CBT", "IFS", "text", "PTSDs", "`PTSD`", "*PTSD*", "**CBT** IFS", "[PTSD](x)", "a"])
_LINES = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_BLOCKS = st.one_of(
    _LINES,
    st.lists(_LINES, min_size=1, max_size=4).map(lambda lines: "\n".join(f"- {line}" for line in lines)),
    st.lists(_LINES, min_size=1, max_size=3).map(lambda lines: "\n".join(f"1. {line}\n    - {line}" for line in lines)),
    st.tuples(_LINES, _LINES).map(lambda pair: f"{pair[0]}\n:   {pair[1]}"),
    st.tuples(_LINES, _LINES).map(lambda pair: f"| A | B |\n|---|---|\n| {pair[0]} | {pair[1]} |"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_BLOCKS, min_size=1, max_size=8))
def test_the_linear_version_marks_the_same_abbreviations(blocks: list[str]) -> None:
    linear, original = _both("\n\n".join(blocks) + DEFINITIONS)
    assert linear == original


def test_a_long_definition_list_is_marked_in_full() -> None:
    """The shape of the pages that grow with the manual (the glossary, the registries): one parent, many children,
    an abbreviation after each."""
    text = "\n\n".join(f"Term {n} PTSD\n:   Defined with CBT and *IFS* then PTSD." for n in range(300)) + DEFINITIONS
    linear, original = _both(text)
    assert linear == original
    assert linear.count('<abbr title="post-traumatic stress disorder">PTSD</abbr>') == 600
