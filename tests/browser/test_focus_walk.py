"""The audit's keyboard walk (page_audit.py, focus_walk.js) finds what a reader cannot see:
a stop off the screen, one faded out, one under a fixed header; it keeps finding them when
it looks again once the page has settled, and drops what was covered only for a moment."""
from __future__ import annotations

import pytest

from page_audit import _fast_walk, _walk

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en-GB"><head><title>walk</title><style>
  body { margin: 0; font: 16px sans-serif; }
  .bar { position: fixed; top: 0; left: 0; right: 0; height: 80px; background: #333; z-index: 1; }
  .under { position: absolute; top: 20px; left: 20px; }
  .away { position: absolute; left: -9999px; }
  main { padding-top: 120px; }
</style></head><body>
  <div class="bar"></div>
  <a class="under" href="#under">Under the bar</a>
  <main>
    <p><a href="#first">First</a></p>
    <p><a class="away" href="#away">Off the screen</a></p>
    <p><a href="#faded" style="opacity: 0">Faded out</a></p>
    <p><a href="#last">Last</a></p>
    <p><a id="flash" href="#flash">Covered a moment</a></p>
  </main>
  <div id="cover" hidden style="position: fixed; inset: 0; background: #000; z-index: 2"></div>
  <script>
    // Covered for 100 ms after it takes focus, as "Back to top" may be while it fades.
    document.getElementById("flash").addEventListener("focus", () => {
      const cover = document.getElementById("cover");
      cover.hidden = false;
      setTimeout(() => { cover.hidden = true; }, 100);
    });
  </script>
</body></html>"""


@pytest.fixture
def walked_page(new_page, tmp_path, serve, focus_walk_script):
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    page = new_page(width=800, height=600)
    page.context.add_init_script(focus_walk_script)
    page.goto(serve(tmp_path))
    return page


def _problems(stops) -> dict[str, list[str]]:
    return {stop["what"].split('"')[1]: stop["invisible"] + stop["covered"]
            for stop in stops if stop["invisible"] or stop["covered"]}


def test_the_walk_reports_stops_off_the_screen_faded_out_or_under_a_fixed_bar(walked_page):
    stops = _walk(walked_page, "Tab")
    assert sorted(stop["what"].split('"')[1] for stop in stops) == sorted([
        "Under the bar", "First", "Off the screen", "Faded out", "Last", "Covered a moment"])
    problems = _problems(stops)
    assert set(problems) == {"Under the bar", "Off the screen", "Faded out"}
    assert problems["Off the screen"][0].startswith("outside the viewport")
    assert problems["Faded out"] == ["opacity 0"]
    assert problems["Under the bar"][0].startswith("div.bar at y=")


def test_a_stop_covered_only_a_moment_is_kept_as_the_page_shows_it_once_settled(walked_page):
    assert "Covered a moment" in _problems(_fast_walk(walked_page, "Tab"))
    assert "Covered a moment" not in _problems(_walk(walked_page, "Tab"))


def test_walking_back_reports_the_same_stops(walked_page):
    assert set(_problems(_walk(walked_page, "Shift+Tab"))) == {"Under the bar", "Off the screen", "Faded out"}
