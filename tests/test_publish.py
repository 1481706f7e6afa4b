"""`policy publish` into a real bare git repository used as the remote.

One module fixture seeds the remote's pages branch with another school's folder (a version
published before the assets were shared, with its own `assets/`) and one shared file, then
publishes st-josephs 2022-23, 2023-24 and 2024-25 and re-publishes a corrected 2023-24: four
in-process publishes of one school each, with the batch builder.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import material
import pytest
from bs4 import BeautifulSoup

from macros.cli import main
from macros.errors import PolicyError
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS, shared_name
from macros.publish.publish import publish
from macros.publish.retention import Retention
from macros.school.loader import load_school
from macros.school.schema import version_name_problem
from pages_branch import (SLUG, bare, clone, files_under, git, inconsistencies, local_links,
                          show, versions, write_school)

OTHER = "other-school"
# material's favicon under its shared name (a hash of its content in the name).
FAVICON = shared_name(Path(material.__file__).parent / "templates/assets/images/favicon.png",
                      "assets/images/favicon.png")
VERSIONS = {"2022-23": ("November 2022", "Autumn 2023"), "2023-24": ("November 2023", "Autumn 2024"),
            "2024-25": ("November 2024", "Autumn 2025")}


def seed_other_school(root: Path, remote: Path) -> None:
    """Another school on the remote's pages branch, as an earlier publish left it (before the
    assets were shared), and one shared file another school's publish added."""
    seed = root / "seed"
    files = {f"{OTHER}/versions.json": json.dumps([{"version": "2023-24", "title": "2023-24",
                                                     "aliases": ["latest"]}]),
             f"{OTHER}/2023-24/index.html": "<!doctype html><title>Other School</title>"
                                            '<link rel="stylesheet" href="assets/policy.css">',
             f"{OTHER}/2023-24/print/index.html": "<!doctype html><title>Other School</title>",
             f"{OTHER}/2023-24/assets/policy.css": "body { color: black }",
             f"{OTHER}/index.html": "<!doctype html><title>Other School history</title>",
             f"{SHARED_ASSETS}/{FAVICON}": "already published",
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


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    remote, schools = bare(root), root / "schools"
    work = clone(root, "work", remote)
    seed_other_school(root, remote)
    seeded = git(remote, "rev-parse", "gh-pages")
    other_tree = git(remote, "rev-parse", f"gh-pages:{OTHER}")
    results, tips = [], []
    steps = [(v, *dates, "St Joseph's School") for v, dates in VERSIONS.items()]
    steps.append(("2023-24", *VERSIONS["2023-24"], "St Joseph's Corrected"))  # a correction
    for version, ratified, review, name in steps:
        write_school(schools, SLUG, version, ratified, review, name)
        results.append(publish([SLUG], remote="origin", push=True, repo_dir=work,
                               schools_dir=schools, jobs=1))
        tips.append(git(remote, "rev-parse", "gh-pages"))
    checkout = root / "checkout"
    git(root, "clone", "-q", "--branch", "gh-pages", str(remote), str(checkout))
    return dict(root=root, remote=remote, work=work, schools=schools, checkout=checkout,
                other_tree=other_tree, results=results, tips=tips, seeded=seeded)


def test_every_version_has_its_record_and_print_page(pages):
    site = pages["checkout"] / SLUG
    for version in VERSIONS:
        assert (site / version / "print" / "index.html").is_file()
        record = json.loads((site / version / "policy.json").read_text())
        assert record["version"] == version and record["model"].startswith("CSF4093")
        assert len(record["fingerprint"]) == 64
    assert json.loads((site / "2024-25" / "policy.json").read_text())["ratified"] == "2024-11-01"


def test_versions_json_lists_every_version_and_latest_names_the_newest(pages):
    assert versions(pages["remote"], "gh-pages") == {"2024-25": ["latest"], "2023-24": [], "2022-23": []}
    latest = (pages["checkout"] / SLUG / "latest" / "index.html").read_text()
    assert 'href="../2024-25/"' in latest and '<html lang="en-GB">' in latest
    deeper = (pages["checkout"] / SLUG / "latest" / "intention" / "index.html").read_text()
    assert 'href="../../2024-25/intention/"' in deeper


def test_mike_lists_the_versions_on_the_branch(pages):
    mike = Path(sys.executable).with_name("mike")
    run = subprocess.run([str(mike), "list", "--config-file", str(Path("mkdocs.yml").resolve()),
                          "--deploy-prefix", SLUG, "--branch", "gh-pages"], cwd=pages["work"],
                         env=dict(os.environ, SCHOOL=SLUG, NO_MKDOCS_2_WARNING="1",
                                  POLICY_SCHOOLS_DIR=str(pages["schools"])),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["2024-25 [latest]", "2023-24", "2022-23"]


def test_publishing_a_version_again_replaces_it_and_leaves_latest_on_the_newer(pages):
    page = (pages["checkout"] / SLUG / "2023-24" / "index.html").read_text()
    assert "St Joseph&#39;s Corrected" in page or "St Joseph's Corrected" in page
    assert "Corrected" not in (pages["checkout"] / SLUG / "2024-25" / "index.html").read_text()
    (again,) = pages["results"][3].published
    assert not again.moved_alias and again.note == ("'latest' stays on 2024-25, which was ratified "
                                                    "after 2023-24")


def test_each_publish_is_one_commit_and_every_tip_is_consistent(pages):
    remote, tips = pages["remote"], pages["tips"]
    assert git(remote, "rev-list", "--count", f"{pages['seeded']}..gh-pages") == str(len(tips))
    parents = [pages["seeded"], *tips[:-1]]
    for tip, parent in zip(tips, parents):
        assert git(remote, "rev-parse", f"{tip}^@") == parent
        assert inconsistencies(remote, tip) == []
    assert git(pages["work"], "rev-parse", "gh-pages") == tips[-1]


def test_history_page_lists_every_version_newest_first(pages):
    page = (pages["checkout"] / SLUG / "index.html").read_text()
    assert page.index('href="2024-25/"') < page.index('href="2023-24/"') < page.index('href="2022-23/"')
    for text in ("November 2024", "Autumn 2025", "November 2023", "November 2022"):
        assert text in page


def test_landing_lists_every_school_with_its_current_version(pages):
    page = BeautifulSoup((pages["checkout"] / "index.html").read_text(), "html.parser")
    rows = {a.get_text(): a["href"] for a in page.select("tbody th a")}
    # The name is the newest version's (the correction was to the older one).
    assert rows == {"St Joseph's School": f"{SLUG}/2024-25/", "Other School": f"{OTHER}/2023-24/"}
    assert (pages["checkout"] / ".nojekyll").is_file()


def test_other_schools_folder_is_untouched(pages):
    assert git(pages["remote"], "rev-parse", f"gh-pages:{OTHER}") == pages["other_tree"]


def test_an_older_version_tells_its_reader_that_a_newer_one_exists(pages):
    """Material's version selector reads versions.json when the page opens and unhides the
    banner on a version that `latest` does not name; the banner links to `latest/`."""
    page = BeautifulSoup((pages["checkout"] / SLUG / "2023-24" / "intention" / "index.html").read_text(),
                         "html.parser")
    config = json.loads(page.find("script", id="__config").string)
    assert config["version"] == {"provider": "mike", "alias": True, "default": "latest"}
    banner = page.select_one('[data-md-component="outdated"]')
    link = banner.find("a")
    assert banner.get_text(" ", strip=True).startswith("A newer version of this policy has been published.")
    assert link.get_text() == "Read the current version of the policy" and link["href"] == "../../latest/"


# --- retention: older versions keep their print page and record ---------------------------

def test_a_version_older_than_the_two_newest_keeps_its_print_page_and_record(pages):
    old = pages["checkout"] / SLUG / "2022-23"
    record = json.loads((old / "policy.json").read_text())
    assert record["retired"] is True and record["version"] == "2022-23"
    printed = BeautifulSoup((old / "print" / "index.html").read_text(), "html.parser")
    whole = BeautifulSoup(show(pages["remote"], pages["tips"][0], f"{SLUG}/2022-23/print/index.html"),
                          "html.parser")
    assert printed.find("article").get_text() == whole.find("article").get_text()
    assert printed.select_one(".md-header") is not None and printed.select_one("footer") is not None
    # Its site navigation and search led to pages it no longer has.
    assert whole.select(".md-sidebar--primary") and not printed.select(".md-sidebar--primary")
    assert not printed.select('[data-md-component="search"], label[for="__drawer"]')
    assert not (old / "search").exists()
    assert not (pages["checkout"] / SLUG / "2023-24" / "policy.json").read_text().count("retired")


def test_a_retired_versions_old_addresses_forward_to_its_print_page(pages):
    old = pages["checkout"] / SLUG / "2022-23"
    for page, href in (("index.html", "print/"), ("intention/index.html", "../print/")):
        soup = BeautifulSoup((old / page).read_text(), "html.parser")
        assert soup.find("link", rel="canonical")["href"] == href
        assert soup.find("main").find("a")["href"] == href
    kept = {p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file()
            and "Read version 2022-23 of the policy as one page" not in p.read_text()}
    assert kept == {"print/index.html", "policy.json"}


def test_retention_keeps_every_version_whole_when_asked():
    assert Retention.parse("all").retired(["c", "b", "a"]) == []
    assert Retention.parse("2").retired(["c", "b", "a"]) == ["a"]
    with pytest.raises(PolicyError) as error:
        Retention.parse("0")
    assert str(error.value) == ("policy publish: --keep-full: --keep-full must be a whole number of "
                                "at least 1 (how many of a school's newest versions stay whole) or "
                                "'all', not '0'")


# --- the static assets: once, at the top of the branch -------------------------------------

def test_a_published_version_has_no_assets_folder_and_no_404_page(pages):
    for version in ("2023-24", "2024-25"):
        site = pages["checkout"] / SLUG / version
        assert not (site / "assets").exists() and not (site / "404.html").exists()
        assert not list(site.rglob("*.css")) and not list(site.rglob("*.js")), "an asset in the version"
        assert not [p for p in site.rglob(".*")], "a builder's hidden file on the branch"
    assert not (pages["checkout"] / "404.html").exists()


def test_every_link_of_a_published_version_resolves_on_the_branch(pages):
    root = pages["checkout"]
    links = local_links(root, f"{SLUG}/2024-25")
    assert len(links) >= 15
    missing = [f"{page} -> {path}" for page, paths in links.items() for path in sorted(paths)
               if not (root / path).is_file()]
    assert not missing, "links to files that are not on the branch:\n" + "\n".join(missing)
    home = links[f"{SLUG}/2024-25/index.html"]
    for kind in ("stylesheets/main.", "javascripts/bundle.", "javascripts/workers/search.",
                 "images/favicon.", "assets/policy."):
        assert any(path.startswith(SHARED_ASSETS) and kind in path for path in home), kind


def test_shared_assets_hold_each_file_once_and_only_files_a_page_uses(pages):
    listing = files_under(pages["remote"], "gh-pages", SHARED_ASSETS)
    assert len({sha for sha, _ in listing.values()}) == len(listing), "one file under two names"
    used = {path for paths in local_links(pages["checkout"], SLUG).values() for path in paths
            if path.startswith(SHARED_ASSETS)}
    assert used == set(listing), "shared files no page uses, or used and missing"


def test_a_shared_file_already_on_the_branch_is_kept_as_it_is(pages):
    assert (pages["checkout"] / SHARED_ASSETS / FAVICON).read_text() == "already published"


def test_a_version_published_with_its_own_assets_is_untouched(pages):
    old = pages["checkout"] / OTHER / "2023-24"
    assert (old / "assets" / "policy.css").read_text() == "body { color: black }"


# --- runs that converge ---------------------------------------------------------------------

def test_a_run_with_nothing_to_publish_makes_no_commit(pages):
    before = git(pages["remote"], "rev-parse", "gh-pages")
    result = publish([SLUG], remote="origin", push=True, repo_dir=pages["work"],
                     schools_dir=pages["schools"])
    assert (result.published, result.current, result.changed) == ([], [SLUG], False)
    assert git(pages["remote"], "rev-parse", "gh-pages") == before


# --- refused before anything is built: the branch is left as it was -------------------------

def _refs(pages) -> tuple[str, str]:
    return (git(pages["work"], "rev-parse", "gh-pages"), git(pages["remote"], "rev-parse", "gh-pages"))


@pytest.mark.parametrize("kwargs, message", [
    (dict(slugs=["no-such-school"]), "no such school file"),
    (dict(version="../escape"), "'../escape' cannot be used as the version: it becomes part of the web address"),
    (dict(version="2024/25"), "cannot be used as the version"),
    (dict(version="versions.json"), "policy publish: --version: 'versions.json' cannot be used as the "
                                    "version: the pages branch keeps a file or folder of its own under "
                                    "the name 'versions.json', so a version of that name would break "
                                    "the school's folder; use a name like 2024-25"),
    (dict(version="index.html"), "under the name 'index.html'"),
    (dict(version="shared-assets"), "under the name 'shared-assets'"),
    (dict(version="latest"), "under the name 'latest'"),
    (dict(alias="la test"), "'la test' cannot be used as the alias: it becomes part of the web address"),
    (dict(alias="versions.json"), "so an alias of that name would break"),
    (dict(remote="nowhere"), "there is no git remote 'nowhere'"),
    (dict(slugs=["broken"]), "broken.yml"),
])
def test_bad_input_is_refused_and_changes_nothing(pages, kwargs, message):
    write_school(pages["schools"], "broken", "2025-26", "Someday", "Autumn 2025")
    before = _refs(pages)
    options = dict(slugs=[SLUG], remote="origin", push=True, repo_dir=pages["work"],
                   schools_dir=pages["schools"], force=True)
    options.update(kwargs)
    try:
        with pytest.raises(PolicyError) as error:
            result = publish(options.pop("slugs"), **options)
            if result.problems:
                raise PolicyError(result.problems)
    finally:
        (pages["schools"] / "broken.yml").unlink()
    assert message in str(error.value)
    assert _refs(pages) == before


@pytest.mark.parametrize("name", ["versions.json", "index.html", "shared-assets", "latest",
                                  "404.html", "Index.HTML", "notes.txt"])
def test_a_school_file_whose_version_names_a_file_of_the_branch_fails_the_check(tmp_path, name):
    path = write_school(tmp_path, SLUG, name, "November 2024", "Autumn 2025")
    with pytest.raises(PolicyError) as error:
        load_school(path)
    assert str(error.value).endswith(
        f"version: the pages branch keeps a file or folder of its own under the name '{name}', so a "
        "version of that name would break the school's folder; use a name like 2024-25")


def test_ordinary_version_names_are_accepted():
    for name in ("2024-25", "2024-25a", "v2", "2025.1", "spring_2025"):
        assert version_name_problem(name) is None


def test_a_school_called_like_the_shared_folder_is_refused(pages):
    write_school(pages["schools"], SHARED_ASSETS, "2025-26", "November 2024", "Autumn 2025")
    before = _refs(pages)
    try:
        with pytest.raises(PolicyError) as error:
            publish([SHARED_ASSETS], remote="origin", push=True, repo_dir=pages["work"],
                    schools_dir=pages["schools"])
    finally:
        (pages["schools"] / f"{SHARED_ASSETS}.yml").unlink()
    assert str(error.value) == (f"schools/{SHARED_ASSETS}.yml: a school cannot be called "
                                f"'{SHARED_ASSETS}': that folder holds the files every school's pages "
                                "share; rename the school file")
    assert _refs(pages) == before


def test_publishing_without_the_plugin_installed_is_refused(pages, monkeypatch):
    monkeypatch.setattr("macros.publish.site_build.SHARED_PLUGIN", "policy-not-installed")
    before = _refs(pages)
    with pytest.raises(PolicyError) as error:
        publish([SLUG], remote="origin", push=True, repo_dir=pages["work"], schools_dir=pages["schools"])
    assert str(error.value) == ("policy publish: the mkdocs plugin 'policy-not-installed' is not "
                                "installed, so the pages could not share their assets; install the "
                                "project again with `make .venv/bin/policy`, then publish")
    assert _refs(pages) == before


def test_with_only_the_committer_known_publishing_is_refused_before_building(pages, tmp_path, monkeypatch):
    work = tmp_path / "anonymous"
    git(tmp_path, "init", "-q", str(work))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("EMAIL", "")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Committer Only")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.org")
    monkeypatch.setattr("macros.publish.publish.build_batch", None)  # never reached
    with pytest.raises(PolicyError) as error:
        publish([SLUG], repo_dir=work, schools_dir=pages["schools"])
    assert str(error.value) == (
        "policy publish: git does not know who is publishing (the commit's author has no name or "
        "email); run `git config user.name \"Your Name\"` and `git config user.email "
        "you@example.org` in this repository (or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL), then "
        "publish again")
    assert git(work, "for-each-ref") == ""


def test_a_refused_push_leaves_the_local_branch_where_it_was(pages, tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(pages["remote"]), str(remote))
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pages are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    work = clone(tmp_path, "work", remote)
    git(work, "fetch", "-q", "origin", "gh-pages:gh-pages")
    git(work, "update-ref", "refs/heads/gh-pages", pages["seeded"])   # behind the remote
    schools = tmp_path / "schools"
    write_school(schools, SLUG, "2025-26", "November 2025", "Autumn 2026")
    with pytest.raises(PolicyError) as error:
        publish([SLUG], remote="origin", push=True, repo_dir=work, schools_dir=schools, jobs=1)
    assert str(error.value).startswith("policy publish: --remote: origin refused the push of gh-pages, "
                                       "so nothing was published and the local gh-pages is as it was: ")
    assert git(work, "rev-parse", "gh-pages") == pages["seeded"]
    assert git(remote, "rev-parse", "gh-pages") == git(pages["remote"], "rev-parse", "gh-pages")


def test_cli_reports_an_unknown_school_plainly(capsys):
    assert main(["publish", "no-such-school"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such school file" in err and "Traceback" not in err


def test_cli_asks_for_schools_or_all(capsys):
    assert main(["publish"]) == 1
    assert capsys.readouterr().err == ("error: policy publish: SLUG: name the schools to publish "
                                       "(their files' names without .yml), or give --all for every "
                                       "school\n")


def test_a_scratch_folder_left_by_a_killed_publish_is_removed_by_the_next(tmp_path):
    from macros.publish.workspace import FOLDER, workspace

    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    root = repo / ".git" / FOLDER
    (root / "run-dead").mkdir(parents=True)
    (root / "run-dead.lock").write_text("")
    os.utime(root / "run-dead.lock", (0, 0))
    os.utime(root / "run-dead", (0, 0))
    with workspace(repo) as scratch:
        assert sorted(p.name for p in root.iterdir()) == sorted([scratch.name, scratch.name + ".lock"])
    assert list(root.iterdir()) == []
    shutil.rmtree(root)


# --- what changed since the version before ------------------------------------------------

def test_every_version_after_the_first_has_a_what_changed_page_linked_from_the_history(pages):
    site = pages["checkout"] / SLUG
    assert not (site / "2022-23" / "changes").exists()
    history = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    links = {a["href"]: a.get_text() for a in history.find_all("a") if "changes" in a["href"]}
    assert links == {"2024-25/changes/": "What changed since version 2023-24",
                     "2023-24/changes/": "What changed since version 2022-23"}
    for version, previous in (("2024-25", "2023-24"), ("2023-24", "2022-23")):
        page = BeautifulSoup((site / version / "changes" / "index.html").read_text(), "html.parser")
        assert page.find("h1").get_text() == f"What changed since version {previous}"
        assert json.loads((site / version / "policy.json").read_text())["changes_since"] == previous


def test_an_alias_named_like_a_published_version_is_refused_and_changes_nothing(pages):
    before = _refs(pages)
    with pytest.raises(PolicyError) as error:
        publish([SLUG], alias="2022-23", remote="origin", push=True, repo_dir=pages["work"],
                schools_dir=pages["schools"], force=True, jobs=1)
    assert str(error.value) == ("policy publish: --alias: the alias '2022-23' is the name of a "
                                f"version of {SLUG} already on the branch; choose another alias")
    assert _refs(pages) == before
