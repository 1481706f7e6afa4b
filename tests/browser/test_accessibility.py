"""WCAG 2.2 AA in real Chromium: axe on every page of every school, light and dark, and the
things axe cannot see (heading order, skip link, visible focus, keyboard reach, reflow)."""
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


def test_axe_finds_no_violations_at_any_width_in_either_palette_or_forced_colours(audit, axe_report):
    runs = {}
    for record in audit.pages:
        for run in record.axe:
            runs[run] = runs.get(run, 0) + 1
    print(f"\naxe-core {audit.axe_version} (WCAG 2.0/2.1/2.2 A+AA) on {len(audit.pages)} pages, "
          f"{sum(runs.values())} runs in {audit.seconds:.0f} s (with the Tab walks): "
          + ", ".join(f"{run} px ×{count}" for run, count in sorted(runs.items()))
          + "; seconds: " + ", ".join(f"{kind} {s:.1f}" for kind, s in audit.timings.items()))
    failures = []
    for record in audit.pages:
        for run, violations in record.axe.items():
            if violations:
                failures.append(f"{_where(record)} [{run}]\n{axe_report(violations)}")
    assert not failures, f"{len(failures)} page/width/mode runs with violations:\n" + "\n".join(failures)


def test_axe_ran_at_every_width_and_in_every_mode(audit):
    """Each of 320, 375, 768 and 1280 px in light, dark and forced colours (light and dark)
    on each school's home page and the landing and published pages; every page at 375 and
    1280 px; the print page at every width and in every mode at 1280 px."""
    every = {f"{width} {mode}" for width in (320, 375, 768, 1280)
             for mode in ("light", "dark", "forced", "forced dark")}
    for record in audit.pages:
        runs = set(record.axe)
        assert runs == {f"{w} {m}" for w, m in audit.plan(record.kind, record.path)}, _where(record)
        assert {"1280 light", "375 light"} <= runs, _where(record)
        if record.kind != "school" or record.path == "":
            assert runs == every, f"{_where(record)}: {sorted(every - runs)} missing"
        if record.path == "print/" and record.kind == "school":
            assert {"320 light", "768 light", "1280 dark", "1280 forced", "1280 forced dark"} <= runs


def test_each_mode_was_really_in_effect(audit):
    """Dark means material's dark palette (slate) on a darker page; forced means forced colours."""
    for record in audit.pages:
        for run, shown in record.modes.items():
            width, mode = run.split(" ", 1)
            assert shown["forced"] == mode.startswith("forced"), f"{_where(record)} [{run}]: {shown}"
            if record.kind == "school":
                assert shown["scheme"] == ("slate" if mode.endswith("dark") else "default"), (run, shown)
        light, dark = record.modes.get("1280 light"), record.modes.get("1280 dark")
        if light and dark:
            assert light["background"] != dark["background"], f"{_where(record)}: {light} {dark}"


def test_every_icon_stands_out_from_its_background_in_every_mode(audit):
    """Non-text contrast (WCAG 1.4.11) of the theme's icons (the menu, search, palette switch,
    Back to top, Next and Previous), which axe does not measure: 3:1 at least, also in forced
    colours, light and dark."""
    faint = [f"{_where(r)} [{run}] {icon}" for r in audit.pages for run, icons in r.icons.items() for icon in icons]
    assert not faint, f"{len(faint)} icons too faint:\n" + "\n".join(faint[:40])


def _stops(audit):
    for record in audit.pages:
        for walk, stops in record.walks.items():
            for stop in stops:
                yield record, walk, stop


def test_the_keyboard_walk_reaches_every_page_s_controls(audit):
    for record in audit.pages:
        planned = {f"{width} {key}" for width in (1280, 375)
                   for key in audit.walk_plan(record.kind, record.path, width)}
        assert {"1280 Tab", "375 Tab", "375 Shift+Tab"} <= planned == set(record.walks), _where(record)
        for walk, stops in record.walks.items():
            assert len(stops) >= (3 if record.kind == "school" else 1), f"{_where(record)} [{walk}]: {stops}"
    counts = {}
    for record, walk, _ in _stops(audit):
        counts[walk] = counts.get(walk, 0) + 1
    print("\nTab stops walked: " + ", ".join(f"{walk} px: {n}" for walk, n in sorted(counts.items())))


def test_every_tab_stop_is_visible(audit):
    """Nothing out of sight takes focus: inside the viewport, not zero-sized, not faded out,
    not hidden; at a phone's width and a desktop's, walking forwards and back."""
    hidden = [f"{_where(r)} [{walk}] {stop['what']}: {', '.join(stop['invisible'])}"
              for r, walk, stop in _stops(audit) if stop["invisible"]]
    assert not hidden, f"{len(hidden)} Tab stops a reader cannot see:\n" + "\n".join(hidden[:40])


def test_no_tab_stop_is_under_the_header_or_back_to_top(audit):
    """WCAG 2.4.11: the element with focus is not hidden by the sticky header, by "Back to top"
    or by anything else."""
    covered = [f"{_where(r)} [{walk}] {stop['what']}: covered by {', '.join(stop['covered'])}"
               for r, walk, stop in _stops(audit) if stop["covered"]]
    assert not covered, f"{len(covered)} Tab stops covered:\n" + "\n".join(covered[:40])


def test_lang_is_british_english(audit):
    assert {r.lang for r in audit.pages} == {"en-GB"}


def test_one_h1_per_page_and_no_skipped_heading_levels(audit):
    problems = []
    for record in audit.pages:
        levels = [level for level, _ in record.headings]
        if levels.count(1) != 1:
            problems.append(f"{_where(record)}: {levels.count(1)} h1 elements")
        if levels and levels[0] != 1:
            problems.append(f"{_where(record)}: the first heading is h{levels[0]}")
        for (before, _), (level, text) in zip(record.headings, record.headings[1:]):
            if level > before + 1:
                problems.append(f"{_where(record)}: h{before} then h{level} ('{text}')")
    assert not problems, "\n".join(problems)


def test_every_link_has_an_accessible_name_and_none_is_a_placeholder(audit):
    unnamed = [f"{_where(r)}: {link}" for r in audit.pages for link in r.unnamed_links]
    placeholders = [f"{_where(r)}: {link}" for r in audit.pages for link in r.placeholder_links]
    assert not unnamed, "links with no accessible name:\n" + "\n".join(unnamed)
    assert not placeholders, "placeholder links:\n" + "\n".join(placeholders)


def test_no_sideways_scrolling_at_320px_and_200_percent_zoom(audit):
    wide = [f"{_where(r)}: {w} px wide page scrolls {extra} px sideways"
            for r in audit.pages for w, extra in r.overflow.items() if extra > 0]
    assert not wide, "\n".join(wide)


def test_no_script_errors(audit):
    errors = [f"{_where(r)}: {e}" for r in audit.pages for e in r.errors]
    assert not errors, "\n".join(errors)


def test_every_school_page_has_a_skip_link_to_its_content(audit):
    missing = [_where(r) for r in audit.pages if r.slug and not r.skip_link]
    assert not missing, f"pages without a skip link: {missing}"


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
