"""`policy build` with no school named builds every school file it finds, each on its own."""
from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

from macros import cli
from macros.paths import SCHOOLS_DIR


def test_a_badly_named_school_file_fails_alone_and_the_others_are_built(tmp_path, monkeypatch, capsys):
    schools = tmp_path / "schools"
    schools.mkdir()
    shutil.copy(SCHOOLS_DIR / "st-josephs.yml", schools / "st-josephs.yml")
    shutil.copy(SCHOOLS_DIR / "st-josephs.yml", schools / "St Marys.yml")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(schools))

    code = cli.main(["build", "--out", str(tmp_path / "site"), "--jobs", "1"])

    err = capsys.readouterr().err
    assert code == 1
    assert (tmp_path / "site" / "st-josephs" / "print" / "index.html").is_file()
    assert "error: St Marys: " in err and "'St Marys' is not a valid school name for a file" in err


def _build_two_schools(tmp_path, stderr) -> subprocess.CompletedProcess:
    schools = tmp_path / "schools"
    schools.mkdir()
    shutil.copy(SCHOOLS_DIR / "st-josephs.yml", schools / "alpha.yml")
    (schools / "bravo.yml").write_text("school: {name: 1\n", encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", POLICY_SCHOOLS_DIR=str(schools))
    return subprocess.run([str(Path(sys.executable).with_name("policy")), "build", "--out",
                           "site", "--jobs", "1"], cwd=tmp_path, env=env,
                          stdout=subprocess.PIPE, stderr=stderr, text=True)


def test_a_terminal_sees_a_progress_bar_counting_schools_and_failures(tmp_path):
    main, terminal = pty.openpty()
    try:
        run = _build_two_schools(tmp_path, terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:             # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert run.returncode == 1
    # A terminal shows "\n" as "\r\n"; each redraw of the bar starts with a lone "\r".
    before, first, last = shown.decode().replace("\r\n", "\n").split("\r")
    last_bar, after = last.split("\n", 1)
    assert before == ""
    assert first == "[" + "#" * 15 + "." * 15 + "] 1/2 "
    assert last_bar == "[" + "#" * 30 + "] 2/2, 1 failed "
    assert after.startswith("error: bravo: ")


def test_a_pipe_gets_no_progress_bar_only_the_failures(tmp_path):
    run = _build_two_schools(tmp_path, subprocess.PIPE)
    assert run.returncode == 1
    assert "\r" not in run.stderr and not re.search(r"\[[#.]+\]", run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: bravo: schools/bravo.yml:2:1: "), run.stderr
    assert run.stdout == "built 1 of 2 school sites into site/; failed: bravo\n"
