"""mkdocs hooks: a section the school leaves out entirely is left out of the site and its nav.

Listed under `hooks:` in mkdocs.yml. The decision is the school's (`passages.omit` naming a
section's top heading); this file only tells mkdocs.
"""
from __future__ import annotations

import os

from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from macros.loader import load_school, school_path
from macros.model import load_model


def _omitted_sections() -> set[str]:
    slug = os.environ.get("SCHOOL", "").strip()
    if not slug:
        return set()
    model = load_model()
    school = load_school(school_path(slug), model)
    return {section for section in model.sections if section in school.passages.omit}


def on_files(files, config):
    omitted = _omitted_sections()
    for file in files:
        if file.src_uri.endswith(".md") and file.src_uri[:-3] in omitted:
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def _prune(items: list) -> list:
    kept = []
    for item in items:
        if isinstance(item, Page) and item.file.inclusion.is_excluded():
            continue
        if isinstance(item, Section):
            item.children = _prune(item.children)
            if not item.children:
                continue
        kept.append(item)
    return kept


def on_nav(nav, config, files):
    nav.items = _prune(nav.items)
    nav.pages = [page for page in nav.pages if not page.file.inclusion.is_excluded()]
    for before, after in zip([None, *nav.pages], [*nav.pages, None]):
        if before is not None:
            before.next_page = after
        if after is not None:
            after.previous_page = before
    return nav
