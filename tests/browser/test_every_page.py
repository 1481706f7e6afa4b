"""What the audit of every page found (tests/browser/page_audit.py): axe-core at every width
and in every mode, a keyboard walk through every Tab stop, the icons' contrast, headings,
links, sideways scrolling, script errors and every request the browser made.

The audit comes in parts, one per seed school and one for the pages of no school (the
landing page, the published landing and history pages). Each part is a class here, which
pytest-xdist sends whole to one worker (`--dist loadscope`), so a part's pages are visited
once, and two parts are visited side by side.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from helpers import SEED_SCHOOLS
from page_audit import NO_SCHOOL

pytestmark = pytest.mark.browser


def _where(record) -> str:
    return record.where


def _stops(audit):
    for record in audit.pages:
        for walk, stops in record.walks.items():
            for stop in stops:
                yield record, walk, stop


class EveryPageOf:
    """The checks of one part of the audit; `part` is a seed school's slug or NO_SCHOOL."""
    part: str

    def test_axe_finds_no_violations_at_any_width_in_either_palette_or_forced_colours(self, audit, axe_report):
        runs = {}
        for record in audit.pages:
            for run in record.axe:
                runs[run] = runs.get(run, 0) + 1
        print(f"\n{audit.part}: axe-core {audit.axe_version} (WCAG 2.0/2.1/2.2 A+AA) on {len(audit.pages)} pages, "
              f"{sum(runs.values())} runs in {audit.seconds:.0f} s (with the Tab walks): "
              + ", ".join(f"{run} px ×{count}" for run, count in sorted(runs.items()))
              + "; seconds: " + ", ".join(f"{kind} {s:.1f}" for kind, s in audit.timings.items()))
        failures = []
        for record in audit.pages:
            for run, violations in record.axe.items():
                if violations:
                    failures.append(f"{_where(record)} [{run}]\n{axe_report(violations)}")
        assert not failures, f"{len(failures)} page/width/mode runs with violations:\n" + "\n".join(failures)

    def test_axe_ran_at_every_width_and_in_every_mode(self, audit):
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

    def test_each_mode_was_really_in_effect(self, audit):
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

    def test_every_icon_stands_out_from_its_background_in_every_mode(self, audit):
        """Non-text contrast (WCAG 1.4.11) of the theme's icons (the menu, search, palette switch,
        Back to top, Next and Previous), which axe does not measure: 3:1 at least, also in forced
        colours, light and dark."""
        faint = [f"{_where(r)} [{run}] {icon}" for r in audit.pages for run, icons in r.icons.items() for icon in icons]
        assert not faint, f"{len(faint)} icons too faint:\n" + "\n".join(faint[:40])

    def test_the_keyboard_walk_reaches_every_page_s_controls(self, audit):
        for record in audit.pages:
            planned = {f"{width} {key}" for width in (1280, 375)
                       for key in audit.walk_plan(record.kind, record.path, width)}
            assert {"1280 Tab", "375 Tab", "375 Shift+Tab"} <= planned == set(record.walks), _where(record)
            for walk, stops in record.walks.items():
                assert len(stops) >= (3 if record.kind == "school" else 1), f"{_where(record)} [{walk}]: {stops}"
        counts = {}
        for record, walk, _ in _stops(audit):
            counts[walk] = counts.get(walk, 0) + 1
        print(f"\n{audit.part}: Tab stops walked: " + ", ".join(f"{walk} px: {n}" for walk, n in sorted(counts.items())))

    def test_every_tab_stop_is_visible(self, audit):
        """Nothing out of sight takes focus: inside the viewport, not zero-sized, not faded out,
        not hidden; at a phone's width and a desktop's, walking forwards and back."""
        hidden = [f"{_where(r)} [{walk}] {stop['what']}: {', '.join(stop['invisible'])}"
                  for r, walk, stop in _stops(audit) if stop["invisible"]]
        assert not hidden, f"{len(hidden)} Tab stops a reader cannot see:\n" + "\n".join(hidden[:40])

    def test_no_tab_stop_is_under_the_header_or_back_to_top(self, audit):
        """WCAG 2.4.11: the element with focus is not hidden by the sticky header, by "Back to top"
        or by anything else."""
        covered = [f"{_where(r)} [{walk}] {stop['what']}: covered by {', '.join(stop['covered'])}"
                   for r, walk, stop in _stops(audit) if stop["covered"]]
        assert not covered, f"{len(covered)} Tab stops covered:\n" + "\n".join(covered[:40])

    def test_lang_is_british_english(self, audit):
        assert {r.lang for r in audit.pages} == {"en-GB"}

    def test_one_h1_per_page_and_no_skipped_heading_levels(self, audit):
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

    def test_every_link_has_an_accessible_name_and_none_is_a_placeholder(self, audit):
        unnamed = [f"{_where(r)}: {link}" for r in audit.pages for link in r.unnamed_links]
        placeholders = [f"{_where(r)}: {link}" for r in audit.pages for link in r.placeholder_links]
        assert not unnamed, "links with no accessible name:\n" + "\n".join(unnamed)
        assert not placeholders, "placeholder links:\n" + "\n".join(placeholders)

    def test_no_sideways_scrolling_at_320px_and_200_percent_zoom(self, audit):
        wide = [f"{_where(r)}: {w} px wide page scrolls {extra} px sideways"
                for r in audit.pages for w, extra in r.overflow.items() if extra > 0]
        assert not wide, "\n".join(wide)

    def test_no_script_errors(self, audit):
        errors = [f"{_where(r)}: {e}" for r in audit.pages for e in r.errors]
        assert not errors, "\n".join(errors)

    def test_every_school_page_has_a_skip_link_to_its_content(self, audit, sites):
        if audit.part not in sites.schools:
            pytest.skip("the landing and history pages have no navigation to skip")
        missing = [_where(r) for r in audit.pages if not r.skip_link]
        assert not missing, f"pages without a skip link: {missing}"

    def test_browser_requests_only_the_sites_own_host(self, sites, audit):
        """Every request made while visiting every page of a school (or the landing and history
        pages)."""
        hosts = {urlsplit(url).hostname for url in audit.requests}
        third_party = sorted({url for url in audit.requests if urlsplit(url).hostname != "127.0.0.1"})
        print(f"\n{audit.part}: {len(audit.requests)} requests while visiting {len(audit.pages)} pages; "
              f"hosts: {sorted(hosts)}")
        assert len(audit.requests) >= len(audit.pages)
        if audit.part in sites.schools:
            assert any(url.endswith("search/search_index.json") for url in audit.requests), \
                "the search index was never loaded, so search's requests were not observed"
        assert not third_party, "third-party requests:\n" + "\n".join(third_party)


class TestStJosephs(EveryPageOf):
    part = "st-josephs"


class TestWestfield(EveryPageOf):
    part = "westfield"


class TestHartsfield(EveryPageOf):
    part = "hartsfield"


class TestDacorumEsc(EveryPageOf):
    part = "dacorum-esc"


class TestPagesOfNoSchool(EveryPageOf):
    part = NO_SCHOOL


def test_the_audit_has_a_part_for_every_seed_school_and_the_pages_of_no_school():
    parts = [cls.part for cls in EveryPageOf.__subclasses__()]
    assert sorted(parts) == sorted([*SEED_SCHOOLS, NO_SCHOOL])
