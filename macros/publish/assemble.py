"""The publish workflow's last job: every shard's schools on the pages branch, in one commit.

Each shard job built its schools and packed them (shards.py `pack`): a bundle with one
commit holding each school's new version, and `shard.json` naming them. Assemble reads
every shard, refuses anything doubtful before touching the branch (a missing or damaged
artifact, a school in two shards), and hands the releases to the same transaction as any
publish: their versions are placed on the branch *as it is at that moment*, so a school
published elsewhere meanwhile keeps that publish's versions and gains this one. With no
shards at all it still runs the transaction, which draws the landing page again (the daily
run uses this to refresh its review-date marks).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from macros.errors import PolicyError, Problem
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS
from macros.publish.checks import check_repo
from macros.publish.git import Reader, git, listing
from macros.publish.publish import PublishResult, commit_batch
from macros.publish.release import RECORD_FILE, Batch, Release
from macros.publish.retention import Retention
from macros.publish.shards import BUNDLE, MANIFEST, MANIFEST_FORMAT
from macros.publish.workspace import workspace
from macros.school.schema import SLUG_RE, version_name_problem

ASSEMBLE = "policy publish --assemble"
COMMIT_RE = r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$"
AGAIN = "download the shard's artifact again, or run the workflow again"


def _read_manifest(folder: Path) -> dict:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise PolicyError(Problem(str(folder), f"not a shard's result: there is no {MANIFEST} in it; "
                                  "pass the folders that the publish workflow's shard jobs upload"))
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        ok = (data["format"] == MANIFEST_FORMAT and isinstance(data["commit"], str)
              and re.match(COMMIT_RE, data["commit"]) and isinstance(data["releases"], list)
              and all(isinstance(r["slug"], str) and re.match(SLUG_RE, r["slug"])
                      and isinstance(r["version"], str) and not version_name_problem(r["version"])
                      and (r["alias"] is None or not version_name_problem(r["alias"], alias=True))
                      for r in data["releases"]))
    except (OSError, ValueError, TypeError, KeyError):
        ok = False
    if not ok:
        raise PolicyError(Problem(str(manifest), f"this is not a shard record that assemble can read; {AGAIN}"))
    return data


def _open(repo: Path, folder: Path, batch: Batch) -> None:
    """Bring one shard's commit into `repo` and add its releases and shared files to `batch`."""
    data = _read_manifest(folder)
    if not data["releases"]:
        return
    bundle, commit = folder / BUNDLE, data["commit"]
    heads = git(repo, "bundle", "list-heads", str(bundle.resolve()), check=False) if bundle.is_file() else None
    if heads is None or heads.returncode != 0 or not any(
            line.split()[0] == commit for line in heads.stdout.splitlines() if line.strip()):
        raise PolicyError(Problem(str(bundle), f"missing or damaged: it does not hold the commit "
                                  f"{MANIFEST} names, so {', '.join(r['slug'] for r in data['releases'])} "
                                  f"cannot be read; {AGAIN}"))
    git(repo, "bundle", "unbundle", str(bundle.resolve()))
    with Reader(repo, commit) as reader:
        for entry in data["releases"]:
            slug, version = entry["slug"], entry["version"]
            prefix = f"{slug}/{version}/"
            files = {path[len(prefix):]: (mode, sha) for path, (mode, kind, sha)
                     in listing(repo, commit, prefix, recursive=True).items() if kind == "blob"}
            record = files.pop(RECORD_FILE, None) and reader.text(prefix + RECORD_FILE)
            if not files or not record:
                raise PolicyError(Problem(str(folder), f"{MANIFEST} lists {slug} {version}, but the "
                                          f"shard's commit has no such version; {AGAIN}"))
            batch.releases.append(Release(slug, version, entry["alias"], files, json.loads(record)))
    for path, (mode, kind, sha) in listing(repo, commit, SHARED_ASSETS, recursive=True).items():
        if kind == "blob":
            if batch.shared.get(path, (mode, sha)) != (mode, sha):
                raise PolicyError(Problem(str(folder), f"this shard's {path} is not the same file as "
                                          "another shard's of that name; shared files are named "
                                          "after their content, so one of the artifacts is damaged; "
                                          "run the workflow again"))
            batch.shared[path] = (mode, sha)


def assemble(artifacts: list[Path], *, branch: str, remote: str | None, push: bool,
             retention: Retention = Retention(), repo_dir: Path, now: dt.datetime | None = None
             ) -> PublishResult:
    repo = Path(repo_dir).resolve()
    if push and remote is None:
        remote = "origin"
    check_repo(repo, branch, remote, ASSEMBLE)
    batch, owner = Batch(), {}
    for folder in map(Path, artifacts):
        before = len(batch.releases)
        _open(repo, folder, batch)
        for release in batch.releases[before:]:
            if release.slug in owner:
                raise PolicyError(Problem(str(folder), f"{release.slug} was also built by the shard in "
                                          f"{owner[release.slug]}; a school belongs to one shard only"))
            owner[release.slug] = folder
    now = now or dt.datetime.now(dt.timezone.utc)
    with workspace(repo) as scratch:
        moved = commit_batch(repo, branch, batch, retention, remote=remote, push=push, now=now,
                             scratch=scratch, command=ASSEMBLE)
    return PublishResult(branch, moved.commit, moved.changed, moved.pushed_to, batch.releases)
