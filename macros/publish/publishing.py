"""Publishing schools' policies as versions on the pages branch, with mike.

`publish()` checks everything it can before it touches git (the school file, the version,
the branch name, the remote, the git identity), then:

1. runs `mike deploy --deploy-prefix SLUG --alias-type redirect --update-aliases V latest`
   with a generated copy of mkdocs.yml (the versions selector switched on, the site built
   in a temporary folder), so the school's site lands in `SLUG/V/` and `SLUG/versions.json`.
   The shared-assets plugin (macros/shared_assets.py) keeps the static assets out of `SLUG/V/`
   (material's bundles, our stylesheet and scripts: ~300 KB, the same for every school) and
   points the pages at `shared-assets/` at the top of the branch; `SLUG/V/` has no 404.html
   either (GitHub Pages serves only the one at the root);
2. adds, in a second commit on the same branch, `SLUG/V/policy.json` (the dates of this
   version), `SLUG/index.html` (the policy history) and `index.html` (every school) — both
   pages rebuilt from what is on the branch, so they stay right as versions accumulate —
   and each shared file the pages use that `shared-assets/` does not have yet (a shared
   file's name holds a hash of its content, so one already there is never replaced);
3. pushes the branch if asked.

Versions published before the assets were shared keep their own `assets/` and work as they
are: nothing here rewrites them.

If any step fails the pages branch is put back where it was. Other schools' folders are
never written: mike only replaces `SLUG/V/` and the alias folders under `SLUG/`.

Aliases are redirects, not symlinks or copies: GitHub Pages serves them everywhere, they
cost a few kilobytes instead of a second copy of the site, and a reader who follows
`SLUG/latest/…` lands on — and so bookmarks or cites — the numbered version.

Many schools at once (the publish workflow; `python -m macros.publish --help`): the schools
are split into shards (`shards.py`), and each shard, on its own runner,

- `fetch_pages()`: makes the local pages branch the remote's, the shard's *base*;
- `publish()` (not pushed) for each of its schools, one after another;
- `pack_shard()`: writes `shard.json` (the base, the branch tip, the schools published) and
  `pages.bundle` (the commits from the base to the tip) for the assemble job.

`assemble()` then, in one job, takes the branch as it is on the remote, puts in each shard's
`SLUG/` folders (the very trees the shards made) and the shared files the shard has that the
branch lacks, rebuilds `index.html` from the result, and makes one commit, which it pushes.
A school folder is taken from a shard only if the branch still has that folder as the shard
found it; if someone published that school in between, assemble leaves that school out
rather than undo their work, publishes the others, and then fails naming the ones left out.
Any other doubt about the shards (a missing or damaged artifact, a school in two shards,
two different shared files under one name) changes nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from macros.paths import TEMPLATES_DIR
from macros.errors import PolicyError, Problem
from macros.publish.version_history import RECORD_FILE, SchoolEntry, VersionRecord, in_force_on, newest_first
from macros.publish.version_history import render_history, render_pages_landing
from macros.school.loader import display_path, load_school, school_path
from macros.paths import MKDOCS_YML, PROJECT_DIR, SCHOOLS_DIR_VARIABLE
from macros.model.model import load_model
from macros.school.schema import SLUG_RE, VERSION_RE
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS, SHARED_PLUGIN, refuse_shared_folder_name

TEMPLATES = TEMPLATES_DIR
REDIRECT_TEMPLATE = TEMPLATES / "redirect.html"
DEFAULT_BRANCH = "gh-pages"
DEFAULT_ALIAS = "latest"
DEFAULT_REMOTE = "origin"
# The mkdocs plugin (macros/shared_assets.py, an entry point in pyproject.toml) that keeps a
# version's static assets in the branch's shared-assets/ folder: a version is SLUG/VERSION/.
SHARED_DEPTH = 2
# Changes to these paths change every school's site, so every school is published again.
SHARED_PATHS = ("docs/", "macros/", "overrides/", "mkdocs.yml", "pyproject.toml", "constraints.txt")
# What a shard hands to the assemble job, in one folder.
MANIFEST, BUNDLE, MANIFEST_FORMAT = "shard.json", "pages.bundle", 1
COMMIT_RE = r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$"
# The commands a problem can come from, named as the user (or the workflow's log) ran them.
PUBLISH, WORKFLOW = "policy publish", "python -m macros.publish"
FETCH, PACK, ASSEMBLE = f"{WORKFLOW} fetch", f"{WORKFLOW} pack", f"{WORKFLOW} assemble"


@dataclass
class PublishResult:
    slug: str
    version: str
    branch: str
    commit: str
    aliases: list[str]
    pushed_to: str | None
    note: str = ""
    shared: list[str] = field(default_factory=list)  # files this publish added to shared-assets/


@dataclass
class AssembleResult:
    branch: str
    commit: str | None        # the branch's tip afterwards
    schools: list[str]        # the schools whose folders the new commit replaced
    already: list[str] = field(default_factory=list)  # already on the branch as the shard left them
    pushed_to: str | None = None
    shared: list[str] = field(default_factory=list)   # files the new commit added to shared-assets/


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


def _ref(repo: Path, branch: str, prefix: str = "refs/heads/") -> str | None:
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{prefix}{branch}^{{commit}}", check=False)
    return result.stdout.strip() or None


def _is_ancestor(repo: Path, older: str, newer: str) -> bool:
    return _git(repo, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def _problem(command: str, message: str, field: str = "") -> PolicyError:
    """A problem labelled with the command the user ran (PUBLISH, FETCH, PACK or ASSEMBLE)."""
    return PolicyError(Problem(command, message, field))


def _sync_pages(repo: Path, remote: str, branch: str, command: str) -> str | None:
    """Make the local `branch` what `remote` has (fast-forward only); its tip, None if there is none."""
    listed = _git(repo, "ls-remote", "--exit-code", "--heads", remote, f"refs/heads/{branch}", check=False)
    tracking = f"refs/remotes/{remote}/{branch}"
    if listed.returncode == 2:  # the remote has no such branch: the first publish
        _git(repo, "update-ref", "-d", tracking, check=False)
        tip = None
    elif listed.returncode != 0:
        raise _problem(command, f"cannot read the git remote '{remote}': {listed.stderr.strip()}", "--remote")
    else:
        _git(repo, "fetch", "--quiet", remote, f"+refs/heads/{branch}:{tracking}")
        tip = _ref(repo, tracking, "")
    local = _ref(repo, branch)
    if local and local != tip and not (tip and _is_ancestor(repo, local, tip)):
        raise _problem(command, f"the local {branch} branch has commits that {remote}'s has not "
                       f"(published but not pushed?); push them, or delete it with `git branch -D "
                       f"{branch}`, then try again", "--branch")
    if tip and local != tip:
        _git(repo, "update-ref", f"refs/heads/{branch}", tip)
    return tip


def _top_level(repo: Path, rev: str | None) -> dict[str, tuple[str, str, str]]:
    """The entries at the top of `rev`'s tree: name -> (mode, type, object id)."""
    if rev is None:
        return {}
    entries = {}
    for item in _git(repo, "ls-tree", "-z", rev).stdout.split("\0"):
        if item:
            meta, name = item.split("\t", 1)
            mode, kind, sha = meta.split()
            entries[name] = (mode, kind, sha)
    return entries


def _mktree(repo: Path, entries: dict[str, tuple[str, str, str]]) -> str:
    listing = "".join(f"{mode} {kind} {sha}\t{name}\0" for name, (mode, kind, sha) in entries.items())
    return _git(repo, "mktree", "-z", input=listing).stdout.strip()


def _blob(repo: Path, text: str) -> str:
    return _git(repo, "hash-object", "-w", "--stdin", input=text.encode("utf-8")).stdout.decode().strip()


def _files_under(repo: Path, rev: str | None, folder: str) -> dict[str, tuple[str, str]]:
    """Every file under `folder` in `rev`: path -> (mode, blob id); empty when there is none."""
    if rev is None:
        return {}
    files = {}
    for item in _git(repo, "ls-tree", "-r", "-z", rev, "--", folder).stdout.split("\0"):
        if item:
            meta, path = item.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind == "blob":
                files[path] = (mode, sha)
    return files


def _store_blobs(repo: Path, store: Path) -> dict[str, str]:
    """The files the shared-assets plugin stored in `store`, written into `repo` as blobs:
    branch path (shared-assets/…) -> blob id."""
    paths = sorted(p for p in (store / SHARED_ASSETS).rglob("*") if p.is_file())
    if not paths:
        return {}
    listing = "".join(f"{path}\n" for path in paths)
    ids = _git(repo, "hash-object", "-w", "--stdin-paths", input=listing).stdout.split()
    return {path.relative_to(store).as_posix(): sha for path, sha in zip(paths, ids)}


# --- validation: everything before git is touched --------------------------------------

def _check_version(value: str, what: str) -> None:
    if not re.match(VERSION_RE, value) or value in (".", ".."):
        article = "an" if what[:1] in "aeiou" else "a"
        raise _problem(PUBLISH, f"'{value}' cannot be used as {article} {what}: it becomes part of the web "
                       "address, so use 1 to 40 letters, digits, '.', '-' or '_', starting with a "
                       "letter or digit, like 2024-25", what)


def _check_repo(repo: Path, branch: str, remote: str | None, command: str) -> None:
    if _git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise _problem(command, f"{repo} is not a git repository; publish from a clone of the "
                       "policy repository")
    if _git(repo, "check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise _problem(command, f"'{branch}' is not a valid branch name", "--branch")
    if _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        raise _problem(command, "the repository has no commit yet; commit the project first")
    if remote is not None and _git(repo, "remote", "get-url", remote, check=False).returncode != 0:
        known = _git(repo, "remote", check=False).stdout.split()
        raise _problem(command, f"there is no git remote '{remote}'; the remotes are: "
                       f"{', '.join(known) or 'none'} (add one with `git remote add`)", "--remote")
    for key in ("user.name", "user.email"):
        env_key = "GIT_COMMITTER_NAME" if key == "user.name" else "GIT_COMMITTER_EMAIL"
        if not os.environ.get(env_key) and not _git(repo, "config", key, check=False).stdout.strip():
            raise _problem(command, f"git does not know who is publishing: run `git config {key} …` "
                           "first")


def _check_plugin() -> None:
    from importlib.metadata import entry_points

    if not entry_points(group="mkdocs.plugins", name=SHARED_PLUGIN):
        raise _problem(PUBLISH, f"the mkdocs plugin '{SHARED_PLUGIN}' is not installed, so the pages "
                       "could not share their assets; install the project again with "
                       "`make .venv/bin/policy`, then publish")


# --- the mike deploy ---------------------------------------------------------------------

def _publish_config(site_dir: Path, store: Path) -> Path:
    """mkdocs.yml with mike's plugin and version selector, building into `site_dir`.

    The static assets go to `store`/shared-assets/ instead of the site, and the pages point
    two folders up, at the branch's shared-assets/ (the shared-assets plugin, which also
    leaves out the version's own 404.html: GitHub Pages serves only the one at the root).
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
    plugins.append({SHARED_PLUGIN: {"store": str(store), "depth": SHARED_DEPTH}})
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
                 remote: str, schools_dir: Path | None) -> dict[str, str]:
    """Commit the version with mike; the shared files its pages use, as blobs in `repo`
    (branch path -> blob id), for the next commit to add where the branch lacks them."""
    with tempfile.TemporaryDirectory(prefix="policy-publish-") as tmp:
        config = _publish_config(Path(tmp) / "site", Path(tmp) / "store")
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
        return _store_blobs(repo, Path(tmp) / "store")


# --- reading the pages branch ----------------------------------------------------------

@dataclass
class _History:
    versions: list[dict]          # SLUG/versions.json, as mike wrote it
    records: list[VersionRecord]  # the versions that have a policy.json, with their aliases
    name: str                     # the school's name in its newest record that has one, else the slug


class _Pages:
    """The files of one commit (or tree) of the pages branch, read through one `git cat-file`.

    The landing page needs every school's versions.json and records: one process for all of
    them, rather than one per file, keeps a publish quick on a branch of 500 schools.
    """

    def __init__(self, repo: Path, rev: str):
        self.repo, self.rev = repo, rev
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "_Pages":
        return self

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.stdin.close()
            self._process.stdout.close()
            self._process.wait()
            self._process = None

    def read(self, path: str) -> str | None:
        """The text of `path`, or None when there is no such file."""
        if "\n" in path:
            return None
        if self._process is None:
            self._process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.repo,
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL)
        self._process.stdin.write(f"{self.rev}:{path}\n".encode("utf-8"))
        self._process.stdin.flush()
        header = self._process.stdout.readline().decode("utf-8")
        if not header:
            raise PolicyError(Problem("git", f"`git cat-file --batch` stopped while reading {path}"))
        if header.rstrip("\n").endswith((" missing", " ambiguous")):
            return None
        _, kind, size = header.split()
        data = self._process.stdout.read(int(size) + 1)[:-1]  # the contents, then a newline
        return data.decode("utf-8") if kind == "blob" else None

    def slugs(self) -> list[str]:
        """The folders at the top of the branch named like a school (sorted, as git lists them)."""
        return [name for name, (_, kind, _) in _top_level(self.repo, self.rev).items()
                if kind == "tree" and re.match(SLUG_RE, name) and name != SHARED_ASSETS]

    def history(self, slug: str) -> _History:
        """What the branch holds about `slug`; each file read once."""
        raw = self.read(f"{slug}/versions.json")
        versions = json.loads(raw) if raw is not None else []
        records, names = [], {}
        for entry in versions:
            data = self.read(f"{slug}/{entry['version']}/{RECORD_FILE}")
            if data is not None:
                record = json.loads(data)
                records.append(VersionRecord.from_json(record, tuple(entry.get("aliases", []))))
                names[records[-1].version] = record.get("school")
        name = next((names[r.version] for r in newest_first(records) if names[r.version]), slug)
        return _History(versions, records, name)


def _tree_with(repo: Path, base: str, files: dict[str, tuple[str, str]]) -> str:
    """The tree of `base` (a commit or tree) with `files` (path -> (mode, blob id)) added or
    replaced, at any depth, without a working tree."""
    with tempfile.TemporaryDirectory(prefix="policy-index-") as tmp:
        env = dict(os.environ, GIT_INDEX_FILE=str(Path(tmp) / "index"))
        _git(repo, "read-tree", base, env=env)
        listing = "".join(f"{mode} {sha}\t{path}\0" for path, (mode, sha) in files.items())
        _git(repo, "update-index", "-z", "--index-info", input=listing, env=env)
        return _git(repo, "write-tree", env=env).stdout.strip()


def _commit_files(repo: Path, branch: str, parent: str, files: dict[str, str], message: str,
                  blobs: dict[str, str] | None = None) -> str:
    """One commit on `branch` adding or replacing `files` (text) and `blobs` (path -> blob id
    already in the repository)."""
    entries = {path: ("100644", _blob(repo, text)) for path, text in files.items()}
    entries.update((path, ("100644", sha)) for path, sha in (blobs or {}).items())
    tree = _tree_with(repo, parent, entries)
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
    refuse_shared_folder_name(slug, display_path(path), "that folder of the pages branch")
    aliases = [alias] if alias else []
    if alias:
        _check_version(alias, "alias")
        if alias == version:
            raise _problem(PUBLISH, f"the alias '{alias}' is the same as the version; choose another "
                           "alias", "--alias")
    if push and remote is None:
        remote = DEFAULT_REMOTE
    _check_repo(repo, branch, remote, PUBLISH)
    _check_plugin()

    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    record = VersionRecord(version=version, ratified=school.dates.ratified.start,
                           ratified_text=str(school.dates.ratified),
                           next_review=school.dates.next_review.end,
                           next_review_text=str(school.dates.next_review),
                           model=model.version_label, published=now.isoformat())

    if remote is not None:  # start from the published branch, as mike will
        _sync_pages(repo, remote, branch, PUBLISH)
    before = _ref(repo, branch)
    try:
        note = ""
        if aliases and before:
            with _Pages(repo, before) as pages:
                others = [r for r in pages.history(slug).records if r.version != version]
            newer = [r for r in others if r.ratified > record.ratified]
            if newer:
                note = (f"'{alias}' stays on {newest_first(newer)[0].version}, which was ratified after "
                        f"{version}")
                aliases = []
        stored = _mike_deploy(repo, slug, version, aliases, branch, remote or DEFAULT_REMOTE, schools_dir)
        deployed = _ref(repo, branch)
        # A shared file's name holds a hash of its content: one the branch has is never replaced.
        present = _files_under(repo, deployed, SHARED_ASSETS)
        shared = {path: sha for path, sha in stored.items() if path not in present}
        record_json = dict(record.to_json(), school=school.school.name)
        files = {f"{slug}/{version}/{RECORD_FILE}": json.dumps(record_json, indent=2) + "\n"}
        today = now.date()
        with _Pages(repo, deployed) as pages:  # the branch as it is now, with this version's record added
            history = pages.history(slug)
            records = [r for r in history.records if r.version != version]
            mine = next((v for v in history.versions if v["version"] == version), {"aliases": []})
            records.append(VersionRecord.from_json(record.to_json(), tuple(mine.get("aliases", []))))
            files[f"{slug}/index.html"] = render_history(school.school.name, records, today)
            files["index.html"] = _landing(pages, model.version_label, today,
                                           {slug: (school.school.name, records)})
        files[".nojekyll"] = ""
        commit = _commit_files(repo, branch, deployed, files,
                               f"Policy history of {slug} after publishing {version}", shared)
        if push:
            _git(repo, "push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    except BaseException:
        _restore(repo, branch, before)
        raise
    return PublishResult(slug, version, branch, commit, aliases, remote if push else None, note,
                         sorted(shared))


def _restore(repo: Path, branch: str, before: str | None) -> None:
    if before:
        _git(repo, "update-ref", f"refs/heads/{branch}", before, check=False)
    else:
        _git(repo, "update-ref", "-d", f"refs/heads/{branch}", check=False)


def _landing(pages: _Pages, model_label: str, today: dt.date,
             known: dict[str, tuple[str, list[VersionRecord]]] | None = None) -> str:
    """The landing page for what `pages` holds; `known` gives a school's name and records instead."""
    entries = []
    for slug in pages.slugs():
        if known and slug in known:
            name, records = known[slug]
        else:
            history = pages.history(slug)
            name, records = history.name, history.records
        if records:
            current = in_force_on(records, dt.date.max) or newest_first(records)[0]
            entries.append(SchoolEntry(slug, name, current))
    return render_pages_landing(entries, model_label, today)


# --- many schools at once: the publish workflow's shards and its assemble job -----------

def fetch_pages(remote: str = DEFAULT_REMOTE, branch: str = DEFAULT_BRANCH, *,
                repo_dir: Path | None = None) -> str | None:
    """A shard's first step: the local pages branch becomes `remote`'s (None: it has none yet)."""
    repo = Path(repo_dir or PROJECT_DIR).resolve()
    _check_repo(repo, branch, remote, FETCH)
    return _sync_pages(repo, remote, branch, FETCH)


def pack_shard(out: Path, schools: list[str], remote: str = DEFAULT_REMOTE,
               branch: str = DEFAULT_BRANCH, *, repo_dir: Path | None = None) -> Path:
    """A shard's last step: write `out/shard.json` and `out/pages.bundle` for `assemble()`.

    The base is `remote`'s branch as `fetch_pages()` fetched it; `schools` are the ones this
    shard published since. The bundle holds the commits from the base to the local branch
    (the whole branch when the remote had none), so assemble can read the schools' folders.
    """
    repo = Path(repo_dir or PROJECT_DIR).resolve()
    _check_repo(repo, branch, remote, PACK)
    bad = [s for s in schools if not re.match(SLUG_RE, s)]
    if bad:
        raise _problem(PACK, f"not school names: {', '.join(map(repr, bad))}; pass the schools this "
                       "shard published, each named by its file in schools/ without .yml, in "
                       "lowercase letters, digits and hyphens, like st-josephs")
    schools = sorted(set(schools))
    base, tip = _ref(repo, f"{remote}/{branch}", "refs/remotes/"), _ref(repo, branch)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / BUNDLE).unlink(missing_ok=True)
    if schools:
        if tip is None:
            raise _problem(PACK, f"there is no {branch} branch here, so {', '.join(schools)} cannot "
                           "have been published in this clone", "--branch")
        if base and not _is_ancestor(repo, base, tip):
            raise _problem(PACK, f"the local {branch} branch does not start from {remote}'s; run "
                           f"`{FETCH}` before publishing", "--branch")
        published, found = _top_level(repo, tip), _top_level(repo, base)
        for slug in schools:
            if slug not in published or published[slug] == found.get(slug):
                raise _problem(PACK, f"{slug} was not published in this clone: its folder on {branch} "
                               f"is as {remote} has it; pass only the schools `policy publish` "
                               "published here")
        _git(repo, "bundle", "create", "--quiet", str((out / BUNDLE).resolve()),
             f"{base}..refs/heads/{branch}" if base else f"refs/heads/{branch}")
    manifest = {"format": MANIFEST_FORMAT, "branch": branch, "base": base,
                "tip": tip if schools else base, "schools": schools}
    path = out / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass
class _Shard:
    path: Path
    base: str | None
    tip: str | None
    schools: list[str]


def _open_shard(repo: Path, path: Path, branch: str, before: str | None) -> _Shard:
    """Read one shard's folder and bring its commits into `repo`; refuse anything doubtful."""
    again = "download the shard's artifact again, or run the workflow again"
    manifest = path / MANIFEST
    if not manifest.is_file():
        raise PolicyError(Problem(str(path), f"not a shard's result: there is no {MANIFEST} in it; "
                                  "pass the folders that the publish workflow's shard jobs upload"))
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        base, tip, schools = data["base"], data["tip"], data["schools"]
        ok = (data["format"] == MANIFEST_FORMAT and isinstance(data["branch"], str)
              and all(c is None or (isinstance(c, str) and re.match(COMMIT_RE, c)) for c in (base, tip))
              and isinstance(schools, list)
              and all(isinstance(s, str) and re.match(SLUG_RE, s) for s in schools)
              and (tip is not None or not schools))
    except (OSError, ValueError, TypeError, KeyError):
        ok = False
    if not ok:
        raise PolicyError(Problem(str(manifest), f"this is not a shard record that assemble can read; {again}"))
    if data["branch"] != branch:
        raise PolicyError(Problem(str(manifest), f"this shard published to the branch '{data['branch']}', "
                                  f"not '{branch}'", "--branch"))
    shard = _Shard(path, base, tip, schools)
    if not schools:
        return shard
    bundle = path / BUNDLE
    heads = _git(repo, "bundle", "list-heads", str(bundle.resolve()), check=False) if bundle.is_file() else None
    if heads is None or heads.returncode != 0 or f"{tip} refs/heads/{branch}" not in heads.stdout.splitlines():
        raise PolicyError(Problem(str(bundle), f"missing or damaged: it does not hold the commit "
                                  f"{MANIFEST} names, so {', '.join(schools)} cannot be read; {again}"))
    if base and not (before and _is_ancestor(repo, base, before)):
        raise PolicyError(Problem(str(path), f"this shard started from commit {base[:12]} of {branch}, "
                                  f"which {branch} no longer contains (it was rewritten or deleted "
                                  "since), so its schools cannot be added safely; run the workflow again"))
    _git(repo, "bundle", "unbundle", str(bundle.resolve()))
    if base and not _is_ancestor(repo, base, tip):
        raise PolicyError(Problem(str(manifest), f"this shard's {branch} does not descend from commit "
                                  f"{base[:12]}, the base {MANIFEST} names, so assemble cannot tell "
                                  f"whether its schools would undo a publish made meanwhile; {again}"))
    published = _top_level(repo, tip)
    with _Pages(repo, tip) as pages:
        for slug in schools:
            if published.get(slug, ("", ""))[1] != "tree" or pages.read(f"{slug}/versions.json") is None:
                raise PolicyError(Problem(str(path), f"{MANIFEST} lists {slug}, but the shard's "
                                          f"{branch} has no {slug}/versions.json; {again}"))
    return shard


def _shared_additions(repo: Path, before: str | None,
                      shards: list[_Shard]) -> dict[str, tuple[str, str]]:
    """The shared files the shards' branches hold and the branch lacks: path -> (mode, blob id).

    A file the branch has is kept as it is (its name holds a hash of its content). Two shards
    with different files under one name cannot happen when both ran this code; if it does,
    neither is chosen: assemble refuses.
    """
    present = _files_under(repo, before, SHARED_ASSETS)
    added: dict[str, tuple[tuple[str, str], _Shard]] = {}
    problems = []
    for shard in shards:
        for path, entry in _files_under(repo, shard.tip, SHARED_ASSETS).items():
            if path in present:
                continue
            if path not in added:
                added[path] = (entry, shard)
            elif added[path][0] != entry:
                problems.append(Problem(str(shard.path), f"this shard's {path} is not the same file as "
                                        f"the one of that name in {added[path][1].path}; shared files "
                                        "are named after their content, so one of the two artifacts "
                                        "is damaged; run the workflow again"))
    if problems:
        raise PolicyError(problems)
    return {path: entry for path, (entry, _) in added.items()}


def assemble(artifacts: list[Path], branch: str = DEFAULT_BRANCH, remote: str | None = None,
             push: bool = False, *, repo_dir: Path | None = None,
             now: dt.datetime | None = None) -> AssembleResult:
    """Put every shard's schools on the pages branch in one commit; see the module docstring.

    Starts from the branch as it is now (`remote`'s, when given). Each school's folder is
    replaced by the shard's tree as it is; `shared-assets/` gains the shards' files it lacks
    (the union; a file already there is kept); every other entry keeps its tree; `index.html`
    is rebuilt from the result and `.nojekyll` kept. A school whose folder changed on the
    branch since its shard started is left out (its shard would undo that change), so one
    such school does not hold back the others: they are committed (and pushed) first, then
    the left-out schools are raised as a PolicyError that says what went out. Any other
    problem leaves the branch as it was.
    """
    repo = Path(repo_dir or PROJECT_DIR).resolve()
    if push and remote is None:
        remote = DEFAULT_REMOTE
    if not artifacts:
        raise _problem(ASSEMBLE, "name the shard folders to assemble (the artifacts the shard jobs "
                       "uploaded)")
    _check_repo(repo, branch, remote, ASSEMBLE)
    model = load_model()
    if remote is not None:
        _sync_pages(repo, remote, branch, ASSEMBLE)
    before = _ref(repo, branch)
    shards = [_open_shard(repo, Path(artifact), branch, before) for artifact in artifacts]

    owner: dict[str, _Shard] = {}
    for shard in shards:
        for slug in shard.schools:
            if slug in owner:
                raise PolicyError(Problem(str(shard.path), f"{slug} was also published by the shard "
                                          f"in {owner[slug].path}; a school belongs to one shard only"))
            owner[slug] = shard
    current = _top_level(repo, before)
    used = [s for s in shards if s.schools]
    trees = {rev: _top_level(repo, rev) for rev in {s.base for s in used} | {s.tip for s in used}}
    changes, already, left_out = {}, [], []
    for slug, shard in sorted(owner.items()):
        new = trees[shard.tip][slug]
        if current.get(slug) == new:
            already.append(slug)
        elif current.get(slug) != trees[shard.base].get(slug):
            left_out.append(slug)
        else:
            changes[slug] = new
    shared = _shared_additions(repo, before, used)
    if not changes:
        result = AssembleResult(branch, before, [], already)
    else:
        today = (now or dt.datetime.now(dt.timezone.utc)).date()
        commit = _commit_assembled(repo, branch, before, current, changes, shared, len(shards),
                                   model.version_label, today)
        if push:
            pushed = _git(repo, "push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}",
                          check=False)
            if pushed.returncode != 0:
                _restore(repo, branch, before)
                raise _problem(ASSEMBLE, f"{remote} refused the push of {branch}, so nothing was "
                               f"published: {pushed.stderr.strip()}; if {branch} moved on {remote} "
                               "meanwhile, run the workflow again", "--remote")
        result = AssembleResult(branch, commit, list(changes), already, remote if push else None,
                                sorted(shared))
    if left_out:
        raise _left_out(left_out, result)
    return result


def _commit_assembled(repo: Path, branch: str, before: str | None, current: dict, changes: dict,
                      shared: dict, shard_count: int, model_label: str, today: dt.date) -> str:
    """One commit on `branch`: `current` (its top level) with the school folders `changes`,
    the `shared` files added to shared-assets/, and the landing page rebuilt from the result."""
    entries = {**current, **changes}
    with _Pages(repo, _mktree(repo, entries)) as pages:
        entries["index.html"] = ("100644", "blob", _blob(repo, _landing(pages, model_label, today)))
    entries[".nojekyll"] = ("100644", "blob", _blob(repo, ""))
    tree = _mktree(repo, entries)
    if shared:
        tree = _tree_with(repo, tree, shared)
    names = list(changes)
    message = (f"Publish {len(names)} school{'s' if len(names) > 1 else ''} from "
               f"{shard_count} shard{'s' if shard_count > 1 else ''}\n\n" + "\n".join(names) + "\n")
    commit = _git(repo, "commit-tree", tree, *(["-p", before] if before else []),
                  input=message).stdout.strip()
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, before or "")
    return commit


def _left_out(slugs: list[str], result: AssembleResult) -> PolicyError:
    """The schools assemble left out, reported with what it did publish, so a red job's log
    says both what went out and what to publish again."""
    one, branch = len(slugs) == 1, result.branch
    it, its, names = ("it" if one else "them"), ("its" if one else "their"), ", ".join(slugs)
    if result.schools:
        where = f"pushed to {result.pushed_to}" if result.pushed_to else "not pushed"
        others = (f": {' '.join(result.schools)}" if len(result.schools) <= 10
                  else f" ({len(result.schools)} schools)")
        done = (f"the other schools were published in commit {result.commit[:12]} on {branch} "
                f"({where}){others}")
    else:
        done = f"no other school was added, so {branch} is as it was"
    command = f"policy publish {slugs[0]} --push" if one else "policy publish SLUG --push"
    plural = "" if one else "s"
    return _problem(ASSEMBLE, f"{names} {'was' if one else 'were'} left out: {its} folder{plural} "
                    f"on {branch} changed after {its} shard{plural} started (published elsewhere "
                    f"meanwhile) and {'is' if one else 'are'} kept as that publish left {it}; {done}; "
                    f"to publish {names} again, start the workflow with {it} (Actions > publish > "
                    f"Run workflow, with {' '.join(slugs)}; re-running this run's failed jobs may "
                    f"leave {it} out again), or run `{command}`{'' if one else ' for each'}")


# --- which schools a push should publish ----------------------------------------------

def schools_to_publish(changed_paths: list[str], slugs: list[str], schools_prefix: str = "schools/") -> list[str]:
    """The schools whose published site a change affects: all of them when shared files changed."""
    if any(p.startswith(SHARED_PATHS) or p in SHARED_PATHS for p in changed_paths):
        return sorted(slugs)
    changed = {p[len(schools_prefix):-len(".yml")] for p in changed_paths
               if p.startswith(schools_prefix) and p.endswith(".yml") and "/" not in p[len(schools_prefix):]}
    return sorted(s for s in slugs if s in changed)


def _changed(before: str, after: str) -> list[str]:
    from macros.school.loader import all_slugs

    slugs = all_slugs()
    diff = subprocess.run(["git", "diff", "--name-only", before, after], cwd=PROJECT_DIR,
                          capture_output=True, text=True)
    if set(before) <= {"0"} or diff.returncode != 0:  # first push, or history rewritten
        return slugs
    return schools_to_publish(diff.stdout.splitlines(), slugs)


# --- the workflow's commands: python -m macros.publish COMMAND ---------------------------

def _check_schools_exist(slugs: list[str]) -> None:
    """A school named in "Run workflow" that has no file fails here, before any shard starts."""
    problems = []
    for slug in dict.fromkeys(slugs):
        try:
            school_path(slug)
        except PolicyError as error:
            problems.extend(error.problems)
    if problems:
        raise PolicyError(problems)


def _count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=WORKFLOW, description="The steps of "
                                     "the publish workflow (.github/workflows/publish.yml).")
    commands = parser.add_subparsers(dest="command", required=True)
    changed = commands.add_parser("changed", help="the schools a push changed, one a line")
    changed.add_argument("before", metavar="BEFORE")
    changed.add_argument("after", metavar="AFTER")
    shards = commands.add_parser("shards", help="split schools into shards: the JSON job matrix")
    shards.add_argument("--per-shard", type=_count, required=True, metavar="N",
                        help="schools per shard (repository variable PUBLISH_SCHOOLS_PER_SHARD)")
    shards.add_argument("--max", type=_count, required=True, metavar="M",
                        help="at most this many shards (repository variable PUBLISH_MAX_SHARDS)")
    shards.add_argument("slugs", nargs="*", metavar="SLUG")
    for name, help in (("fetch", "make the local pages branch the remote's (a shard's first step)"),
                       ("pack", "write this shard's result for the assemble job (its last step)"),
                       ("assemble", "put every shard's schools on the pages branch in one commit")):
        command = commands.add_parser(name, help=help)
        command.add_argument("--branch", default=DEFAULT_BRANCH, help="pages branch (default: gh-pages)")
        command.add_argument("--remote", default=None if name == "assemble" else DEFAULT_REMOTE,
                             help="git remote" + ("" if name == "assemble" else " (default: origin)"))
        if name == "pack":
            command.add_argument("--out", required=True, type=Path, metavar="DIR")
            command.add_argument("slugs", nargs="*", metavar="SLUG", help="the schools published")
        if name == "assemble":
            command.add_argument("--push", action="store_true", help="push the branch (to origin "
                                 "unless --remote names another)")
            command.add_argument("artifacts", nargs="+", type=Path, metavar="SHARD_DIR")
    return parser


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "changed":
            print("\n".join(_changed(args.before, args.after)))
        elif args.command == "shards":
            from macros.publish.shards import shard_matrix

            matrix = shard_matrix(args.slugs, args.per_shard, args.max)
            _check_schools_exist(args.slugs)
            print(json.dumps(matrix, separators=(",", ":")))
        elif args.command == "fetch":
            tip = fetch_pages(args.remote, args.branch)
            print(f"{args.branch} is at {tip[:12]}, as on {args.remote}" if tip else
                  f"{args.remote} has no {args.branch} branch yet: this is the first publish")
        elif args.command == "pack":
            path = pack_shard(args.out, args.slugs, args.remote, args.branch)
            schools = json.loads(path.read_text(encoding="utf-8"))["schools"]
            print(f"packed {len(schools)} school(s) for the assemble job: {' '.join(schools) or 'none'}")
        else:
            result = assemble(args.artifacts, args.branch, args.remote, args.push)
            already = f"; already on {result.branch}: {' '.join(result.already)}" if result.already else ""
            if not result.schools:
                print(f"nothing to add: {result.branch} is unchanged{already}")
            else:
                where = f" and pushed it to {result.pushed_to}" if result.pushed_to else " (not pushed)"
                print(f"published {len(result.schools)} school(s) in one commit {result.commit[:12]} on "
                      f"{result.branch}{where}: {' '.join(result.schools)}{already}")
    except PolicyError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
