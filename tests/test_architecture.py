"""The domain never imports MkDocs; the tooling configuration stays strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import load_config

from macros import site
from tests.conftest import ROOT, SITES


def test_domain_does_not_import_mkdocs() -> None:
    program = f"""
import sys
from pathlib import Path
from macros import cli, export, render
from macros.project import load_project
from macros.site import SiteData
project = load_project(Path({str(SITES / "valid")!r}))
site = SiteData.create(project.manual)
export.manual_json(site)
for item in project.manual.items:
    render.item_page(site, item)
render.bibliography_page(site, "bibliography.md")
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs", "mkdocs_macros", "material"))
print(",".join(leaked))
"""
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_build_with_its_references_cached_does_without_pandoc(tmp_path: Path) -> None:
    """A build whose formatted references and item citations all come from the cache (every build after the first on
    an author's machine) never starts pandoc; the first build does."""
    program = f"""
import sys
from pathlib import Path
from macros import datafiles, pandoc, render
from macros.citing import Work
from macros.project import load_project
from macros.site import SiteData
runs = []
real = pandoc.run
pandoc.run = lambda *args: runs.append(args[0][:2]) or real(*args)
project = load_project(Path({str(SITES / "valid")!r}), Path(sys.argv[1]))
site = SiteData.create(project.manual, work=Work(version="0.1.0", date="2026-01-15"), cache_dir=Path(sys.argv[1]))
datafiles.data_files(site)
for item in project.manual.items:
    render.item_page(site, item)
render.bibliography_page(site, "bibliography.md")
print(len(runs))
"""
    first, second = (
        subprocess.run(
            [sys.executable, "-c", program, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    )
    assert int(first) >= 3
    assert second == "0"


def test_no_module_of_the_engine_imports_mkdocs() -> None:
    """The engine's MkDocs adapter is a hook outside the package (hooks/imap.py)."""
    importers = sorted(
        path.name
        for path in (ROOT / "macros").glob("*.py")
        if any(
            line.lstrip().startswith(("import mkdocs", "from mkdocs", "import material", "from material"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert importers == []


def test_the_build_is_strict_and_renders_no_page_as_a_template() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.strict is True
    assert "macros" not in config.plugins  # pages call macros only through macros.generate
    hooks = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nhooks:\n", 1)[1].splitlines()
    assert hooks[0] == "  - hooks/imap.py"  # first: the other hooks import the engine it puts on the import path


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
    assert watched == sorted(["macros", "overrides", *site.SOURCE_FILES])
    assert (root / "docs" / "manual").resolve() == (root / "manual").resolve()
