"""Relative paths and links between pages of the site, computed from the paths alone."""

from __future__ import annotations


def relpath(target: str, start: str) -> str:
    """What posixpath.relpath(target, start) gives for two normalised paths relative to the same root ('' or '.'
    for the root itself), without its trip through the working directory: a build makes thousands of links."""
    to = [part for part in target.split("/") if part and part != "."]
    here = [part for part in start.split("/") if part and part != "."]
    shared = 0
    while shared < min(len(to), len(here)) and to[shared] == here[shared]:
        shared += 1
    return "/".join([".."] * (len(here) - shared) + to[shared:]) or "."
