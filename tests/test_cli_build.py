"""`policy build` with no school named builds every school file it finds, each on its own."""
from __future__ import annotations

import shutil

from macros import cli
from macros.model import SCHOOLS_DIR


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
