"""What a site build needs beyond the model: the formatted references. Built once per build, never global."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from macros.citations import Formatted, format_references
from macros.model import Manual


@dataclass(frozen=True)
class SiteData:
    manual: Manual
    formatted: Mapping[str, Formatted]

    @classmethod
    def create(cls, manual: Manual) -> SiteData:
        return cls(manual=manual, formatted=format_references(manual.references))
