"""`policy publish` as real processes: at once in one checkout, killed at random moments,
and runs that converge after a run was stopped part-way.

Every process is the installed `policy` command publishing into a bare remote on disk. The
kill loop runs 20 times (POLICY_CRASH_RUNS=N for more).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from macros.cli import INTERRUPTED
from macros.publish.workspace import FOLDER, GRACE
from pages_branch import (POLICY, SLUG, bare, clone, git, inconsistencies, policy_env,
                          project_files, versions, write_school)

CRASH_RUNS = int(os.environ.get("POLICY_CRASH_RUNS", "20"))


def start(work: Path, schools: Path, *args: str, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen([str(POLICY), "publish", *args, "--push", "--jobs", "1", "--repo", str(work)],
                            cwd=work, env=policy_env(schools, TMPDIR=str(tmp)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def tips(remote: Path, work: Path) -> tuple[str | None, str | None]:
    def tip(repo):
        found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "refs/heads/gh-pages"],
                               cwd=repo, capture_output=True, text=True).stdout.strip()
        return found or None
    return tip(remote), tip(work)


def every_commit_is_consistent(remote: Path) -> list[str]:
    return [f"{commit[:12]}: {problem}" for commit in git(remote, "rev-list", "gh-pages").split()
            for problem in inconsistencies(remote, commit)]


def test_concurrent_publishes_into_one_checkout_each_land_or_fail_plainly(tmp_path):
    remote = bare(tmp_path)
    work = clone(tmp_path, "work", remote)
    runs = []
    for number in range(4):        # four versions of one school, one process each
        schools = tmp_path / f"schools-{number}"
        write_school(schools, SLUG, f"2030-{number}", f"{['March', 'April', 'May', 'June'][number]} 2030",
                     "Autumn 2031")
        runs.append(start(work, schools, SLUG, "--keep-full", "all", tmp=tmp_path))
    outcomes = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    landed = []
    for number, (code, out, err) in enumerate(outcomes):
        assert "Traceback" not in err
        if code == 0:
            assert f"published {SLUG} version 2030-{number}" in out
            landed.append(f"2030-{number}")
        else:
            assert err.startswith("error: "), err
    print(f"\n{len(landed)} of 4 concurrent publishes landed; the others failed with a message")
    assert len(landed) == 4
    remote_tip, local_tip = tips(remote, work)
    assert remote_tip == local_tip
    assert sorted(versions(remote, "gh-pages")) == sorted(landed)
    assert git(remote, "rev-list", "--count", "gh-pages") == "4"
    assert every_commit_is_consistent(remote) == []


@pytest.fixture
def published(tmp_path):
    """A branch with one version on it, and how long a whole publish takes here."""
    remote, schools = bare(tmp_path), tmp_path / "schools"
    work = clone(tmp_path, "work", remote)
    write_school(schools, SLUG, "2029-00", "January 2029", "Autumn 2030")
    started = time.perf_counter()
    run = start(work, schools, SLUG, tmp=tmp_path)
    assert run.wait(timeout=600) == 0, run.communicate()[1]
    return dict(remote=remote, work=work, schools=schools, seconds=time.perf_counter() - started)


def test_publishes_killed_at_random_moments_leave_the_branch_whole_and_a_rerun_recovers(published, tmp_path):
    remote, work, schools = published["remote"], published["work"], published["schools"]
    scratch_root = work / ".git" / FOLDER
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    project = project_files()
    rng = random.Random(int(os.environ.get("POLICY_CRASH_SEED", "11")))
    held, finished, outcomes = 0, 0, []
    for number in range(1, CRASH_RUNS + 1):
        before = tips(remote, work)
        left_before = set(scratch_root.iterdir())
        month = ["January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"][number % 12]
        write_school(schools, SLUG, f"2029-{number:02}", f"{month} {2029 + number // 12}", "Autumn 2040")
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        delay = rng.uniform(0, published["seconds"])
        run = start(work, schools, SLUG, tmp=temporary)
        time.sleep(delay)
        run.send_signal(sig)
        code = run.wait(timeout=600)
        _, err = run.communicate()
        finished += code == 0
        after = tips(remote, work)
        problems = []
        if "Traceback" in err:
            problems.append(f"a traceback: {err[-400:]}")
        if after[1] not in (before[1], after[0]):
            problems.append("the local branch moved to a commit the remote does not have")
        if after[1] is not None and subprocess.run(["git", "merge-base", "--is-ancestor", after[1],
                                                    after[0]], cwd=work).returncode != 0:
            problems.append("the local branch is not the remote's or behind it")
        for repo, tip in ((remote, after[0]), (work, after[1])):
            problems += [f"{repo.name}: {p}" for p in inconsistencies(repo, tip)]
        if git(work, "status", "--porcelain", "--ignored"):
            problems.append(f"files in the checkout: {git(work, 'status', '--porcelain', '--ignored')}")
        if project_files() != project:
            problems.append(f"files in the project: {sorted(project_files() ^ project)}")
        if list(temporary.iterdir()):
            problems.append(f"temporary files: {sorted(p.name for p in temporary.iterdir())}")
        left = set(scratch_root.iterdir()) - left_before     # a SIGKILL's waits for the next run
        if sig == signal.SIGTERM and left:
            problems.append(f"scratch left after SIGTERM: {sorted(p.name for p in left)}")
        held += not problems
        outcomes.append((number, sig.name, round(delay, 2), code, problems))
    print(f"\n{held} of {CRASH_RUNS} killed publishes held ({finished} had finished before the signal)")
    assert [o for o in outcomes if o[4]] == []
    time.sleep(GRACE)
    run = start(work, schools, SLUG, tmp=temporary)
    code = run.wait(timeout=600)
    out, err = run.communicate()
    assert code == 0, err
    assert f"2029-{CRASH_RUNS:02}" in versions(remote, "gh-pages")
    assert tips(remote, work)[0] == tips(remote, work)[1]
    assert list(scratch_root.iterdir()) == [] and list(temporary.iterdir()) == []
    assert every_commit_is_consistent(remote) == []


def _publish_two_schools(tmp_path: Path) -> tuple[Path, Path, Path, subprocess.Popen]:
    """A new remote and checkout, schools a and b, and a `policy publish --all` started on them."""
    remote, schools = bare(tmp_path), tmp_path / "schools"
    work = clone(tmp_path, "work", remote)
    write_school(schools, "school-a", "2024-25", "November 2024", "Autumn 2025", "School A")
    write_school(schools, "school-b", "2024-25", "November 2024", "Autumn 2025", "School B")
    return remote, work, schools, start(work, schools, "--all", tmp=tmp_path)


def _once_building(work: Path, run: subprocess.Popen, slug: str = "*") -> Path:
    """Waits until the run has written a page of the school `slug` (any school) in its scratch
    folder; the scratch folders' root."""
    scratch = work / ".git" / FOLDER
    deadline = time.monotonic() + 120
    while not list(scratch.glob(f"run-*/sites/{slug}/index.html")) and run.poll() is None:
        assert time.monotonic() < deadline, "the run never started building"
        time.sleep(0.01)
    return scratch


def test_a_sigterm_while_a_site_is_built_stops_the_whole_publish(tmp_path):
    """mkdocs runs inside the command (--jobs 1): the SIGTERM is not taken for that school's
    failure, and the next school is not built and published as if nothing had happened."""
    remote, work, schools, run = _publish_two_schools(tmp_path)
    scratch = _once_building(work, run, "school-a")
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=120)
    assert (run.returncode, out, err) == (143, "", INTERRUPTED + "\n")
    assert tips(remote, work) == (None, None)
    assert list(scratch.glob("run-*")) == []


def test_a_run_stopped_part_way_is_repaired_by_the_next_run(tmp_path):
    """Push 1 asks for schools a and b; its run is killed while building. Push 2 changes b
    and adds c; its run publishes what both pushes asked for."""
    remote, work, schools, first = _publish_two_schools(tmp_path)
    _once_building(work, first)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    assert tips(remote, work) == (None, None), "the stopped run published something"

    write_school(schools, "school-b", "2025-26", "November 2025", "Autumn 2026", "School B")
    write_school(schools, "school-c", "2024-25", "November 2024", "Autumn 2025", "School C")
    second = start(work, schools, "--all", tmp=tmp_path)
    assert second.wait(timeout=600) == 0, second.communicate()[1]
    out, _ = second.communicate()
    assert out.splitlines()[:3] == ["published school-a version 2024-25 as latest",
                                    "published school-b version 2025-26 as latest",
                                    "published school-c version 2024-25 as latest"]
    assert {slug: versions(remote, "gh-pages", slug) for slug in ("school-a", "school-b", "school-c")} == {
        "school-a": {"2024-25": ["latest"]}, "school-b": {"2025-26": ["latest"]},
        "school-c": {"2024-25": ["latest"]}}

    third = start(work, schools, "--all", tmp=tmp_path)
    assert third.wait(timeout=600) == 0
    assert third.communicate()[0] == ("already published as their files ask: school-a school-b "
                                      "school-c\ngh-pages is unchanged\n")
