"""Run pandoc, the document converter whose citeproc formats every reference of the manual.

pandoc comes with the pinned `pypandoc-binary` package, which ships the executable inside the Python package, so a
fresh machine needs nothing else. It is run as a program with a list of arguments (never through a shell), its input
on standard input or in a file of a private temporary folder, and nothing a contributor writes ever becomes one of
its arguments.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Final

# pandoc alone formats a library of 1,000 entries in about 20 s here (its citeproc's rule for APA's initials grows
# far faster than the library; engine.lua avoids most of that cost); ten minutes means something is wrong.
TIMEOUT_SECONDS: Final = 600


@dataclass(frozen=True)
class PandocError(Exception):
    """pandoc could not be found or run, or refused its input."""

    message: str

    def __str__(self) -> str:
        return self.message


@cache
def executable() -> Path:
    """The pandoc shipped by pypandoc-binary (found without importing pypandoc, which looks for pandoc everywhere)."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in spec.submodule_search_locations or [] if spec is not None else []:
        for name in ("pandoc", "pandoc.exe"):
            candidate = Path(folder) / "files" / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    raise PandocError("pandoc was not found: install the project's requirements (make test does) for pypandoc-binary")


def version() -> str:
    """The release of pypandoc-binary, which pins the pandoc it ships: part of every cache key of pandoc's results
    (read from the installed package's metadata, so that a build whose results are all cached never runs pandoc)."""
    try:
        return "pypandoc-binary " + metadata.version("pypandoc-binary")
    except metadata.PackageNotFoundError:
        return "pandoc"


def run(arguments: list[str], data: bytes, files: dict[str, bytes] | None = None) -> bytes:
    """pandoc's output for the given arguments and standard input. `files` are written to a private temporary
    folder first (pandoc reads a CSL style or a bibliography from a file); "{name}" in an argument names one of
    them (the arguments are the project's own, never a contributor's text)."""
    with Run(arguments, files) as running:
        return running.finish(data)


class Run:
    """pandoc started, its standard input given later (`finish`): a writer that reads its settings from standard
    input (imap/citing/engine.lua) waits for them while pandoc reads its input files, so the project can work out
    the settings meanwhile. Used as a context manager, so that a run never finished is stopped and its folder
    removed. `files` and the "{name}" arguments are as for `run`."""

    def __init__(self, arguments: list[str], files: dict[str, bytes] | None = None) -> None:
        import tempfile

        program = executable()  # before the folder is made: a missing pandoc leaves nothing behind
        self._process: subprocess.Popen[bytes] | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="imap-pandoc-")
        try:
            args = list(arguments)
            for name, content in (files or {}).items():
                path = Path(self._folder.name) / name
                path.write_bytes(content)
                args = [a.replace("{" + name + "}", str(path)) for a in args]
            dated = {"SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]} if "SOURCE_DATE_EPOCH" in os.environ else {}
            self._process = subprocess.Popen(  # a fixed executable, a list of arguments, no shell
                [str(program), *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                # SOURCE_DATE_EPOCH: an EPUB is dated by the build, not the clock (imap.publishing.editions).
                env={"LANG": "C.UTF-8", "PATH": os.environ.get("PATH", ""), **dated},
            )
        except OSError as problem:
            self._folder.cleanup()
            raise PandocError(f"pandoc could not be run: {problem.strerror or type(problem).__name__}") from None
        except BaseException:
            self._folder.cleanup()
            raise

    def finish(self, data: bytes) -> bytes:
        """pandoc's output, once it is given `data` on its standard input (written while its output is read, so
        that neither waits for the other). Whatever happens, pandoc is not left running and the folder is removed.
        No message names the folder or the command."""
        process = self._process
        if process is None:
            raise PandocError("pandoc could not be run: this run was already finished or stopped")
        try:
            out, err = process.communicate(data, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise PandocError(f"pandoc took longer than {TIMEOUT_SECONDS} seconds and was stopped") from None
        finally:
            self.stop()
        if process.returncode != 0:
            message = err.decode("utf-8", errors="replace").strip() or f"exit status {process.returncode}"
            message = message.replace(self._folder.name + os.sep, "")  # a file is named as given, not where it was
            raise PandocError(f"pandoc refused its input: {message[:500]}")
        return out

    def stop(self) -> None:
        """pandoc stopped, if it is still running, and its folder removed."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        self._folder.cleanup()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
