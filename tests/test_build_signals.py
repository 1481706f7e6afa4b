"""Stopping `policy build` with real signals: Ctrl-C at any moment, the parent killed, crashes
at random moments. Sites are always whole (the previous one or the new one), the next run
cleans up, and no process is left behind.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.build.builder import tree_digest
from macros.build.fingerprints import stored_fingerprint
from macros.cli import INTERRUPTED
from processes import (children, run_policy, school_files, staging_left, start_policy, stop_group,
                       wait_for, wait_until_gone)

# Processes are watched through Linux's /proc; signals are POSIX.
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="watches processes through /proc")

BUILD = ["build", "--out", "out", "--jobs", "2"]
# Three of the seed schools: more than the two workers, so one site is swapped in while
# another is still being built, and every moment below comes in each run.
SCHOOLS = ("st-josephs", "westfield", "dacorum-esc")
CRASH_RUNS = int(os.environ.get("POLICY_CRASH_RUNS", "20"))
CRASH_SEED = int(os.environ.get("POLICY_CRASH_SEED", str(random.SystemRandom().randrange(10**6))))


def _digests(out: Path) -> dict[str, str | None]:
    return {slug: tree_digest(out / slug) if (out / slug).is_dir() else None for slug in SCHOOLS}


def _inodes(out: Path) -> dict[str, int]:
    return {slug: (out / slug).stat().st_ino for slug in SCHOOLS if (out / slug).exists()}


def _whole(out: Path) -> list[str]:
    """What is wrong with the sites in `out` as a reader would find them (nothing, we hope)."""
    wrong = []
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    if len(soup.select("main li a")) != len(SCHOOLS):
        wrong.append("the landing page does not list every school")
    for slug in SCHOOLS:
        _, shared = stored_fingerprint(out / slug)
        if not (out / slug / "print" / "index.html").is_file():
            wrong.append(f"{slug} has no print page")
        wrong += [f"{slug} uses a missing {name}" for name in shared if not (out / name).is_file()]
    return wrong


def _timed_build(root: Path, schools: Path) -> tuple[float, float]:
    """Run `policy build` to its end: (seconds until the first site was swapped in, seconds in
    all), to aim the kills below at the moments when sites are being replaced."""
    out = root / "out"
    before = _inodes(out)
    started = time.monotonic()
    first = None
    process = start_policy(BUILD, cwd=root, schools=schools)
    try:
        while process.poll() is None:
            if first is None and any(before.get(slug) != inode for slug, inode in _inodes(out).items()):
                first = time.monotonic() - started
            time.sleep(0.005)
        stdout, stderr = process.communicate()
    finally:
        stop_group(process)
    assert process.returncode == 0, stderr
    took = time.monotonic() - started
    return (first or took), took


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """The schools as two versions (their names differ), each version's sites and
    the timing of a build from one to the other."""
    root = tmp_path_factory.mktemp("versions")
    versions = {}
    for version, rename in (("A", ""), ("B", "(B)")):
        schools = school_files(root / f"schools-{version}", SCHOOLS, rename=rename)
        assert run_policy(BUILD, cwd=schools, schools=schools).returncode == 0
        versions[version] = (schools, _digests(schools / "out"))
    timing = root / "timing"
    shutil.copytree(versions["A"][0] / "out", timing / "out")
    versions["timing"] = _timed_build(timing, school_files(timing / "schools", SCHOOLS, rename="(B)"))
    return versions


def _use(version: tuple, schools: Path) -> None:
    for slug in SCHOOLS:
        (schools / f"{slug}.yml").write_bytes((version[0] / f"{slug}.yml").read_bytes())


@pytest.fixture
def site(tmp_path, two_versions) -> tuple[Path, Path]:
    """Version A's sites in tmp_path/out, as `policy build` left them; its school files in
    tmp_path/schools."""
    shutil.copytree(two_versions["A"][0] / "out", tmp_path / "out", symlinks=True)
    assert _digests(tmp_path / "out") == two_versions["A"][1]
    return tmp_path, school_files(tmp_path / "schools", SCHOOLS)


# --- Ctrl-C ----------------------------------------------------------------------------

def _staging_appears(out: Path):
    """A site is being built: its folder is being written beside its place."""
    return lambda: any(entry.name.startswith(tuple(f".staging-{slug}.new-" for slug in SCHOOLS)) and entry.is_dir()
                       for entry in os.scandir(out))


def _sites_replaced(out: Path, before: dict[str, int], count: int):
    return lambda: sum(1 for slug, inode in _inodes(out).items() if inode != before[slug]) >= count


def _loading_the_builder(process):
    """`policy build` is loading what it builds with (pydantic's compiled core is among the
    first); before that, Python itself is starting, and a Ctrl-C there is Python's to report."""
    def loaded() -> bool:
        try:
            return "pydantic_core" in Path(f"/proc/{process.pid}/maps").read_text()
        except OSError:
            return False
    return loaded


MOMENTS = {
    "while it loads": lambda out, before, process: _loading_the_builder(process),
    "while a site is being built": lambda out, before, process: _staging_appears(out),
    "once the first site is in place": lambda out, before, process: _sites_replaced(out, before, 1),
    "while the workers are stopped at the end":
        lambda out, before, process: _sites_replaced(out, before, len(SCHOOLS)),
}


@pytest.mark.parametrize("to_group", [False, True], ids=["to-the-command", "from-a-terminal"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_ctrl_c_prints_one_line_and_exits_130(site, two_versions, moment, to_group):
    root, schools = site
    out = root / "out"
    _use(two_versions["B"], schools)
    interrupted = 0
    for _attempt in range(3):                  # the end comes quickly: try again if it was missed
        before = _inodes(out)
        process = start_policy(BUILD, cwd=root, schools=schools)
        try:
            assert wait_for(MOMENTS[moment](out, before, process)), f"never reached: {moment}"
            workers = children(process.pid)
            (os.killpg if to_group else os.kill)(process.pid, signal.SIGINT)
            stdout, stderr = process.communicate(timeout=60)
            assert wait_until_gone(workers, 10) == [], "a worker outlived the command"
        finally:
            stop_group(process)
        if process.returncode == 0:            # it had finished before the signal came
            assert stderr == "" and stdout.startswith("built ")
            continue
        assert (process.returncode, stdout, stderr) == (130, "", INTERRUPTED + "\n")
        interrupted += 1
        assert staging_left(out) == []
        for slug, digest in _digests(out).items():
            assert digest in (two_versions["A"][1][slug], two_versions["B"][1][slug]), slug
        assert _whole(out) == []
        if interrupted:
            break
    assert interrupted, f"no run was interrupted {moment}"


# --- The parent killed -----------------------------------------------------------------

@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_exit_when_the_command_is_killed_and_the_next_run_cleans_up(site, two_versions, signal_number):
    root, schools = site
    out = root / "out"
    _use(two_versions["B"], schools)
    process = start_policy(BUILD, cwd=root, schools=schools)
    try:
        assert wait_for(_staging_appears(out))
        workers = children(process.pid)
        assert len(workers) == 2
        os.kill(process.pid, signal_number)
        process.wait(timeout=30)
        assert wait_until_gone(workers, 10) == []
    finally:
        stop_group(process)
    assert staging_left(out) != []             # what the killed run was writing

    run = run_policy(BUILD, cwd=root, schools=schools)

    assert run.returncode == 0, run.stderr
    assert staging_left(out) == []
    assert _digests(out) == two_versions["B"][1]


# --- Crashes at random moments -----------------------------------------------------------

def test_killed_at_random_moments_no_site_is_ever_partial(site, two_versions):
    """Each run rebuilds the schools as the other version and is killed at a random moment
    (SIGKILL or SIGTERM, the command alone or with its workers), half the time while sites are
    being swapped in: each site is then the one before or the new one, whole. Every fifth run
    is let finish and must recover fully."""
    root, schools = site
    out = root / "out"
    chance = random.Random(CRASH_SEED)
    first_swap, took = two_versions["timing"]
    current = dict(two_versions["A"][1])
    seen = {"previous": 0, "new": 0}
    kills: dict[str, int] = {}
    for run_number in range(1, CRASH_RUNS + 1):
        label = f"run {run_number} (POLICY_CRASH_SEED={CRASH_SEED})"
        target = two_versions["B" if current[SCHOOLS[0]] == two_versions["A"][1][SCHOOLS[0]] else "A"]
        _use(target, schools)
        signal_number = chance.choice([signal.SIGKILL, signal.SIGTERM])
        whole_group = chance.random() < 0.3
        delay = chance.uniform(first_swap, took) if chance.random() < 0.5 else chance.uniform(0.05, took)
        name = f"{signal.Signals(signal_number).name} to the {'group' if whole_group else 'command'}"
        kills[name] = kills.get(name, 0) + 1
        process = start_policy(BUILD, cwd=root, schools=schools)
        try:
            time.sleep(delay)
            workers = children(process.pid)
            (os.killpg if whole_group else os.kill)(process.pid, signal_number)
            process.wait(timeout=30)
            assert wait_until_gone(workers, 10) == [], f"{label}: a worker outlived the command"
        finally:
            stop_group(process)
        for slug, digest in _digests(out).items():
            assert digest in (current[slug], target[1][slug]), f"{label}: {slug} is neither site, whole"
            if digest != target[1][slug] or current[slug] != target[1][slug]:
                seen["previous" if digest == current[slug] else "new"] += 1
            current[slug] = digest
        assert _whole(out) == [], label
        if run_number % 5 == 0:
            first_swap, took = _timed_build(root, schools)     # and the machine's pace now
            assert _digests(out) == target[1], label
            assert staging_left(out) == [], label
            current = dict(target[1])
    print(f"\n{CRASH_RUNS} runs killed (POLICY_CRASH_SEED={CRASH_SEED}): {kills}; sites found after a "
          f"kill: {seen['previous']} the previous one, {seen['new']} the new one, 0 partial")
    assert seen["previous"] and seen["new"], f"every kill came too early or too late: {seen}"
    if CRASH_RUNS % 5:                         # the last run was killed: finish now
        assert run_policy(BUILD, cwd=root, schools=schools).returncode == 0
    assert staging_left(out) == []
    assert sorted(os.listdir(out)) == sorted([".policy-build.lock", "index.html", "shared-assets", *SCHOOLS])
