"""WCAG 2.2 AA in real Chromium beyond what the audit of every page checks
(test_every_page.py): the skip link, visible focus, and reaching search, the menu and the
version selector by keyboard."""
from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.browser


def _where(record) -> str:
    return record.where


def test_every_school_has_the_pages_a_reader_expects(sites):
    for slug, school in sites.schools.items():
        assert {"", "print/", "whos-who/", "accessibility/"} <= set(school.pages), slug
        assert len(school.pages) >= 15, f"{slug} has only {school.pages}"


def test_skip_link_is_first_visible_on_focus_and_moves_to_the_content(sites, page):
    page.goto(sites.url(next(iter(sites.schools)), "exclusion/"))
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement;
        const r = e.getBoundingClientRect();
        return {cls: e.className, text: e.textContent.trim(), href: e.getAttribute('href'),
                visible: r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0}; }""")
    assert "md-skip" in focused["cls"] and focused["text"] == "Skip to content", focused
    assert focused["visible"], "the skip link is not visible when it has focus"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash.length > 1")
    target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert page.evaluate("(id) => document.getElementById(id).tagName", target) == "H1"


def _focus_is_visible(page) -> dict:
    return page.evaluate("""() => {
      let e = document.activeElement;
      if (!e || e === document.body) return {ok: false, what: 'body'};
      // A visually hidden radio button (material's palette switch) shows focus on its label.
      if (e.matches('input.md-option')) e = e.closest('[data-md-component="palette"]').querySelector('label:not([hidden])');
      const s = getComputedStyle(e);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      const shadow = s.boxShadow && s.boxShadow !== 'none';
      const r = e.getBoundingClientRect();
      return {ok: (outline || shadow) && r.width > 0 && r.height > 0,
              what: e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40),
              outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
    }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_always_visible(sites, new_page, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(sites.url(next(iter(sites.schools)), "whos-who/"))
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        state = _focus_is_visible(page)
        if state["what"] == "body":
            continue
        assert state["ok"], f"focus not visible on {state}"
        seen.add(state["what"])
    assert len(seen) >= 20, f"Tab reached only {len(seen)} controls"


def _tab_until(page, selector: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def test_keyboard_reaches_search_on_desktop_and_it_works(sites, page, search):
    slug = next(iter(sites.schools))
    page.goto(sites.url(slug, "attendance/"))
    assert _tab_until(page, "input.md-search__input"), "Tab never reached the search box"
    page.keyboard.type("attendance", delay=15)
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("Escape")


def test_keyboard_reaches_search_and_menu_on_a_phone(sites, new_page):
    page = new_page(width=375, height=812, is_mobile=True, has_touch=True)
    page.goto(sites.url(next(iter(sites.schools)), "attendance/"))
    assert _tab_until(page, "button.policy-search-button"), "Tab never reached the search button"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.matches('input.md-search__input')")
    page.keyboard.type("exclusion", delay=15)
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("Escape")
    page.goto(sites.url(next(iter(sites.schools)), "attendance/"))
    assert _tab_until(page, "button.policy-menu-button"), "Tab never reached the menu button"
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('__drawer').checked"), "Enter did not open the menu"


def test_keyboard_reaches_the_version_selector_of_a_published_site(tmp_path, serve, page):
    """A published site (built with the publishing config, as `policy publish` builds it) has
    mike's version selector, listing the versions.json beside the versions. Its pages, two
    folders down as a version is on the pages branch, use the shared assets at the root."""
    from macros.build.builder import build_school
    from macros.publish.site_build import STORE_VARIABLE, publish_config

    slug = "st-josephs"
    root = tmp_path / "pages"
    versioned = root / "versioned"
    config = publish_config("latest")
    os.environ[STORE_VARIABLE] = str(root)
    try:
        build_school(slug, versioned, config_file=config)
    finally:
        os.environ.pop(STORE_VARIABLE, None)
    (versioned / "versions.json").write_text(
        json.dumps([{"version": slug, "title": "2024-25", "aliases": ["latest"]}]), encoding="utf-8")
    page.goto(f"{serve(root)}versioned/{slug}/")
    page.wait_for_selector(".md-version__current", state="attached")
    assert page.inner_text(".md-version__current").startswith("2024-25")
    # The selector is drawn by material's bundle, which the page loaded from there.
    assert page.evaluate("[...document.scripts].some("
                         "s => s.src.startsWith(location.origin + '/shared-assets/'))")
    assert _tab_until(page, ".md-version__current, .md-version__link"), "Tab never reached the version selector"
