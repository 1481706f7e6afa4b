"""Publishing a school's policy as one version on the pages branch, with mike.

`publish()` checks everything it can before it touches git (the school file, the version,
the branch name, the remote, the git identity), then:

1. runs `mike deploy --deploy-prefix SLUG --alias-type redirect --update-aliases V latest`
   with a generated copy of mkdocs.yml (the versions selector switched on, the site built
   in a temporary folder), so the school's site lands in `SLUG/V/` and `SLUG/versions.json`;
2. adds, in a second commit on the same branch, `SLUG/V/policy.json` (the dates of this
   version), `SLUG/index.html` (the policy history) and `index.html` (every school) — both
   pages rebuilt from what is on the branch, so they stay right as versions accumulate;
3. pushes the branch if asked.

If any step fails the pages branch is put back where it was. Other schools' folders are
never written: mike only replaces `SLUG/V/` and the alias folders under `SLUG/`.

Aliases are redirects, not symlinks or copies: GitHub Pages serves them everywhere, they
cost a few kilobytes instead of a second copy of the site, and a reader who follows
`SLUG/latest/…` lands on — and so bookmarks or cites — the numbered version.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import PolicyError, Problem
from .policy_history import RECORD_FILE, SchoolEntry, VersionRecord, in_force_on, newest_first
from .policy_history import render_history, render_pages_landing
from .loader import display_path, load_school, school_path
from .model import MKDOCS_YML, PROJECT_DIR, SCHOOLS_DIR_VARIABLE, load_model
from .schema import VERSION_RE

TEMPLATES = Path(__file__).parent / "templates"
REDIRECT_TEMPLATE = TEMPLATES / "redirect.html"
DEFAULT_BRANCH = "gh-pages"
DEFAULT_ALIAS = "latest"
DEFAULT_REMOTE = "origin"
# Changes to these paths change every school's site, so every school is published again.
SHARED_PATHS = ("docs/", "macros/", "overrides/", "mkdocs.yml", "pyproject.toml", "constraints.txt")


@dataclass
class PublishResult:
    slug: str
    version: str
    branch: str
    commit: str
    aliases: list[str]
    pushed_to: str | None
    note: str = ""


# --- git helpers ----------------------------------------------------------------------

def _git(repo: Path, *args: str, input: str | bytes | None = None, env: dict | None = None,
         check: bool = True) -> subprocess.CompletedProcess:
    text = not isinstance(input, bytes)
    result = subprocess.run(["git", *args], cwd=repo, input=input, capture_output=True,
                            text=text, env=env)
    if check and result.returncode != 0:
        err = result.stderr if text else result.stderr.decode("utf-8", "replace")
        raise PolicyError(Problem("git", f"`git {' '.join(args)}` failed: {err.strip()}"))
    return result


def _ref(repo: Path, branch: str) -> str | None:
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", check=False)
    return result.stdout.strip() or None


def _read(repo: Path, rev: str, path: str) -> str | None:
    result = _git(repo, "show", f"{rev}:{path}", check=False)
    return result.stdout if result.returncode == 0 else None


def _problem(message: str, field: str = "") -> PolicyError:
    return PolicyError(Problem("policy publish", message, field))


# --- validation: everything before git is touched --------------------------------------

def _check_version(value: str, what: str) -> None:
    if not re.match(VERSION_RE, value) or value in (".", ".."):
        raise _problem(f"'{value}' cannot be used as a {what}: it becomes part of the web address, "
                       "so use 1 to 40 letters, digits, '.', '-' or '_', starting with a letter or "
                       "digit, like 2024-25", what)


def _check_repo(repo: Path, branch: str, remote: str | None) -> None:
    if _git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise _problem(f"{repo} is not a git repository; publish from a clone of the policy repository")
    if _git(repo, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise _problem(f"'{branch}' is not a valid branch name", "--branch")
    if _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        raise _problem("the repository has no commit yet; commit the project first")
    if remote is not None and _git(repo, "remote", "get-url", remote, check=False).returncode != 0:
        known = _git(repo, "remote", check=False).stdout.split()
        raise _problem(f"there is no git remote '{remote}'; the remotes are: "
                       f"{', '.join(known) or 'none'} (add one with `git remote add`)", "--remote")
    for key in ("user.name", "user.email"):
        env_key = "GIT_COMMITTER_NAME" if key == "user.name" else "GIT_COMMITTER_EMAIL"
        if not os.environ.get(env_key) and not _git(repo, "config", key, check=False).stdout.strip():
            raise _problem(f"git does not know who is publishing: run `git config {key} …` first")


# --- the mike deploy ---------------------------------------------------------------------

def _publish_config(site_dir: Path) -> Path:
    """mkdocs.yml with mike's plugin and version selector, building into `site_dir`.

    Written beside mkdocs.yml (relative paths in it stay right); plain `policy build` never
    sees it, so its sites make no request for a versions.json that is not there.
    """
    from mike.mkdocs_utils import RoundTripLoader

    config = yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=RoundTripLoader)
    config["site_dir"] = str(site_dir)
    extra = config.setdefault("extra", {}) or {}
    extra["version"] = {"provider": "mike", "alias": True}
    config["extra"] = extra
    plugins = list(config.get("plugins") or ["search"])
    plugins.insert(0, {"mike": {"alias_type": "redirect", "version_selector": True,
                                "redirect_template": str(REDIRECT_TEMPLATE)}})
    config["plugins"] = plugins
    handle, name = tempfile.mkstemp(prefix=".mkdocs-publish-", suffix=".yml", dir=MKDOCS_YML.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        yaml.dump(config, file, sort_keys=False, allow_unicode=True)
    return Path(name)


def _mike_env(slug: str, schools_dir: Path | None) -> dict:
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ, SCHOOL=slug, NO_MKDOCS_2_WARNING="1",
               PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    if schools_dir is not None:
        env[SCHOOLS_DIR_VARIABLE] = str(Path(schools_dir).resolve())
    return env


def _mike_deploy(repo: Path, slug: str, version: str, aliases: list[str], branch: str,
                 remote: str, schools_dir: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="policy-publish-") as tmp:
        config = _publish_config(Path(tmp) / "site")
        try:
            command = [str(Path(sys.executable).with_name("mike")), "deploy",
                       "--config-file", str(config), "--deploy-prefix", slug,
                       "--branch", branch, "--remote", remote,
                       "--alias-type", "redirect", "--template", str(REDIRECT_TEMPLATE),
                       "--title", version, "--message", f"Publish {slug} version {version}"]
            if aliases:
                command.append("--update-aliases")
            command += [version, *aliases]
            result = subprocess.run(command, cwd=repo, env=_mike_env(slug, schools_dir),
                                    capture_output=True, text=True)
        finally:
            config.unlink(missing_ok=True)
    if result.returncode != 0:
        output = "\n".join(line for line in (result.stderr + result.stdout).splitlines()
                           if line.strip() and "INFO" not in line)
        raise PolicyError(Problem(f"schools/{slug}.yml", "the site did not build or could not be "
                                  f"committed, so nothing was published:\n{output[-3000:]}"))


# --- reading the pages branch ----------------------------------------------------------

def read_history(repo: Path, rev: str, slug: str) -> list[VersionRecord]:
    """Every version of `slug` on the branch that has a policy.json, with its aliases."""
    raw = _read(repo, rev, f"{slug}/versions.json")
    if raw is None:
        return []
    records = []
    for entry in json.loads(raw):
        data = _read(repo, rev, f"{slug}/{entry['version']}/{RECORD_FILE}")
        if data is not None:
            records.append(VersionRecord.from_json(json.loads(data), tuple(entry.get("aliases", []))))
    return records


def _published_slugs(repo: Path, rev: str) -> list[str]:
    names = _git(repo, "ls-tree", "--name-only", rev).stdout.split()
    return [name for name in names if _read(repo, rev, f"{name}/versions.json") is not None]


def _school_name(repo: Path, rev: str, slug: str, records: list[VersionRecord]) -> str:
    for record in newest_first(records):
        raw = _read(repo, rev, f"{slug}/{record.version}/{RECORD_FILE}")
        if raw and json.loads(raw).get("school"):
            return json.loads(raw)["school"]
    return slug


def _commit_files(repo: Path, branch: str, parent: str, files: dict[str, str], message: str) -> str:
    """One commit on `branch` adding or replacing `files`, without a working tree."""
    with tempfile.TemporaryDirectory(prefix="policy-index-") as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"))
        _git(repo, "read-tree", parent, env=env)
        for path, text in files.items():
            blob = _git(repo, "hash-object", "-w", "--stdin", input=text.encode("utf-8")).stdout
            sha = blob.decode().strip()
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{sha},{path}", env=env)
        tree = _git(repo, "write-tree", env=env).stdout.strip()
    commit = _git(repo, "commit-tree", tree, "-p", parent, "-m", message).stdout.strip()
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, parent)
    return commit


# --- the command -----------------------------------------------------------------------

def publish(slug: str, version: str | None = None, alias: str | None = DEFAULT_ALIAS,
            remote: str | None = None, branch: str = DEFAULT_BRANCH, push: bool = False, *,
            repo_dir: Path | None = None, schools_dir: Path | None = None,
            now: dt.datetime | None = None) -> PublishResult:
    """Publish one school's policy as `version` on the pages branch; see the module docstring."""
    repo = Path(repo_dir or PROJECT_DIR).resolve()
    model = load_model()
    path = school_path(slug, Path(schools_dir) if schools_dir else None)
    school = load_school(path, model)
    if version is None:
        if not school.version:
            raise PolicyError(Problem(display_path(path), "this school file has no version; add a "
                                      "line like `version: 2024-25`, or pass --version", "version"))
        version = school.version
    _check_version(version, "version")
    aliases = [alias] if alias else []
    if alias:
        _check_version(alias, "alias")
        if alias == version:
            raise _problem(f"the alias '{alias}' is the same as the version; choose another alias", "--alias")
    if push and remote is None:
        remote = DEFAULT_REMOTE
    _check_repo(repo, branch, remote)

    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    record = VersionRecord(version=version, ratified=school.dates.ratified.start,
                           ratified_text=str(school.dates.ratified),
                           next_review=school.dates.next_review.end,
                           next_review_text=str(school.dates.next_review),
                           model=model.version_label, published=now.isoformat())

    if remote is not None:  # start from the published branch, if there is one
        if _git(repo, "ls-remote", "--exit-code", "--heads", remote, branch, check=False).returncode == 0:
            _git(repo, "fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
    before = _ref(repo, branch)
    try:
        note = ""
        if aliases and before:
            others = [r for r in read_history(repo, before, slug) if r.version != version]
            newer = [r for r in others if r.ratified > record.ratified]
            if newer:
                note = (f"'{alias}' stays on {newest_first(newer)[0].version}, which was ratified after "
                        f"{version}")
                aliases = []
        _mike_deploy(repo, slug, version, aliases, branch, remote or DEFAULT_REMOTE, schools_dir)
        deployed = _ref(repo, branch)
        record_json = dict(record.to_json(), school=school.school.name)
        files = {f"{slug}/{version}/{RECORD_FILE}": json.dumps(record_json, indent=2) + "\n"}
        # Read the branch as it is now, with this version's record added.
        records = [r for r in read_history(repo, deployed, slug) if r.version != version]
        versions = json.loads(_read(repo, deployed, f"{slug}/versions.json") or "[]")
        mine = next((v for v in versions if v["version"] == version), {"aliases": []})
        records.append(VersionRecord.from_json(record.to_json(), tuple(mine.get("aliases", []))))
        today = now.date()
        files[f"{slug}/index.html"] = render_history(school.school.name, records, today)
        files["index.html"] = _landing(repo, deployed, slug, school.school.name, records,
                                       model.version_label, today)
        files[".nojekyll"] = ""
        commit = _commit_files(repo, branch, deployed, files,
                               f"Policy history of {slug} after publishing {version}")
        if push:
            _git(repo, "push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    except BaseException:
        _restore(repo, branch, before)
        raise
    return PublishResult(slug, version, branch, commit, aliases, remote if push else None, note)


def _restore(repo: Path, branch: str, before: str | None) -> None:
    if before:
        _git(repo, "update-ref", f"refs/heads/{branch}", before, check=False)
    else:
        _git(repo, "update-ref", "-d", f"refs/heads/{branch}", check=False)


def _landing(repo: Path, rev: str, slug: str, name: str, records: list[VersionRecord],
             model_label: str, today: dt.date) -> str:
    entries = []
    for other in _published_slugs(repo, rev):
        history = records if other == slug else read_history(repo, rev, other)
        if not history:
            continue
        current = in_force_on(history, dt.date.max) or newest_first(history)[0]
        title = name if other == slug else _school_name(repo, rev, other, history)
        entries.append(SchoolEntry(other, title, current))
    return render_pages_landing(entries, model_label, today)


# --- which schools a push should publish ----------------------------------------------

def schools_to_publish(changed_paths: list[str], slugs: list[str], schools_prefix: str = "schools/") -> list[str]:
    """The schools whose published site a change affects: all of them when shared files changed."""
    if any(p.startswith(SHARED_PATHS) or p in SHARED_PATHS for p in changed_paths):
        return sorted(slugs)
    changed = {p[len(schools_prefix):-len(".yml")] for p in changed_paths
               if p.startswith(schools_prefix) and p.endswith(".yml") and "/" not in p[len(schools_prefix):]}
    return sorted(s for s in slugs if s in changed)


def _main(argv: list[str]) -> int:
    """`python -m macros.publish changed BEFORE AFTER`: the slugs to publish, one a line (for CI)."""
    from .loader import all_slugs

    if len(argv) != 3 or argv[0] != "changed":
        print("usage: python -m macros.publish changed BEFORE AFTER", file=sys.stderr)
        return 2
    before, after = argv[1], argv[2]
    slugs = all_slugs()
    diff = subprocess.run(["git", "diff", "--name-only", before, after], cwd=PROJECT_DIR,
                          capture_output=True, text=True)
    if set(before) <= {"0"} or diff.returncode != 0:  # first push, or history rewritten
        print("\n".join(slugs))
        return 0
    print("\n".join(schools_to_publish(diff.stdout.splitlines(), slugs)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
