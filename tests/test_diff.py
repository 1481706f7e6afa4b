"""`policy diff` and the site's "How this policy differs from the model" page."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from macros import cli
from macros.build.builder import build_school
from macros.render.differences import differences, render_markdown, render_text
from macros.school.loader import load_school, school_path
from macros.paths import SCHOOLS_DIR
from macros.model.model import load_model

FIXTURES = Path(__file__).parent / "schools"


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


def test_st_josephs_follows_the_model_exactly(capsys):
    diff = differences(load("st-josephs"), load_model())
    assert diff.departures == []
    assert render_text(diff, "schools/st-josephs.yml") == (
        "St Joseph's School (schools/st-josephs.yml) follows the model "
        "(CSF4093 issue 12, August 2023) exactly.\n")
    assert cli.main(["diff", "st-josephs"]) == 0
    assert "follows the model (CSF4093 issue 12, August 2023) exactly" in capsys.readouterr().out


def test_every_departure_of_the_fixture_is_listed():
    diff = differences(load("good", FIXTURES), load_model())
    found = {(d.kind, d.name): d for d in diff.departures}
    assert set(found) == {
        ("choice", "toolkit training"), ("choice", "alternative provision hours"),
        ("omit", "intention.deaton-review"), ("add_after", "impact.families"),
        ("replace", "exclusion.minimum-days-out"), ("fill", "exclusion.avoid-methods"),
    }
    omitted = found[("omit", "intention.deaton-review")]
    assert omitted.link is None and omitted.model_text.startswith("We also understand that this guidance")
    assert found[("add_after", "impact.families")].link == "../impact/#impact.families.added-1"
    assert found[("add_after", "impact.families")].school_text == "We also run a weekly family coffee morning."
    reworded = found[("replace", "exclusion.minimum-days-out")]
    assert reworded.model_text == "We will keep the number of days out of the in-school routine to a strict minimum."
    assert reworded.link == "../exclusion/#exclusion.minimum-days-out"
    assert found[("fill", "exclusion.avoid-methods")].school_text == (
        "a reduced timetable agreed with the Virtual School / a change of class")
    training = found[("choice", "toolkit training")]
    assert (training.school_text, training.model_text) == (
        "planned, to be delivered in Spring Term 2025", "delivered to all staff")
    assert training.link == "../intention/#intention.toolkit-training"
    hours = found[("choice", "alternative provision hours")]
    assert (hours.school_text, hours.link) == ("32.5 hours", "../appendix-2/#appendix-2.full-time")


def test_the_terminal_view_reads_as_a_list(capsys, monkeypatch):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(FIXTURES))
    assert cli.main(["diff", "good"]) == 0
    out = capsys.readouterr().out
    assert "Oakfield Primary School (" in out and "differs from the model (CSF4093 issue 12, August 2023) in 6 places:" in out
    assert "Local choices (2)\n  toolkit training: planned, to be delivered in Spring Term 2025 (model: delivered to all staff)" in out
    assert "Passages left out (1)\n  intention.deaton-review  [Intention]\n      model:  We also understand" in out
    assert "      school: We will keep any time out of the usual routine as short as possible." in out


def test_diff_of_a_missing_school_is_a_clear_error(capsys):
    assert cli.main(["diff", "no-such-school"]) == 1
    assert "no such school file" in capsys.readouterr().err


def test_the_site_page_lists_and_links_every_departure(good_site):
    page = BeautifulSoup((good_site / "differences" / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = page.select_one("article")
    assert article.h1.get_text(strip=True) == "How this policy differs from the model"
    headings = [h.get_text(strip=True) for h in article.find_all("h2")]
    assert headings[:5] == ["Local choices", "Passages left out", "Passages added", "Passages reworded",
                        "Lists the school filled"]
    text = article.get_text(" ")
    assert "We also run a weekly family coffee morning." in text
    assert "planned, to be delivered in Spring Term 2025" in text
    links = [a["href"] for a in article.select("a[href]") if a["href"].startswith("../")]
    assert "../exclusion/#exclusion.minimum-days-out" in links
    for href in links:  # every link lands on an element with that id on the school's site
        page_path, _, anchor = href[3:].partition("#")
        target = BeautifulSoup((good_site / page_path / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert not anchor or target.find(id=anchor) is not None, href
    nav = [a.get_text(strip=True) for a in page.select("nav a")]
    assert "How this policy differs from the model" in nav


def test_st_josephs_page_says_it_follows_the_model():
    markdown = render_markdown(differences(load("st-josephs"), load_model()))
    assert markdown.startswith("St Joseph's School follows the model policy (CSF4093 issue 12, August 2023) exactly")


def test_westfield_lists_its_training_timing_and_behaviour_approach():
    diff = differences(load("westfield"), load_model())
    choices = {d.name: d for d in diff.of_kind("choice")}
    assert choices["behaviour approach"].school_text == "Therapeutic Thinking"
    assert choices["behaviour approach"].model_text == "Hertfordshire Steps"
    assert "Spring Term 2024" in choices["toolkit training"].school_text
    assert "intention.deaton-review" in {d.name for d in diff.of_kind("omit")}
    text = render_text(diff)
    assert "behaviour approach: Therapeutic Thinking (model: Hertfordshire Steps)" in text


@pytest.mark.parametrize("slug", ["hartsfield", "dacorum-esc"])
def test_other_seed_schools_list_departures(slug):
    school = load(slug)
    diff = differences(school, load_model())
    touched = (len(school.passages.omit) + len(school.passages.add_after) + len(school.passages.replace)
               + len(school.passages.fill) + len(school.sections))
    assert len([d for d in diff.departures if d.kind != "choice"]) == touched > 0
