"""Trust and print, in Chromium: every printed page has its number and a running footer naming
the school, version and ratification; page 1 opens with the policy and a one-line review
notice; the "What changed since" page passes axe in light and dark."""
from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from macros.publish.changes import changes_page

pytestmark = pytest.mark.browser
SLUG = "westfield"   # next review September 2025: the notice shows from October 2025 on
NOTICE = ("Review date passed: this policy was due to be reviewed by September 2025. "
          "Please ask the school for its current policy.")
FOOTER = ("Westfield Primary School and Nursery: Policy for Children with a Social Worker, "
          "version 2024-25, ratified December 2023")


def _norm(text: str) -> str:
    """PDF text as a reader sees it: ligatures (ﬁ) as letters, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("’", "'").split())


@pytest.fixture(scope="module")
def printed(sites, browser) -> list[str]:
    """Westfield's print page printed to A4 by Chromium with the page's own margins (once)."""
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(sites.url(SLUG, "print/"))
        page.wait_for_selector(".policy-review-notice--due")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
    finally:
        context.close()
    return [_norm(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def test_every_printed_page_has_its_number_and_the_running_footer(printed):
    total = len(printed)
    assert total >= 5
    for number, text in enumerate(printed, start=1):
        assert f"Page {number} of {total}" in text, f"page {number}: {text[:160]}"
        assert _norm(FOOTER) in text, f"page {number}: {text[:160]}"


def test_page_one_holds_the_review_notice_once_and_the_start_of_the_policy(printed):
    first = printed[0]
    assert first.count(NOTICE) == 1, first[:600]
    for words in ("Date to next be reviewed September 2025", "Policy Objective",
                  "Name of the Designated Teacher for CLA and PLA"):
        assert words in first, f"'{words}' is not on page 1: {first[:900]}"


def test_the_printed_review_notice_is_one_short_line(sites, page):
    page.goto(sites.url(SLUG, "print/"))
    page.emulate_media(media="print")
    notice = page.wait_for_selector(".policy-review-notice--due")
    height, line = page.evaluate("""(box) => [box.getBoundingClientRect().height,
        parseFloat(getComputedStyle(box).lineHeight)]""", notice)
    assert height <= 2 * line + 12, (height, line)


def test_the_review_notice_on_screen_is_one_paragraph_with_the_due_date(sites, page):
    page.goto(sites.url(SLUG, "intention/"))
    notice = page.wait_for_selector(".policy-review-notice--due")
    assert notice.inner_text().strip() == NOTICE
    assert notice.evaluate("(box) => box.querySelectorAll('p').length") == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_what_changed_page_has_no_axe_violations(sites, new_page, axe_script, axe_run, axe_report,
                                                 tmp_path, scheme):
    current = (sites.root / SLUG / "print" / "index.html").read_text(encoding="utf-8")
    previous = current.replace("Ash Patil", "Sam Okafor").replace("vital role", "central role")
    (tmp_path / "index.html").write_text(changes_page(previous, current, "Westfield Primary School and Nursery",
                                                      "2023-24", "2024-25"), encoding="utf-8")
    page = new_page(color_scheme=scheme)
    page.context.add_init_script(axe_script)
    page.goto((tmp_path / "index.html").as_uri())
    assert page.locator("section ins").first.text_content() == "added: Ash Patil"
    violations = axe_run(page)
    assert not violations, axe_report(violations)
