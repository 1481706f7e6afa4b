"""`policy check`: every problem in every school file (the account of its edits included),
plus what the editor should look at.

Each finding is a level and a Problem (file, line, column, field, message), shown as text for
a person at a terminal, or as GitHub workflow commands (`::error file=…,line=…::…`) so that in
a pull request each one appears on its own line of the school file.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from macros.render.context import build_context
from macros.render.differences import plain, words_of
from macros.errors import PolicyError, Problem
from macros.render.model_changes import change_note, model_changes
from macros.school.loader import all_slugs, display_path, load_school, school_path
from macros.school.yaml_reader import KEY, field_name
from macros.paths import DOCS_DIR
from macros.model.model import Model, load_model
from macros.school.dates import dates_in
from macros.school.schema import School

REVIEW_WARNING_DAYS = 30
_REFERENCE = re.compile(r"\]\[([a-z0-9-]+)\]")


# GitHub's annotation levels for ours; `ok` is no annotation, only a line in the log.
_GITHUB_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


@dataclass(frozen=True)
class Finding:
    level: str          # error, warning, note or ok
    problem: Problem


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def text_line(finding: Finding) -> str:
    """`level: file:line:column: field: message`, as a person reads it at a terminal."""
    if finding.level == "ok":
        return f"ok: {finding.problem.file}"
    return f"{finding.level}: {finding.problem}"


def github_line(finding: Finding) -> str:
    """A GitHub Actions workflow command that puts the finding on its line of the file."""
    level = _GITHUB_LEVELS.get(finding.level)
    problem = finding.problem
    if level is None:
        return text_line(finding)
    properties = [("file", problem.file)]
    if problem.line is not None:
        properties.append(("line", str(problem.line)))
        if problem.column is not None:
            properties.append(("col", str(problem.column)))
    if problem.field:
        properties.append(("title", problem.field))
    where = ",".join(f"{name}={_escape(value, property=True)}" for name, value in properties)
    return f"::{level} {where}::{_escape(problem.message)}"


def _escape(text: str, property: bool = False) -> str:
    """Workflow-command escaping (as GitHub's own toolkit does it)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def output_format(requested: str, environ=os.environ) -> str:
    """`auto` is `github` inside GitHub Actions (which sets GITHUB_ACTIONS=true), else `text`."""
    if requested == "auto":
        return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
    return requested


def _located(positions: dict, *path) -> tuple[int | None, int | None]:
    """Where the field at `path` is written: its key, else its value, else the nearest parent's."""
    for end in range(len(path), 0, -1):
        for key in ((KEY, *path[:end]), path[:end]):
            if key in positions:
                return positions[key]
    return None, None


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


def title_date_warnings(school: School) -> list[tuple[int, str]]:
    """(row index, warning) for a title-page date that is none of the file's dates: the two
    would disagree."""
    d = school.dates
    known = {(x.start, x.end) for x in (d.ratified, d.reviewed, d.next_review, d.behaviour_policy_reviewed) if x}
    listed = ", ".join(str(x) for x in (d.ratified, d.reviewed, d.next_review) if x)
    return [(n, f"'{row.value}' gives the date {date}, which is none of the dates under dates: "
                f"({listed}); write the same date in both places")
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
            build_context(school, model)     # every edit must land on a page (the account)
        except PolicyError as error:
            report.failed.append(slug)
            report.findings += [Finding("error", problem) for problem in error.problems]
            continue
        file = display_path(school_path(slug))
        positions = school.source_positions

        def found(level: str, message: str, name: str = "", path: tuple = ()) -> None:
            """A finding on the line where the field at `path` is written (the file, without one)."""
            line, column = _located(positions, *path) if path else (None, None)
            report.findings.append(Finding(level, Problem(file, message, name, line, column)))

        notice = review_notice(school, today)
        if notice:
            found("warning", notice, "dates.next_review", ("dates", "next_review"))
        for n, message in title_date_warnings(school):
            found("warning", message, f"title_page.rows[{n + 1}].value", ("title_page", "rows", n, "value"))
        contact = contact_warning(school)
        if contact:
            found("warning", contact, "school", ("school",))
        for change in model_changes(school, model):
            current = model.passages[change.passage]
            message = (f"{change_note(change)}, where it reads: "
                       f"\"{plain(current.text, words=words_of(school, model))}\"; then set model_reviewed: {model.issue}")
            path = _passage_path(school, change.group, change.passage)
            found("warning", message, field_name(path), path)
        missing = links_without_address(school, model)
        if missing:
            found("note", f"{len(missing)} references have no web address yet and show as plain text: "
                          f"{', '.join(missing)} (add them under links:)")
        report.findings.append(Finding("ok", Problem(file, "")))
    return report


def _passage_path(school: School, group: str, passage: str) -> tuple:
    """The path of a passage's entry in the file: a key (add_after, replace, fill) or an omit item."""
    if group == "omit":
        return ("passages", "omit", school.passages.omit.index(passage))
    return ("passages", group, passage)
