"""Real-browser fixtures: every school built once, served on 127.0.0.1, one Chromium per session.

Chromium is $CHROMIUM, Debian's package or a macOS application (tests/chromium.py says where
it looks); Playwright never downloads a browser here. Every test in this folder is marked `browser` (`pytest -m browser` selects
them, `pytest -m "not browser"` leaves them out).

Visiting a page costs most of the suite's time, so the `audit` fixture visits every page of
every school once and records what several tests check (axe in both palettes, headings,
links, sideways scrolling, every request the browser made, script errors).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from chromium import NoChromium, find_chromium

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
DESKTOP = {"width": 1280, "height": 900}
NARROW_WIDTHS = (320, 640)   # 320 px = 1280 px at 400 % zoom; 640 px = 200 % zoom


# --- built and served sites ------------------------------------------------------------

@dataclass
class School:
    slug: str
    data: object                                      # the validated macros.schema.School
    pages: list[str] = field(default_factory=list)    # site-relative: "", "intention/", …

    @property
    def name(self) -> str:
        return self.data.school.name


@dataclass
class Sites:
    root: Path                                        # holds <slug>/ folders and index.html
    base: str                                         # http://127.0.0.1:<port>/
    schools: dict[str, School]

    def url(self, slug: str, path: str = "") -> str:
        return urljoin(self.base, f"{slug}/{path}")

    def all_pages(self) -> list[tuple[str, str]]:
        return [(slug, path) for slug, school in self.schools.items() for path in school.pages]


def pages_of(site: Path) -> list[str]:
    """Every page of a school site, as site-relative URLs ("", "intention/", …).

    mkdocs writes an empty sitemap.xml when `site_url` is not set (these sites are published
    under several bases), so pages are found by walking the built index.html files. The
    per-school 404.html is not a page a reader can reach (GitHub Pages serves only a 404.html
    at the root of the published folder), so it is not listed.
    """
    pages = []
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site)
        if folder.parts and folder.parts[0] in ("assets", "search"):
            continue
        pages.append("" if folder == Path(".") else folder.as_posix() + "/")
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="session")
def sites(seed_sites) -> Sites:
    """The seed schools' sites and landing page (built once for the run, tests/conftest.py),
    served over http."""
    from macros.school.loader import load_school, school_path
    from macros.model.model import load_model

    out = seed_sites
    slugs = sorted(p.parent.name for p in out.glob("*/index.html"))
    assert slugs, "no school sites were built"
    model = load_model()
    schools = {slug: School(slug, load_school(school_path(slug), model), pages_of(out / slug))
               for slug in slugs}

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Sites(out, f"http://{host}:{port}/", schools)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def serve():
    """Serve a folder over http for one test: `serve(folder)` gives its base URL."""
    servers = []

    def start(folder: Path) -> str:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
        thread.start()
        servers.append((server, thread))
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


# --- the browser -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    try:
        chromium = find_chromium()
    except NoChromium as error:
        pytest.fail(str(error))
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser):
    """Make pages with their own viewport, colour scheme or media; all closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 900, color_scheme: str = "light", **options):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme=color_scheme, locale="en-GB", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page):
    """A fresh desktop-sized page, light palette."""
    return new_page()


@pytest.fixture(scope="session")
def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT
    return AXE_SCRIPT


def run_axe(page, options: dict = AXE_OPTIONS) -> list[dict]:
    """axe-core's violations on the page as it is now (axe must already be in the page)."""
    return page.evaluate("(options) => axe.run(document, options).then(r => r.violations)", options)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"      {', '.join(map(str, node['target']))}: "
                         f"{node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


# --- one visit to every page -------------------------------------------------------------

@dataclass
class PageAudit:
    slug: str
    path: str
    url: str
    lang: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    axe: dict[str, list[dict]] = field(default_factory=dict)      # palette -> violations
    palette_check: dict[str, str] = field(default_factory=dict)   # palette -> body background
    overflow: dict[int, int] = field(default_factory=dict)        # width -> scrollWidth
    unnamed_links: list[str] = field(default_factory=list)
    placeholder_links: list[str] = field(default_factory=list)
    skip_link: str | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Audit:
    pages: list[PageAudit]
    requests: list[str]
    seconds: float


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

_DARK = """() => {
  const style = document.createElement('style');
  style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.append(style);
  document.body.setAttribute('data-md-color-scheme', 'slate');
  return getComputedStyle(document.body).backgroundColor;
}"""


@pytest.fixture(scope="session")
def audit(sites, browser, axe_script) -> Audit:
    """Visit every page of every school once, at 1280 px, and record what the tests check.

    On each page: axe (WCAG 2.0/2.1/2.2 A and AA) in the light palette, then in the dark
    palette (slate, as material sets it for a reader whose system is in dark mode), the
    headings, the page language, links without a name, the skip link, and the page's width
    at 320 and 640 px. Every request the browser makes is recorded.
    """
    started = time.perf_counter()
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", locale="en-GB")
    context.add_init_script(axe_script)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    results = []
    targets = [(slug, path, sites.url(slug, path)) for slug, path in sites.all_pages()]
    targets.append(("", "", sites.base))        # the landing page listing the schools
    try:
        for slug, path, url in targets:
            errors.clear()
            record = PageAudit(slug, path, url)
            response = page.goto(url, wait_until="load")
            assert response and response.ok, f"{url}: HTTP {response and response.status}"
            page.wait_for_function("typeof axe !== 'undefined'")
            facts = page.evaluate(_COLLECT)
            record.lang, record.skip_link = facts["lang"], facts["skip"]
            record.headings = [tuple(h) for h in facts["headings"]]
            record.unnamed_links, record.placeholder_links = facts["unnamed"], facts["placeholder"]
            record.palette_check["light"] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            record.axe["light"] = run_axe(page)
            if slug:                                 # the landing page has one palette per system
                record.palette_check["dark"] = page.evaluate(_DARK)
                record.axe["dark"] = run_axe(page)
            for width in NARROW_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                record.overflow[width] = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            page.set_viewport_size(DESKTOP)
            record.errors = list(errors)
            results.append(record)
    finally:
        context.close()
    return Audit(results, requests, time.perf_counter() - started)


def open_search(page) -> None:
    """Focus the search box the way a reader does: click it (desktop) or press the button."""
    box = page.locator("input.md-search__input")
    if box.is_visible():
        box.click()
    else:
        page.locator('label.md-header__button[for="__search"]').click()
    page.wait_for_function("document.activeElement && document.activeElement.matches('input.md-search__input')")


def search_results(page, term: str) -> dict:
    """Type `term` into the site search; return the result count and each result's own text."""
    open_search(page)
    box = page.locator("input.md-search__input")
    box.press("Control+a")
    box.press("Backspace")
    box.press_sequentially(term)
    page.wait_for_function(
        """(term) => {
             const meta = document.querySelector('.md-search-result__meta');
             return document.querySelector('input.md-search__input').value === term
               && meta && !/initiali[sz]ing/i.test(meta.textContent)
               && meta.textContent.trim() !== 'Type to start searching';
           }""", arg=term)
    page.wait_for_timeout(150)   # let material finish rendering the list for the last keystroke
    return page.evaluate("""() => {
      const items = [...document.querySelectorAll('.md-search-result__list > .md-search-result__item')];
      // One result is one page: its own entry and its matching sections (material groups
      // them in one list item). Its own text leaves out the "Missing: …" terms lines.
      const own = (item) => {
        const copy = item.cloneNode(true);
        copy.querySelectorAll('.md-search-result__terms').forEach(e => e.remove());
        return copy.textContent.replace(/\\s+/g, ' ').trim();
      };
      return {meta: document.querySelector('.md-search-result__meta').textContent.trim(),
              count: items.length, texts: items.map(own),
              links: items.map(i => i.querySelector('a').getAttribute('href'))};
    }""")


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


def dump(value) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False)[:4000]


# --- helpers as fixtures (test modules need no imports from this file) -----------------------

@pytest.fixture(scope="session")
def search():
    """search(page, term) -> {"meta", "count", "texts", "links"} after typing into the search box."""
    return search_results


@pytest.fixture(scope="session")
def axe_run():
    """axe_run(page) -> violations (WCAG A/AA tags); the page must have axe injected."""
    return run_axe


@pytest.fixture(scope="session")
def axe_report():
    return describe_violations
