"""A cache of parse results between runs, so that `make check` and a rebuild parse only the files that changed.

Each result is stored under a digest of exactly the bytes it was parsed from (with the file's path, which the
result records), and each cache file under a fingerprint of the code that parses: this package's source, the
Python version, the versions of the parsing libraries, and the year (the bibliography's plausible years end next
year). A result is therefore reused only when parsing again would give the same result. Results not looked up in a
run are dropped when it saves, so the cache holds one manual's worth.

The files are pickles in the project's own gitignored cache directory, written by this code alone: whoever can
write there can already change the code that runs, so reading them trusts nothing new. A file that cannot be read
(another version, a partial write from an interrupted run) is treated as empty and rewritten.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Generic, TypeVar

_LIBRARIES = ("PyYAML", "bibtexparser", "pylatexenc")

T = TypeVar("T")


def fingerprint() -> str:
    """A digest of everything besides a file's bytes that a parse result depends on."""
    found = hashlib.blake2b(digest_size=16)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        found.update(source.name.encode())
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


class ParseCache(Generic[T]):
    """Results of one kind of parse, by digest of the input. Without a file (`path` None) it stores nothing. The file
    is read when the first result is looked up, so a cache that a run does not need costs nothing."""

    def __init__(self, path: Path | None, fingerprint: str) -> None:
        self._path = path
        self._fingerprint = fingerprint
        self._stored: dict[bytes, T] | None = None
        self._new: dict[bytes, T] = {}
        self.misses = 0
        self._changed = False

    @property
    def _old(self) -> dict[bytes, T]:
        if self._stored is None:
            self._stored = self._read() if self._path is not None else {}
        return self._stored

    def _read(self) -> dict[bytes, T]:
        assert self._path is not None
        # The cyclic collector would scan the objects being created again and again (it made loading eight times
        # slower); they are plain data without cycles, kept for the whole run.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self._path.open("rb") as stream:
                stored = pickle.load(stream)  # the project's own cache: see the module docstring
        except Exception:  # noqa: BLE001 -- a missing or damaged cache file only means parsing everything again
            return {}
        finally:
            if collecting:
                gc.enable()
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != self._fingerprint:
            return {}
        results = stored[1]
        return results if isinstance(results, dict) else {}

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
        if not self._changed and self._new.keys() == self._old.keys():
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=self._path.name, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump((self._fingerprint, self._new), stream, protocol=pickle.HIGHEST_PROTOCOL)
            Path(temporary).replace(self._path)
        except (OSError, pickle.PicklingError, RecursionError):
            Path(temporary).unlink(missing_ok=True)
