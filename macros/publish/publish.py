"""`policy publish`: schools' policies as versions on the pages branch, in one commit per run.

    publish(["westfield"])              one school, as its file asks
    publish(None)                       every school whose published version differs (--all)
    publish(["a", "b"], push=True)      …then push the branch

Everything that can be checked is checked before anything is built (the version and alias
names, the branch, the remote, who is committing), then:

1. the plan (converge.py): the schools whose file asks for something the branch does not
   hold (a version it lacks, or one built from other inputs); named schools are published
   even when current with `force`;
2. the build (site_build.py): every school in the plan at once with the batch builder, the
   files written into git as blobs; a school that fails to build is reported and the
   others go on;
3. the transaction (transaction.py): under the checkout's lock, the whole new tree is made
   from the branch's tip at that moment (pages_tree.py) and the branch moved to one new
   commit, or left as it was.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from macros.errors import Problem
from macros.paths import PROJECT_DIR, SCHOOLS_DIR_VARIABLE
from macros.publish.checks import check_name, check_repo, problem
from macros.publish.converge import plan as make_plan
from macros.publish.git import BlobWriter, Reader, ref
from macros.publish.pages_tree import compose
from macros.publish.release import Batch, Release
from macros.publish.retention import Retention
from macros.publish.site_build import build_batch, require_plugin
from macros.publish.transaction import Moved, move_pages, remote_tip
from macros.publish.workspace import workspace
from macros.school.loader import all_slugs, school_path

DEFAULT_BRANCH, DEFAULT_ALIAS, DEFAULT_REMOTE = "gh-pages", "latest", "origin"
PUBLISH = "policy publish"


@dataclass
class PublishResult:
    branch: str
    commit: str | None                  # the branch's tip afterwards
    changed: bool                       # whether a commit was made
    pushed_to: str | None
    published: list[Release] = field(default_factory=list)
    current: list[str] = field(default_factory=list)      # already on the branch as asked
    problems: list[Problem] = field(default_factory=list)  # schools not published, and why


@contextlib.contextmanager
def schools_from(folder: Path | None):
    """Read the school files from `folder` (for every step, the builder's workers too)."""
    if folder is None:
        yield
        return
    previous = os.environ.get(SCHOOLS_DIR_VARIABLE)
    os.environ[SCHOOLS_DIR_VARIABLE] = str(Path(folder).resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(SCHOOLS_DIR_VARIABLE, None)
        else:
            os.environ[SCHOOLS_DIR_VARIABLE] = previous


def check_options(slugs: list[str] | None, version: str | None, alias: str | None) -> None:
    if version is not None:
        if slugs is None or len(slugs) != 1:
            raise problem(PUBLISH, "--version names the version of one school; name that school "
                          "alone (each school file names its own version)", "--version")
        check_name(version, "version")
    if alias:
        check_name(alias, "alias")
        if alias == version:
            raise problem(PUBLISH, f"the alias '{alias}' is the same as the version; choose "
                          "another alias", "--alias")


def publish(slugs: list[str] | None, *, version: str | None = None, alias: str | None = DEFAULT_ALIAS,
            remote: str | None = None, branch: str = DEFAULT_BRANCH, push: bool = False,
            force: bool = False, retention: Retention = Retention(), jobs: int | None = None,
            repo_dir: Path | None = None, schools_dir: Path | None = None,
            now: dt.datetime | None = None) -> PublishResult:
    """Publish `slugs` (None: every school) so the branch holds each as its file asks."""
    repo = Path(repo_dir or PROJECT_DIR).resolve()
    alias = alias or None
    if push and remote is None:
        remote = DEFAULT_REMOTE
    check_options(slugs, version, alias)
    with schools_from(schools_dir):
        names = sorted(set(slugs)) if slugs is not None else all_slugs()
        for slug in names:
            school_path(slug)             # a named school that has no file stops here
        check_repo(repo, branch, remote, PUBLISH)
        require_plugin()
        now = now or dt.datetime.now(dt.timezone.utc)
        with workspace(repo) as scratch:
            tip = remote_tip(repo, remote, branch, PUBLISH) if remote else ref(repo, f"refs/heads/{branch}")
            with Reader(repo, tip) as reader:
                todo = make_plan(reader, names, alias, version=version, force=force and slugs is not None)
            blobs_dir = scratch / "blobs"
            blobs_dir.mkdir()
            batch, failed = build_batch(todo.slugs, todo.versions, alias, scratch, BlobWriter(repo, blobs_dir),
                                        jobs or os.cpu_count() or 1, now)
            if not batch.releases:        # nothing built: the branch stays as it is
                moved = Moved(branch, tip, False)
            else:
                moved = commit_batch(repo, branch, batch, retention, remote=remote, push=push,
                                     now=now, scratch=blobs_dir)
    return PublishResult(branch, moved.commit, moved.changed, moved.pushed_to, batch.releases,
                         todo.current, todo.problems + failed)


def commit_batch(repo: Path, branch: str, batch: Batch, retention: Retention, *, remote: str | None,
                 push: bool, now: dt.datetime, scratch: Path, command: str = PUBLISH) -> Moved:
    """The one transaction every publish ends in (transaction.py, pages_tree.py)."""
    from macros.model.model import load_model

    label = load_model().version_label
    return move_pages(repo, branch, lambda base: compose(repo, base, batch, retention, now.date(),
                                                          label, scratch),
                      remote=remote, push=push, command=command)

