"""One copy of the static assets for many school sites built into one folder.

Every school's site carries the same static files under `assets/`: material's bundles
(~300 KB), our stylesheet and scripts, the favicon. When schools are built into one folder
(`policy build` without `--standalone`), they are published together, so each file is kept
once in `<out>/shared-assets/` and every page points there.

This is an mkdocs plugin that `macros/build.py` adds to a school's build, so the work happens
inside the build rather than after it: the files are never copied into the school's folder
(on_files), and each page's links are rewritten as the page is written (on_post_page).

A shared file's name holds a hash of its content (material's bundles already carry one), so
a changed stylesheet gets a new name and never replaces the copy that sites built earlier
still use; a file already in the shared folder is never rewritten.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from mkdocs.plugins import BasePlugin

SHARED_ASSETS = "shared-assets"
ASSETS_PREFIX = "assets/"
# material's own bundles carry a hash of their content in their names.
_HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:css|js)$")
# Kept per process: the source files are the same for every school of a batch.
_names: dict[tuple, str] = {}


def shared_name(source: Path, dest_uri: str) -> str:
    """`dest_uri` with a hash of `source`'s content before its extension (unless it has one)."""
    if _HASHED.search(dest_uri):
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


class SharedAssets(BasePlugin):
    """Keeps the site's `assets/` in `<out_dir>/shared-assets/` and points the pages there;
    the site itself is one folder below `out_dir`."""

    def __init__(self, out_dir: Path):
        super().__init__()
        self.out_dir = Path(out_dir)
        self.names: dict[str, str] = {}      # assets/policy.css -> assets/policy.<hash>.css
        self._links: re.Pattern | None = None

    @property
    def shared_paths(self) -> list[str]:
        """The shared files this site uses, relative to `out_dir`."""
        return sorted(f"{SHARED_ASSETS}/{name}" for name in self.names.values())

    def on_files(self, files, config):
        for file in [f for f in files if f.dest_uri.startswith(ASSETS_PREFIX) and not f.is_documentation_page()]:
            source = Path(file.abs_src_path)
            self.names[file.dest_uri] = name = shared_name(source, file.dest_uri)
            _store(source, self.out_dir / SHARED_ASSETS / name)
            files.remove(file)
        if self.names:
            # A link is a whole attribute value or url(): a quote or bracket before it, and a
            # quote, bracket, query or fragment after it.
            alternatives = "|".join(map(re.escape, sorted(self.names, key=len, reverse=True)))
            self._links = re.compile(r"""(?<=["'(=])((?:\.\./)*)(%s)(?=["')?#])""" % alternatives)
        return files

    def _rewrite(self, html: str) -> str:
        if self._links is None:
            return html
        return self._links.sub(lambda m: f"{m[1]}../{SHARED_ASSETS}/{self.names[m[2]]}", html)

    def on_post_page(self, output, page, config):
        return self._rewrite(output)

    def on_post_template(self, output_content, template_name, config):
        return self._rewrite(output_content) if template_name.endswith(".html") else output_content
