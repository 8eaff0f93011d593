"""The cache directory is inside the repository, so a pull request can put files there: a cache file is data, never
code, and is used only when this machine's key authenticates it. See imap.reading.parsecache (trust model) and
imap.reading.cachecodec."""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from imap.checking import project
from imap.checking.incremental import FileCheck, check_project
from imap.checking.project import load_project
from imap.citing import citeproc
from imap.model.diagnostics import Location, Severity
from imap.model.items import Kind
from imap.reading import cachecodec, manual_files, parsecache
from imap.reading.cachecodec import CacheFormatError
from imap.reading.manual_files import CACHE_DIR
from imap.reading.parsecache import ParseCache, fingerprint, read_verified, write_verified
from tests.helpers import BIB, minimal

ROOT = Path(__file__).resolve().parent.parent
ERROR = "manual/principles/P01.md:4: error:"  # the unknown key `titel` planted in P01


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine's key, for these tests: a file of their own, outside every project they make."""
    path = tmp_path / "home-cache" / "imap-manual" / "cache-key"
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(path))
    return path


def _broken_project(root: Path) -> Path:
    minimal(root)
    principle = root / "manual" / "principles" / "P01.md"
    principle.write_text(principle.read_text().replace("title: A principle", "title: A principle\ntitel: typo"))
    return root


def _reported(root: Path, cache: Path | None) -> list[str]:
    return [d.format() for d in check_project(root, cache).diagnostics]


class _Marker:
    """Unpickled, it creates a file (as a hostile pickle would run anything)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


CACHE_FILES = (
    "checked-items",
    "checked-references",
    "parsed-items-principles",
    "parsed-items-theories",
    "parsed-references",
    "parsed-glossary",
    "page-terms",
    "exports",
)


def test_a_committed_pickle_is_never_unpickled(tmp_path: Path) -> None:
    root = _broken_project(tmp_path / "project")
    expected = _reported(root, None)
    assert any(line.startswith(ERROR) for line in expected)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Marker(marker))
    pickle.loads(payload)  # the payload works: unpickling it makes the marker
    assert marker.exists()
    marker.unlink()
    cache = root / CACHE_DIR
    cache.mkdir(parents=True)
    from imap.rendering.site import SiteData

    for content in (payload, b"0" * 64 + b"\n" + payload):  # bare, and after a line where the MAC would be
        for name in CACHE_FILES:
            for suffix in (".pickle", ".json"):
                (cache / f"{name}{suffix}").write_bytes(content)
        assert _reported(root, cache) == expected
        assert [d.format() for d in load_project(root, cache).diagnostics] == expected
        site = SiteData.create(load_project(root).manual, cache_dir=cache)
        assert site.page_terms.get(b"x") is None
        assert site.exports.get(b"x") is None
        assert not marker.exists()
        assert (cache / "checked-items.json").read_bytes() != content  # ignored and rewritten


def _forge(root: Path, cache: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch, attacker_key: Path) -> None:
    """Write, under the attacker's key, well-formed caches that say P01 (which has an error) has no problems."""
    shutil.rmtree(cache, ignore_errors=True)
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(attacker_key))
    check_project(root, cache)
    checked: ParseCache[FileCheck] = ParseCache(cache / "checked-items.json", fingerprint())
    entries = dict(checked._old)
    assert any(entry.diagnostics for entry in entries.values())
    for key, entry in entries.items():
        checked.put(key, dataclasses.replace(entry, diagnostics=()))
    checked.save()
    for name in ("parsed-items-principles.json", "parsed-items-theories.json"):
        parsed: ParseCache[manual_files.ItemResult] = ParseCache(cache / name, fingerprint())
        for key, (item, _) in dict(parsed._old).items():
            parsed.put(key, (item, ()))
        parsed.save()
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(key_file))


def test_a_forged_cache_entry_is_not_used(tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _broken_project(tmp_path / "project")
    expected = _reported(root, None)
    cache = root / CACHE_DIR
    attacker_key = tmp_path / "attacker" / "cache-key"
    _forge(root, cache, key_file, monkeypatch, attacker_key)

    # The forgery is well-formed: under the key it was made with, it hides the error (so this test can fail).
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(attacker_key))
    assert not any(line.startswith(ERROR) for line in _reported(root, cache))
    _forge(root, cache, key_file, monkeypatch, attacker_key)

    # Under this machine's key, it is ignored: with the attacker's MAC, and with none.
    assert _reported(root, cache) == expected
    _forge(root, cache, key_file, monkeypatch, attacker_key)
    for path in cache.iterdir():
        path.write_bytes(path.read_bytes().partition(b"\n")[2])  # the MAC line removed
    assert _reported(root, cache) == expected
    _forge(root, cache, key_file, monkeypatch, attacker_key)
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(attacker_key))
    assert not any(d.format().startswith(ERROR) for d in load_project(root, cache).diagnostics)  # the site build's
    _forge(root, cache, key_file, monkeypatch, attacker_key)
    assert [d.format() for d in load_project(root, cache).diagnostics] == [
        d.format() for d in load_project(root).diagnostics
    ]
    assert any(d.format().startswith(ERROR) for d in load_project(root, cache).diagnostics)


def test_a_forged_formatted_reference_is_not_put_into_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from imap.reading import bibliography

    references, _ = bibliography.load("references.bib", BIB)
    expected = citeproc.format_references(BIB, references)
    cache = tmp_path / "cache"
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(tmp_path / "attacker-key"))
    citeproc.format_references(BIB, references, cache)
    (path,) = cache.glob("references-*.json")
    data = read_verified(path)
    assert data is not None
    stored = json.loads(data)
    for entry in stored["formatted"]:
        entry["entry_html"] = '<script>alert("forged")</script>'
    assert write_verified(path, json.dumps(stored).encode())
    assert "<script>" in citeproc.format_references(BIB, references, cache)["ehlers2000cognitive"].entry_html
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(tmp_path / "own-key"))
    assert citeproc.format_references(BIB, references, cache) == expected


# --- round trips ----------------------------------------------------------------------------------------------------


def _identical(found: Any, expected: Any, where: str = "value") -> None:
    """Equal, and of the same type all the way down (== alone takes a frozenset for a set, and ignores what a
    dataclass instance has worked out besides its fields)."""
    assert type(found) is type(expected), f"{where}: {type(found)} is not {type(expected)}"
    if isinstance(expected, (tuple, list)):
        assert len(found) == len(expected), where
        for index, (a, b) in enumerate(zip(found, expected, strict=True)):
            _identical(a, b, f"{where}[{index}]")
    elif isinstance(expected, (dict, MappingProxyType)):
        assert list(found) == list(expected), where
        for key in expected:
            _identical(found[key], expected[key], f"{where}[{key!r}]")
    elif dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        assert found == expected, where
        _identical(dict(sorted(vars(found).items())), dict(sorted(vars(expected).items())), f"{where}.__dict__")
    else:
        assert found == expected, where


def _stored(directory: Path) -> Iterator[tuple[str, Any]]:
    """Every value in the parse caches of a directory, read back from the files."""
    for path in sorted(directory.glob("*.json")):
        if path.name.startswith("references-"):
            continue  # the reference engine's result, in its own format (tests/test_citation_cache.py)
        data = read_verified(path)
        assert data is not None, path.name
        assert data.partition(b"\n")[0] == fingerprint().encode(), path.name
        cache: ParseCache[Any] = ParseCache(path, fingerprint())
        assert len(cache) > 0, path.name
        for key in list(cache._old):
            yield f"{path.name}[{key.hex()[:8]}]", cache.get(key)


def test_every_value_the_real_manual_caches_comes_back_identical(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    check_project(ROOT, cache)  # the first run fills the parse caches too
    load_project(ROOT, cache)
    formatted = [p.name for p in cache.iterdir() if p.name.startswith("references-")]
    assert len(formatted) == 1  # the reference engine's result (imap.citing.citeproc: its own format, tested there)
    names = sorted(p.name for p in cache.iterdir() if p.name not in formatted)
    assert names == [
        "checked-items.json",
        "checked-references.json",
        "parsed-citation.json",
        "parsed-glossary.json",
        "parsed-items-chapters.json",
        "parsed-items-forms.json",
        "parsed-items-interventions.json",
        "parsed-items-principles.json",
        "parsed-items-sessions.json",
        "parsed-items-theories.json",
        "parsed-references.json",
    ]
    count = 0
    for where, value in _stored(cache):
        _identical(cachecodec.decode(cachecodec.encode(value)), value, where)
        count += 1
    assert count > 100

    # What the files held is what parsing gives: each item exactly, with what it worked out of its text.
    caches = project.Caches.open(cache)
    for path in manual_files.manual_files(ROOT):
        relative = path.relative_to(ROOT).as_posix()
        stored = caches.items[path.parent.name].get(parsecache.digest(relative, path.read_bytes()))
        item, problems = manual_files.load_item(ROOT, path)
        assert stored is not None, relative
        _identical(stored, (item.parsed() if item is not None else None, tuple(problems)), relative)
        assert stored[0] is None or {"marks", "headings", "unsafe_html"} <= set(vars(stored[0]))


class _Colour(enum.Enum):
    RED = "red"


def test_the_codec_keeps_every_kind_of_value_apart() -> None:
    value = {
        b"\x00\xff": (1, 2.5, True, None, "é\n\u2028"),
        "list": [1, (2, [3])],
        3: frozenset({"a", "b"}),
        (1, "k"): MappingProxyType({"x": b""}),
        "enum": (Kind.PRINCIPLE, Severity.ERROR),
        "set": {1, 2},
        "nested": FileCheck(None, frozenset(), b"ns", ()),
        "location": Location("a.md", 3),
    }
    _identical(cachecodec.decode(cachecodec.encode(value)), value)
    assert b"\n" not in cachecodec.encode(value).partition(b"\n")[2]  # one line of JSON after the table
    with pytest.raises(TypeError):
        cachecodec.encode(_Colour.RED)  # not a class of the package
    with pytest.raises(TypeError):
        cachecodec.encode(object())


def _table(*shapes: list[Any]) -> bytes:
    return json.dumps(list(shapes)).encode()


LOCATION = ["imap.model.diagnostics.Location", ["path", "line"], []]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"[]", id="no table"),
        pytest.param(b'{"a": 1}\n1', id="table not a list"),
        pytest.param(b'[]\n{"x": 1}', id="unknown tag"),
        pytest.param(b'[]\n{"t": [], "d": []}', id="two tags"),
        pytest.param(b'[]\n{"t": "abc"}', id="tuple not a list"),
        pytest.param(b'[]\n{"d": [1]}', id="odd dict"),
        pytest.param(b'[]\n{"d": [[1], 2]}', id="unhashable key"),
        pytest.param(b'[]\n{"b": "zz"}', id="not hex"),
        pytest.param(b'[["builtins.eval", [], []]]\n{"o": [0]}', id="builtins.eval"),
        pytest.param(b'[["os.system"]]\n{"e": [0, "ls"]}', id="os.system"),
        pytest.param(b'[["subprocess.Popen", ["args"], []]]\n1', id="subprocess.Popen"),
        pytest.param(b'[["imap.reading.parsecache.ParseCache", [], []]]\n1', id="not a dataclass"),
        pytest.param(
            _table(["imap.model.diagnostics.Location", ["path"], []]) + b'\n{"o": [0, "a"]}', id="fewer fields"
        ),
        pytest.param(_table(["imap.model.diagnostics.Location", ["line", "path"], []]) + b"\n1", id="fields reordered"),
        pytest.param(
            _table(["imap.model.diagnostics.Location", ["path", "line"], ["evil"]]) + b"\n1", id="extra attribute"
        ),
        pytest.param(_table(LOCATION) + b'\n{"o": [0, "a"]}', id="too few values"),
        pytest.param(_table(LOCATION) + b'\n{"o": [0, "a", 1, 2]}', id="too many values"),
        pytest.param(_table(LOCATION) + b'\n{"o": [1, "a", 1]}', id="no such class"),
        pytest.param(_table(LOCATION) + b'\n{"o": [-1, "a", 1]}', id="negative class"),
        pytest.param(_table(LOCATION) + b'\n{"o": [true, "a", 1]}', id="class not a number"),
        pytest.param(_table(LOCATION) + b'\n{"e": [0, "a"]}', id="dataclass as an enum"),
        pytest.param(_table(["imap.model.items.Kind"]) + b'\n{"e": [0, "villain"]}', id="no such member"),
        pytest.param(_table(["imap.model.items.Kind"]) + b'\n{"o": [0]}', id="enum as a dataclass"),
        pytest.param(b"[]\n" + b'{"t": [' * 100_000 + b"]}" * 100_000, id="deep"),
        pytest.param(b"[]\n\xff", id="not UTF-8"),
    ],
)
def test_the_codec_refuses_anything_it_did_not_write(data: bytes) -> None:
    with pytest.raises(CacheFormatError):
        cachecodec.decode(data)


def test_decoding_imports_nothing() -> None:
    """A class of a module of the package that no one imported is not found (and the module stays unimported)."""
    program = """
import sys
from imap.reading import cachecodec
try:
    cachecodec.decode(b'[["imap.rendering.benchmarks.Figure", ["x"], []]]\\n1')
except cachecodec.CacheFormatError:
    print("refused", "imap.rendering.benchmarks" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "refused False"


# --- damaged files --------------------------------------------------------------------------------------------------


def _with_fingerprint(body: bytes) -> bytes:
    return fingerprint().encode() + b"\n" + body


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-2] + bytes([data[-2] ^ 1]) + data[-1:], id="one bit"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\n".join(data.split(b"\n")[1:]), id="no MAC"),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path, damage: Any) -> None:
    root = _broken_project(tmp_path / "project")
    cache = tmp_path / "cache"
    expected = _reported(root, None)
    assert _reported(root, cache) == expected
    for path in cache.iterdir():
        path.write_bytes(damage(path.read_bytes()))
        assert read_verified(path) is None
    assert _reported(root, cache) == expected
    checked: ParseCache[FileCheck] = ParseCache(cache / "checked-items.json", fingerprint())
    assert len(checked) == 2  # rewritten whole
    assert [d.format() for d in load_project(root, cache).diagnostics] == [
        d.format() for d in load_project(root).diagnostics
    ]


KEY = b"00" * 20  # a digest in hex


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not json", id="no table"),
        pytest.param(b'[["os.system"]]\n' + KEY + b" 1", id="a class outside the package"),
        pytest.param(b"[]\n" + KEY + b' {"zz": 1}', id="an unknown tag"),
        pytest.param(b"[]\n" + KEY + b" [1", id="not JSON"),
        pytest.param(b"[]\n" + KEY + b"1", id="no space after the digest"),
        pytest.param(b"[]\nnot-hex 1", id="a digest not in hex"),
        pytest.param(b"[]\n" + KEY + b" \xff", id="not UTF-8"),
    ],
)
def test_an_authentic_file_the_codec_refuses_is_ignored_and_rewritten(tmp_path: Path, body: bytes) -> None:
    """Authentic (written with this machine's key) but not what this code writes: from another version, say."""
    root = _broken_project(tmp_path / "project")
    cache = tmp_path / "cache"
    expected = _reported(root, None)
    _reported(root, cache)
    assert write_verified(cache / "checked-items.json", _with_fingerprint(body))
    assert len(ParseCache(cache / "checked-items.json", fingerprint())) == 0
    assert _reported(root, cache) == expected
    assert len(ParseCache(cache / "checked-items.json", fingerprint())) == 2


def test_a_cache_file_is_not_read_through_a_symbolic_link_or_from_a_fifo(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "checked-items.json"
    assert write_verified(target, b"data")
    assert read_verified(target) == b"data"
    link = tmp_path / "cache" / "checked-items.json"  # the same name: followed, the link would be authentic
    link.parent.mkdir()
    link.symlink_to(target)
    assert read_verified(link) is None
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    assert read_verified(fifo) is None  # and the run does not wait for a writer


def test_a_file_authenticated_under_another_name_is_not_used(tmp_path: Path) -> None:
    assert write_verified(tmp_path / "parsed-glossary.json", b"data")
    (tmp_path / "parsed-glossary.json").rename(tmp_path / "checked-items.json")
    assert read_verified(tmp_path / "checked-items.json") is None


# --- the key --------------------------------------------------------------------------------------------------------


def test_the_key_is_made_outside_the_project_readable_by_its_owner_alone(tmp_path: Path, key_file: Path) -> None:
    root = minimal(tmp_path / "project")
    assert not key_file.exists()
    check_project(root, root / CACHE_DIR)
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_bytes()) == 32
    assert not key_file.resolve().is_relative_to(root.resolve())
    assert not [p for p in key_file.parent.iterdir() if p != key_file]  # no temporary file left
    assert parsecache.cache_key() == key_file.read_bytes()


def test_the_key_is_found_in_the_users_cache_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parsecache.KEY_FILE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert parsecache.cache_key_file() == tmp_path / "xdg" / "imap-manual" / "cache-key"
    key = parsecache.cache_key()
    assert (tmp_path / "xdg" / "imap-manual" / "cache-key").read_bytes() == key
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert parsecache.cache_key_file() == tmp_path / "home" / ".cache" / "imap-manual" / "cache-key"


def test_an_existing_key_is_kept_and_a_damaged_one_replaced(
    tmp_path: Path, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"k" * 32)
    assert parsecache.cache_key() == b"k" * 32
    other = tmp_path / "other-key"
    other.write_bytes(b"short")
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(other))
    key = parsecache.cache_key()
    assert len(key) == 32
    assert other.read_bytes() == key


def test_without_a_key_file_the_caches_work_for_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, str(blocked / "cache-key"))
    root = _broken_project(tmp_path / "project")
    expected = _reported(root, None)
    cache = root / CACHE_DIR
    assert _reported(root, cache) == expected
    assert len(ParseCache(cache / "checked-items.json", fingerprint())) == 2  # a key of this run's own
    assert _reported(root, cache) == expected


def test_runs_that_make_the_key_at_once_agree_on_it(tmp_path: Path, key_file: Path) -> None:
    program = "from imap.reading import parsecache; print(parsecache.cache_key().hex())"
    env = {**os.environ, parsecache.KEY_FILE_VARIABLE: str(key_file)}
    runs = [
        subprocess.Popen([sys.executable, "-c", program], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    keys = {run.communicate()[0].strip() for run in runs}
    assert keys == {key_file.read_bytes().hex()}


def test_a_key_file_named_by_a_relative_path_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path would put the key in the working directory, the repository perhaps, where a pull request can
    put a key of its own choosing."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, "cache-key")
    (tmp_path / "cache-key").write_bytes(b"k" * 32)
    assert parsecache.cache_key() != b"k" * 32
    monkeypatch.setenv(parsecache.KEY_FILE_VARIABLE, "made-here")
    assert len(parsecache.cache_key()) == 32
    assert not (tmp_path / "made-here").exists()
