"""Model updates: a passage the school touched whose model text changed since its review is flagged."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros import cli
from macros.model import snapshots
from macros.build.builder import build_school
from macros.render.differences import differences, render_markdown, render_text
from macros.render.model_changes import model_changes
from macros.model.snapshots import read_snapshot, snapshot_data, write_snapshot
from macros.school.loader import load_school, school_path
from macros.paths import DOCS_DIR
from macros.model.model import load_model

FIXTURES = Path(__file__).parent / "schools"


@pytest.fixture
def old_history(tmp_path, monkeypatch):
    """Issue 12's snapshot as if the model had since reworded two passages and added one."""
    snapshot = snapshot_data(load_model())
    snapshot["passages"]["exclusion.minimum-days-out"] = "0000000000000000"   # replaced by the school
    snapshot["passages"]["intention.professional-learning"] = "0000000000000000"  # not touched
    del snapshot["passages"]["impact.families"]                                  # added after: "new"
    folder = tmp_path / "model-history"
    folder.mkdir()
    (folder / "12.json").write_text(json.dumps(snapshot), encoding="utf-8")
    monkeypatch.setattr(snapshots, "history_dir", lambda docs_dir=DOCS_DIR: folder)
    return folder


def good():
    return load_school(school_path("good", FIXTURES), load_model())


def test_the_issue_12_snapshot_is_kept_and_matches_the_model():
    saved = read_snapshot(12)
    assert saved == snapshot_data(load_model())["passages"]
    assert json.loads((DOCS_DIR / "model-history" / "12.json").read_text())["issue"] == 12


def test_no_flags_when_the_model_is_unchanged():
    assert model_changes(good(), load_model()) == []


def test_only_touched_passages_that_changed_are_flagged(old_history):
    changes = {c.passage: c for c in model_changes(good(), load_model())}
    assert set(changes) == {"exclusion.minimum-days-out", "impact.families"}
    assert (changes["exclusion.minimum-days-out"].group, changes["exclusion.minimum-days-out"].what) == ("replace", "changed")
    assert (changes["impact.families"].group, changes["impact.families"].what) == ("add_after", "new")


def test_policy_check_warns(old_history, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(FIXTURES))
    assert cli.main(["check", "good"]) == 0  # a warning, not a failure: the site still builds
    out = capsys.readouterr().out
    warning = next(line for line in out.splitlines() if "exclusion.minimum-days-out" in line)
    assert warning.startswith("warning: ")
    assert ("passages.replace.exclusion.minimum-days-out: model changed since your last review (issue 12): "
            "its wording is now in issue 12: \"We will keep the number of days out of the in-school routine "
            "to a strict minimum.\"; read it, then set model_reviewed: 12") in warning
    assert "passages.add_after.impact.families: model changed since your last review (issue 12): this passage is new" in out
    assert "intention.professional-learning" not in out


def test_policy_check_puts_the_warning_on_the_line_of_the_passage_the_school_touched(old_history, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(FIXTURES))
    assert cli.main(["check", "--format", "github", "good"]) == 0
    lines = (FIXTURES / "good.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("    exclusion.minimum-days-out:"))
    warning = next(w for w in capsys.readouterr().out.splitlines() if "exclusion.minimum-days-out" in w)
    assert warning.startswith(f"::warning file=tests/schools/good.yml,line={line},col=5,"
                              "title=passages.replace.exclusion.minimum-days-out::model changed since")


def test_diff_and_page_flag_the_change(old_history, tmp_path, monkeypatch):
    diff = differences(good(), load_model())
    assert {d.name for d in diff.changed} == {"exclusion.minimum-days-out", "impact.families"}
    assert "! model changed since your last review (issue 12)" in render_text(diff)
    assert "Model changed since the last review" in render_markdown(diff)
    (tmp_path / "schools").mkdir()
    shutil.copy(FIXTURES / "good.yml", tmp_path / "schools" / "good.yml")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    site = build_school("good", tmp_path / "out")
    page = BeautifulSoup((site / "differences" / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = page.select_one("article")
    assert article.select_one(".admonition.warning") is not None
    flagged = [li for li in article.find_all("li") if "Model changed since your last review" in li.get_text()]
    assert len(flagged) == 2


def test_a_school_without_model_reviewed_or_an_unknown_issue_is_not_flagged(old_history):
    school = good().model_copy(update={"model_reviewed": None})
    assert model_changes(school, load_model()) == []
    assert model_changes(good().model_copy(update={"model_reviewed": 7}), load_model()) == []


def test_snapshot_command_writes_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(snapshots, "history_dir", lambda docs_dir=DOCS_DIR: tmp_path)
    assert cli.main(["snapshot"]) == 0
    assert (tmp_path / "12.json").is_file()
    assert cli.main(["snapshot"]) == 1
    assert "a snapshot of issue 12 already exists" in capsys.readouterr().err
    assert cli.main(["snapshot", "--force"]) == 0
    assert write_snapshot(load_model(), tmp_path, force=True) == tmp_path / "12.json"
