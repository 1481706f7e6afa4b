"""`policy publish` into a real bare git repository used as the remote.

One module fixture seeds the remote's pages branch with another school's folder (a version
published before the assets were shared, with its own `assets/`) and one shared file, then
publishes st-josephs 2023-24 and 2024-25 and re-publishes 2023-24 (three mike deploys).
"""
from __future__ import annotations

import json
import posixpath
import subprocess
from pathlib import Path

import material
import pytest
from bs4 import BeautifulSoup

from macros.cli import main
from macros.errors import PolicyError
from macros.paths import SCHOOLS_DIR
from macros.publish.publishing import publish, schools_to_publish
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS, shared_name

SLUG, OTHER = "st-josephs", "other-school"
# material's favicon under its shared name (a hash of its content in the name).
FAVICON = shared_name(Path(material.__file__).parent / "templates/assets/images/favicon.png",
                      "assets/images/favicon.png")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def files_under(repo: Path, rev: str, folder: str) -> dict[str, tuple[str, int]]:
    """Every file under `folder` in `rev`: path -> (blob id, size)."""
    listing = {}
    for line in git(repo, "ls-tree", "-r", "-l", rev, "--", folder).splitlines():
        meta, path = line.split("\t", 1)
        _, _, sha, size = meta.split()
        listing[path] = (sha, int(size))
    return listing


def local_links(root: Path, folder: str) -> dict[str, set[str]]:
    """Every link a page under `root/folder` makes to the same site (href, src, and the search
    worker in material's `__config`), as a path from `root`: page -> paths. A link to a
    folder is to its index.html."""
    found = {}
    for page in sorted((root / folder).rglob("*.html")):
        name = page.relative_to(root).as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        urls = [tag[attribute] for attribute in ("href", "src")
                for tag in soup.find_all(attrs={attribute: True})]
        config = soup.find("script", id="__config")
        if config is not None:
            urls.append(json.loads(config.string)["search"])
        paths = set()
        for url in urls:
            url = url.split("#", 1)[0].split("?", 1)[0]
            if not url or ":" in url or url.startswith("/"):
                continue                       # this page, another site, or data: / mailto:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(name), url))
            paths.add(path + "/index.html" if url.endswith("/") or url in (".", "..") else path)
        found[name] = paths
    return found


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

    # Another school already on the remote's pages branch (as an earlier publish left it,
    # before the assets were shared), and one shared file another school's publish added.
    seed = root / "seed"
    files = {f"{OTHER}/versions.json": json.dumps([{"version": "2023-24", "title": "2023-24",
                                                     "aliases": ["latest"]}]),
             f"{OTHER}/2023-24/index.html": "<!doctype html><title>Other School</title>"
                                            '<link rel="stylesheet" href="assets/policy.css">',
             f"{OTHER}/2023-24/assets/policy.css": "body { color: black }",
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
    other_tree = git(remote, "rev-parse", f"gh-pages:{OTHER}")
    shared = []             # shared-assets/ after each publish

    def publish_and_list(**kw):
        result = run(SLUG, **kw)
        shared.append(files_under(remote, "gh-pages", SHARED_ASSETS))
        return result

    write_school(schools, SLUG, "2023-24", "November 2023", "Autumn 2024")
    first = publish_and_list()
    write_school(schools, SLUG, "2024-25", "November 2024", "Autumn 2025")
    second = publish_and_list()
    # A correction to the older version: replaced in place, `latest` stays on 2024-25.
    write_school(schools, SLUG, "2023-24", "November 2023", "Autumn 2024", "St Joseph's Corrected")
    again = publish_and_list()
    checkout = root / "checkout"
    git(root, "clone", "-q", "--branch", "gh-pages", str(remote), str(checkout))
    return dict(root=root, remote=remote, work=work, schools=schools, checkout=checkout,
                other_tree=other_tree, results=(first, second, again), shared=shared)


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


# --- the static assets: once, at the top of the branch -------------------------------------

def test_a_published_version_has_no_assets_folder_and_no_404_page(pages):
    for version in ("2023-24", "2024-25"):
        site = pages["checkout"] / SLUG / version
        assert not (site / "assets").exists() and not (site / "404.html").exists()
        assert not list(site.rglob("*.css")) and not list(site.rglob("*.js")), "an asset in the version"
    assert not (pages["checkout"] / "404.html").exists()


def test_every_link_of_a_published_version_resolves_on_the_branch(pages):
    root = pages["checkout"]
    links = local_links(root, f"{SLUG}/2024-25")
    assert len(links) >= 15
    missing = [f"{page} -> {path}" for page, paths in links.items() for path in sorted(paths)
               if not (root / path).is_file()]
    assert not missing, "links to files that are not on the branch:\n" + "\n".join(missing)
    assets = {path for paths in links.values() for path in paths if not path.endswith(".html")
              and not path.startswith(f"{SLUG}/2024-25/search/")}
    assert assets and all(path.startswith(f"{SHARED_ASSETS}/assets/") for path in assets), assets
    # Each page loads the stylesheets, scripts and favicon, and searches with the shared worker.
    home = links[f"{SLUG}/2024-25/index.html"]
    for kind in ("stylesheets/main.", "javascripts/bundle.", "javascripts/workers/search.",
                 "images/favicon.", "assets/policy."):
        assert any(path.startswith(SHARED_ASSETS) and kind in path for path in home), kind


def test_shared_assets_hold_each_file_once(pages):
    first, *_ = pages["shared"]
    listing = files_under(pages["remote"], "gh-pages", SHARED_ASSETS)
    assert len({sha for sha, _ in listing.values()}) == len(listing), "one file under two names"
    assert sorted(pages["results"][0].shared) == sorted(set(first) - {f"{SHARED_ASSETS}/{FAVICON}"})
    used = {path for paths in local_links(pages["checkout"], SLUG).values() for path in paths
            if path.startswith(SHARED_ASSETS)}
    assert used == set(listing), "shared files no page uses, or used and missing"


def test_a_shared_file_already_on_the_branch_is_kept_as_it_is(pages):
    assert (pages["checkout"] / SHARED_ASSETS / FAVICON).read_text() == "already published"


def test_publishing_another_version_adds_no_shared_files(pages):
    first, second, third = pages["shared"]
    assert first == second == third
    assert [result.shared for result in pages["results"][1:]] == [[], []]


def test_a_version_published_with_its_own_assets_is_untouched(pages):
    old = pages["checkout"] / OTHER / "2023-24"
    assert (old / "assets" / "policy.css").read_text() == "body { color: black }"
    assert local_links(pages["checkout"], f"{OTHER}/2023-24") == {
        f"{OTHER}/2023-24/index.html": {f"{OTHER}/2023-24/assets/policy.css"}}


def test_a_published_school_version_is_under_400_kb(pages):
    remote = pages["remote"]
    version = files_under(remote, "gh-pages", f"{SLUG}/2024-25")
    shared = files_under(remote, "gh-pages", SHARED_ASSETS)
    school = files_under(remote, "gh-pages", SLUG)
    size = sum(n for _, n in version.values())
    print(f"\n{SLUG} 2024-25 as published: {size} bytes in {len(version)} files; the school's "
          f"folder with both versions, history page and aliases: {sum(n for _, n in school.values())} "
          f"bytes; {SHARED_ASSETS}/, once for every school and version: "
          f"{sum(n for _, n in shared.values())} bytes in {len(shared)} files")
    assert size < 400_000


def _refs(pages) -> tuple[str, str]:
    return (git(pages["work"], "rev-parse", "gh-pages"), git(pages["remote"], "rev-parse", "gh-pages"))


@pytest.mark.parametrize("kwargs, message", [
    (dict(slug="no-such-school"), "no such school file"),
    (dict(slug=SLUG, version="../escape"), "cannot be used as a version"),
    (dict(slug=SLUG, version="2024/25"), "cannot be used as a version"),
    (dict(slug=SLUG, alias="la test"), "'la test' cannot be used as an alias: it becomes part of the web address"),
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


def test_a_school_called_like_the_shared_folder_is_refused(pages):
    write_school(pages["schools"], SHARED_ASSETS, "2025-26", "November 2024", "Autumn 2025")
    before = _refs(pages)
    try:
        with pytest.raises(PolicyError) as error:
            publish(SHARED_ASSETS, remote="origin", push=True, repo_dir=pages["work"],
                    schools_dir=pages["schools"])
    finally:
        (pages["schools"] / f"{SHARED_ASSETS}.yml").unlink()
    assert str(error.value).endswith(f"{SHARED_ASSETS}.yml: a school cannot be called '{SHARED_ASSETS}': "
                                     "that folder holds the files every school's pages share; rename the "
                                     "school file")
    assert _refs(pages) == before


def test_publishing_without_the_plugin_installed_is_refused(pages, monkeypatch):
    monkeypatch.setattr("macros.publish.publishing.SHARED_PLUGIN", "policy-not-installed")
    before = _refs(pages)
    with pytest.raises(PolicyError) as error:
        publish(SLUG, remote="origin", push=True, repo_dir=pages["work"], schools_dir=pages["schools"])
    assert str(error.value) == ("policy publish: the mkdocs plugin 'policy-not-installed' is not "
                                "installed, so the pages could not share their assets; install the "
                                "project again with `make .venv/bin/policy`, then publish")
    assert _refs(pages) == before


def test_the_shared_assets_plugin_is_an_mkdocs_plugin_with_checked_options(tmp_path):
    from mkdocs.plugins import get_plugins

    from macros.mkdocs_glue.shared_assets import SharedAssets

    assert get_plugins()["policy-shared-assets"].load() is SharedAssets
    config_file = str(tmp_path / "mkdocs.yml")
    plugin = SharedAssets()
    assert plugin.load_config({"store": "out", "depth": 2}, config_file) == ([], [])
    assert (plugin.store, plugin.config.depth, plugin.config.drop_404) == (tmp_path / "out", 2, True)
    for options, key, message in [
            ({}, "store", "Required configuration not provided."),
            ({"store": "out", "depth": 0}, "depth", "must be a whole number of at least 1 (how many "
                                                    "folders the site lies below the store), not 0")]:
        errors, _ = SharedAssets().load_config(options, config_file)
        assert [(name, str(error)) for name, error in errors] == [(key, message)]


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
