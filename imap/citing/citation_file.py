"""CITATION.cff read and checked: against the JSON Schema of the Citation File Format 1.2.0 (vendored in
imap/citing/schemas/), with each problem at its line, and against the project's own rules (no YAML aliases; the
fields the site prints are one line of plain text). The check is linear in the file's size."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error
from imap.reading import frontmatter, inputs, parsecache
from imap.reading.parsecache import ParseCache

FILE = "CITATION.cff"


SCHEMA: Final = Path(__file__).parent / "schemas" / "citation-cff-1.2.0.json"  # see imap/citing/schemas/README.md


CffChecked = tuple[Diagnostic, ...]


def check(root: Path, cache: ParseCache[CffChecked] | None = None) -> list[Diagnostic]:
    """Every problem of CITATION.cff: none when there is no such file (anything else in its place is reported by
    project.check_inputs). With a cache, a file checked before (against the same schema) is not checked again."""
    data = _read(root)
    if data is None:
        return []
    key = parsecache.digest(FILE, data, SCHEMA.read_bytes())
    stored = cache.get(key) if cache is not None else None
    if stored is None:
        stored = tuple(_check(data))
        if cache is not None:
            cache.put(key, stored)
    return list(stored)


def _read(root: Path) -> bytes | None:
    """The file's bytes; None when there is none, or something else (a folder, a symbolic link) is in its place,
    which project.check_inputs reports."""
    data = inputs.read(root / FILE)
    return data if isinstance(data, bytes) else None


@dataclass
class _Nodes:
    """Where each value of the file is written: its node, and for a value in a mapping the node of its key."""

    values: dict[tuple[str | int, ...], yaml.Node]
    keys: dict[tuple[str | int, ...], yaml.Node]

    def line(self, path: Iterable[str | int], key: bool = False) -> int:
        path = tuple(path)
        while path and path not in self.values:  # not written (a default): where its mapping is
            path = path[:-1]
        node = (self.keys if key and path in self.keys else self.values).get(path)
        return node.start_mark.line + 1 if node is not None else 1


_TIMESTAMP: Final = "tag:yaml.org,2002:timestamp"


_SCALARS: Final = frozenset(
    {_TIMESTAMP, *(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null"))}
)


_COLLECTIONS: Final = frozenset(("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"))


def _load(data: bytes | None) -> tuple[Any, list[Diagnostic], _Nodes | None]:
    """CITATION.cff as JSON-like data (dates as text, as the schema asks), its YAML problems, and where each value
    is written (None when the file could not be read as YAML). Aliases are refused and nesting is bounded
    (imap.reading.frontmatter), so no file costs more to read than its size."""
    if data is None:
        return None, [], None
    text, problems = frontmatter.decode(FILE, data)
    if text is None:
        return None, problems, None
    node, problems = frontmatter.parse_yaml(FILE, text, 1, FILE, code="cff.yaml", aliases=False)
    nodes = _Nodes({}, {})
    if node is None:
        return None, problems, None if problems else nodes  # an empty file is valid YAML, and no citation
    constructor = yaml.SafeLoader("")
    problems = []

    def value(node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        nodes.values[path] = node
        line = Location(FILE, node.start_mark.line + 1)
        if node.tag not in (_SCALARS | _COLLECTIONS if not isinstance(node, yaml.ScalarNode) else _SCALARS):
            problems.append(error(line, "cff.yaml", f"{_where(path)}: the YAML tag {node.tag} is not allowed"))
        if isinstance(node, yaml.SequenceNode):
            return [value(child, (*path, index)) for index, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                where = Location(FILE, key_node.start_mark.line + 1)
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(error(where, "cff.yaml", f"{_where(path)}: a key must be a plain word"))
                    continue
                key = str(key_node.value)
                if key in result:
                    message = f"{_where(path)}: key '{key}' appears twice"
                    problems.append(error(where, "cff.yaml", message, "YAML would keep the last"))
                nodes.keys[(*path, key)] = key_node
                result[key] = value(value_node, (*path, key))
            return result
        if node.tag == _TIMESTAMP or node.tag not in _SCALARS:
            return str(node.value)  # a date as written, as the schema asks; an unknown tag's value (reported) as text
        try:
            return constructor.construct_object(node)
        except (ValueError, yaml.YAMLError):  # cannot be: each tag above is given only to text that fits it
            problems.append(error(line, "cff.yaml", f"{_where(path)}: {node.value!r} is not a valid {node.tag}"))
            return str(node.value)

    return value(node, ()), problems, nodes


def _check(data: bytes) -> list[Diagnostic]:
    found, problems, nodes = _load(data)
    if nodes is None:
        return problems
    for failure in _validator().iter_errors(found):
        for specific in _specific(failure):
            problems.extend(_schema_problem(specific, nodes))
    problems.extend(_printed_text(found, nodes))
    return problems


# The schema's patterns, as Python's re runs them, each in time linear in the text, but one: the e-mail address's
# backtracks in time cubic in a text like '.@.@.@ ...'. It runs as the same test written to run in linear time
# (the first '@' after the first character ends the local part; the whole text, but a final line feed, is without
# white space, so the last dot with two characters after it is found in one pass). A test holds the two equal.
_LINEAR_PATTERNS: Final = {r"^[\S]+@[\S]+\.[\S]{2,}$": r"^(?=\S+\n?\Z)\S[^\s@]*+@\S+\.\S{2,}$"}


@cache
def _validator() -> Any:
    """The Citation File Format 1.2.0 schema's validator (draft-07, formats checked), with the two keywords whose
    checks jsonschema runs in more than linear time replaced: `pattern` (see _LINEAR_PATTERNS) and `uniqueItems`
    (which compares entries pairwise, such as the authors, and here compares their canonical JSON text, so that 1
    and 1.0 count as two values)."""
    import jsonschema  # only when the file changed: its import costs a tenth of a second

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and not re.search(_LINEAR_PATTERNS.get(regex, regex), instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {regex!r}")

    def unique(validator: Any, unique: bool, instance: Any, schema: Any) -> Any:
        if unique and validator.is_type(instance, "array"):
            texts = [json.dumps(entry, sort_keys=True) for entry in instance]
            if len(set(texts)) < len(texts):
                yield jsonschema.ValidationError(f"{instance!r} has non-unique elements")

    checks = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern, "uniqueItems": unique})
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return checks(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@cache
def _keys() -> tuple[str, ...]:
    """Every key the schema names anywhere (for a hint at a misspelt key, such as 'nam' for an entity's 'name')."""
    found: set[str] = set()
    stack: list[Any] = [json.loads(SCHEMA.read_text(encoding="utf-8"))]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.update(node.get("properties", {}) if isinstance(node.get("properties"), dict) else ())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return tuple(sorted(found))


def _specific(failure: Any) -> list[Any]:
    """The errors to report for one schema error: for anyOf or oneOf, those of the alternative that comes closest
    (fewest problems, then the most specific ones, then not a type mismatch at the value itself)."""
    if failure.validator not in ("anyOf", "oneOf") or not failure.context:
        return [failure]
    branches: dict[int, list[Any]] = {}
    for sub in failure.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    mismatches = [
        b[0] for b in branches.values() if len(b) == 1 and b[0].validator == "type" and not b[0].relative_path
    ]
    if len(mismatches) == len(branches):  # a value of none of the types: one error naming them all
        wanted = [t for e in mismatches for t in ([e.validator_value] if isinstance(e.validator_value, str) else [])]
        return [
            type(failure)(
                failure.message,
                validator="type",
                validator_value=list(dict.fromkeys(wanted)),
                instance=failure.instance,
                schema=failure.schema,
                path=failure.absolute_path,
            )
        ]

    def weight(errors: list[Any]) -> tuple[int, int, bool]:
        count = sum(_count(e) for e in errors)
        depth = max(len(e.relative_path) for e in errors)
        mismatch = any(e.validator == "type" and not e.relative_path for e in errors)
        return count, -depth, mismatch

    closest = min(branches.values(), key=weight)
    return [specific for sub in closest for specific in _specific(sub)]


def _count(failure: Any) -> int:
    if failure.validator == "additionalProperties" and isinstance(failure.instance, dict):
        return max(1, len(_extra_keys(failure)))
    return 1


def _extra_keys(failure: Any) -> list[str]:
    allowed = failure.schema.get("properties", {})
    return [key for key in failure.instance if key not in allowed]


_TYPES: Final = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of keys to values",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _where(path: Iterable[str | int]) -> str:
    parts = [f"'{part}'" if isinstance(part, str) else f"entry {part + 1}" for part in path]
    return ", ".join(parts) if parts else FILE


def _schema_problem(failure: Any, nodes: _Nodes) -> list[Diagnostic]:
    path = tuple(failure.absolute_path)
    where, value, rule = _where(path), failure.instance, failure.validator_value
    examples = failure.schema.get("examples")
    example = f"for example {examples[0]}" if examples and isinstance(examples[0], str) else ""
    here = Location(FILE, nodes.line(path))
    hint = ""
    if failure.validator == "additionalProperties" and isinstance(value, dict):
        allowed = failure.schema.get("properties", {})
        return [
            error(
                Location(FILE, nodes.line((*path, key), key=True)),
                "cff.schema",
                f"{where}: unknown key '{key}'",
                did_you_mean(key, allowed) or did_you_mean(key, _keys()) or f"the keys here are: {', '.join(allowed)}",
            )
            for key in _extra_keys(failure)
        ]
    if failure.validator == "required" and isinstance(value, dict):
        return [
            error(here, "cff.schema", f"{where}: the required key '{key}' is missing")
            for key in rule
            if key not in value
        ]
    if failure.validator == "type":
        wanted = " or ".join(_TYPES.get(t, t) for t in ([rule] if isinstance(rule, str) else rule))
        message = f"{where} must be {wanted}, not {_shown(value)}"
    elif failure.validator == "enum":
        message = f"{where}: {_shown(value)} is not one of the values the Citation File Format allows"
        shown = ", ".join(map(str, rule))
        hint = (
            f"one of: {shown}"
            if len(rule) <= 12
            else f"one of {len(rule)} values, listed in imap/citing/schemas/{SCHEMA.name}"
        )
    elif failure.validator in ("pattern", "format"):
        message = f"{where}: {_shown(value)} is not of the form the Citation File Format asks for"
        hint = example or (f"it must match {rule}" if failure.validator == "pattern" else f"a {rule}")
    elif failure.validator == "minLength" and rule == 1:
        message = f"{where} is empty"
    elif failure.validator == "minItems":
        message = f"{where} must list at least {rule}"
    elif failure.validator == "uniqueItems":
        message = f"{where} lists the same entry twice"
    else:
        text = " ".join(str(failure.message).split())
        message = f"{where}: {text if len(text) <= 160 else text[:159] + '…'}"
    return [error(here, "cff.schema", message, hint)]


# What the site prints of CITATION.cff: one line of text each, without control characters (tabs and line breaks
# included), whatever a YAML escape or block scalar put into them.
_PRINTED: Final = ("title", "version", "date-released", "url")


_PRINTED_NAMES: Final = ("name", "given-names", "family-names")


_NOT_ONE_LINE: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printed_text(found: Any, nodes: _Nodes) -> list[Diagnostic]:
    if not isinstance(found, dict):
        return []
    paths: list[tuple[str | int, ...]] = [(key,) for key in _PRINTED]
    authors = found.get("authors")
    for index, author in enumerate(authors if isinstance(authors, list) else []):
        paths += [("authors", index, key) for key in _PRINTED_NAMES if isinstance(author, dict)]
    problems: list[Diagnostic] = []
    for path in paths:
        value: Any = found
        for part in path:
            value = value.get(part) if isinstance(value, dict) else value[part]
        if not isinstance(value, str) or (bad := _NOT_ONE_LINE.search(value)) is None:
            continue
        what = "a line break" if bad.group() in "\n\r\u2028\u2029" else "the control character"
        problems.append(
            error(
                Location(FILE, nodes.line(path)),
                "cff.text",
                f"{_where(path)} holds {what} {frontmatter.character_name(bad.group())}, but the site prints it as "
                "one line of text",
                "write it on one line, without escapes such as \\n or \\t",
            )
        )
    return problems
