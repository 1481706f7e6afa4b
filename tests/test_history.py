"""Which version was in force on a date, and the pages built from the history."""
from __future__ import annotations

from macros.publish.version_history import SchoolEntry, VersionRecord, in_force_on, newest_first, render_history, render_pages_landing, review_passed
from version_records import ALL, D, V1, V2, V3, record


def test_before_the_first_version_none_was_in_force():
    assert in_force_on(ALL, D(2023, 10, 31)) is None
    assert in_force_on([], D(2024, 1, 1)) is None


def test_a_version_is_in_force_from_its_ratification_day():
    assert in_force_on(ALL, D(2023, 11, 1)) is V1
    assert in_force_on(ALL, D(2024, 10, 31)) is V1


def test_between_versions_the_earlier_one_is_in_force():
    assert in_force_on(ALL, D(2024, 11, 1)) is V2
    assert in_force_on(ALL, D(2025, 3, 15)) is V2


def test_after_the_last_version_it_stays_in_force():
    assert in_force_on(ALL, D(2025, 10, 1)) is V3
    assert in_force_on(ALL, D(2030, 1, 1)) is V3


def test_a_republished_version_with_the_same_date_wins_by_publication_time():
    old = record("2024-25", D(2024, 11, 1), D(2025, 12, 31), "2024-11-02T10:00:00+00:00")
    fix = record("2024-25a", D(2024, 11, 1), D(2025, 12, 31), "2024-11-20T10:00:00+00:00")
    assert in_force_on([fix, old], D(2025, 1, 1)) is fix
    assert newest_first([old, fix])[0] is fix


def test_newest_first_orders_by_ratification_not_by_name():
    early_name = record("a-2026", D(2026, 1, 1), D(2027, 1, 1))
    assert [r.version for r in newest_first([V1, early_name, V2])] == ["a-2026", "2024-25", "2023-24"]


def test_review_has_passed_only_after_the_whole_period():
    assert not review_passed(D(2024, 12, 31), D(2024, 12, 31))
    assert review_passed(D(2024, 12, 31), D(2025, 1, 1))


def test_record_round_trips_through_json():
    assert VersionRecord.from_json(V2.to_json(), ("latest",)) == VersionRecord(
        *[getattr(V2, f) for f in ("version", "ratified", "ratified_text", "next_review",
                                   "next_review_text", "model", "published")], aliases=("latest",))


def test_history_page_lists_versions_newest_first_with_an_accessible_date_question():
    page = render_history("St Joseph's School", ALL, D(2026, 11, 1))
    assert '<html lang="en-GB">' in page
    assert page.index("2025-26") < page.index("2024-25") < page.index("2023-24")
    for r in ALL:
        assert f'href="{r.version}/"' in page and r.ratified_text in page and r.next_review_text in page
    assert '<label for="in-force-date">' in page and 'id="in-force-date"' in page
    assert 'aria-live="polite"' in page
    assert "St Joseph&#39;s School" in page  # escaped
    assert "The review date has passed." in page  # 2026-09-30 < 2026-11-01


def test_landing_marks_schools_whose_review_date_has_passed():
    page = render_pages_landing([SchoolEntry("b-school", "B School", V1),
                                 SchoolEntry("a-school", "A School", V3)],
                                "CSF4093 issue 12, August 2023", D(2025, 6, 1))
    assert page.index("A School") < page.index("B School")
    assert 'href="a-school/2025-26/"' in page and 'href="b-school/"' in page
    a_row = page[page.index("A School"):page.index("B School")]
    b_row = page[page.index("B School"):]
    assert "Up to date" in a_row and "Review date passed" not in a_row
    assert "Review date passed" in b_row and 'data-next-review="2024-12-31"' in b_row
