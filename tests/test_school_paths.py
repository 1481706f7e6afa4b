"""Finding a school's file: names the editor can act on, even for files that cannot be read."""
from __future__ import annotations

import shutil
from pathlib import Path

from macros import cli
from macros.paths import SCHOOLS_DIR

LOOP_MESSAGE = ("cannot read this file: it is a symbolic link that leads nowhere or round in a loop; "
                "replace it with the school file itself")


def _schools_with_a_link_loop(tmp_path: Path, monkeypatch) -> Path:
    schools = tmp_path / "schools"
    schools.mkdir()
    shutil.copy(SCHOOLS_DIR / "westfield.yml", schools / "westfield.yml")
    (schools / "loop-a.yml").symlink_to("loop-b.yml")
    (schools / "loop-b.yml").symlink_to("loop-a.yml")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(schools))
    monkeypatch.chdir(tmp_path)
    return schools


def test_check_reports_a_link_loop_and_still_checks_the_other_schools(tmp_path, monkeypatch, capsys):
    _schools_with_a_link_loop(tmp_path, monkeypatch)
    assert cli.main(["check"]) == 1
    out, err = capsys.readouterr()
    assert f"error: schools/loop-a.yml: {LOOP_MESSAGE}" in err.splitlines()
    assert f"error: schools/loop-b.yml: {LOOP_MESSAGE}" in err.splitlines()
    assert "ok: schools/westfield.yml" in out.splitlines()


def test_diff_of_a_link_loop_is_one_error_line(tmp_path, monkeypatch, capsys):
    _schools_with_a_link_loop(tmp_path, monkeypatch)
    assert cli.main(["diff", "loop-a"]) == 1
    assert capsys.readouterr().err == f"error: schools/loop-a.yml: {LOOP_MESSAGE}\n"
