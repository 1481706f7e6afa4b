"""`policy new`: a valid, commented school file from flags or questions, then a site with those names."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros import cli
from macros.school.new import NewSchool, create_school, quote

FLAGS = ["--name", "Brook Lane Primary School", "--short-name", "Brook Lane",
         "--designated-teacher", "Amira Khan, Deputy Headteacher", "--pronoun", "she",
         "--designated-governor", "Dev O'Neill", "--safeguarding-lead", "Amira Khan, Deputy Headteacher",
         "--safeguarding-lead", "Lou Grant", "--ratified", "Sept 2025", "--ratified-by", "Full Governing Body",
         "--next-review", "Autumn 2026", "--version", "2025-26"]


def test_new_then_build_gives_a_site_with_the_entered_names(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    assert cli.main(["new", "brook-lane", *FLAGS]) == 0
    path = tmp_path / "schools" / "brook-lane.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema.json\n")
    assert "model_reviewed: 12" in text and "# Local choices" in text
    assert cli.main(["check", "brook-lane"]) == 0
    assert cli.main(["build", "brook-lane", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    page = BeautifulSoup((tmp_path / "out" / "brook-lane" / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = page.select_one("article").get_text(" ")
    for words in ("Brook Lane Primary School", "Amira Khan, Deputy Headteacher", "Dev O'Neill", "Lou Grant",
                  "September 2025"):
        assert words in text, words


def test_new_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    (tmp_path / "brook-lane.yml").write_text("# ours\n", encoding="utf-8")
    assert cli.main(["new", "brook-lane", *FLAGS]) == 1
    assert "this school already exists; edit its file, or choose another name" in capsys.readouterr().err
    assert (tmp_path / "brook-lane.yml").read_text(encoding="utf-8") == "# ours\n"


def test_missing_flags_without_a_terminal_are_listed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert cli.main(["new", "brook-lane", "--name", "Brook Lane"]) == 1
    err = capsys.readouterr().err
    assert err.rstrip().endswith(
        "brook-lane.yml: missing --designated-teacher, --designated-governor, --safeguarding-lead, "
        "--ratified, --next-review; give them as flags, or run `policy new brook-lane` at a terminal to be asked")
    assert not (tmp_path / "brook-lane.yml").exists()


def test_questions_are_asked_for_what_is_missing(tmp_path):
    answers = iter(["Amira Khan, Deputy Headteacher", "Jo Bloggs", "", "Dev O'Neill", "",
                    "Amira Khan", "", "December 2025", "Autumn 2026"])
    asked = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    path = create_school(NewSchool("brook-lane", name="Brook Lane"), tmp_path, interactive=True, ask=ask)
    text = path.read_text(encoding="utf-8")
    assert "    - name: Amira Khan\n      title: Deputy Headteacher\n    - name: Jo Bloggs\n" in text
    assert "  ratified: December 2025\n" in text
    assert asked[0].startswith("Designated Teacher for CLA and PLA")


def test_invalid_answers_write_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    flags = [f if f != "Autumn 2026" else "03/12/26" for f in FLAGS]
    assert cli.main(["new", "brook-lane", *flags]) == 1
    assert "dates.next_review: '03/12/26' could be read two ways" in capsys.readouterr().err
    assert not (tmp_path / "brook-lane.yml").exists()


def test_unsafe_slug_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert cli.main(["new", "../evil", *FLAGS]) == 1
    assert "'../evil' cannot name a school file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_hostile_names_are_quoted_and_refused_or_kept_as_text(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    flags = [f if f != "Brook Lane Primary School" else "{{ config }}" for f in FLAGS]
    assert cli.main(["new", "brook-lane", *flags]) == 1
    assert "school.name: remove the curly-brace template markers" in capsys.readouterr().err
    create_school(NewSchool("odd", name='Yes: "St #1" School', designated_teacher=["no"],
                            designated_governor=["A, B"], safeguarding_lead=["C"],
                            ratified="2025-09-01", next_review="Autumn 2026"), tmp_path)
    import yaml
    data = yaml.safe_load((tmp_path / "odd.yml").read_text(encoding="utf-8"))
    assert data["school"]["name"] == 'Yes: "St #1" School'
    assert data["roles"]["designated_teacher"] == [{"name": "no"}]


@pytest.mark.parametrize("value", ["yes", "null", "12", "a: b", "#x", "x #y", "'q'", 'say "hi"', "-", "Oak"])
def test_quote_round_trips(value):
    import yaml
    assert yaml.safe_load(f"k: {quote(value)}")["k"] == value
