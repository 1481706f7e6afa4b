"""One copy of the static assets for many school sites published together.

Every school's site carries the same static files under `assets/`: material's bundles
(~300 KB), our stylesheet and scripts, the favicon. Sites published together keep each
file once in a `shared-assets/` folder above them, and every page points there:

- `policy build` (without `--standalone`): `macros/build.py` adds this plugin to each
  school's build, storing in `<out>/shared-assets/`; a site is `<out>/SLUG/`, one level
  below (`depth: 1`);
- `policy publish`: the publishing config (`macros/publish.py`) names the plugin
  (`policy-shared-assets`, an entry point in pyproject.toml) with `depth: 2`, since a
  version is `SLUG/VERSION/` on the pages branch, and a temporary `store`; publishing then
  adds the stored files to the branch's `shared-assets/`.

In a config file:

    plugins:
      - policy-shared-assets:
          store: DIR      # required: the folder that holds (or will hold) shared-assets/
          depth: 2        # how many folders the site lies below DIR (default 1)
          drop_404: true  # leave out the site's own 404.html (the default)

The work happens inside the build rather than after it: the files are stored (on_files,
after the hooks that leave out files a reader never needs, such as source maps, so those are
not stored either) and never copied into the site (on_env takes them off the file list once
the pages are converted), and each page's links are rewritten as the page is written
(on_post_page, on_post_template), also the search worker's path in material's `__config`.
A link is rewritten where it is a whole attribute value or `url(…)`; a `srcset` with more
than one image is not (nothing here writes one). A site published inside a larger tree has
no use for its own `404.html` (a host such as GitHub Pages serves only the one at the root,
and its links would be wrong there), so it is not rendered.

A shared file's name holds a hash of its content (material's bundles already carry one), so
a changed stylesheet gets a new name and never replaces the copy that sites built earlier
still use; a file already in the shared folder is never rewritten.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from filelock import ReadWriteLock, Timeout
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.plugins import BasePlugin, event_priority

from macros.errors import PolicyError, Problem

SHARED_ASSETS = "shared-assets"
# The plugin's name as an mkdocs plugin (the entry point in pyproject.toml).
SHARED_PLUGIN = "policy-shared-assets"
ASSETS_PREFIX = "assets/"
# material's own bundles carry a hash of their content in their names.
_HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:css|js)$")
# A name a link can hold as it is: the pages' links are found and rewritten as written.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._/-]+")
# Beside the store's folder: held shared by each build that writes there until its site is in
# place, and exclusively by the clean-up that deletes shared files no site uses.
LOCK_FILE = ".policy-build.lock"
# Kept per process: the source files are the same for every school of a batch.
_names: dict[tuple, str] = {}


def refuse_shared_folder_name(slug: str, school_file: str, folder: str) -> None:
    """A school's folder sits beside `shared-assets/` (built or published), so no school may
    take its name; `folder` says which folder that is, for the message."""
    if slug == SHARED_ASSETS:
        raise PolicyError(Problem(school_file, f"a school cannot be called '{SHARED_ASSETS}': {folder} "
                                  "holds the files every school's pages share; rename the school file"))


def shared_name(source: Path, dest_uri: str, *, from_theme: bool = False) -> str:
    """`dest_uri` with a hash of `source`'s content before its extension, unless it is one of
    the theme's bundles, named by their content already (a file of ours named like one is
    hashed all the same: it may be edited in place)."""
    if from_theme and _HASHED.search(dest_uri):
        return dest_uri
    stat = source.stat()
    key = (str(source), stat.st_mtime_ns, stat.st_size, dest_uri)
    if key not in _names:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
        stem, dot, extension = dest_uri.rpartition(".")
        _names[key] = f"{stem}.{digest}.{extension}" if dot else f"{dest_uri}.{digest}"
    return _names[key]


def _store(source: Path, target: Path) -> None:
    """Copy `source` to `target` atomically, unless it is there already (same name, same bytes)."""
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    os.close(fd)
    shutil.copyfile(source, temporary)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)            # two workers racing write identical content


@contextlib.contextmanager
def store_lock(store: Path, exclusive: bool = False):
    """Yields whether the lock was taken: a shared one waits for it, an exclusive one does not
    (the clean-up is skipped rather than wait for another build to finish).

    filelock's reader/writer lock works on Linux, macOS and Windows alike (fcntl exists only on
    Unix). Each use is its own lock (not the per-path singleton), so that a hold taken in this
    process, or another thread, counts against the clean-up like one taken in another process."""
    Path(store).mkdir(parents=True, exist_ok=True)
    lock = ReadWriteLock(Path(store) / LOCK_FILE, is_singleton=False)
    try:
        try:
            if exclusive:
                lock.acquire_write(blocking=False)
            else:
                lock.acquire_read()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
    finally:
        lock.close()


def _shown(path: Path, config) -> str:
    """`path` as the user knows it: relative to the project (the config file's folder)."""
    project = Path(config.config_file_path or ".").resolve().parent
    return path.resolve().relative_to(project).as_posix() if path.resolve().is_relative_to(project) else str(path)


class _Depth(c.Type):
    def __init__(self):
        super().__init__(int, default=1)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"must be a whole number of at least 1 (how many folders the "
                                  f"site lies below the store), not {value!r}")
        return value


class SharedAssetsConfig(base.Config):
    store = c.Dir(exists=False)     # required; relative to the config file's folder
    depth = _Depth()
    drop_404 = c.Type(bool, default=True)


class SharedAssets(BasePlugin[SharedAssetsConfig]):
    """Keeps the site's `assets/` in `<store>/shared-assets/` and points the pages there; the
    site itself is `depth` folders below `store`.

    From a config file, mkdocs makes and configures it; in code,
    `SharedAssets(store, depth=…)` gives one ready to add to `config.plugins`.
    """

    def __init__(self, store: Path | str | None = None, depth: int = 1, drop_404: bool = True):
        super().__init__()
        self.names: dict[str, str] = {}      # assets/policy.css -> assets/policy.<hash>.css
        self._links: re.Pattern | None = None
        if store is not None:
            errors, _ = self.load_config({"store": str(store), "depth": depth, "drop_404": drop_404})
            if errors:
                raise PolicyError([Problem(str(store), f"cannot keep the shared assets here: {error}; "
                                           "choose another output folder" if key == "store" else
                                           f"the shared-assets plugin's option is wrong: {error}", key)
                                   for key, error in errors])

    @property
    def store(self) -> Path:
        return Path(self.config.store)

    @property
    def shared_paths(self) -> list[str]:
        """The shared files this site uses, relative to the store."""
        return sorted(f"{SHARED_ASSETS}/{name}" for name in self.names.values())

    def on_config(self, config):
        if self.config.drop_404:        # not rendered at all rather than rendered and removed
            config.theme.static_templates.discard("404.html")
        return config

    @event_priority(-50)    # after the hooks and plugins that drop files (source maps, …)
    def on_files(self, files, config):
        self.names = {}
        ours = [Path(folder).resolve() for folder in (config.docs_dir, config.theme.custom_dir) if folder]
        assets = self._assets(files)
        unplain = [Problem(_shown(Path(f.abs_src_path), config), "rename it using only letters, digits, "
                           "'.', '-' and '_' (no spaces or accents): every school's pages link to "
                           "this file under its name as it is") for f in assets
                   if not _PLAIN_NAME.fullmatch(f.dest_uri)]
        if unplain:
            raise PolicyError(unplain)
        for file in assets:
            source = Path(file.abs_src_path)
            from_theme = not any(source.resolve().is_relative_to(folder) for folder in ours)
            self.names[file.dest_uri] = name = shared_name(source, file.dest_uri, from_theme=from_theme)
            _store(source, self.store / SHARED_ASSETS / name)
        self._links = None
        if self.names:
            # A link is a whole attribute value or url(): a quote or bracket before it, and a
            # quote, bracket, query or fragment after it.
            alternatives = "|".join(map(re.escape, sorted(self.names, key=len, reverse=True)))
            self._links = re.compile(r"""(?<=["'(=])((?:\.\./)*)(%s)(?=["')?#])""" % alternatives)
        return files

    @staticmethod
    def _assets(files) -> list:
        return [f for f in files if f.dest_uri.startswith(ASSETS_PREFIX) and not f.is_documentation_page()]

    def on_env(self, env, config, files):
        """The stored files are not copied into the site. They leave the file list only now,
        after the pages were converted, so a page's link to one (a form in docs/assets/, say)
        still finds its target, and is then pointed at the shared copy like any other."""
        for file in self._assets(files):
            files.remove(file)
        return env

    def _rewrite(self, html: str) -> str:
        if self._links is None:
            return html
        up = "../" * self.config.depth
        return self._links.sub(lambda m: f"{m[1]}{up}{SHARED_ASSETS}/{self.names[m[2]]}", html)

    def on_post_page(self, output, page, config):
        return self._rewrite(output)

    def on_post_template(self, output_content, template_name, config):
        return self._rewrite(output_content) if template_name.endswith(".html") else output_content
