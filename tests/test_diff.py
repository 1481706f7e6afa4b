"""`policy diff` and the site's "How this policy differs from the model" page: both drawn from
the account of the school's edits, with word-level differences a governor can read."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import FIXTURES, good_data, write_school
from macros import cli
from macros.build.builder import build_school
from macros.model.model import load_model
from macros.paths import SCHOOLS_DIR
from macros.render.context import build_context
from macros.render.differences import TEXT_WIDTH, differences, render_markdown, render_text
from macros.school.loader import load_school, school_path


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("diff")
    (root / "schools").mkdir()
    shutil.copy(FIXTURES / "good.yml", root / "schools" / "good.yml")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        build_school("good", root / "out")
    return root / "out" / "good"


def load(slug: str, folder: Path = SCHOOLS_DIR):
    return load_school(school_path(slug, folder), load_model())


def diff_text(tmp_path, data) -> str:
    path = write_school(tmp_path, data)
    return render_text(differences(load_school(path, load_model()), load_model()))


def block(text: str, title: str) -> list[str]:
    """The lines of one group of the terminal view, from its title to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


def test_st_josephs_follows_the_model_exactly(capsys):
    diff = differences(load("st-josephs"), load_model())
    assert diff.departures == []
    assert cli.main(["diff", "st-josephs"]) == 0
    assert capsys.readouterr().out == (
        "St Joseph's School (schools/st-josephs.yml) follows the model (CSF4093 issue 12, August 2023) exactly.\n")


def test_every_departure_of_the_fixture_is_listed():
    diff = differences(load("good", FIXTURES), load_model())
    assert [(d.kind, d.name, d.link) for d in diff.departures] == [
        ("choice", "toolkit training", "../intention/#intention.toolkit-training"),
        ("choice", "alternative provision hours", "../appendix-2/#appendix-2.full-time"),
        ("omit", "intention.deaton-review", None),
        ("add_after", "impact.families", "../impact/#impact.families.added-1"),
        ("replace", "exclusion.minimum-days-out", "../exclusion/#exclusion.minimum-days-out"),
        ("fill", "exclusion.avoid-methods", "../exclusion/#exclusion.avoid-methods"),
        ("title_page", "title_page.subtitle", "../"),
        ("title_page", "title_page.rows", "../"),
    ]


def test_the_departures_are_the_accounts_landings():
    school, model = load("westfield"), load_model()
    account = build_context(school, model).account
    listed = {(d.kind, d.name) for d in differences(school, model, account).departures
              if d.kind in ("omit", "add_after", "replace", "fill", "section")}
    landed = {(l.entry.group.replace("sections", "section"), l.entry.name) for l in account.landed}
    assert listed == landed and len(landed) == 21


def test_the_terminal_view_opens_with_a_count_and_a_key(capsys, monkeypatch):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(FIXTURES))
    assert cli.main(["diff", "good"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "Oakfield Primary School (tests/schools/good.yml) differs from the model (CSF4093 issue 12, "
        "August 2023) in 8 places.",
        "Words the school left out are shown [-like this-], words it added {+like this+}."]


def test_a_reworded_passage_shows_the_words_removed_and_added():
    text = render_text(differences(load("good", FIXTURES), load_model()))
    assert block(text, "Passages reworded") == [
        "Passages reworded (1)",
        "  Suspensions and Exclusion",
        "    We will keep [-the number of days-] {+any time+} out of the       exclusion.minimum-days-out",
        "    [-in-school-] {+usual+} routine [-to a strict minimum.-]",
        "    {+as short as possible.+}",
    ]


def test_passage_names_stand_in_a_column_of_their_own():
    text = render_text(differences(load("hartsfield"), load_model()))
    named = [line for line in text.splitlines() if line.rstrip().endswith("impact.families-see-guidance")]
    assert named == [f"{'    [-(see guidance here)-]':<{TEXT_WIDTH + 4}}  impact.families-see-guidance"]


def test_a_change_at_the_end_of_a_long_passage_is_shown_with_its_context(tmp_path):
    model = load_model()
    words = " ".join(model.passages["intention.well-being-culture"].text.split())
    changed = words.replace("learning, well-being and safeguarding.", "learning, well-being and safety.")
    text = diff_text(tmp_path, good_data(replace={"intention.well-being-culture": changed}))
    assert block(text, "Passages reworded")[2:] == [
        "    … the inter-relationship between learning, well-being and         intention.well-being-culture",
        "    [-safeguarding.-] {+safety.+}",
    ]


def test_an_omitted_heading_lists_what_goes_with_it(tmp_path):
    text = diff_text(tmp_path, good_data(omit=["appendix-1.research"]))
    assert block(text, "Passages left out") == [
        "Passages left out (1)",
        "  Appendix 1 – the Revised New Duty June 2022",
        "    [-Research-]                                                      appendix-1.research",
        "    and with it:",
        "      - VSHs will be invited to participate in research …",
        "      - The Department will ask all local authorities to share …",
        "      - Some local authorities, including VSHs, their teams, and …",
    ]


def test_title_page_changes_are_shown():
    text = render_text(differences(load("good", FIXTURES), load_model()))
    assert block(text, "Title page") == [
        "Title page (2)",
        "  {+Children with a Social Worker+}                                 title_page.subtitle",
        "  Ratified: 3 December 2023 [-by Full Governing Body; Reviewed:     title_page.rows",
        "  September 2024; Next review: Autumn 2029-]",
    ]


def test_a_document_the_school_gives_an_address_for_is_shown_where_it_is_used(tmp_path):
    data = good_data()
    data["links"] = {"vs-toolkit": "https://example.org/toolkit"}
    text = diff_text(tmp_path, data)
    assert block(text, "Documents the school links to") == [
        "Documents the school links to (1)",
        "  Virtual School Attachment Aware and Trauma Informed Toolkit: https://example.org/toolkit "
        "(model: no web address: shown as plain text)",
    ]


def test_an_address_for_a_document_no_page_shows_is_not_listed():
    names = [d.name for d in differences(load("good", FIXTURES), load_model()).departures]
    assert not [n for n in names if "Deaton" in n]   # the only passage citing it is left out


def test_diff_of_a_missing_school_is_a_clear_error(capsys):
    assert cli.main(["diff", "no-such-school"]) == 1
    assert "no such school file" in capsys.readouterr().err


def test_westfield_lists_its_behaviour_approach():
    text = render_text(differences(load("westfield"), load_model()))
    assert "  Behaviour approach: Therapeutic Thinking (model: Hertfordshire Steps)" in text.splitlines()


# --- the site's page ------------------------------------------------------------------------

def test_the_site_page_lists_and_links_every_departure(good_site):
    page = BeautifulSoup((good_site / "differences" / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = page.select_one("article")
    assert article.h1.get_text(strip=True) == "How this policy differs from the model"
    headings = [h.get_text(strip=True) for h in article.find_all("h2")]
    assert headings == ["Local choices", "Passages left out", "Passages added", "Passages reworded",
                        "Lists the school filled", "Title page", "Questions or comments about this policy"]
    links = [a["href"] for a in article.select("a[href]") if a["href"].startswith("../")]
    assert "../exclusion/#exclusion.minimum-days-out" in links
    for href in links:  # every link lands on an element with that id on the school's site
        page_path, _, anchor = href[3:].partition("#")
        target = BeautifulSoup((good_site / page_path / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert not anchor or target.find(id=anchor) is not None, href


def test_the_site_page_marks_the_words_removed_and_added(good_site):
    page = BeautifulSoup((good_site / "differences" / "index.html").read_text(encoding="utf-8"), "html.parser")
    item = page.find("a", href="../exclusion/#exclusion.minimum-days-out").find_parent("li")
    paragraphs = [" ".join(p.get_text().split()) for p in item.find_all("p")]
    assert paragraphs[1:] == [
        "The model: “We will keep the number of days out of the in-school routine to a strict minimum.”",
        "The school: “We will keep any time out of the usual routine as short as possible.”"]
    assert [d.get_text() for d in item.find_all("del")] == ["the number of days", "in-school", "to a strict minimum."]
    assert [i.get_text() for i in item.find_all("ins")] == ["any time", "usual", "as short as possible."]


def test_st_josephs_page_says_it_follows_the_model():
    markdown = render_markdown(differences(load("st-josephs"), load_model()))
    assert markdown.startswith("St Joseph's School follows the model policy (CSF4093 issue 12, August 2023) exactly")


def test_a_section_in_the_schools_own_words_is_summed_up(tmp_path):
    data = good_data()
    data["sections"] = {"attendance": "We check attendance every morning and call home on the first day."}
    text = diff_text(tmp_path, data)
    assert block(text, "Sections in the school's own words") == [
        "Sections in the school's own words (1)",
        "  Attendance",
        "    Written in the school's own words, keeping 2 of the model's       attendance",
        "    196 words: {+We check attendance every morning and call home",
        "    on the first day.+}",
    ]


def test_the_site_page_lists_what_goes_with_an_omitted_heading(tmp_path):
    path = write_school(tmp_path, good_data(omit=["appendix-1.research"]))
    markdown = render_markdown(differences(load_school(path, load_model()), load_model()))
    start = markdown.index("- In Appendix 1")
    assert markdown[start:].split("\n")[:10] == [
        "- In Appendix 1 – the Revised New Duty June 2022, left out: `appendix-1.research`",
        "",
        "    The model: “Research”",
        "",
        "    Left out with it:",
        "",
        "    - VSHs will be invited to participate in research …",
        "    - The Department will ask all local authorities to share …",
        "    - Some local authorities, including VSHs, their teams, and …",
        "",
    ]


def test_names_without_job_titles_are_a_local_choice(tmp_path):
    data = good_data()
    data["choices"]["titles_in_text"] = False
    diff = differences(load_school(write_school(tmp_path, data), load_model()), load_model())
    choice = next(d for d in diff.departures if d.name == "job titles in the text")
    assert (choice.school_text, choice.model_text, choice.link) == (
        "names only", "each holder's name and job title", "../planning/#planning.designated-teacher")
