"""Building school sites with mkdocs: one school at a time, atomically, many in parallel.

A school's site is written to a temporary folder beside its destination and moved into
place only when complete, so a failed build leaves the previous good site untouched.

Many schools are a batch job, not N cold starts: each worker process loads mkdocs, the
theme and the plugins once and keeps the expensive, school-independent parts between
builds (macros/patches.py); workers take batches of schools. A school whose inputs have
not changed since its site was built (macros/fingerprint.py) is skipped unless forced.

When several schools are built into one folder, the static assets (material's bundles,
our stylesheet and scripts: the same files for every school) are stored once in
`<out>/shared-assets/` and the pages point there (macros/shared_assets.py); everything else
in a school's folder (its pages and search index) is its own.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import sys
import time
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from macros import files, platform
from macros.mkdocs_glue import patches
from macros.errors import PolicyError, Problem
from macros.stops import Terminated
from macros.build.fingerprints import school_fingerprint, shared_fingerprint, stored_fingerprint, write_fingerprint
from macros.build.landing import readable_school_file, write_summary
from macros.build.workers import WorkerPool
from macros.school.loader import load_school, school_path
from macros.mkdocs_glue.plugin import policy_plugin
from macros.mkdocs_glue.reporting import PolicyPluginError
from macros.mkdocs_glue.shared_assets import (SHARED_ASSETS, SHARED_PLUGIN, SharedAssets,
                                              refuse_shared_folder_name, store_lock)
from macros.paths import MKDOCS_YML
from macros.model.model import load_model


@dataclass
class BuildResult:
    slug: str
    ok: bool
    message: str = ""
    seconds: float = 0.0
    skipped: bool = False          # inputs unchanged since the site in place was built
    peak_rss_kb: int = 0           # peak resident memory of the process that built it


def _run_mkdocs(slug: str, site_dir: Path, config_file: Path,
                shared: SharedAssets | None = None, school=None) -> None:
    """Build one school's site with mkdocs into `site_dir`, handing the policy plugin the school
    when it is loaded already; whatever goes wrong comes back as a PolicyError: the plugin's
    own problems, or what mkdocs and mkdocs-macros logged (a broken link, a failed macro)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    fast = patches.install()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    plugin = None
    try:
        config = load_config(str(config_file), site_dir=str(site_dir))
        plugin = policy_plugin(config)
        plugin.hand_in(slug, school if school is not None else load_school(school_path(slug), load_model()))
        if shared is not None:
            config.plugins[SHARED_PLUGIN] = shared
        if fast:
            patches.mark_config(config)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except PolicyPluginError as error:
        raise PolicyError(error.problems) from None
    except Terminated:
        raise                           # a SIGTERM, not this school's failure (macros/stops.py)
    except (MkDocsException, SystemExit) as error:
        problems = plugin.problems() if plugin is not None else []
        raise PolicyError(problems or [Problem(f"schools/{slug}.yml", f"the site did not build: {error}")]) from None
    for problem in plugin.problems():        # warnings of a build that is not strict
        print(f"warning: {slug}: {problem}", file=sys.stderr)


# --- One school ------------------------------------------------------------------------

def build_school(slug: str, out_dir: Path, config_file: Path = MKDOCS_YML, *,
                 share_assets: bool = False, fingerprint: str | None = None) -> Path:
    """Validate and build one school into `out_dir/slug`; raise PolicyError if it cannot.

    With `share_assets`, the static assets go to `out_dir/shared-assets/` (see above), and the
    school's own `404.html` is left out (GitHub Pages serves only the one at the root of what
    it publishes). `fingerprint`, when given, is stored in the site for incremental builds.
    Every site gets a small summary (`.policy-summary.json`) the landing page reads instead of
    re-loading the school.
    """
    school_file = readable_school_file(slug)
    refuse_shared_folder_name(slug, f"schools/{slug}.yml", "that folder")
    school = load_school(school_file, load_model())
    out_dir = files.ensure_folder(out_dir, "output folder")
    target = out_dir / slug
    files.recover_dir(target)
    # The shared files this build stores must outlive a clean-up by another run until the
    # site that uses them is in place.
    try:
        with store_lock(out_dir) if share_assets else contextlib.nullcontext():
            with files.building_dir(target) as staging:
                shared = SharedAssets(out_dir) if share_assets else None
                _run_mkdocs(slug, staging, Path(config_file), shared=shared, school=school)
                write_summary(staging, school, school_file)
                if fingerprint:
                    write_fingerprint(staging, fingerprint, shared.shared_paths if shared else [])
    except OSError as error:
        kept = "the previous site is unchanged" if target.is_dir() else "no site was written"
        raise PolicyError(Problem(f"schools/{slug}.yml", f"the site could not be written to "
                                  f"{files.shown(Path(error.filename or target))}: "
                                  f"{files.describe(error)} ({kept})")) from None
    return target


def _peak_rss_kb() -> int:
    """For `make bench`; 0 on Windows, which has no `resource` module."""
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _build_one(slug: str, out_dir: Path, config_file: Path = MKDOCS_YML, share_assets: bool = False,
               fingerprint: str | None = None) -> BuildResult:
    started = time.perf_counter()
    for logger in {"mkdocs", platform.name()}:     # ProperDocs logs as `properdocs.*`
        logging.getLogger(logger).setLevel(logging.WARNING)
    try:
        build_school(slug, out_dir, config_file, share_assets=share_assets, fingerprint=fingerprint)
    except PolicyError as error:
        return BuildResult(slug, False, str(error), time.perf_counter() - started, peak_rss_kb=_peak_rss_kb())
    except Exception as error:  # noqa: BLE001 — one school's crash must not stop the others
        return BuildResult(slug, False, f"schools/{slug}.yml: the builder failed unexpectedly: "
                           f"{type(error).__name__}: {error}", time.perf_counter() - started,
                           peak_rss_kb=_peak_rss_kb())
    return BuildResult(slug, True, "", time.perf_counter() - started, peak_rss_kb=_peak_rss_kb())


def _build_batch(batch: list[tuple[str, str | None]], out_dir: Path, config_file: Path,
                 share_assets: bool) -> list[BuildResult]:
    """A worker's share: several schools in one process, reusing the caches between them."""
    return [_build_one(slug, out_dir, config_file, share_assets, fingerprint)
            for slug, fingerprint in batch]


# --- Many schools ----------------------------------------------------------------------

def _is_current(slug: str, out_dir: Path, fingerprint: str) -> bool:
    site = out_dir / slug
    stored, shared = stored_fingerprint(site)
    if stored != fingerprint or not (site / "index.html").is_file():
        return False
    return all((out_dir / name).is_file() for name in shared)


def _fingerprints(slugs: Iterable[str], config_file: Path, share_assets: bool) -> dict[str, str | None]:
    shared = shared_fingerprint(config_file, {"share_assets": share_assets})
    found: dict[str, str | None] = {}
    for slug in slugs:
        try:
            found[slug] = school_fingerprint(readable_school_file(slug), shared)
        except (PolicyError, OSError):
            found[slug] = None      # the build reports the problem
    return found


def _batches(items: list, jobs: int) -> list[list]:
    """Contiguous batches, at least eight per worker and at most eight schools each, so no
    worker is left with a long batch while the others have finished (a school takes about
    a tenth of a second of CPU; handing over a batch costs a millisecond)."""
    size = max(1, min(8, math.ceil(len(items) / (jobs * 8))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def build_many(slugs: list[str], out_dir: Path, jobs: int = 1, *, force: bool = False,
               share_assets: bool = True, config_file: Path = MKDOCS_YML,
               progress: Callable[[BuildResult], None] | None = None) -> list[BuildResult]:
    """Build several schools; one school's failure never stops the others.

    Schools whose fingerprint matches the site in place are skipped (`skipped=True`)
    unless `force`. Results come back in the order of `slugs`.
    """
    out_dir = files.ensure_folder(out_dir, "output folder")
    files.recover(out_dir)          # what a killed run left: a swap cut short, staged folders
    try:
        results = _build_all(slugs, out_dir, jobs, force, share_assets, Path(config_file), progress)
    except BaseException:
        files.recover(out_dir)      # stopped (Ctrl-C): nothing half-built stays behind
        raise
    return [results[slug] for slug in slugs]


def _build_all(slugs: list[str], out_dir: Path, jobs: int, force: bool, share_assets: bool,
               config_file: Path, progress: Callable[[BuildResult], None] | None) -> dict[str, BuildResult]:
    fingerprints = _fingerprints(slugs, config_file, share_assets)
    results: dict[str, BuildResult] = {}
    todo: list[tuple[str, str | None]] = []
    for slug in slugs:
        fingerprint = fingerprints[slug]
        if not force and fingerprint and _is_current(slug, out_dir, fingerprint):
            results[slug] = BuildResult(slug, True, "unchanged", 0.0, skipped=True)
            if progress:
                progress(results[slug])
        else:
            todo.append((slug, fingerprint))

    def collect(batch_results: list[BuildResult]) -> None:
        for result in batch_results:
            results[result.slug] = result
            if progress:
                progress(result)

    if jobs <= 1 or len(todo) <= 1:
        for item in todo:
            collect(_build_batch([item], out_dir, config_file, share_assets))
    else:
        with WorkerPool(min(jobs, len(todo))) as pool:
            futures = pool.submit_all(_build_batch, [(batch, out_dir, config_file, share_assets)
                                                     for batch in _batches(todo, pool.workers)])
            for future in as_completed(futures):
                try:
                    collect(future.result())
                except Exception as error:  # noqa: BLE001 — a worker died: report its schools
                    collect([BuildResult(slug, False, f"schools/{slug}.yml: the build worker failed: "
                                         f"{type(error).__name__}: {error}") for slug, _ in futures[future][0]])
    if share_assets:
        remove_unused_shared(out_dir, fingerprints)
    return results


def remove_unused_shared(out_dir: Path, fingerprints: dict[str, str | None]) -> list[str]:
    """Delete the shared files no site in `out_dir` uses any more (an edited stylesheet leaves
    its old copy behind), so the folder does not grow with every change; returns their paths.

    Only when every site folder there is one of `fingerprints`' schools, built from the inputs
    as they are now: then each site's fingerprint file lists every shared file it uses. With
    any other folder there (another school, a site built before a change), nothing is deleted.
    """
    store = out_dir / SHARED_ASSETS
    if not store.is_dir():
        return []
    with store_lock(out_dir, exclusive=True) as alone:
        if not alone:               # another build is writing here: its files may be new
            return []
        _remove_stray_temporaries(store)
        used: set[str] = set()
        for site in out_dir.iterdir():
            if not site.is_dir() or site.name == SHARED_ASSETS or site.name.startswith("."):
                continue
            stored, shared = stored_fingerprint(site)
            if stored is None or stored != fingerprints.get(site.name):
                return []
            used.update(shared)
        unused = sorted(path.relative_to(out_dir).as_posix() for path in store.rglob("*")
                        if path.is_file() and path.relative_to(out_dir).as_posix() not in used)
        for name in unused:
            (out_dir / name).unlink()
    return unused


def _remove_stray_temporaries(store: Path) -> None:
    """Half-copied shared files of a killed build (no build is writing: the lock is ours)."""
    for path in store.rglob(".*"):
        if path.is_file() and path.name.startswith((".tmp-", files.STAGING_PREFIX)):
            path.unlink(missing_ok=True)


def site_bytes(site: Path) -> int:
    """Bytes of every file in a built site (what a school-version costs on the pages branch)."""
    return sum(p.stat().st_size for p in Path(site).rglob("*") if p.is_file())


def tree_digest(site: Path) -> str:
    """One digest of a site's files and contents (for comparing two builds)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(site).rglob("*") if p.is_file()):
        digest.update(path.relative_to(site).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
