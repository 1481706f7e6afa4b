"""Shared fixtures: the four seed schools built once, with real mkdocs, for the whole run."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import DATA, PRINT_VARIANT, Project
from macros.build.builder import build_many
from macros.build.landing import write_landing

SEED_SCHOOLS = ["st-josephs", "westfield", "hartsfield", "dacorum-esc"]


@pytest.fixture(scope="session", autouse=True)
def fresh_template_cache(tmp_path_factory):
    """Every test run compiles the theme's templates afresh, as a new machine would."""
    previous = os.environ.get("POLICY_CACHE_DIR")
    os.environ["POLICY_CACHE_DIR"] = str(tmp_path_factory.mktemp("template-cache"))
    yield
    if previous is None:
        os.environ.pop("POLICY_CACHE_DIR", None)
    else:
        os.environ["POLICY_CACHE_DIR"] = previous


def pytest_sessionstart(session):
    """Hypothesis keeps its files (examples, constants) under pytest's temporary folder, not
    in the project's folder: set before any test module is collected."""
    from hypothesis.configuration import set_hypothesis_home_dir

    factory = getattr(session.config, "_tmp_path_factory", None)     # the tmp_path_factory fixture's
    if factory is not None:
        set_hypothesis_home_dir(factory.mktemp("hypothesis"))


@pytest.fixture(scope="session")
def seed_sites(tmp_path_factory) -> Path:
    """A site folder holding every seed school, built as `make site` builds it."""
    out = tmp_path_factory.mktemp("site")
    results = build_many(SEED_SCHOOLS, out, jobs=2)
    failed = [f"{r.slug}: {r.message}" for r in results if not r.ok]
    assert not failed, "seed schools failed to build:\n" + "\n".join(failed)
    write_landing(out)
    return out


@pytest.fixture(scope="session")
def variant_site(tmp_path_factory) -> Path:
    """tests/data/print-variant.yml built alone, as `policy build` builds it."""
    root = tmp_path_factory.mktemp("variant")
    (root / "schools").mkdir()
    shutil.copy(DATA / f"{PRINT_VARIANT}.yml", root / "schools" / f"{PRINT_VARIANT}.yml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        result = build_many([PRINT_VARIANT], root / "out", jobs=1)[0]
    assert result.ok, result.message
    return root / "out"


@pytest.fixture
def project(tmp_path) -> Project:
    """A copy of the project a test may edit, with `policy` and `mkdocs` run in it."""
    return Project.copy_to(tmp_path / "project")
