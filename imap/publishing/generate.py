"""Engine-neutral pages: the complete Markdown of every page of the site, written as plain files.

This is the one path from the manual to pages. `python -m imap generate DIR` (`make generate`) writes a site
source any static-site engine can build: every page under docs/ with its macros evaluated, every item page with its
tables, maps and history, the data files and the permanent-address pages, and a mkdocs.yml with the navigation
spelled out and no step of our own besides the allowlist sanitiser. The MkDocs adapter (hooks/adapter.py) calls
`page()` below for each page it builds, so the live site and the generated tree are made by the same code.

A page of docs/ whose front matter sets `render_macros: true` calls the site's macros. It is parsed with Jinja's
parser and checked (imap.checking.page_templates) to hold only text and calls of a macro with literal arguments; here
each call is made with those literals and its Markdown put in its place. Nothing in a page is ever rendered as a
template, so nothing a contributor writes runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from imap.checking import page_templates
from imap.model.diagnostics import Diagnostic, Location, error
from imap.model.items import Kind
from imap.publishing import downloads
from imap.reading import git_history, symlinks
from imap.reading.addresses import read_registry, write_redirects
from imap.reading.manual_files import CACHE_DIR, DOCS_DIR, MANUAL_DIR
from imap.rendering import (
    benchmarks,
    edition_links,
    figures,
    item_pages,
    markdown,
    navigation,
    overview,
    reference_pages,
    research,
)
from imap.rendering.benchmarks import Results
from imap.rendering.site import SiteData

# How MkDocs finds a page's YAML front matter (mkdocs.utils.meta.YAML_RE), and what it hands on as the page's text.
_FRONT_MATTER: Final = page_templates.PAGE_META
CONFIG_FILE: Final = "mkdocs.yml"
# The hook that is the MkDocs adapter: a generated tree has its pages already, so its configuration leaves it out.
ADAPTER_HOOK: Final = "hooks/adapter.py"
# The file that marks a folder as written by `generate` (and so one it may empty again).
MARKER: Final = ".imap-generated"
# What a generated tree's configuration drops: live-preview watching of the sources (the tree is a snapshot).
_DROPPED_KEYS: Final = ("watch",)


class GenerateError(Exception):
    """A page cannot be generated: its diagnostics."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__("\n".join(problem.format() for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Page:
    """A page as every engine gets it: its path under docs/, the front matter to write, and its Markdown."""

    path: str
    meta: Mapping[str, object]
    markdown: str


@dataclass(frozen=True)
class Pages:
    """What makes every page: the site data and the benchmark results the benchmarks page shows."""

    site: SiteData
    results: Results | None = None
    # Front matter keys that only tell the generator what to do; a generated page does not carry them.
    consumed: frozenset[str] = field(default=frozenset({"render_macros", "hover_definitions"}))

    def functions(self, here: str) -> dict[str, Callable[..., str]]:
        """The site's macros as the page `here` (its path under docs/) calls them; the names are
        imap.checking.page_templates.MACROS (a test holds the two equal)."""
        site, results = self.site, self.results
        return {
            "cite": lambda *keys: markdown.cite(site, keys, here),
            "xref": lambda item_id: markdown.xref(site, item_id, here),
            "principle_evidence_table": lambda: overview.principle_evidence_table(site, here),
            "evidence_principles_table": lambda: overview.evidence_principles_table(site, here),
            "theory_map_table": lambda: overview.theory_map_table(site, here),
            "intervention_matrix": lambda: overview.intervention_matrix(site, here),
            "session_table": lambda: overview.session_table(site, here),
            "principle_sessions_table": lambda: overview.principle_sessions_table(site, here),
            "off_course_list": overview.off_course_list,
            "form_table": lambda: overview.form_table(site, here),
            "certainty_table": lambda: research.certainty_table(site, here),
            "evidence_profiles": lambda: research.evidence_profiles(site, here),
            "fidelity_form": lambda: research.fidelity_form(site, here),
            "item_list": lambda kind: overview.item_list(site, Kind(kind), here),
            "bibliography": lambda: overview.bibliography_page(site, here),
            "vocabulary_tables": overview.vocabulary_tables,
            "required_sections_table": overview.required_sections_table,
            "fields_table": lambda kind: overview.fields_table(Kind(kind)),
            "diagnostic_codes_table": overview.diagnostic_codes_table,
            "hypotheses_registry": lambda: research.hypotheses_registry(site, here),
            "fidelity_scale": lambda: research.fidelity_scale(site, here),
            "gap_map": lambda: research.gap_map(site, here),
            "principle_cards": lambda: reference_pages.principle_cards(site, here),
            "glossary": lambda: reference_pages.glossary_page(site, here),
            "item_changes": lambda: reference_pages.changes_page(site, here),
            "manual_map": lambda: figures.manual_map(site, here),
            "coverage_figures": lambda: figures.coverage(site, here),
            "data_files_table": lambda: downloads.files_table(here, site.directory_urls),
            "data_link": lambda name: downloads.data_link(here, name, site.directory_urls),
            "data_columns": downloads.columns_table,
            "data_versions": lambda: downloads.versions(site),
            "editions": lambda: edition_links.section(here, site.editions, site.directory_urls),
            "benchmarks": lambda: benchmarks.results_page(results),
            "markup_allowlist": overview.allowlist_tables,
        }

    def page(self, path: str, meta: Mapping[str, object], text: str, first_line: int = 1) -> Page:
        """The page at `path` (under docs/) whose front matter is `meta` and whose text after it is `text`
        (starting at line `first_line` of its file). Raises GenerateError when a macro call fails."""
        site = self.site
        item = site.manual.by_path.get(path)
        retired = site.manual.retired_by_path.get(path)
        shown = item or retired
        written: dict[str, object] = {key: value for key, value in meta.items() if key not in self.consumed}
        if shown is not None:
            # An item page says only what the theme reads: its title, and its permanent address ("Copy link").
            written = {key: meta[key] for key in ("title",) if key in meta}
            written["imap_permalink"] = site.permalink_path(shown.id)
        if item is not None:
            markdown = item_pages.item_page(site, item)
        elif retired is not None:
            markdown = item_pages.retired_page(site, retired)
        else:
            calls = meta.get("render_macros") == True  # noqa: E712 -- as the template check reads it (1 counts)
            source = f"{DOCS_DIR}/{path}"
            if calls:
                text = self.evaluate(source, text, first_line)
                title = meta.get("title")
                if isinstance(title, str) and "{" in title:
                    written["title"] = self.evaluate(source, title, 0, here=path)
            markdown = text + "\n\n" + item_pages.page_footer(site, source, calls)
        # Glossary terms and abbreviations show their definition on hover, on every page but one that says it
        # defines them itself (the glossary).
        if meta.get("hover_definitions", True) is not False:
            markdown += "\n\n" + reference_pages.abbreviations(site, markdown) + "\n"
        return Page(path, written, markdown)

    def evaluate(self, source: str, text: str, first_line: int, here: str | None = None) -> str:
        """The text of a page that calls macros, each call replaced by what the macro makes. `source` is the page's
        path from the project root (docs/...). Anything but text and macro calls with literal arguments is refused
        (imap.checking.page_templates has reported it already, with its line: this is the last line of defence)."""
        problems = page_templates.check_template(source, text, first_line)
        if problems:
            raise GenerateError(problems)
        import jinja2  # only pages that call macros pay for importing Jinja
        from jinja2 import nodes

        functions = self.functions(here if here is not None else source.removeprefix(f"{DOCS_DIR}/"))
        out: list[str] = []
        for statement in jinja2.Environment(keep_trailing_newline=True).parse(text).body:
            assert isinstance(statement, nodes.Output)  # check_template refuses every other node
            for node in statement.nodes:
                if isinstance(node, nodes.TemplateData):
                    out.append(node.data)
                elif isinstance(node, nodes.Const):
                    out.append(str(node.value))
                else:
                    out.append(self._call(functions, node, source, first_line))
        return "".join(out)

    def _call(self, functions: Mapping[str, Callable[..., str]], call: Any, source: str, first_line: int) -> str:
        name = call.node.name
        arguments = [argument.value for argument in call.args]
        keywords = {keyword.key: keyword.value.value for keyword in call.kwargs}
        try:
            return str(functions[name](*arguments, **keywords))
        except (TypeError, ValueError, KeyError) as exc:
            where = Location(source, max(first_line + (call.lineno or 1) - 1, 0))
            shown = ", ".join([repr(a) for a in arguments] + [f"{k}={v!r}" for k, v in keywords.items()])
            raise GenerateError(
                [error(where, "template.call", f"{name}({shown[:80]}) cannot be made: {str(exc)[:200]}")]
            ) from exc


def split_front_matter(text: str) -> tuple[dict[str, object], str, int]:
    """A page's front matter and the text after it, as MkDocs reads them (mkdocs.utils.meta.get_data), and the line
    the text starts on. Front matter that does not parse to a mapping leaves the text whole."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return {}, text, 1
    try:
        meta = yaml.load(found.group(1), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}, text, 1
    if not isinstance(meta, dict):
        return {}, text, 1
    body = text[found.end() :].lstrip("\n")
    return {str(key): value for key, value in meta.items()}, body, text[: len(text) - len(body)].count("\n") + 1


def source_pages(root: Path) -> Iterator[tuple[str, Path]]:
    """Every Markdown page of the site: (path under docs/, file). The manual's items are reached through the
    docs/manual link, as an engine reaches them; no other link is followed."""
    for relative, linked in symlinks.walk(root, DOCS_DIR):
        if not linked and relative.endswith(page_templates.MARKDOWN_SUFFIXES):
            yield relative.removeprefix(f"{DOCS_DIR}/"), root / relative
    for relative, linked in symlinks.walk(root, MANUAL_DIR):
        if not linked and relative.endswith(".md"):
            yield relative, root / relative


def _static_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file of docs/ that is not a page (styles, scripts, vendored files, benchmark results)."""
    for relative, linked in symlinks.walk(root, DOCS_DIR):
        if relative == f"{DOCS_DIR}/{MANUAL_DIR}" or relative.endswith(page_templates.MARKDOWN_SUFFIXES):
            continue
        path = root / relative
        if linked and not path.is_dir():
            continue  # imap.reading.symlinks reports it
        if linked:
            for inner, _ in symlinks.walk(root, relative):
                yield inner.removeprefix(f"{DOCS_DIR}/"), root / inner
        else:
            yield relative.removeprefix(f"{DOCS_DIR}/"), path


def write_page(page: Page) -> str:
    """A generated page as a file: YAML front matter (when it has any), then its Markdown."""
    if not page.meta:
        return page.markdown
    meta = yaml.safe_dump(dict(page.meta), allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{meta}---\n\n{page.markdown}"


def generate(root: Path, out: Path, pages: Pages, nav: list[Any]) -> list[str]:
    """Writes the complete site source into `out` (emptied first): docs/ with every page generated, the data files
    and the permanent-address pages; mkdocs.yml with `nav` and without the adapter hook; the theme overrides and
    the sanitiser hooks it names. Returns the paths written, relative to `out`. Raises GenerateError."""
    if out.exists():
        if not replaceable(out):
            raise GenerateError([error(Location(str(out)), "generate.folder", "the folder holds files of its own")])
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("Written by `make generate`; emptied by the next run.\n", encoding="utf-8")
    docs = out / DOCS_DIR
    written: list[str] = []
    problems: list[Diagnostic] = []
    for relative, path in source_pages(root):
        meta, text, first_line = split_front_matter(path.read_text(encoding="utf-8"))
        try:
            page = pages.page(relative, meta, text, first_line)
        except GenerateError as exc:
            problems.extend(exc.problems)
            continue
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(write_page(page), encoding="utf-8")
        written.append(f"{DOCS_DIR}/{relative}")
    if problems:
        raise GenerateError(problems)
    for relative, path in _static_files(root):
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        written.append(f"{DOCS_DIR}/{relative}")
    written += [f"{DOCS_DIR}/{name}" for name in _relative(downloads.write_data_files(pages.site, docs), docs)]
    registry = read_registry(root)
    written += [f"{DOCS_DIR}/{source}/index.html" for source in write_redirects(pages.site.manual, docs, registry)]
    config, hooks = generated_config((root / CONFIG_FILE).read_text(encoding="utf-8"), nav, theme_values(pages.site))
    (out / CONFIG_FILE).write_text(config, encoding="utf-8")
    written.append(CONFIG_FILE)
    for name in [*hooks, *_tree(root, "overrides")]:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
        written.append(name)
    pages.site.save_caches()
    return sorted(written)


def replaceable(out: Path) -> bool:
    """Whether `generate` may empty the folder: it is empty, or an earlier run wrote it."""
    return not out.is_symlink() and (not any(out.iterdir()) or (out / MARKER).is_file())


def _relative(paths: list[Path], base: Path) -> list[str]:
    return [path.relative_to(base).as_posix() for path in paths]


def _tree(root: Path, folder: str) -> list[str]:
    return [
        relative for relative, linked in symlinks.walk(root, folder) if not linked and "__pycache__" not in relative
    ]


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml whatever its tags (!ENV, !!python/name: ...): as nodes they are written back as they are; as
    values (configured_nav) a tagged value reads as None."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def theme_values(site: SiteData) -> dict[str, object]:
    """What the theme's templates (overrides/) read from `extra` beyond mkdocs.yml: the version label in every
    footer, the editions every footer links to (none unless published), and whether the print edition loads the
    diagram script (hooks/sanitize.py turns it on)."""
    return {
        "manual_version": site.manual.version_label,
        "imap_editions": edition_links.footer_links(site.editions),
        "imap_print_diagrams": False,
    }


def generated_config(text: str, nav: list[Any], extra: Mapping[str, object]) -> tuple[str, list[str]]:
    """The configuration of a generated tree, from the project's mkdocs.yml: `nav` spelled out, the theme values
    `extra` added, no adapter hook and no live-preview watching; the tags of the original kept. Returns it and the
    hook files it names (to be copied beside it)."""
    document = yaml.compose(text, Loader=_Loader)
    if not isinstance(document, yaml.MappingNode):
        raise GenerateError(
            [error(Location(CONFIG_FILE, 1), "generate.config", "mkdocs.yml is not a mapping of settings")]
        )
    kept: list[tuple[yaml.Node, yaml.Node]] = []
    hooks: list[str] = []
    representer = yaml.SafeDumper(None)  # type: ignore[arg-type]
    for key, value in document.value:
        name = str(key.value)
        if name in _DROPPED_KEYS or name == "nav":
            continue
        if name == "extra" and isinstance(value, yaml.MappingNode):
            value.value = [(k, v) for k, v in value.value if str(k.value) not in extra]
            value.value += [(representer.represent_str(k), representer.represent_data(v)) for k, v in extra.items()]
        if name == "hooks" and isinstance(value, yaml.SequenceNode):
            value.value = [v for v in value.value if str(v.value) != ADAPTER_HOOK]
            hooks = [str(v.value) for v in value.value]
        kept.append((key, value))
    kept.append((representer.represent_str("nav"), representer.represent_data(nav)))
    document.value = kept
    body = yaml.serialize(document, Dumper=yaml.SafeDumper, allow_unicode=True, width=120)
    notice = "# Generated by `make generate` from the project's mkdocs.yml: edit that file, not this one.\n"
    return notice + body, hooks


def site_url() -> str:
    """The published site's address, from the one setting (IMAP_SITE_URL), as mkdocs.yml reads it."""
    return os.environ.get("IMAP_SITE_URL", "")


def editions_published() -> bool:
    """Whether this build's editions are published beside its pages: the one setting, IMAP_EDITIONS=1, which only
    `make release` sets (it builds the editions and publishes them with the version)."""
    return os.environ.get(edition_links.SETTING, "") == "1"


def load(root: Path, address: str, nav: Any, directory_urls: bool = True) -> tuple[Pages, list[Any], list[Diagnostic]]:
    """Everything a build needs, for an engine adapter or `generate`: the page maker, the navigation with the
    manual's parts, and the problems (errors stop a build; warnings and notes are for the log)."""
    from imap.checking.project import load_project
    from imap.citing import manual_citation

    project = load_project(root, root / CACHE_DIR)
    results, result_problems = benchmarks.load_results(root)
    problems = [*project.diagnostics, *result_problems]
    past = git_history.load(root)
    version = project.manual.version
    work = manual_citation.read_work(root, version, project.manual.changelog.date_of(version) or past.head_date)
    site = SiteData.create(
        project.manual,
        address,
        history=past,
        work=work,
        cache_dir=root / CACHE_DIR,
        editions=editions_published(),
        directory_urls=directory_urls,
    )
    return Pages(site, results), navigation.navigation(site, nav), problems


def configured_nav(root: Path) -> Any:
    """The `nav` of the project's mkdocs.yml, as written."""
    document = yaml.load((root / CONFIG_FILE).read_text(encoding="utf-8"), Loader=_Loader)
    return document.get("nav") if isinstance(document, dict) else None
