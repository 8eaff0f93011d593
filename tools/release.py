"""Publish the manual's current version with mike: `make release` (add PUSH=1 to push the gh-pages branch).

What it does, in order, stopping with a clear message at the first problem:
1. checks the manual (`make check`), that VERSION has a dated release in CHANGELOG.md and that CITATION.cff names it;
2. builds the site and checks that every address it publishes is in addresses.txt (the registry must be committed
   before a release, so that a later release can never drop an address without a test failing);
3. deploys the build with mike to the gh-pages branch at MAJOR.MINOR (a patch release replaces its minor version in
   place), moves the `latest` alias to it (a full copy, so no server feature is needed) and makes `latest` the default;
4. builds the editions of that build (the manual as PDF and EPUB, the principle cards, each form as PDF, and an
   offline copy of the site) into editions/ and publishes them beside the version's pages, at
   /<MAJOR.MINOR>/editions/ and /latest/editions/: the release's pages link to them (from the home page, every page's
   footer and each form's page), and the deploy workflow attaches them to the GitHub release;
5. writes the version-independent permanent addresses at the root of the branch: /id/<ID>/ leads to the item in
   the latest version (each version also has its own /<MAJOR.MINOR>/id/<ID>/);
6. tags the release commit v<VERSION> (annotated) unless the tag exists.

Usage: python -m tools.release [--push] [--branch gh-pages] [--remote origin]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from imap.checking.project import load_project
from imap.model.diagnostics import has_errors, report
from imap.publishing import editions, offline
from imap.reading import addresses
from imap.reading.git_history import TAG_PREFIX
from imap.rendering import edition_links

LATEST = "latest"


class ReleaseError(Exception):
    pass


SITE_URL_VARIABLE = "IMAP_SITE_URL"
# Addresses that cannot be the published site: the documentation domains and names reserved for examples and tests.
_PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
_PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")


def site_url_problem(url: str) -> str:
    """Why `url` cannot be the published site's address ("" when it can)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not url:
        return (
            f"{SITE_URL_VARIABLE} is not set: set it to the address the site is published at, "
            "such as https://<owner>.github.io/<repository>/"
        )
    if parts.scheme != "https" or not host:
        return f"{SITE_URL_VARIABLE} is {url!r}, not an https:// address"
    if host in _PLACEHOLDER_HOSTS or host.endswith(tuple("." + h for h in _PLACEHOLDER_HOSTS) + _PLACEHOLDER_SUFFIXES):
        return (
            f"{SITE_URL_VARIABLE} is {url!r}, a placeholder domain: permanent links and citations would point nowhere"
        )
    if host.replace(".", "").isdigit():
        return f"{SITE_URL_VARIABLE} is {url!r}: give the site's domain name, not an IP address"
    return ""


def _run(args: list[str], root: Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # mike runs `mkdocs` from the PATH: the one of this environment, whatever the caller's PATH.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    # A release is a mike deployment: Material's version selector (versions.json) is on only here (mkdocs.yml); and
    # its editions are published beside its pages, so its pages link to them (imap.rendering.edition_links).
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "PATH": path,
        "IMAP_VERSION_PROVIDER": "mike",
        edition_links.SETTING: "1",
        **(extra or {}),
    }
    result = subprocess.run(args, cwd=root, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise ReleaseError(f"{' '.join(args[:3])} failed:\n{result.stdout}{result.stderr}")
    return result


def _bin(name: str) -> str:
    """A console script of the running Python environment (mkdocs, mike)."""
    return str(Path(sys.executable).parent / name)


def preflight(root: Path) -> str:
    """The version to release, after checking the manual, the changelog and CITATION.cff."""
    project = load_project(root)
    if has_errors(project.diagnostics):
        raise ReleaseError("the manual has errors:\n" + report(project.diagnostics))
    version = project.manual.version
    if not project.manual.changelog.date_of(version):
        raise ReleaseError(f"CHANGELOG.md has no dated release '## [{version}] - YYYY-MM-DD' for VERSION {version}")
    cff = root / "CITATION.cff"
    if cff.is_file():
        try:
            data = yaml.safe_load(cff.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"CITATION.cff:{mark.line + 1}" if mark is not None else "CITATION.cff"
            raise ReleaseError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        if not isinstance(data, dict) or str(data.get("version")) != version:
            named = data.get("version") if isinstance(data, dict) else None
            raise ReleaseError(f"CITATION.cff names version {named}, but VERSION is {version}")
    return version


def _cff_url(root: Path) -> str:
    try:
        data = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""  # preflight has reported a file that cannot be read
    return str(data.get("url") or "") if isinstance(data, dict) else ""


def build_checked_editions(root: Path, version: str) -> list[Path]:
    """Build the site, refuse to release addresses that are not in the registry, and make the editions of that
    build in editions/ (returns their files)."""
    with tempfile.TemporaryDirectory() as scratch:
        _run([_bin("mkdocs"), "build", "--strict", "--site-dir", scratch], root)
        registry = set(addresses.read_registry(root))
        missing = [a for a in addresses.published_addresses(Path(scratch)) if a and a not in registry]
        if missing:
            listed = "\n  ".join(missing[:20])
            raise ReleaseError(
                f"{len(missing)} address(es) of this release are not in {addresses.REGISTRY}; run `make addresses`, "
                f"review and commit it, then release:\n  {listed}"
            )
        target = root / edition_links.FOLDER
        shutil.rmtree(target, ignore_errors=True)
        try:
            made = [made.path for made in editions.build(Path(scratch), target, version)]
            return [*made, _offline_edition(root, target, version)]
        except editions.EditionError as exc:
            raise ReleaseError(f"the editions could not be made: {exc}") from exc


def _offline_edition(root: Path, target: Path, version: str) -> Path:
    """The offline edition of the release (the site as files, search included, zipped), with no links to the other
    editions or versions, which the zip does not hold."""
    with tempfile.TemporaryDirectory() as scratch:
        _run(
            [_bin("mkdocs"), "build", "--strict", "--site-dir", scratch],
            root,
            {"IMAP_OFFLINE": "true", edition_links.SETTING: "", "IMAP_VERSION_PROVIDER": ""},
        )
        return offline.build(Path(scratch), target, version)


def write_editions(root: Path, branch: str, folder: str, files: list[Path]) -> None:
    """The editions beside the version's pages and the latest version's: <folder>/editions/ and latest/editions/."""
    from mike import git_utils

    base = root / edition_links.FOLDER
    cwd = Path.cwd()
    os.chdir(root)
    try:
        with git_utils.Commit(branch, f"Editions of {folder} (PDF, EPUB)") as commit:
            for path in files:
                name = path.relative_to(base).as_posix()
                for version in (folder, LATEST):
                    commit.add_file(git_utils.FileInfo(f"{version}/{edition_links.FOLDER}/{name}", path.read_bytes()))
    except git_utils.GitError as exc:
        raise ReleaseError(f"could not write the editions to the {branch} branch: {exc}") from exc
    finally:
        os.chdir(cwd)


def write_root_addresses(root: Path, branch: str) -> int:
    """/id/<ID>/ at the root of the published site, leading to the item in the latest version."""
    from mike import git_utils  # mike's own commit helper, so the branch is written exactly as mike writes it

    manual = load_project(root).manual
    redirects = [
        addresses.Redirect(r.source, f"{LATEST}/{r.source}", r.label) for r in addresses.permanent_redirects(manual)
    ]
    cwd = Path.cwd()
    os.chdir(root)
    try:
        with git_utils.Commit(branch, f"Permanent addresses /{addresses.ID_PREFIX}<ID>/ lead to {LATEST}") as commit:
            for redirect in redirects:
                page = addresses.redirect_page(redirect)
                commit.add_file(git_utils.FileInfo(f"{redirect.source}index.html", page))
    except git_utils.GitError as exc:
        raise ReleaseError(f"could not write the root addresses to the {branch} branch: {exc}") from exc
    finally:
        os.chdir(cwd)
    return len(redirects)


def tag(root: Path, version: str) -> str:
    name = f"{TAG_PREFIX}{version}"
    exists = subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify", f"refs/tags/{name}"], check=False)
    if exists.returncode != 0:
        _run(["git", "tag", "-a", name, "-m", f"IMAP manual {version}"], root)
    return name


def release(root: Path, branch: str = "gh-pages", push: bool = False, remote: str = "origin") -> str:
    problem = site_url_problem(os.environ.get(SITE_URL_VARIABLE, "").strip())
    if problem:
        raise ReleaseError(problem)
    version = preflight(root)
    cited = _cff_url(root)
    if cited and site_url_problem(cited):
        raise ReleaseError(f"CITATION.cff: url {cited!r} is a placeholder: give the published address or remove it")
    made = build_checked_editions(root, version)
    folder = addresses.version_path(version)
    pushing = ["--push", "--remote", remote] if push else []
    _run(
        [
            _bin("mike"),
            "deploy",
            "--update-aliases",
            "--alias-type=copy",
            "--title",
            version,
            "--branch",
            branch,
            *pushing,
            folder,
            LATEST,
        ],
        root,
    )
    _run([_bin("mike"), "set-default", "--branch", branch, *pushing, LATEST], root)
    write_editions(root, branch, folder, made)
    count = write_root_addresses(root, branch)
    if push:
        _run(["git", "push", remote, branch], root)
    name = tag(root, version)
    return (
        f"released {version} at /{folder}/ (alias {LATEST}) with {len(made)} edition files (in "
        f"{edition_links.FOLDER}/), {count} permanent addresses at the root, tag {name}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make release", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--push", action="store_true", help="push the gh-pages branch (default: local only)")
    parser.add_argument("--branch", default="gh-pages")
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    try:
        print(release(args.root.resolve(), args.branch, args.push, args.remote))
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
