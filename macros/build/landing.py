"""The landing page that lists every school site in an output folder.

Each site built by `policy build` carries `.policy-summary.json` (the school's name and next
review, and a digest of the school file they came from), so the landing page reads 500 small
JSON files instead of validating 500 school files; a site without a current summary (built
by plain `mkdocs build`, or its school file edited since) is read from its school file.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from macros.paths import TEMPLATES_DIR
from macros.errors import PolicyError
from macros.school.loader import load_school, school_path
from macros.model.model import load_model

TEMPLATES = TEMPLATES_DIR
SUMMARY_FILE = ".policy-summary.json"


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_summary(site_dir: Path, school, school_file: Path) -> None:
    """The school's name and next review, and a digest of the file they were read from."""
    summary = {"name": school.school.name, "next_review": str(school.dates.next_review),
               "school_sha256": file_digest(school_file)}
    (Path(site_dir) / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False) + "\n",
                                               encoding="utf-8")


def read_summary(site_dir: Path, school_file: Path) -> dict | None:
    """The stored summary, if it was written from the school file as it is now."""
    try:
        summary = json.loads((Path(site_dir) / SUMMARY_FILE).read_text(encoding="utf-8"))
        if summary.get("school_sha256") == file_digest(school_file):
            return summary
    except (OSError, ValueError, AttributeError):
        pass
    return None


def write_landing(out_dir: Path) -> Path:
    model = load_model()
    schools = []
    for site in sorted(p for p in out_dir.iterdir() if (p / "index.html").is_file()):
        try:
            school_file = school_path(site.name)
            summary = read_summary(site, school_file)
            if summary is None:
                school = load_school(school_file, model)
                summary = {"name": school.school.name, "next_review": str(school.dates.next_review)}
        except PolicyError:
            continue
        schools.append({"slug": site.name, "name": summary["name"],
                        "next_review": summary["next_review"]})
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    page = env.get_template("landing.html").render(schools=schools, model=model.meta)
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
