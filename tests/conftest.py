"""Shared fixtures: the four seed schools built once, with real mkdocs, for the whole run."""
from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from filelock import FileLock

from helpers import DATA, PRINT_VARIANT, SEED_SCHOOLS, Project
from macros.build.builder import build_many
from macros.build.landing import write_landing
from macros.paths import MKDOCS_YML, PROJECT_DIR

# Tests started as a background job of a script (`make test &` in a shell script) inherit
# Ctrl-C ignored, and so would every `policy` they start: the Ctrl-C tests need it as a
# terminal delivers it.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

HOOKS = Path(__file__).parent / "hooks"


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


def built_once_for_the_run(tmp_path_factory, name: str, build) -> Path:
    """A folder that `build(folder)` fills, made once for the whole run. Under pytest-xdist
    (`make test`) every worker sets up the session's fixtures itself: the first worker to
    get here builds the folder while the others wait for it, then all of them read it. No
    test writes into it."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent         # the run's folder, above the workers'
    folder, built = shared / name, shared / f"{name}.built"
    with FileLock(shared / f"{name}.lock"):
        if not built.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            built.touch()
    return folder


def _build_seed_sites(out: Path) -> None:
    results = build_many(SEED_SCHOOLS, out, jobs=2)
    failed = [f"{r.slug}: {r.message}" for r in results if not r.ok]
    assert not failed, "seed schools failed to build:\n" + "\n".join(failed)
    write_landing(out)


@pytest.fixture(scope="session")
def seed_sites(tmp_path_factory) -> Path:
    """A site folder holding every seed school, built as `make site` builds it."""
    return built_once_for_the_run(tmp_path_factory, "site", _build_seed_sites)


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


@pytest.fixture(scope="session")
def published_pages(tmp_path_factory) -> Path:
    """The pages publishing writes beside the versions, rendered as `policy publish` renders
    them: the pages branch's landing page (index.html) and a school's history page
    (st-josephs/index.html), for three published versions."""
    import datetime as dt

    from macros.publish.version_history import SchoolEntry, render_history, render_pages_landing
    from version_records import ALL, V3

    out = tmp_path_factory.mktemp("published")
    today = dt.date(2026, 1, 15)
    (out / "index.html").write_text(render_pages_landing(
        [SchoolEntry("st-josephs", "St Joseph's School", V3)], V3.model, today), encoding="utf-8")
    (out / "st-josephs").mkdir()
    (out / "st-josephs" / "index.html").write_text(
        render_history("St Joseph's School", ALL, today), encoding="utf-8")
    return out


@pytest.fixture
def config_with_hook(tmp_path):
    """mkdocs.yml with one more hooks file from tests/hooks/, in a copy of the project's
    sources under tmp_path (mkdocs reads the config's paths from the config file's folder)."""
    project = tmp_path / "project"
    for folder in ("docs", "overrides"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    shutil.copytree(HOOKS, project / "tests" / "hooks")
    (project / "macros").symlink_to(PROJECT_DIR / "macros", target_is_directory=True)

    def make(hook: str) -> Path:
        text = MKDOCS_YML.read_text(encoding="utf-8") + f"\nhooks:\n  - tests/hooks/{hook}\n"
        config = project / f"mkdocs-{Path(hook).stem}.yml"
        config.write_text(text, encoding="utf-8")
        return config

    return make
