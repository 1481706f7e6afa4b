"""The platform: mkdocs 1.6.1, or ProperDocs (its continuation) in its place where installed.

`make test` runs this suite on mkdocs, `make test-properdocs` on ProperDocs (README,
"Platform"). In both, every seed school built by `policy build` must be byte-identical to a
plain `mkdocs build` by mkdocs 1.6.1 itself (which material and mkdocs-macros install in
either case), so a move to ProperDocs changes no published byte.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from macros import platform
from macros.build.builder import build_many
from macros.build.fingerprints import FINGERPRINT_FILE
from macros.build.landing import SUMMARY_FILE
from macros.paths import PROJECT_DIR

SEED_SCHOOLS = ["st-josephs", "westfield", "hartsfield", "dacorum-esc"]
BIN = Path(sys.executable).parent


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_platform_is_properdocs_exactly_where_it_is_installed():
    installed = importlib.util.find_spec("properdocs") is not None
    import mkdocs
    assert (platform.name(), mkdocs.__name__) == (("properdocs",) * 2 if installed else ("mkdocs",) * 2)


@pytest.fixture(scope="module")
def plain_mkdocs_sites(tmp_path_factory) -> Path:
    """Each seed school built by the `mkdocs` command of mkdocs 1.6.1, two at a time."""
    out = tmp_path_factory.mktemp("plain-mkdocs")
    version = subprocess.run([str(BIN / "mkdocs"), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("mkdocs, version 1.6.1 "), version

    def build(slug: str) -> None:
        subprocess.run([str(BIN / "mkdocs"), "build", "--quiet", "--site-dir", str(out / slug)],
                       cwd=PROJECT_DIR, env=dict(os.environ, SCHOOL=slug, NO_MKDOCS_2_WARNING="1"),
                       check=True, capture_output=True)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(build, SEED_SCHOOLS))
    return out


@pytest.mark.parametrize("slug", SEED_SCHOOLS)
def test_each_seed_school_is_byte_identical_to_plain_mkdocs_1_6_1(slug, plain_mkdocs_sites, tmp_path):
    (result,) = build_many([slug], tmp_path, jobs=1, share_assets=False, force=True)
    assert result.ok, result.message
    built = files(tmp_path / slug)
    assert built.pop(FINGERPRINT_FILE) and built.pop(SUMMARY_FILE)
    expected = files(plain_mkdocs_sites / slug)
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == [], \
        f"{platform.name()}'s `policy build` differs from mkdocs 1.6.1's `mkdocs build`"


def test_the_platform_command_builds_the_same_site(plain_mkdocs_sites, tmp_path):
    """`properdocs build` (or `mkdocs build`), as `policy serve` and mike's publishing run it."""
    command = BIN / platform.name()
    subprocess.run([str(command), "build", "--quiet", "--site-dir", str(tmp_path / "site")], cwd=PROJECT_DIR,
                   env=dict(os.environ, SCHOOL="westfield", NO_MKDOCS_2_WARNING="1"), check=True,
                   capture_output=True)
    assert files(tmp_path / "site") == files(plain_mkdocs_sites / "westfield")
