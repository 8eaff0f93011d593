"""Split a Markdown file into YAML front matter and body, and parse the YAML into nodes that keep line numbers.

MkDocs drops malformed front matter silently, so the project parses it itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from macros.diagnostics import Diagnostic, Location, error

_FENCE = "---"
_CLOSERS = ("---", "...")
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class SplitFile:
    yaml_text: str
    yaml_line: int  # file line number of the first YAML line
    body: str
    body_line: int  # file line number of the first body line


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Decode file bytes as UTF-8 (a byte-order mark is allowed) or explain why not."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            error(
                Location(path, line),
                "file.encoding",
                f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split(path: str, text: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    if not text.strip():
        return None, [
            error(Location(path, 1), "file.empty", "the file is empty", "start it from a template in templates/")
        ]
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        return None, [
            error(
                Location(path, 1),
                "frontmatter.missing",
                "the file does not start with a front matter block",
                "the first line must be ---, followed by the YAML keys and a closing ---",
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSERS:
            return (
                SplitFile(
                    yaml_text="\n".join(lines[1:index]) + "\n",
                    yaml_line=2,
                    body="\n".join(lines[index + 1 :]),
                    body_line=index + 2,
                ),
                [],
            )
    return None, [
        error(
            Location(path, 1),
            "frontmatter.unclosed",
            "the front matter block opened here is never closed",
            "add a line with ---",
        )
    ]


def parse_yaml(path: str, text: str, first_line: int, what: str) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """Parse YAML text into a node tree (not Python values), so that every value keeps its line."""
    try:
        # libyaml (when PyYAML was built with it) is ten times faster; on an error the pure-Python parser runs
        # again for its clearer messages.
        return yaml.compose(text, Loader=_FAST_LOADER), []
    except (yaml.YAMLError, RecursionError):
        pass
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), []
    except yaml.MarkedYAMLError as exc:
        # At the end of the block the problem mark points past the text; the context (where the unclosed
        # bracket or quote began) is the line an author needs.
        problem_text = exc.problem or ""
        at_end = "end of the stream" in problem_text or "<stream end>" in problem_text
        mark = (exc.context_mark if at_end and exc.context_mark else None) or exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        return None, [
            error(
                Location(path, line),
                "frontmatter.yaml",
                f"{what} is not valid YAML: {problem}{context}",
                "check indentation, and quote values that contain ': ' or start with a special character",
            )
        ]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [error(Location(path, first_line), "frontmatter.yaml", f"{what} is not valid YAML: {exc}")]


def compose(path: str, split_file: SplitFile) -> tuple[yaml.MappingNode | None, list[Diagnostic]]:
    """Parse the front matter into a node tree, which must be a mapping."""
    node, problems = parse_yaml(path, split_file.yaml_text, split_file.yaml_line, "the front matter")
    if problems:
        return None, problems
    if node is None:
        return None, [
            error(
                Location(path, 1), "frontmatter.not-mapping", "the front matter is empty", "add at least id and title"
            )
        ]
    if not isinstance(node, yaml.MappingNode):
        return None, [
            error(
                Location(path, split_file.yaml_line + node.start_mark.line),
                "frontmatter.not-mapping",
                "the front matter must be a mapping of keys to values, like 'title: ...'",
            )
        ]
    return node, []
