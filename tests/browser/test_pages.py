"""The pages built around the policy: who's who (and its block on the home page), the
accessibility statement, and the way to ask about the policy at the end of every page."""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from macros.school.schema import Vacancy

pytestmark = pytest.mark.browser

ROLES = ("designated_teacher", "designated_governor", "safeguarding_lead")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").replace("’", "'").split())


def _office(school) -> str:
    return "the Centre office" if school.data.school.setting == "centre" else "the school office"


def test_whos_who_lists_every_role_its_holders_and_what_it_does(sites):
    from macros.model.model import load_model
    does = load_model().meta["roles"]
    for slug, school in sites.schools.items():
        soup = _soup(sites.root / slug / "whos-who" / "index.html")
        article = soup.select_one("article")
        assert _text(article.select_one("h1")) == "Who's who"
        for role in ROLES:
            section = article.select_one(f"#whos-who-{role.replace('_', '-')}")
            assert section is not None and section.name == "h2", (slug, role)
            body = []
            for sibling in section.find_next_siblings():
                if sibling.name in ("h1", "h2"):
                    break
                body.append(_text(sibling))
            body = " ".join(body)
            value = getattr(school.data.roles, role)
            if isinstance(value, Vacancy):
                assert "vacant" in body and _text(BeautifulSoup(value.contact, "html.parser")) in body, (slug, role, body)
            else:
                for holder in value:
                    assert holder.name.replace("’", "'") in body, (slug, role, body)
            assert "What this role does:" in body and does[role]["does"].split()[-1] in body, (slug, role)
        if school.data.governance == "management-committee":
            assert "Management Committee" in _text(article) and "governors" not in _text(article)


def test_home_page_shows_whos_who_at_a_glance(sites, page):
    for slug, school in sites.schools.items():
        page.goto(sites.url(slug))
        block = page.locator("section.policy-whos-who")
        assert block.count() == 1, slug
        assert block.locator("h2").inner_text().replace("’", "'") == "Who's who at a glance"
        text = block.inner_text().replace("’", "'")
        for role in ROLES:
            value = getattr(school.data.roles, role)
            if isinstance(value, Vacancy):
                assert "vacant" in text and value.contact in text, (slug, text)
            else:
                assert all(h.name in text for h in value), (slug, text)
        # it sits right under the title and dates, before the policy's own sections
        assert page.evaluate("""() => { const b = document.querySelector('section.policy-whos-who');
            const h2 = [...document.querySelectorAll('article h2')];
            return h2[0] === b.querySelector('h2'); }"""), slug
        info = school.data.school
        link = ("What each person does, and how to contact them"
                if info.email or info.phone or info.office_hours else "What each person does")
        block.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url("**/whos-who/")


def test_every_page_ends_with_a_way_to_ask_about_the_policy(sites):
    for slug, school in sites.schools.items():
        for path in school.pages:
            soup = _soup(sites.root / slug / path / "index.html")
            article = soup.select_one("article")
            blocks = article.select("section.policy-feedback")
            assert len(blocks) == 1, f"{slug}/{path}"
            assert blocks[0] is article.find_all(recursive=False)[-1] or blocks[0].find_next_sibling() is None
            text = _text(blocks[0])
            assert "Questions or comments about this policy" in text
            assert _office(school) in text and school.name.replace("’", "'") in text, (slug, path, text)


def test_accessibility_statement_on_every_site(sites):
    for slug, school in sites.schools.items():
        article = _soup(sites.root / slug / "accessibility" / "index.html").select_one("article")
        text = _text(article)
        assert _text(article.select_one("h1")) == "Accessibility statement"
        for needed in ("(WCAG) version 2.2 AA standard", "How we tested this website", "axe-core",
                       "Reporting accessibility problems with this website",
                       school.name.replace("’", "'"), _office(school)):
            assert needed in text, f"{slug}: '{needed}' missing from the accessibility statement"
        headings = [_text(h) for h in article.select("h2")]
        assert "How accessible this website is" in headings


@pytest.fixture(scope="module")
def school_with_contact(tmp_path_factory):
    """St Joseph's with an email address and phone number, built in this process."""
    from macros.build.builder import build_school
    from macros.paths import SCHOOLS_DIR
    folder = tmp_path_factory.mktemp("schools")
    data = yaml.safe_load((SCHOOLS_DIR / "st-josephs.yml").read_text(encoding="utf-8"))
    data["school"].update(email="office@stjosephs.example.sch.uk", phone="01234 567 890")
    (folder / "st-josephs.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copy(SCHOOLS_DIR / "schema.json", folder / "schema.json")
    out = tmp_path_factory.mktemp("contact-site")
    patch = pytest.MonkeyPatch()
    patch.setenv("POLICY_SCHOOLS_DIR", str(folder))
    try:
        return build_school("st-josephs", out)
    finally:
        patch.undo()


def test_feedback_is_a_mailto_with_the_page_title_when_the_school_gives_an_email(school_with_contact):
    soup = _soup(school_with_contact / "exclusion" / "index.html")
    block = soup.select_one("article section.policy-feedback")
    mail = block.select_one('a[href^="mailto:"]')
    parts = urlsplit(mail["href"])
    assert unquote(parts.path) == "office@stjosephs.example.sch.uk"
    subject = parse_qs(parts.query)["subject"][0]
    title = soup.select_one("article h1").get_text(" ").strip()
    assert title in subject and "St Joseph's School" in subject, subject
    assert block.select_one('a[href="tel:01234567890"]').get_text() == "01234 567 890"
    statement = _text(_soup(school_with_contact / "accessibility" / "index.html").select_one("article"))
    assert "office@stjosephs.example.sch.uk" in statement and "01234 567 890" in statement
    whos_who = _text(_soup(school_with_contact / "whos-who" / "index.html").select_one("article"))
    assert "office@stjosephs.example.sch.uk" in whos_who


def test_a_readers_colour_scheme_stays_chosen_on_the_next_page(sites, page):
    """The palette toggle's choice is stored, and the next page applies it before painting."""
    slug = next(iter(sites.schools))
    page.goto(sites.url(slug))
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click('label[title="Switch to dark mode"]')
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.goto(sites.url(slug, "attendance/"))
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
