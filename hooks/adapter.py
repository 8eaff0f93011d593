"""MkDocs hook: the MkDocs adapter of the manual's engine, and the only code that knows MkDocs' build events.

It hands MkDocs (or ProperDocs, a fork that builds the same configuration) what the engine-neutral generator makes
(imap.publishing.generate): the navigation with the manual's parts, and for every page its complete Markdown, made by
the same code that `make generate` writes to plain files. It fails the build on content errors, with every diagnostic,
and writes the data files and permanent-address pages after the build. It must be the first hook in mkdocs.yml: the
other hooks import the engine, which this one puts on the import path.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.imap")
_PAGES = "imap_pages"  # where the build's page maker is kept between events: on the configuration, never globally


def on_config(config: Any) -> Any:
    root = Path(config.config_file_path).resolve().parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))  # the engine is the project's own package, beside mkdocs.yml
    from imap.model.diagnostics import Severity, has_errors, report
    from imap.publishing import generate
    from imap.rendering import site

    # Pages as folders (the site) or as files (the offline edition, whose plugin has turned directory URLs off).
    pages, nav, problems = generate.load(root, str(config.site_url or ""), config.nav, config.use_directory_urls)
    if has_errors(problems):
        raise PluginError("the manual has content errors:\n" + report(problems))
    for problem in problems:
        if problem.severity is not Severity.ERROR:
            log.info(problem.format())
    config.nav = nav
    watched = config.watch  # `mkdocs serve` rebuilds when one of these changes
    watched.extend(str(path) for path in site.source_files(root) if str(path) not in watched)
    config.extra.update(generate.theme_values(pages.site))
    if "polyfills" in config.extra:  # an offline build: Material's offline plugin named a script on a CDN
        from imap.publishing import offline

        config.extra["polyfills"] = offline.local_polyfills(config.extra["polyfills"])
    config[_PAGES] = pages
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, **kwargs: Any) -> str:
    from imap.publishing import generate

    pages: generate.Pages = config[_PAGES]
    path = str(page.file.src_path).replace("\\", "/")
    text = str(page.file.content_string)
    first_line = text[: len(text) - len(markdown)].count("\n") + 1 if text.endswith(markdown) else 1
    try:
        generated = pages.page(path, page.meta, markdown, first_line)
    except generate.GenerateError as exc:
        raise PluginError(f"a page cannot be made:\n{exc}") from exc
    page.meta = dict(generated.meta)
    return generated.markdown


def on_post_build(config: Any, **kwargs: Any) -> None:
    from imap.publishing import generate
    from imap.publishing.downloads import write_data_files
    from imap.reading.addresses import read_registry, write_redirects

    pages: generate.Pages = config[_PAGES]
    site_dir = Path(config.site_dir)
    write_data_files(pages.site, site_dir)
    write_redirects(pages.site.manual, site_dir, read_registry(Path(config.config_file_path).resolve().parent))
    pages.site.save_caches()  # last: writing the data files fills one of them
