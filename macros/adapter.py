"""The only code that knows MkDocs and mkdocs-macros: it loads the project, fails the build on content errors,
and hands Python-rendered Markdown to the pages. All logic lives in the domain modules."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from macros import benchmarks, citing, datafiles, figures, history, markup, render, reports
from macros.addresses import read_registry, write_redirects
from macros.diagnostics import Severity, has_errors, report
from macros.model import Kind
from macros.project import CACHE_DIR, load_project
from macros.site import SiteData, source_files

log = logging.getLogger("mkdocs.plugins.imap")
_ATTRIBUTE = "imap_site"


def define_env(env: Any) -> None:
    project = load_project(Path(env.project_dir), Path(env.project_dir) / CACHE_DIR)
    if has_errors(project.diagnostics):
        raise PluginError("the manual has content errors:\n" + report(project.diagnostics))
    for diagnostic in project.diagnostics:
        if diagnostic.severity is Severity.WARNING:
            log.info(diagnostic.format())
    root = Path(env.project_dir)
    past = history.load(root)
    version = project.manual.version
    work = citing.read_work(root, version, project.manual.changelog.date_of(version) or past.head_date)
    site = SiteData.create(
        project.manual,
        str(env.conf.get("site_url") or ""),
        history=past,
        work=work,
        cache_dir=root / CACHE_DIR,
    )
    setattr(env, _ATTRIBUTE, site)
    env.conf["nav"] = render.navigation(site, env.conf.get("nav"))
    watched = env.conf["watch"]  # `mkdocs serve` rebuilds when one of these changes
    watched.extend(str(path) for path in source_files(root) if str(path) not in watched)
    env.conf["extra"]["manual_version"] = site.manual.version

    def here() -> str:
        return str(env.page.file.src_path).replace("\\", "/")

    env.macro(lambda *keys: render.cite(site, keys, here()), "cite")
    env.macro(lambda item_id: render.xref(site, item_id, here()), "xref")
    env.macro(lambda: render.principle_evidence_table(site, here()), "principle_evidence_table")
    env.macro(lambda: render.evidence_principles_table(site, here()), "evidence_principles_table")
    env.macro(lambda: render.theory_map_table(site, here()), "theory_map_table")
    env.macro(lambda: render.intervention_matrix(site, here()), "intervention_matrix")
    env.macro(lambda kind: render.item_list(site, Kind(kind), here()), "item_list")
    env.macro(lambda: render.bibliography_page(site, here()), "bibliography")
    env.macro(render.vocabulary_tables, "vocabulary_tables")
    env.macro(render.required_sections_table, "required_sections_table")
    env.macro(lambda kind: render.fields_table(Kind(kind)), "fields_table")
    env.macro(render.diagnostic_codes_table, "diagnostic_codes_table")
    env.macro(lambda: reports.hypotheses_registry(site, here()), "hypotheses_registry")
    env.macro(lambda: reports.fidelity_scale(site, here()), "fidelity_scale")
    env.macro(lambda: reports.gap_map(site, here()), "gap_map")
    env.macro(lambda: reports.principle_cards(site, here()), "principle_cards")
    env.macro(lambda: reports.glossary_page(site, here()), "glossary")
    env.macro(lambda: reports.changes_page(site, here()), "item_changes")
    env.macro(lambda: figures.manual_map(site, here()), "manual_map")
    env.macro(lambda: figures.coverage(site, here()), "coverage_figures")
    env.macro(lambda: datafiles.files_table(here()), "data_files_table")
    env.macro(datafiles.columns_table, "data_columns")
    env.macro(lambda: datafiles.versions(site), "data_versions")
    results, problems = benchmarks.load_results(Path(env.project_dir))
    if problems:
        raise PluginError("the benchmark results cannot be read:\n" + report(problems))
    env.macro(lambda: benchmarks.results_page(results), "benchmarks")


def on_post_page_macros(env: Any) -> None:
    site: SiteData = getattr(env, _ATTRIBUTE)
    path = str(env.page.file.src_path).replace("\\", "/")
    item = site.manual.by_path.get(path)
    retired = site.manual.retired_by_path.get(path)
    shown = item or retired
    if shown is not None:
        env.page.meta["imap_permalink"] = site.permalink(shown.id)
    if item is not None:
        env.markdown = render.item_page(site, item)
    elif retired is not None:
        env.markdown = render.retired_page(site, retired)
    else:
        generated = bool(env.page.meta.get("render_macros"))
        env.markdown += "\n\n" + render.page_footer(site, f"docs/{path}", generated)
    # The diagram script (3 MB) is loaded only by pages that draw a diagram.
    env.page.meta["imap_diagrams"] = markup.has_diagram(env.markdown)
    # Glossary terms and abbreviations show their definition on hover, on every page but one that says it defines
    # them itself (the glossary).
    if env.page.meta.get("hover_definitions", True) is not False:
        env.markdown += "\n\n" + reports.abbreviations(site, env.markdown) + "\n"


def on_post_build(env: Any) -> None:
    site: SiteData = getattr(env, _ATTRIBUTE)
    site_dir = Path(env.conf["site_dir"])
    datafiles.write_data_files(site, site_dir)
    write_redirects(site.manual, site_dir, read_registry(Path(env.project_dir)))
    site.save_caches()  # last: writing the data files fills one of them
