"""A school's policy history: the versions on the pages branch and which one was in force when.

Plain Python with no git and no mkdocs: `publish.py` reads the pages branch and hands the
records here. Each published version has a `policy.json` beside its site:

    {"version": "2024-25", "ratified": "2024-11-01", "ratified_text": "November 2024",
     "next_review": "2025-12-31", "next_review_text": "Autumn 2025",
     "model": "CSF4093 issue 12, August 2023", "published": "2024-11-20T10:00:00+00:00",
     "school": "St Joseph's School"}

`ratified` is the first day of the stated ratification date and `next_review` the last day
of the stated review date ("Autumn 2025" is due by 31 December 2025).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from macros.paths import TEMPLATES_DIR

TEMPLATES = TEMPLATES_DIR
RECORD_FILE = "policy.json"


@dataclass(frozen=True)
class VersionRecord:
    """One published version of a school's policy."""

    version: str
    ratified: dt.date
    ratified_text: str
    next_review: dt.date
    next_review_text: str
    model: str = ""
    published: str = ""
    aliases: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        data = asdict(self)
        data["ratified"] = self.ratified.isoformat()
        data["next_review"] = self.next_review.isoformat()
        data.pop("aliases")
        return data

    @classmethod
    def from_json(cls, data: dict, aliases: tuple[str, ...] = ()) -> "VersionRecord":
        return cls(version=str(data["version"]),
                   ratified=dt.date.fromisoformat(data["ratified"]),
                   ratified_text=str(data.get("ratified_text") or data["ratified"]),
                   next_review=dt.date.fromisoformat(data["next_review"]),
                   next_review_text=str(data.get("next_review_text") or data["next_review"]),
                   model=str(data.get("model", "")),
                   published=str(data.get("published", "")),
                   aliases=tuple(aliases))


def newest_first(records: list[VersionRecord]) -> list[VersionRecord]:
    """Newest ratification first; versions ratified the same day sort by when they were published."""
    return sorted(records, key=lambda r: (r.ratified, r.published, r.version), reverse=True)


def in_force_on(records: list[VersionRecord], day: dt.date) -> VersionRecord | None:
    """The version in force on `day`: the latest one ratified on or before it (None before the first)."""
    for record in newest_first(records):
        if record.ratified <= day:
            return record
    return None


def review_passed(next_review: dt.date, today: dt.date) -> bool:
    """True once the whole stated review period is over (from the day after `next_review`)."""
    return today > next_review


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def render_history(school_name: str, records: list[VersionRecord], today: dt.date) -> str:
    """The page at SLUG/index.html: every version newest first, and "in force on date D"."""
    ordered = newest_first(records)
    data = [{"version": r.version, "ratified": r.ratified.isoformat(),
             "ratified_text": r.ratified_text} for r in ordered]
    return _environment().get_template("history.html").render(
        school_name=school_name, records=ordered, today=today, review_passed=review_passed,
        data=json.dumps(data).replace("<", "\\u003c"))


@dataclass(frozen=True)
class SchoolEntry:
    """One school on the landing page at the root of the pages branch."""

    slug: str
    name: str
    current: VersionRecord


def render_pages_landing(schools: list[SchoolEntry], model_label: str, today: dt.date) -> str:
    return _environment().get_template("pages-landing.html").render(
        schools=sorted(schools, key=lambda s: s.name.lower()), model_label=model_label,
        today=today, review_passed=review_passed)
