"""A cache of parse results between runs, so that `make check` and a rebuild parse only the files that changed; and
the authentication of every file the project keeps in its cache directory.

Each result is stored under a digest of exactly the bytes it was parsed from (with the file's path, which the
result records), and each cache file under a fingerprint of the code that parses: this package's source, the
Python version, the versions of the parsing libraries, and the year (the bibliography's plausible years end next
year). A result is therefore reused only when parsing again would give the same result. Results not looked up in a
run are dropped when it saves, so the cache holds one manual's worth.

Trust model. The cache directory (.cache/imap/) is inside the repository: it is gitignored, but a pull request can
still commit files there (`git add -f`), so what it holds is written by a stranger until shown otherwise. And the
fingerprint and the input digests are predictable: anyone can write a well-formed entry, say "checked, no problems"
for a file that has errors. So:

- the files are data, never code: JSON written by imap.reading.cachecodec, which makes nothing but plain values and
  instances of this package's own dataclasses and enums (no pickle: unpickling runs whatever the file says);
- every file is authenticated: its first line is an HMAC-SHA-256 of its name and the rest of it, under a secret key
  kept outside the repository (cache_key_file: $XDG_CACHE_HOME/imap-manual/cache-key, by default
  ~/.cache/imap-manual/cache-key, made at random with mode 0600 when first needed; whoever can write there can
  already run code as the user). A file is decoded, or its fingerprint even compared, only when it carries the MAC
  this machine's key gives it under its own name, so a committed or forged file is never used (and one cache's file
  cannot stand in for another's): it is ignored and, at the end of the run, rewritten. The formatted references and
  citations (imap.citing.citeproc, imap.citing.manual_citation), HTML that goes into the pages, are read and written
  through the same read_verified and write_verified. When the key file can be neither read nor made (a read-only home),
  a key made at random for the run is used: the caches then work within the run and never hit from one run to the next;
- a cache file is opened without following a symbolic link, and read only when it is a regular file (a committed
  link to /dev/zero or a FIFO cannot hang the run). The directory itself is taken as it is: a committed link in
  place of .cache/ would have cache files written where it points (imap.reading.symlinks is where such links are found).

A file that cannot be used (written by another version of this code or with another key, cut short by an
interrupted run, not what the codec writes) is treated as empty, without a word, and rewritten.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, TypeVar

from imap.reading import cachecodec

# Parse results depend on these too: items keep what the sanitiser would remove from them (Markdown, nh3).
_LIBRARIES = ("PyYAML", "bibtexparser", "pylatexenc", "Markdown", "pymdown-extensions", "nh3", "jsonschema")
KEY_FILE_VARIABLE = "IMAP_CACHE_KEY_FILE"  # where the key is, instead of the default (tests)
_KEY_BYTES = 32

T = TypeVar("T")


def fingerprint() -> str:
    """A digest of everything besides a file's bytes that a parse result depends on."""
    found = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent  # every module of imap, whatever its stage
    for source in sorted(package.rglob("*.py")):
        found.update(source.relative_to(package).as_posix().encode())
        found.update(source.read_bytes())
    found.update(sys.version.encode())
    for library in _LIBRARIES:
        found.update(f"{library}=={metadata.version(library)}".encode())
    found.update(str(datetime.date.today().year).encode())
    return found.hexdigest()


def digest(*parts: str | bytes) -> bytes:
    found = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        found.update(len(data).to_bytes(8, "little"))
        found.update(data)
    return found.digest()


# --- the key and authenticated files --------------------------------------------------------------------------------


def cache_key_file() -> Path:
    """Where this machine's cache key is: $IMAP_CACHE_KEY_FILE, else imap-manual/cache-key in the user's cache
    directory ($XDG_CACHE_HOME, by default ~/.cache). Raises RuntimeError when that is not an absolute path (no home
    to find: a relative path would be inside the working directory, the repository perhaps)."""
    override = os.environ.get(KEY_FILE_VARIABLE)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if override:
        path = Path(override)
    elif base and Path(base).is_absolute():
        path = Path(base) / "imap-manual" / "cache-key"
    else:
        path = Path.home() / ".cache" / "imap-manual" / "cache-key"
    if not path.is_absolute():
        raise RuntimeError(f"the cache key's place is not an absolute path: {path}")
    return path


_keys: dict[str, bytes] = {}  # by key file, read (or made) once per run


def cache_key() -> bytes:
    """The secret key cache files are authenticated with: read from cache_key_file, which is made when missing;
    a key for this run alone when the file can be neither read nor made. Never fails."""
    try:
        path: Path | None = cache_key_file()
    except (RuntimeError, KeyError, OSError):  # no home directory
        path = None
    key = _keys.get(str(path))
    if key is None:
        key = (_key_from(path) if path is not None else None) or secrets.token_bytes(_KEY_BYTES)
        _keys[str(path)] = key
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return None
    return key if _KEY_BYTES <= len(key) <= 1024 else None


def _key_from(path: Path) -> bytes | None:
    """The key in the file, made first if there is none. A new key is written whole to a temporary file and then
    linked in under the file's name, which fails if another run made the file meanwhile: two runs at once both end
    up reading the one key that was linked first."""
    try:
        key = _read_key(path)
        if key is not None:
            return key
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".cache-key-", suffix=".tmp")  # mode 0600
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(_KEY_BYTES))
                stream.flush()
                os.fsync(stream.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                if _read_key(path) is None:  # there, but not a key (emptied, cut short): replaced whole
                    temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        return _read_key(path)
    except OSError:
        return None


def _mac(name: str, data: bytes) -> bytes:
    found = hmac.new(cache_key(), digestmod=hashlib.sha256)
    found.update(name.encode("utf-8", "surrogateescape") + b"\0")
    found.update(data)
    return found.hexdigest().encode("ascii")


# Not through a symbolic link; and a FIFO must not block the run (it is then refused as not a regular file).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_verified(path: Path) -> bytes | None:
    """The content of a cache file written by write_verified with this machine's key (without the MAC line), or
    None: no such regular file, or one this machine's key did not authenticate (damaged, from elsewhere, forged)."""
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        with os.fdopen(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            content = stream.read()
    except OSError:
        return None
    mac, newline, data = content.partition(b"\n")
    return data if newline and hmac.compare_digest(mac, _mac(path.name, data)) else None


def write_verified(path: Path, data: bytes) -> bool:
    """Write a cache file atomically (a reader never sees half a file), its first line the MAC of its name and
    data; False when it cannot be written, which only costs time."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(_mac(path.name, data) + b"\n")
            stream.write(data)
        temporary.replace(path)
        return True
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return False


# --- the parse cache ------------------------------------------------------------------------------------------------


class ParseCache(Generic[T]):
    """Results of one kind of parse, by digest of the input. Without a file (`path` None) it stores nothing. The file
    is read when the first result is looked up, so a cache that a run does not need costs nothing.

    The file, after its MAC line (see write_verified): the fingerprint, the table of classes (see cachecodec), then
    one line for each result: the digest in hex, a space, and the result. A run that changed a few results writes
    the lines of the others as it read them."""

    def __init__(self, path: Path | None, fingerprint: str) -> None:
        self._path = path
        self._fingerprint = fingerprint
        self._stored: dict[bytes, T] | None = None
        self._new: dict[bytes, T] = {}
        self.misses = 0
        self._changed = False
        self._table: list[list[Any]] = []  # of the file read, and the line of each result in it
        self._lines: dict[bytes, str] = {}

    @property
    def _old(self) -> dict[bytes, T]:
        if self._stored is None:
            self._stored = self._read() if self._path is not None else {}
        return self._stored

    def _read(self) -> dict[bytes, T]:
        assert self._path is not None
        data = read_verified(self._path)
        if data is None:
            return {}
        # The cyclic collector would scan the objects being created again and again (it made loading eight times
        # slower); they are plain data without cycles, kept for the whole run.
        collecting = gc.isenabled()
        gc.disable()
        try:
            code, _, rest = data.decode("utf-8").partition("\n")
            if code != self._fingerprint:
                return {}
            table, _, entries = rest.partition("\n")
            decoder = cachecodec.Decoder(table)
            results: dict[bytes, T] = {}
            lines: dict[bytes, str] = {}
            for line in entries.split("\n") if entries else ():
                key, space, value = line.partition(" ")
                if not space:
                    return {}
                found = bytes.fromhex(key)
                results[found] = decoder.value(value)
                lines[found] = line
        except ValueError:  # not UTF-8, a digest not in hex, anything cachecodec.CacheFormatError refuses
            return {}
        finally:
            if collecting:
                gc.enable()
        self._table, self._lines = decoder.table, lines
        return results

    def __len__(self) -> int:
        """How many results the file held when read."""
        return len(self._old)

    def get(self, key: bytes) -> T | None:
        """The stored result for this input, if any (kept for the next run)."""
        if key in self._new:
            return self._new[key]
        if key in self._old:
            self._new[key] = self._old[key]
            return self._new[key]
        self.misses += 1
        return None

    def put(self, key: bytes, value: T) -> None:
        self._new[key] = value
        self._changed = True

    def save(self) -> None:
        """Write the results of this run, when they differ from what was read; never fails the run."""
        if self._path is None or self._stored is None:
            return  # nothing looked up: the file stays as it is
        if not self._changed and self._new.keys() == self._stored.keys():
            return
        encoder = cachecodec.Encoder(self._table)
        lines = [self._fingerprint, ""]
        try:
            for key, value in self._new.items():
                line = self._lines.get(key)
                if line is None or self._stored.get(key) is not value:
                    line = f"{key.hex()} {encoder.value(value)}"
                lines.append(line)
            lines[1] = encoder.table()
            data = "\n".join(lines).encode("utf-8")
        except (TypeError, ValueError, RecursionError):  # a value the codec cannot write back: no cache
            return
        write_verified(self._path, data)
