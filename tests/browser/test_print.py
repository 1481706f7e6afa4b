"""The whole policy on paper: Chromium prints each school's print page to PDF, and the PDF
holds the school's name, the Designated Teacher, the dates; the print stylesheet hides the
website around the policy and shows where external links go."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from macros.school.schema import Vacancy

pytestmark = pytest.mark.browser


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("\u00ad", "").split())


def _pdf_pages(page) -> list[str]:
    pdf = page.pdf(format="A4", margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"})
    return [_norm(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def test_print_pdf_holds_the_school_the_designated_teacher_and_the_dates(sites, page):
    for slug, school in sites.schools.items():
        page.goto(sites.url(slug, "print/"))
        pages = _pdf_pages(page)
        text = " ".join(pages)
        first = pages[0]
        data = school.data
        expected = [data.school.name, str(data.dates.ratified), str(data.dates.next_review)]
        if data.dates.reviewed:
            expected.append(str(data.dates.reviewed))
        teachers = data.roles.designated_teacher
        if not isinstance(teachers, Vacancy):
            expected += [h.name for h in teachers]
        for value in expected:
            assert _norm(value) in first, f"{slug}: '{value}' is not on the first printed page"
            assert _norm(value) in text, f"{slug}: '{value}' is not in the PDF"
        print(f"\n{slug}: {len(pages)} A4 pages")
        assert len(pages) >= 5
        for chrome in ("Skip to content", "Table of contents", "Questions or comments about this policy"):
            assert chrome not in text, f"{slug}: the printed copy shows '{chrome}'"


def test_print_stylesheet_hides_the_website_and_shows_link_addresses(sites, page):
    slug = next(iter(sites.schools))
    page.goto(sites.url(slug, "print/"))
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-footer', '.md-search', '.policy-feedback'].map(s => [s,
        [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none')])""")
    assert all(ok for _, ok in hidden), hidden
    after = page.evaluate("""() => [...document.querySelectorAll('article a[href^="http"]')].map(a =>
        [a.href, getComputedStyle(a, '::after').content])""")
    assert after, "the print page has no external links to check"
    for href, content in after:
        assert href.rstrip("/") in content or href in content, (href, content)
    breaks = page.evaluate("""() => { const h = document.querySelector('article h2');
        const li = document.querySelector('article li');
        return [getComputedStyle(h).breakAfter, getComputedStyle(li).breakInside]; }""")
    assert breaks == ["avoid", "avoid"], breaks
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('.policy-print-summary')).display") == "none"


def test_printed_summary_is_outside_the_policy_text(sites):
    """The fidelity check compares the print page's <article> with the seed word by word."""
    from bs4 import BeautifulSoup
    for slug in sites.schools:
        soup = BeautifulSoup((sites.root / slug / "print" / "index.html").read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article")
        assert soup.select_one(".policy-print-summary") is not None
        assert article.select_one(".policy-print-summary, .policy-whos-who") is None
        extra = [e for e in article.select("section") if "policy-feedback" not in e.get("class", [])]
        assert not extra, extra
