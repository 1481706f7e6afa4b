"""The batch builder: same pages as `mkdocs build`, atomic, and one bad school never stops others."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import material
import pytest
from bs4 import BeautifulSoup
from markupsafe import escape

from helpers import SEED_SCHOOLS
from macros import platform
from macros.mkdocs_glue import patches
from macros.build.builder import build_many, build_school, tree_digest
from macros.mkdocs_glue.shared_assets import SHARED_ASSETS, shared_name
from macros.build.fingerprints import FINGERPRINT_FILE
from macros.build.landing import SUMMARY_FILE
from macros.paths import PROJECT_DIR, SCHOOLS_DIR

MKDOCS = Path(sys.executable).with_name("mkdocs")
SEED = SCHOOLS_DIR / "st-josephs.yml"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _mkdocs_build(slug: str, site: Path) -> dict[str, bytes]:
    env = dict(os.environ, SCHOOL=slug, NO_MKDOCS_2_WARNING="1")
    subprocess.run([str(MKDOCS), "build", "--quiet", "--site-dir", str(site)], cwd=PROJECT_DIR,
                   env=env, check=True, capture_output=True)
    return _files(site)


@pytest.fixture
def schools_dir(tmp_path, monkeypatch):
    folder = tmp_path / "schools"
    folder.mkdir()
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(folder))
    return folder


def test_the_fast_path_is_on_for_the_pinned_versions():
    assert patches.supported(), f"pinned {patches.PINNED}, installed {patches.installed_versions()}"


def test_batch_pages_are_byte_identical_to_mkdocs_build(tmp_path):
    slugs = ["st-josephs", "westfield"]
    slug = slugs[-1]             # built after another school: the caches are warm
    standalone = tmp_path / "standalone"
    results = build_many(slugs, standalone, jobs=1, share_assets=False, force=True)
    assert all(r.ok for r in results), [r.message for r in results]
    expected = _mkdocs_build(slug, tmp_path / "mkdocs")
    built = _files(standalone / slug)
    assert built.pop(FINGERPRINT_FILE) and built.pop(SUMMARY_FILE)
    assert sorted(built) == sorted(expected)
    different = [name for name in expected if built[name] != expected[name]]
    assert not different, f"differ from `mkdocs build`: {different}"

    # Shared assets: the same bytes under a content-hashed name, and the links point there.
    shared = tmp_path / "shared"
    results = build_many([slug], shared, jobs=1, share_assets=True, force=True)
    assert results[0].ok, results[0].message
    built = _files(shared / slug)
    built.pop(FINGERPRINT_FILE)
    built.pop(SUMMARY_FILE)
    by_content = {hashlib.sha256(data).digest(): name for name, data in expected.items()}
    originals = {name: by_content.get(hashlib.sha256(data).digest())
                 for name, data in _files(shared / SHARED_ASSETS).items()}
    assert originals and None not in originals.values(), "a shared file that mkdocs build does not write"
    assert all(re.search(r"\.[0-9a-f]{8}\.", name) for name in originals), "a shared name without a hash"
    assert not (shared / slug / "assets").exists()
    # Sites published together leave out their own 404.html (GitHub Pages serves the root one).
    assert "404.html" in expected and "404.html" not in built
    assert sorted(built) == sorted(set(expected) - set(originals.values()) - {"404.html"})
    for name, data in built.items():
        restored = data
        if name.endswith(".html"):
            for hashed, original in originals.items():
                restored = restored.replace(f"../{SHARED_ASSETS}/{hashed}".encode(), original.encode())
        assert restored == expected[name], f"{name} differs beyond its asset links"


def test_seed_schools_are_the_same_with_and_without_the_build_caches(tmp_path):
    """Four different schools built one after another in one process: no page carries
    another school's text."""
    cached = tmp_path / "cached"
    results = build_many(SEED_SCHOOLS, cached, jobs=1)
    assert all(r.ok for r in results), [r.message for r in results]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", POLICY_FAST_BUILD="0")
    plain = tmp_path / "plain"
    subprocess.run([str(Path(sys.executable).with_name("policy")), "build", "--out", str(plain),
                    "--jobs", "1", *SEED_SCHOOLS], cwd=PROJECT_DIR, env=env, check=True,
                   capture_output=True)
    folders = sorted(p.name for p in cached.iterdir() if p.is_dir())
    assert folders == sorted(p.name for p in plain.iterdir() if p.is_dir())
    assert SHARED_ASSETS in folders and len(folders) == 5, folders     # four schools
    for folder in folders:
        with_caches, without = _files(cached / folder), _files(plain / folder)
        assert sorted(with_caches) == sorted(without), folder
        different = [name for name in with_caches if with_caches[name] != without[name]]
        assert not different, f"{folder}: differ without the caches: {different}"


def test_a_page_may_link_to_a_shared_asset(tmp_path, config_with_hook):
    config = config_with_hook("link_to_asset.py")
    out = tmp_path / "out"
    result = build_many(["st-josephs"], out, jobs=1, config_file=config)[0]
    assert result.ok, result.message
    page = out / "st-josephs/contacts/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    link = soup.find("a", string="The policy's stylesheet")
    assert link is not None
    assert re.fullmatch(rf"\.\./\.\./{SHARED_ASSETS}/assets/policy\.[0-9a-f]{{8}}\.css", link["href"])
    assert (page.parent / link["href"]).resolve().is_file()
    assert not (out / "st-josephs/assets").exists()


def test_the_themes_bundles_keep_their_names_when_shared(tmp_path):
    """material names its bundles by their content already; they are not hashed twice."""
    assert build_many(["st-josephs"], tmp_path, jobs=1)[0].ok
    theme = Path(material.__file__).parent / "templates"
    bundles = {p.relative_to(theme).as_posix() for p in (theme / "assets/stylesheets").glob("main.*.min.css")}
    shared = {p.relative_to(tmp_path / SHARED_ASSETS).as_posix()
              for p in (tmp_path / SHARED_ASSETS / "assets/stylesheets").glob("main.*")}
    assert bundles and shared == bundles


def test_a_file_of_ours_named_like_a_theme_bundle_still_gets_a_hash(tmp_path):
    """It may be edited in place, so its name alone cannot tell its content."""
    source = tmp_path / "extra.css"
    source.write_text("p { margin: 0 }\n", encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:8]
    assert shared_name(source, "assets/extra.1234abcd.min.css") == f"assets/extra.1234abcd.min.{digest}.css"
    assert shared_name(source, "assets/extra.1234abcd.min.css", from_theme=True) == "assets/extra.1234abcd.min.css"


def test_a_shared_file_whose_name_a_link_cannot_hold_is_refused(tmp_path, config_with_hook):
    result = build_many(["st-josephs"], tmp_path / "out", jobs=1,
                        config_file=config_with_hook("asset_with_space.py"))[0]
    assert not result.ok
    assert result.message == ("tests/hooks/files/assets/Referral form.txt: rename it using only letters, "
                              "digits, '.', '-' and '_' (no spaces or accents): every school's pages "
                              "link to this file under its name as it is")
    assert not (tmp_path / "out/st-josephs").exists()


def test_a_warning_fails_every_school_not_only_the_first(tmp_path, schools_dir, config_with_hook,
                                                         monkeypatch):
    """A page that logged a warning is never reused for the next school, so the warning (an
    error under `strict: true`) is not lost; each school's failure says what the warning was."""
    monkeypatch.chdir(tmp_path)     # school files are named as from where the command runs
    shutil.copy(SEED, schools_dir / "first.yml")
    shutil.copy(SEED, schools_dir / "second.yml")
    results = build_many(["first", "second"], tmp_path / "out", jobs=1,
                         config_file=config_with_hook("broken_link.py"))
    assert [(r.ok, r.message) for r in results] == [
        (False, f"docs/contacts.md: the link 'no-such-page.md' does not work: the target is not found "
                f"among documentation files (building schools/{slug}.yml)")
        for slug in ("first", "second")]


def test_a_page_converted_quietly_at_warning_level_still_reports_at_info_level(tmp_path, caplog,
                                                                                config_with_hook):
    """A conversion is reused only at the log level it was made at: what was below the level
    then (an INFO message) must still be reported by a build that asks for it."""
    config = config_with_hook("unrecognized_link.py")
    mkdocs_log = logging.getLogger(platform.name())     # mkdocs, or properdocs in its place
    level = mkdocs_log.level
    try:
        mkdocs_log.setLevel(logging.WARNING)
        build_school("st-josephs", tmp_path / "quiet", config)
        mkdocs_log.setLevel(logging.INFO)
        with caplog.at_level(logging.INFO, logger=platform.name()):
            build_school("st-josephs", tmp_path / "told", config)
    finally:
        mkdocs_log.setLevel(level)
    assert "contains an unrecognized relative link 'some-folder/'" in caplog.text


def test_pruned_sites_drop_maps_and_other_search_languages(tmp_path):
    results = build_many(["st-josephs"], tmp_path, jobs=1, share_assets=False)
    assert results[0].ok, results[0].message
    site = tmp_path / "st-josephs"
    assert not list(site.rglob("*.map"))
    assert not (site / "assets/javascripts/lunr").exists()
    assert (site / "search/search_index.json").is_file()


def test_a_failing_school_does_not_stop_the_others(tmp_path, schools_dir):
    shutil.copy(SEED, schools_dir / "good.yml")
    shutil.copy(SEED, schools_dir / "another.yml")
    (schools_dir / "broken.yml").write_text("school:\n  name: [unclosed\n", encoding="utf-8")
    out = tmp_path / "out"
    results = build_many(["broken", "good", "another"], out, jobs=2)
    by_slug = {r.slug: r for r in results}
    assert not by_slug["broken"].ok and "broken.yml" in by_slug["broken"].message
    assert by_slug["good"].ok and by_slug["another"].ok
    assert (out / "good/index.html").is_file() and (out / "another/index.html").is_file()
    assert not (out / "broken").exists()
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_dir()], \
        "half-built folder left behind"


def test_a_failed_rebuild_leaves_the_previous_good_site_untouched(tmp_path, schools_dir):
    school = schools_dir / "changing.yml"
    shutil.copy(SEED, school)
    out = tmp_path / "out"
    assert build_many(["changing"], out, jobs=1)[0].ok
    before = tree_digest(out / "changing")
    school.write_text(school.read_text(encoding="utf-8") + "\nnot_a_field: true\n", encoding="utf-8")
    result = build_many(["changing"], out, jobs=1)[0]
    assert not result.ok and not result.skipped
    assert "changing.yml" in result.message
    assert tree_digest(out / "changing") == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_dir()]


def test_cli_build_prints_one_line_per_failure(tmp_path, schools_dir):
    shutil.copy(SEED, schools_dir / "good.yml")
    (schools_dir / "broken.yml").write_text("school: {name: 1\n", encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", POLICY_SCHOOLS_DIR=str(schools_dir))
    policy = Path(sys.executable).with_name("policy")
    run = subprocess.run([str(policy), "build", "--out", str(tmp_path / "site"), "--jobs", "2"],
                         cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: broken: "), run.stderr
    assert "built 1 of 2" in run.stdout
    assert (tmp_path / "site/good/index.html").is_file()


def test_landing_reads_each_sites_summary_and_notices_an_edited_school(tmp_path, schools_dir):
    from macros.build.landing import write_landing

    shutil.copy(SEED, schools_dir / "good.yml")
    out = tmp_path / "out"
    assert build_many(["good"], out, jobs=1)[0].ok
    assert (out / "good" / SUMMARY_FILE).is_file()
    name = re.search(r"^  name: (.+)$", (schools_dir / "good.yml").read_text(encoding="utf-8"), re.M)[1]
    assert str(escape(name.strip("'\""))) in write_landing(out).read_text(encoding="utf-8")
    # The school file changes but the site is not rebuilt: the landing reads the file itself.
    school = schools_dir / "good.yml"
    school.write_text(re.sub(r"^  name: .+$", "  name: Renamed Academy", school.read_text(encoding="utf-8"),
                             count=1, flags=re.M), encoding="utf-8")
    assert "Renamed Academy" in write_landing(out).read_text(encoding="utf-8")


def test_a_school_called_like_the_shared_folder_is_refused(tmp_path, schools_dir):
    shutil.copy(SEED, schools_dir / f"{SHARED_ASSETS}.yml")
    results = build_many([SHARED_ASSETS], tmp_path / "out", jobs=1)
    assert not results[0].ok
    assert results[0].message == (f"schools/{SHARED_ASSETS}.yml: a school cannot be called "
                                  f"'{SHARED_ASSETS}': that folder holds the files every school's "
                                  "pages share; rename the school file")
