"""Shared fixtures: the project root, fixture sites copied into a temporary directory, and site builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def make_project(destination: Path, scenario: str | None = None) -> Path:
    """A buildable project in `destination`: the real site configuration and code, with the manual and
    bibliography of a fixture scenario (or of the real manual when scenario is None)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "VERSION", "CITATION.cff"):
        shutil.copy2(ROOT / name, destination / name)
    for name in ("docs", "overrides", "macros"):
        shutil.copytree(ROOT / name, destination / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    source = ROOT if scenario is None else SITES / scenario
    shutil.copytree(source / "manual", destination / "manual")
    shutil.copy2(source / "references.bib", destination / "references.bib")
    if (source / "glossary.yml").exists():
        shutil.copy2(source / "glossary.yml", destination / "glossary.yml")
    if (source / "VERSION").exists():
        shutil.copy2(source / "VERSION", destination / "VERSION")
    return destination


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str | None], Path]:
    def create(scenario: str | None = None) -> Path:
        return make_project(tmp_path / "project", scenario)

    return create


def run(args: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, env=env)


def mkdocs_build(project_dir: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict"], project_dir)


def imap_check(project_dir: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "macros.cli", "--root", str(project_dir), "check"], ROOT)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real manual, built once for the session; returns the site directory."""
    project_dir = make_project(tmp_path_factory.mktemp("real") / "project")
    result = mkdocs_build(project_dir)
    assert result.returncode == 0, result.stderr
    return project_dir / "site"


@pytest.fixture(scope="session")
def valid_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project_dir = make_project(tmp_path_factory.mktemp("valid") / "project", "valid")
    result = mkdocs_build(project_dir)
    assert result.returncode == 0, result.stderr
    return project_dir / "site"
