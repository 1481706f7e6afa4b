"""`policy publish` into a real bare git repository used as the remote.

One module fixture seeds the remote's pages branch with another school's folder, then
publishes st-josephs 2023-24 and 2024-25 and re-publishes 2023-24 (three mike deploys).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from macros.cli import main
from macros.errors import PolicyError
from macros.model import SCHOOLS_DIR
from macros.publish import publish, schools_to_publish

SLUG, OTHER = "st-josephs", "other-school"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def write_school(schools: Path, slug: str, version: str, ratified: str, review: str,
                 name: str = "St Joseph's School") -> None:
    text = (SCHOOLS_DIR / f"{SLUG}.yml").read_text(encoding="utf-8")
    text = text.replace("version: 2023-24", f"version: {version}")
    text = text.replace("ratified: November 2023", f"ratified: {ratified}")
    text = text.replace("next_review: Autumn 2024", f"next_review: {review}")
    text = text.replace("name: St Joseph's School", f"name: {name}")
    (schools / f"{slug}.yml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    remote, work, schools = root / "remote.git", root / "work", root / "schools"
    schools.mkdir()
    git(root, "init", "-q", "--bare", str(remote))
    git(root, "init", "-q", "-b", "main", str(work))
    git(work, "config", "user.name", "Test Publisher")
    git(work, "config", "user.email", "publisher@example.org")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "commit", "-q", "--allow-empty", "-m", "start")

    def run(slug, **kw):
        return publish(slug, remote="origin", push=True, repo_dir=work, schools_dir=schools, **kw)

    # Another school already on the remote's pages branch (as an earlier publish left it).
    seed = root / "seed"
    files = {f"{OTHER}/versions.json": json.dumps([{"version": "2023-24", "title": "2023-24",
                                                     "aliases": ["latest"]}]),
             f"{OTHER}/2023-24/index.html": "<!doctype html><title>Other School</title>",
             f"{OTHER}/2023-24/policy.json": json.dumps({
                 "version": "2023-24", "ratified": "2023-10-01", "ratified_text": "October 2023",
                 "next_review": "2024-09-30", "next_review_text": "September 2024",
                 "model": "CSF4093 issue 12, August 2023", "school": "Other School"})}
    for name, text in files.items():
        (seed / name).parent.mkdir(parents=True, exist_ok=True)
        (seed / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "gh-pages", str(seed))
    git(seed, "add", ".")
    git(seed, "-c", "user.name=Seed", "-c", "user.email=seed@example.org", "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", str(remote), "gh-pages")
    other_tree = git(remote, "rev-parse", f"gh-pages:{OTHER}")
    write_school(schools, SLUG, "2023-24", "November 2023", "Autumn 2024")
    first = run(SLUG)
    write_school(schools, SLUG, "2024-25", "November 2024", "Autumn 2025")
    second = run(SLUG)
    # A correction to the older version: replaced in place, `latest` stays on 2024-25.
    write_school(schools, SLUG, "2023-24", "November 2023", "Autumn 2024", "St Joseph's Corrected")
    again = run(SLUG)
    checkout = root / "checkout"
    git(root, "clone", "-q", "--branch", "gh-pages", str(remote), str(checkout))
    return dict(root=root, remote=remote, work=work, schools=schools, checkout=checkout,
                other_tree=other_tree, results=(first, second, again))


def test_both_versions_are_published_side_by_side(pages):
    site = pages["checkout"] / SLUG
    for version in ("2023-24", "2024-25"):
        assert (site / version / "index.html").is_file()
        assert (site / version / "print" / "index.html").is_file()
        record = json.loads((site / version / "policy.json").read_text())
        assert record["version"] == version and record["model"].startswith("CSF4093")
    assert json.loads((site / "2024-25" / "policy.json").read_text())["ratified"] == "2024-11-01"


def test_versions_json_lists_both_and_latest_points_at_the_newer(pages):
    versions = json.loads((pages["checkout"] / SLUG / "versions.json").read_text())
    assert sorted(v["version"] for v in versions) == ["2023-24", "2024-25"]
    assert {v["version"]: v["aliases"] for v in versions} == {"2024-25": ["latest"], "2023-24": []}
    latest = (pages["checkout"] / SLUG / "latest" / "index.html").read_text()
    assert 'href="../2024-25/"' in latest and '<html lang="en-GB">' in latest
    assert pages["results"][2].aliases == [] and "2024-25" in pages["results"][2].note


def test_publishing_a_version_again_replaces_it(pages):
    page = (pages["checkout"] / SLUG / "2023-24" / "index.html").read_text()
    assert "St Joseph&#39;s Corrected" in page or "St Joseph's Corrected" in page
    newer = (pages["checkout"] / SLUG / "2024-25" / "index.html").read_text()
    assert "Corrected" not in newer


def test_history_page_lists_both_versions_with_dates_newest_first(pages):
    page = (pages["checkout"] / SLUG / "index.html").read_text()
    assert page.index('href="2024-25/"') < page.index('href="2023-24/"')
    for text in ("November 2024", "Autumn 2025", "November 2023", "Autumn 2024"):
        assert text in page
    assert 'aria-live="polite"' in page and '<label for="in-force-date">' in page


def test_landing_lists_every_school_with_its_current_version(pages):
    page = (pages["checkout"] / "index.html").read_text()
    assert f'href="{SLUG}/2024-25/"' in page and f'href="{OTHER}/2023-24/"' in page
    assert "Other School" in page and "Autumn 2025" in page
    assert (pages["checkout"] / ".nojekyll").is_file()


def test_other_schools_folder_is_untouched(pages):
    assert git(pages["remote"], "rev-parse", f"gh-pages:{OTHER}") == pages["other_tree"]


def test_pages_use_the_version_selector(pages):
    page = (pages["checkout"] / SLUG / "2024-25" / "index.html").read_text()
    assert '"provider": "mike"' in page


def _refs(pages) -> tuple[str, str]:
    return (git(pages["work"], "rev-parse", "gh-pages"), git(pages["remote"], "rev-parse", "gh-pages"))


@pytest.mark.parametrize("kwargs, message", [
    (dict(slug="no-such-school"), "no such school file"),
    (dict(slug=SLUG, version="../escape"), "cannot be used as a version"),
    (dict(slug=SLUG, version="2024/25"), "cannot be used as a version"),
    (dict(slug=SLUG, alias="la test"), "cannot be used as a alias"),
    (dict(slug=SLUG, remote="nowhere"), "there is no git remote 'nowhere'"),
    (dict(slug="broken"), "broken.yml"),
])
def test_bad_input_is_refused_and_changes_nothing(pages, kwargs, message):
    write_school(pages["schools"], "broken", "2025-26", "Someday", "Autumn 2025")
    before = _refs(pages)
    with pytest.raises(PolicyError) as error:
        publish(**dict(dict(remote="origin", push=True, repo_dir=pages["work"],
                            schools_dir=pages["schools"]), **kwargs))
    assert message in str(error.value)
    assert _refs(pages) == before
    (pages["schools"] / "broken.yml").unlink()


def test_cli_reports_an_unknown_school_plainly(capsys):
    assert main(["publish", "no-such-school"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such school file" in err and "Traceback" not in err


def test_changed_schools():
    slugs = ["a", "b", "c"]
    assert schools_to_publish(["schools/b.yml", "README.md"], slugs) == ["b"]
    assert schools_to_publish(["schools/gone.yml"], slugs) == []
    assert schools_to_publish(["schools/schema.json", "tests/x.py"], slugs) == []
    for shared in ("docs/index.md", "macros/site.py", "mkdocs.yml", "overrides/main.html"):
        assert schools_to_publish([shared], slugs) == slugs
