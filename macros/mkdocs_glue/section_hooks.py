"""mkdocs hooks for the school's sections: a section the school leaves out entirely is left
out of the site and its nav, and no page may carry a link that runs code.

Listed under `hooks:` in mkdocs.yml. The decisions are the school's (`passages.omit` naming a
section's top heading); this file only tells mkdocs.
"""
from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser

from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from macros.errors import PolicyError, Problem
from macros.school.loader import load_school, school_path
from macros.model.model import load_model


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


_ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset"}
_UNSAFE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.I)
_UNSAFE_ANYWHERE = re.compile(r"(?:javascript|vbscript|data)\s*:", re.I)


class _AddressFinder(HTMLParser):
    """The addresses in a page's real tags (text that merely looks like a tag is not one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.addresses += [value or "" for name, value in attrs if name in _ADDRESS_ATTRIBUTES]


def on_page_content(content, page, config, files):
    """The model never links to code, so a page that does was fed one by a school file:
    refuse to build it rather than publish it (the loader's checks should have said so)."""
    if not _UNSAFE_ANYWHERE.search(html.unescape(content)):
        return content          # no such scheme even in the text: no address can hold one
    finder = _AddressFinder()
    finder.feed(content)
    for address in finder.addresses:
        if _UNSAFE_SCHEME.match(address):
            slug = os.environ.get("SCHOOL", "")
            raise PolicyError(Problem(f"schools/{slug}.yml", f"the page {page.file.src_uri} would link to "
                                      f"'{address[:40]}', which runs code; remove that link"))
    return content
