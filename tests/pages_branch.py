"""Helpers for the tests that publish into real git repositories (bare remotes on disk)."""
from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from macros.paths import PROJECT_DIR, SCHOOLS_DIR

SLUG = "st-josephs"
POLICY = Path(sys.executable).with_name("policy")


def git(repo: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def clone(root: Path, name: str, remote: Path) -> Path:
    """A checkout of the project as a runner has it: a commit, an identity, `origin`."""
    work = root / name
    git(root, "init", "-q", "-b", "main", str(work))
    git(work, "config", "user.name", "Test Publisher")
    git(work, "config", "user.email", "publisher@example.org")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "commit", "-q", "--allow-empty", "-m", "start")
    return work


def bare(root: Path, name: str = "remote.git") -> Path:
    git(root, "init", "-q", "--bare", str(root / name))
    return root / name


def write_school(schools: Path, slug: str, version: str, ratified: str, review: str,
                 name: str = "St Joseph's School") -> Path:
    """A copy of the seed st-josephs.yml as `slug`, with its version, dates and name changed."""
    text = (SCHOOLS_DIR / f"{SLUG}.yml").read_text(encoding="utf-8")
    text = text.replace("version: 2023-24", f"version: {version}")
    text = text.replace("ratified: November 2023", f"ratified: {ratified}")
    text = text.replace("next_review: Autumn 2024", f"next_review: {review}")
    text = text.replace("name: St Joseph's School", f"name: {name}")
    schools.mkdir(parents=True, exist_ok=True)
    (schools / f"{slug}.yml").write_text(text, encoding="utf-8")
    return schools / f"{slug}.yml"


def files_under(repo: Path, rev: str, folder: str) -> dict[str, tuple[str, int]]:
    """Every file under `folder` in `rev`: path -> (blob id, size)."""
    listing = {}
    for line in git(repo, "ls-tree", "-r", "-l", rev, "--", folder).splitlines():
        meta, path = line.split("\t", 1)
        _, _, sha, size = meta.split()
        listing[path] = (sha, int(size))
    return listing


def show(repo: Path, rev: str, path: str) -> str:
    return git(repo, "show", f"{rev}:{path}")


def versions(repo: Path, rev: str, slug: str = SLUG) -> dict[str, list[str]]:
    """SLUG/versions.json on `rev`: version -> aliases."""
    return {v["version"]: v["aliases"] for v in json.loads(show(repo, rev, f"{slug}/versions.json"))}


def inconsistencies(repo: Path, rev: str) -> list[str]:
    """What is wrong with the pages branch at `rev`: every school's versions.json must parse
    and every version it lists must have its folder, its policy.json and its print page; every
    version folder must be listed; the landing page must be there."""
    problems = []
    files = set(git(repo, "ls-tree", "-r", "--name-only", rev).splitlines())
    if "index.html" not in files:
        problems.append("no landing page")
    schools = {path.split("/")[0] for path in files if path.endswith("/versions.json")
               and path.count("/") == 1}
    for slug in sorted(schools):
        try:
            listed = json.loads(show(repo, rev, f"{slug}/versions.json"))
            names = [entry["version"] for entry in listed]
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"{slug}/versions.json does not parse: {error}")
            continue
        for version in names:
            for needed in ("policy.json", "print/index.html"):
                if f"{slug}/{version}/{needed}" not in files:
                    problems.append(f"{slug}/{version} has no {needed}")
        folders = {path.split("/")[1] for path in files if path.startswith(f"{slug}/")
                   and path.endswith("/policy.json") and path.count("/") == 2}
        if folders - set(names):
            problems.append(f"{slug}: version folders not in versions.json: {sorted(folders - set(names))}")
        if f"{slug}/index.html" not in files:
            problems.append(f"{slug} has no history page")
    return problems


def local_links(root: Path, folder: str) -> dict[str, set[str]]:
    """Every link a page under `root/folder` makes to the same site (href, src, and the search
    worker in material's `__config`), as a path from `root`: page -> paths. A link to a
    folder is to its index.html."""
    found = {}
    for page in sorted((root / folder).rglob("*.html")):
        name = page.relative_to(root).as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        urls = [tag[attribute] for attribute in ("href", "src")
                for tag in soup.find_all(attrs={attribute: True})]
        config = soup.find("script", id="__config")
        if config is not None:
            urls.append(json.loads(config.string)["search"])
        paths = set()
        for url in urls:
            url = url.split("#", 1)[0].split("?", 1)[0]
            if not url or ":" in url or url.startswith("/"):
                continue                       # this page, another site, or data: / mailto:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(name), url))
            paths.add(path + "/index.html" if url.endswith("/") or url in (".", "..") else path)
        found[name] = paths
    return found


def policy_env(schools: Path, **extra: str) -> dict:
    """The environment a `policy publish` process runs with in these tests."""
    return dict(os.environ, POLICY_SCHOOLS_DIR=str(schools), NO_MKDOCS_2_WARNING="1", **extra)


def project_files() -> set[str]:
    """The project's own top-level entries, to show that a publish leaves nothing there."""
    return {p.name for p in PROJECT_DIR.iterdir()}
