"""Many schools published as the publish workflow does it past one runner: shards, then assemble.

One module fixture: a bare remote whose pages branch already holds a third school; school A
is packed in one clone and school B in another (`policy publish --pack`: built, no branch
touched), and a third clone assembles both and pushes, through the same transaction as any
publish. Tests that change the branch work on their own copy of the remote.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import shutil

import pytest
from bs4 import BeautifulSoup

from macros.cli import main
from macros.errors import PolicyError
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS
from macros.publish.assemble import assemble
from macros.publish.shards import pack, shard_matrix
from pages_branch import bare, clone, files_under, git, inconsistencies, local_links, show, versions, write_school

A, B, OTHER = "school-a", "school-b", "other-school"
NOW = dt.datetime(2025, 1, 15, 12, tzinfo=dt.timezone.utc)


def record(slug: str, version: str, name: str, ratified: str = "2023-10-01") -> dict[str, str]:
    """A school's folder as an earlier publish left it (no site, just what the pages read)."""
    return {f"{slug}/versions.json": json.dumps([{"version": version, "title": version,
                                                  "aliases": ["latest"]}]),
            f"{slug}/index.html": f"<!doctype html><title>{name} history</title>",
            f"{slug}/{version}/index.html": f"<!doctype html><title>{name}</title>",
            f"{slug}/{version}/print/index.html": f"<!doctype html><title>{name}</title>",
            f"{slug}/{version}/policy.json": json.dumps({
                "version": version, "ratified": ratified, "ratified_text": "October 2023",
                "next_review": "2024-09-30", "next_review_text": "September 2024",
                "model": "CSF4093 issue 12, August 2023", "school": name})}


def commit_on_pages(remote, root, files: dict[str, str]) -> str:
    """Someone else's commit on the remote's pages branch (created if it is not there)."""
    edit = root / "edit"
    git(root, "init", "-q", "-b", "gh-pages", str(edit))
    if git(remote, "branch", "--list", "gh-pages"):
        git(edit, "pull", "-q", str(remote), "gh-pages")
    for name, text in files.items():
        (edit / name).parent.mkdir(parents=True, exist_ok=True)
        (edit / name).write_text(text, encoding="utf-8")
    git(edit, "add", ".")
    git(edit, "-c", "user.name=Other", "-c", "user.email=other@example.org", "commit", "-q", "-m", "elsewhere")
    git(edit, "push", "-q", str(remote), "gh-pages")
    shutil.rmtree(edit)
    return git(remote, "rev-parse", "gh-pages")


@pytest.fixture(scope="module")
def run(tmp_path_factory, monkeypatch_module):
    root = tmp_path_factory.mktemp("assemble")
    remote, schools = bare(root), root / "schools"
    base = commit_on_pages(remote, root, record(OTHER, "2023-24", "Other School"))
    write_school(schools, A, "2024-25", "November 2024", "Autumn 2025", "School A")
    write_school(schools, B, "2023-24", "November 2023", "Autumn 2024", "School B")
    monkeypatch_module.setenv("POLICY_SCHOOLS_DIR", str(schools))
    artifacts, manifests = [], []
    for number, slug in enumerate((A, B)):      # each shard job: build and pack, push nothing
        work = clone(root, f"shard-{number}", remote)
        out = root / f"pages-shard-{number}"
        manifests.append(pack([slug], out, alias="latest", repo_dir=work, jobs=1, now=NOW))
        artifacts.append(out)
    target = clone(root, "assemble", remote)
    result = assemble(artifacts, branch="gh-pages", remote="origin", push=True, repo_dir=target, now=NOW)
    checkout = root / "checkout"
    git(root, "clone", "-q", "--branch", "gh-pages", str(remote), str(checkout))
    return dict(root=root, remote=remote, base=base, artifacts=artifacts, manifests=manifests,
                result=result, checkout=checkout, schools=schools,
                other_tree=git(remote, "rev-parse", f"gh-pages:{OTHER}"))


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def copy_of(run, tmp_path, at: str | None = None):
    """A copy of the remote (its pages branch moved to `at`) and a clone of it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(run["remote"]), str(remote))
    if at:
        git(remote, "update-ref", "refs/heads/gh-pages", at)
    return remote, clone(tmp_path, "work", remote)


def assemble_into(work, artifacts, **kw):
    return assemble(artifacts, branch="gh-pages", remote="origin", push=True, repo_dir=work, **kw)


# --- the assembled branch -----------------------------------------------------------------

def test_a_shard_touches_no_branch(run):
    for number in (0, 1):
        assert git(run["root"] / f"shard-{number}", "for-each-ref", "refs/heads/gh-pages", "refs/policy") == ""
    assert [m["releases"] for m in run["manifests"]] == [
        [{"slug": A, "version": "2024-25", "alias": "latest"}],
        [{"slug": B, "version": "2023-24", "alias": "latest"}]]


def test_each_shards_school_is_published_as_its_version(run):
    for slug, version in ((A, "2024-25"), (B, "2023-24")):
        site = run["checkout"] / slug
        assert (site / version / "index.html").is_file() and (site / version / "print" / "index.html").is_file()
        assert json.loads((site / version / "policy.json").read_text())["version"] == version
        assert versions(run["remote"], "gh-pages", slug) == {version: ["latest"]}
    assert [r.slug for r in run["result"].published] == [A, B] and run["result"].pushed_to == "origin"


def test_landing_lists_all_three_schools_with_their_current_versions(run):
    page = BeautifulSoup((run["checkout"] / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = {a.get_text(): a["href"] for a in page.select("tbody th a")}
    assert rows == {"School A": f"{A}/2024-25/", "School B": f"{B}/2023-24/",
                    "Other School": f"{OTHER}/2023-24/"}


def test_one_consistent_commit_is_added_on_top_of_the_base_and_the_third_school_is_kept(run):
    tip = git(run["remote"], "rev-parse", "gh-pages")
    assert git(run["remote"], "rev-parse", f"{tip}^@") == run["base"]
    assert git(run["remote"], "log", "-1", "--format=%B", tip) == f"Publish 2 schools\n\n{A} 2024-25\n{B} 2023-24"
    assert git(run["remote"], "rev-parse", f"gh-pages:{OTHER}") == run["other_tree"]
    assert inconsistencies(run["remote"], tip) == []


def test_the_shards_shared_files_are_on_the_branch_once_and_every_link_resolves(run):
    assembled = files_under(run["remote"], "gh-pages", SHARED_ASSETS)
    assert assembled and len({sha for sha, _ in assembled.values()}) == len(assembled)
    for slug, version in ((A, "2024-25"), (B, "2023-24")):
        links = local_links(run["checkout"], f"{slug}/{version}")
        missing = [f"{page} -> {path}" for page, paths in links.items() for path in sorted(paths)
                   if not (run["checkout"] / path).is_file()]
        assert not missing, "\n".join(missing)


def test_assembling_the_same_shards_again_changes_nothing(run, tmp_path):
    remote, work = copy_of(run, tmp_path)
    before = git(remote, "rev-parse", "gh-pages")
    result = assemble_into(work, run["artifacts"], now=NOW)
    assert not result.changed and git(remote, "rev-parse", "gh-pages") == before


# --- what happened on the branch meanwhile is kept -----------------------------------------

def test_a_school_published_elsewhere_meanwhile_keeps_that_version_and_gains_this_one(run, tmp_path):
    remote, _ = copy_of(run, tmp_path, at=run["base"])
    moved = commit_on_pages(remote, tmp_path, record(A, "2023-24", "School A Elsewhere"))
    work = clone(tmp_path, "again", remote)
    assemble_into(work, run["artifacts"], now=NOW)
    tip = git(remote, "rev-parse", "gh-pages")
    assert git(remote, "rev-parse", f"{tip}^@") == moved
    assert versions(remote, tip, A) == {"2024-25": ["latest"], "2023-24": []}
    assert show(remote, tip, f"{A}/2023-24/index.html") == "<!doctype html><title>School A Elsewhere</title>"
    assert inconsistencies(remote, tip) == []


def test_other_schools_published_after_the_shards_began_are_kept_and_listed(run, tmp_path):
    remote, _ = copy_of(run, tmp_path, at=run["base"])
    late = commit_on_pages(remote, tmp_path, record("late-school", "2024-25", "Late School"))
    assemble_into(clone(tmp_path, "again", remote), run["artifacts"], now=NOW)
    tip = git(remote, "rev-parse", "gh-pages")
    assert git(remote, "rev-parse", f"{tip}:late-school") == git(remote, "rev-parse", f"{late}:late-school")
    landing = show(remote, tip, "index.html")
    assert all(f'href="{slug}/' in landing for slug in (A, B, OTHER, "late-school"))


def test_the_first_publish_creates_the_branch(run, tmp_path):
    remote = bare(tmp_path, "empty.git")
    assemble_into(clone(tmp_path, "work", remote), run["artifacts"], now=NOW)
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"
    assert inconsistencies(remote, "gh-pages") == []


def test_with_no_shards_the_landing_page_is_refreshed_for_the_day(run, tmp_path):
    """The daily run: a review date passes, and the landing page says so, with no build."""
    remote, work = copy_of(run, tmp_path)
    later = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    result = assemble_into(work, [], now=later)
    assert result.changed and result.published == []
    page = BeautifulSoup(show(remote, "gh-pages", "index.html"), "html.parser")
    marks = [row.select_one(".review-status").get_text() for row in page.select("tbody tr")]
    assert marks == ["Review date passed"] * 3
    assert not assemble_into(work, [], now=later).changed


# --- refused: the branch is left as it was ------------------------------------------------

def test_a_missing_artifact_is_refused_and_changes_nothing(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    missing = tmp_path / "pages-shard-7"
    with pytest.raises(PolicyError) as error:
        assemble_into(work, [run["artifacts"][0], missing])
    assert str(error.value) == (f"{missing}: not a shard's result: there is no shard.json in it; "
                                "pass the folders that the publish workflow's shard jobs upload")
    assert git(remote, "rev-parse", "gh-pages") == run["base"]


def test_a_damaged_bundle_is_refused_and_changes_nothing(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    damaged = shutil.copytree(run["artifacts"][0], tmp_path / "pages-shard-0")
    (damaged / "pages.bundle").write_bytes(b"not a bundle\n")
    with pytest.raises(PolicyError) as error:
        assemble_into(work, [damaged, run["artifacts"][1]])
    assert str(error.value) == (f"{damaged / 'pages.bundle'}: missing or damaged: it does not hold "
                                f"the commit shard.json names, so {A} cannot be read; download the "
                                "shard's artifact again, or run the workflow again")
    assert git(remote, "rev-parse", "gh-pages") == run["base"]


def test_a_damaged_record_is_refused(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    damaged = shutil.copytree(run["artifacts"][0], tmp_path / "pages-shard-0")
    manifest = json.loads((damaged / "shard.json").read_text())
    manifest["releases"][0]["version"] = "versions.json"
    (damaged / "shard.json").write_text(json.dumps(manifest))
    with pytest.raises(PolicyError) as error:
        assemble_into(work, [damaged])
    assert str(error.value) == (f"{damaged / 'shard.json'}: this is not a shard record that assemble "
                                "can read; download the shard's artifact again, or run the workflow again")


def test_a_school_in_two_shards_is_refused(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    with pytest.raises(PolicyError, match=f"{A} was also built by the shard in "):
        assemble_into(work, [run["artifacts"][0], run["artifacts"][0]])
    assert git(remote, "rev-parse", "gh-pages") == run["base"]


# --- the workflow's plan and shard split ---------------------------------------------------

def test_plan_prints_the_shards_of_the_schools_that_differ(run, tmp_path, capsys):
    _, work = copy_of(run, tmp_path)
    write_school(run["schools"], "school-c", "2024-25", "November 2024", "Autumn 2025", "School C")
    try:
        assert main(["publish", "--all", "--plan", "--remote", "origin", "--repo", str(work),
                     "--per-shard", "1"]) == 0
    finally:
        (run["schools"] / "school-c.yml").unlink()
    captured = capsys.readouterr()
    assert captured.out == '{"include":[{"shard":0,"schools":"school-c"}]}\n'
    assert captured.err == "1 school(s) to publish, 2 already as asked\n"


def test_a_handful_of_schools_make_one_shard():
    assert shard_matrix(["c", "a", "b"], 60, 8) == {"include": [{"shard": 0, "schools": "a b c"}]}


def test_shards_hold_at_most_per_shard_schools_until_the_cap():
    slugs = [f"s{n:02}" for n in range(10)]
    sizes = [len(s["schools"].split()) for s in shard_matrix(slugs, 3, 8)["include"]]
    assert sizes == [3, 3, 2, 2]
    hundred = slugs * 10 + [f"t{n}" for n in range(90)]  # 100 schools, repeats dropped
    assert [len(s["schools"].split()) for s in shard_matrix(hundred, 3, 4)["include"]] == [25, 25, 25, 25]


def test_every_school_is_in_exactly_one_shard():
    for count in range(0, 40):
        slugs = [f"school-{n}" for n in range(count)]
        for per_shard in (1, 2, 5, 60):
            for most in (1, 3, 8):
                shards = shard_matrix(slugs, per_shard, most)["include"]
                placed = [s for shard in shards for s in shard["schools"].split()]
                assert sorted(placed) == sorted(slugs)
                assert len(shards) == min(most, math.ceil(count / per_shard))
                sizes = {len(shard["schools"].split()) for shard in shards}
                assert not shards or max(sizes) - min(sizes) <= 1


def test_the_split_does_not_depend_on_the_order_or_repeats():
    slugs = [f"school-{n}" for n in range(23)]
    shuffled = slugs * 2
    random.Random(4).shuffle(shuffled)
    assert shard_matrix(shuffled, 5, 3) == shard_matrix(slugs, 5, 3)


@pytest.mark.parametrize("slugs, per_shard, most, message", [
    (["a"], 0, 8, "--per-shard must be a whole number of at least 1, not 0"),
    (["a"], 60, -1, "--max-shards must be a whole number of at least 1, not -1"),
    (["a", "*", "../b"], 60, 8, "not school names: '*', '../b'"),
])
def test_a_bad_setting_or_name_is_refused(slugs, per_shard, most, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        shard_matrix(slugs, per_shard, most)


def test_the_assemble_command_prints_what_it_published(run, tmp_path, capsys):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    args = ["publish", "--assemble", *map(str, run["artifacts"]), "--remote", "origin", "--push",
            "--repo", str(work)]
    assert main(args) == 0
    tip = git(remote, "rev-parse", "gh-pages")
    assert capsys.readouterr().out == (f"published {A} version 2024-25 as latest\n"
                                       f"published {B} version 2023-24 as latest\n"
                                       f"gh-pages is now at commit {tip[:12]} and pushed to origin\n")


def test_the_assemble_command_takes_no_school_names(capsys):
    assert main(["publish", A, "--assemble"]) == 1
    assert capsys.readouterr().err == ("error: policy publish: --assemble: --assemble takes the shard "
                                       "folders only: the schools are the ones packed in them\n")
