"""What changed between two versions: word-level differences of two print pages, section by section."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros.cli import main
from macros.errors import PolicyError
from macros.publish.changes import changes_page, changes_since, changes_text, read_published_print_page
from macros.publish.publishing import publish

GOOD = Path(__file__).resolve().parent / "schools" / "good.yml"


def print_page(article: str) -> str:
    """A print page as the site builds it: the policy in <article>, the site's words around it."""
    return ("<!doctype html><html lang='en-GB'><head><title>Whole policy</title></head><body>"
            "<div class='policy-print-summary'><dl><dt>Version</dt><dd>anything</dd></dl></div>"
            f"<article class='md-content__inner md-typeset'>{article}</article></body></html>")


PREVIOUS = print_page(
    "<h1 id='title'>Oak School</h1><p>Ratified December 2023</p>"
    "<h2 id='intention'>Intention</h2><p>We plan for every child.</p><p>Staff are trained every year.</p>"
    "<h2 id='equality'>Equality</h2><p>All are welcome.</p>"
    "<h2 id='old-section'>Old section</h2><p>Gone text.</p>")
CURRENT = print_page(
    "<h1 id='title'>Oak School</h1><p>Ratified December 2024</p>"
    "<h2 id='intention'>Intention</h2><p>We plan for every child.</p><p>All staff are trained every term.</p>"
    "<h2 id='equality'>Equality</h2><p>All are welcome.</p>"
    "<h2 id='new-section'>New section</h2><p>New text.</p>")


def page_soup(previous: str = PREVIOUS, current: str = CURRENT, name: str = "Oak School") -> BeautifulSoup:
    return BeautifulSoup(changes_page(previous, current, name, "2023-24", "2024-25"), "html.parser")


def section(soup: BeautifulSoup, title: str):
    heading = soup.find("h2", string=title)
    assert heading is not None, f"no section '{title}'"
    return heading.parent


def test_text_lists_each_change_in_word_diff_notation():
    assert changes_text(PREVIOUS, CURRENT, "2023-24", "2024-25") == (
        "What changed in version 2024-25 since version 2023-24: 4 of 5 sections\n"
        "\n"
        "## Title page (1 changed, 1 unchanged)\n"
        "  Ratified December [-2023-] {+2024+}\n"
        "\n"
        "## Intention (1 changed, 2 unchanged)\n"
        "  [-Staff-] {+All staff+} are trained every [-year.-] {+term.+}\n"
        "\n"
        "## New section (new section)\n"
        "  {+New section+}\n"
        "  {+New text.+}\n"
        "\n"
        "## Old section (section removed)\n"
        "  [-Old section-]\n"
        "  [-Gone text.-]\n"
        "\n"
        "Unchanged: Equality\n")


def test_text_without_a_version_compares_with_the_school_file_now():
    first = changes_text(PREVIOUS, CURRENT, "2023-24", None).splitlines()[0]
    assert first == "What changed in the school file now since version 2023-24: 4 of 5 sections"


def test_page_marks_added_words_with_ins_and_a_hidden_added_label():
    block = section(page_soup(), "Intention").select_one("p.block")
    assert [ins.get_text() for ins in block.find_all("ins")] == ["added: All staff", "added: term."]
    assert [span.get_text() for span in block.select("ins > span.visually-hidden")] == ["added: ", "added: "]


def test_page_marks_removed_words_with_del_and_a_hidden_removed_label():
    block = section(page_soup(), "Intention").select_one("p.block")
    assert [d.get_text() for d in block.find_all("del")] == ["removed: Staff", "removed: year."]
    assert block.get_text() == "removed: Staff added: All staff are trained every removed: year. added: term."


def test_page_counts_unchanged_paragraphs_of_a_changed_section_without_repeating_them():
    part = section(page_soup(), "Intention")
    assert part.select_one("p.summary").get_text() == (
        "1 paragraph changed; 2 unchanged paragraphs are not repeated here.")
    assert "We plan for every child." not in part.get_text()


def test_page_lists_unchanged_sections_by_title_only():
    soup = page_soup()
    heading = soup.find("h2", string="Sections with no changes")
    assert [li.get_text() for li in heading.find_next_sibling("ul").find_all("li")] == ["Equality"]
    assert "All are welcome." not in soup.get_text()


def test_page_shows_a_new_section_and_a_removed_one():
    soup = page_soup()
    assert section(soup, "New section").select_one("p.summary").get_text() == "A new section in version 2024-25."
    assert [p.get_text() for p in section(soup, "Old section").select("p.block")] == [
        "removed: Old section", "removed: Gone text."]


def test_page_says_how_many_sections_changed():
    assert page_soup().find("h1").find_next_sibling("p").find_next_sibling("p").get_text() == (
        "4 of 5 sections changed.")


def test_page_with_no_changes_says_so():
    soup = page_soup(CURRENT, CURRENT)
    assert soup.find("h1").find_next_sibling("p").find_next_sibling("p").get_text() == (
        "Nothing in the policy’s text changed.")
    assert soup.select("section") == []


def test_page_is_british_english_with_one_main_heading_and_links_to_both_versions():
    soup = page_soup()
    assert soup.html["lang"] == "en-GB"
    assert [h.get_text() for h in soup.find_all("h1")] == ["What changed since version 2023-24"]
    assert soup.title.get_text() == "What changed since version 2023-24: Oak School"
    links = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert links == {"version 2024-25": "../", "version 2023-24": "../../2023-24/",
                     "Every published version of this policy": "../../"}


def test_page_shows_the_school_name_as_text():
    soup = page_soup(name="<b>Oak</b> & Elm")
    assert soup.title.get_text() == "What changed since version 2023-24: <b>Oak</b> & Elm"
    assert soup.find("b") is None


def test_words_of_the_site_around_the_policy_are_not_compared():
    noisy = CURRENT.replace("<h1 id='title'>", "<div class='policy-review-notice'>Review date passed</div>"
                            "<script>var x = 1;</script><h1 id='title'>").replace(
        "</article>", "<section class='policy-feedback'><h2 id='policy-feedback-title'>Questions</h2>"
                      "<p>Call us.</p></section></article>")
    assert changes_text(CURRENT, noisy, "2023-24", "2024-25") == (
        "What changed in version 2024-25 since version 2023-24: 0 of 4 sections\n"
        "\n"
        "Unchanged: Title page; Intention; Equality; New section\n")


def test_a_subheading_with_a_passage_id_stays_in_its_section():
    page = print_page("<h1 id='title'>Oak</h1><h2 id='index.objective'>Objective</h2><p>To help.</p>"
                      "<h2 id='intention'>Intention</h2><p>We plan.</p>")
    assert changes_text(page, page, "a", "b").splitlines()[-1] == "Unchanged: Title page; Intention"


def test_a_nested_list_item_is_its_own_paragraph():
    before = print_page("<h1 id='title'>Oak</h1><ul><li>Parents <ul><li>mothers</li></ul></li></ul>")
    after = print_page("<h1 id='title'>Oak</h1><ul><li>Parents <ul><li>fathers</li></ul></li></ul>")
    assert changes_text(before, after, "a", "b").splitlines()[2:4] == [
        "## Title page (1 changed, 2 unchanged)", "  [-mothers-] {+fathers+}"]


def test_words_split_by_inline_markup_are_read_as_written():
    before = print_page("<h1 id='title'>Oak</h1><p><strong>Email:</strong> <a href='mailto:a@b.uk'>a@b.uk</a>"
                        "<br>Tel<em>ephone</em>: 01</p>")
    after = print_page("<h1 id='title'>Oak</h1><p><strong>Email:</strong> <a href='mailto:c@b.uk'>c@b.uk</a>"
                       "<br>Telephone: 01</p>")
    assert changes_text(before, after, "a", "b").splitlines()[3] == "  Email: [-a@b.uk-] {+c@b.uk+} Telephone: 01"


def test_a_long_unchanged_run_keeps_the_words_next_to_a_change():
    from macros.render.word_diff import CONTEXT_WORDS
    words = [f"w{i}" for i in range(40)]
    before = print_page("<h1 id='title'>Oak</h1><p>" + " ".join(words) + "</p>")
    after = print_page("<h1 id='title'>Oak</h1><p>" + " ".join(words[:20] + ["new"] + words[20:]) + "</p>")
    line = changes_text(before, after, "a", "b").splitlines()[3]
    assert line == ("  … " + " ".join(words[20 - CONTEXT_WORDS:20]) + " {+new+} "
                    + " ".join(words[20:20 + CONTEXT_WORDS]) + " …")


# --- `policy diff SLUG --since VERSION` -------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A pages branch where `policy publish` put version 2023-24 of `oak`; the file is now 2024-25."""
    root = tmp_path_factory.mktemp("since")
    schools, repo = root / "schools", root / "repo"
    schools.mkdir()
    older = GOOD.read_text(encoding="utf-8").replace("version: 2024-25", "version: 2023-24").replace(
        "- name: Tom Ellis", "- name: Ann Brook").replace("weekly family coffee morning", "family coffee morning")
    (schools / "oak.yml").write_text(older, encoding="utf-8")
    git(root, "init", "-q", "-b", "main", str(repo))
    git(repo, "config", "user.name", "Test Publisher")
    git(repo, "config", "user.email", "publisher@example.org")
    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    publish("oak", repo_dir=repo, schools_dir=schools)
    shutil.copy(GOOD, schools / "oak.yml")
    patch = pytest.MonkeyPatch()
    patch.setenv("POLICY_SCHOOLS_DIR", str(schools))
    yield repo
    patch.undo()


def test_since_compares_the_published_version_with_the_school_file_now(published):
    assert changes_since("oak", "2023-24", "gh-pages", published).splitlines()[:7] == [
        "What changed in version 2024-25 since version 2023-24: 2 of 14 sections",
        "",
        "## Title page (1 changed, 25 unchanged)",
        "  [-Ann Brook-] {+Tom Ellis+}",
        "",
        "## Impact (1 changed, 13 unchanged)",
        "  We also run a {+weekly+} family coffee morning.",
    ]


def test_since_an_alias_compares_with_the_version_it_names(published):
    assert changes_since("oak", "latest", "gh-pages", published).splitlines()[0] == (
        "What changed in version 2024-25 since version 2023-24: 2 of 14 sections")


def test_since_names_the_published_versions_when_the_version_is_not_there(published):
    with pytest.raises(PolicyError) as caught:
        read_published_print_page(published, "gh-pages", "oak", "2022-23")
    assert str(caught.value) == ("policy diff: --since: the branch 'gh-pages' has no version '2022-23' "
                                 "of oak; published versions: 2023-24")


def test_since_explains_a_missing_pages_branch(published):
    with pytest.raises(PolicyError) as caught:
        read_published_print_page(published, "pages", "oak", "2023-24")
    assert str(caught.value) == ("policy diff: --branch: there is no branch 'pages' to read published "
                                 "versions from; fetch the pages branch (git fetch origin "
                                 "gh-pages:gh-pages) or name it with --branch")


def test_since_refuses_a_version_name_that_could_not_have_been_published(published):
    with pytest.raises(PolicyError) as caught:
        changes_since("oak", "../2023-24", "gh-pages", published)
    assert str(caught.value) == ("policy diff: --since: '../2023-24' is not a version name; versions "
                                 "are named like 2024-25")


def test_cli_reports_a_missing_pages_branch_as_an_error(capsys, monkeypatch):
    monkeypatch.delenv("POLICY_SCHOOLS_DIR", raising=False)   # the project's own schools
    assert main(["diff", "westfield", "--since", "2024-25", "--branch", "no-such-pages-branch"]) == 1
    assert capsys.readouterr().err.startswith(
        "error: policy diff: --branch: there is no branch 'no-such-pages-branch'")
