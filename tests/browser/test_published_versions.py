"""A reader of an older published version is told, in the page, that a newer one exists.

Two versions of one school are published into a bare remote (`policy publish`, in process),
and the pages branch is served over http as GitHub Pages would serve it. Material's version
selector reads the school's versions.json when a page opens and shows the banner on a
version that `latest` does not name; the banner links to `latest/`, which forwards to the
newest version.
"""
from __future__ import annotations

import functools
import http.server
import threading

import pytest

from macros.publish.publish import publish
from pages_branch import SLUG, bare, clone, git, write_school


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    remote, schools = bare(root), root / "schools"
    work = clone(root, "work", remote)
    for version, ratified, review in (("2023-24", "November 2023", "Autumn 2024"),
                                      ("2024-25", "November 2024", "Autumn 2025")):
        write_school(schools, SLUG, version, ratified, review)
        publish([SLUG], remote="origin", push=True, repo_dir=work, schools_dir=schools, jobs=1)
    checkout = root / "checkout"
    git(root, "clone", "-q", "--branch", "gh-pages", str(remote), str(checkout))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(checkout)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{SLUG}/"
    finally:
        server.shutdown()
        server.server_close()


def test_an_older_version_shows_that_a_newer_one_exists_and_links_to_it(branch, page):
    page.goto(branch + "2023-24/intention/")
    banner = page.locator('[data-md-component="outdated"]')
    banner.wait_for(state="visible", timeout=15_000)
    assert banner.inner_text().strip() == ("A newer version of this policy has been published. "
                                           "Read the current version of the policy.")
    page.click('[data-md-component="outdated"] a')
    page.wait_for_url(branch + "2024-25/", timeout=15_000)


def test_the_newest_version_shows_no_such_banner(branch, page):
    page.goto(branch + "2024-25/intention/")
    page.wait_for_selector(".md-version__current", state="attached", timeout=15_000)
    assert page.inner_text(".md-version__current").startswith("2024-25")
    assert page.locator('[data-md-component="outdated"]').is_hidden()
