"""A build never loses a good site: wherever it is run from, whatever fails, however it is stopped.

Every case runs the real `policy` command in its own process, against school files and output
folders under tmp_path; failures are real (a file-size limit, permissions, symbolic links).
"""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.build.builder import tree_digest
from macros.mkdocs_glue.shared_assets import LOCK_FILE
from macros.paths import PROJECT_DIR
from processes import (NAMESPACE, can_drop_permission_override, file_size_limit, on_a_full_disk, run_policy,
                       school_files, staging_left, start_policy, stop_group, umask,
                       without_permission_override)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file-size limits, modes and signals are POSIX")

LIMIT = "the file is larger than this process may write (a file-size limit, see `ulimit -f`)"
FULL = "the disk is full; free some space and run the command again"
DENIED = "permission denied: this user may not write there; choose another folder or change its permissions"


@pytest.fixture
def schools(tmp_path) -> Path:
    return school_files(tmp_path / "schools", ["st-josephs", "westfield"])


@pytest.fixture(scope="module")
def good_sites(tmp_path_factory) -> Path:
    """Two good sites and a landing page, built once by `policy build`."""
    root = tmp_path_factory.mktemp("good")
    run = run_policy(["build", "--out", "out", "--jobs", "1"], cwd=root,
                     schools=school_files(root / "schools", ["st-josephs", "westfield"]))
    assert run.returncode == 0, run.stderr
    return root / "out"


@pytest.fixture
def built(tmp_path, schools, good_sites) -> Path:
    """The good sites in tmp_path/out, as `policy build` left them."""
    shutil.copytree(good_sites, tmp_path / "out", symlinks=True)
    return tmp_path / "out"


def _digests(out: Path) -> dict[str, str]:
    return {slug: tree_digest(out / slug) for slug in ("st-josephs", "westfield")}


def _landing_items(out: Path) -> list[str]:
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    return [" ".join(item.get_text(" ").split()) for item in soup.select("main li")]


def test_a_relative_out_is_the_folder_of_the_current_directory(tmp_path, schools, built):
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(built, elsewhere / "site")
    project_site = sorted(os.listdir(PROJECT_DIR / "site")) if (PROJECT_DIR / "site").is_dir() else None

    run = run_policy(["build", "westfield", "--out", "site", "--force"], cwd=elsewhere, schools=schools)

    assert (run.returncode, run.stdout, run.stderr) == (0, "built 1 of 1 school sites into site/\n", "")
    site = elsewhere / "site" / "westfield"
    assert (site / "print" / "index.html").is_file() and (site / "exclusion" / "index.html").is_file()
    assert tree_digest(site) == tree_digest(built / "westfield")
    assert staging_left(elsewhere) == []
    after = sorted(os.listdir(PROJECT_DIR / "site")) if (PROJECT_DIR / "site").is_dir() else None
    assert after == project_site, "pages written into the project's own site folder"


def test_a_landing_page_that_cannot_be_written_stays_whole(tmp_path, schools, built):
    before = (built / "index.html").read_bytes()

    run = run_policy(["build", "--out", "out"], cwd=tmp_path, schools=schools, preexec=file_size_limit(1000))

    assert run.returncode == 1
    assert run.stderr == f"error: out/index.html: cannot write: {LIMIT} (the previous file is unchanged)\n"
    assert run.stdout == ("built 0 of 2 school sites into out/ (2 unchanged, skipped; --force rebuilds them)"
                          "; the landing page was not updated\n")
    assert (built / "index.html").read_bytes() == before
    assert staging_left(built) == []


def test_a_site_that_cannot_be_written_keeps_the_previous_site(tmp_path, schools, built):
    before = _digests(built)

    run = run_policy(["build", "--out", "out", "--force", "--jobs", "2"], cwd=tmp_path, schools=schools,
                     preexec=file_size_limit(20_000))

    assert run.returncode == 1
    assert run.stderr.splitlines()[:2] == [
        f"error: {slug}: schools/{slug}.yml: the site could not be written to out/{slug}: {LIMIT} "
        "(the previous site is unchanged)" for slug in ("st-josephs", "westfield")]
    assert _digests(built) == before
    assert staging_left(built) == []


@pytest.mark.skipif(NAMESPACE is None, reason="cannot mount a small disk of our own here")
def test_a_full_disk_keeps_the_landing_page_whole(tmp_path, schools, built):
    landing = (built / "index.html").read_text(encoding="utf-8")
    seen = on_a_full_disk(tmp_path, built, ["build", "--out", "out"], schools)
    assert seen["returncode"] == 1
    assert seen["stderr"] == f"error: out/index.html: cannot write: {FULL} (the previous file is unchanged)\n"
    assert seen["index.html"] == landing
    assert seen["left"] == []


@pytest.mark.skipif(NAMESPACE is None, reason="cannot mount a small disk of our own here")
def test_a_full_disk_keeps_the_previous_sites(tmp_path, schools, built):
    seen = on_a_full_disk(tmp_path, built, ["build", "--out", "out", "--force", "--jobs", "1"], schools)
    assert seen["returncode"] == 1
    assert seen["stderr"].splitlines()[:2] == [
        f"error: {slug}: schools/{slug}.yml: the site could not be written to out/{slug}: {FULL} "
        "(the previous site is unchanged)" for slug in ("st-josephs", "westfield")]
    assert {slug: seen["digests"][slug] for slug in ("st-josephs", "westfield")} == _digests(built)
    assert seen["left"] == []


def test_an_out_that_is_a_file_is_refused(tmp_path, schools):
    (tmp_path / "out").write_text("notes\n", encoding="utf-8")
    run = run_policy(["build", "--out", "out"], cwd=tmp_path, schools=schools)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("error: out: this output folder is a file, not a folder; choose a folder "
                          "(it is created if missing)\n")
    assert (tmp_path / "out").read_text(encoding="utf-8") == "notes\n"


def test_an_out_inside_a_file_is_refused(tmp_path, schools):
    (tmp_path / "notes.txt").write_text("notes\n", encoding="utf-8")
    run = run_policy(["build", "--out", "notes.txt/site"], cwd=tmp_path, schools=schools)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("error: notes.txt/site: cannot create this output folder: a part of this path "
                          "is a file, not a folder\n")


@pytest.mark.skipif(not can_drop_permission_override(), reason="cannot make permissions apply to root here")
def test_a_read_only_out_is_refused_and_its_sites_kept(tmp_path, schools, built):
    before = _digests(built)
    built.chmod(0o555)
    try:
        run = run_policy(["build", "--out", "out", "--force"], cwd=tmp_path, schools=schools,
                         preexec=without_permission_override)
    finally:
        built.chmod(0o755)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == f"error: out: cannot write in this output folder: {DENIED}\n"
    assert _digests(built) == before


@pytest.mark.skipif(not can_drop_permission_override(), reason="cannot make permissions apply to root here")
def test_an_out_in_a_read_only_folder_is_refused(tmp_path, schools):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        run = run_policy(["build", "--out", "locked/site"], cwd=tmp_path, schools=schools,
                         preexec=without_permission_override)
    finally:
        locked.chmod(0o755)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == f"error: locked/site: cannot create this output folder: {DENIED}\n"


def test_a_symbolic_link_loop_fails_only_its_schools(tmp_path, schools):
    (schools / "loop-a.yml").symlink_to("loop-b.yml")
    (schools / "loop-b.yml").symlink_to("loop-a.yml")

    run = run_policy(["build", "--out", "out", "--jobs", "2"], cwd=tmp_path, schools=schools)

    assert run.returncode == 1
    assert run.stderr == "".join(
        f"error: {slug}: schools/{slug}.yml: cannot read this file: it is a symbolic link that leads round "
        "in a loop\n" for slug in ("loop-a", "loop-b"))
    assert run.stdout == "built 2 of 4 school sites into out/; failed: loop-a, loop-b\n"
    assert (tmp_path / "out/westfield/print/index.html").is_file()
    assert len(_landing_items(tmp_path / "out")) == 2


def test_a_school_named_on_the_command_line_that_is_a_link_loop_is_refused(tmp_path, schools):
    (schools / "loop.yml").symlink_to("loop.yml")
    run = run_policy(["build", "loop", "--out", "out"], cwd=tmp_path, schools=schools)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("error: schools/loop.yml: cannot read this file: it is a symbolic link that "
                          "leads round in a loop\n")


def test_sites_can_be_read_by_a_web_server_running_as_another_user(tmp_path, schools):
    run = run_policy(["build", "--out", "out"], cwd=tmp_path, schools=schools, preexec=umask(0o022))
    assert run.returncode == 0, run.stderr
    out = tmp_path / "out"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")] if p.is_dir()}
    assert modes == {0o755}
    # The builds' lock file is no page: the lock library makes it private, and a web server
    # has no need to read it.
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file() and p.name != LOCK_FILE}
    assert modes == {0o644}


def test_a_school_whose_file_breaks_stays_on_the_landing_page(tmp_path, schools, built):
    before = _landing_items(built)
    (schools / "westfield.yml").write_text("school: {name: 1\n", encoding="utf-8")

    run = run_policy(["build", "--out", "out"], cwd=tmp_path, schools=schools)

    assert run.returncode == 1 and run.stderr.startswith("error: westfield: schools/westfield.yml:")
    assert before == ["St Joseph's School — next review Autumn 2024",
                      "Westfield Primary School and Nursery — next review September 2025"]
    assert _landing_items(built) == [before[0], before[1] + " (this site is from an earlier version of the "
                                     "school's policy file)"]
    assert (built / "westfield/index.html").is_file()


def test_a_site_a_crash_left_moved_aside_is_put_back_by_the_next_run(tmp_path, schools, built):
    """Where two names cannot be exchanged in one step, a swap is two renames; a crash between
    them leaves the previous site aside under this name."""
    before = _digests(built)
    os.rename(built / "westfield", built / ".staging-westfield.old-k3j9x2ab")
    (schools / "westfield.yml").write_text("school: {name: 1\n", encoding="utf-8")   # and it fails now

    run = run_policy(["build", "--out", "out"], cwd=tmp_path, schools=schools)

    assert run.returncode == 1 and run.stderr.startswith("error: westfield: schools/westfield.yml:")
    assert _digests(built) == before
    assert staging_left(built) == []


def test_a_site_the_earlier_builder_left_aside_in_a_crash_is_put_back(tmp_path, schools, built):
    """The builder before this one moved the previous site to `.old-<slug>-*/site` first."""
    before = _digests(built)
    (built / ".old-westfield-0a1b2c3d").mkdir()
    os.rename(built / "westfield", built / ".old-westfield-0a1b2c3d" / "site")
    (built / ".building-westfield-9z8y7x6w").mkdir()       # and its half-built successor

    run = run_policy(["build", "--out", "out"], cwd=tmp_path, schools=schools)

    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == "built 0 of 2 school sites into out/ (2 unchanged, skipped; --force rebuilds them)\n"
    assert _digests(built) == before
    assert staging_left(built) == []


def test_two_builds_at_once_into_one_folder_both_finish_and_leave_whole_sites(tmp_path, schools, built):
    """Each run's clean-up leaves alone what the other is writing (it is locked)."""
    before = _digests(built)
    runs = [start_policy(["build", "--out", "out", "--force", "--jobs", "1"], cwd=tmp_path, schools=schools)
            for _ in range(2)]
    try:
        seen = [run.communicate(timeout=300) for run in runs]
    finally:
        for run in runs:
            stop_group(run)
    assert [(run.returncode, *output) for run, output in zip(runs, seen)] == [
        (0, "built 2 of 2 school sites into out/\n", "")] * 2
    assert _digests(built) == before
    assert staging_left(built) == []
