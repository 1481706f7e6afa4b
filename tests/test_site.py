"""The output contract: one site per school, a print page, and no template or dead link left over."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import SEED_SCHOOLS
from macros.model.model import load_model


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("slug", SEED_SCHOOLS)
def test_each_school_has_a_home_page_and_a_print_page(seed_sites, slug):
    assert (seed_sites / slug / "index.html").is_file()
    assert (seed_sites / slug / "print" / "index.html").is_file()


def test_landing_page_links_to_every_school(seed_sites):
    soup = BeautifulSoup((seed_sites / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert {a["href"] for a in soup.select("main a")} >= {f"{slug}/" for slug in SEED_SCHOOLS}


def test_no_template_syntax_survives_in_any_page(seed_sites):
    leftovers = [str(p) for p in html_files(seed_sites)
                 if "{{" in p.read_text(encoding="utf-8") or "{%" in p.read_text(encoding="utf-8")]
    assert leftovers == []


def test_no_placeholder_links_in_any_page(seed_sites):
    dead = []
    for page in html_files(seed_sites):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        dead += [f"{page}: {a.get_text(strip=True)}" for a in soup.find_all("a", href="#")]
    assert dead == []


def test_attribute_list_markers_never_show_as_text(seed_sites):
    shown = [str(p) for p in html_files(seed_sites)
             if "{: #" in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text()]
    assert shown == []


@pytest.mark.parametrize("slug", SEED_SCHOOLS)
def test_print_page_holds_one_h1_and_every_section(seed_sites, slug):
    soup = BeautifulSoup((seed_sites / slug / "print" / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    assert len(article.find_all("h1")) == 1
    assert article.find(id="title") is not None
    model_sections = [p.parent.name for p in (seed_sites / slug).glob("*/index.html")
                      if p.parent.name in load_model().sections]
    assert model_sections, slug
    assert [s for s in model_sections if article.find(id=s) is None] == []


def test_passage_names_are_html_ids_on_their_pages(seed_sites):
    soup = BeautifulSoup((seed_sites / "st-josephs" / "intention" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.find(id="intention.deaton-review").name == "span"
    assert soup.find(id="intention.revised-guidance").name == "p"


def test_an_omitted_passage_is_absent_from_the_school_site(seed_sites):
    soup = BeautifulSoup((seed_sites / "westfield" / "intention" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.find(id="intention.deaton-review") is None
    assert "Deaton" not in soup.select_one("article").get_text()


def test_an_omitted_section_leaves_neither_page_nor_nav_entry(seed_sites):
    site = seed_sites / "dacorum-esc"
    assert not (site / "appendix-2").exists()
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert not [a for a in soup.select("nav a") if "appendix-2" in a.get("href", "")]


def test_role_holders_appear_with_titles(seed_sites):
    text = BeautifulSoup((seed_sites / "westfield" / "planning" / "index.html").read_text(encoding="utf-8"),
                         "html.parser").select_one("article").get_text(" ")
    assert "this academic year is Emma Leach, Headteacher" in " ".join(text.split())


def _indexed_pages(site: Path) -> tuple[dict, set[str]]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return index, {entry["location"].split("#", 1)[0] for entry in index["docs"]}


@pytest.mark.parametrize("slug", SEED_SCHOOLS)
def test_pages_that_repeat_other_pages_are_not_in_the_search_index(seed_sites, slug):
    _, locations = _indexed_pages(seed_sites / slug)
    assert "" in locations and "contacts/" in locations
    assert not {"print/", "differences/"} & locations


@pytest.mark.parametrize("slug", SEED_SCHOOLS)
def test_the_search_index_is_about_the_size_of_the_text_it_indexes(seed_sites, slug):
    """A reader's phone downloads the index for the first search: it should hold each indexed
    page's text once, not markup or repeats (today it is about 1.07 times the text)."""
    site = seed_sites / slug
    index, locations = _indexed_pages(site)
    text = 0
    for location in locations:
        page = BeautifulSoup((site / location / "index.html").read_text(encoding="utf-8"), "html.parser")
        text += len(page.find("article").get_text(" ", strip=True))
    size = len((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert text > 20_000
    assert size <= 1.25 * text, f"index {size} characters for {text} characters of text"


def test_plain_mkdocs_builds_one_school(tmp_path):
    import os
    import subprocess
    import sys

    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = dict(os.environ, SCHOOL="westfield", NO_MKDOCS_2_WARNING="1")
    subprocess.run([str(mkdocs), "build", "-q", "-d", str(tmp_path / "w")], check=True, env=env,
                   cwd=Path(__file__).resolve().parent.parent)
    assert (tmp_path / "w" / "print" / "index.html").is_file()
