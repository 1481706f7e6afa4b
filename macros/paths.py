"""Where the project's files are: computed once from this file's place in the package.

Everything that needs a project path imports it from here, so moving a module inside the
package never changes where the docs, the schools or the templates are found.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
DOCS_DIR = PROJECT_DIR / "docs"
SCHOOLS_DIR = PROJECT_DIR / "schools"
MKDOCS_YML = PROJECT_DIR / "mkdocs.yml"
CACHE_DIR = PROJECT_DIR / ".cache"
SCHOOLS_DIR_VARIABLE = "POLICY_SCHOOLS_DIR"


def schools_dir() -> Path:
    """Where school files live: schools/, or the folder named by POLICY_SCHOOLS_DIR (tests, forks)."""
    override = os.environ.get(SCHOOLS_DIR_VARIABLE)
    return Path(override) if override else SCHOOLS_DIR
