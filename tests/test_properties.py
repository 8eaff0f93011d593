"""Random and mutated input: the loaders always answer with diagnostics and never raise."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from imap.citing import citeproc, prepass
from imap.model import paths, sanitize, text_bounds
from imap.model.diagnostics import Location, has_errors
from imap.model.items import Kind, Term
from imap.model.manual import Manual
from imap.reading import bibliography, frontmatter, item_file
from imap.rendering import markdown, reference_pages
from tests.helpers import BIB, PRINCIPLE

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load_item(text: str) -> None:
    split, _ = frontmatter.split("manual/principles/P01.md", text)
    if split is None:
        return
    node, _ = frontmatter.compose("manual/principles/P01.md", split)
    if node is None:
        return
    item, problems = item_file.read_item(
        "manual/principles/P01.md", Kind.PRINCIPLE, node, 2, split.body, split.body_line
    )
    assert item is not None or problems


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    text = original
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(
            st.sampled_from(
                ["{", "}", "[", "]", ":", "-", "\n", "  ", "@", ",", "'", '"', "&a", "*a", "---", "\t", "%"]
            )
        )
        if action == "insert":
            text = text[:position] + chunk + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)) :]
        else:
            text = text[:position] + chunk + text[position + len(chunk) :]
    return text


@_SETTINGS
@given(mutated(PRINCIPLE))
def test_mutated_front_matter_never_raises(text: str) -> None:
    _load_item(text)


@_SETTINGS
@given(st.text(max_size=400))
def test_random_front_matter_never_raises(text: str) -> None:
    _load_item("---\n" + text + "\n---\n")


@_SETTINGS
@given(mutated(BIB))
def test_mutated_bibtex_never_raises(text: str) -> None:
    references, problems = bibliography.load("references.bib", text)
    if not any(p.code == "bib.parse" for p in problems):
        result = citeproc.process(text, references)
        problems += result.problems
        if not has_errors(problems):
            assert set(result.formatted) == set(references)
    assert all(p.location.path == "references.bib" for p in problems)


@_SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    text, problems = frontmatter.decode("x.md", data)
    assert (text is None) == bool(problems)
    if text is not None:
        _load_item(text)
        bibliography.load("references.bib", text)


def test_loader_handles_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "P01.md"
    path.write_text(PRINCIPLE, encoding="utf-8")
    _load_item(path.read_text(encoding="utf-8"))


@_SETTINGS
@given(st.text(alphabet="ab {}-_^#\n.,'0/:\u00e9", max_size=30))
def test_plain_text_decodes_as_pylatexenc_decodes_it(text: str) -> None:
    """The decoders skip pylatexenc for text whose only markup is braces and dashes; the result is pylatexenc's."""
    from pylatexenc.latex2text import LatexNodes2Text

    full = LatexNodes2Text()
    assert bibliography.name_decoder().latex_to_text(text) == full.latex_to_text(text)
    assert bibliography.field_decoder().latex_to_text(text) == full.latex_to_text(text)


_DOCS_PATH = st.builds(
    lambda folders, name: "/".join([*folders, name]),
    st.lists(st.sampled_from(["manual", "principles", "a", "P01", "x y"]), max_size=3),
    st.sampled_from(["index.md", "P01.md", "a.md", "bibliography.md"]),
)


@given(_DOCS_PATH, _DOCS_PATH)
@_SETTINGS
def test_relative_links_are_the_standard_library_relpath(from_path: str, to_path: str) -> None:
    expected = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    assert markdown.rel(from_path, to_path) == expected
    assert markdown.rel(from_path, to_path, "cite") == expected + "#cite"


_SITE_PATH = st.builds(
    lambda parts, slash: "/".join(parts) + slash,
    st.lists(st.sampled_from(["manual", "principles", "P01", "id", "data", "a b"]), max_size=4),
    st.sampled_from(["", "/"]),
)


@given(_SITE_PATH, _SITE_PATH)
@_SETTINGS
def test_every_relative_address_is_the_standard_library_relpath(target: str, start: str) -> None:
    # The /id/ forwarding pages, the data file links and the diagram links go through paths.relpath.
    expected = posixpath.relpath(target.rstrip("/") or ".", start.rstrip("/") or ".")
    assert paths.relpath(target, start) == expected
    page = start.rstrip("/") + "/index.md" if start.rstrip("/") else "index.md"
    assert markdown.url_from(page, target.rstrip("/") + ".md" if target.rstrip("/") else "index.md") == (
        expected.rstrip("/") + "/" if expected != "." else "./"
    )


_TERM_WORDS = st.text("ab", min_size=1, max_size=3)


@st.composite
def glossary_terms(draw: st.DrawFn) -> str:
    words = draw(st.lists(_TERM_WORDS, min_size=1, max_size=3))
    term = "".join(w + draw(st.sampled_from([" ", "-"])) for w in words[:-1]) + words[-1]
    return term + draw(st.sampled_from(["", "", "", " (b)"]))  # sometimes a term the text may show escaped


def _terms_shown(terms: list[str], text: str) -> tuple[int, ...]:
    """The definition: every term that is not plain words, spaces and hyphens; and every term that starts, in the
    text, where its first word stands as a whole word."""
    shown = []
    for position, term in enumerate(terms):
        first = re.match(r"\w+", term)
        if not re.fullmatch(r"\w[\w -]*", term) or first is None:
            shown.append(position)
            continue
        starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(first.group(0))}(?!\w)", text)]
        if any(text.startswith(term, at) for at in starts):
            shown.append(position)
    return tuple(shown)


@_SETTINGS
@given(
    st.lists(glossary_terms(), max_size=12),
    st.lists(st.one_of(_TERM_WORDS, st.sampled_from([" ", "-", ". ", "x", "(b)"])), max_size=30),
)
@example(["a b", "a", "b-a"], ["xa b", " b-a"])  # "a" inside "xa" is not the word "a"
def test_the_terms_a_page_shows_are_found_by_their_first_word(terms: list[str], pieces: list[str]) -> None:
    text = "".join(pieces)
    glossary = tuple(Term(term, "Definition.", Location("glossary.yml", n)) for n, term in enumerate(terms, 1))
    index = Manual(items=(), references={}, glossary=glossary).terms_by_word
    assert reference_pages._terms_in(index, text) == _terms_shown(terms, text)


_MARKDOWN_PIECES = st.sampled_from(
    [
        "word ",
        "_",
        "*",
        "**",
        "# ",
        "## ",
        "\n",
        "\n\n",
        "    ",
        "- ",
        "1. ",
        "> ",
        "```",
        "`",
        '!!! note "T"\n    ',
        "??? x\n    ",
        "| a | b |\n|:--|--:|\n| c | d |\n",
        "Term\n:   Definition\n",
        "[",
        "]",
        "(",
        ")",
        "!",
        ":",
        "javascript:alert(1)",
        "http://example.org",
        "[@key]",
        "] (",
        "] [",
        "][",
        "[a]: /x\n",
        "[[P01]]",
        "===",
        "---",
        "\\",
        '"',
        "'",
        "=",
        "~",
        "^",
        "|",
        "#",
    ]
)


@_SETTINGS
@given(st.lists(_MARKDOWN_PIECES, max_size=40).map("".join))
@example("# _x\n\n__init__ heading")
@example("Title with _under_\n===\n")
def test_a_text_the_shortcut_passes_has_nothing_for_the_sanitiser_to_remove(text: str) -> None:
    """`make check` skips rendering a text with no raw HTML, attribute list, entity, link, image, reference or
    footnote syntax and no run of underscores; for any such text, the full check finds nothing either."""
    if sanitize.may_be_removed(text) or text_bounds.too_complex(text) is not None:
        return
    assert sanitize.removed(sanitize.markdown_html(text)) == []


@_SETTINGS
@given(st.text(alphabet="\\emph{}textia x\n", max_size=80))
def test_protecting_styled_groups_keeps_the_text_and_its_lines(text: str) -> None:
    protected = prepass.protect_styled_groups(text)
    assert protected.count("\n") == text.count("\n")
    assert protected.replace("{", "").replace("}", "") == text.replace("{", "").replace("}", "")  # braces only


@_SETTINGS
@given(st.text(alphabet="\\textsubcript{}$^_H2O -x\n", max_size=80))
def test_protecting_formula_words_adds_braces_only(text: str) -> None:
    protected = prepass.protect_formula_words(text)
    assert protected.count("\n") == text.count("\n")
    assert protected.replace("{", "").replace("}", "") == text.replace("{", "").replace("}", "")
