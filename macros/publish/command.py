"""`policy publish` on the command line: its modes, and what it prints.

Paths from the command line are resolved here, once, against the current folder.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from macros.paths import PROJECT_DIR
from macros.publish.checks import problem
from macros.publish.publish import PUBLISH, PublishResult, publish
from macros.publish.retention import Retention

EXIT_OK, EXIT_FAILED = 0, 1


def run_publish(args) -> int:
    repo = Path(args.repo).resolve() if args.repo else PROJECT_DIR
    retention = Retention.parse(args.keep_full)
    if args.assemble is not None:
        if args.slugs or args.all:
            raise problem(PUBLISH, "--assemble takes the shard folders only: the schools are the "
                          "ones packed in them", "--assemble")
        from macros.publish.assemble import assemble

        result = assemble([Path(a).resolve() for a in args.assemble], branch=args.branch,
                          remote=args.remote, push=args.push, retention=retention, repo_dir=repo)
        return _report(result)
    if bool(args.slugs) == bool(args.all):
        raise problem(PUBLISH, "name the schools to publish, or give --all for every school "
                      "(not both)" if args.all else "name the schools to publish (their files' names "
                      "without .yml), or give --all for every school", "SLUG")
    slugs = None if args.all else args.slugs
    if args.plan:
        return _plan(args, slugs, repo)
    if args.pack is not None:
        from macros.publish.shards import pack
        from macros.school.loader import all_slugs

        manifest = pack(slugs if slugs is not None else all_slugs(), Path(args.pack).resolve(),
                        alias=args.alias or None, repo_dir=repo, jobs=max(1, args.jobs),
                        now=dt.datetime.now(dt.timezone.utc))
        built = [f"{r['slug']} {r['version']}" for r in manifest["releases"]]
        print(f"packed {len(built)} school(s) into {args.pack}: {', '.join(built) or 'none'}")
        for line in manifest["problems"]:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_FAILED if manifest["problems"] else EXIT_OK
    result = publish(slugs, version=args.version, alias=args.alias, remote=args.remote,
                     branch=args.branch, push=args.push, force=args.force, retention=retention,
                     jobs=max(1, args.jobs), repo_dir=repo)
    return _report(result)


def _plan(args, slugs: list[str] | None, repo: Path) -> int:
    from macros.publish.checks import check_repo
    from macros.publish.converge import plan
    from macros.publish.git import Reader, ref
    from macros.publish.shards import DEFAULT_MAX_SHARDS, DEFAULT_PER_SHARD, shard_matrix
    from macros.publish.transaction import remote_tip
    from macros.school.loader import all_slugs, school_path

    names = sorted(set(slugs)) if slugs is not None else all_slugs()
    for slug in names:
        school_path(slug)
    check_repo(repo, args.branch, args.remote, PUBLISH, committing=False)
    tip = (remote_tip(repo, args.remote, args.branch, PUBLISH) if args.remote
           else ref(repo, f"refs/heads/{args.branch}"))
    with Reader(repo, tip) as reader:
        todo = plan(reader, names, args.alias or None, force=args.force)
    # A school whose file has a problem goes into a shard too, so its job reports it (red).
    failing = sorted({Path(p.file).stem for p in todo.problems if Path(p.file).stem in names})
    matrix = shard_matrix(sorted(set(todo.slugs) | set(failing)), args.per_shard or DEFAULT_PER_SHARD,
                          args.max_shards or DEFAULT_MAX_SHARDS)
    print(f"{len(todo.slugs)} school(s) to publish, {len(todo.current)} already as asked"
          + (f", {len(failing)} with a problem in its file" if failing else ""), file=sys.stderr)
    print(json.dumps(matrix, separators=(",", ":")))
    return EXIT_OK


def _report(result: PublishResult) -> int:
    for release in result.published:
        alias = f" as {release.alias}" if release.moved_alias else ""
        print(f"published {release.slug} version {release.version}{alias}"
              + (f"; {release.note}" if release.note else ""))
    if result.current:
        shown = " ".join(result.current) if len(result.current) <= 10 else f"{len(result.current)} schools"
        print(f"already published as their files ask: {shown}")
    where = (f" and pushed to {result.pushed_to}" if result.pushed_to
             else "" if not result.changed else " (not pushed: add --push)")
    if result.changed:
        print(f"{result.branch} is now at commit {result.commit[:12]}{where}")
    else:
        print(f"{result.branch} is unchanged")
    for item in result.problems:
        print(f"error: {item}", file=sys.stderr)
    if result.problems:
        names = sorted({Path(p.file).stem for p in result.problems})
        print(f"error: not published: {' '.join(names)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
