"""The only code that knows MkDocs and mkdocs-macros: it loads the project, fails the build on content errors,
and hands Python-rendered Markdown to the pages. All logic lives in the domain modules."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from macros import benchmarks, citing, datafiles, figures, history, render, reports, sanitize, templates
from macros.addresses import read_registry, write_redirects
from macros.diagnostics import Severity, has_errors, report
from macros.model import Kind
from macros.project import CACHE_DIR, DOCS_DIR, MANUAL_DIR, load_project
from macros.site import SiteData, source_files

log = logging.getLogger("mkdocs.plugins.imap")
_ATTRIBUTE = "imap_site"


def define_env(env: Any) -> None:
    project = load_project(Path(env.project_dir), Path(env.project_dir) / CACHE_DIR)
    if has_errors(project.diagnostics):
        raise PluginError("the manual has content errors:\n" + report(project.diagnostics))
    for diagnostic in project.diagnostics:
        if diagnostic.severity is not Severity.ERROR:
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
    env.conf["extra"]["manual_version"] = site.manual.version_label
    # Whether the print edition needs the diagram script: only while some item still draws a Mermaid diagram.
    env.conf["extra"]["imap_print_diagrams"] = False  # set by hooks/sanitize.py when a page draws a diagram

    def here() -> str:
        return str(env.page.file.src_path).replace("\\", "/")

    results, problems = benchmarks.load_results(Path(env.project_dir))
    if problems:
        raise PluginError("the benchmark results cannot be read:\n" + report(problems))
    macros: dict[str, Callable[..., str]] = {
        "cite": lambda *keys: render.cite(site, keys, here()),
        "xref": lambda item_id: render.xref(site, item_id, here()),
        "principle_evidence_table": lambda: render.principle_evidence_table(site, here()),
        "evidence_principles_table": lambda: render.evidence_principles_table(site, here()),
        "theory_map_table": lambda: render.theory_map_table(site, here()),
        "intervention_matrix": lambda: render.intervention_matrix(site, here()),
        "session_table": lambda: render.session_table(site, here()),
        "principle_sessions_table": lambda: render.principle_sessions_table(site, here()),
        "off_course_list": render.off_course_list,
        "form_table": lambda: render.form_table(site, here()),
        "certainty_table": lambda: reports.certainty_table(site, here()),
        "evidence_profiles": lambda: reports.evidence_profiles(site, here()),
        "fidelity_form": lambda: reports.fidelity_form(site, here()),
        "item_list": lambda kind: render.item_list(site, Kind(kind), here()),
        "bibliography": lambda: render.bibliography_page(site, here()),
        "vocabulary_tables": render.vocabulary_tables,
        "required_sections_table": render.required_sections_table,
        "fields_table": lambda kind: render.fields_table(Kind(kind)),
        "diagnostic_codes_table": render.diagnostic_codes_table,
        "hypotheses_registry": lambda: reports.hypotheses_registry(site, here()),
        "fidelity_scale": lambda: reports.fidelity_scale(site, here()),
        "gap_map": lambda: reports.gap_map(site, here()),
        "principle_cards": lambda: reports.principle_cards(site, here()),
        "glossary": lambda: reports.glossary_page(site, here()),
        "item_changes": lambda: reports.changes_page(site, here()),
        "manual_map": lambda: figures.manual_map(site, here()),
        "coverage_figures": lambda: figures.coverage(site, here()),
        "data_files_table": lambda: datafiles.files_table(here()),
        "data_columns": datafiles.columns_table,
        "data_versions": lambda: datafiles.versions(site),
        "benchmarks": lambda: benchmarks.results_page(results),
        "markup_allowlist": sanitize.allowlist_tables,
    }
    # Pages are checked (macros.templates) to call only these names: the two lists are one.
    if sorted(macros) != sorted(templates.MACROS):
        different = ", ".join(sorted(set(macros) ^ set(templates.MACROS)))
        raise PluginError(f"the macros registered differ from macros.templates.MACROS: {different}")
    for name, function in macros.items():
        env.macro(function, name)


def on_pre_page_macros(env: Any) -> None:
    """The text mkdocs-macros is about to render passes the template check, whatever made the page render.
    define_env has checked every page under docs/ already (with MkDocs' own rule for reading front matter); this is
    the backstop should that rule and mkdocs-macros' decision ever differ."""
    meta = env.page.meta
    if meta.get("render_macros") == False:  # noqa: E712 -- mkdocs-macros' own test: this page never renders
        return
    source = str(env.page.file.src_path).replace("\\", "/")
    renders = meta.get("render_macros") == True  # noqa: E712 -- as mkdocs-macros tests it (1 and 1.0 too)
    if not (renders or env.config["render_by_default"] or env.force_page_rendering(env.page.file.src_path)):
        return
    path = source if source.startswith(f"{MANUAL_DIR}/") else f"{DOCS_DIR}/{source}"
    markdown = str(env.markdown)
    text = str(env.page.file.content_string)
    first_line = text[: len(text) - len(markdown)].count("\n") + 1 if text.endswith(markdown) else 1
    problems = templates.check_template(path, markdown, first_line)
    if isinstance(env.page.title, str):
        problems.extend(templates.check_template(path, env.page.title, 0))
    if problems:
        raise PluginError("a page that renders macros does more than call them:\n" + report(problems))


def on_post_page_macros(env: Any) -> None:
    site: SiteData = getattr(env, _ATTRIBUTE)
    path = str(env.page.file.src_path).replace("\\", "/")
    item = site.manual.by_path.get(path)
    retired = site.manual.retired_by_path.get(path)
    shown = item or retired
    if shown is not None:
        env.page.meta["imap_permalink"] = site.permalink_path(shown.id)
    if item is not None:
        env.markdown = render.item_page(site, item)
    elif retired is not None:
        env.markdown = render.retired_page(site, retired)
    else:
        generated = bool(env.page.meta.get("render_macros"))
        env.markdown += "\n\n" + render.page_footer(site, f"docs/{path}", generated)
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
