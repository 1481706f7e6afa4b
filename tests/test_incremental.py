"""Incremental builds: a school is rebuilt only when its inputs change."""
from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from macros.build.builder import build_many
from macros.build.fingerprints import FINGERPRINT_FILE, school_fingerprint, shared_fingerprint
from macros.paths import MKDOCS_YML, PROJECT_DIR, SCHOOLS_DIR
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS, store_lock

SEED = SCHOOLS_DIR / "st-josephs.yml"
SLUGS = ["alpha", "bravo", "charlie"]


@pytest.fixture
def schools_dir(tmp_path, monkeypatch):
    folder = tmp_path / "schools"
    folder.mkdir()
    for slug in SLUGS:
        shutil.copy(SEED, folder / f"{slug}.yml")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(folder))
    return folder


def test_only_the_edited_school_is_rebuilt(tmp_path, schools_dir):
    out = tmp_path / "out"
    first = build_many(SLUGS, out, jobs=2)
    assert [r.ok and not r.skipped for r in first] == [True] * 3, [r.message for r in first]
    assert all((out / slug / FINGERPRINT_FILE).is_file() for slug in SLUGS)

    again = build_many(SLUGS, out, jobs=2)
    assert [r.skipped for r in again] == [True] * 3

    edited = schools_dir / "bravo.yml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# reviewed by governors\n", encoding="utf-8")
    stamp = {slug: (out / slug / "index.html").stat().st_mtime_ns for slug in SLUGS}
    after_edit = build_many(SLUGS, out, jobs=2)
    assert {r.slug: r.skipped for r in after_edit} == {"alpha": True, "bravo": False, "charlie": True}
    assert all(r.ok for r in after_edit)
    assert (out / "alpha/index.html").stat().st_mtime_ns == stamp["alpha"]
    assert (out / "bravo/index.html").stat().st_mtime_ns != stamp["bravo"]

    forced = build_many(SLUGS, out, jobs=2, force=True)
    assert [r.ok and not r.skipped for r in forced] == [True] * 3


def test_a_missing_site_or_shared_asset_is_rebuilt(tmp_path, schools_dir):
    out = tmp_path / "out"
    assert all(r.ok for r in build_many(SLUGS[:2], out, jobs=1))
    shutil.rmtree(out / "alpha")
    shutil.rmtree(out / "shared-assets")
    results = build_many(SLUGS[:2], out, jobs=1)
    assert [r.skipped for r in results] == [False, False]
    assert (out / "shared-assets").is_dir()


def test_fingerprint_covers_the_school_file_and_the_build_mode(tmp_path, schools_dir):
    shared = shared_fingerprint(MKDOCS_YML, {"share_assets": True})
    assert shared == shared_fingerprint(MKDOCS_YML, {"share_assets": True})
    assert shared != shared_fingerprint(MKDOCS_YML, {"share_assets": False})
    school = schools_dir / "alpha.yml"
    before = school_fingerprint(school, shared)
    school.write_text(school.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert school_fingerprint(school, shared) != before


def _shared_files(out) -> set[str]:
    return {p.relative_to(out).as_posix() for p in (out / SHARED_ASSETS).rglob("*") if p.is_file()}


def test_shared_files_no_site_uses_are_removed(tmp_path, schools_dir):
    out = tmp_path / "out"
    assert all(r.ok for r in build_many(SLUGS[:2], out, jobs=1))
    used = _shared_files(out)
    old = out / SHARED_ASSETS / "assets/policy.00000000.css"     # as an edited stylesheet leaves
    old.write_text("body {}\n", encoding="utf-8")
    again = build_many(SLUGS[:2], out, jobs=1)
    assert [r.skipped for r in again] == [True, True]
    assert not old.exists()
    assert _shared_files(out) == used
    assert all(r.skipped for r in build_many(SLUGS[:2], out, jobs=1)), "a file a site uses was removed"


def test_shared_files_stay_while_a_site_there_is_not_current(tmp_path, schools_dir):
    """A school left out of this build, or a folder the builder did not make, may use them."""
    out = tmp_path / "out"
    assert all(r.ok for r in build_many(SLUGS, out, jobs=1))
    old = out / SHARED_ASSETS / "assets/policy.00000000.css"
    old.write_text("body {}\n", encoding="utf-8")
    build_many(SLUGS[:2], out, jobs=1)
    assert old.exists()
    (out / "charlie").rename(out / "someone-elses-site")
    build_many(SLUGS[:2], out, jobs=1)
    assert old.exists()


def test_shared_files_stay_while_another_build_writes_there(tmp_path, schools_dir):
    out = tmp_path / "out"
    assert all(r.ok for r in build_many(SLUGS[:2], out, jobs=1))
    old = out / SHARED_ASSETS / "assets/policy.00000000.css"
    old.write_text("body {}\n", encoding="utf-8")
    with store_lock(out):               # as a build in another process holds it
        build_many(SLUGS[:2], out, jobs=1)
        assert old.exists()
    build_many(SLUGS[:2], out, jobs=1)
    assert not old.exists()


def test_a_build_in_another_process_keeps_the_clean_up_away(tmp_path, schools_dir):
    out = tmp_path / "out"
    assert all(r.ok for r in build_many(SLUGS[:2], out, jobs=1))
    old = out / SHARED_ASSETS / "assets/policy.00000000.css"
    old.write_text("body {}\n", encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from macros.mkdocs_glue.shared_assets import store_lock\n"
         f"with store_lock({str(out)!r}):\n    print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=PROJECT_DIR)
    try:
        assert holder.stdout.readline() == "held\n"
        build_many(SLUGS[:2], out, jobs=1)
        assert old.exists()
    finally:
        holder.communicate(timeout=30)
    build_many(SLUGS[:2], out, jobs=1)
    assert not old.exists()


def test_a_clean_up_in_another_process_makes_a_build_wait_for_it(tmp_path):
    """The other way round: a build's shared hold waits while the clean-up deletes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from macros.mkdocs_glue.shared_assets import store_lock\n"
         f"with store_lock({str(tmp_path)!r}, exclusive=True) as alone:\n"
         "    print(alone, flush=True); sys.stdin.readline()\n"
         "print('released', flush=True)"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=PROJECT_DIR)
    try:
        assert holder.stdout.readline() == "True\n"
        waited: list[str] = []
        with ThreadPoolExecutor(1) as pool:
            def build_holds():
                with store_lock(tmp_path) as taken:
                    waited.append(f"taken={taken}")
            pending = pool.submit(build_holds)
            assert not wait([pending], timeout=0.5).done and waited == []   # still waiting
            holder.stdin.write("go\n")
            holder.stdin.flush()
            assert holder.stdout.readline() == "released\n"
            pending.result(timeout=30)
        assert waited == ["taken=True"]
    finally:
        holder.communicate(timeout=30)
