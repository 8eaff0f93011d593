"""The repository's safety for untrusted pull requests: read-only CI, deployment only for a release tag."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def test_no_workflow_runs_pull_request_code_with_write_access() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        workflow = _load(path.name)
        assert "pull_request_target" not in workflow[True], path
        assert "${{ secrets." not in path.read_text(encoding="utf-8"), path


def test_pull_request_workflow_is_read_only_and_runs_ci() -> None:
    ci = _load("ci.yml")
    triggers = ci[True]  # YAML reads the key `on` as a boolean
    assert "pull_request" in triggers
    assert ci["permissions"] == {"contents": "read"}
    steps = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in steps
