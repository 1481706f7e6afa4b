"""`policy check`: every problem in every school file, plus what the editor should look at."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from macros.render.differences import plain, words_of
from macros.errors import PolicyError
from macros.render.model_changes import model_changes
from macros.school.loader import all_slugs, load_school, school_path
from macros.paths import DOCS_DIR
from macros.model.model import Model, load_model
from macros.school.dates import dates_in
from macros.school.schema import School

REVIEW_WARNING_DAYS = 30
_REFERENCE = re.compile(r"\]\[([a-z0-9-]+)\]")


@dataclass
class CheckReport:
    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def review_notice(school: School, today: dt.date) -> str | None:
    """A warning when the next review date has passed or is near."""
    due = school.dates.next_review
    if due.end < today:
        return f"the next review date ({due}) has passed: review the policy and update dates.next_review"
    if (due.start - today).days <= REVIEW_WARNING_DAYS:
        return f"the next review date ({due}) is within {REVIEW_WARNING_DAYS} days"
    return None


def contact_warning(school: School) -> str | None:
    """A warning when the file gives no way to reach the school (who's who would give none)."""
    info = school.school
    if info.email or info.phone or info.office_hours:
        return None
    return ("no way to contact the school is given, so the who's who page cannot say how to reach "
            "the people it names: add email:, phone: or office_hours: under school:")


def title_date_warnings(school: School) -> list[str]:
    """A date on the title page that is none of the file's dates: the two would disagree."""
    d = school.dates
    known = {(x.start, x.end) for x in (d.ratified, d.reviewed, d.next_review, d.behaviour_policy_reviewed) if x}
    listed = ", ".join(str(x) for x in (d.ratified, d.reviewed, d.next_review) if x)
    return [f"title_page.rows[{n}]: '{row.value}' gives the date {date}, which is none of the dates "
            f"under dates: ({listed}); write the same date in both places"
            for n, row in enumerate(school.title_page.rows or [])
            for date in dates_in(row.value) if (date.start, date.end) not in known]


def links_without_address(school: School, model: Model) -> list[str]:
    """Registry entries the model's text refers to that have no web address for this school."""
    used: set[str] = set()
    for section in model.sections:
        if section not in school.sections:
            used.update(_REFERENCE.findall((DOCS_DIR / f"{section}.md").read_text(encoding="utf-8")))
    return sorted(key for key in used
                  if key in model.links and not (school.links.get(key) or model.links[key].url))


def check_schools(slugs: list[str] | None = None, today: dt.date | None = None) -> CheckReport:
    today = today or dt.date.today()
    model = load_model()
    report = CheckReport()
    for slug in slugs or all_slugs():
        try:
            school = load_school(school_path(slug), model)
        except PolicyError as error:
            report.failed.append(slug)
            report.lines += [f"error: {problem}" for problem in error.problems]
            continue
        file = f"schools/{slug}.yml"
        notice = review_notice(school, today)
        if notice:
            report.lines.append(f"warning: {file}: dates.next_review: {notice}")
        report.lines += [f"warning: {file}: {warning}" for warning in title_date_warnings(school)]
        contact = contact_warning(school)
        if contact:
            report.lines.append(f"warning: {file}: school: {contact}")
        for change in model_changes(school, model):
            current = model.passages[change.passage]
            report.lines.append(
                f"warning: {file}: passages.{change.group}.{change.passage}: model changed since your "
                f"last review (issue {change.reviewed}): "
                + ("this passage is new" if change.what == "new" else "its wording is now")
                + f" in issue {change.current}: \"{plain(current.text, words=words_of(school, model))}\"; "
                f"read it, then set model_reviewed: {model.issue}")
        missing = links_without_address(school, model)
        if missing:
            report.lines.append(f"note: {file}: {len(missing)} references have no web address yet and "
                                f"show as plain text: {', '.join(missing)} (add them under links:)")
        report.lines.append(f"ok: {file}")
    return report
