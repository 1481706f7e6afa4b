"""Pages a reader trusts: each date in one wording, the print page's record and running footer,
who's who with the school's contact route, the accessibility statement, and `policy check`
warning when a school file gives no way to reach the school."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from macros.build.builder import build_school
from macros.render.check import check_schools, text_line
from macros.render.pages import css_string
from macros.school.dates import dates_in, in_one_wording

GOOD = Path(__file__).resolve().parent / "schools" / "good.yml"


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def section_after(article, ident: str) -> list[str]:
    """The text of each element after the h2 `ident`, up to the next h2."""
    found = []
    for sibling in article.select_one(f"#{ident}").find_next_siblings():
        if sibling.name == "h2":
            break
        found.append(text(sibling))
    return found


@pytest.fixture(scope="module")
def oak(tmp_path_factory):
    """The test school with every contact route (email, phone, office hours), built once."""
    folder = tmp_path_factory.mktemp("schools")
    data = yaml.safe_load(GOOD.read_text(encoding="utf-8"))
    data["school"].update(phone="01234 567890", office_hours="Monday to Friday, 8.30am to 4pm")
    (folder / "oak.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setenv("POLICY_SCHOOLS_DIR", str(folder))
    try:
        return build_school("oak", tmp_path_factory.mktemp("oak-site"))
    finally:
        patch.undo()


# --- each date once, in one wording ---------------------------------------------------------

def test_a_date_inside_other_words_is_found():
    assert [str(d) for d in dates_in("by FGB December 2023")] == ["December 2023"]


def test_a_date_in_the_title_rows_is_worded_as_everywhere_else():
    assert in_one_wording("Sept 2025") == "September 2025"


def test_words_that_are_not_a_date_are_left_alone():
    assert in_one_wording("Marietta Harrow – Virtual School Head, FGB 2023") == (
        "Marietta Harrow – Virtual School Head, FGB 2023")


def test_the_print_page_words_the_next_review_once_and_as_the_notice_does(seed_sites):
    soup = soup_of(seed_sites / "westfield" / "print" / "index.html")
    rows = {text(dt): text(dt.find_next_sibling("dd")) for dt in soup.select("article dl dt")}
    assert rows["Date to next be reviewed"] == "September 2025"
    assert soup.select_one(".policy-review-notice")["data-next-review-text"] == "September 2025"
    assert "Sept 2025" not in text(soup)


def test_the_printed_record_leaves_out_dates_the_title_page_shows(seed_sites):
    soup = soup_of(seed_sites / "westfield" / "print" / "index.html")
    assert [text(dt) for dt in soup.select(".policy-print-summary dt")] == [
        "School", "Policy", "Version", "Based on the model policy", "Designated Teacher",
        "Designated School Governor", "Designated Safeguarding Lead"]


def test_the_printed_record_gives_the_dates_when_the_title_page_has_none(seed_sites):
    soup = soup_of(seed_sites / "dacorum-esc" / "print" / "index.html")
    rows = {text(dt): text(dt.find_next_sibling("dd")) for dt in soup.select(".policy-print-summary dt")}
    assert (rows["Ratified"], rows["Next review"]) == ("28 November 2023", "28 November 2024")


# --- the running footer and the review notice ----------------------------------------------

def test_every_page_head_carries_the_running_footer_of_school_version_and_ratification(seed_sites):
    style = soup_of(seed_sites / "westfield" / "intention" / "index.html").head.find("style")
    assert style.string == (':root { --policy-running-footer: "Westfield Primary School and Nursery: '
                            'Policy for Children with a Social Worker, version 2024-25, ratified '
                            'December 2023"; }')


def test_running_footer_escapes_what_could_end_the_style_or_the_string():
    assert css_string('St "Mary’s" </style>') == '"St \\000022Mary\\002019s\\000022 \\00003c/style\\00003e"'


def test_the_review_notice_asks_a_centre_to_be_asked(seed_sites):
    soup = soup_of(seed_sites / "dacorum-esc" / "index.html")
    assert soup.select_one(".policy-review-notice")["data-ask"] == (
        "Please ask the Centre for its current policy.")


# --- who's who -------------------------------------------------------------------------------

def test_whos_who_lists_each_contact_route_the_school_file_gives(oak):
    article = soup_of(oak / "whos-who" / "index.html").select_one("article")
    assert text(article.select_one("#whos-who-contact")) == "How to contact them"
    assert section_after(article, "whos-who-contact")[:2] == [
        "Ask Oakfield Primary School for the person you need:",
        "by email: office@oakfield.herts.sch.uk by phone: 01234 567890 at the school office, "
        "open Monday to Friday, 8.30am to 4pm"]
    links = [(a["href"], text(a)) for a in article.select("#whos-who-contact ~ ul a")]
    assert links == [("mailto:office@oakfield.herts.sch.uk", "office@oakfield.herts.sch.uk"),
                     ("tel:01234567890", "01234 567890")]


def test_whos_who_without_a_contact_route_says_so_instead_of_promising_one(seed_sites):
    article = soup_of(seed_sites / "westfield" / "whos-who" / "index.html").select_one("article")
    assert text(article.select_one("#whos-who-contact")) == "Contacting them"
    assert section_after(article, "whos-who-contact")[0] == (
        "This website does not give the school’s email address, phone number or office hours yet. "
        "Please ask at the school office at Westfield Primary School and Nursery for the person you need.")


def test_home_page_link_promises_contact_details_only_when_there_are_some(seed_sites, oak):
    def link(home: Path) -> str:
        return text(soup_of(home).select_one(".policy-whos-who a[href$='whos-who/']"))
    assert link(seed_sites / "westfield" / "index.html") == "What each person does"
    assert link(oak / "index.html") == "What each person does, and how to contact them"


def test_check_warns_when_a_school_file_gives_no_way_to_contact_the_school():
    lines = [text_line(f) for f in check_schools(["westfield"]).findings]
    assert ("warning: schools/westfield.yml:6:1: school: no way to contact the school is given, so the "
            "who's who page cannot say how to reach the people it names: add email:, phone: or "
            "office_hours: under school:") in lines


def test_check_does_not_warn_about_contact_when_the_file_gives_an_email(tmp_path, monkeypatch):
    shutil.copy(GOOD, tmp_path / "oak.yml")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert not [line for line in [text_line(f) for f in check_schools(["oak"]).findings] if ": school: " in line]


# --- the accessibility statement ---------------------------------------------------------------

def test_accessibility_statement_has_the_sections_of_the_model_statement(oak):
    article = soup_of(oak / "accessibility" / "index.html").select_one("article")
    assert [(h.name, text(h)) for h in article.select("h1, h2, h3")] == [
        ("h1", "Accessibility statement"),
        ("h2", "How accessible this website is"),
        ("h2", "Asking for the policy in another format"),
        ("h2", "Reporting accessibility problems with this website"),
        ("h2", "Enforcement procedure"),
        ("h2", "Technical information about this website’s accessibility"),
        ("h3", "Compliance status"),
        ("h3", "Content that is not accessible"),
        ("h2", "How we tested this website"),
        ("h2", "Preparation of this accessibility statement"),
        ("h2", "Questions or comments about this policy"),
    ]


def test_accessibility_statement_says_how_to_ask_for_another_format_by_the_schools_routes(oak):
    article = soup_of(oak / "accessibility" / "index.html").select_one("article")
    assert section_after(article, "accessibility-format") == [
        "If you need the policy in a different format, such as large print, easy read, audio "
        "recording or braille, contact Oakfield Primary School:",
        "by email: office@oakfield.herts.sch.uk by phone: 01234 567890 at the school office, "
        "open Monday to Friday, 8.30am to 4pm",
        "We will consider your request and reply as soon as we can."]


def test_accessibility_statement_names_the_enforcement_body_and_the_advisory_service(oak):
    article = soup_of(oak / "accessibility" / "index.html").select_one("article")
    link = article.select_one("#accessibility-enforcement ~ p a")
    assert (text(link), link["href"]) == ("Equality Advisory and Support Service (EASS)",
                                          "https://www.equalityadvisoryservice.com/")
    assert section_after(article, "accessibility-enforcement")[0].startswith(
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public "
        "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018")


def test_accessibility_statement_says_it_is_partially_compliant_and_lists_known_failures(oak):
    from macros.render.accessibility import KNOWN_FAILURES
    article = soup_of(oak / "accessibility" / "index.html").select_one("article")
    status = section_after(article, "accessibility-compliance")[0]
    assert status.startswith("This website is partially compliant with the Web Content "
                             "Accessibility Guidelines (WCAG) version 2.2 AA standard")
    items = [text(li) for li in article.select("#accessibility-not-accessible + ul > li")]
    assert items[:len(KNOWN_FAILURES)] == [
        f"Failure of the standard, which we plan to fix: {failure}" for failure in KNOWN_FAILURES]


def test_accessibility_statement_says_when_it_was_prepared_and_which_version_it_goes_with(oak):
    article = soup_of(oak / "accessibility" / "index.html").select_one("article")
    assert section_after(article, "accessibility-preparation")[0] == (
        "This statement was prepared on 1 December 2026. It was last reviewed on 1 December 2026. "
        "It is published with every version of Oakfield Primary School’s policy; this one is "
        "version 2024-25, ratified 3 December 2023.")



def test_accessibility_statement_without_contact_routes_points_to_the_office(seed_sites):
    article = soup_of(seed_sites / "westfield" / "accessibility" / "index.html").select_one("article")
    assert section_after(article, "accessibility-format")[0] == (
        "If you need the policy in a different format, such as large print, easy read, audio "
        "recording or braille, please contact the school office at Westfield Primary School and Nursery.")


def test_check_warns_when_the_title_page_gives_a_date_the_dates_do_not(tmp_path, monkeypatch):
    (tmp_path / "oak.yml").write_text(GOOD.read_text(encoding="utf-8").replace(
        "      value: 3 December 2023", "      value: by FGB 3 Dec 2024"), encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert [line for line in [text_line(f) for f in check_schools(["oak"]).findings] if "title_page" in line] == [
        f"warning: {tmp_path / 'oak.yml'}:44:7: title_page.rows[1].value: 'by FGB 3 Dec 2024' gives "
        "the date 3 December "
        "2024, which is none of the dates under dates: (3 December 2023, September 2024, Autumn 2029); "
        "write the same date in both places"]


def test_check_is_quiet_when_the_title_page_dates_are_the_files_dates(tmp_path, monkeypatch):
    shutil.copy(GOOD, tmp_path / "oak.yml")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert not [line for line in [text_line(f) for f in check_schools(["oak"]).findings] if "title_page" in line]
