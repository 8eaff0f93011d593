"""The front matter of the site's own pages under docs/: a closed set of keys, each of one type.

MkDocs reads a page's front matter itself and hands every value to the theme, whose templates print some of them
as they are (Material writes `status` into a class attribute, `subtitle` into the navigation, `description` into
a <meta> tag) or use them to choose templates and icons (`template`, `icon`), where a wrong value stops the build
with a traceback. So a page may set only the keys below, with values of their types; anything else is an error
with its line, found by `make check` before MkDocs reads the page. (Item pages under manual/ have their own schema:
imap.model.schema.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from imap.checking.page_templates import DOCS_DIR, MARKDOWN_SUFFIXES, PAGE_META
from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error
from imap.reading import frontmatter, inputs, symlinks

MANUAL_LINK: Final = "docs/manual"
_LINE_BREAK: Final = re.compile(r"[\n\r\u2028\u2029\x85]")


@dataclass(frozen=True)
class PageField:
    kind: str  # "text", "flag", "words" (a list of words from `choices`), "search"
    description: str
    choices: frozenset[str] = frozenset()


PAGE_FIELDS: Final[Mapping[str, PageField]] = {
    "title": PageField("text", "the page's title (plain text, one line)"),
    "description": PageField("text", "a one-line description for search engines (plain text)"),
    "render_macros": PageField("flag", "true: the page calls the site's macros (see imap.checking.page_templates)"),
    "hover_definitions": PageField("flag", "false: the page shows no glossary hover definitions"),
    "hide": PageField(
        "words", "parts of the theme the page hides", frozenset({"navigation", "toc", "footer", "path", "feedback"})
    ),
    "search": PageField("search", "`exclude: true` leaves the page out of search"),
}


# A file's path under docs/ is its address on the site, which the theme writes into attributes as it is.
_SAFE_NAME: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")

# MkDocs publishes every file under docs/ that is not a page as it is, and one with the path of a theme file replaces
# it. So a contributor may add pages and pictures only: an SVG, an HTML page, a script or a style sheet runs in the
# reader's browser with the site's own rights. The project's own front-end files and the vendored libraries
# (vendor.lock.json) are named here; changing them is changing the project's code.
IMAGE_SUFFIXES: Final = (".png", ".jpg", ".jpeg", ".gif", ".webp")
PROJECT_FILES: Final = frozenset({"docs/assets/imap.css", "docs/assets/imap.js", "docs/benchmarks/results.json"})
RESERVED_FOLDER: Final = "docs/assets/"  # the theme's files and the project's own
VENDOR_LOCK: Final = "vendor.lock.json"


def check(root: Path) -> list[Diagnostic]:
    """Every file under docs/ (not the manual, reached through its link): a name the site can use as an address;
    and every page's front matter against PAGE_FIELDS."""
    problems: list[Diagnostic] = [
        error(
            Location(relative),
            "file.name",
            f"the file name {relative.rsplit('/', 1)[-1][:80]!r} is not one the site can use as an address",
            "name files with letters, digits, '.', '_' and '-' only",
        )
        for relative, _ in symlinks.walk(root, DOCS_DIR)
        if relative != MANUAL_LINK and not all(_SAFE_NAME.fullmatch(part) for part in relative.split("/"))
    ]
    allowed = PROJECT_FILES | _vendored(root)
    problems.extend(
        unexpected
        for relative, linked in symlinks.walk(root, DOCS_DIR)
        if not linked and (unexpected := _unexpected(relative, allowed)) is not None
    )
    for relative in _pages(root):
        data, _ = inputs.read_input(root, relative)  # what cannot be read is reported where the pages are loaded
        if data is None:
            continue
        text, _ = frontmatter.decode(relative, data)
        if text is not None:
            problems.extend(check_page(relative, text))
    return problems


def _unexpected(relative: str, allowed: frozenset[str]) -> Diagnostic | None:
    """A file under docs/ that the site would publish as it is without being a page or a picture."""
    lower = relative.lower()
    if relative in allowed or relative.endswith(MARKDOWN_SUFFIXES):  # as MkDocs reads a page: `x.MD` is no page
        return None
    if lower.startswith(RESERVED_FOLDER):
        return error(
            Location(relative),
            "file.unexpected",
            f"{relative[:120]} is in docs/assets/, which holds the theme's and the project's own files: a file there "
            "would be published as it is, or replace one of the theme's",
            "put a picture beside the page it belongs to",
        )
    if lower.endswith(IMAGE_SUFFIXES):
        return None
    return error(
        Location(relative),
        "file.unexpected",
        f"{relative[:120]} would be published as it is, and only pages and pictures (PNG, JPEG, GIF, WebP) may be "
        "added under docs/",
        "an SVG, an HTML page, a script or a style sheet can run code in a reader's browser; give a drawing as PNG, "
        "or a figure as data in the item's front matter",
    )


def _vendored(root: Path) -> frozenset[str]:
    """The files under docs/ that `make vendor` writes (vendor.lock.json; none when it cannot be read)."""
    try:
        lock = json.loads((root / VENDOR_LOCK).read_text(encoding="utf-8"))
        return frozenset(
            target
            for package in lock["packages"]
            for target in package["files"].values()
            if isinstance(target, str) and target.startswith(RESERVED_FOLDER)
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return frozenset()


def _pages(root: Path) -> Iterator[str]:
    for relative, linked in symlinks.walk(root, DOCS_DIR):
        if not linked and relative.endswith(MARKDOWN_SUFFIXES) and (root / relative).is_file():
            yield relative


def check_page(path: str, text: str) -> list[Diagnostic]:
    found = PAGE_META.match(text)
    if found is None:
        return []
    node, problems = frontmatter.parse_yaml(path, found.group(1), 2, "the front matter", aliases=False)
    if problems or node is None:
        return problems
    if not isinstance(node, yaml.MappingNode):
        return [error(Location(path, 2), "frontmatter.not-mapping", "the front matter must be a mapping of keys")]
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = 2 + key_node.start_mark.line
        spec = PAGE_FIELDS.get(key)
        if spec is None or not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                error(
                    Location(path, line),
                    "field.unknown",
                    f"unknown front matter key '{key[:40]}' for a site page",
                    did_you_mean(key, PAGE_FIELDS) or "a site page may set: " + ", ".join(PAGE_FIELDS),
                )
            )
            continue
        message = _wrong(spec, value_node)
        if message:
            problems.append(error(Location(path, line), "field.type", f"'{key}' {message}", spec.description))
    return problems


def _wrong(spec: PageField, node: yaml.Node) -> str:
    """What is wrong with the value, or ''."""
    if spec.kind == "text":
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            return "must be text"
        if _LINE_BREAK.search(str(node.value)):
            return "must be one line of text"
        return ""
    if spec.kind == "flag":
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return ""
        return "must be true or false"
    if spec.kind == "words":
        if not isinstance(node, yaml.SequenceNode) or not all(
            isinstance(item, yaml.ScalarNode) and item.value in spec.choices for item in node.value
        ):
            return "must be a list of: " + ", ".join(sorted(spec.choices))
        return ""
    # search: a mapping with `exclude: true|false` only
    if not isinstance(node, yaml.MappingNode) or [str(k.value) for k, _ in node.value] != ["exclude"]:
        return "must be a mapping with the one key exclude"
    value = node.value[0][1]
    if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:bool":
        return ""
    return "exclude must be true or false"
