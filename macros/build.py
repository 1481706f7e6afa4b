"""Building school sites with mkdocs: one school at a time, atomically, many in parallel.

A school's site is written to a temporary folder beside its destination and moved into
place only when complete, so a failed build leaves the previous good site untouched.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import PolicyError, Problem
from .loader import load_school, school_path
from .model import MKDOCS_YML, load_model

# Theme files a reader never needs: source maps, and search languages other than English.
PRUNE_GLOBS = ("**/*.map",)
PRUNE_DIRS = ("assets/javascripts/lunr",)


@dataclass
class BuildResult:
    slug: str
    ok: bool
    message: str = ""
    seconds: float = 0.0


def _run_mkdocs(slug: str, site_dir: Path, config_file: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ["SCHOOL"] = slug
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        config = load_config(str(config_file), site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except PolicyError:
        raise
    except MkDocsException as error:
        raise PolicyError(Problem(f"schools/{slug}.yml", f"the site did not build: {error}")) from None
    except SystemExit:
        raise PolicyError(Problem(f"schools/{slug}.yml", "the model text failed to render for this "
                                  "school (see the message above)")) from None


def _prune(site_dir: Path) -> None:
    for pattern in PRUNE_GLOBS:
        for path in site_dir.glob(pattern):
            path.unlink()
    for folder in PRUNE_DIRS:
        shutil.rmtree(site_dir / folder, ignore_errors=True)


def _swap_into_place(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
        os.rename(target, old / "site")
    os.rename(new, target)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def build_school(slug: str, out_dir: Path, config_file: Path = MKDOCS_YML) -> Path:
    """Validate and build one school into `out_dir/slug`; raise PolicyError if it cannot."""
    load_school(school_path(slug), load_model())
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".building-{slug}-", dir=out_dir))
    try:
        _run_mkdocs(slug, staging, config_file)
        _prune(staging)
        _swap_into_place(staging, out_dir / slug)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return out_dir / slug


def _build_one(slug: str, out_dir: Path) -> BuildResult:
    started = time.perf_counter()
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        build_school(slug, out_dir)
    except PolicyError as error:
        return BuildResult(slug, False, str(error), time.perf_counter() - started)
    return BuildResult(slug, True, "", time.perf_counter() - started)


def build_many(slugs: list[str], out_dir: Path, jobs: int = 1) -> list[BuildResult]:
    """Build several schools; one school's failure never stops the others."""
    if jobs <= 1 or len(slugs) <= 1:
        return [_build_one(slug, out_dir) for slug in slugs]
    with ProcessPoolExecutor(max_workers=min(jobs, len(slugs))) as pool:
        return list(pool.map(_build_one, slugs, [out_dir] * len(slugs)))
