"""How much of an old version stays on the pages branch: a GitHub Pages site may be 1 GB.

A full version is ~360 KB (its pages and search index); after ten yearly versions, 500
schools would need ~1.8 GB. The rule: the `keep` newest versions of each school (newest by
ratification, the default 2) stay whole; every older one is *retired*, which keeps

- its print page (`print/index.html`: the whole policy in one page, as ratified), with its
  header (and version menu), footer and the policy's text as they were; only its site
  navigation and search, which led to pages the version no longer has, are taken out,
- its `policy.json` (marked `"retired": true`) and so its row on the history page,
- its own `assets/` if it was published before the assets were shared (the print page
  needs them),

and replaces every other page with a small redirect to the print page (its "What changed"
page goes too: both print pages it compared are kept, so `policy diff --since` can still
tell the difference), so an old address
(a bookmark, a citation in a letter) still lands on that version's text. Its search index
goes. A retired version is about 55 KB. Retiring happens inside the same commit as the
publish that made a version old, and never undoes itself: publishing an old version again
retires it again.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html import escape

from macros.errors import PolicyError, Problem

DEFAULT_KEEP = 2
PRINT_PAGE = "print/index.html"
KEPT_FILES = (PRINT_PAGE, "policy.json")
KEPT_FOLDERS = ("assets/",)
RETIRED_TEMPLATE = """<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>Version {version}</title>\
<meta http-equiv="refresh" content="0; url={href}"><link rel="canonical" href="{href}">\
<main><a href="{href}">Read version {version} of the policy as one page</a></main>
"""# What a retired print page no longer needs: the site's navigation and table of contents
# (their links led to the pages now forwarding here) and search (its index is gone).
NOT_KEPT = ('.md-sidebar--primary', '.md-sidebar--secondary', '[data-md-component="search"]',
            'label[for="__search"]', 'input#__search', 'label[for="__drawer"]', 'input#__drawer',
            'label.md-overlay', 'nav.md-footer__inner')


@dataclass(frozen=True)
class Retention:
    """`keep` newest versions stay whole; None keeps every version whole."""

    keep: int | None = DEFAULT_KEEP

    @classmethod
    def parse(cls, text: str, field: str = "--keep-full") -> "Retention":
        value = str(text).strip().lower()
        if value == "all":
            return cls(None)
        if value.isdigit() and int(value) >= 1:
            return cls(int(value))
        raise PolicyError(Problem("policy publish", f"{field} must be a whole number of at least 1 "
                                  f"(how many of a school's newest versions stay whole) or 'all', "
                                  f"not {text!r}", field))

    def retired(self, versions_newest_first: list[str]) -> list[str]:
        return [] if self.keep is None else versions_newest_first[self.keep:]


def is_kept(path: str) -> bool:
    """Whether a file of a version (path inside its folder) stays when it is retired."""
    return path in KEPT_FILES or path.startswith(KEPT_FOLDERS)


def retired_page(page: str, version: str) -> str | None:
    """The redirect that replaces `page` (a path inside the version folder) once the version
    is retired; None for a file that is simply dropped (not a page)."""
    if not page.endswith(".html") or is_kept(page):
        return None
    href = posixpath.relpath(PRINT_PAGE, posixpath.dirname(page) or ".")
    href = posixpath.dirname(href) + "/"
    return RETIRED_TEMPLATE.format(href=escape(href), version=escape(version))


def slim_print_page(html: str) -> str:
    """A retired version's print page: the same page without what NOT_KEPT names."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for node in soup.select(", ".join(NOT_KEPT)):
        node.decompose()
    return str(soup)
