"""The caches' values as JSON text: data that is decoded, never code that is run.

Pickle, which the caches used before, runs whatever a file tells it to, and a pull request can commit files into the
cache directory. This codec writes the few kinds of value the caches hold and, reading, makes nothing else:

- str, int, float, bool and None as themselves, a list as a JSON array;
- a tuple, dict, mapping proxy, frozenset, set or bytes as a JSON object of one tag: {"t": [...]} (a tuple),
  {"d": [key, value, key, value, ...]} (a dict, with keys of any of these kinds, such as bytes digests),
  {"m": [...]} (a MappingProxyType), {"f": [...]}, {"s": [...]}, {"b": "<hex>"};
- an enum member as {"e": [class, value]} and a dataclass instance as {"o": [class, field values...]}, where
  class is a position in a table of classes written once for many values: for each class, its qualified name, and
  for a dataclass its fields (and the cached properties the instance had worked out, such as an Item's marks, which
  are kept as pickle kept them).

A class named in a table is looked up in a registry of the dataclasses and Enum classes defined in the modules of
this package that are already imported: nothing is imported by name, and no code of a class is run. An enum member
is found by its value in the class's members; a dataclass instance is made by object.__new__ and its __dict__ filled
in with the stored attributes, as pickle did it: no __init__ or __post_init__ runs (they would check nothing more:
the values are the ones an instance was made with before, and a stored Item keeps what it worked out of its text,
which __init__ would drop). A class must have exactly the fields the table lists, in that order. Anything else (an
unknown tag or class, other fields, a value of the wrong JSON type) raises CacheFormatError, and the caches then
ignore the whole file.

Encoder and Decoder share one table among many values (a cache file writes one value a line, and keeps the lines of
values that did not change); `encode` and `decode` are the two lines of one value.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import operator
import sys
from collections.abc import Callable, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any

_PACKAGE = "imap"


class CacheFormatError(ValueError):
    """The data is not what the Encoder writes, or names a class this code does not have (as it is now)."""


def registry() -> dict[str, type]:
    """The classes a cache may hold, by qualified name: the dataclasses (without __slots__) and Enum classes defined
    in the modules of this package that are imported (sys.modules is read, never added to)."""
    modules = tuple(sorted(name for name in list(sys.modules) if name.startswith(_PACKAGE + ".")))
    if _registry[0] != modules:
        found: dict[str, type] = {}
        for name in modules:
            module = sys.modules.get(name)
            for value in list(vars(module).values()) if module is not None else ():
                if (
                    isinstance(value, type)
                    and value.__module__ == name
                    and ((dataclasses.is_dataclass(value) and _has_dict(value)) or issubclass(value, enum.Enum))
                ):
                    found[f"{name}.{value.__qualname__}"] = value
        _registry[:] = [modules, found]
    classes: dict[str, type] = _registry[1]
    return classes


_registry: list[Any] = [None, {}]  # the module names the registry was built from, and the registry


def _field_names(cls: type) -> tuple[str, ...]:
    names = _fields.get(cls)
    if names is None:
        names = _fields[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_fields: dict[type, tuple[str, ...]] = {}


def _is_cached_property(cls: type, name: str) -> bool:
    return any(isinstance(vars(owner).get(name), cached_property) for owner in cls.__mro__)


def _has_dict(cls: type) -> bool:
    """Whether instances keep their attributes in __dict__ (no __slots__ anywhere in the class's ancestry)."""
    return not any("__slots__" in vars(owner) for owner in cls.__mro__ if owner is not object)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)


# --- encoding -------------------------------------------------------------------------------------------------------

_PLAIN = frozenset({str, int, float, bool, type(None)})  # written as themselves


class Encoder:
    """Values as single lines of compact JSON, with the table of the classes they hold. Starting from the table of a
    Decoder, the lines it read stay valid beside the new ones."""

    def __init__(self, table: Sequence[list[Any]] = ()) -> None:
        self._shapes: list[list[Any]] = [list(shape) for shape in table]
        self._convert = _converter(self._shapes)

    def value(self, value: Any) -> str:
        """One value, as one line (raises TypeError for a value a Decoder could not give back: an object of
        another class, a dataclass instance with attributes besides its fields and cached properties)."""
        try:
            return _dumps(self._convert(value))
        except (KeyError, AttributeError) as failure:  # a dataclass instance without one of its fields
            raise TypeError(f"a value the caches cannot hold: {failure}") from failure

    def table(self) -> str:
        """The table of classes of every value written so far (one line)."""
        return _dumps(self._shapes)


def _converter(shapes: list[list[Any]]) -> Callable[[Any], Any]:
    """What turns a value into plain JSON data, adding the classes it meets to `shapes`."""
    known = registry()
    positions: dict[tuple[type, tuple[str, ...]], int] = {}
    for position, (name, *fields) in enumerate(shapes):
        positions[(known[name], tuple(fields[1]) if fields else ())] = position

    def shape(cls: type, extras: tuple[str, ...] = ()) -> int:
        position = positions.get((cls, extras))
        if position is None:
            name = f"{cls.__module__}.{cls.__qualname__}"
            if known.get(name) is not cls:
                raise TypeError(f"{name} is not a class the caches may hold")
            position = positions[(cls, extras)] = len(shapes)
            is_enum = issubclass(cls, enum.Enum)
            shapes.append([name] if is_enum else [name, list(_field_names(cls)), list(extras)])
        return position

    def one(value: Any) -> Any:
        cls = type(value)
        if cls in plain:
            return value
        handler = handlers.get(cls)
        if handler is None:
            handler = handlers[cls] = handler_for(cls)
        return handler(value)

    def pairs(mapping: Any) -> list[Any]:
        flat: list[Any] = []
        for key, item in mapping.items():
            flat.append(key if type(key) in plain else one(key))
            flat.append(item if type(item) in plain else one(item))
        return flat

    def members(values: Any) -> list[Any]:
        try:
            ordered = sorted(values)  # the same set is written the same way every time
        except TypeError:
            ordered = list(values)
        return [v if type(v) in plain else one(v) for v in ordered]

    def handler_for(cls: type) -> Callable[[Any], Any]:
        if issubclass(cls, enum.Enum):
            written: dict[Any, Any] = {}
            return lambda member: (
                written.get(member) or written.setdefault(member, {"e": [shape(cls), one(member.value)]})
            )
        if dataclasses.is_dataclass(cls):
            return instance_handler(cls)
        raise TypeError(f"a cache cannot hold a {cls.__qualname__}")

    def instance_handler(cls: type) -> Callable[[Any], Any]:
        names = _field_names(cls)
        count = len(names)
        fields = operator.itemgetter(*names) if count > 1 else lambda state: tuple(state[n] for n in names)

        def instance(value: Any) -> Any:
            state = vars(value)
            if len(state) == count:
                return {"o": [shape(cls), *[v if type(v) in plain else one(v) for v in fields(state)]]}
            extras = tuple(sorted(name for name in state if name not in names))
            for name in extras:
                if not _is_cached_property(cls, name):
                    raise TypeError(f"{cls.__qualname__}.{name} is neither a field nor a cached property")
            every = map(state.__getitem__, (*names, *extras))
            return {"o": [shape(cls, extras), *[v if type(v) in plain else one(v) for v in every]]}

        return instance

    plain = _PLAIN
    handlers: dict[type, Callable[[Any], Any]] = {
        list: lambda value: [v if type(v) in plain else one(v) for v in value],
        tuple: lambda value: {"t": [v if type(v) in plain else one(v) for v in value]},
        dict: lambda value: {"d": pairs(value)},
        MappingProxyType: lambda value: {"m": pairs(value)},
        frozenset: lambda value: {"f": members(value)},
        set: lambda value: {"s": members(value)},
        bytes: lambda value: {"b": value.hex()},
    }
    return one


# --- decoding -------------------------------------------------------------------------------------------------------


class Decoder:
    """Values written by an Encoder, one line each, given its table of classes; CacheFormatError (from the table
    already) for anything else."""

    def __init__(self, table: str | bytes) -> None:
        try:
            shapes = json.loads(table)
        except (ValueError, RecursionError) as failure:
            raise CacheFormatError("no table of classes") from failure
        objects, enums = _tables(shapes)
        self.table: list[list[Any]] = shapes  # checked: every class is in the registry, with the fields listed

        def member(value: Any) -> Any:
            if type(value) is not list or len(value) != 2 or type(value[0]) is not int:
                raise CacheFormatError("not a class and a value")
            return enums[value[0]](value[1])

        tags: dict[str, Callable[[Any], Any]] = {
            "d": _pairs,
            "m": lambda value: MappingProxyType(_pairs(value)),
            "f": lambda value: frozenset(_list(value)),
            "s": lambda value: set(_list(value)),
            "b": _bytes,
            "e": member,
        }
        new = object.__new__

        def tagged(pairs: list[tuple[str, Any]]) -> Any:
            ((tag, value),) = pairs  # every JSON object is one tagged value
            # The two most frequent tags first, without a further call.
            if tag == "t":
                if type(value) is list:
                    return tuple(value)
            elif tag == "o":
                if type(value) is list and value and type(value[0]) is int:
                    cls, attributes, count = objects[value[0]]
                    if len(value) == count:
                        made: Any = new(cls)
                        made.__dict__.update(zip(attributes, value[1:], strict=True))
                        return made
                raise CacheFormatError("not a class and the values of its fields")
            return tags[tag](value)

        self._decode = json.JSONDecoder(object_pairs_hook=tagged).decode

    def value(self, line: str) -> Any:
        """The value on one line written by the Encoder."""
        try:
            return self._decode(line)
        except CacheFormatError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, RecursionError) as failure:
            raise CacheFormatError(f"not a cached value: {failure}") from failure


def _plan(cls: type, fields: Any, extras: Any) -> tuple[type, tuple[str, ...], int]:
    """How to make an instance of a dataclass from the list [class, values...] (the class, the attributes the values
    are, and the length of the list), if the table lists exactly the class's fields, and only cached properties
    besides. The instance is made by object.__new__, which dataclasses do not override (their __dict__ is then
    filled in, as pickle filled it in)."""
    names = _field_names(cls)
    if (
        type(fields) is not list
        or tuple(fields) != names
        or type(extras) is not list
        or any(type(e) is not str or e in names or not _is_cached_property(cls, e) for e in extras)
        or len(set(extras)) != len(extras)
        or any("__new__" in vars(owner) for owner in cls.__mro__ if owner is not object)
    ):
        raise CacheFormatError(f"{cls.__qualname__} does not have the fields the cache lists")
    attributes = (*names, *extras)
    return cls, attributes, len(attributes) + 1


def _tables(shapes: Any) -> tuple[dict[int, tuple[type, tuple[str, ...], int]], dict[int, Callable[[Any], Any]]]:
    """From the table of classes, by position: how to make each dataclass's instances (see _plan), and what finds
    each enum's member by its value."""
    if type(shapes) is not list:
        raise CacheFormatError("no table of classes")
    known = registry()
    objects: dict[int, tuple[type, tuple[str, ...], int]] = {}
    enums: dict[int, Callable[[Any], Any]] = {}
    for position, shape in enumerate(shapes):
        if type(shape) is not list or not shape or type(shape[0]) is not str:
            raise CacheFormatError("a malformed entry in the table of classes")
        cls = known.get(shape[0])
        if cls is None:
            raise CacheFormatError(f"a class the caches may not hold: {shape[0]!r}")
        if len(shape) == 1 and issubclass(cls, enum.Enum):
            enums[position] = {member.value: member for member in cls}.__getitem__
        elif len(shape) == 3 and dataclasses.is_dataclass(cls):
            objects[position] = _plan(cls, shape[1], shape[2])
        else:
            raise CacheFormatError(f"{shape[0]} is not stored as the cache says")
    return objects, enums


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise CacheFormatError("not a list")
    return value


def _pairs(value: Any) -> dict[Any, Any]:
    if type(value) is not list or len(value) % 2:
        raise CacheFormatError("not a flat list of keys and values")
    items = iter(value)
    return dict(zip(items, items, strict=True))


def _bytes(value: Any) -> bytes:
    if type(value) is not str:
        raise CacheFormatError("bytes not written as hex")
    return bytes.fromhex(value)


# --- one value ------------------------------------------------------------------------------------------------------


def encode(value: Any) -> bytes:
    """One value as two lines: its table of classes and the value (TypeError: see Encoder.value)."""
    encoder = Encoder()
    line = encoder.value(value)
    return f"{encoder.table()}\n{line}".encode()


def decode(data: bytes) -> Any:
    """The value `encode` wrote; CacheFormatError for anything else."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as failure:
        raise CacheFormatError("not UTF-8") from failure
    table, newline, line = text.partition("\n")
    if not newline:
        raise CacheFormatError("no table of classes")
    return Decoder(table).value(line)


__all__ = ["CacheFormatError", "Decoder", "Encoder", "decode", "encode", "registry"]
