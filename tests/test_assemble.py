"""Many schools published as the publish workflow does it: shards, then one assemble.

One module fixture: a bare remote whose pages branch already holds a third school; school A
is published in one clone and school B in another (two mike deploys, both from that same
branch), each packed as its shard's artifact; a third clone assembles both and pushes.
Tests that change the branch work on their own copy of the remote.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.errors import PolicyError
from macros.publish.publishing import _main, assemble, fetch_pages, pack_shard, publish
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS
from macros.publish.shards import shard_matrix
from test_publish import OTHER, files_under, git, local_links, write_school

A, B = "school-a", "school-b"
NOW = dt.datetime(2025, 1, 15, 12, tzinfo=dt.timezone.utc)


def clone(root: Path, name: str, remote: Path) -> Path:
    """A checkout of the project as a runner has it: a commit, an identity, `origin`."""
    work = root / name
    git(root, "init", "-q", "-b", "main", str(work))
    git(work, "config", "user.name", "Test Publisher")
    git(work, "config", "user.email", "publisher@example.org")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "commit", "-q", "--allow-empty", "-m", "start")
    return work


def record(slug: str, version: str, name: str) -> dict[str, str]:
    """A school's folder as an earlier publish left it (no site, just what the pages read)."""
    return {f"{slug}/versions.json": json.dumps([{"version": version, "title": version,
                                                  "aliases": ["latest"]}]),
            f"{slug}/{version}/index.html": f"<!doctype html><title>{name}</title>",
            f"{slug}/{version}/policy.json": json.dumps({
                "version": version, "ratified": "2023-10-01", "ratified_text": "October 2023",
                "next_review": "2024-09-30", "next_review_text": "September 2024",
                "model": "CSF4093 issue 12, August 2023", "school": name})}


def commit_on_pages(remote: Path, root: Path, files: dict[str, str]) -> str:
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
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("assemble")
    remote, schools = root / "remote.git", root / "schools"
    schools.mkdir()
    git(root, "init", "-q", "--bare", str(remote))
    base = commit_on_pages(remote, root, record(OTHER, "2023-24", "Other School"))
    write_school(schools, A, "2024-25", "November 2024", "Autumn 2025", "School A")
    write_school(schools, B, "2023-24", "November 2023", "Autumn 2024", "School B")
    shards, artifacts = [], []
    for number, slug in enumerate((A, B)):  # each shard job: fetch, publish, pack
        work = clone(root, f"shard-{number}", remote)
        fetch_pages(repo_dir=work)
        publish(slug, repo_dir=work, schools_dir=schools)
        artifacts.append(pack_shard(root / f"pages-shard-{number}", [slug], repo_dir=work).parent)
        shards.append(work)
    target = clone(root, "assemble", remote)
    result = assemble(artifacts, remote="origin", push=True, repo_dir=target, now=NOW)
    checkout = root / "checkout"
    git(root, "clone", "-q", "--branch", "gh-pages", str(remote), str(checkout))
    return dict(root=root, remote=remote, base=base, shards=shards, artifacts=artifacts,
                result=result, checkout=checkout, other_tree=git(remote, "rev-parse", f"gh-pages:{OTHER}"))


def copy_of(run, tmp_path: Path, at: str | None = None) -> tuple[Path, Path]:
    """A copy of the remote (its pages branch moved to `at`) and a fetched clone of it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(run["remote"]), str(remote))
    if at:
        git(remote, "update-ref", "refs/heads/gh-pages", at)
    work = clone(tmp_path, "work", remote)
    fetch_pages(repo_dir=work)
    return remote, work


def refs(remote: Path, work: Path) -> tuple[str, str]:
    return git(remote, "rev-parse", "gh-pages"), git(work, "rev-parse", "gh-pages")


def change_on_branch(repo: Path, files: dict[str, str]) -> None:
    """A commit on `repo`'s local pages branch that writes `files` (no working tree)."""
    env = dict(os.environ, GIT_INDEX_FILE=str(repo / ".git" / "test-index"))

    def run(*args: str, input: str | None = None) -> str:
        return subprocess.run(["git", *args], cwd=repo, input=input, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()

    run("read-tree", "gh-pages")
    for path, text in files.items():
        blob = run("hash-object", "-w", "--stdin", input=text)
        run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    run("update-ref", "refs/heads/gh-pages", run("commit-tree", run("write-tree"), "-p", "gh-pages", "-m", "changed"))
    Path(env["GIT_INDEX_FILE"]).unlink()


# --- the assembled branch -----------------------------------------------------------------

def test_each_shards_school_is_published_as_its_version(run):
    for slug, version in ((A, "2024-25"), (B, "2023-24")):
        site = run["checkout"] / slug
        assert (site / version / "index.html").is_file() and (site / version / "print" / "index.html").is_file()
        assert json.loads((site / version / "policy.json").read_text())["version"] == version
        versions = json.loads((site / "versions.json").read_text())
        assert [(v["version"], v["aliases"]) for v in versions] == [(version, ["latest"])]
    assert run["result"].schools == [A, B] and run["result"].pushed_to == "origin"


def test_school_folders_are_the_trees_their_shards_made(run):
    for slug, shard in zip((A, B), run["shards"]):
        assert git(run["remote"], "rev-parse", f"gh-pages:{slug}") == git(shard, "rev-parse", f"gh-pages:{slug}")


def test_landing_lists_all_three_schools_with_their_current_versions(run):
    page = BeautifulSoup((run["checkout"] / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = {a.get_text(): a["href"] for a in page.select("tbody th a")}
    assert rows == {"School A": f"{A}/2024-25/", "School B": f"{B}/2023-24/",
                    "Other School": f"{OTHER}/2023-24/"}


def test_third_schools_folder_keeps_its_tree(run):
    assert git(run["remote"], "rev-parse", f"gh-pages:{OTHER}") == run["other_tree"]


def test_one_commit_is_added_on_top_of_the_base(run):
    tip = git(run["remote"], "rev-parse", "gh-pages")
    assert git(run["remote"], "rev-list", f"{run['base']}..{tip}").split() == [tip]
    assert git(run["remote"], "rev-parse", f"{tip}^@") == run["base"]
    assert run["result"].commit == tip


def test_nojekyll_is_kept(run):
    assert (run["checkout"] / ".nojekyll").read_bytes() == b""


def test_the_shards_shared_files_are_on_the_branch_once(run):
    assembled = files_under(run["remote"], "gh-pages", SHARED_ASSETS)
    assert assembled and run["result"].shared == sorted(assembled)
    for shard in run["shards"]:             # each shard added the same files, from the same base
        assert files_under(shard, "gh-pages", SHARED_ASSETS) == assembled
    assert len({sha for sha, _ in assembled.values()}) == len(assembled)
    for slug, version in ((A, "2024-25"), (B, "2023-24")):
        links = local_links(run["checkout"], f"{slug}/{version}")
        missing = [f"{page} -> {path}" for page, paths in links.items() for path in sorted(paths)
                   if not (run["checkout"] / path).is_file()]
        assert not missing, "\n".join(missing)
        assert any(path.startswith(f"{SHARED_ASSETS}/") for path in links[f"{slug}/{version}/index.html"])


# --- refused: the branch is left as it was ------------------------------------------------

def test_a_missing_artifact_is_refused_and_changes_nothing(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    before, missing = refs(remote, work), tmp_path / "pages-shard-7"
    with pytest.raises(PolicyError) as error:
        assemble([run["artifacts"][0], missing], remote="origin", push=True, repo_dir=work)
    assert str(error.value) == (f"{missing}: not a shard's result: there is no shard.json in it; "
                                "pass the folders that the publish workflow's shard jobs upload")
    assert refs(remote, work) == before


def test_a_damaged_bundle_is_refused_and_changes_nothing(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    damaged = shutil.copytree(run["artifacts"][0], tmp_path / "pages-shard-0")
    (damaged / "pages.bundle").write_bytes(b"not a bundle\n")
    before = refs(remote, work)
    with pytest.raises(PolicyError) as error:
        assemble([damaged, run["artifacts"][1]], remote="origin", push=True, repo_dir=work)
    assert str(error.value) == (f"{damaged / 'pages.bundle'}: missing or damaged: it does not hold "
                                f"the commit shard.json names, so {A} cannot be read; download the "
                                "shard's artifact again, or run the workflow again")
    assert refs(remote, work) == before


def test_a_shard_whose_branch_does_not_descend_from_its_recorded_base_is_refused(run, tmp_path):
    """A shard.json naming a later base, one where school A was published elsewhere, would
    hide that publish (A's folder would look unchanged since the base) and undo it."""
    remote, _ = copy_of(run, tmp_path, at=run["base"])
    later = commit_on_pages(remote, tmp_path, record(A, "2023-24", "School A Elsewhere"))
    forged = shutil.copytree(run["artifacts"][0], tmp_path / "pages-shard-0")
    manifest = json.loads((forged / "shard.json").read_text(encoding="utf-8"))
    (forged / "shard.json").write_text(json.dumps(dict(manifest, base=later)), encoding="utf-8")
    work = clone(tmp_path, "again", remote)
    fetch_pages(repo_dir=work)
    before = refs(remote, work)
    with pytest.raises(PolicyError) as error:
        assemble([forged, run["artifacts"][1]], remote="origin", push=True, repo_dir=work)
    assert str(error.value) == (f"{forged / 'shard.json'}: this shard's gh-pages does not descend "
                                f"from commit {later[:12]}, the base shard.json names, so assemble "
                                "cannot tell whether its schools would undo a publish made "
                                "meanwhile; download the shard's artifact again, or run the "
                                "workflow again")
    assert refs(remote, work) == before


def test_two_shards_with_different_files_under_one_name_are_refused(run, tmp_path):
    """Impossible when both shards ran this code (a shared name holds a hash of the content),
    so neither file is chosen: assemble says which artifacts disagree and changes nothing."""
    shard = shutil.copytree(run["shards"][1], tmp_path / "shard-1")
    name = sorted(files_under(shard, "gh-pages", SHARED_ASSETS))[0]
    change_on_branch(shard, {name: "not the file its name says"})
    tampered = pack_shard(tmp_path / "pages-shard-1", [B], repo_dir=shard).parent
    remote, work = copy_of(run, tmp_path, at=run["base"])
    before = refs(remote, work)
    with pytest.raises(PolicyError) as error:
        assemble([run["artifacts"][0], tampered], remote="origin", push=True, repo_dir=work)
    assert str(error.value) == (f"{tampered}: this shard's {name} is not the same file as the one "
                                f"of that name in {run['artifacts'][0]}; shared files are named after "
                                "their content, so one of the two artifacts is damaged; run the "
                                "workflow again")
    assert refs(remote, work) == before


def test_shared_files_already_on_the_branch_are_kept_and_the_rest_added(run, tmp_path):
    remote, _ = copy_of(run, tmp_path, at=run["base"])
    names = sorted(files_under(run["shards"][0], "gh-pages", SHARED_ASSETS))
    older = f"{SHARED_ASSETS}/assets/policy.0123abcd.css"     # from an earlier model
    commit_on_pages(remote, tmp_path, {older: "old", names[0]: "there first"})
    work = clone(tmp_path, "again", remote)
    result = assemble(run["artifacts"], remote="origin", push=True, repo_dir=work, now=NOW)
    assert result.shared == names[1:]
    assert git(remote, "show", f"gh-pages:{names[0]}") == "there first"
    assert git(remote, "show", f"gh-pages:{older}") == "old"
    assert sorted(files_under(remote, "gh-pages", SHARED_ASSETS)) == sorted([older, *names])


def test_a_school_in_two_shards_is_refused(run, tmp_path):
    remote, work = copy_of(run, tmp_path, at=run["base"])
    before = refs(remote, work)
    with pytest.raises(PolicyError, match=f"{A} was also published by the shard in "):
        assemble([run["artifacts"][0], run["artifacts"][0]], remote="origin", push=True, repo_dir=work)
    assert refs(remote, work) == before


def test_packing_a_school_this_clone_did_not_publish_is_refused(run, tmp_path):
    _, work = copy_of(run, tmp_path)
    with pytest.raises(PolicyError) as error:
        pack_shard(tmp_path / "pages-shard-0", [A], repo_dir=work)
    assert str(error.value) == (f"python -m macros.publish pack: {A} was not published in this "
                                "clone: its folder on gh-pages is as origin has it; pass only the "
                                "schools `policy publish` published here")
    assert not (tmp_path / "pages-shard-0" / "shard.json").exists()


def test_packing_a_name_that_is_not_a_school_is_refused(run, tmp_path):
    work = clone(tmp_path, "work", run["remote"])
    with pytest.raises(PolicyError) as error:
        pack_shard(tmp_path / "pages-shard-0", [A, "../b", "*"], repo_dir=work)
    assert str(error.value) == ("python -m macros.publish pack: not school names: '../b', '*'; pass "
                                "the schools this shard published, each named by its file in "
                                "schools/ without .yml, in lowercase letters, digits and hyphens, "
                                "like st-josephs")
    assert not (tmp_path / "pages-shard-0").exists()


# --- a school published elsewhere meanwhile: left out, the others pushed, then an error -----

@pytest.fixture(scope="module")
def elsewhere(run, tmp_path_factory):
    """School A published by someone else after the shards began; then both shards assembled."""
    root = tmp_path_factory.mktemp("elsewhere")
    remote, _ = copy_of(run, root, at=run["base"])
    moved = commit_on_pages(remote, root, record(A, "2023-24", "School A Elsewhere"))
    work = clone(root, "again", remote)
    with pytest.raises(PolicyError) as error:
        assemble(run["artifacts"], remote="origin", push=True, repo_dir=work, now=NOW)
    return dict(remote=remote, moved=moved, error=error.value, tip=git(remote, "rev-parse", "gh-pages"))


def test_the_other_schools_are_pushed_in_one_commit_when_one_was_published_elsewhere(run, elsewhere):
    remote, tip = elsewhere["remote"], elsewhere["tip"]
    assert git(remote, "rev-parse", f"{tip}^@") == elsewhere["moved"]
    assert git(remote, "rev-parse", f"{tip}:{B}") == git(run["shards"][1], "rev-parse", f"gh-pages:{B}")
    assert git(remote, "log", "-1", "--format=%B", tip) == f"Publish 1 school from 2 shards\n\n{B}"


def test_a_school_published_elsewhere_keeps_the_folder_that_publish_made(elsewhere):
    remote, moved = elsewhere["remote"], elsewhere["moved"]
    assert git(remote, "rev-parse", f"gh-pages:{A}") == git(remote, "rev-parse", f"{moved}:{A}")


def test_the_landing_page_lists_what_the_branch_holds_with_a_school_left_out(elsewhere):
    page = BeautifulSoup(git(elsewhere["remote"], "show", "gh-pages:index.html"), "html.parser")
    rows = {a.get_text(): a["href"] for a in page.select("tbody th a")}
    assert rows == {"School A Elsewhere": f"{A}/2023-24/", "School B": f"{B}/2023-24/",
                    "Other School": f"{OTHER}/2023-24/"}


def test_a_school_left_out_is_reported_after_the_push_with_how_to_publish_it_again(elsewhere):
    assert str(elsewhere["error"]) == (
        f"python -m macros.publish assemble: {A} was left out: its folder on gh-pages changed after "
        "its shard started (published elsewhere meanwhile) and is kept as that publish left it; "
        f"the other schools were published in commit {elsewhere['tip'][:12]} on gh-pages (pushed "
        f"to origin): {B}; to publish {A} again, start the workflow with it (Actions > publish > "
        f"Run workflow, with {A}; re-running this run's failed jobs may leave it out again), "
        f"or run `policy publish {A} --push`")


def test_when_every_school_was_published_elsewhere_nothing_changes_and_each_is_named(run, tmp_path):
    remote, _ = copy_of(run, tmp_path, at=run["base"])
    commit_on_pages(remote, tmp_path, {**record(A, "2023-24", "School A Elsewhere"),
                                       **record(B, "2022-23", "School B Elsewhere")})
    work = clone(tmp_path, "again", remote)
    fetch_pages(repo_dir=work)
    before = refs(remote, work)
    with pytest.raises(PolicyError) as error:
        assemble(run["artifacts"], remote="origin", push=True, repo_dir=work)
    assert str(error.value) == (
        f"python -m macros.publish assemble: {A}, {B} were left out: their folders on gh-pages "
        "changed after their shards started (published elsewhere meanwhile) and are kept as that "
        "publish left them; no other school was added, so gh-pages is as it was; to publish "
        f"{A}, {B} again, start the workflow with them (Actions > publish > Run workflow, with "
        f"{A} {B}; re-running this run's failed jobs may leave them out again), or run "
        "`policy publish SLUG --push` for each")
    assert refs(remote, work) == before


# --- the branch moved, or did not exist -----------------------------------------------------

def test_other_schools_published_after_the_shards_began_are_kept(run, tmp_path):
    remote, _ = copy_of(run, tmp_path, at=run["base"])
    late = commit_on_pages(remote, tmp_path, record("late-school", "2024-25", "Late School"))
    work = clone(tmp_path, "again", remote)
    assemble(run["artifacts"], remote="origin", push=True, repo_dir=work, now=NOW)
    tip = git(remote, "rev-parse", "gh-pages")
    assert git(remote, "rev-parse", f"{tip}^@") == late
    assert git(remote, "rev-parse", f"{tip}:late-school") == git(remote, "rev-parse", f"{late}:late-school")
    landing = git(remote, "show", f"{tip}:index.html")
    assert all(f'href="{slug}/' in landing for slug in (A, B, OTHER, "late-school"))


def test_assembling_the_same_shards_again_changes_nothing(run, tmp_path):
    remote, work = copy_of(run, tmp_path)
    before = refs(remote, work)
    result = assemble(run["artifacts"], remote="origin", push=True, repo_dir=work)
    assert (result.schools, result.already) == ([], [A, B])
    assert refs(remote, work) == before


def test_the_first_publish_creates_the_branch(run, tmp_path):
    remote = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    shard = clone(tmp_path, "shard", remote)
    assert fetch_pages(repo_dir=shard) is None
    # What publish leaves in a clone whose remote has no pages branch: a branch of its own.
    git(shard, "fetch", "-q", str(run["remote"]), "gh-pages:refs/published")
    folder = git(shard, "rev-parse", f"refs/published:{A}")
    tree = subprocess.run(["git", "mktree"], cwd=shard, input=f"040000 tree {folder}\t{A}\n",
                          capture_output=True, text=True, check=True).stdout.strip()
    git(shard, "update-ref", "refs/heads/gh-pages", git(shard, "commit-tree", tree, "-m", "publish"))
    artifact = pack_shard(tmp_path / "pages-shard-0", [A], repo_dir=shard).parent
    assemble([artifact], remote="origin", push=True, repo_dir=clone(tmp_path, "work", remote), now=NOW)
    assert git(remote, "rev-list", "gh-pages").count("\n") == 0  # one commit, with no parent
    assert git(remote, "rev-parse", f"gh-pages:{A}") == folder
    assert f'href="{A}/2024-25/"' in git(remote, "show", "gh-pages:index.html")


# --- the shard split -------------------------------------------------------------------------

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
                assert [shard["shard"] for shard in shards] == list(range(len(shards)))
                assert len(shards) == min(most, math.ceil(count / per_shard))
                sizes = {len(shard["schools"].split()) for shard in shards}
                assert not shards or max(sizes) - min(sizes) <= 1


def test_the_split_does_not_depend_on_the_order_or_repeats():
    slugs = [f"school-{n}" for n in range(23)]
    shuffled = slugs * 2
    random.Random(4).shuffle(shuffled)
    assert shard_matrix(shuffled, 5, 3) == shard_matrix(slugs, 5, 3)


def test_no_schools_make_no_shards():
    assert shard_matrix([], 60, 8) == {"include": []}


@pytest.mark.parametrize("slugs, per_shard, most, message", [
    (["a"], 0, 8, "--per-shard must be a whole number of at least 1, not 0"),
    (["a"], 60, -1, "--max must be a whole number of at least 1, not -1"),
    (["a", "*", "../b"], 60, 8, "not school names: '*', '../b'"),
])
def test_a_bad_setting_or_name_is_refused(slugs, per_shard, most, message):
    with pytest.raises(PolicyError, match=re.escape(message)):
        shard_matrix(slugs, per_shard, most)


@pytest.fixture
def schools_abc(tmp_path, monkeypatch):
    for slug in "abc":
        (tmp_path / f"{slug}.yml").write_text("# a school file\n", encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    return tmp_path


def test_shards_command_prints_the_matrix_as_one_line_of_json(capsys, schools_abc):
    assert _main(["shards", "--per-shard", "2", "--max", "8", "c", "a", "b"]) == 0
    assert capsys.readouterr().out == ('{"include":[{"shard":0,"schools":"a b"},'
                                       '{"shard":1,"schools":"c"}]}\n')


def test_shards_command_refuses_a_school_that_has_no_file(capsys, schools_abc):
    """A name typed into "Run workflow" fails at once, not after a shard's install."""
    assert _main(["shards", "--per-shard", "2", "--max", "8", "a", "bb"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"error: {schools_abc / 'bb.yml'}: no such school file; did you mean "
                            "'b'? the schools are: a, b, c\n")
