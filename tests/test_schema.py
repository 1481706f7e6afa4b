"""The school file's schema, field by field, and the dates schools write."""
from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from macros.school.dates import ACCEPTED_FORMS, DateFormatError, parse_policy_date
from macros.errors import PolicyError, Problem
from macros.school.loader import load_school
from macros.school.schema import School

GOOD = yaml.safe_load((Path(__file__).parent / "schools" / "good.yml").read_text(encoding="utf-8"))


# --- dates --------------------------------------------------------------------------

@pytest.mark.parametrize("written, start, end, shown", [
    ("2024-09-01", dt.date(2024, 9, 1), dt.date(2024, 9, 1), "1 September 2024"),
    (dt.date(2024, 9, 1), dt.date(2024, 9, 1), dt.date(2024, 9, 1), "1 September 2024"),
    ("3 December 2023", dt.date(2023, 12, 3), dt.date(2023, 12, 3), "3 December 2023"),
    ("3rd December 2023", dt.date(2023, 12, 3), dt.date(2023, 12, 3), "3 December 2023"),
    ("3 Dec 2023", dt.date(2023, 12, 3), dt.date(2023, 12, 3), "3 December 2023"),
    ("September 2024", dt.date(2024, 9, 1), dt.date(2024, 9, 30), "September 2024"),
    ("Sept 2025", dt.date(2025, 9, 1), dt.date(2025, 9, 30), "September 2025"),
    ("sep 2025", dt.date(2025, 9, 1), dt.date(2025, 9, 30), "September 2025"),
    ("Autumn 2025", dt.date(2025, 9, 1), dt.date(2025, 12, 31), "Autumn 2025"),
    ("Spring Term 2024", dt.date(2024, 1, 1), dt.date(2024, 4, 30), "Spring Term 2024"),
    ("summer 2024", dt.date(2024, 4, 1), dt.date(2024, 7, 31), "Summer 2024"),
    ("  February   2024 ", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "February 2024"),
])
def test_accepted_dates(written, start, end, shown):
    date = parse_policy_date(written)
    assert (date.start, date.end) == (start, end)
    assert str(date) == shown  # shown on the site in one tidy form


@pytest.mark.parametrize("written, says", [
    ("31 February 2024", "'31 February 2024' is not a real date: February 2024 has 29 days; check the day "
                         "and the month"),
    ("2023-02-30", "'2023-02-30' is not a real date: February 2023 has 28 days; check the day and the month"),
    ("2025-13-01", "'2025-13-01' is not a real date: there is no month 13; write the month as 01 to 12, or "
                   "in words, like 1 September 2024"),
    ("January 0000", "'January 0000' has the year 0000, which cannot be right for this policy; write the "
                     "year in full, like January 2025"),
    ("3 May 20244", "'3 May 20244' has the year 20244, which cannot be right for this policy; write the "
                    "year in full, like 3 May 2025"),
    ("03/12/23", "'03/12/23' could be read two ways (day/month or month/day); write it with the month in "
                 "words, like 3 December 2023, or as 2023-12-03"),
    ("3.12.2023", "'3.12.2023' could be read two ways (day/month or month/day); write it with the month in "
                  "words, like 3 December 2023, or as 2023-12-03"),
    ("next year", f"cannot read 'next year' as a date; write {ACCEPTED_FORMS}"),
    ("Winter 2024", f"cannot read 'Winter 2024' as a date; write {ACCEPTED_FORMS}"),
    ("Smarch " * 20, f"cannot read '{('Smarch ' * 20)[:59].rstrip()}…' as a date; write {ACCEPTED_FORMS}"),
    ("", f"this is empty; write {ACCEPTED_FORMS}"),
    (None, f"this is empty; write {ACCEPTED_FORMS}"),
    (2024, f"expected a date, found '2024'; write {ACCEPTED_FORMS}"),
    (True, f"expected a date, found 'true'; write {ACCEPTED_FORMS}"),
])
def test_each_refused_date_says_what_is_wrong_and_what_to_write(written, says):
    with pytest.raises(DateFormatError) as error:
        parse_policy_date(written)
    assert str(error.value) == says


def test_every_example_the_refusals_offer_is_accepted():
    examples = re.findall(r"\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|(?:[A-Z][a-z]+ )+\d{4}", ACCEPTED_FORMS)
    assert examples == ["2024-09-01", "1 September 2024", "September 2024", "Autumn 2024", "Spring Term 2025",
                        "Summer 2025"]
    for example in examples:
        assert str(parse_policy_date(example))


def test_dates_compare_by_the_days_they_cover():
    assert parse_policy_date("Autumn 2024").end < parse_policy_date("January 2025").start
    assert parse_policy_date("September 2024") == parse_policy_date("Sept 2024")


# --- every field, each way it can be wrong ------------------------------------------

def with_(path: str, value) -> dict:
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


DELETE = object()

# (field path, a bad value, the field pydantic names, words in the error)
BAD_FIELDS = [
    ("version", "2024/25", "version", "pattern"),
    ("version", 2024, "version", "string"),
    ("model_reviewed", 0, "model_reviewed", "greater than or equal"),
    ("model_reviewed", "twelve", "model_reviewed", "integer"),
    ("school", "Oakfield", "school", "dictionary"),
    ("school.name", DELETE, "school.name", "Field required"),
    ("school.name", "", "school.name", "at least 1"),
    ("school.name", "x" * 301, "school.name", "at most 300"),
    ("school.name", "{{ config }}", "school.name", "template markers"),
    ("school.name", "{% include 'x' %}", "school.name", "template markers"),
    ("school.name", "a\x07b", "school.name", "control character"),
    ("school.name", ["a"], "school.name", "string"),
    ("school.short_name", "", "school.short_name", "at least 1"),
    ("school.setting", "academy", "school.setting", "'school' or 'centre'"),
    ("school.email", "office", "school.email", "pattern"),
    ("school.email", "<a@b.co>", "school.email", "pattern"),
    ("school.phone", "{{ x }}", "school.phone", "template"),
    ("school.website", "javascript:alert(1)", "school.website", "pattern"),
    ("school.website", "www.school.org", "school.website", "pattern"),
    ("school.colour", "blue", "school.colour", "Extra inputs"),
    ("governance", "board", "governance", "'governing-body' or 'management-committee'"),
    ("roles", [], "roles", "dictionary"),
    ("roles.designated_teacher", DELETE, "roles.designated_teacher", "Field required"),
    ("roles.designated_governor", DELETE, "roles.designated_governor", "Field required"),
    ("roles.safeguarding_lead", DELETE, "roles.safeguarding_lead", "Field required"),
    ("roles.designated_teacher", [], "roles.designated_teacher.holders", "at least 1"),
    ("roles.designated_teacher", "Priya Shah", "roles.designated_teacher.holders", "list"),
    ("roles.designated_teacher", {"name": "Priya"}, "roles.designated_teacher.holders", "list"),
    ("roles.designated_teacher.0.name", "", "roles.designated_teacher.holders.0.name", "at least 1"),
    ("roles.designated_teacher.0.title", "", "roles.designated_teacher.holders.0.title", "at least 1"),
    ("roles.designated_teacher.0.pronoun", "her", "roles.designated_teacher.holders.0.pronoun", "'she', 'he' or 'they'"),
    ("roles.designated_teacher.0.age", 40, "roles.designated_teacher.holders.0.age", "Extra inputs"),
    ("roles.designated_governor", {"vacant": True}, "roles.designated_governor.vacancy.contact", "Field required"),
    ("roles.designated_governor", {"vacant": False, "contact": "Head"}, "roles.designated_governor.vacancy.vacant", "True"),
    ("roles.head", [{"name": "X"}], "roles.head", "Extra inputs"),
    ("dates.ratified", DELETE, "dates.ratified", "Field required"),
    ("dates.ratified", "31 February 2024", "dates.ratified", "not a real date"),
    ("dates.ratified", "03/12/23", "dates.ratified", "two ways"),
    ("dates.ratified_by", "", "dates.ratified_by", "at least 1"),
    ("dates.reviewed", "soon", "dates.reviewed", "cannot read"),
    ("dates.next_review", DELETE, "dates.next_review", "Field required"),
    ("dates.next_review", "September 2022", "dates", "is before ratified"),
    ("dates.designated_teacher_year", "2024", "dates.designated_teacher_year", "pattern"),
    ("dates.behaviour_policy_reviewed", "31/02/2024", "dates.behaviour_policy_reviewed", "two ways"),
    ("choices.behaviour_approach", "Herts Steps", "choices.behaviour_approach", "pattern"),
    ("choices.behaviour_contact", {"email": "x"}, "choices.behaviour_contact.email", "pattern"),
    ("choices.behaviour_contact", {"fax": "1"}, "choices.behaviour_contact.fax", "Extra inputs"),
    ("choices.toolkit_training", {"status": "maybe"}, "choices.toolkit_training.status", "'delivered' or 'planned'"),
    ("choices.toolkit_training", {"status": "planned"}, "choices.toolkit_training", "needs `when:`"),
    ("choices.alternative_provision_full_time", "", "choices.alternative_provision_full_time", "at least 1"),
    ("title_page", "Oakfield", "title_page", "dictionary"),
    ("title_page.title", "{{ config }}", "title_page.title", "template"),
    ("title_page.rows", [{"label": "Ratified"}], "title_page.rows.0.value", "Field required"),
    ("title_page.model_publication", "sometimes", "title_page.model_publication", "boolean"),
    ("links", {"deaton-review": "ifs.org.uk"}, "links.deaton-review", "pattern"),
    ("links", {"Deaton Review": "https://ifs.org.uk"}, "links.Deaton Review.[key]", "pattern"),
    ("passages.omit", "intention.deaton-review", "passages.omit", "list"),
    ("passages.omit", ["Deaton"], "passages.omit.0", "pattern"),
    ("passages.add_after", {"impact.families": []}, "passages.add_after.impact.families.list[str]", "at least 1"),
    ("passages.add_after", {"impact.families": "[x](javascript:alert(1))"}, "passages.add_after.impact.families.str", "not a web address"),
    ("passages.add_after", {"impact.families": "[x](data:text/html,hi)"}, "passages.add_after.impact.families.str", "not a web address"),
    ("passages.replace", {"impact.families": ["a"]}, "passages.replace.impact.families", "string"),
    ("passages.replace", {"impact.families": "{{ config }}"}, "passages.replace.impact.families", "template"),
    ("passages.fill", {"exclusion.avoid-methods": []}, "passages.fill.exclusion.avoid-methods", "at least 1"),
    ("passages.fill", {"exclusion.avoid-methods": "a change of class"}, "passages.fill.exclusion.avoid-methods", "list"),
    ("passages.keep", [], "passages.keep", "Extra inputs"),
    ("sections", {"Exclusion": "x"}, "sections.Exclusion.[key]", "pattern"),
    ("sections", {"exclusion": ""}, "sections.exclusion", "at least 1"),
    ("sections", {"exclusion": "x" * 20001}, "sections.exclusion", "at most 20000"),
]


@pytest.mark.parametrize("path, value, loc, says", BAD_FIELDS,
                         ids=[f"{p}={str(v)[:20]!r}" for p, v, *_ in BAD_FIELDS])
def test_each_field_refuses_bad_values(path, value, loc, says):
    with pytest.raises(ValidationError) as error:
        School.model_validate(with_(path, value))
    found = {".".join(str(p) for p in e["loc"]): e["msg"] for e in error.value.errors()}
    assert loc in found, found
    assert says in found[loc], found


def test_the_good_fixture_is_valid_and_every_top_level_field_is_used():
    school = School.model_validate(GOOD)
    assert set(GOOD) == set(School.model_fields) - {"sections"}
    assert school.dates.ratified.start == dt.date(2023, 12, 3)
    assert school.choices.toolkit_training.when == "Spring Term 2025"


@pytest.mark.parametrize("path, value", [
    ("roles.designated_governor", {"vacant": True, "contact": "the Headteacher, Jo Bloggs"}),
    ("roles.designated_teacher", [{"name": "A"}, {"name": "B", "title": "SENDCo"}]),
    ("school.setting", "centre"),
    ("governance", "management-committee"),
    ("passages.add_after", {"impact.families": ["one", "two"]}),
    ("sections", {"exclusion": "## Our approach\n\nWe [talk](https://example.org) first."}),
    ("choices.behaviour_contact", {"email": "tt@school.org", "phone": "01234 567890"}),
    ("dates.next_review", "2023-12-03"),  # the same day as ratification is allowed
])
def test_other_valid_forms(path, value):
    School.model_validate(with_(path, value))


def test_errors_render_as_file_line_column_field_message():
    problem = Problem("schools/x.yml", "found 'her'", "roles.designated_teacher[1].pronoun", 18, 16)
    assert str(problem) == "schools/x.yml:18:16: roles.designated_teacher[1].pronoun: found 'her'"
    assert str(Problem("schools/x.yml", "the file is empty")) == "schools/x.yml: the file is empty"
    error = PolicyError([problem, Problem("a.yml", "b")])
    assert len(error.problems) == 2 and str(error).count("\n") == 1


def test_schema_json_matches_the_schema():
    from macros.school.schema_file import SCHEMA_PATH, schema_text
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run `policy schema`"


def test_load_school_refuses_a_file_name_that_is_not_a_slug(tmp_path):
    bad = tmp_path / "Oak Field.yml"
    bad.write_text("school: {}", encoding="utf-8")
    with pytest.raises(PolicyError, match="lowercase letters, digits and hyphens ending in .yml"):
        load_school(bad)


def test_every_pattern_of_schema_json_is_a_valid_unicode_mode_regular_expression(tmp_path):
    """Editors' validators (check-jsonschema, yaml-language-server) read patterns as JavaScript
    regular expressions in unicode mode, and refuse the whole schema if one is invalid there."""
    import shutil
    import subprocess
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (make test installs it)")
    script = tmp_path / "patterns.js"
    script.write_text(
        "const schema = require(process.argv[2]); const bad = [];\n"
        "(function walk(o) { if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) {\n"
        "  if (k === 'pattern') { try { new RegExp(v, 'u'); } catch (e) { bad.push(v); } } else walk(v); } })(schema);\n"
        "console.log(JSON.stringify(bad));\n", encoding="utf-8")
    schema = Path(__file__).parent.parent / "schools" / "schema.json"
    run = subprocess.run([node, str(script), str(schema)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
