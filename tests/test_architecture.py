"""The domain never imports MkDocs; the tooling configuration stays strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import load_config

from imap.rendering import site
from tests.conftest import ROOT, SITES


def test_domain_does_not_import_mkdocs() -> None:
    program = f"""
import sys
from pathlib import Path
from imap import cli
from imap.publishing import manual_json
from imap.rendering import item_pages, overview
from imap.checking.project import load_project
from imap.rendering.site import SiteData
project = load_project(Path({str(SITES / "valid")!r}))
site = SiteData.create(project.manual)
manual_json.manual_json(site)
for item in project.manual.items:
    item_pages.item_page(site, item)
overview.bibliography_page(site, "bibliography.md")
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs", "mkdocs_macros", "material"))
print(",".join(leaked))
"""
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_build_with_its_references_cached_does_without_pandoc(tmp_path: Path) -> None:
    """A build whose formatted references and item citations all come from the cache (every build after the first on
        an author's machine) never starts pandoc; the first build starts it twice, whatever the number of pages: once for
    the whole bibliography and once for the manual's own items ("Cite this")."""
    program = f"""
import sys
from pathlib import Path
from imap.publishing import downloads
from imap.citing import pandoc
from imap.rendering import item_pages, overview
from imap.citing.manual_citation import Work
from imap.checking.project import load_project
from imap.rendering.site import SiteData
runs = []
real = pandoc.Run.__init__
def counted(run, arguments, files=None):
    runs.append(arguments[:2])
    real(run, arguments, files)
pandoc.Run.__init__ = counted
project = load_project(Path({str(SITES / "valid")!r}), Path(sys.argv[1]))
site = SiteData.create(project.manual, work=Work(version="0.1.0", date="2026-01-15"), cache_dir=Path(sys.argv[1]))
downloads.data_files(site)
for item in project.manual.items:
    item_pages.item_page(site, item)
overview.bibliography_page(site, "bibliography.md")
print(len(runs))
"""
    first, second = (
        subprocess.run(
            [sys.executable, "-c", program, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    )
    assert first == "2"
    assert second == "0"


def test_no_module_of_the_engine_imports_mkdocs() -> None:
    """The engine's MkDocs adapter is a hook outside the package (hooks/adapter.py)."""
    importers = sorted(
        path.name
        for path in (ROOT / "imap").rglob("*.py")
        if any(
            line.lstrip().startswith(("import mkdocs", "from mkdocs", "import material", "from material"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert importers == []


def test_the_build_is_strict_and_renders_no_page_as_a_template() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.strict is True
    assert "macros" not in config.plugins  # pages call macros only through imap.publishing.generate
    hooks = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nhooks:\n", 1)[1].splitlines()
    assert hooks[0] == "  - hooks/adapter.py"  # first: the other hooks import the engine it puts on the import path


def test_live_preview_watches_every_source_file_once(project: Callable[[str | None], Path]) -> None:
    """`make serve` rebuilds when any file the site is made from is saved, and sees each save once: manual/ is
    reached through the docs/manual link, and a second watch on it made one save two changes (often two builds)."""
    root = project(None)
    for name in site.SOURCE_FILES:
        shutil.copy2(ROOT / name, root / name)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    watched = sorted(Path(path).relative_to(root).as_posix() for path in config.watch)
    assert watched == sorted(["imap", "overrides", *site.SOURCE_FILES])
    assert (root / "docs" / "manual").resolve() == (root / "manual").resolve()


# The engine's pipeline, in order: a module may import its own stage and the stages before it, never one after.
STAGES = ("model", "reading", "citing", "checking", "rendering", "publishing")
MAX_LINES = 400


def _imports(path: Path) -> list[tuple[str, int]]:
    """The imap modules a file imports, each with its line (imports inside functions included)."""
    import ast

    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "imap":
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [(name if _module_file(name) else node.module, node.lineno) for name in names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.split(".")[0] == "imap"]
    return found


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path
        for path in sorted((ROOT / "imap").rglob("*.py"))
        if path.name != "__init__.py"
    }


def test_each_stage_imports_only_itself_and_the_stages_before_it() -> None:
    backwards = []
    for name, path in _modules().items():
        parts = name.split(".")
        if len(parts) < 3:
            continue  # imap.cli and imap.__main__ sit above the stages
        stage = STAGES.index(parts[1])
        for imported, line in _imports(path):
            target = imported.split(".")
            if len(target) > 1 and target[1] in STAGES and STAGES.index(target[1]) > stage:
                backwards.append(f"{path.relative_to(ROOT)}:{line}: {parts[1]} imports {imported}")
    assert backwards == []
    assert sorted(p.name for p in (ROOT / "imap").iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(STAGES)
    for name in STAGES:  # each stage says what it owns and what it may import
        doc = (ROOT / "imap" / name / "__init__.py").read_text(encoding="utf-8")
        assert "May import:" in doc


def test_no_module_imports_itself_round_a_cycle() -> None:
    graph = {name: {i for i, _ in _imports(path) if i in _modules() and i != name} for name, path in _modules().items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_module_of_the_engine_its_adapters_or_its_tools_is_over_400_lines() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in [*(ROOT / "imap").rglob("*.py"), *(ROOT / "hooks").glob("*.py"), *(ROOT / "tools").rglob("*.py")]
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
