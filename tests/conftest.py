"""Shared fixtures: the project root, fixture sites copied into a temporary directory, and site builds."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
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
    for name in ("mkdocs.yml", "VERSION", "CITATION.cff", ".gitignore", "vendor.lock.json"):
        shutil.copy2(ROOT / name, destination / name)
    for name in ("docs", "overrides", "imap", "hooks"):
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


def mkdocs_build(project_dir: Path, site_url: str = "") -> subprocess.CompletedProcess[str]:
    """A strict build; with `site_url`, as published there (IMAP_SITE_URL), otherwise as a plain build."""
    return run([sys.executable, "-m", "mkdocs", "build", "--strict"], project_dir, {"IMAP_SITE_URL": site_url})


def imap_check(project_dir: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "imap.cli", "--root", str(project_dir), "check"], ROOT)


def record_content(project_dir: Path) -> Path:
    """Makes the project's build keep each page's content HTML as Markdown made it, before the sanitiser; returns
    the folder it will be in (tests/hooks/record_content.py)."""
    shutil.copy2(ROOT / "tests" / "hooks" / "record_content.py", project_dir / "hooks" / "record_content.py")
    config = project_dir / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nhooks:\n" in text
    config.write_text(text.replace("\nhooks:\n", "\nhooks:\n  - hooks/record_content.py\n", 1), encoding="utf-8")
    return project_dir / "recorded"


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder shared by every worker of this test run (pytest-xdist runs the tests in several processes): the sites
    the session fixtures build are built there once for the whole run, not once per worker."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if worker_id != "master" else base) / "shared"


def build_once(shared: Path, name: str, build: Callable[[Path], None]) -> Path:
    """`shared/name`, made by `build` once for the whole test run: the first worker to ask builds it while the others
    wait on a lock, then all of them use it. A build that fails leaves no mark, so whoever asks next tries again (and
    fails in the same way, with its own message)."""
    shared.mkdir(parents=True, exist_ok=True)
    target, done = shared / name, shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            if target.exists():
                shutil.rmtree(target)
            build(target)
            done.touch()
    return target


def _build_real(target: Path) -> None:
    project_dir = make_project(target / "project")
    record_content(project_dir)
    result = mkdocs_build(project_dir)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def built_site(shared_dir: Path) -> Path:
    """The real manual, built once for the test run; returns the site directory. The build also keeps each page's
    content as Markdown made it, before the sanitiser, in `recorded/` beside the site (see record_content)."""
    return build_once(shared_dir, "real", _build_real) / "project" / "site"


def _build_hostile(target: Path) -> None:
    from tests.hostile.corpus import plant

    project_dir = make_project(target / "project")
    shutil.copy2(ROOT / "CHANGELOG.md", project_dir / "CHANGELOG.md")
    plant(project_dir)
    result = run([sys.executable, str(ROOT / "tests" / "hostile" / "build_unchecked.py"), str(project_dir)], ROOT)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def hostile_site(shared_dir: Path) -> Path:
    """The real manual with every payload of the hostile corpus planted (tests/hostile/corpus.py), built with the
    author-facing html.unsafe check switched off, so that only the sanitiser and the escaping stand between the
    payloads and a reader; returns the site directory."""
    return build_once(shared_dir, "hostile", _build_hostile) / "project" / "site"


def _build_valid(target: Path) -> None:
    project_dir = make_project(target / "project", "valid")
    result = mkdocs_build(project_dir)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def valid_site(shared_dir: Path) -> Path:
    return build_once(shared_dir, "valid", _build_valid) / "project" / "site"


RELEASE_ENV = {
    "GIT_AUTHOR_NAME": "Release test",
    "GIT_AUTHOR_EMAIL": "release@example.org",
    "GIT_COMMITTER_NAME": "Release test",
    "GIT_COMMITTER_EMAIL": "release@example.org",
    "IMAP_SITE_URL": "https://imap-manual.github.io/manual/",  # a release needs the published address
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env={**os.environ, **RELEASE_ENV})


def _release(repo: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "tools.release", "--root", str(repo)], ROOT, RELEASE_ENV)


def _register(repo: Path) -> None:
    built = mkdocs_build(repo)
    assert built.returncode == 0, built.stderr
    registered = run([sys.executable, "-m", "imap.cli", "--root", str(repo), "register", str(repo / "site")], ROOT)
    assert registered.returncode == 0, registered.stderr
    shutil.rmtree(repo / "site")


@dataclass(frozen=True)
class Releases:
    repo: Path
    pages: Path  # the gh-pages branch, checked out
    first_refused: str  # what the second release said before its new address was registered


def _build_releases(target: Path) -> None:
    repo = make_project(target / "repo", "valid")
    (repo / "VERSION").write_text("0.1.0\n", encoding="utf-8")
    changelog = "# Changelog\n\n## [0.1.0] - 2026-01-15\n\n### Added\n- C01, C02, C25, T01, P01, I01.\n"
    (repo / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    cff = repo / "CITATION.cff"
    cff.write_text(re.sub(r"(?m)^version: .*$", "version: 0.1.0", cff.read_text(encoding="utf-8")), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _register(repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "0.1.0")
    first = _release(repo)
    assert first.returncode == 0, first.stderr

    old = repo / "manual" / "principles" / "P01.md"
    text = old.read_text(encoding="utf-8").replace("title: Work within tolerable arousal", "title: Stay in the window")
    (repo / "manual" / "principles" / "P01-stay-in-the-window.md").write_text(text, encoding="utf-8")
    old.unlink()
    (repo / "VERSION").write_text("0.2.0\n", encoding="utf-8")
    changelog = changelog.replace("## [0.1.0]", "## [0.2.0] - 2026-03-01\n\n### Changed\n- P01 retitled.\n\n## [0.1.0]")
    (repo / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    cff.write_text(cff.read_text(encoding="utf-8").replace("version: 0.1.0", "version: 0.2.0"), encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "0.2.0")
    refused = _release(repo)
    assert refused.returncode == 1
    _register(repo)
    _git(repo, "commit", "-qam", "register the new address")
    second = _release(repo)
    assert second.returncode == 0, second.stderr
    _git(repo, "worktree", "add", "-q", str(target / "gh-pages"), "gh-pages")
    (target / "refused.txt").write_text(refused.stderr, encoding="utf-8")


@pytest.fixture(scope="session")
def releases(shared_dir: Path) -> Releases:
    """The fixture manual released twice with `tools.release` into a temporary git repository, once for the test run:
    0.1.0, then 0.2.0 after P01 was retitled and its file renamed. Returns the repository and its gh-pages branch
    checked out."""
    target = build_once(shared_dir, "releases", _build_releases)
    return Releases(target / "repo", target / "gh-pages", (target / "refused.txt").read_text(encoding="utf-8"))
