"""Git plumbing for the pages branch: read a commit's files, write blobs and trees, no work tree.

Everything here works on objects and refs only, so publishing never checks out the pages
branch and never touches the project's working tree or index (a tree is written through a
temporary index file of its own).
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from macros.errors import PolicyError, Problem

FILE_MODE, TREE_MODE = "100644", "040000"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def git(repo: Path, *args: str, input: str | bytes | None = None, env: dict | None = None,
        check: bool = True) -> subprocess.CompletedProcess:
    """Run git in `repo`; a failure is a PolicyError quoting git's own words."""
    text = not isinstance(input, bytes)
    result = subprocess.run(["git", *args], cwd=repo, input=input, capture_output=True,
                            text=text, env=env)
    if check and result.returncode != 0:
        err = result.stderr if text else result.stderr.decode("utf-8", "replace")
        raise PolicyError(Problem("git", f"`git {' '.join(args[:3])}` failed: {err.strip()}"))
    return result


def ref(repo: Path, name: str) -> str | None:
    """The commit `name` (a full ref such as refs/heads/gh-pages) points at; None if none."""
    result = git(repo, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    return result.stdout.strip() or None


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return git(repo, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def tree_of(repo: Path, commit: str | None) -> str:
    return git(repo, "rev-parse", f"{commit}^{{tree}}").stdout.strip() if commit else EMPTY_TREE


def common_dir(repo: Path) -> Path:
    """The repository's own folder (.git, shared by its worktrees): where locks and scratch go."""
    found = git(repo, "rev-parse", "--git-common-dir").stdout.strip()
    return (Path(repo) / found).resolve()


def listing(repo: Path, rev: str | None, folder: str = "", recursive: bool = False
            ) -> dict[str, tuple[str, str, str]]:
    """Entries of `rev` under `folder` (top level of it, or every file with `recursive`):
    path -> (mode, type, object id). Empty when there is no such commit or folder."""
    if rev is None:
        return {}
    args = ["ls-tree", "-z", *(["-r"] if recursive else []), rev]
    if folder:
        args += ["--", folder.rstrip("/") + "/"]
    entries = {}
    for item in git(repo, *args).stdout.split("\0"):
        if item:
            meta, path = item.split("\t", 1)
            mode, kind, sha = meta.split()
            entries[path] = (mode, kind, sha)
    return entries


def hash_files(repo: Path, paths: list[Path], scratch: Path) -> list[str]:
    """Write the files as blobs, in one git process and one pack (`git fast-import`: a batch
    of schools is some 20,000 files, which as loose objects would be as many files on disk);
    their ids in the same order."""
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="marks-", dir=scratch) as tmp:
        marks = Path(tmp) / "marks"
        process = subprocess.Popen(["git", "fast-import", "--quiet", "--done",
                                    f"--export-marks={marks}"], cwd=repo, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            try:
                for number, path in enumerate(paths, 1):
                    data = Path(path).read_bytes()
                    process.stdin.write(b"blob\nmark :%d\ndata %d\n" % (number, len(data)))
                    process.stdin.write(data)
                    process.stdin.write(b"\n")
                process.stdin.write(b"done\n")
                process.stdin.close()
            except BrokenPipeError:
                pass
            error = process.stderr.read().decode("utf-8", "replace")
            code = process.wait()
        except BaseException:       # a signal or an error here: git must not outlive us in scratch
            process.kill()
            process.wait()
            raise
        if code != 0:
            raise PolicyError(Problem("git", f"`git fast-import` failed: {error.strip()}"))
        ids = {}
        for line in marks.read_text(encoding="ascii").splitlines():
            mark, sha = line.split()
            ids[int(mark[1:])] = sha
    if len(ids) != len(paths):
        raise PolicyError(Problem("git", f"`git fast-import` wrote {len(ids)} of {len(paths)} files"))
    return [ids[number] for number in range(1, len(paths) + 1)]


class BlobWriter:
    """Collects files (text or a file on disk) for the branch and writes them as blobs at
    once: one git process for a whole batch of schools rather than one per file."""

    def __init__(self, repo: Path, scratch: Path):
        self.repo, self.scratch = repo, Path(scratch)
        self._pending: dict[str, Path] = {}
        self._count = 0

    def text(self, path: str, content: str) -> None:
        self._count += 1
        file = self.scratch / f"blob-{self._count}"
        file.write_bytes(content.encode("utf-8"))
        self._pending[path] = file

    def file(self, path: str, source: Path) -> None:
        self._pending[path] = Path(source)

    def discard(self, prefix: str) -> None:
        """Forget the files collected under `prefix` (a folder path ending in /)."""
        self._pending = {p: f for p, f in self._pending.items() if not p.startswith(prefix)}

    def write(self) -> dict[str, tuple[str, str]]:
        """Every collected file as branch path -> (mode, blob id); the collection is emptied."""
        paths = list(self._pending)
        ids = hash_files(self.repo, [self._pending[p] for p in paths], self.scratch)
        self._pending = {}
        return {path: (FILE_MODE, sha) for path, sha in zip(paths, ids)}


def write_tree(repo: Path, base: str | None, remove: list[str], add: dict[str, tuple[str, str]],
               scratch: Path) -> str:
    """The tree of commit `base` (None: empty) without the folders or files `remove` and with
    `add` (path -> (mode, blob id)) written in, through a temporary index of its own (in
    `scratch`, the publish's folder)."""
    with tempfile.TemporaryDirectory(prefix="index-", dir=scratch) as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"))
        git(repo, "read-tree", *( [base] if base else ["--empty"]), env=env)
        if remove:
            specs = "".join(f":(literal){path}\0" for path in remove)
            git(repo, "rm", "--cached", "-r", "-q", "--ignore-unmatch", "--pathspec-from-file=-",
                "--pathspec-file-nul", input=specs, env=env)
        if add:
            entries = "".join(f"{mode} {sha}\t{path}\0" for path, (mode, sha) in add.items())
            git(repo, "update-index", "-z", "--add", "--index-info", input=entries, env=env)
        return git(repo, "write-tree", env=env).stdout.strip()


def commit_tree(repo: Path, tree: str, parent: str | None, message: str) -> str:
    return git(repo, "commit-tree", tree, *(["-p", parent] if parent else []),
               input=message).stdout.strip()


class Reader:
    """The files of one commit, read through one `git cat-file --batch` process: the landing
    page reads every school's versions.json and records, so one process for all of them
    keeps a publish quick on a branch of 500 schools."""

    def __init__(self, repo: Path, rev: str | None):
        self.repo, self.rev = repo, rev
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            self._process.stdout.close()
            self._process.wait()
            self._process = None

    def read(self, path: str) -> bytes | None:
        """The bytes of the file at `path`, or None when there is none."""
        if self.rev is None or "\n" in path:
            return None
        return self._object(f"{self.rev}:{path}")

    def blob(self, sha: str) -> bytes | None:
        """The bytes of a blob already in the repository, by its id."""
        return self._object(sha)

    def _object(self, name: str) -> bytes | None:
        if self._process is None:
            self._process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.repo,
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL)
        self._process.stdin.write(f"{name}\n".encode("utf-8"))
        self._process.stdin.flush()
        header = self._process.stdout.readline().decode("utf-8")
        if not header:
            raise PolicyError(Problem("git", f"`git cat-file --batch` stopped while reading {name}"))
        if header.rstrip("\n").endswith((" missing", " ambiguous")):
            return None
        _, kind, size = header.split()
        data = self._process.stdout.read(int(size) + 1)[:-1]  # the contents, then a newline
        return data if kind == "blob" else None

    def text(self, path: str) -> str | None:
        data = self.read(path)
        return None if data is None else data.decode("utf-8", "replace")

    def entries(self, folder: str = "", recursive: bool = False) -> dict[str, tuple[str, str, str]]:
        return listing(self.repo, self.rev, folder, recursive)
