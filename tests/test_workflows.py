"""The GitHub workflows hold to least privilege: every token reads only, except the one job that publishes a release,
which runs after the tests, in a protected environment, on a tag that points at a commit on main, and hands its
token only to its last two steps, git's push and gh's attaching of the editions to the release; no checkout leaves a token in .git/config; no script interpolates what a pull request's
author controls.

Each rule is a function from the parsed workflows to the problems it finds, so that the last test can show the rules
reject the release workflow this one replaced (a job that could write ran the tests, kept the token in .git/config,
and published any `v*` tag)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
Workflows = dict[str, dict[str, Any]]
Job = dict[str, Any]

# Contexts whose values the author of a pull request, a branch or a tag chooses (GitHub's list of untrusted input).
_UNTRUSTED = re.compile(r"\$\{\{[^}]*\bgithub\s*\.\s*(event\b|head_ref\b)")
_TOKEN = re.compile(r"\$\{\{\s*(secrets\.|github\.token\b)")
_TESTS = ("bash .ci/run", "make test", "pytest")


def load(texts: dict[str, str]) -> Workflows:
    """Workflow files by name, parsed. YAML 1.1 reads the key `on` as the boolean True: it is stored back as "on"."""
    parsed: Workflows = {}
    for name, text in texts.items():
        data = yaml.safe_load(text)
        assert isinstance(data, dict), name
        if True in data:
            data["on"] = data.pop(True)
        parsed[name] = data
    return parsed


def current() -> Workflows:
    return load({path.name: path.read_text(encoding="utf-8") for path in sorted(WORKFLOWS.glob("*.y*ml"))})


def _jobs(workflows: Workflows) -> Iterator[tuple[str, str, Job]]:
    for name, workflow in workflows.items():
        for job_name, job in (workflow.get("jobs") or {}).items():
            yield name, job_name, job


def _steps(job: Job) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def _script(step: dict[str, Any]) -> str:
    return str(step.get("run", ""))


def read_only(permissions: object) -> bool:
    """Whether a `permissions:` value grants no write access (absent: the workflow's own value applies)."""
    if permissions is None or permissions == {} or permissions == "read-all":
        return True
    if isinstance(permissions, dict):
        return all(value in ("read", "none") for value in permissions.values())
    return False


def publishing_jobs(workflows: Workflows) -> list[tuple[str, str, Job]]:
    """The jobs whose token may write."""
    return [(name, job_name, job) for name, job_name, job in _jobs(workflows) if not read_only(job.get("permissions"))]


def _needed(workflow: dict[str, Any], job_name: str) -> list[str]:
    """The jobs a job waits for, directly or through others."""
    jobs = workflow.get("jobs") or {}
    found: list[str] = []
    waiting = [job_name]
    while waiting:
        needs = jobs.get(waiting.pop(), {}).get("needs") or []
        for name in [needs] if isinstance(needs, str) else needs:
            if name not in found:
                found.append(name)
                waiting.append(name)
    return found


# ---------------------------------------------------------------------------------------------------------------
# The rules: each returns the problems it finds (an empty list: none).


def top_level_permissions(workflows: Workflows) -> list[str]:
    return [
        f"{name}: the workflow's permissions must be `{{}}` or read-only, not {workflow.get('permissions')!r}"
        for name, workflow in workflows.items()
        if "permissions" not in workflow or not read_only(workflow["permissions"])
    ]


def one_publishing_job(workflows: Workflows) -> list[str]:
    found = publishing_jobs(workflows)
    names = [f"{name}:{job_name}" for name, job_name, _ in found]
    if names != ["deploy.yml:publish"]:
        return [f"exactly one job may write, deploy.yml's `publish`; these may: {names or 'none'}"]
    return []


def checkouts_keep_no_token(workflows: Workflows) -> list[str]:
    problems = []
    for name, job_name, job in _jobs(workflows):
        for step in _steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                persist = (step.get("with") or {}).get("persist-credentials")
                if persist is not False and str(persist).lower() != "false":
                    problems.append(f"{name}:{job_name}: actions/checkout without `persist-credentials: false`")
    return problems


def publish_after_tests_in_an_environment(workflows: Workflows) -> list[str]:
    problems = []
    for name, job_name, job in publishing_jobs(workflows):
        where = f"{name}:{job_name}"
        needed = _needed(workflows[name], job_name)
        jobs = workflows[name]["jobs"]
        testing = [n for n in needed if any(t in _script(s) for s in _steps(jobs[n]) for t in _TESTS)]
        if not testing:
            problems.append(f"{where}: needs no job that runs the tests")
        if any(not read_only(jobs[n].get("permissions", workflows[name].get("permissions"))) for n in testing):
            problems.append(f"{where}: a job it needs runs the tests with a token that can write")
        if not job.get("environment"):
            problems.append(f"{where}: runs in no environment (its protection rules are where releases are approved)")
        if any(t in _script(s) for s in _steps(job) for t in _TESTS):
            problems.append(f"{where}: runs the tests itself, with a token that can write")
    return problems


def _checks_tag_on_main(job: Job) -> bool:
    """A step fetches main explicitly, and the same or a later step checks that the commit is on it."""
    fetched = False
    for step in _steps(job):
        script = _script(step)
        fetched = fetched or bool(re.search(r"git fetch\b[^\n]*\bmain\b", script))
        if fetched and re.search(r'git merge-base --is-ancestor "?\$GITHUB_SHA"? origin/main', script):
            return True
    return False


def tag_on_main_before_publishing(workflows: Workflows) -> list[str]:
    problems = []
    for name, job_name, job in publishing_jobs(workflows):
        jobs = workflows[name]["jobs"]
        if not any(_checks_tag_on_main(jobs[n]) for n in _needed(workflows[name], job_name)):
            problems.append(f"{name}:{job_name}: no job it waits for checks that the tag points at a commit on main")
        if "release" not in "".join(_script(s) for s in _steps(job)):
            problems.append(f"{name}:{job_name}: does not publish with `make release` (mike)")
    return problems


_PUSH = re.compile(r"\S*git\b.*\bpush\b", re.S)
_GH_RELEASE = re.compile(r"gh release (view|create|upload) ")


def _only_gh_release(script: str) -> bool:
    """Whether every command of a script is `gh release view|create|upload` (alone or joined by ||)."""
    commands = [c.strip() for line in script.replace("\\\n", " ").splitlines() for c in line.split("||")]
    return any(commands) and all(not c or _GH_RELEASE.match(c) for c in commands)


def token_only_at_the_push(workflows: Workflows) -> list[str]:
    """Only the publishing job's last two steps are given a token: one only pushes with git, the other only attaches
    files to the GitHub release with gh (a token in a workflow's or a job's `env:` would reach every step)."""
    problems = [f"{name}: its env: holds a token" for name, w in workflows.items() if _TOKEN.search(str(w.get("env")))]
    for name, job_name, job in _jobs(workflows):
        if _TOKEN.search(str(job.get("env"))):
            problems.append(f"{name}:{job_name}: its env: holds a token")
        steps = _steps(job)
        for number, step in enumerate(steps):
            if not _TOKEN.search(yaml.safe_dump(step)):
                continue
            last_of_publish = (name, job_name) == ("deploy.yml", "publish") and number >= len(steps) - 2
            script = _script(step)
            if not last_of_publish or "uses" in step or not (_PUSH.match(script) or _only_gh_release(script)):
                problems.append(f"{name}:{job_name}: step {number + 1} is given a token")
    return problems


def no_pull_request_target(workflows: Workflows) -> list[str]:
    return [f"{name}: runs on pull_request_target" for name, w in workflows.items() if "pull_request_target" in w["on"]]


def no_untrusted_interpolation(workflows: Workflows) -> list[str]:
    return [
        f"{name}:{job_name}: a script interpolates ${{{{ github.event... }}}} (pass it in `env:`)"
        for name, job_name, job in _jobs(workflows)
        for step in _steps(job)
        if _UNTRUSTED.search(_script(step))
    ]


RULES: dict[str, Callable[[Workflows], list[str]]] = {
    "top-level permissions": top_level_permissions,
    "one publishing job": one_publishing_job,
    "checkouts keep no token": checkouts_keep_no_token,
    "publish after the tests, in an environment": publish_after_tests_in_an_environment,
    "the tag is on main": tag_on_main_before_publishing,
    "the token only at the push": token_only_at_the_push,
    "no pull_request_target": no_pull_request_target,
    "no untrusted interpolation": no_untrusted_interpolation,
}


@pytest.mark.parametrize("rule", list(RULES))
def test_the_workflows_keep_the_rule(rule: str) -> None:
    assert RULES[rule](current()) == []


def test_the_workflows_run_ci_on_pull_requests_and_publish_only_release_tags() -> None:
    workflows = current()
    assert {"ci.yml", "deploy.yml"} <= set(workflows)
    ci, deploy = workflows["ci.yml"], workflows["deploy.yml"]
    assert "pull_request" in ci["on"]
    assert ci["permissions"] == {"contents": "read"}
    assert any(_script(s) == "bash .ci/run" for s in _steps(ci["jobs"]["test"]))
    assert deploy["on"] == {"push": {"tags": ["v*"]}}
    assert deploy["jobs"]["publish"]["needs"] == "test"
    assert deploy["jobs"]["publish"]["environment"] == "release"
    assert any(_script(s) == "bash .ci/run" for s in _steps(deploy["jobs"]["test"]))
    publish = "\n".join(_script(s) for s in _steps(deploy["jobs"]["publish"]))
    assert "make release\n" in publish
    assert "ghp-import" not in publish  # it would replace every published version with one unversioned site
    assert "PUSH=1" not in publish  # mike would push with a token in .git/config, after running the build


def test_a_token_anywhere_but_the_push_is_recognised() -> None:
    workflows = current()
    publish = workflows["deploy.yml"]["jobs"]["publish"]
    assert token_only_at_the_push(workflows) == []
    publish["env"] = {"GH_TOKEN": "${{ github.token }}"}
    publish["steps"][-3]["env"] = {"GH_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    assert token_only_at_the_push(workflows) == [
        "deploy.yml:publish: its env: holds a token",
        f"deploy.yml:publish: step {len(publish['steps']) - 2} is given a token",
    ]


def test_a_step_given_the_token_may_run_nothing_but_git_push_or_gh_release() -> None:
    workflows = current()
    steps = workflows["deploy.yml"]["jobs"]["publish"]["steps"]
    assert token_only_at_the_push(workflows) == []
    steps[-1]["run"] = 'gh release upload "$TAG" attached/*\nmake editions\n'
    steps[-2]["run"] = "make release && git push origin gh-pages"
    assert token_only_at_the_push(workflows) == [
        f"deploy.yml:publish: step {len(steps) - 1} is given a token",
        f"deploy.yml:publish: step {len(steps)} is given a token",
    ]
    steps[-2]["run"] = "git push origin gh-pages"
    steps[-1]["run"] = 'gh release upload "$TAG" attached/* || bash attached/run.sh'
    assert token_only_at_the_push(workflows) == [f"deploy.yml:publish: step {len(steps)} is given a token"]


def test_untrusted_interpolation_is_recognised() -> None:
    steps = [
        {"run": 'echo "${{ github.event.pull_request.title }}"'},
        {"run": "git switch ${{github.head_ref}}"},
        {"run": 'echo "$TITLE"', "env": {"TITLE": "${{ github.event.pull_request.title }}"}},
    ]
    workflows = load({"x.yml": yaml.safe_dump({"on": "pull_request", "jobs": {"j": {"steps": steps}}})})
    assert len(no_untrusted_interpolation(workflows)) == 2


# The release workflow as it was before these rules: one job that could write ran `make test` on the tagged code,
# left the token in .git/config (actions/checkout's default) and published any `v*` tag, wherever it pointed.
_REPLACED_DEPLOY = """\
name: deploy
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
concurrency:
  group: deploy
  cancel-in-progress: false
jobs:
  deploy:
    if: github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: write   # mike pushes the built version to the gh-pages branch
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: bash .ci/run
      - name: Publish the release with mike (keeps every earlier version on gh-pages)
        run: |
          git config user.name "github-actions[bot]"
          git config user.email "github-actions[bot]@users.noreply.github.com"
          git fetch origin gh-pages:gh-pages || true
          make release PUSH=1
"""


@pytest.mark.parametrize(
    "rule",
    [
        "one publishing job",
        "checkouts keep no token",
        "publish after the tests, in an environment",
        "the tag is on main",
    ],
)
def test_the_rules_reject_the_workflow_this_one_replaced(rule: str) -> None:
    texts = {path.name: path.read_text(encoding="utf-8") for path in WORKFLOWS.glob("*.yml")}
    replaced = load({**texts, "deploy.yml": _REPLACED_DEPLOY})
    assert RULES[rule](replaced) != []
