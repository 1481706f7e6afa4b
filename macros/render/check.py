"""`policy check`: every problem in every school file, plus what the editor should look at.

Each finding is a level and a Problem (file, line, column, field, message), shown as text for
a person at a terminal, or as GitHub workflow commands (`::error file=…,line=…::…`) so that in
a pull request each one appears on its own line of the school file.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from macros.render.differences import plain, words_of
from macros.errors import PolicyError, Problem
from macros.render.model_changes import model_changes
from macros.school.loader import KEY, all_slugs, display_path, load_school, read_yaml, school_path
from macros.paths import DOCS_DIR
from macros.model.model import Model, load_model
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
            report.findings += [Finding("error", problem) for problem in error.problems]
            continue
        path = school_path(slug)
        file = display_path(path)
        data, positions = read_yaml(path)

        def found(level: str, message: str, name: str = "", path: tuple = ()) -> None:
            """A finding on the line where the field at `path` is written (the file, without one)."""
            line, column = _located(positions, *path) if path else (None, None)
            report.findings.append(Finding(level, Problem(file, message, name, line, column)))

        notice = review_notice(school, today)
        if notice:
            found("warning", notice, "dates.next_review", ("dates", "next_review"))
        for change in model_changes(school, model):
            current = model.passages[change.passage]
            message = (f"model changed since your last review (issue {change.reviewed}): "
                       + ("this passage is new" if change.what == "new" else "its wording is now")
                       + f" in issue {change.current}: \"{plain(current.text, words=words_of(school, model))}\"; "
                       f"read it, then set model_reviewed: {model.issue}")
            found("warning", message, f"passages.{change.group}.{change.passage}",
                  _passage_path(data, change.group, change.passage))
        missing = links_without_address(school, model)
        if missing:
            found("note", f"{len(missing)} references have no web address yet and show as plain text: "
                          f"{', '.join(missing)} (add them under links:)")
        report.findings.append(Finding("ok", Problem(file, "")))
    return report


def _passage_path(data: dict, group: str, passage: str) -> tuple:
    """The path of a passage's entry in the file: a key (add_after, replace, fill) or an omit item."""
    entries = (data.get("passages") or {}).get(group)
    if isinstance(entries, list) and passage in entries:
        return ("passages", group, entries.index(passage))
    return ("passages", group, passage)
