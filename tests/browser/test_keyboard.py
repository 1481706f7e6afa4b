"""The keyboard in the header's menu and search, "Back to top" and the contents in the sidebar:
what a keyboard or screen reader user meets on a phone and on a desktop (docs/assets/policy.js,
overrides/partials/)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812, "is_mobile": True, "has_touch": True}
IN_DRAWER = "document.querySelector('.md-sidebar--primary').contains(document.activeElement)"


@pytest.fixture
def phone(new_page, focus_walk_script):
    page = new_page(**PHONE)
    page.context.add_init_script(focus_walk_script)
    return page


@pytest.fixture
def desktop(new_page, focus_walk_script):
    page = new_page()
    page.context.add_init_script(focus_walk_script)
    return page


def _seen(page) -> dict | None:
    """Where focus is, as a reader sees it once the menu or search has finished moving."""
    page.wait_for_function("document.getAnimations().length === 0", timeout=5_000)
    return page.evaluate("__focusCheck()")


def _focused(page) -> str:
    return page.evaluate("(() => { const e = document.activeElement; return e ? e.outerHTML.slice(0, 120) : ''; })()")


def _tab_to(page, selector: str, limit: int = 40, key: str = "Tab") -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _open_menu(page):
    _tab_to(page, "button.policy-menu-button")
    assert page.get_attribute("button.policy-menu-button", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function(IN_DRAWER)


@pytest.mark.parametrize("width, menu, search", [(1280, False, False), (900, True, True), (375, True, True)])
def test_the_menu_and_search_buttons_show_where_material_shows_its_labels(sites, new_page, width, menu, search):
    """The menu while the navigation is a drawer (below 1220 px), search while its box is not
    in the header (below 960 px); material's own labels never, once its script has run."""
    page = new_page(width=width)
    page.goto(sites.url("westfield"))
    page.wait_for_function("document.documentElement.classList.contains('js')")
    assert page.locator("button.policy-menu-button").is_visible() == menu
    assert page.locator("button.policy-search-button").is_visible() == search
    assert page.locator("input.md-search__input").is_visible() or search
    assert not page.locator(".md-header label.policy-no-script").first.is_visible()
    assert not page.locator(".md-header label.policy-no-script").last.is_visible()


def test_the_menu_button_says_the_menu_is_open_and_moves_focus_into_it(sites, phone):
    phone.goto(sites.url("westfield", "attendance/"))
    button = phone.locator("button.policy-menu-button")
    assert button.get_attribute("aria-label") == "Menu"
    _open_menu(phone)
    assert button.get_attribute("aria-expanded") == "true"
    stop = _seen(phone)
    assert not stop["invisible"] and not stop["covered"], stop


def test_escape_closes_the_menu_and_puts_focus_back_on_the_button(sites, phone):
    phone.goto(sites.url("westfield", "attendance/"))
    _open_menu(phone)
    phone.keyboard.press("Tab")
    phone.keyboard.press("Escape")
    assert not phone.evaluate("document.getElementById('__drawer').checked")
    assert phone.evaluate("document.activeElement.matches('button.policy-menu-button')"), _focused(phone)
    assert phone.get_attribute("button.policy-menu-button", "aria-expanded") == "false"


@pytest.mark.parametrize("path", ["attendance/", "appendix-2/"])
def test_every_stop_in_the_open_menu_is_visible_and_leaving_it_closes_it(sites, phone, path):
    """On an appendix page the menu opens on the Appendices sub-menu, over the main menu."""
    phone.goto(sites.url("westfield", path))
    _open_menu(phone)
    stops = [_seen(phone)]
    for _ in range(60):
        phone.keyboard.press("Tab")
        if not phone.evaluate(IN_DRAWER):
            break
        stops.append(_seen(phone))
    else:
        raise AssertionError("Tab never left the menu")
    bad = [stop for stop in stops if stop["invisible"] or stop["covered"]]
    assert len(stops) >= 4 and not bad, bad
    assert not phone.evaluate("document.getElementById('__drawer').checked"), "the menu stayed open"
    assert phone.get_attribute("button.policy-menu-button", "aria-expanded") == "false"


def test_a_sub_menu_s_title_takes_the_keyboard_back_to_the_main_menu(sites, phone):
    phone.goto(sites.url("westfield", "appendix-2/"))
    _open_menu(phone)
    title = "label.md-nav__title[for^='__nav_']"
    assert phone.evaluate("(s) => document.activeElement.matches(s)", title), _focused(phone)
    phone.keyboard.press("Enter")
    phone.wait_for_function("document.activeElement.matches('label.md-nav__link[id$=\"_label\"]')")
    assert phone.evaluate("document.activeElement.textContent.trim()") == "Appendices"
    _tab_to(phone, "a.md-nav__link[href='../whos-who/']", limit=20, key="Shift+Tab")
    stop = _seen(phone)
    assert not stop["invisible"] and not stop["covered"], stop


def test_the_search_count_is_a_polite_live_region(sites, desktop, search):
    desktop.goto(sites.url("westfield"))
    result = search(desktop, "exclusion")
    meta = desktop.locator(".md-search-result__meta")
    assert meta.get_attribute("role") == "status" and meta.get_attribute("aria-live") == "polite"
    assert result["meta"].endswith("matching documents") and result["count"] > 1, result


def test_tab_from_the_search_box_moves_through_the_results(sites, desktop, search):
    desktop.goto(sites.url("westfield"))
    search(desktop, "exclusion")
    stops = []
    for _ in range(3):
        desktop.keyboard.press("Tab")
        stops.append(_seen(desktop))
    assert desktop.evaluate("document.getElementById('__search').checked"), "Tab closed search"
    assert desktop.evaluate("document.activeElement.matches('.md-search-result__link')"), _focused(desktop)
    bad = [s for s in stops if s["invisible"] or s["covered"]]
    assert not bad, bad


def test_leaving_the_results_with_the_keyboard_closes_search(sites, desktop, search):
    desktop.goto(sites.url("westfield"))
    search(desktop, "exclusion")
    desktop.keyboard.press("Shift+Tab")
    assert not desktop.evaluate("document.getElementById('__search').checked")
    stop = _seen(desktop)
    assert not stop["invisible"] and not stop["covered"], stop


def test_escape_on_a_desktop_closes_search_and_leaves_focus_in_the_box(sites, desktop, search):
    desktop.goto(sites.url("westfield"))
    search(desktop, "exclusion")
    desktop.keyboard.press("Tab")
    desktop.keyboard.press("Escape")
    desktop.wait_for_function("!document.getElementById('__search').checked", timeout=2_000)
    desktop.wait_for_timeout(100)                   # and it stays closed
    assert not desktop.evaluate("document.getElementById('__search').checked"), "search opened again"
    assert desktop.evaluate("document.activeElement.matches('input.md-search__input')"), _focused(desktop)
    desktop.keyboard.type("s", delay=20)
    assert desktop.evaluate("document.getElementById('__search').checked"), "typing did not reopen search"


def test_escape_on_a_phone_closes_search_and_puts_focus_on_the_search_button(sites, phone):
    phone.goto(sites.url("westfield", "attendance/"))
    _tab_to(phone, "button.policy-search-button")
    phone.keyboard.press("Enter")
    phone.wait_for_function("document.activeElement.matches('input.md-search__input')")
    phone.keyboard.type("pep", delay=20)
    phone.keyboard.press("Escape")
    assert not phone.evaluate("document.getElementById('__search').checked")
    assert phone.evaluate("document.activeElement.matches('button.policy-search-button')"), _focused(phone)


def test_on_a_phone_tab_never_opens_the_full_screen_search(sites, phone):
    phone.goto(sites.url("westfield", "whos-who/"))
    seen = set()
    for _ in range(40):
        phone.keyboard.press("Tab")
        assert not phone.evaluate("document.getElementById('__search').checked"), \
            f"Tab opened search on {_focused(phone)}"
        seen.add(_focused(phone))
    assert len(seen) >= 5


def test_back_to_top_takes_focus_only_while_shown_and_never_covers_the_focus(sites, phone):
    """Walking back up a long page (Shift+Tab) scrolls it up, which shows "Back to top" under
    the header; the reader's focus is never under it."""
    phone.goto(sites.url("westfield", "print/"))
    top = phone.locator("button.md-top")
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    phone.wait_for_timeout(300)
    assert top.get_attribute("hidden") is not None
    assert not phone.evaluate("(() => { const b = document.querySelector('button.md-top'); b.focus(); "
                              "return document.activeElement === b; })()"), "a hidden Back to top took focus"
    shown, stops = 0, []
    for _ in range(12):
        phone.keyboard.press("Shift+Tab")
        phone.wait_for_timeout(350)                 # material shows the button after a scroll up
        shown += top.get_attribute("hidden") is None
        stops.append(_seen(phone))
    assert shown, "Back to top never showed while walking up the page"
    bad = [s for s in stops if s and (s["invisible"] or s["covered"])]
    assert not bad, bad


TOC_WRAP = ".md-sidebar--secondary .md-sidebar__scrollwrap"
TOC_LINKS = ".md-sidebar--secondary a.md-nav__link"


def test_the_contents_follow_the_reading_only_as_far_as_the_focused_link_stays_in_sight(sites, desktop):
    """Material scrolls the contents in the sidebar to the heading being read a moment after
    the page scrolls; with keyboard focus on one of their links, they stop where it still shows."""
    desktop.goto(sites.url("westfield", "print/"))
    desktop.wait_for_function("document.documentElement.classList.contains('js')")
    desktop.keyboard.press("Tab")                       # the reader is using the keyboard
    desktop.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    desktop.wait_for_function(f"document.querySelector('{TOC_WRAP}').scrollTop > 0")  # material followed
    desktop.evaluate(f"[...document.querySelectorAll('{TOC_LINKS}')].pop().focus()")
    assert desktop.evaluate("document.activeElement.matches(':focus-visible')")
    scrolled_to_last = desktop.evaluate(f"document.querySelector('{TOC_WRAP}').scrollTop")
    desktop.evaluate(ASKED_FOR)
    desktop.evaluate("document.querySelectorAll('.md-content h2')[2].scrollIntoView()")  # read near the top
    desktop.wait_for_function("window.__hidingAsks > 0")       # material asked to hide the link
    desktop.evaluate(SCROLLED)
    assert _seen(desktop)["invisible"] == []
    assert desktop.evaluate(f"document.querySelector('{TOC_WRAP}').scrollTop") < scrolled_to_last


# Counts what material asks of the contents' scrolling: every request, and those for a
# position that would hide the focused link.
ASKED_FOR = f"""() => {{
    const wrap = document.querySelector('{TOC_WRAP}'), scrollTo = wrap.scrollTo;
    window.__asks = 0; window.__hidingAsks = 0;
    wrap.scrollTo = function (options) {{
        const link = document.activeElement.getBoundingClientRect(), box = wrap.getBoundingClientRect();
        window.__asks += 1;
        if (options.top + wrap.clientHeight < link.bottom - box.top + wrap.scrollTop) window.__hidingAsks += 1;
        return scrollTo.apply(wrap, arguments);
    }};
}}"""
# Resolves once material has stopped asking and the contents have not moved for 30 frames
# running (half a second: material's last request comes 250 ms after the page stops).
SCROLLED = f"""() => new Promise((resolve) => {{
    const wrap = document.querySelector('{TOC_WRAP}');
    let last = null, same = 0;
    const look = () => {{
        const now = wrap.scrollTop + "/" + window.__asks;
        same = now === last ? same + 1 : 0;
        last = now;
        if (same >= 30) resolve(); else requestAnimationFrame(look);
    }};
    look();
}})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_menu_and_search_results_have_no_axe_violations(sites, new_page, axe_script, axe_run,
                                                                 axe_report, search, scheme):
    """What the audit of every page does not open: the menu on a phone, and search's results
    on a phone and on a desktop."""
    failures = []
    for size in (PHONE, {"width": 1280, "height": 900}):
        page = new_page(color_scheme=scheme, reduced_motion="reduce", **size)
        page.context.add_init_script(axe_script)
        page.goto(sites.url("westfield", "appendix-2/"))
        if size is PHONE:
            page.locator("button.policy-menu-button").click()
            page.wait_for_function(IN_DRAWER)
            failures += [f"menu at {size['width']} px: {axe_report(v)}" for v in [axe_run(page)] if v]
            page.keyboard.press("Escape")
        search(page, "exclusion")
        failures += [f"search at {size['width']} px: {axe_report(v)}" for v in [axe_run(page)] if v]
    assert not failures, "\n".join(failures)
