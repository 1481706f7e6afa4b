"""The one way the pages branch moves: under a lock, one new commit, compare-and-swap, or nothing.

Every publish (one school, a batch, a converging run, the assemble of a workflow's shards)
ends in `move_pages()`:

1. it takes the checkout's lock for that branch (a file lock in the repository's `.git`
   folder, from the `filelock` library, so it works on Windows too): two publishes in one
   checkout take turns here, while their builds run side by side;
2. it reads the branch's tip, the *base* (the remote's, when a remote is given, fetched
   into the remote-tracking ref only: the local branch is not touched yet);
3. `compose(base)` returns the whole new tree, made from the base (school folders,
   versions.json, policy.json, history and landing pages, shared assets) — so whatever
   another publish committed meanwhile is kept;
4. it writes one commit on top of the base; with `push`, the remote gets it first (a plain
   fast-forward push: if the remote moved meanwhile the push is refused and, up to
   `ATTEMPTS` times, the work is composed again on the remote's new tip);
5. only then the local branch moves, with `git update-ref refs/heads/BRANCH NEW OLD`, which
   git refuses if the branch is no longer at OLD.

A failure or a signal at any point before step 5 leaves the local branch where it was
(and the remote as it was, or holding the complete new commit); after it there is nothing
left to do. The objects written for an abandoned attempt are unreachable, and `git gc`
removes them in time.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from macros.errors import PolicyError, Problem
from macros.publish.git import commit_tree, common_dir, git, is_ancestor, ref, tree_of
from macros.publish.workspace import signals_held

ATTEMPTS = 3
LOCK_TIMEOUT = 600.0     # seconds one publish waits for another in the same checkout


@dataclass
class Moved:
    branch: str
    commit: str | None        # the branch's tip afterwards
    changed: bool             # False: the new tree was the base's, nothing was committed
    pushed_to: str | None = None


def _problem(command: str, message: str, field: str = "") -> PolicyError:
    return PolicyError(Problem(command, message, field))


@contextlib.contextmanager
def pages_lock(repo: Path, branch: str, command: str, timeout: float = LOCK_TIMEOUT):
    """Held while the branch is read, composed and moved; one per checkout and branch."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", branch)
    lock = FileLock(str(common_dir(repo) / f"policy-pages-{name}.lock"), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise _problem(command, f"another `policy publish` in this checkout has been moving {branch} "
                       f"for more than {timeout:.0f} seconds; wait for it to finish (or stop it), "
                       "then try again") from None
    try:
        yield
    finally:
        lock.release()


def remote_tip(repo: Path, remote: str, branch: str, command: str) -> str | None:
    """Fetch the remote's branch into its remote-tracking ref; its tip (None: it has none)."""
    tracking = f"refs/remotes/{remote}/{branch}"
    listed = git(repo, "ls-remote", "--exit-code", "--heads", remote, f"refs/heads/{branch}", check=False)
    if listed.returncode == 2:          # the remote has no such branch: the first publish
        git(repo, "update-ref", "-d", tracking, check=False)
        return None
    if listed.returncode != 0:
        raise _problem(command, f"cannot read the git remote '{remote}': {listed.stderr.strip()}", "--remote")
    git(repo, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}")
    return ref(repo, tracking)


def _refuse_unpushed(repo: Path, local: str | None, tip: str | None, remote: str, branch: str,
                     command: str) -> None:
    if local and local != tip and not (tip and is_ancestor(repo, local, tip)):
        raise _problem(command, f"the local {branch} branch has commits that {remote}'s has not "
                       f"(published but not pushed?); push them with `git push {remote} {branch}`, "
                       f"or drop them with `git branch -D {branch}`, then try again", "--branch")


def move_pages(repo: Path, branch: str, compose: Callable[[str | None], tuple[str, str]], *,
               remote: str | None = None, push: bool = False, command: str = "policy publish",
               lock_timeout: float = LOCK_TIMEOUT) -> Moved:
    """Move `branch` to one new commit whose tree `compose(base)` makes, or change nothing;
    see the module docstring. `compose` returns (tree id, commit message)."""
    repo = Path(repo)
    if push and remote is None:
        raise _problem(command, "a push needs a remote", "--remote")
    with pages_lock(repo, branch, command, lock_timeout):
        local = ref(repo, f"refs/heads/{branch}")
        for attempt in range(1, ATTEMPTS + 1):
            base = local
            if remote is not None:
                base = remote_tip(repo, remote, branch, command)
                _refuse_unpushed(repo, local, base, remote, branch, command)
            tree, message = compose(base)
            if base is not None and tree == tree_of(repo, base):
                return Moved(branch, base, False)
            new = commit_tree(repo, tree, base, message)
            with signals_held():      # the push and the local move go together, or neither
                moved = _push_and_move(repo, branch, new, local, remote if push else None, attempt, command)
            if moved is None:
                continue                # the remote moved meanwhile: compose again on its tip
            return moved
    raise AssertionError("unreachable")  # pragma: no cover


def _push_and_move(repo: Path, branch: str, new: str, local: str | None, remote: str | None,
                   attempt: int, command: str) -> Moved | None:
    """Push `new` (with a remote), then move the local branch from `local` to it; None when
    the remote moved meanwhile and another attempt may compose again."""
    push = remote is not None
    if push:
        pushed = git(repo, "push", "--quiet", "--porcelain", remote,
                     f"{new}:refs/heads/{branch}", check=False)
        if pushed.returncode != 0:
            rejected = "[rejected]" in pushed.stdout or "non-fast-forward" in pushed.stderr
            if rejected and attempt < ATTEMPTS:
                return None
            detail = (pushed.stderr.strip() or pushed.stdout.strip()).splitlines()
            raise _problem(command, f"{remote} refused the push of {branch}, so nothing was "
                           f"published and the local {branch} is as it was: "
                           f"{detail[-1] if detail else 'no reason given'}", "--remote")
        git(repo, "update-ref", f"refs/remotes/{remote}/{branch}", new, check=False)
    moved = git(repo, "update-ref", f"refs/heads/{branch}", new, local or "", check=False)
    if moved.returncode != 0:
        where = (f"; {remote} has the new commit {new[:12]}, so `git fetch {remote}` and "
                 f"`git branch -f {branch} {remote}/{branch}` bring it here" if push else "")
        raise _problem(command, f"the local {branch} branch was moved by something other "
                       f"than `policy publish` while it published, so it was left as that "
                       f"left it{where}", "--branch")
    return Moved(branch, new, True, remote if push else None)
