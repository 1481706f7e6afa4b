"""Real-browser fixtures: every school built once, served on 127.0.0.1, one Chromium per
test process (each pytest-xdist worker has its own).

Chromium is $CHROMIUM, Debian's package or a macOS application (tests/chromium.py says where
it looks); Playwright never downloads a browser here. Every test in this folder is marked `browser` (`pytest -m browser` selects
them, `pytest -m "not browser"` leaves them out).

Visiting a page costs most of the suite's time, so the `audit` fixture visits every page of
a school (or the landing and history pages) once for a class of tests (test_every_page.py)
and records what they check:
axe-core at several widths, in both palettes and in forced colours, a keyboard walk through
every Tab stop at a phone's and a desktop's width, the theme icons' contrast, headings,
links, sideways scrolling, every request the browser made, script errors.

axe-core and the Nu Html Checker are the npm packages `make test` installs into .cache/node/
(pinned in the Makefile); axe's own script is loaded into each page.
"""
from __future__ import annotations

import functools
import http.server
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from chromium import NoChromium, find_chromium

from page_audit import FOCUS_WALK_JS, Audit, run_audit, run_axe

PROJECT_DIR = Path(__file__).resolve().parents[2]
NODE_MODULES = PROJECT_DIR / ".cache" / "node" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

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
    published: Path | None = None      # served under /published/

    def log_message(self, *args):  # keep pytest's output readable
        pass

    def translate_path(self, path):
        if self.published and path.startswith("/published/"):
            return str(self.published / unquote(urlsplit(path).path)[len("/published/"):])
        return super().translate_path(path)


@pytest.fixture(scope="session")
def sites(seed_sites, published_pages) -> Sites:
    """The seed schools' sites and landing page (built once for the run, tests/conftest.py),
    served over http; the pages branch's landing and history pages under /published/."""
    from macros.school.loader import load_school, school_path
    from macros.model.model import load_model

    out = seed_sites
    slugs = sorted(p.parent.name for p in out.glob("*/index.html"))
    assert slugs, "no school sites were built"
    model = load_model()
    schools = {slug: School(slug, load_school(school_path(slug), model), pages_of(out / slug))
               for slug in slugs}

    handler = type("Handler", (_QuietHandler,), {"published": published_pages})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(out)))
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
    """axe-core's own axe.min.js from its npm package (`make test` installs it)."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed at {AXE_JS.relative_to(PROJECT_DIR)}: "
                    "run `make test` (it installs the pinned axe-core with npm)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def focus_walk_script() -> str:
    """focus_walk.js: __focusCheck() tells whether a reader can see where focus is."""
    return FOCUS_WALK_JS.read_text(encoding="utf-8")


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"      {', '.join(map(str, node['target']))}: "
                         f"{node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


# --- one visit to every page -------------------------------------------------------------

@pytest.fixture(scope="class")
def audit(request, sites, browser, axe_script) -> Audit:
    """Every page of one part of the audit (a seed school, or the pages of no school: the
    test class's `part`) visited once, and what the tests check on it (page_audit.py)."""
    return run_audit(sites, browser, axe_script, request.cls.part)


def open_search(page) -> None:
    """Focus the search box the way a reader does: press the search button (a narrow screen)
    or click the box (a wide one, where there is no button)."""
    button = page.locator("button.policy-search-button")
    if button.is_visible():
        button.click()
    else:
        page.locator("input.md-search__input").click()
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
