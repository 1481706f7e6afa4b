"""Off Linux: `policy build`, `check` and `publish` need nothing Unix-only, and the tests find
Chromium on macOS or through $CHROMIUM (tests/chromium.py, which the Makefile asks too)."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chromium import DEBIAN, NoChromium, find_chromium, usual_places

PROJECT = Path(__file__).resolve().parent.parent
GOOD = Path(__file__).parent / "schools" / "good.yml"

WITHOUT_FCNTL = r"""
import sys, warnings
sys.modules["fcntl"] = sys.modules["resource"] = None   # as on Windows: importing them fails
warnings.filterwarnings("ignore", "only soft file lock", UserWarning)  # filelock, on a Unix without fcntl
from macros import cli
import macros.publish.publishing
build = cli.main(["build", "good", "--out", sys.argv[1], "--jobs", "2"])
check = cli.main(["check", "good"])
print("exit codes", build, check)
"""


def test_build_and_check_run_without_the_unix_only_modules(tmp_path):
    (tmp_path / "schools").mkdir()
    shutil.copy(GOOD, tmp_path / "schools" / "good.yml")
    result = subprocess.run([sys.executable, "-c", WITHOUT_FCNTL, str(tmp_path / "out")], cwd=PROJECT,
                            env=dict(os.environ, POLICY_SCHOOLS_DIR=str(tmp_path / "schools")),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "exit codes 0 0" in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "out" / "good" / "print" / "index.html").is_file()


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_chromium_named_by_the_environment_comes_first(tmp_path):
    named = executable(tmp_path / "my-chrome")
    executable(tmp_path / "bin" / "chromium")
    assert find_chromium({"CHROMIUM": str(named), "PATH": str(tmp_path / "bin")}) == str(named)


def test_chromium_named_by_the_environment_must_exist(tmp_path):
    with pytest.raises(NoChromium, match=f"CHROMIUM is set to {tmp_path / 'nope'}, which does not exist"):
        find_chromium({"CHROMIUM": str(tmp_path / "nope")})


def test_a_chromium_command_on_the_path_is_found(tmp_path):
    found = executable(tmp_path / "bin" / "chromium")
    assert find_chromium({"PATH": str(tmp_path / "bin")}, places=[]) == str(found)


def test_the_usual_places_include_debian_and_the_macos_applications():
    places = [str(p) for p in usual_places()]
    assert places[0] == str(DEBIAN)
    assert "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" in places
    assert "/Applications/Chromium.app/Contents/MacOS/Chromium" in places


def test_a_macos_application_is_found_when_nothing_is_on_the_path(tmp_path):
    app = executable(tmp_path / "Applications" / "Google Chrome.app" / "Contents" / "MacOS" / "Google Chrome")
    assert find_chromium({"PATH": str(tmp_path / "empty")}, places=[tmp_path / "missing", app]) == str(app)


def test_no_chromium_says_what_to_install(tmp_path):
    with pytest.raises(NoChromium, match="apt-get install chromium; macOS: Google Chrome or Chromium"):
        find_chromium({"PATH": str(tmp_path)}, places=[tmp_path / "missing"])


def test_the_makefile_question_exits_1_with_the_reason():
    result = subprocess.run([sys.executable, str(PROJECT / "tests" / "chromium.py")], capture_output=True,
                            text=True, env=dict(os.environ, CHROMIUM="/nonexistent/chromium"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("error: CHROMIUM is set to /nonexistent/chromium, which does not exist")
