"""The landing page that lists every school site in an output folder.

Each site built by `policy build` carries `.policy-summary.json` (the school's name and next
review, and a digest of the school file they came from), so the landing page reads 500 small
JSON files instead of validating 500 school files; a site without a current summary (built
by plain `mkdocs build`, or its school file edited since) is read from its school file. A site
whose school file no longer builds is still served, so it stays listed, from its summary.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from macros import files
from macros.paths import TEMPLATES_DIR, schools_dir
from macros.errors import PolicyError, Problem
from macros.school.loader import load_school, school_path
from macros.model.model import load_model

TEMPLATES = TEMPLATES_DIR
SUMMARY_FILE = ".policy-summary.json"


def readable_school_file(slug: str) -> Path:
    """The school's file, or a PolicyError saying why it cannot be read (a symbolic link loop,
    a folder, no permission) for that school alone."""
    path = schools_dir() / f"{slug}.yml"
    try:
        os.stat(path)
    except FileNotFoundError:
        pass                                  # school_path says so, with the nearest names
    except OSError as error:
        raise PolicyError(Problem(f"schools/{slug}.yml", f"cannot read this file: {files.describe(error)}")) from None
    return school_path(slug)


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_summary(site_dir: Path, school, school_file: Path) -> None:
    """The school's name and next review, and a digest of the file they were read from."""
    summary = {"name": school.school.name, "next_review": str(school.dates.next_review),
               "school_sha256": file_digest(school_file)}
    # Written into the staging folder, it is swapped in with the site, whole (files.building_dir).
    (Path(site_dir) / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False) + "\n", encoding="utf-8")


def _stored_summary(site_dir: Path) -> dict | None:
    try:
        summary = json.loads((Path(site_dir) / SUMMARY_FILE).read_text(encoding="utf-8"))
        if isinstance(summary, dict) and isinstance(summary.get("name"), str):
            return summary
    except (OSError, ValueError):
        pass
    return None


def read_summary(site_dir: Path, school_file: Path) -> dict | None:
    """The stored summary, if it was written from the school file as it is now."""
    summary = _stored_summary(site_dir)
    try:
        if summary is not None and summary.get("school_sha256") == file_digest(school_file):
            return summary
    except OSError:
        pass
    return None


def _listing(site: Path, model) -> dict:
    """One school's entry: from its school file as it is now, or else from the site in place
    (`stale`: the school file has a problem, so the site shown was built from an earlier one)."""
    try:
        school_file = readable_school_file(site.name)
        summary = read_summary(site, school_file)
        if summary is None:
            school = load_school(school_file, model)
            summary = {"name": school.school.name, "next_review": str(school.dates.next_review)}
        return {"slug": site.name, "name": summary["name"], "next_review": summary["next_review"],
                "stale": False}
    except (PolicyError, OSError):
        summary = _stored_summary(site) or {}
        return {"slug": site.name, "name": summary.get("name") or site.name,
                "next_review": summary.get("next_review"), "stale": True}


def write_landing(out_dir: Path) -> Path:
    model = load_model()
    out_dir = Path(out_dir)
    schools = [_listing(site, model) for site in sorted(out_dir.iterdir())
               if not site.name.startswith(".") and (site / "index.html").is_file()]
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    page = env.get_template("landing.html").render(schools=schools, model=model.meta)
    return files.atomic_write_text(out_dir / "index.html", page)
