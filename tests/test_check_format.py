"""`policy check --format github`: each finding as a GitHub workflow command on its file's line,
so a mistake shows on that line of a pull request; text stays as a person reads it."""
from __future__ import annotations

from pathlib import Path

from macros import cli
from macros.render.check import Finding, github_line, output_format, text_line
from macros.errors import Problem

GOOD = (Path(__file__).parent / "schools" / "good.yml").read_text(encoding="utf-8")


def school_file(tmp_path, monkeypatch, text: str) -> None:
    (tmp_path / "schools").mkdir()
    (tmp_path / "schools" / "good.yml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    monkeypatch.chdir(tmp_path)           # files are named as the repository names them


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_an_error_is_an_error_annotation_on_its_line_and_column_titled_with_its_field():
    finding = Finding("error", Problem("schools/a.yml", "write a date such as 3 December 2023",
                                       "dates.ratified", 12, 14))
    assert github_line(finding) == ("::error file=schools/a.yml,line=12,col=14,title=dates.ratified"
                                    "::write a date such as 3 December 2023")


def test_a_problem_without_a_line_is_annotated_on_the_file():
    finding = Finding("error", Problem("schools/a.yml", "the file is empty"))
    assert github_line(finding) == "::error file=schools/a.yml::the file is empty"


def test_a_note_is_a_notice_and_a_good_file_is_a_plain_line_in_the_log():
    assert github_line(Finding("note", Problem("schools/a.yml", "2 references"))) == \
        "::notice file=schools/a.yml::2 references"
    assert github_line(Finding("ok", Problem("schools/a.yml", ""))) == "ok: schools/a.yml"


def test_line_breaks_and_percent_signs_cannot_end_the_command_early():
    finding = Finding("warning", Problem("schools/a.yml", "100% done\nnext line\r", "a,b:c", 1))
    assert github_line(finding) == ("::warning file=schools/a.yml,line=1,title=a%2Cb%3Ac"
                                    "::100%25 done%0Anext line%0D")


def test_text_lines_read_as_before():
    problem = Problem("schools/a.yml", "has passed", "dates.next_review", 31, 3)
    assert text_line(Finding("warning", problem)) == \
        "warning: schools/a.yml:31:3: dates.next_review: has passed"
    assert text_line(Finding("ok", Problem("schools/a.yml", ""))) == "ok: schools/a.yml"


def test_auto_is_github_inside_github_actions_and_text_elsewhere():
    assert output_format("auto", {"GITHUB_ACTIONS": "true"}) == "github"
    assert output_format("auto", {}) == "text"
    assert output_format("text", {"GITHUB_ACTIONS": "true"}) == "text"


def test_check_puts_a_passed_review_date_on_the_next_review_line(tmp_path, monkeypatch, capsys):
    text = GOOD.replace("next_review: Autumn 2029", "next_review: Autumn 2024")
    school_file(tmp_path, monkeypatch, text)
    assert cli.main(["check", "--format", "github", "good"]) == 0
    out = capsys.readouterr().out.splitlines()
    line = line_of(text, "  next_review:")
    assert (f"::warning file=schools/good.yml,line={line},col=3,title=dates.next_review::the next "
            "review date (Autumn 2024) has passed: review the policy and update dates.next_review") in out


def test_check_puts_a_bad_value_on_its_line_and_fails(tmp_path, monkeypatch, capsys):
    text = GOOD.replace("  setting: school", "  setting: academy")
    school_file(tmp_path, monkeypatch, text)
    assert cli.main(["check", "--format", "github", "good"]) == 1
    captured = capsys.readouterr()
    (error,) = [line for line in captured.out.splitlines() if line.startswith("::error ")]
    assert error.startswith(f"::error file=schools/good.yml,line={line_of(text, '  setting:')},col=")
    assert ",title=school.setting::" in error and captured.err == ""


def test_check_uses_annotations_when_github_actions_runs_it(tmp_path, monkeypatch, capsys):
    school_file(tmp_path, monkeypatch, GOOD.replace("  setting: school", "  setting: academy"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert cli.main(["check", "good"]) == 1
    assert capsys.readouterr().out.startswith("::error file=schools/good.yml,line=")
