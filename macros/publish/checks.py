"""What a publish checks before it builds anything or touches git."""
from __future__ import annotations

from pathlib import Path

from macros.errors import PolicyError, Problem
from macros.publish.git import git
from macros.school.schema import version_name_problem


def problem(command: str, message: str, field: str = "") -> PolicyError:
    """A problem labelled with the command the user ran."""
    return PolicyError(Problem(command, message, field))


def check_name(value: str, what: str, command: str = "policy publish") -> None:
    """A version or alias name: the same rule as a school file's `version:`."""
    message = version_name_problem(value, alias=what == "alias")
    if message:
        raise problem(command, f"'{value}' cannot be used as the {what}: {message}", f"--{what}")


def check_repo(repo: Path, branch: str, remote: str | None, command: str, *,
               committing: bool = True) -> None:
    if git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise problem(command, f"{repo} is not a git repository; publish from a clone of the "
                      "policy repository")
    if git(repo, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise problem(command, f"'{branch}' is not a valid branch name", "--branch")
    if remote is not None and git(repo, "remote", "get-url", remote, check=False).returncode != 0:
        known = git(repo, "remote", check=False).stdout.split()
        raise problem(command, f"there is no git remote '{remote}'; the remotes are: "
                      f"{', '.join(known) or 'none'} (add one with `git remote add`)", "--remote")
    if committing:
        check_identity(repo, command)


def check_identity(repo: Path, command: str) -> None:
    """git must be able to name who commits; asked of git itself (`git var`), which weighs
    the environment (GIT_AUTHOR_*, GIT_COMMITTER_*, EMAIL) and every config file as a commit
    would, so the answer is right whichever way the identity is given."""
    for who in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if git(repo, "var", who, check=False).returncode != 0:
            role = "author" if who == "GIT_AUTHOR_IDENT" else "committer"
            raise problem(command, f"git does not know who is publishing (the commit's {role} has "
                          "no name or email); run `git config user.name \"Your Name\"` and "
                          "`git config user.email you@example.org` in this repository (or set "
                          f"GIT_{role.upper()}_NAME and GIT_{role.upper()}_EMAIL), then publish again")
