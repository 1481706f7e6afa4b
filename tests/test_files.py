"""macros/files.py: the one way the tool writes files and folders."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from macros import files
from macros.errors import PolicyError


def _holder(tmp_path, code: str) -> subprocess.Popen:
    """Another process using macros.files, which prints `ready` and waits to be killed."""
    script = textwrap.dedent(code) + "\nprint('ready', flush=True)\nimport time\ntime.sleep(60)\n"
    process = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    return process


def test_a_new_file_is_written_whole_with_the_usual_mode(tmp_path):
    path = files.atomic_write_text(tmp_path / "index.html", "<p>new</p>\n")
    assert path.read_text(encoding="utf-8") == "<p>new</p>\n"
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~files._umask())
    assert os.listdir(tmp_path) == ["index.html"]


def test_creating_a_file_never_replaces_one(tmp_path):
    (tmp_path / "brook-lane.yml").write_text("# ours\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        files.atomic_create_text(tmp_path / "brook-lane.yml", "school: {}\n")
    assert (tmp_path / "brook-lane.yml").read_text(encoding="utf-8") == "# ours\n"
    assert os.listdir(tmp_path) == ["brook-lane.yml"]


def test_a_write_into_a_missing_folder_names_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PolicyError) as error:
        files.atomic_write_text(tmp_path / "gone" / "schema.json", "{}")
    assert str(error.value) == "gone/schema.json: cannot write: No such file or directory (nothing was changed)"


def test_a_folder_is_swapped_in_whole_and_the_old_one_removed(tmp_path):
    target = tmp_path / "westfield"
    target.mkdir()
    (target / "old.html").write_text("old", encoding="utf-8")
    with files.building_dir(target) as staging:
        (staging / "new.html").write_text("new", encoding="utf-8")
        assert os.listdir(target) == ["old.html"]         # readers see the old site meanwhile
    assert os.listdir(target) == ["new.html"]
    assert os.listdir(tmp_path) == ["westfield"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o777 & ~files._umask())


def test_a_build_that_raises_leaves_the_old_folder_and_nothing_beside_it(tmp_path):
    target = tmp_path / "westfield"
    target.mkdir()
    with pytest.raises(RuntimeError):
        with files.building_dir(target) as staging:
            (staging / "half.html").write_text("half", encoding="utf-8")
            raise RuntimeError("mkdocs failed")
    assert os.listdir(tmp_path) == ["westfield"] and os.listdir(target) == []


def test_a_folder_another_process_is_building_is_left_alone(tmp_path):
    process = _holder(tmp_path, "from macros import files\nfiles.staging_dir(files.Path('westfield'))")
    try:
        staged = [name for name in os.listdir(tmp_path) if name.startswith(".staging-westfield.new-")]
        assert len(staged) == 1
        assert files.recover(tmp_path) == []
        assert os.listdir(tmp_path) == staged
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert files.recover(tmp_path) == [f"removed {staged[0]}"]
    assert os.listdir(tmp_path) == []


def test_the_previous_folder_of_a_swap_cut_short_goes_back(tmp_path):
    (tmp_path / ".staging-westfield.old-abcd1234").mkdir()
    (tmp_path / ".staging-westfield.old-abcd1234" / "index.html").write_text("site", encoding="utf-8")
    (tmp_path / ".staging-westfield.new-efgh5678").mkdir()
    assert files.recover(tmp_path) == ["removed .staging-westfield.new-efgh5678", "restored westfield"]
    assert os.listdir(tmp_path) == ["westfield"]
    assert (tmp_path / "westfield" / "index.html").read_text(encoding="utf-8") == "site"


def test_a_previous_folder_is_not_put_back_over_a_newer_site(tmp_path):
    (tmp_path / "westfield").mkdir()
    (tmp_path / ".staging-westfield.old-abcd1234").mkdir()
    assert files.recover(tmp_path) == ["removed .staging-westfield.old-abcd1234"]
    assert os.listdir(tmp_path) == ["westfield"]


def test_the_other_names_in_the_folder_are_never_touched(tmp_path):
    for folder in ("westfield", ".git", "shared-assets"):
        (tmp_path / folder).mkdir()
    for file in (".policy-build.lock", "index.html", "staging-notes.txt"):
        (tmp_path / file).write_text("", encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    assert files.recover(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == before


def test_names_like_a_staging_entry_but_not_one_are_never_touched(tmp_path):
    for name in (".old-notes", ".staging-notes", ".building-plan.txt", ".old-westfield-backup-2024"):
        (tmp_path / name).mkdir()
    assert files.recover(tmp_path) == []
    assert len(os.listdir(tmp_path)) == 4


def test_where_names_cannot_be_exchanged_a_swap_is_two_renames_and_leaves_nothing(tmp_path):
    target = tmp_path / "westfield"
    target.mkdir()
    (target / "old.html").write_text("old", encoding="utf-8")
    new = files.staging_dir(target)
    (new / "new.html").write_text("new", encoding="utf-8")
    files._swap_in_two_renames(new, target)
    assert os.listdir(target) == ["new.html"]
    assert os.listdir(tmp_path) == ["westfield"]
