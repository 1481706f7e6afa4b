"""The landing page that lists every school site in an output folder."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .errors import PolicyError
from .loader import load_school, school_path
from .model import load_model

TEMPLATES = Path(__file__).parent / "templates"


def write_landing(out_dir: Path) -> Path:
    model = load_model()
    schools = []
    for site in sorted(p for p in out_dir.iterdir() if (p / "index.html").is_file()):
        try:
            school = load_school(school_path(site.name), model)
        except PolicyError:
            continue
        schools.append({"slug": site.name, "name": school.school.name,
                        "next_review": str(school.dates.next_review)})
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    page = env.get_template("landing.html").render(schools=schools, model=model.meta)
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
