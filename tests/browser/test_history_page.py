"""The history page's own JavaScript gives Python's answers, and the review notice shows, in Chromium."""
from __future__ import annotations

from pathlib import Path

import pytest

from macros.publish.version_history import in_force_on, render_history
from version_records import ALL, D

pytestmark = pytest.mark.browser
REVIEW_JS = Path(__file__).resolve().parents[2] / "docs" / "assets" / "review-notice.js"


def test_history_page_answers_in_the_browser_as_python_does(page, tmp_path):
    page_file = tmp_path / "index.html"
    page_file.write_text(render_history("St Joseph's School", ALL, D(2025, 1, 1)), encoding="utf-8")
    page.goto(page_file.as_uri())
    for day in (D(2023, 10, 31), D(2023, 11, 1), D(2025, 3, 15), D(2030, 1, 1)):
        page.fill("#in-force-date", day.isoformat())
        page.click("text=Find the version")
        answer = page.inner_text("#in-force-answer")
        expected = in_force_on(ALL, day)
        if expected is None:
            assert "no published version" in answer
        else:
            assert f"version {expected.version}" in answer and expected.ratified_text in answer
            assert page.get_attribute("#in-force-answer a", "href") == f"{expected.version}/"
    assert page.get_attribute("#in-force-answer", "aria-live") == "polite"
    assert page.locator("label[for=in-force-date]").inner_text() == "Date"


@pytest.mark.parametrize("due, shown", [("2001-01-31", True), ("2999-12-31", False)])
def test_review_notice_appears_only_after_the_review_date(page, tmp_path, due, shown):
    (tmp_path / "review-notice.js").write_text(REVIEW_JS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "page.html").write_text(
        '<!doctype html><html lang="en-GB"><head><title>t</title></head><body><main>'
        f'<div class="policy-review-notice" role="status" data-next-review="{due}" '
        'data-next-review-text="Autumn 2001"></div><h1>Policy</h1></main>'
        '<script src="review-notice.js" defer></script></body></html>', encoding="utf-8")
    page.goto((tmp_path / "page.html").as_uri())
    page.wait_for_load_state("load")
    text = page.inner_text("[role=status]")
    if shown:
        assert "Review date passed" in text and "Autumn 2001" in text
    else:
        assert text.strip() == ""
