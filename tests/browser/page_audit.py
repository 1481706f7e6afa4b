"""The audit of every page (tests/browser/conftest.py's `audit` fixture): one visit to each
page, and on it axe-core at the widths and in the modes planned here, a keyboard walk through
every Tab stop, the theme icons' contrast, and the facts several tests read."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
# axe reads the page's style sheets for one rule, css-orientation-lock (WCAG 1.3.4): a page's
# style sheets are the same at every width and in every mode, so the audit has them read on
# a page's first run only, and leaves that rule out of the page's other runs.
AXE_AGAIN_OPTIONS = {**AXE_OPTIONS, "preload": False, "rules": {"css-orientation-lock": {"enabled": False}}}
FOCUS_WALK_JS = Path(__file__).with_name("focus_walk.js")
DESKTOP = {"width": 1280, "height": 900}
NARROW_WIDTHS = (320, 640)   # 320 px = 1280 px at 400 % zoom; 640 px = 200 % zoom

# How a reader may see a page: the palette material shows (it follows the system's colour
# scheme; the audit presses material's own switch, as a reader does), and forced colours
# (Windows high contrast), whose system colours are light or dark.
MODES = {
    "light": {"color_scheme": "light", "forced_colors": "none", "palette": "default"},
    "dark": {"color_scheme": "dark", "forced_colors": "none", "palette": "slate"},
    "forced": {"color_scheme": "light", "forced_colors": "active", "palette": "default"},
    "forced dark": {"color_scheme": "dark", "forced_colors": "active", "palette": "slate"},
}
# Widths: 320 px (1280 px at 400 % zoom), a phone, a tablet (menu still a drawer, search
# box in the header), a desktop (both sidebars).
AXE_WIDTHS = (1280, 768, 375, 320)
WALK_WIDTHS = (1280, 375)       # a keyboard walk forwards (Tab) and back (Shift+Tab): walk_keys
# axe runs where a width or a mode can change what it finds. On every page: the two layouts
# (desktop with both sidebars, phone with the menu in a drawer), light. A page's colours do
# not change with its width, nor its layout with its colours, so the other pairs are run
# where layout and colour vary most: each school's home page in every width and mode, its
# print page (all of the policy's text, the longest page) at every width in light and in
# every mode at 1280 px; the landing and published pages (small) in every width and mode.
ALL_RUNS = frozenset((width, mode) for width in AXE_WIDTHS for mode in MODES)
AXE_EVERY_PAGE = frozenset({(1280, "light"), (375, "light")})
AXE_SCHOOL_PAGES = {
    "": ALL_RUNS,
    "print/": frozenset({(width, "light") for width in AXE_WIDTHS} | {(1280, mode) for mode in MODES}),
}
WALK_BATCH = 12                 # Tab presses between two looks at whether the walk is done
WALK_LIMIT = 1200               # Tab stops; a page with more is reported, not walked forever


def run_axe(page, options: dict = AXE_OPTIONS) -> list[dict]:
    """axe-core's violations on the page as it is now (axe must already be in the page)."""
    return page.evaluate("(options) => axe.run(document, options).then(r => r.violations)", options)


# --- one visit to every page -------------------------------------------------------------

@dataclass
class PageAudit:
    slug: str                                                     # "" for a page of no school
    path: str
    url: str
    kind: str = "school"                                          # school, landing, history
    lang: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    axe: dict[str, list[dict]] = field(default_factory=dict)      # "1280 light" -> violations
    modes: dict[str, dict] = field(default_factory=dict)          # "1280 dark" -> what the page showed
    icons: dict[str, list[str]] = field(default_factory=dict)     # "375 forced" -> icons too faint
    walks: dict[str, list[dict]] = field(default_factory=dict)    # "375 Shift+Tab" -> Tab stops
    overflow: dict[int, int] = field(default_factory=dict)        # width -> scrollWidth
    unnamed_links: list[str] = field(default_factory=list)
    placeholder_links: list[str] = field(default_factory=list)
    skip_link: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return {"school": f"{self.slug}/{self.path}", "landing": "landing page",
                "published": f"published/{self.path}"}[self.kind]


@dataclass
class Audit:
    part: str                          # a school's slug, or NO_SCHOOL
    pages: list[PageAudit]
    requests: list[str]
    seconds: float
    axe_version: str = ""
    timings: dict[str, float] = field(default_factory=dict)   # seconds spent on each kind of check
    plan: object = None                # axe_plan(kind, path)
    walk_plan: object = None           # walk_keys(kind, path, width)


_COLLECT = """() => {
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const nameOf = (a) => {
    const by = a.getAttribute('aria-labelledby');
    if (by) return by.split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    if (a.getAttribute('aria-label')) return a.getAttribute('aria-label').trim();
    const text = (a.innerText || a.textContent || '').trim();
    if (text) return text;
    const img = a.querySelector('img[alt], svg[aria-label]');
    if (img) return (img.getAttribute('alt') || img.getAttribute('aria-label') || '').trim();
    return (a.getAttribute('title') || '').trim();
  };
  const links = [...document.querySelectorAll('a[href]')];
  const skip = document.querySelector('a.md-skip');
  return {
    lang: document.documentElement.lang,
    headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
      .filter(h => !h.closest('[hidden]'))
      .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 80)]),
    unnamed: links.filter(a => visible(a) && !nameOf(a)).map(a => a.outerHTML.slice(0, 160)),
    placeholder: links.filter(a => ['#', '', 'javascript:void(0)'].includes(a.getAttribute('href')))
      .map(a => a.outerHTML.slice(0, 160)),
    skip: skip ? skip.getAttribute('href') : null,
  };
}"""

# Press material's palette switch until the page shows the scheme asked for (a school page);
# then report what the page shows, so a test can tell that each mode was really in effect.
_PALETTE = """(scheme) => {
  const palette = document.querySelector('[data-md-component="palette"]');
  if (palette && document.body.dataset.mdColorScheme !== scheme) {
    const shown = palette.querySelector('label:not([hidden])');
    if (shown) shown.click();
  }
  return {scheme: document.body.dataset.mdColorScheme || null,
          background: getComputedStyle(document.body).backgroundColor,
          forced: matchMedia('(forced-colors: active)').matches};
}"""


def _set_mode(page, name: str) -> dict:
    mode = MODES[name]
    page.emulate_media(color_scheme=mode["color_scheme"], forced_colors=mode["forced_colors"])
    shown = page.evaluate(_PALETTE, mode["palette"])
    if shown["scheme"] not in (None, mode["palette"]):
        page.wait_for_function("(s) => document.body.dataset.mdColorScheme === s", arg=mode["palette"])
        shown = page.evaluate(_PALETTE, mode["palette"])
    return shown


def _walk(page, key: str, expected: frozenset[str] = frozenset()) -> list[dict]:
    """Press `key` until focus is back where the walk began; every stop as focus_walk.js saw
    it. A stop that looks wrong the moment the key is released is looked at again once the
    page has settled: the walk is repeated a stop at a time, waiting at each stop that looked
    wrong, and that walk is what is kept. So is a walk that missed a stop of `expected` (what
    the walk the other way at this width found): on a busy machine, a stop recorded as the
    key is released can be missed."""
    stops = _fast_walk(page, key)
    missed = expected - {stop["what"] for stop in stops}
    if missed or any(stop["invisible"] or stop["covered"] for stop in stops):
        stops = _settled_walk(page, key)
    return stops


def _fast_walk(page, key: str) -> list[dict]:
    page.evaluate("__focusWalk.start()")
    for _ in range(WALK_LIMIT // WALK_BATCH):
        for _ in range(WALK_BATCH):
            page.keyboard.press(key)
        if page.evaluate("__focusWalk.state().done"):
            return page.evaluate("__focusWalk.result()")
    return _unfinished(page)


def _settled_walk(page, key: str) -> list[dict]:
    page.evaluate("__focusWalk.start(true)")
    for _ in range(WALK_LIMIT):
        page.keyboard.press(key)
        if page.evaluate("__focusWalk.record()"):
            return page.evaluate("__focusWalk.result()")
    return _unfinished(page)


def _unfinished(page) -> list[dict]:
    return page.evaluate("__focusWalk.result()") + [{
        "what": f"(the walk never came back to its start in {WALK_LIMIT} stops)",
        "invisible": ["never came back"], "covered": []}]


def walk_keys(kind: str, path: str, width: int) -> tuple[str, ...]:
    """Tab on every page at both widths; Shift+Tab (walking back up, where the sticky header
    can cover what takes focus) on every page at 375 px and, at 1280 px, where axe runs in
    every width and mode (the desktop walk is the long one: both sidebars' links)."""
    if width == 375 or kind != "school" or path in AXE_SCHOOL_PAGES:
        return ("Tab", "Shift+Tab")
    return ("Tab",)


def axe_plan(kind: str, path: str) -> frozenset[tuple[int, str]]:
    """The (width, mode) pairs axe runs in on a page (see AXE_EVERY_PAGE)."""
    if kind != "school":
        return ALL_RUNS
    return AXE_SCHOOL_PAGES.get(path, AXE_EVERY_PAGE)


def _axe_runs(record: PageAudit, width: int) -> list[str]:
    plan = axe_plan(record.kind, record.path)
    return [name for name in MODES if (width, name) in plan]


# The audit comes in parts, a school's pages or the pages of no school, so that the parts
# can run side by side (pytest-xdist sends each part to one worker: tests/browser/conftest.py).
NO_SCHOOL = "pages of no school"


def audit_targets(sites, part: str) -> list[PageAudit]:
    """The pages one part of the audit visits: every page of the school `part`, or, for
    NO_SCHOOL, the landing page and the published landing and history pages."""
    if part != NO_SCHOOL:
        return [PageAudit(part, path, sites.url(part, path)) for path in sites.schools[part].pages]
    return [PageAudit("", "", sites.base, kind="landing")] + [
        PageAudit("", path, f"{sites.base}published/{path}", kind="published")
        for path in ("", "st-josephs/")]


def run_audit(sites, browser, axe_script: str, part: str) -> Audit:
    """Visit every page of one part of the audit once (a school's pages, or the landing page
    and the published landing and history pages), and record what the tests check.

    On each page: the headings, the page language, links without a name, the skip link; at
    1280 and 375 px a keyboard walk through every Tab stop (forwards, and back where
    walk_keys says); axe (WCAG 2.0/2.1/2.2 A and AA) and the icons' contrast at the widths
    and in the modes axe_plan says; the page's width at 320 and 640 px. Every request the browser makes is recorded.
    Transitions are off (reduced motion), so nothing is measured halfway through a change.
    """
    started = time.perf_counter()
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", locale="en-GB",
                                  reduced_motion="reduce")
    context.add_init_script(axe_script)
    context.add_init_script(FOCUS_WALK_JS.read_text(encoding="utf-8"))
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    results = []
    timings = {"load": 0.0, "walk": 0.0, "axe": 0.0, "other": 0.0}

    def timed(kind, started):
        timings[kind] += time.perf_counter() - started

    try:
        for record in audit_targets(sites, part):
            errors.clear()
            clock = time.perf_counter()
            page.set_viewport_size(DESKTOP)
            page.emulate_media(color_scheme="light", forced_colors="none")
            response = page.goto(record.url, wait_until="load")
            assert response and response.ok, f"{record.url}: HTTP {response and response.status}"
            page.wait_for_function("typeof axe !== 'undefined' && typeof __focusWalk !== 'undefined'")
            timed("load", clock)
            facts = page.evaluate(_COLLECT)
            record.lang, record.skip_link = facts["lang"], facts["skip"]
            record.headings = [tuple(h) for h in facts["headings"]]
            record.unnamed_links, record.placeholder_links = facts["unnamed"], facts["placeholder"]
            for width in AXE_WIDTHS:
                if width not in WALK_WIDTHS and not _axe_runs(record, width):
                    continue
                page.set_viewport_size({"width": width, "height": 800 if width < 1280 else 900})
                if width in WALK_WIDTHS:
                    _set_mode(page, "light")
                    clock = time.perf_counter()
                    forward = frozenset()
                    for key in walk_keys(record.kind, record.path, width):
                        record.walks[f"{width} {key}"] = _walk(page, key, expected=forward)
                        forward = forward or frozenset(stop["what"] for stop in record.walks[f"{width} {key}"])
                    timed("walk", clock)
                for name in _axe_runs(record, width):
                    run = f"{width} {name}"
                    clock = time.perf_counter()
                    record.modes[run] = _set_mode(page, name)
                    record.icons[run] = page.evaluate("__iconContrast()")
                    timed("other", clock)
                    clock = time.perf_counter()
                    record.axe[run] = run_axe(page, AXE_AGAIN_OPTIONS if record.axe else AXE_OPTIONS)
                    timed("axe", clock)
            for width in NARROW_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                record.overflow[width] = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            _set_mode(page, "light")
            record.errors = list(errors)
            results.append(record)
        version = page.evaluate("axe.version")
    finally:
        context.close()
    return Audit(part, results, requests, time.perf_counter() - started, version, timings, axe_plan, walk_keys)
