"""Reading the files the build is made from: only a regular file of the repository is read, and anything else in
its place (a folder, a named pipe, a device, a file the build may not read) is a diagnostic naming the file, never
an exception, a hang, or a file silently taken as absent.

A symbolic link is never followed (imap.reading.symlinks reports it), and a named pipe is never opened for reading in a
way that waits for a writer: the file is opened without blocking and must be a regular file once open.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from imap.model.diagnostics import Diagnostic, Location, error

# What is in place of a file, by the type of the directory entry (anything but a regular file).
_NOT_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Refused:
    """Why a file the build reads cannot be read: `code` is file.not-a-file or file.unreadable."""

    code: str
    what: str  # "a folder", "a named pipe", ... or the operating system's reason ("Permission denied")


def _not_a_file(mode: int) -> str:
    return next((what for test, what in _NOT_FILES if test(mode)), "not a regular file")


def read(path: Path) -> bytes | Refused | None:
    """The bytes of the regular file at path; None when nothing is there or it is a symbolic link (not followed);
    otherwise why it cannot be read."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as failure:  # a path through a file (NotADirectoryError), or a folder that may not be listed
        if failure.errno == errno.ENOTDIR:
            return None
        return Refused("file.unreadable", failure.strerror or str(failure))
    if stat.S_ISLNK(mode):
        return None
    if not stat.S_ISREG(mode):
        return Refused("file.not-a-file", _not_a_file(mode))
    try:
        handle = os.open(path, _FLAGS)
    except FileNotFoundError:
        return None  # removed since it was looked at
    except OSError as failure:
        if failure.errno == errno.ELOOP:
            return None  # replaced by a symbolic link since it was looked at
        return Refused("file.unreadable", failure.strerror or str(failure))
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):  # replaced since it was looked at
            return Refused("file.not-a-file", _not_a_file(mode))
        chunks: list[bytes] = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as failure:
        return Refused("file.unreadable", failure.strerror or str(failure))
    finally:
        os.close(handle)


def diagnostic(relative: str, refused: Refused) -> Diagnostic:
    """The diagnostic of a file the build cannot read, at the file (line 0: the whole file)."""
    if refused.code == "file.not-a-file":
        return error(
            Location(relative),
            "file.not-a-file",
            f"the build reads this as a file, but it is {refused.what}",
            "put the file itself in its place",
        )
    return error(
        Location(relative),
        "file.unreadable",
        f"the file cannot be read: {refused.what}",
        "check that it is a file you can read (its permissions)",
    )


def read_input(root: Path, relative: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of root/relative (relative: with /, as diagnostics name it), or None: with no diagnostic when
    nothing is there (each caller says whether that is a problem) or it is a symbolic link (an error of
    imap.reading.symlinks), with one when something else is in the file's place or it cannot be read."""
    found = read(root / relative)
    if isinstance(found, Refused):
        return None, [diagnostic(relative, found)]
    return found, []
