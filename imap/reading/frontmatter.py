"""Split a Markdown file into YAML front matter and body, and parse the YAML into nodes that keep line numbers.

MkDocs drops malformed front matter silently, so the project parses it itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import yaml

from imap.model.diagnostics import Diagnostic, Location, error

_FENCE = "---"
_CLOSERS = ("---", "...")
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class SplitFile:
    yaml_text: str
    yaml_line: int  # file line number of the first YAML line
    body: str
    body_line: int  # file line number of the first body line


# Characters no text file of the project has a use for, each invisible in an editor and each either written into the
# HTML as it is or refused by YAML with a line that misleads: the C0 controls but tab, line feed and carriage return;
# DEL and the C1 controls (U+0085 among them, which YAML counts as a line break); and the line and paragraph
# separators U+2028 and U+2029 (which YAML counts as line breaks too, so every line after one would be reported one
# off); and the invisible characters that make text read otherwise than it is: the bidirectional embeddings,
# overrides and isolates (U+202A to U+202E, U+2066 to U+2069: a title or a line of a rule shown in another order
# than it is written), and the zero-width space, word joiner and byte-order mark inside a file (U+200B, U+2060,
# U+FEFF: an ID or a key that looks like another). A byte-order mark at the very start is allowed and dropped.
# Unpaired surrogates cannot reach this far: UTF-8 cannot encode them (file.encoding).
_INVISIBLE: Final = "\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069"
_CONTROL: Final = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
_INVISIBLE_CHARACTER: Final = re.compile(f"[{_INVISIBLE}]")
_C0_NAMES: Final = (  # noqa: SIM905 -- the 32 names on one line read better than a list of 32 lines
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()
_OTHER_NAMES: Final = {
    "\x7f": "DEL",
    "\x85": "NEL, a line break to YAML",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\u200b": "ZERO WIDTH SPACE",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE, a byte-order mark inside the text",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
_CONTROL_LINES_SHOWN: Final = 10  # lines named one by one; a file with more is named as a whole after them


def character_name(char: str) -> str:
    """U+0000 (NUL): a character's code point and, for the characters _CONTROL matches, its short name."""
    code = ord(char)
    name = _C0_NAMES[code] if code < len(_C0_NAMES) else _OTHER_NAMES.get(char, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def decode(path: str, data: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Decode file bytes as UTF-8 (a byte-order mark is allowed) or explain why not. A text that holds a control
    character (see _CONTROL) is not returned either: every line that holds one is named."""
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (None, _control_characters(path, text)) if _has_control(data, text) else (text, [])


# Every byte but those of the C0 controls (tab, line feed and carriage return aside) and DEL: what deleting them
# leaves of UTF-8 is the C0 controls and DEL (no byte of a multi-byte character is below 0x80).
_PRINTABLE_BYTES: Final = b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_C1_BYTES: Final = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080 to U+009F in UTF-8


def _has_control(data: bytes, text: str) -> bool:
    """Whether _CONTROL matches the text, found on its bytes and with `in` (six times faster than the pattern, which
    then runs only to name what is there)."""
    return (
        bool(data.translate(None, _PRINTABLE_BYTES))
        or _C1_BYTES.search(data) is not None
        or "\u2028" in text
        or "\u2029" in text
        or _INVISIBLE_CHARACTER.search(text) is not None
    )


def _control_characters(path: str, text: str) -> list[Diagnostic]:
    """The first control character of each line that holds one (of the first few such lines)."""
    problems: list[Diagnostic] = []
    line = last = 1
    counted = 0  # offset up to which the line feeds are counted into `line`
    for found in _CONTROL.finditer(text):
        line += text.count("\n", counted, found.start())
        counted = found.start()
        if problems and line == last:
            continue
        last = line
        if len(problems) == _CONTROL_LINES_SHOWN:
            problems.append(
                error(
                    Location(path, line),
                    "file.control-character",
                    "more lines from this one on hold control characters",
                    "the file may not be text at all (UTF-16, or a binary file): save it as UTF-8 text",
                )
            )
            break
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        problems.append(
            error(
                Location(path, line),
                "file.control-character",
                f"the line holds the invisible control character {character_name(found.group())} at column {column}",
                "delete it: an editor may show it as a box, or not at all",
            )
        )
    return problems


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


MAX_DEPTH: Final = 50  # lists and mappings inside each other (no file of the project needs more than a few)


def parse_yaml(
    path: str, text: str, first_line: int, what: str, *, code: str = "frontmatter.yaml", aliases: bool = True
) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """Parse YAML text into a node tree (not Python values), so that every value keeps its line. Lists and mappings
    nested more than MAX_DEPTH deep are refused at the line where they pass that bound, and, with aliases=False, so
    is every alias (*name), at its line."""
    try:
        # libyaml (when PyYAML was built with it) is ten times faster; on an error, or on what is refused, the
        # pure-Python parser runs again for its clearer messages and the line.
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except (yaml.YAMLError, RecursionError):
        pass
    else:
        if _within_bounds(node, aliases):
            return node, _tagged(path, node, first_line, what, code)
    try:
        refused = _refused(text, aliases)  # events only: the parser keeps no recursion, so any depth is read
        if refused is None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)  # within the bound: no deep recursion
            return node, _tagged(path, node, first_line, what, code)
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
                code,
                f"{what} is not valid YAML: {problem}{context}",
                "check indentation, and quote values that contain ': ' or start with a special character",
            )
        ]
    except yaml.reader.ReaderError as exc:  # a character YAML does not take (its message spans lines)
        where = Location(path, first_line + text.count("\n", 0, exc.position))
        shown = character_name(chr(exc.character)) if isinstance(exc.character, int) else repr(exc.character)
        return None, [error(where, code, f"{what} is not valid YAML: it holds the character {shown}")]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [error(Location(path, first_line), code, f"{what} is not valid YAML: {exc}")]
    line, message, hint = refused
    return None, [error(Location(path, first_line + line), code, f"{what} {message}", hint)]


# The tags plain YAML gives values by itself. An explicit tag asks for another type (`!!binary` bytes, `!!set` a set,
# `!!python/...` objects): what this project reads from YAML is text, numbers, booleans, dates, lists and mappings,
# and a value of another type would reach the theme's templates unescaped (MkDocs reads a page's front matter again,
# with its own loader). So any other tag is refused.
_PLAIN_TAGS: Final = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


def _tagged(path: str, root: yaml.Node | None, first_line: int, what: str, code: str) -> list[Diagnostic]:
    """Every value with a tag outside the plain ones, at its line (the tree is within MAX_DEPTH: walked without
    recursion, each node once)."""
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    stack: list[yaml.Node] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            problems.append(
                error(
                    Location(path, first_line + node.start_mark.line),
                    code,
                    f"{what} gives a value the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')}, which is not "
                    "allowed here",
                    "write the value as plain text, a number, a list or a mapping, without a tag",
                )
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in reversed(node.value) for child in reversed(pair))
    return problems


def _within_bounds(root: yaml.Node | None, aliases: bool) -> bool:
    """Whether a composed tree is nested at most MAX_DEPTH deep (and, without aliases, has no node twice). Walked in
    the order of the text, a node shared through an alias is first reached where it is written, so the depth found
    is the written one, and an alias bomb costs one visit per distinct node."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode) and aliases:
            continue
        if id(node) in seen:
            if not aliases:
                return False
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            continue
        if depth > MAX_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in reversed(children))
    return True


def _refused(text: str, aliases: bool) -> tuple[int, str, str] | None:
    """The first place (0-based line, message, hint) where the YAML text nests past MAX_DEPTH or, without aliases,
    uses one; None when there is none. Raises the YAML error of a text that does not parse."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line if event.start_mark is not None else 0
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return (
                    line,
                    f"nests lists and mappings more than {MAX_DEPTH} levels deep",
                    "no value needs more than a few levels: look for brackets that are never closed",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent) and not aliases:
            return (
                line,
                f"uses the YAML alias *{event.anchor}, which is not allowed here",
                "write the value out in full",
            )
    return None


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
