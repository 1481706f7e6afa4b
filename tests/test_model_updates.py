"""Model updates: a passage the school touched whose model text changed since its review is flagged."""
from __future__ import annotations

import json
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
    """The model's history with an issue 11 before today's issue 12: since issue 11 the model
    reworded two passages and added one. The school last reviewed issue 11."""
    current = snapshot_data(load_model())
    old = json.loads(json.dumps(current))
    old["issue"] = 11
    old["passages"]["exclusion.minimum-days-out"] = "0000000000000000"   # replaced by the school
    old["passages"]["intention.professional-learning"] = "0000000000000000"  # not touched
    del old["passages"]["impact.families"]                                  # added after: "new"
    folder = tmp_path / "model-history"
    folder.mkdir()
    (folder / "11.json").write_text(json.dumps(old), encoding="utf-8")
    (folder / "12.json").write_text(json.dumps(current), encoding="utf-8")
    monkeypatch.setattr(snapshots, "history_dir", lambda docs_dir=DOCS_DIR: folder)
    schools = tmp_path / "schools"
    schools.mkdir()
    text = (FIXTURES / "good.yml").read_text(encoding="utf-8")
    (schools / "good.yml").write_text(text.replace("model_reviewed: 12", "model_reviewed: 11"), encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(schools))
    return folder


def good():
    return load_school(school_path("good"), load_model())


def test_the_issue_12_snapshot_is_kept_and_matches_the_model():
    saved = read_snapshot(12)
    assert saved == snapshot_data(load_model())["passages"]
    assert json.loads((DOCS_DIR / "model-history" / "12.json").read_text())["issue"] == 12


def test_no_flags_when_the_model_is_unchanged(monkeypatch):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(FIXTURES))
    assert model_changes(good(), load_model()) == []


def test_only_touched_passages_that_changed_are_flagged(old_history):
    changes = {c.passage: c for c in model_changes(good(), load_model())}
    assert set(changes) == {"exclusion.minimum-days-out", "impact.families"}
    assert (changes["exclusion.minimum-days-out"].group, changes["exclusion.minimum-days-out"].what) == ("replace", "changed")
    assert (changes["impact.families"].group, changes["impact.families"].what) == ("add_after", "new")


def line_in_school(old_history, text: str) -> int:
    lines = (old_history.parent / "schools" / "good.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


def test_policy_check_warns_of_a_reworded_passage(old_history, capsys, monkeypatch):
    monkeypatch.chdir(old_history.parent)
    assert cli.main(["check", "good"]) == 0  # a warning, not a failure: the site still builds
    out = capsys.readouterr().out.splitlines()
    line = line_in_school(old_history, "    exclusion.minimum-days-out:")
    assert (f"warning: schools/good.yml:{line}:5: passages.replace.exclusion.minimum-days-out: the model reworded this "
            "passage after issue 11, the one you last reviewed; read it again in issue 12, where it reads: "
            "\"We will keep the number of days out of the in-school routine to a strict minimum.\"; then set "
            "model_reviewed: 12") in out


def test_policy_check_warns_of_a_new_passage(old_history, capsys, monkeypatch):
    monkeypatch.chdir(old_history.parent)
    assert cli.main(["check", "good"]) == 0
    out = capsys.readouterr().out
    line = line_in_school(old_history, "    impact.families:")
    assert (f"warning: schools/good.yml:{line}:5: passages.add_after.impact.families: this passage is new since issue 11, "
            "the one you last reviewed; read it in issue 12, where it reads:") in out


def test_policy_check_is_silent_about_passages_the_school_did_not_touch(old_history, capsys):
    assert cli.main(["check", "good"]) == 0
    assert "intention.professional-learning" not in capsys.readouterr().out


def test_policy_check_puts_the_warning_on_the_line_of_the_passage_the_school_touched(old_history, monkeypatch, capsys):
    monkeypatch.chdir(old_history.parent)
    assert cli.main(["check", "--format", "github", "good"]) == 0
    lines = (old_history.parent / "schools" / "good.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("    exclusion.minimum-days-out:"))
    warning = next(w for w in capsys.readouterr().out.splitlines() if "exclusion.minimum-days-out" in w)
    assert warning.startswith(f"::warning file=schools/good.yml,line={line},col=5,"
                              "title=passages.replace.exclusion.minimum-days-out::the model reworded this passage")


def test_diff_and_page_flag_the_change(old_history, tmp_path, monkeypatch):
    diff = differences(good(), load_model())
    assert {d.name for d in diff.changed} == {"exclusion.minimum-days-out", "impact.families"}
    assert ("    ! the model reworded this passage after issue 11, the one you last reviewed; read it again "
            "in issue 12") in render_text(diff).splitlines()
    assert "Model changed since the last review" in render_markdown(diff)
    site = build_school("good", tmp_path / "out")
    page = BeautifulSoup((site / "differences" / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = page.select_one("article")
    assert article.select_one(".admonition.warning") is not None
    flagged = [li for li in article.find_all("li") if "issue 11, the one you last reviewed" in li.get_text()]
    assert len(flagged) == 2


def test_a_school_without_model_reviewed_or_an_unknown_issue_is_not_flagged(old_history):
    school = good().model_copy(update={"model_reviewed": None})
    assert model_changes(school, load_model()) == []
    assert model_changes(good().model_copy(update={"model_reviewed": 7}), load_model()) == []


def test_a_school_that_reviewed_an_issue_the_model_never_had_is_refused(old_history, capsys):
    (old_history.parent / "schools" / "good.yml").write_text(
        (FIXTURES / "good.yml").read_text(encoding="utf-8").replace("model_reviewed: 12", "model_reviewed: 10"),
        encoding="utf-8")
    assert cli.main(["check", "good"]) == 1
    assert ("model_reviewed: the model has had no issue 10; the issues on record are 11, 12, and the current "
            "one is 12: write the issue you last reviewed against, like model_reviewed: 12") in capsys.readouterr().err


def test_snapshot_command_writes_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(snapshots, "history_dir", lambda docs_dir=DOCS_DIR: tmp_path)
    assert cli.main(["snapshot"]) == 0
    assert (tmp_path / "12.json").is_file()
    assert cli.main(["snapshot"]) == 1
    assert "a snapshot of issue 12 already exists" in capsys.readouterr().err
    assert cli.main(["snapshot", "--force"]) == 0
    assert write_snapshot(load_model(), tmp_path, force=True) == tmp_path / "12.json"
