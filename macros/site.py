"""What a site build needs beyond the model: the formatted references. Built once per build, never global."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from macros.addresses import ID_PREFIX
from macros.citations import Formatted, format_references
from macros.model import Manual


@dataclass(frozen=True)
class SiteData:
    manual: Manual
    formatted: Mapping[str, Formatted]
    site_url: str = ""  # the published site's root URL, ending in /, or "" when unknown

    @classmethod
    def create(cls, manual: Manual, site_url: str = "", cache_dir: Path | None = None) -> SiteData:
        """cache_dir: where formatted references are kept between builds (None: format them every time)."""
        root = site_url.rstrip("/") + "/" if site_url else ""
        return cls(manual=manual, formatted=format_references(manual.references, cache_dir), site_url=root)

    def permalink(self, item_id: str, anchor: str = "") -> str:
        """The permanent address of an item (or of a section in it): <site>/id/<ID>/ whatever its file or title."""
        address = f"{self.site_url}{ID_PREFIX}{item_id}/"
        return f"{address}#{anchor}" if anchor else address
