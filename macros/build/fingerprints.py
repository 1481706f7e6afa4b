"""Content fingerprints for incremental builds.

A school's site depends on its own file and on everything shared by all schools: the model
text (docs/), the theme overrides, mkdocs.yml, the builder's own source (macros/) and the
installed versions of the packages that render it. The fingerprint is a SHA-256 over all of
that; it is written into the built site (`.policy-fingerprint`) in the same atomic move as
the site itself, so a fingerprint never describes a half-built or older site.
"""
from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from macros.paths import PACKAGE_DIR

FINGERPRINT_FILE = ".policy-fingerprint"
PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "Markdown", "pymdown-extensions",
            "Jinja2", "Pygments", "pydantic", "PyYAML")
MACROS_DIR = PACKAGE_DIR
SKIP_PARTS = {"__pycache__"}


def _versions() -> dict[str, str]:
    found = {"python": "%d.%d" % sys.version_info[:2]}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    return found


def _hash_tree(digest, root: Path, label: str) -> None:
    if not root.exists():
        digest.update(f"{label}: missing\n".encode())
        return
    files = [p for p in root.rglob("*") if p.is_file() and not SKIP_PARTS & set(p.parts)
             and not p.name.endswith((".pyc", ".pyo"))]
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(f"{label}/{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def shared_fingerprint(config_file: Path, options: dict | None = None) -> str:
    """Everything every school's site depends on, as one hex digest (computed once per run)."""
    config_file = Path(config_file).resolve()
    project = config_file.parent
    digest = hashlib.sha256()
    digest.update(b"policy-site-fingerprint v1\n")
    digest.update(json.dumps({"versions": _versions(), "options": options or {}},
                             sort_keys=True).encode())
    digest.update(b"mkdocs.yml\0" + hashlib.sha256(config_file.read_bytes()).digest())
    _hash_tree(digest, project / "docs", "docs")
    _hash_tree(digest, project / "overrides", "overrides")
    _hash_tree(digest, MACROS_DIR, "macros")
    return digest.hexdigest()


def school_fingerprint(school_file: Path, shared: str) -> str:
    digest = hashlib.sha256(shared.encode())
    digest.update(b"\0school\0")
    digest.update(Path(school_file).read_bytes())
    return digest.hexdigest()


def stored_fingerprint(site_dir: Path) -> tuple[str | None, list[str]]:
    """The fingerprint a built site was stored with, and the shared asset paths (relative to
    the output folder) it uses; (None, []) when it has none."""
    try:
        fingerprint, *shared = (Path(site_dir) / FINGERPRINT_FILE).read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError, ValueError):
        return None, []
    return fingerprint, shared


def write_fingerprint(site_dir: Path, fingerprint: str, shared_assets: list[str]) -> None:
    text = "\n".join([fingerprint, *sorted(shared_assets)]) + "\n"
    # Written into the staging folder, it is swapped in with the site, whole (files.building_dir).
    (Path(site_dir) / FINGERPRINT_FILE).write_text(text, encoding="ascii")
