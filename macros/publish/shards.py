"""Past one runner: the schools to publish split into shards, and what a shard hands on.

`policy publish --plan` prints the split as the publish workflow's job matrix; each shard job
runs `policy publish SLUG… --pack DIR` (`pack()` below), and one assemble job puts every
shard's schools on the branch (assemble.py).

    shard_matrix(["a", "b", "c", "d", "e"], per_shard=2, max_shards=8)
    == {"include": [{"shard": 0, "schools": "a b"}, {"shard": 1, "schools": "c d"},
                    {"shard": 2, "schools": "e"}]}

The number of shards is ceil(schools / per_shard), at most `max_shards`; the schools are
sorted and cut into consecutive runs whose sizes differ by at most one, so the same schools
always give the same shards, and each school is in exactly one. No schools, no shards: the
workflow skips the matrix then (GitHub Actions refuses an empty one).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from pathlib import Path

from macros.errors import PolicyError, Problem
from macros.files import atomic_write_text
from macros.publish.git import BlobWriter, commit_tree, git, write_tree
from macros.publish.release import RECORD_FILE
from macros.school.loader import school_path
from macros.school.schema import SLUG_RE

# Defaults for the workflow's repository variables PUBLISH_SCHOOLS_PER_SHARD and
# PUBLISH_MAX_SHARDS, from `make bench`: see "Scale beyond one runner" in PERFORMANCE.md.
DEFAULT_PER_SHARD, DEFAULT_MAX_SHARDS = 1000, 8


def shard_matrix(slugs: list[str], per_shard: int, max_shards: int) -> dict:
    """The `strategy.matrix` for the publish workflow's shard job (see the module docstring)."""
    for value, option in ((per_shard, "--per-shard"), (max_shards, "--max-shards")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PolicyError(Problem("policy publish --plan", f"{option} must be a whole number of at "
                                      f"least 1, not {value!r}", option))
    bad = sorted({s for s in slugs if not re.match(SLUG_RE, s)})
    if bad:
        raise PolicyError(Problem("policy publish --plan", "not school names: " + ", ".join(map(repr, bad))
                                  + "; a school is named by its file in schools/ without .yml, "
                                  "in lowercase letters, digits and hyphens, like st-josephs"))
    schools = sorted(set(slugs))
    count = min(max_shards, math.ceil(len(schools) / per_shard))
    include, start = [], 0
    for shard in range(count):
        size = len(schools) // count + (1 if shard < len(schools) % count else 0)
        include.append({"shard": shard, "schools": " ".join(schools[start:start + size])})
        start += size
    return {"include": include}


# --- a shard's result, for the assemble job ---------------------------------------------------

MANIFEST, BUNDLE, MANIFEST_FORMAT = "shard.json", "pages.bundle", 2
PACK = "policy publish --pack"


def pack(slugs: list[str], out: Path, *, alias: str | None, repo_dir: Path, jobs: int,
         now: dt.datetime) -> dict:
    """Build `slugs` and write them to `out` for `policy publish --assemble`, touching no branch.

    `out/pages.bundle` holds one commit with no parent whose tree has each school's new
    version (`SLUG/VERSION/`, with its `policy.json`) and the shared files its pages use;
    `out/shard.json` names the commit and the releases, and the schools that failed to build.
    The assemble job places them on the branch as it is then, like any publish.
    """
    from macros.publish.checks import check_identity
    from macros.publish.converge import asked_versions
    from macros.publish.site_build import build_batch, require_plugin
    from macros.publish.workspace import workspace

    repo = Path(repo_dir).resolve()
    if git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise PolicyError(Problem(PACK, f"{repo} is not a git repository; pack in a clone of the "
                                  "policy repository"))
    check_identity(repo, PACK)
    require_plugin()
    for slug in slugs:
        school_path(slug)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with workspace(repo) as scratch:
        asked, problems = asked_versions(sorted(set(slugs)))
        blobs_dir = scratch / "blobs"
        blobs_dir.mkdir()
        writer = BlobWriter(repo, blobs_dir)
        batch, failed = build_batch(sorted(asked), asked, alias, scratch, writer, jobs, now)
        files = dict(batch.shared)
        for release in batch.releases:
            files.update((f"{release.slug}/{release.version}/{p}", e) for p, e in release.site.items())
            writer.text(f"{release.slug}/{release.version}/{RECORD_FILE}",
                        json.dumps(release.record, indent=2) + "\n")
        files.update(writer.write())
        commit = commit_tree(repo, write_tree(repo, None, [], files, scratch), None,
                             f"Shard of {len(batch.releases)} school(s)\n")
        name = f"refs/policy/shard-{os.getpid()}"
        git(repo, "update-ref", name, commit)
        try:
            staged = out / f".{BUNDLE}.partial"
            git(repo, "bundle", "create", "--quiet", str(staged.resolve()), name)
            os.replace(staged, out / BUNDLE)
        finally:
            git(repo, "update-ref", "-d", name, check=False)
    manifest = {"format": MANIFEST_FORMAT, "commit": commit,
                "releases": [{"slug": r.slug, "version": r.version, "alias": r.alias}
                             for r in batch.releases],
                "problems": [str(p) for p in problems + failed]}
    atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return manifest
