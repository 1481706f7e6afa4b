"""README screenshots of one school's home page, at 375 px (a phone) and 1280 px (a laptop).

Every run takes them and checks the page fits the width; with UPDATE_SCREENSHOTS=1 they also
replace assets/readme/home-375.png and home-1280.png.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parents[2] / "assets" / "readme"
SCHOOL = "westfield"


@pytest.mark.parametrize("width,height", [(375, 812), (1280, 800)])
def test_home_page_screenshot_fits_the_width(sites, new_page, width, height, tmp_path):
    slug = SCHOOL if SCHOOL in sites.schools else next(iter(sites.schools))
    page = new_page(width=width, height=height, is_mobile=width < 600, has_touch=width < 600,
                    device_scale_factor=2 if width < 600 else 1)
    page.goto(sites.url(slug))
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    path = tmp_path / f"home-{width}.png"
    page.screenshot(path=str(path), full_page=False)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / path.name).write_bytes(path.read_bytes())
