"""The landing page that lists every school site in an output folder.

Each site built by `policy build` carries `.policy-summary.json` (the school's name and next
review, and a digest of the school file they came from), so the landing page reads 500 small
JSON files instead of validating 500 school files; a site without a current summary (built
by plain `mkdocs build`, or its school file edited since) is read from its school file.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .errors import PolicyError
from .fingerprint import read_summary
from .loader import load_school, school_path
from .model import load_model

TEMPLATES = Path(__file__).parent / "templates"


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
