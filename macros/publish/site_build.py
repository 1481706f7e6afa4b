"""Building schools' sites for the pages branch, with the batch builder, into releases.

The sites are built by `macros.build.builder.build_many` (one process per core, the fast
path's caches) from a copy of mkdocs.yml with two changes:

- material's version selector is on (`extra.version.provider: mike`): every page reads its
  school's `versions.json` on the branch at runtime, so a reader of an older version sees
  the list of versions and a notice that a newer one exists (`extra.version.default`, the
  alias, with the `outdated` block of overrides/main.html), even for versions published
  before the newer one;
- the shared-assets plugin stores the static assets for `shared-assets/` at the top of the
  branch (`depth: 2`, since a version is `SLUG/VERSION/`), into the folder named by the
  environment variable POLICY_PUBLISH_STORE, so the file's content does not depend on the
  run: it is written once beside mkdocs.yml (relative paths in it stay right), named after
  its content, and shared by every publish.

Each site's files are then written into git as blobs, in one process for the whole batch.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import time
from pathlib import Path

import yaml

from macros.build.builder import build_many
from macros.build.fingerprints import school_fingerprint, shared_fingerprint
from macros.errors import PolicyError, Problem
from macros.files import atomic_write_text
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS, SHARED_PLUGIN
from macros.paths import MKDOCS_YML
from macros.publish.git import BlobWriter
from macros.publish.release import Batch, Release
from macros.publish.version_history import VersionRecord
from macros.school.loader import load_school, school_path

STORE_VARIABLE = "POLICY_PUBLISH_STORE"
CONFIG_PREFIX = ".mkdocs-publish-"
# Part of every published version's fingerprint: a change to how versions are built for the
# branch (this file) republishes every school.
PUBLISH_FORMAT = 2
_STORE_MARK = "@@store@@"


def publish_options(alias: str | None) -> dict:
    return {"publish": PUBLISH_FORMAT, "alias": alias or ""}


def publish_config(alias: str | None) -> Path:
    """The copy of mkdocs.yml that builds versions for the branch; see the module docstring."""
    from mike.mkdocs_utils import RoundTripLoader

    config = yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=RoundTripLoader)
    extra = config.get("extra") or {}
    extra["version"] = {"provider": "mike", "alias": True, **({"default": alias} if alias else {})}
    config["extra"] = extra
    plugins = [p for p in (config.get("plugins") or ["search"]) if p != "mike"]
    plugins.append({SHARED_PLUGIN: {"store": _STORE_MARK, "depth": 2}})
    config["plugins"] = plugins
    text = yaml.dump(config, sort_keys=False, allow_unicode=True)
    text = re.sub(r"""['"]?%s['"]?""" % re.escape(_STORE_MARK), f"!ENV {STORE_VARIABLE}", text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = MKDOCS_YML.parent / f"{CONFIG_PREFIX}{digest}.yml"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        atomic_write_text(path, text)
    else:
        os.utime(path)              # in use: not stale
    _remove_stale_configs(path)
    return path


def _remove_stale_configs(current: Path, age: float = 3600.0) -> None:
    """Copies made from an earlier mkdocs.yml, unused for an hour."""
    for old in current.parent.glob(f"{CONFIG_PREFIX}*.yml"):
        with contextlib.suppress(OSError):
            if old != current and time.time() - old.stat().st_mtime > age:
                old.unlink()


def fingerprints(slugs: list[str], alias: str | None) -> dict[str, str]:
    """What each school's published version is built from (its file and everything shared)."""
    shared = shared_fingerprint(MKDOCS_YML, publish_options(alias))
    return {slug: school_fingerprint(school_path(slug), shared) for slug in slugs}


def build_batch(slugs: list[str], versions: dict[str, str], alias: str | None, scratch: Path,
                blobs: BlobWriter, jobs: int, now: dt.datetime) -> tuple[Batch, list[Problem]]:
    """Build `slugs` (as `versions[slug]`) and write their files into git: a batch of
    releases, and a problem for each school that did not build (the others still go)."""
    from macros.model.model import load_model

    model = load_model()
    config = publish_config(alias)
    sites, store = scratch / "sites", scratch / "store"
    store.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get(STORE_VARIABLE)
    os.environ[STORE_VARIABLE] = str(store)
    try:
        results = build_many(slugs, sites, max(1, jobs), force=True, share_assets=False,
                             config_file=config)
    finally:
        if previous is None:
            os.environ.pop(STORE_VARIABLE, None)
        else:
            os.environ[STORE_VARIABLE] = previous
    problems = [Problem(f"schools/{r.slug}.yml", _first_line(r.message)) for r in results if not r.ok]
    built = [r.slug for r in results if r.ok]
    prints = fingerprints(built, alias)
    layouts: dict[str, list[str]] = {}
    for slug in built:
        site = sites / slug
        files = sorted(p for p in site.rglob("*") if p.is_file()
                       and not p.relative_to(site).as_posix().startswith("."))
        layouts[slug] = [p.relative_to(site).as_posix() for p in files]
        for path, file in zip(layouts[slug], files):
            blobs.file(f"{slug}/{path}", file)
    for file in sorted(p for p in (store / SHARED_ASSETS).rglob("*") if p.is_file()):
        blobs.file(file.relative_to(store).as_posix(), file)
    written = blobs.write()
    batch = Batch(shared={p: e for p, e in written.items() if p.startswith(f"{SHARED_ASSETS}/")})
    stamp = now.replace(microsecond=0).isoformat()
    for slug in built:
        school = load_school(school_path(slug), model)
        record = VersionRecord(version=versions[slug], ratified=school.dates.ratified.start,
                               ratified_text=str(school.dates.ratified),
                               next_review=school.dates.next_review.end,
                               next_review_text=str(school.dates.next_review),
                               model=model.version_label, published=stamp)
        site = {path: written[f"{slug}/{path}"] for path in layouts[slug]}
        batch.releases.append(Release(slug, versions[slug], alias, site,
                                      dict(record.to_json(), school=school.school.name,
                                           fingerprint=prints[slug])))
    return batch, problems


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = lines[0] if lines else "the site did not build"
    prefix = re.match(r"^schools/[^:]+\.yml: ", text)
    return text[prefix.end():] if prefix else text


def require_plugin() -> None:
    from importlib.metadata import entry_points

    if not entry_points(group="mkdocs.plugins", name=SHARED_PLUGIN):
        raise PolicyError(Problem("policy publish", f"the mkdocs plugin '{SHARED_PLUGIN}' is not "
                                  "installed, so the pages could not share their assets; install "
                                  "the project again with `make .venv/bin/policy`, then publish"))
