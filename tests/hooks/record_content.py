"""MkDocs hook for the tests: keeps each page's content HTML as Markdown made it, before the sanitiser (which runs
at priority 100), in <project>/recorded/<page source path>.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority


@event_priority(200)
def on_page_content(html: str, page: Any, config: Any, **kwargs: Any) -> str:
    target = Path(config["config_file_path"]).parent / "recorded" / f"{page.file.src_uri}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return html
