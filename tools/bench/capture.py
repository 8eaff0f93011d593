"""A MkDocs hook the benchmark adds to a build with the macros: it writes each page's Markdown as the macros left
it (with the page's front matter) into the directory named by BENCH_CAPTURE, and the final navigation next to it,
so that plain Material for MkDocs can build the same pages without the macros plugin."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    out = Path(os.environ["BENCH_CAPTURE"]) / page.file.src_uri
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {k: v for k, v in page.meta.items() if k != "render_macros"}
    head = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" if meta else ""
    out.write_text(head + markdown, encoding="utf-8")
    return markdown


def on_post_build(config: Any) -> None:
    extra = {"manual_version": config["extra"].get("manual_version", "")}
    state = {"nav": config["nav"], "extra": extra}
    (Path(os.environ["BENCH_CAPTURE"]).parent / "captured.json").write_text(json.dumps(state), encoding="utf-8")
