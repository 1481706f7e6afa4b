"""The policy plugin: the school inside mkdocs, and every problem told to the user, in `policy build`
and in plain `mkdocs build`, with the file, the line or link, and the school."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import PRINT_VARIANT, log_lines
from macros.paths import PROJECT_DIR, SCHOOLS_DIR

MKDOCS = Path(sys.executable).with_name("mkdocs")
BROKEN_LINK = "\n\nSee [the missing page](no-such-page.md).\n"


@pytest.fixture
def two_schools(tmp_path) -> dict:
    """A schools folder holding Westfield and Hartsfield, so the list of schools is known."""
    folder = tmp_path / "schools"
    folder.mkdir()
    for slug in ("westfield", "hartsfield"):
        shutil.copy(SCHOOLS_DIR / f"{slug}.yml", folder / f"{slug}.yml")
    return {"POLICY_SCHOOLS_DIR": str(folder)}


def _mkdocs_build(project_dir: Path, site: Path, env: dict, school: str | None):
    import os
    import subprocess

    environment = {k: v for k, v in os.environ.items() if k != "SCHOOL"}
    environment.update(env, NO_MKDOCS_2_WARNING="1", **({"SCHOOL": school} if school is not None else {}))
    return subprocess.run([str(MKDOCS), "build", "-q", "-d", str(site)], cwd=project_dir, env=environment,
                          capture_output=True, text=True)


def test_plain_mkdocs_without_a_school_says_in_one_line_how_to_choose_one(tmp_path, two_schools):
    run = _mkdocs_build(PROJECT_DIR, tmp_path / "site", two_schools, school=None)
    assert run.returncode == 1
    assert log_lines(run.stderr) == [
        "ERROR: mkdocs.yml: no school chosen: choose one with `SCHOOL=<slug> mkdocs build`, e.g. "
        "`SCHOOL=hartsfield mkdocs build` (schools: hartsfield, westfield)"]


def test_plain_mkdocs_with_a_wrong_school_names_the_nearest_one(tmp_path, two_schools):
    run = _mkdocs_build(PROJECT_DIR, tmp_path / "site", two_schools, school="westfeld")
    assert run.returncode == 1
    assert log_lines(run.stderr) == [
        "ERROR: SCHOOL=westfeld: there is no school file schools/westfeld.yml; did you mean "
        "`SCHOOL=westfield mkdocs build`? (schools: hartsfield, westfield)"]


def test_plain_mkdocs_with_a_school_name_far_from_any_says_how_to_choose(tmp_path, two_schools):
    run = _mkdocs_build(PROJECT_DIR, tmp_path / "site", two_schools, school="Not A Slug!")
    assert run.returncode == 1
    assert log_lines(run.stderr) == [
        "ERROR: SCHOOL=Not A Slug!: there is no school file schools/Not A Slug!.yml; choose one with "
        "`SCHOOL=<slug> mkdocs build` (schools: hartsfield, westfield)"]


def test_policy_build_names_the_file_the_broken_link_and_the_school(project):
    project.append("docs/intention.md", BROKEN_LINK)
    run = project.policy("build", "westfield", "--out", "site")
    assert run.returncode == 1
    assert run.stderr == ("error: westfield: docs/intention.md: the link 'no-such-page.md' does not work: "
                          "the target is not found among documentation files (building "
                          "schools/westfield.yml)\n")
    assert run.stdout == "built 0 of 1 school sites into site/; failed: westfield\n"
    assert not (project.root / "site" / "westfield").exists()


def test_plain_mkdocs_labels_its_warnings_with_the_school(project):
    project.append("docs/intention.md", BROKEN_LINK)
    run = project.mkdocs("build", "-d", "site", SCHOOL="westfield")
    assert run.returncode == 1
    warnings = [line for line in log_lines(run.stderr) if line.startswith("WARNING")]
    assert warnings == ["WARNING: westfield: Doc file 'intention.md' contains a link 'no-such-page.md', "
                        "but the target is not found among documentation files."]


def _line_of(project, relative: str, text: str) -> int:
    lines = (project.root / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_macro_error_names_the_placeholder_the_page_and_its_line(project):
    project.append("docs/equality.md", "\nThe lead is {{ school.nmae }} here.\n")
    line = _line_of(project, "docs/equality.md", "school.nmae")
    run = project.policy("build", "westfield", "--out", "site")
    assert run.returncode == 1
    assert run.stderr == (f"error: westfield: docs/equality.md:{line}: the placeholder {{{{ school.nmae }}}} "
                          "cannot be filled: 'school' has no 'nmae' (building schools/westfield.yml)\n")


def test_a_macro_that_refuses_its_argument_is_named_with_its_reason(project):
    project.append("docs/equality.md", "\nSee {{ holders('head_cook') }}.\n")
    line = _line_of(project, "docs/equality.md", "head_cook")
    run = project.policy("build", "westfield", "--out", "site")
    assert run.returncode == 1
    assert run.stderr == (f"error: westfield: docs/equality.md:{line}: the placeholder {{{{ holders('head_cook') }}}} "
                          "cannot be filled: unknown role 'head_cook' in a placeholder; roles are "
                          "designated_teacher, designated_governor, safeguarding_lead (building "
                          "schools/westfield.yml)\n")


def test_plain_mkdocs_says_the_same_about_a_macro_error_as_an_error(project):
    project.append("docs/equality.md", "\n{{ nosuch }}\n")
    line = _line_of(project, "docs/equality.md", "nosuch")
    run = project.mkdocs("build", "-d", "site", SCHOOL="westfield")
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert [line for line in log_lines(run.stderr) if line.startswith(("ERROR", "WARNING"))] == [
        f"ERROR: westfield: docs/equality.md:{line}: the placeholder {{{{ nosuch }}}} cannot be filled: "
        "no value is called 'nosuch' (building schools/westfield.yml)"]


def test_the_print_page_joins_the_kept_sections_one_heading_level_down(variant_site):
    """tests/data/print-variant.yml leaves out `equality`, writes `index`, `intention` and
    `planning` itself and repeats a heading: each kept section's text is on the print page,
    in reading order, its headings one level down, every id once."""
    site = variant_site / PRINT_VARIANT

    def article(path: Path) -> BeautifulSoup:
        """The page's policy text, without what the templates add (the feedback block)."""
        found = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("article")
        for added in found.select(".policy-feedback"):
            added.decompose()
        return found

    printed = article(site / "print/index.html")
    ids = [h["id"] for h in printed.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]) if h.has_attr("id")]
    assert len(ids) == len(set(ids))
    assert printed.find(id="deep") is not None and printed.find(id="deep_1") is not None
    assert printed.find(id="equality") is None and not (site / "equality").exists()
    assert [h.name for h in printed.find_all("h1")] == ["h1"]
    headings = [(h.name, h.get_text(" ", strip=True))
                for h in printed.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    position = 0
    for section in ("intention", "impact", "planning", "attendance", "exclusion", "appendix-1"):
        own = article(site / section / "index.html")
        for heading in own.find_all(["h1", "h2", "h3", "h4", "h5"]):
            expected = (f"h{int(heading.name[1]) + 1}", heading.get_text(" ", strip=True))
            assert expected in headings[position:], f"{section}: {expected} not on the print page in order"
            position = headings.index(expected, position) + 1
    assert ("h6", "Six") in headings          # an h6 stays an h6


def test_policy_publish_shows_mkdocs_warning_labelled_with_the_school(project):
    """`policy publish` builds with the batch builder: the mkdocs warning reaches the user with
    the school's name, and nothing is published."""
    import subprocess

    identity = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    project.append("docs/intention.md", BROKEN_LINK)
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "the project"]):
        subprocess.run(command, cwd=project.root, env={**identity, "PATH": "/usr/bin:/bin"}, check=True)
    run = project.policy("publish", "westfield", "--version", "2024-25", **identity)
    assert run.returncode == 1
    lines = run.stderr.splitlines()
    assert lines == ["error: schools/westfield.yml: docs/intention.md: the link 'no-such-page.md' does "
                     "not work: the target is not found among documentation files (building "
                     "schools/westfield.yml)", "error: not published: westfield"]
    branches = subprocess.run(["git", "branch", "--list", "gh-pages"], cwd=project.root, capture_output=True,
                              text=True, check=True)
    assert branches.stdout == ""
